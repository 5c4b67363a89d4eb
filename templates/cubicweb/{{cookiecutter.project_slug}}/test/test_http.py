"""HTTP behaviour through CubicWeb's Pyramid test application (WebTest, no socket).

The Pyramid settings are the project's own ``config/testing.ini`` ones, so the routes and
includes under test are those the server uses.
"""

import ast
import html
import json
from unittest import mock

from cubicweb_web.devtools.testlib import PyramidWebCWTC
from pyramid.request import Request
from pyramid.response import Response

from {{ cookiecutter.package_name }} import PROJECT_NAME, api
from {{ cookiecutter.package_name }}.config import load_config
from {{ cookiecutter.package_name }}.security import (
    CUBICWEB_WEB_DIRECTIVES,
    security_tween_factory,
    with_directives,
)
from {{ cookiecutter.package_name }}.security_headers import (
    DEFAULT_CONTENT_SECURITY_POLICY,
    HSTS,
    load_policy,
)
from {{ cookiecutter.package_name }}.wsgi import pyramid_settings

TESTING = load_config({"{{ cookiecutter.__env_prefix }}ENV": "testing"})


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
        self.assertEqual(response.content_type, "application/json")
        self.assertEqual(response.json["status"], "error")

    def test_health_queries_the_repository_at_most_once_per_interval(self):
        # testing.ini keeps the default interval (1 s): three polls in a row, one query.
        counted = mock.patch.object(self.repo, "internal_cnx", wraps=self.repo.internal_cnx)
        with counted as internal_cnx:
            for _ in range(3):
                self.assertEqual(self.webapp.get("/health", status=200).json, {"status": "ok"})
        self.assertEqual(internal_cnx.call_count, 1)

    def test_health_recovers_on_the_request_after_a_failure(self):
        with mock.patch.object(self.repo, "internal_cnx", side_effect=RuntimeError("gone")):
            self.webapp.get("/health", status=503)
        self.webapp.get("/health", status=200)

    def test_health_answers_other_methods_like_any_unknown_route(self):
        self.webapp.head("/health", status=200)
        self.webapp.post("/health", status=404)

    def test_index_names_the_project(self):
        response = self.webapp.get("/", headers={"Accept": "text/html"}, status=200)
        self.assertEqual(response.content_type, "text/html")
        self.assertIn(html.escape(PROJECT_NAME, quote=False), response.text)

    def test_page_views_parse_no_source_code(self):
        # cubicweb-web looked up its controller's source lines (an ast parse) on every page:
        # concurrent parses failed with "SystemError: AST constructor recursion depth mismatch".
        self.webapp.get("/", headers={"Accept": "text/html"}, status=200)
        with mock.patch("ast.parse", wraps=ast.parse) as parse:
            for _ in range(3):
                self.webapp.get("/", headers={"Accept": "text/html"}, status=200)
        self.assertEqual(parse.call_count, 0)

    def test_the_index_links_lead_somewhere_even_on_an_empty_site(self):
        index = self.webapp.get("/", headers={"Accept": "text/html"}, status=200)
        for etype in ("Article", "Author"):
            with self.subTest(etype=etype):
                self.assertIn(f"/{etype}", index.text)
                page = self.webapp.get(f"/{etype}", headers={"Accept": "text/html"}, status=200)
                self.assertIn("No result", page.text)
        self.webapp.get("/article/999999", headers={"Accept": "text/html"}, status=404)

    def test_the_schema_diagram_without_graphviz_says_so(self):
        with mock.patch("shutil.which", return_value=None):
            for path in ("/view?vid=schemagraph", "/view?vid=schema-diagram"):
                with self.subTest(path=path):
                    page = self.webapp.get(path, headers={"Accept": "text/html"}, status=200)
                    self.assertIn("needs Graphviz", page.text)

    def test_the_tab_cookie_has_flags(self):
        response = self.webapp.get("/schema", headers={"Accept": "text/html"}, status=200)
        cookies = [c for c in response.headers.getall("Set-Cookie") if "_active_tab=" in c]
        self.assertTrue(cookies)
        for cookie in cookies:
            self.assertIn("samesite=lax", cookie.lower())

    def test_the_index_is_accessible_and_described(self):
        # What Lighthouse found missing on cubicweb-web's pages (accessibility 70, SEO 90).
        page = self.webapp.get("/", headers={"Accept": "text/html"}, status=200)
        logo = page.html.find("a", id="logo")
        self.assertTrue(logo.get("aria-label"))
        self.assertTrue(page.html.find("input", class_="rqlsubmit").get("aria-label"))
        self.assertTrue(page.html.find("meta", attrs={"name": "description"}).get("content"))
        self.assertTrue(page.html.find("meta", attrs={"name": "viewport"}))
        self.assertNotIn("xmlns:cubicweb", page.text)  # not allowed in HTML (Nu HTML checker)
        stylesheets = [link["href"] for link in page.html.find_all("link", rel="stylesheet")]
        css_name = "/{{ cookiecutter.package_name }}.css"
        cube_css = next(href for href in stylesheets if href.endswith(css_name))
        self.webapp.get(cube_css.replace(self.config["base-url"], "/"), status=200)
        css = self.webapp.get(stylesheets[0].replace(self.config["base-url"], "/")).text
        self.assertIn("#9c4a00", css)  # links readable on white and grey (uiprops.py)

    def test_the_login_page_is_valid_html(self):
        # The Nu HTML checker's two errors on cubicweb-web's login page.
        page = self.webapp.get("/login", headers={"Accept": "text/html"}, status=200)
        self.assertEqual(page.html.find("title").text, "log in")
        self.assertNotIn("</base>", page.text)
        self.assertTrue(page.html.find("base").get("href"))

    def test_unknown_path_is_404_without_traceback(self):
        response = self.webapp.get("/no/such/page", status=404)
        self.assertNotIn("Traceback", response.text)


