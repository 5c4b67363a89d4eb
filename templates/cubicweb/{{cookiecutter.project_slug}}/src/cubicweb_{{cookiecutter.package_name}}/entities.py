"""Entity classes and adapters: Python behaviour attached to the schema's entity types."""

from collections.abc import Iterator

from cubicweb.entities import AnyEntity, fetch_config
from cubicweb.entities.adapters import EntityRDFAdapter
from cubicweb.predicates import is_instance
from rdflib import Literal, URIRef

from .vocabulary import CLASSES, PROPERTIES
from .weburl import is_web_url

Triple = tuple[URIRef, URIRef, URIRef | Literal]


class Author(AnyEntity):
    __regid__ = "Author"
    fetch_attrs, cw_fetch_order = fetch_config(["name"])

    def dc_title(self) -> str:
        return self.name


class Article(AnyEntity):
    __regid__ = "Article"
    fetch_attrs, cw_fetch_order = fetch_config(["title"])

    def dc_title(self) -> str:
        return self.title

    @property
    def state_name(self) -> str:
        """The workflow state, e.g. ``draft`` or ``published``."""
        return self.cw_adapt_to("IWorkflowable").state


class ArticleRDFAdapter(EntityRDFAdapter):
    """CubicWeb's generic triples, plus the article described with schema.org terms."""

    __select__ = EntityRDFAdapter.__select__ & is_instance("Article")

    def triples(self) -> Iterator[Triple]:
        yield from super().triples()
        schema = self._use_namespace("schema")
        rdf = self._use_namespace("rdf")
        article = self.entity
        yield (self.uri, rdf.type, CLASSES["Article"])
        yield (self.uri, PROPERTIES["title"], Literal(article.title))
        if article.body:
            yield (self.uri, PROPERTIES["body"], Literal(article.body))
        yield (self.uri, PROPERTIES["word_count"], Literal(article.word_count or 0))
        yield (self.uri, schema.creativeWorkStatus, Literal(article.state_name))
        for author in article.written_by:
            yield (self.uri, PROPERTIES["written_by"], URIRef(author.absolute_url()))


class AuthorRDFAdapter(EntityRDFAdapter):
    """CubicWeb's generic triples, plus the author as a schema.org person."""

    __select__ = EntityRDFAdapter.__select__ & is_instance("Author")

    def triples(self) -> Iterator[Triple]:
        yield from super().triples()
        rdf = self._use_namespace("rdf")
        author = self.entity
        yield (self.uri, rdf.type, CLASSES["Author"])
        yield (self.uri, PROPERTIES["name"], Literal(author.name))
        # Rows stored before AuthorHomepageHook existed may hold anything: no IRI from those.
        if author.homepage and is_web_url(author.homepage):
            yield (self.uri, PROPERTIES["homepage"], URIRef(author.homepage))
