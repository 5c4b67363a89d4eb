"""Hooks: server-side rules that hold whoever writes (web UI, RQL, migration scripts)."""

from cubicweb import ValidationError, _
from cubicweb.predicates import is_instance
from cubicweb.server import hook

from .weburl import is_web_url


def count_words(text: str | None) -> int:
    return len(text.split()) if text else 0


class ArticleTitleNotBlankHook(hook.Hook):
    """Refuse a title made of white space only: yams' ``required`` accepts it."""

    __regid__ = "{{ cookiecutter.package_name }}.article-title-not-blank"
    __select__ = hook.Hook.__select__ & is_instance("Article")
    events = ("before_add_entity", "before_update_entity")

    def __call__(self) -> None:
        edited = self.entity.cw_edited
        if "title" in edited and not (edited["title"] or "").strip():
            raise ValidationError(self.entity.eid, {"title": _("title must not be blank")})


class ArticleWordCountHook(hook.Hook):
    """Keep ``word_count`` in step with ``body``.

    Setting it through ``cw_edited[...]`` marks it as written by the server, so the attribute's
    ``add``/``update`` permissions (nobody) do not apply to this hook.
    """

    __regid__ = "{{ cookiecutter.package_name }}.article-word-count"
    __select__ = hook.Hook.__select__ & is_instance("Article")
    events = ("before_add_entity", "before_update_entity")

    def __call__(self) -> None:
        edited = self.entity.cw_edited
        if "body" in edited or self.event == "before_add_entity":
            edited["word_count"] = count_words(edited.get("body"))


class AuthorHomepageHook(hook.Hook):
    """Only absolute http(s) URLs: the homepage becomes an IRI in RDF and a link in HTML."""

    __regid__ = "{{ cookiecutter.package_name }}.author-homepage"
    __select__ = hook.Hook.__select__ & is_instance("Author")
    events = ("before_add_entity", "before_update_entity")

    def __call__(self) -> None:
        homepage = self.entity.cw_edited.get("homepage")
        if homepage and not is_web_url(homepage):
            message = _("homepage must be an absolute http:// or https:// URL")
            raise ValidationError(self.entity.eid, {"homepage": message})
