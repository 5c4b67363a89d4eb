"""The cube's data model as an OWL 2 ontology, built from the running yams schema with rdflib.

Classes and properties are the cube's own terms (``<base-url>ontology#Article``...), the ones
the RDF export of ``/<etype>/<eid>`` uses; their domains, ranges, cardinalities and keys come
from the schema, their schema.org equivalents from the cube's vocabulary. Nothing is said about
CubicWeb's shared ``cubicweb:`` terms, which other entity types use too.
"""

from __future__ import annotations

from rdflib import OWL, RDF, RDFS, XSD, BNode, Graph, Literal, Node, URIRef
from rdflib.collection import Collection
from rdflib.namespace import Namespace
from yams.schema import EntitySchema, RelationSchema, Schema
from yams.types import DefinitionName

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
# yams cardinality of the subject side -> OWL restriction (``*``: no restriction).
CARDINALITIES = {
    "1": (OWL.cardinality, 1),
    "?": (OWL.maxCardinality, 1),
    "+": (OWL.minCardinality, 1),
}


def build_ontology(schema: Schema, base_url: str) -> Graph:
    """One owl:Class per entity type of the cube, one property per attribute or relation."""
    cube = vocabulary.cube_namespace(base_url)
    graph = Graph()
    graph.bind("owl", OWL)
    graph.bind("cube", cube)
    graph.bind("schema", vocabulary.SCHEMA)
    ontology = URIRef(f"{base_url}{vocabulary.ONTOLOGY_PATH}")
    graph.add((ontology, RDF.type, OWL.Ontology))
    graph.add((ontology, RDFS.label, Literal(vocabulary.__name__.split(".")[0])))

    for etype in vocabulary.CUBE_ENTITY_TYPES:
        eschema = schema.entity_schema_for(DefinitionName(etype))
        cls = cube[etype]
        graph.add((cls, RDF.type, OWL.Class))
        graph.add((cls, RDFS.isDefinedBy, ontology))
        graph.add((cls, RDFS.label, Literal(etype)))
        if eschema.description:
            graph.add((cls, RDFS.comment, Literal(eschema.description)))
        if etype in vocabulary.EQUIVALENT_CLASSES:
            graph.add((cls, OWL.equivalentClass, vocabulary.EQUIVALENT_CLASSES[etype]))
        keys: list[Node] = []
        for rschema in eschema.subject_relations.values():
            if not vocabulary.is_cube_term(etype, rschema.type):
                continue
            _add_property(graph, cube, eschema, rschema)
            _add_cardinality(graph, cube, eschema, rschema)
            if rschema.final and eschema.has_unique_values(rschema.type):
                keys.append(cube[rschema.type])
        if keys:
            # A unique attribute identifies its entity: two with the same name are the same.
            graph.add((cls, OWL.hasKey, Collection(graph, BNode(), keys).uri))
    return graph


def _add_property(
    graph: Graph, cube: Namespace, eschema: EntitySchema, rschema: RelationSchema
) -> None:
    prop = cube[rschema.type]
    if rschema.final and rschema.type not in vocabulary.IRI_ATTRIBUTES:
        graph.add((prop, RDF.type, OWL.DatatypeProperty))
        ranges = [DATATYPES.get(target.type, RDFS.Literal) for target in rschema.objects(eschema)]
    elif rschema.final:  # a web address: any IRI, of no class the cube defines
        graph.add((prop, RDF.type, OWL.ObjectProperty))
        ranges = []
    else:
        graph.add((prop, RDF.type, OWL.ObjectProperty))
        ranges = [cube[target.type] for target in rschema.objects(eschema)]
    graph.add((prop, RDFS.isDefinedBy, URIRef(str(cube).rstrip("#"))))
    graph.add((prop, RDFS.label, Literal(rschema.type)))
    graph.add((prop, RDFS.domain, cube[eschema.type]))
    for target in ranges:
        graph.add((prop, RDFS.range, target))
    if rschema.type in vocabulary.EQUIVALENT_PROPERTIES:
        graph.add((prop, OWL.equivalentProperty, vocabulary.EQUIVALENT_PROPERTIES[rschema.type]))


def _add_cardinality(
    graph: Graph, cube: Namespace, eschema: EntitySchema, rschema: RelationSchema
) -> None:
    """The subject side of the yams cardinality as a restriction on the class."""
    target = rschema.objects(eschema)[0]
    cardinality = rschema.relation_definition(eschema.type, target.type).role_cardinality("subject")
    if cardinality not in CARDINALITIES:
        return
    predicate, count = CARDINALITIES[cardinality]
    restriction = BNode()
    graph.add((restriction, RDF.type, OWL.Restriction))
    graph.add((restriction, OWL.onProperty, cube[rschema.type]))
    graph.add((restriction, predicate, Literal(count, datatype=XSD.nonNegativeInteger)))
    graph.add((cube[eschema.type], RDFS.subClassOf, restriction))
