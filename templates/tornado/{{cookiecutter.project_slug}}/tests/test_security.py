"""What every response carries (security headers, safe cookies), HEAD, and static files."""

from __future__ import annotations

from tornado.httputil import HTTPHeaders

from {{ cookiecutter.package_name }} import settings
from {{ cookiecutter.package_name }}.app import Application, make_app
from {{ cookiecutter.package_name }}.handlers.base import BaseHandler
from {{ cookiecutter.package_name }}.security_headers import HSTS, load_policy

from .support import AppTestCase, app_options


class CookieHandler(BaseHandler):
    def get(self) -> None:
        self.set_cookie("plain", "1")
        self.set_signed_cookie("signed", "2")
        self.set_cookie("script_readable", "3", httponly=False)
        self.finish()


class FramedHandler(BaseHandler):
    def get(self) -> None:
        self.set_header("Content-Security-Policy", "frame-ancestors *")
        self.finish("ok")


def cookie_attributes(headers: HTTPHeaders) -> dict[str, set[str]]:
    """Cookie name -> its attributes, lower-cased (``samesite=lax``, ``secure``...)."""
    cookies = {}
    for cookie in headers.get_list("Set-Cookie"):
        name = cookie.split("=", 1)[0]
        cookies[name] = {part.strip().lower() for part in cookie.split(";")[1:]}
    return cookies


class SecurityHeadersTest(AppTestCase):
    def assert_security_headers(self, path: str, code: int, **kwargs: object) -> None:
        response = self.fetch(path, raise_error=False, **kwargs)
        assert response.code == code, path
        for name, value in load_policy().plain:
            assert response.headers.get(name) == value, (path, name)
        assert HSTS[0] not in response.headers
        assert "Server" not in response.headers

    def test_pages_api_errors_and_static_files_carry_them(self) -> None:
        self.assert_security_headers("/", 200)
        self.assert_security_headers("/health", 200)
        self.assert_security_headers("/static/style.css", 200)
        self.assert_security_headers("/no/such/page", 404)
        self.assert_security_headers("/static/missing.css", 404)
        # send_error() clears the headers of the failed response: they are set again.
        self.assert_security_headers("/", 405, method="DELETE")
        self.assert_security_headers("/api/messages?cursor=%FF%FE", 400)

    def test_hsts_only_over_https_from_a_trusted_proxy(self) -> None:
        forwarded = {"X-Forwarded-Proto": "https"}
        assert HSTS[0] not in self.fetch("/health", headers=forwarded).headers
        trusting = load_policy({settings.env_var("TRUSTED_PROXIES"): "127.0.0.1"})
        self._app.settings["security_policy"] = trusting
        assert self.fetch("/health", headers=forwarded).headers[HSTS[0]] == HSTS[1]
        assert HSTS[0] not in self.fetch("/health").headers

    def test_a_handler_keeps_the_headers_it_sets(self) -> None:
        self._app.wildcard_router.add_rules([("/framed", FramedHandler)])
        response = self.fetch("/framed")
        assert response.headers["Content-Security-Policy"] == "frame-ancestors *"
        assert response.headers["X-Content-Type-Options"] == "nosniff"

    def test_policy_forbids_framing_and_inline_code(self) -> None:
        policy = self.fetch("/").headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in policy
        assert "default-src 'self'" in policy
        assert "unsafe-inline" not in policy

    def test_page_has_no_inline_script_or_style(self) -> None:
        page = self.fetch("/").body.decode()
        assert "<script>" not in page and "<style>" not in page
        assert 'src="/static/feed.js?v=' in page
        assert 'href="/static/style.css?v=' in page


class HeadTest(AppTestCase):
    def test_head_answers_like_get_without_a_body(self) -> None:
        for path in ("/", "/health"):
            get = self.fetch(path)
            head = self.fetch(path, method="HEAD")
            assert head.code == 200, path
            assert head.body == b""
            assert head.headers["Content-Length"] == str(len(get.body))
            assert head.headers["Content-Type"] == get.headers["Content-Type"]


class StaticFilesTest(AppTestCase):
    def test_static_file_is_served_with_its_type(self) -> None:
        response = self.fetch("/static/style.css")
        assert response.code == 200
        assert response.headers["Content-Type"].startswith("text/css")

    def test_paths_out_of_the_static_folder_are_refused(self) -> None:
        # __init__.py sits next to the static folder: reachable only by a traversal.
        for path in ("..%2f__init__.py", "%2e%2e/__init__.py", "..%5c__init__.py"):
            response = self.fetch(f"/static/{path}", raise_error=False)
            assert response.code in (403, 404), path
            assert b"PROJECT_NAME" not in response.body

    def test_path_that_is_not_utf8_is_400(self) -> None:
        assert self.fetch("/static/%FF%FE.css", raise_error=False).code == 400


class CookieDefaultsTest(AppTestCase):
    """The testing config has debug off, as production: cookies are Secure too."""

    def get_app(self) -> Application:
        self.app = make_app(app_options())
        self.app.add_handlers(r".*", [(r"/cookies", CookieHandler)])
        return self.app

    def test_cookies_are_secure_httponly_samesite_by_default(self) -> None:
        cookies = cookie_attributes(self.fetch("/cookies").headers)
        for name in ("plain", "signed"):
            assert {"secure", "httponly", "samesite=lax"} <= cookies[name], name
        # An explicit choice is kept.
        assert "httponly" not in cookies["script_readable"]
        assert "secure" in cookies["script_readable"]


class DebugCookieTest(AppTestCase):
    """With debug on (plain http://localhost in development), cookies are not Secure."""

    def get_app(self) -> Application:
        self.app = make_app(app_options("development"), autoreload=False)
        self.app.add_handlers(r".*", [(r"/cookies", CookieHandler)])
        return self.app

    def test_debug_cookies_are_not_secure(self) -> None:
        cookies = cookie_attributes(self.fetch("/cookies").headers)
        assert "secure" not in cookies["plain"]
        assert {"httponly", "samesite=lax"} <= cookies["plain"]