class SecurityHeadersTC(PyramidWebCWTC):
    """The security tween: headers on every response, refusal of undecodable or climbing URLs."""

    settings = pyramid_settings(TESTING)

    def assert_shared_headers(self, response, *exceptions):
        for name, value in load_policy().plain:
            if name not in ("Content-Security-Policy", *exceptions):
                self.assertEqual(response.headers[name], value, name)

    def test_html_pages_get_the_shared_headers_and_cubicweb_webs_exception(self):
        response = self.webapp.get("/", headers={"Accept": "text/html"}, status=200)
        self.assert_shared_headers(response, "X-Frame-Options")
        csp = response.headers["Content-Security-Policy"]
        expected = with_directives(DEFAULT_CONTENT_SECURITY_POLICY, CUBICWEB_WEB_DIRECTIVES)
        self.assertEqual(csp, expected)
        # Its own pages may frame it (the edit forms' hidden iframe); no other site may.
        self.assertIn("frame-ancestors 'self'", csp)
        self.assertEqual(response.headers["X-Frame-Options"], "SAMEORIGIN")
        self.assertIn("object-src 'none'", csp)

    def test_json_and_error_responses_get_the_shared_policy(self):
        """Regression: /health had no Content-Security-Policy."""
        for path, status in (("/health", 200), ("/api/search", 422)):
            with self.subTest(path=path):
                response = self.webapp.get(path, status=status)
                self.assert_shared_headers(response)
                csp = response.headers["Content-Security-Policy"]
                self.assertEqual(csp, DEFAULT_CONTENT_SECURITY_POLICY)
        self.assert_shared_headers(self.webapp.get("/no/such/page", status=404), "X-Frame-Options")

    def test_a_view_keeps_the_headers_it_sets(self):
        def view(request):
            return Response("ok", headers={"Content-Security-Policy": "frame-ancestors *"})

        tween = security_tween_factory(view, self.webapp.app.registry)
        response = tween(Request.blank("/embeddable"))
        self.assertEqual(response.headers["Content-Security-Policy"], "frame-ancestors *")
        self.assertEqual(response.headers["X-Frame-Options"], "DENY")

    def test_hsts_only_over_https(self):
        def get(scheme, **headers):
            environ = {"wsgi.url_scheme": scheme, "REMOTE_ADDR": "127.0.0.1"}
            return self.webapp.get("/health", headers=headers, extra_environ=environ).headers

        self.assertEqual(get("https")[HSTS[0]], HSTS[1])
        self.assertNotIn(HSTS[0], get("http"))
        self.assertNotIn(HSTS[0], get("http", **{"X-Forwarded-Proto": "https"}))

    def test_url_that_is_not_utf8_is_400(self):
        for path in ("/%FF%FE/x", "/api/search?text=%FF%FE", "/?vid=%C3"):
            with self.subTest(path=path):
                response = self.webapp.get(path, status=400)
                self.assertIn("not valid UTF-8", response.text)
                self.assertNotIn("Traceback", response.text)

    def test_path_climbing_out_of_a_folder_is_400(self):
        # WebTest resolves a literal "../" itself: test_server.py sends that one over a socket.
        for path in ("/static/%2e%2e/%2e%2e/etc/passwd", "/data/%2e%2e/x", "/static/..%5c..%5cetc"):
            with self.subTest(path=path):
                response = self.webapp.get(path, status=400)
                self.assertNotIn("root:", response.text)

    def test_static_files_are_served(self):
        response = self.webapp.get("/static/robots.txt", status=200)
        self.assertIn("User-agent", response.text)
        self.webapp.get("/static/....//....//etc/passwd", status=404)


