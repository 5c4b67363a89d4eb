"""Web UI adjustments, loaded by cubicweb-web (the ``views`` module of every cube)."""

import shutil
from typing import Any

from cubicweb import _
from cubicweb.predicates import objectify_predicate
from cubicweb_web.views.basecomponents import ApplLogo
from cubicweb_web.views.basetemplates import HTMLHeader, LogInTemplate
from cubicweb_web.views.boxes import SearchBox
from cubicweb_web.views.schema import SchemaGraphView
from cubicweb_web.views.urlpublishing import RestPathEvaluator
from logilab.mtconverter import xml_escape

from .__pkginfo__ import description


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


@objectify_predicate
def graphviz_missing(cls: Any, req: Any, **kwargs: Any) -> int:
    return int(shutil.which("dot") is None)


class SchemaGraphWithoutGraphviz(SchemaGraphView):
    """The schema page's diagram without Graphviz: a message instead of a 500.

    cubicweb-web draws the diagram with Graphviz's ``dot`` program (the Dockerfile installs the
    ``graphviz`` package); without it the schema page failed. Chosen over cubicweb-web's view
    only while ``dot`` is missing.
    """

    __select__ = SchemaGraphView.__select__ & graphviz_missing()

    def call(self, **kwargs: Any) -> None:
        message = _("The diagram needs Graphviz (the dot program), not installed on this server.")
        self.w('<p class="alert alert-info">%s</p>', self._cw._(message))


class NamedLogo(ApplLogo):
    """The header's logo link, with a name for screen readers (it has no text, only a CSS
    background image)."""

    def render(self, w: Any) -> None:
        label = xml_escape(self._cw._("home"))
        w(f'<a id="logo" href="{xml_escape(self._cw.base_url())}" aria-label="{label}"></a>')


class NamedSearchBox(SearchBox):
    """The search box, its submit button named (an image button with an empty value)."""

    formdef = SearchBox.formdef.replace(
        '<input type="submit" class="rqlsubmit" value="" />',
        '<input type="submit" class="rqlsubmit" value="" aria-label="search" title="search" />',
    )


class DescribedHTMLHeader(HTMLHeader):
    """Page headers plus what search engines and mobile browsers read first."""

    def call(self, **kwargs: Any) -> None:
        self.whead('<meta name="viewport" content="width=device-width, initial-scale=1"/>\n')
        self.whead(f'<meta name="description" content="{xml_escape(description)}"/>\n')
        super().call(**kwargs)


class ValidLogInTemplate(LogInTemplate):
    """cubicweb-web's login page as valid HTML: a title, and no ``</base>``.

    Its template passes the page title where the view goes (so ``<title>`` stays empty) and
    closes ``<base>`` for Internet Explorer 6, though HTML has no end tag for it.
    """

    def template_header(
        self,
        content_type: str,
        view: Any = None,
        page_title: str = "",
        additional_headers: tuple[str, ...] = (),
    ) -> None:
        title = page_title or self._cw._(self.title)
        super().template_header(content_type, view, title, additional_headers)

    def whead(self, data: str, *args: Any, **kwargs: Any) -> None:
        super().whead(data.replace("></base>", ">", 1), *args, **kwargs)


def registration_callback(vreg: Any) -> None:
    vreg.register_and_replace(ListingPathEvaluator, RestPathEvaluator)
    vreg.register(SchemaGraphWithoutGraphviz)
    vreg.register_and_replace(NamedLogo, ApplLogo)
    vreg.register_and_replace(NamedSearchBox, SearchBox)
    vreg.register_and_replace(DescribedHTMLHeader, HTMLHeader)
    vreg.register_and_replace(ValidLogInTemplate, LogInTemplate)
