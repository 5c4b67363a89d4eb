"""The RDF vocabulary of the cube, shared by the RDF export and the OWL ontology.

CubicWeb's own RDF export names types and attributes in its ``cubicweb`` namespace
(``cubicweb:Article``, ``cubicweb:title``...). The cube maps them to schema.org so that generic
RDF clients understand the data too.
"""

from cubicweb.rdf import NAMESPACES
from rdflib import Namespace

CW: Namespace = NAMESPACES["cubicweb"]
SCHEMA: Namespace = NAMESPACES["schema"]

# Entity type -> schema.org class.
CLASSES = {"Article": SCHEMA.Article, "Author": SCHEMA.Person}
# Attribute or relation type -> schema.org property.
PROPERTIES = {
    "title": SCHEMA.headline,
    "body": SCHEMA.articleBody,
    "word_count": SCHEMA.wordCount,
    "written_by": SCHEMA.author,
    "name": SCHEMA.name,
    "homepage": SCHEMA.url,
}
