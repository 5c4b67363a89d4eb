"""The RDF vocabulary of the cube, shared by the RDF export (entities.py) and the OWL ontology.

The cube's classes and properties live in its own namespace, ``<base-url>ontology#``: the
``/ontology`` document of the site describes them. CubicWeb's ``cubicweb:`` namespace is shared
by every cube (``cubicweb:name`` is the name of a group, a state, a source...), so nothing is
said about its terms. Each fact is written once, in the cube's terms; the ontology declares them
equivalent to schema.org's, so a reasoner derives the schema.org view.
"""

from types import ModuleType

from cubicweb.rdf import NAMESPACES
from rdflib import Namespace
from yams.buildobjs import EntityType, RelationDefinition

from . import schema as cube_schema

SCHEMA: Namespace = NAMESPACES["schema"]
ONTOLOGY_PATH = "ontology"

# Entity type -> the schema.org class it is equivalent to.
EQUIVALENT_CLASSES = {"Article": SCHEMA.Article, "Author": SCHEMA.Person}
# Attribute or relation type -> the schema.org property it is equivalent to.
EQUIVALENT_PROPERTIES = {
    "title": SCHEMA.headline,
    "body": SCHEMA.articleBody,
    "word_count": SCHEMA.wordCount,
    "written_by": SCHEMA.author,
    "name": SCHEMA.name,
    "homepage": SCHEMA.url,
}
# String attributes whose values are web addresses: exported as IRIs, object properties in OWL.
IRI_ATTRIBUTES = frozenset({"homepage"})


def cube_namespace(base_url: str) -> Namespace:
    """The namespace of the cube's terms on a site (``base_url`` ends with a slash)."""
    return Namespace(f"{base_url}{ONTOLOGY_PATH}#")


def cube_definitions(module: ModuleType = cube_schema) -> tuple[list[str], set[str]]:
    """Entity types and relation types (attributes included) that the cube's schema defines.

    The running schema is read back from the database and no longer knows which cube defined
    what, so the cube's schema module is the reference.
    """
    classes = [
        obj
        for obj in vars(module).values()
        if isinstance(obj, type) and obj.__module__ == module.__name__
    ]
    entity_types = sorted(cls.__name__ for cls in classes if issubclass(cls, EntityType))
    relation_types = {cls.__name__ for cls in classes if issubclass(cls, RelationDefinition)}
    for cls in classes:
        if issubclass(cls, EntityType):
            # Attributes and SubjectRelation()s written in the class body; the workflow's
            # relations arrive as RelationDefinition instances from WorkflowableEntityType.
            # (yams' metaclass sets __relations__, which its type hints do not declare.)
            definitions = getattr(cls, "__relations__", ())
            relation_types |= {
                rdef.name for rdef in definitions if not isinstance(rdef, RelationDefinition)
            }
    return entity_types, relation_types


CUBE_ENTITY_TYPES, CUBE_RELATION_TYPES = cube_definitions()


def is_cube_term(subject_type: str, rtype: str) -> bool:
    """Whether ``subject_type``'s ``rtype`` is defined by the cube (``name`` of an Author, not
    of a State)."""
    return subject_type in CUBE_ENTITY_TYPES and rtype in CUBE_RELATION_TYPES
