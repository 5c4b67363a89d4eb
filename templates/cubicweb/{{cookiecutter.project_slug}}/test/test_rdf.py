"""The RDF export and the OWL ontology: absolute IRIs, one graph in every syntax, sound OWL."""

import json

import owlrl
import rdflib
from cubicweb.rdf import NAMESPACES
from cubicweb_web.devtools.testlib import PyramidWebCWTC
from rdflib import OWL, RDF, RDFS, Literal, Namespace, URIRef
from rdflib.compare import isomorphic

from {{ cookiecutter.package_name }}.config import load_config
from {{ cookiecutter.package_name }}.wsgi import pyramid_settings

SCHEMA = NAMESPACES["schema"]
TESTING = load_config({"{{ cookiecutter.__env_prefix }}ENV": "testing"})
RDF_FORMATS = {
    "text/turtle": "turtle",
    "application/ld+json": "json-ld",
    "application/rdf+xml": "xml",
}


def without_twins(triples, checked):
    """The triples, less those of an entity whose statements are all another's ("twins").

    The admin's and the system source's data name every entity they own or hold as subject of
    ``owned_by``, ``created_by`` and ``cw_source``: some 2,500 triples about 800 schema entities
    alike but for their IRI, which made OWL-RL's closure the suite's slowest step. A twin that no
    triple names as object derives nothing about the other nodes its twin does not (no OWL-RL
    rule counts subjects), so the checked entities are typed the same.
    """
    named = {obj for _, _, obj in triples}
    kept, others = [], {}
    for triple in triples:
        if triple[0] in checked or triple[0] in named:
            kept.append(triple)
        else:
            others.setdefault(triple[0], set()).add(triple[1:])
    twins = {frozenset(statements): subject for subject, statements in others.items()}
    return kept + [(subject, *pair) for pairs, subject in twins.items() for pair in pairs]


