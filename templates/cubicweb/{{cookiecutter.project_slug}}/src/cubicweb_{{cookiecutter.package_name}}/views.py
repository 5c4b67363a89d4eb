"""Web UI adjustments, loaded by cubicweb-web (the ``views`` module of every cube)."""

from typing import Any

from cubicweb_web.views.urlpublishing import RestPathEvaluator


class ListingPathEvaluator(RestPathEvaluator):
    """``/article`` lists articles even when there are none yet.

    cubicweb-web answers 404 to an empty list, yet its index page links to every type's list:
    a new site's first links were dead. An empty list is a page saying so ("noresult").
    Unknown entities (``/article/<eid>`` that matches nothing) stay 404.
    """

    def handle_etype(self, req: Any, cls: Any) -> tuple[None, Any]:
        rset = req.execute(cls.fetch_rql(req.user))
        if rset.rowcount == 0:
            req.form.setdefault("vid", "noresult")
            return None, rset
        self.set_vid_for_rset(req, cls, rset)
        return None, rset


def registration_callback(vreg: Any) -> None:
    vreg.register_and_replace(ListingPathEvaluator, RestPathEvaluator)
