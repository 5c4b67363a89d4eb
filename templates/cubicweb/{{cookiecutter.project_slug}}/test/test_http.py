"""HTTP behaviour through CubicWeb's Pyramid test application (WebTest, no socket).

The Pyramid settings are the project's own ``config/testing.ini`` ones, so the routes and
includes under test are those the server uses.
"""

import html
import json
from unittest import mock

import rdflib
from cubicweb.rdf import NAMESPACES
from cubicweb_web.devtools.testlib import PyramidWebCWTC
from rdflib import OWL, RDF, RDFS, Literal, URIRef

from {{ cookiecutter.package_name }} import PROJECT_NAME
from {{ cookiecutter.package_name }}.config import load_config
from {{ cookiecutter.package_name }}.wsgi import pyramid_settings

CW, SCHEMA = NAMESPACES["cubicweb"], NAMESPACES["schema"]
TESTING = load_config({"{{ cookiecutter.__env_prefix }}ENV": "testing"})
RDF_FORMATS = {
    "text/turtle": "turtle",
    "application/ld+json": "json-ld",
    "application/rdf+xml": "xml",
}


class AppTC(PyramidWebCWTC):
    settings = pyramid_settings(TESTING)

    def test_health_is_json_ok(self):
        response = self.webapp.get("/health", status=200)
        self.assertEqual(response.content_type, "application/json")
        self.assertEqual(response.json, {"status": "ok"})

    def test_health_reports_a_broken_repository(self):
        failure = RuntimeError("database gone")
        with mock.patch.object(self.repo, "internal_cnx", side_effect=failure):
            response = self.webapp.get("/health", status=503)
        self.assertEqual(response.json["status"], "error")

    def test_index_names_the_project(self):
        response = self.webapp.get("/", headers={"Accept": "text/html"}, status=200)
        self.assertEqual(response.content_type, "text/html")
        self.assertIn(html.escape(PROJECT_NAME, quote=False), response.text)

    def test_unknown_path_is_404_without_traceback(self):
        response = self.webapp.get("/no/such/page", status=404)
        self.assertNotIn("Traceback", response.text)


class RdfTC(PyramidWebCWTC):
    settings = pyramid_settings(TESTING)

    def setup_database(self):
        with self.admin_access.repo_cnx() as cnx:
            author = cnx.create_entity("Author", name="Ada", homepage="https://example.org/ada")
            article = cnx.create_entity(
                "Article",
                title="Analytical engines",
                body="numbers and more numbers",
                editorial_note="secret",
                written_by=author,
            )
            cnx.commit()
            article.cw_adapt_to("IWorkflowable").fire_transition("publish")
            cnx.commit()
            self.article_eid, self.author_eid = article.eid, author.eid
            self.article_url = article.absolute_url()
            self.author_url = author.absolute_url()

    def get_graph(self, path, media_type):
        response = self.webapp.get(path, headers={"Accept": media_type}, status=200)
        self.assertEqual(response.content_type, media_type)
        return rdflib.Graph().parse(data=response.body, format=RDF_FORMATS[media_type])

    def test_article_in_every_rdf_syntax(self):
        article = URIRef(self.article_url)
        for media_type in RDF_FORMATS:
            with self.subTest(media_type=media_type):
                graph = self.get_graph(f"/article/{self.article_eid}", media_type)
                # CubicWeb's generic triples...
                self.assertIn((article, RDF.type, CW.Article), graph)
                self.assertIn((article, CW.title, Literal("Analytical engines")), graph)
                # ...and the cube's own.
                self.assertIn((article, RDF.type, SCHEMA.Article), graph)
                self.assertIn((article, SCHEMA.headline, Literal("Analytical engines")), graph)
                self.assertIn((article, SCHEMA.wordCount, Literal(4)), graph)
                self.assertIn((article, SCHEMA.creativeWorkStatus, Literal("published")), graph)
                self.assertIn((article, SCHEMA.author, URIRef(self.author_url)), graph)
                # The anonymous client never sees the managers-only attribute.
                self.assertNotIn(Literal("secret"), set(graph.objects()))

    def test_author_as_schema_org_person(self):
        author = URIRef(self.author_url)
        # /<eid> works for every type; /author/<name> too, since the name is unique.
        graph = self.get_graph(f"/{self.author_eid}", "text/turtle")
        self.assertIn((author, RDF.type, SCHEMA.Person), graph)
        self.assertIn((author, SCHEMA.name, Literal("Ada")), graph)
        self.assertIn((author, SCHEMA.url, URIRef("https://example.org/ada")), graph)

    def test_ontology_in_every_rdf_syntax(self):
        expected_properties = {
            "title": OWL.DatatypeProperty,
            "body": OWL.DatatypeProperty,
            "word_count": OWL.DatatypeProperty,
            "editorial_note": OWL.DatatypeProperty,
            "name": OWL.DatatypeProperty,
            "homepage": OWL.DatatypeProperty,
            "written_by": OWL.ObjectProperty,
        }
        for media_type in RDF_FORMATS:
            with self.subTest(media_type=media_type):
                graph = self.get_graph("/ontology", media_type)
                self.assertEqual(len(list(graph.subjects(RDF.type, OWL.Ontology))), 1)
                classes = set(graph.subjects(RDF.type, OWL.Class))
                self.assertEqual(classes, {CW.Article, CW.Author})
                for name, kind in expected_properties.items():
                    self.assertIn((CW[name], RDF.type, kind), graph)
                self.assertIn((CW.written_by, RDFS.domain, CW.Article), graph)
                self.assertIn((CW.written_by, RDFS.range, CW.Author), graph)
                self.assertIn((CW.Article, OWL.equivalentClass, SCHEMA.Article), graph)
                # Workflow and metadata relations belong to CubicWeb, not to this cube.
                self.assertNotIn((CW.in_state, RDF.type, OWL.ObjectProperty), graph)

    def test_ontology_defaults_to_turtle_and_refuses_html(self):
        response = self.webapp.get("/ontology", status=200)
        self.assertEqual(response.content_type, "text/turtle")
        response = self.webapp.get("/ontology", headers={"Accept": "text/html"}, status=406)
        self.assertNotIn("Traceback", response.text)

    def test_jsonld_is_json(self):
        response = self.webapp.get(
            f"/article/{self.article_eid}", headers={"Accept": "application/ld+json"}
        )
        self.assertTrue(json.loads(response.body))