class RdfTC(PyramidWebCWTC):
    settings = pyramid_settings(TESTING)
    # CubicWeb's devtools make this class's database once and restore it for each test.
    test_db_id = "rdf"

    @classmethod
    def pre_setup_database(cls, cnx, config):
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

    def setup_database(self):
        with self.admin_access.repo_cnx() as cnx:
            self.article_eid = cnx.find("Article", title="Analytical engines").one().eid
            self.author_eid = cnx.find("Author", name="Ada").one().eid

    def setUp(self):
        super().setUp()
        self.base_url = self.config["base-url"]
        # The cube's terms are described by the site's /ontology document.
        self.cube = Namespace(f"{self.base_url}ontology#")
        self.article = URIRef(f"{self.base_url}article/{self.article_eid}")
        self.author = URIRef(f"{self.base_url}author/{self.author_eid}")

    def get_graph(self, path, media_type="text/turtle"):
        response = self.webapp.get(path, headers={"Accept": media_type}, status=200)
        self.assertEqual(response.content_type, media_type)
        return rdflib.Graph().parse(data=response.body, format=RDF_FORMATS[media_type])

    def test_article_in_every_rdf_syntax(self):
        cube, article = self.cube, self.article
        for media_type in RDF_FORMATS:
            with self.subTest(media_type=media_type):
                graph = self.get_graph(f"/article/{self.article_eid}", media_type)
                self.assertIn((article, RDF.type, cube.Article), graph)
                self.assertIn((article, cube.title, Literal("Analytical engines")), graph)
                self.assertIn((article, cube.word_count, Literal(4)), graph)
                self.assertIn((article, cube.written_by, self.author), graph)
                self.assertIn((article, SCHEMA.creativeWorkStatus, Literal("published")), graph)
                # The anonymous client never sees the managers-only attribute.
                self.assertNotIn(Literal("secret"), set(graph.objects()))

    def test_each_fact_is_written_once_in_the_cubes_terms(self):
        graph = self.get_graph(f"/article/{self.article_eid}")
        titles = [
            p for p, o in graph.predicate_objects(self.article) if str(o) == "Analytical engines"
        ]
        # dc:title is CubicWeb's Dublin Core view of every entity; schema.org comes by reasoning.
        self.assertEqual(sorted(titles), sorted([self.cube.title, NAMESPACES["dc"].title]))

    def test_the_three_syntaxes_give_one_graph(self):
        with self.admin_access.repo_cnx() as cnx:
            state = cnx.find("State", name="published").one().eid
        for path in (f"/article/{self.article_eid}", f"/author/{self.author_eid}", f"/{state}"):
            graphs = {media: self.get_graph(path, media) for media in RDF_FORMATS}
            turtle = graphs.pop("text/turtle")
            self.assertGreater(len(turtle), 3)
            for media_type, graph in graphs.items():
                with self.subTest(path=path, media_type=media_type):
                    self.assertTrue(isomorphic(turtle, graph))

    def test_every_iri_is_absolute_and_on_the_base_url(self):
        # Entities created without a base URL, or by `cubicweb-ctl shell` on another one.
        with self.admin_access.repo_cnx() as cnx:
            state = cnx.find("State", name="published").one().eid
            cnx.system_sql(
                "UPDATE cw_State SET cw_cwuri=%(uri)s WHERE cw_eid=%(eid)s",
                {"uri": f"None{state}", "eid": state},
            )
            cnx.system_sql(
                "UPDATE cw_Author SET cw_cwuri=%(uri)s WHERE cw_eid=%(eid)s",
                {"uri": "http://localhost:8080/1", "eid": self.author_eid},
            )
            cnx.commit()
        outside = (str(SCHEMA), "https://example.org/ada")
        for path in (f"/article/{self.article_eid}", f"/author/{self.author_eid}", f"/{state}"):
            graph = self.get_graph(path)
            for subject, predicate, obj in graph:
                for node in (subject, obj):
                    if isinstance(node, URIRef) and predicate != RDF.type:
                        with self.subTest(path=path, iri=str(node)):
                            self.assertTrue(str(node).startswith((self.base_url, *outside)))

    def test_an_author_keeps_its_iri_when_renamed(self):
        self.webapp.get(f"/author/{self.author_eid}", headers={"Accept": "text/html"}, status=200)
        with self.admin_access.repo_cnx() as cnx:
            cnx.entity_from_eid(self.author_eid).cw_set(name="Ada Lovelace")
            cnx.commit()
        graph = self.get_graph(f"/author/{self.author_eid}")
        self.assertIn((self.author, self.cube.name, Literal("Ada Lovelace")), graph)
        self.assertIn((self.author, self.cube.homepage, URIRef("https://example.org/ada")), graph)

    def test_a_stored_homepage_that_is_no_iri_never_breaks_the_export(self):
        # A row written before the homepage rule (or by SQL): the export leaves it out of IRIs.
        with self.admin_access.repo_cnx() as cnx:
            cnx.system_sql(
                "UPDATE cw_Author SET cw_homepage=%(homepage)s WHERE cw_eid=%(eid)s",
                {"homepage": "javascript:alert(1)> <x y", "eid": self.author_eid},
            )
            cnx.commit()
        for media_type in RDF_FORMATS:
            with self.subTest(media_type=media_type):
                graph = self.get_graph(f"/{self.author_eid}", media_type)
                self.assertIn((self.author, self.cube.name, Literal("Ada")), graph)
                self.assertNotIn((self.author, self.cube.homepage, None), graph)

    def test_entity_responses_vary_on_accept(self):
        for path in (f"/article/{self.article_eid}", f"/{self.article_eid}"):
            for media_type in ("text/turtle", "text/html"):
                with self.subTest(path=path, media_type=media_type):
                    response = self.webapp.get(path, headers={"Accept": media_type}, status=200)
                    self.assertIn("Accept", response.headers.get("Vary", ""))

    def test_ontology_in_every_rdf_syntax(self):
        cube = self.cube
        expected_properties = {
            "title": OWL.DatatypeProperty,
            "body": OWL.DatatypeProperty,
            "word_count": OWL.DatatypeProperty,
            "editorial_note": OWL.DatatypeProperty,
            "name": OWL.DatatypeProperty,
            # Its values are IRIs (web addresses): an object property.
            "homepage": OWL.ObjectProperty,
            "written_by": OWL.ObjectProperty,
        }
        for media_type in RDF_FORMATS:
            with self.subTest(media_type=media_type):
                graph = self.get_graph("/ontology", media_type)
                self.assertEqual(len(list(graph.subjects(RDF.type, OWL.Ontology))), 1)
                self.assertEqual(
                    set(graph.subjects(RDF.type, OWL.Class)), {cube.Article, cube.Author}
                )
                for name, kind in expected_properties.items():
                    self.assertIn((cube[name], RDF.type, kind), graph)
                self.assertIn((cube.written_by, RDFS.domain, cube.Article), graph)
                self.assertIn((cube.written_by, RDFS.range, cube.Author), graph)
                self.assertIn((cube.Article, OWL.equivalentClass, SCHEMA.Article), graph)
                # Nothing about CubicWeb's shared terms, which other entity types use too.
                cubicweb = str(NAMESPACES["cubicweb"])
                self.assertFalse([s for s in graph.subjects() if str(s).startswith(cubicweb)])

    def test_ontology_states_cardinalities_and_keys(self):
        graph = self.get_graph("/ontology")
        cube = self.cube

        def restriction(cls, prop):
            for node in graph.objects(cls, RDFS.subClassOf):
                if (node, OWL.onProperty, prop) in graph:
                    return {p: o.toPython() for p, o in graph.predicate_objects(node)}
            return None

        self.assertEqual(restriction(cube.Article, cube.title)[OWL.cardinality], 1)
        self.assertEqual(restriction(cube.Article, cube.written_by)[OWL.maxCardinality], 1)
        self.assertEqual(restriction(cube.Author, cube.homepage)[OWL.maxCardinality], 1)
        keys = graph.value(cube.Author, OWL.hasKey)
        self.assertEqual(list(rdflib.collection.Collection(graph, keys)), [cube.name])

    def test_owl_rl_closure_types_nothing_wrongly(self):
        """Ontology plus the data of entities of every kind: each is typed as what it is only."""
        cube = self.cube
        expected = {
            "Article": {cube.Article, SCHEMA.Article},
            "Author": {cube.Author, SCHEMA.Person},
        }
        classes = set().union(*expected.values())
        graph = self.get_graph("/ontology")
        etypes = {}
        triples = []
        with self.admin_access.client_cnx() as cnx:
            # The system source and the workflow states have a name, as authors do.
            rql = "Any X, EN WHERE X is E, E name EN, E name IN ({})".format(
                ", ".join(f"'{name}'" for name in self.CHECKED_TYPES)
            )
            for eid, etype in cnx.execute(rql):
                entity = cnx.entity_from_eid(eid)
                triples += entity.cw_adapt_to("rdf").triples()
                etypes[URIRef(entity.absolute_url())] = etype
        self.assertEqual(set(etypes.values()), set(self.CHECKED_TYPES))
        graph += without_twins(triples, set(etypes))
        owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(graph)
        for iri, etype in etypes.items():
            with self.subTest(iri=str(iri), etype=etype):
                typed = {cls for cls in classes if (iri, RDF.type, cls) in graph}
                self.assertEqual(typed, expected.get(etype, set()))
        # The schema.org view is derived from the cube's terms, not written twice.
        self.assertIn((self.article, SCHEMA.headline, Literal("Analytical engines")), graph)

    CHECKED_TYPES = ("Article", "Author", "State", "Transition", "CWSource", "CWGroup", "CWUser")

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