class SearchApiTC(PyramidWebCWTC):
    """/api/search as an anonymous client: JSON in, JSON out, the repository's permissions."""

    settings = pyramid_settings(TESTING)
    # CubicWeb's devtools make this class's database once and restore it for each test.
    test_db_id = "search"

    @classmethod
    def pre_setup_database(cls, cnx, config):
        published = cnx.create_entity("Article", title="Compilers", body="hello compilers")
        cnx.create_entity("Article", title="Secret draft", body="hello drafts")
        cnx.commit()
        published.cw_adapt_to("IWorkflowable").fire_transition("publish")
        cnx.commit()

    def post(self, body, content_type="application/json", status=200):
        return self.webapp.post(
            "/api/search", params=body, content_type=content_type, status=status
        )

    def test_post_finds_published_articles_only(self):
        response = self.post(json.dumps({"text": "hello"}).encode())
        self.assertEqual(response.content_type, "application/json")
        titles = [result["title"] for result in response.json["results"]]
        self.assertEqual(titles, ["Compilers"])
        self.assertEqual(response.json["results"][0]["type"], "Article")

    def test_get_reads_the_query_parameter(self):
        response = self.webapp.get("/api/search", params={"text": "compilers"}, status=200)
        self.assertEqual([r["title"] for r in response.json["results"]], ["Compilers"])

    def test_bad_bodies_get_a_json_4xx(self):
        cases = [
            (b'{"text": ', "application/json", 400, "not valid JSON"),
            (b'{"text": "h\xffllo"}', "application/json", 400, "not valid UTF-8"),
            (b'{"text": "hello"}', "text/plain", 415, "application/json"),
            (b'["hello"]', "application/json", 422, "JSON object"),
            (b'{"text": "  "}', "application/json", 422, "non-empty"),
            (b'{"text": 3}', "application/json", 422, "non-empty"),
            (json.dumps({"text": "x" * 201}).encode(), "application/json", 422, "exceed"),
            (b'{"text": "\\ud800"}', "application/json", 400, "not valid Unicode"),
        ]
        for body, content_type, status, message in cases:
            with self.subTest(body=body[:20], content_type=content_type):
                response = self.post(body, content_type, status)
                self.assertIn(message, response.json["error"])

    def test_body_over_the_limit_is_413(self):
        body = b"x" * (api.DEFAULT_MAX_BODY_BYTES + 1)
        response = self.post(body, status=413)
        self.assertIn("may not exceed", response.json["error"])

    def test_other_methods_are_405(self):
        response = self.webapp.delete("/api/search", status=405)
        self.assertEqual(response.headers["Allow"], "GET, HEAD, POST")
        self.assertIn("DELETE", response.json["error"])
