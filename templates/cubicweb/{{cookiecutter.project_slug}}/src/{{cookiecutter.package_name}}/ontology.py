"""The cube's data model as an OWL ontology, built from the running yams schema with rdflib.

Classes and properties use the IRIs that CubicWeb's RDF export gives to data
(``cubicweb:Article``, ``cubicweb:title``...), so the ontology describes the triples that
``/<etype>/<eid>`` serves; schema.org equivalents come from the cube's vocabulary.
"""

from __future__ import annotations

from types import ModuleType

from rdflib import OWL, RDF, RDFS, XSD, Graph, Literal, URIRef
from yams.buildobjs import EntityType, RelationDefinition
from yams.schema import Schema

from cubicweb_{{ cookiecutter.package_name }} import schema as cube_schema
from cubicweb_{{ cookiecutter.package_name }} import vocabulary

# yams final types -> XML Schema datatypes.
DATATYPES = {
    "String": XSD.string,
    "Int": XSD.integer,
    "BigInt": XSD.integer,
    "Float": XSD.double,
    "Decimal": XSD.decimal,
    "Boolean": XSD.boolean,
    "Date": XSD.date,
    "Datetime": XSD.dateTime,
    "TZDatetime": XSD.dateTime,
    "Time": XSD.time,
    "Bytes": XSD.base64Binary,
}


def cube_definitions(module: ModuleType = cube_schema) -> tuple[list[str], set[str]]:
    """Entity and relation types that the cube's schema module defines itself.

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
            relation_types |= {
                rdef.name for rdef in cls.__relations__ if not isinstance(rdef, RelationDefinition)
            }
    return entity_types, relation_types


def build_ontology(schema: Schema, ontology_iri: str) -> Graph:
    """One owl:Class per entity type of the cube, one property per attribute or relation."""
    cw = vocabulary.CW
    graph = Graph()
    graph.bind("owl", OWL)
    graph.bind("cubicweb", cw)
    graph.bind("schema", vocabulary.SCHEMA)
    ontology = URIRef(ontology_iri)
    graph.add((ontology, RDF.type, OWL.Ontology))
    graph.add((ontology, RDFS.label, Literal(cube_schema.__name__.split(".")[0])))

    entity_types, relation_types = cube_definitions()
    for etype in entity_types:
        eschema = schema[etype]
        cls = cw[etype]
        graph.add((cls, RDF.type, OWL.Class))
        graph.add((cls, RDFS.label, Literal(etype)))
        if eschema.description:
            graph.add((cls, RDFS.comment, Literal(eschema.description)))
        if etype in vocabulary.CLASSES:
            graph.add((cls, OWL.equivalentClass, vocabulary.CLASSES[etype]))
        for rschema in eschema.subject_relations.values():
            if rschema.type in relation_types:
                _add_property(graph, etype, rschema)
    return graph


def _add_property(graph: Graph, etype: str, rschema) -> None:
    cw = vocabulary.CW
    prop = cw[rschema.type]
    if rschema.final:
        graph.add((prop, RDF.type, OWL.DatatypeProperty))
        ranges = [DATATYPES.get(target.type, RDFS.Literal) for target in rschema.objects(etype)]
    else:
        graph.add((prop, RDF.type, OWL.ObjectProperty))
        ranges = [cw[target.type] for target in rschema.objects(etype)]
    graph.add((prop, RDFS.label, Literal(rschema.type)))
    graph.add((prop, RDFS.domain, cw[etype]))
    for target in ranges:
        graph.add((prop, RDFS.range, target))
    if rschema.type in vocabulary.PROPERTIES:
        graph.add((prop, OWL.equivalentProperty, vocabulary.PROPERTIES[rschema.type]))
