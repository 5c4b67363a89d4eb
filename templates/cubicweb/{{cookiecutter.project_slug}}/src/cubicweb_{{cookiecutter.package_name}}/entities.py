"""Entity classes and adapters: Python behaviour attached to the schema's entity types."""

from collections.abc import Iterator
from typing import Any

from cubicweb.entities import AnyEntity, fetch_config
from cubicweb.entities.adapters import CWUserRDFAdapter, EntityRDFAdapter
from cubicweb.predicates import is_instance
from rdflib import Literal, Namespace, URIRef

from .vocabulary import CUBE_ENTITY_TYPES, IRI_ATTRIBUTES, cube_namespace, is_cube_term
from .weburl import is_web_url

Triple = tuple[URIRef, URIRef, URIRef | Literal]


class Author(AnyEntity):
    __regid__ = "Author"
    fetch_attrs, cw_fetch_order = fetch_config(["name"])
    # /author/<eid>: the name is unique, but renaming an author must not change its IRI.
    rest_attr = "eid"

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


class SiteRDFAdapter(EntityRDFAdapter):
    """CubicWeb's generic triples, with every IRI absolute and on the configured base URL.

    CubicWeb names related entities by their stored ``cwuri``, fixed when they were created
    (``None1`` without a base URL, ``http://localhost:8080/...`` from ``cubicweb-ctl shell``):
    here every entity is named by its URL on this site, the one its own export uses as subject.
    The cube's own types and properties are written once, in the cube's namespace.
    """

    @property
    def cube(self) -> Namespace:
        return self._use_namespace("cube", cube_namespace(self._cw.base_url()))

    def term(self, subject_type: str, rtype: str) -> URIRef:
        if is_cube_term(subject_type, rtype):
            return self.cube[rtype]
        return self._use_namespace("cubicweb")[rtype]

    def attribute_value(self, rtype: str, value: Any) -> URIRef | Literal | None:
        """The RDF object of an attribute value; None leaves it out."""
        return Literal(value)

    def cw_triples(self) -> Iterator[Triple]:
        rdf, owl = self._use_namespace("rdf"), self._use_namespace("owl")
        entity = self.entity
        etype = entity.cw_etype
        types = self.cube if etype in CUBE_ENTITY_TYPES else self._use_namespace("cubicweb")
        yield (self.uri, rdf.type, types[etype])
        if entity.cwuri != str(self.uri) and entity.cwuri.startswith(self._cw.base_url()):
            yield (self.uri, owl.sameAs, URIRef(entity.cwuri))
        for rschema, _targets, role in entity.e_schema.relation_definitions("relation"):
            rtype = rschema.type
            if rtype in self.SKIP_RTYPES or rtype.endswith("_permission"):
                continue
            if rschema.final:
                value = entity.cw_attr_cache.get(rtype)
                obj = None if value is None else self.attribute_value(rtype, value)
                if obj is not None:
                    yield (self.uri, self.term(etype, rtype), obj)
                continue
            for related in entity.related(rtype, role, entities=True, safe=True):
                other = URIRef(related.absolute_url())
                if role == "subject":
                    yield (self.uri, self.term(etype, rtype), other)
                else:
                    yield (other, self.term(related.cw_etype, rtype), self.uri)


class SiteCWUserRDFAdapter(SiteRDFAdapter, CWUserRDFAdapter):
    """CubicWeb's FOAF description of accounts, over the same absolute IRIs."""

    __select__ = CWUserRDFAdapter.__select__


class ArticleRDFAdapter(SiteRDFAdapter):
    """The generic triples, plus the workflow state as schema.org's status."""

    __select__ = SiteRDFAdapter.__select__ & is_instance("Article")

    def triples(self) -> Iterator[Triple]:
        yield from super().triples()
        schema = self._use_namespace("schema")
        yield (self.uri, schema.creativeWorkStatus, Literal(self.entity.state_name))


class AuthorRDFAdapter(SiteRDFAdapter):
    """The homepage is an IRI, and only when it is a web address."""

    __select__ = SiteRDFAdapter.__select__ & is_instance("Author")

    def attribute_value(self, rtype: str, value: Any) -> URIRef | Literal | None:
        if rtype not in IRI_ATTRIBUTES:
            return super().attribute_value(rtype, value)
        # Rows stored before AuthorHomepageHook existed may hold anything: no IRI from those.
        return URIRef(value) if is_web_url(value) else None


def registration_callback(vreg: Any) -> None:
    """Replace CubicWeb's RDF adapters by this module's, register the rest as usual."""
    replacements = {SiteRDFAdapter: EntityRDFAdapter, SiteCWUserRDFAdapter: CWUserRDFAdapter}
    vreg.register_all(globals().values(), __name__, butclasses=tuple(replacements))
    for new, old in replacements.items():
        vreg.register_and_replace(new, old)
