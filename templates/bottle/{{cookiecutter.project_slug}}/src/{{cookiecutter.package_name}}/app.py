"""The whole web application: one ``Bottle()`` instance, its settings, routes and server.

Route families: ``/contact`` (a validated, CSRF-protected form) and ``/api/contact`` (the same as a
JSON API), ``/preferences`` (signed cookies), ``/uploads`` (file uploads and downloads) and
``/headers`` (request headers and content negotiation). Every response carries security headers.
"""

from __future__ import annotations

import functools
import hmac
import importlib.util
import json
import logging
import os
import re
import secrets
import signal
import urllib.parse
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import bottle
from bottle import Bottle, HTTPError, abort, redirect, request, response, static_file

from . import PROJECT_NAME, settings

DISTRIBUTION = "{{ cookiecutter.project_slug }}"
PACKAGE_DIR = Path(__file__).resolve().parent
CONFIG_DIR = PACKAGE_DIR / "config"
STATIC_DIR = PACKAGE_DIR / "static"
# One list object for the whole process: Bottle caches compiled templates by id(lookup).
TEMPLATE_LOOKUP = [str(PACKAGE_DIR / "views")]

log = logging.getLogger(__name__)

# ---------------------------------------------------------------------------------------------
# Settings: defaults, then config/<environment>.ini, then PREFIX_* environment variables, all in
# app.config under the "app." namespace (ini section [app]; PREFIX_MAX_UPLOAD_BYTES is
# app.max_upload_bytes). Each key has a meta "filter" that types and checks it on every write.
# ---------------------------------------------------------------------------------------------

NAMESPACE = "app"
# Server adapters bottle.run() knows by name -> the module each one needs.
SERVERS = {
    "wsgiref": "wsgiref",
    "waitress": "waitress",
    "cheroot": "cheroot",
    "gunicorn": "gunicorn",
}
APP_DEFAULTS: dict[str, Any] = {
    **settings.DEFAULTS,
    "SERVER": "wsgiref",
    "HTTPS": False,
    "UPLOAD_DIR": "var/uploads",
    "MAX_UPLOAD_BYTES": 1024 * 1024,
    "UPLOAD_EXTENSIONS": ".txt .csv .pdf .png .jpg .jpeg .gif",
}
_BOOLEANS = {"1": True, "true": True, "yes": True, "on": True}
_BOOLEANS.update({"0": False, "false": False, "no": False, "off": False})
_EXTENSION = re.compile(r"^\.[a-z0-9]{1,16}$")


def parse_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    try:
        return _BOOLEANS[str(value).strip().lower()]
    except KeyError:
        raise ValueError(value) from None


def parse_positive_int(value: Any) -> int:
    number = int(value)
    if number < 1:
        raise ValueError(value)
    return number


def parse_server(value: Any) -> str:
    name = str(value).strip().lower()
    if name not in SERVERS:
        raise ValueError(value)
    return name


def parse_directory(value: Any) -> Path:
    if not str(value).strip():
        raise ValueError(value)
    return Path(str(value).strip()).expanduser().resolve()


def parse_extensions(value: Any) -> frozenset[str]:
    """``"txt, .CSV pdf"`` -> ``{".txt", ".csv", ".pdf"}``."""
    words = value if not isinstance(value, str) else re.split(r"[\s,]+", value)
    extensions = frozenset("." + word.strip().lstrip(".").lower() for word in words if word.strip())
    if not extensions or not all(_EXTENSION.match(extension) for extension in extensions):
        raise ValueError(value)
    return extensions


def _checked(name: str, parse: Callable[[Any], Any], rule: str) -> Callable[[Any], Any]:
    """A config filter that reports a bad value as one line naming the environment variable."""

    def check(value: Any) -> Any:
        try:
            return parse(value)
        except (TypeError, ValueError):
            message = f"{settings.env_var(name)} must be {rule}, not {value!r}"
            raise settings.ConfigError(message) from None

    return check


FILTERS: dict[str, Callable[[Any], Any]] = {
    "ENV": settings.check_environment,
    "HOST": settings.check_host,
    "PORT": settings.check_port,
    "LOG_LEVEL": settings.check_log_level,
    "SECRET_KEY": str,
    "SERVER": _checked("SERVER", parse_server, "one of " + ", ".join(SERVERS)),
    "HTTPS": _checked("HTTPS", parse_bool, "true or false"),
    "UPLOAD_DIR": _checked("UPLOAD_DIR", parse_directory, "a directory path"),
    "MAX_UPLOAD_BYTES": _checked("MAX_UPLOAD_BYTES", parse_positive_int, "a positive integer"),
    "UPLOAD_EXTENSIONS": _checked(
        "UPLOAD_EXTENSIONS", parse_extensions, "a list of file extensions like '.txt .png'"
    ),
}


def config_key(name: str) -> str:
    return f"{NAMESPACE}.{name.lower()}"


def _namespaced(values: Mapping[str, Any]) -> dict[str, Any]:
    return {NAMESPACE: {name.lower(): value for name, value in values.items()}}


def load_settings(
    config: bottle.ConfigDict, environment: str, overrides: Mapping[str, Any] | None = None
) -> None:
    """Layer the settings into ``config``; ``overrides`` (names without prefix) win, for tests."""
    environment = settings.check_environment(environment)  # it names the ini file
    for name, check in FILTERS.items():
        config.meta_set(config_key(name), "filter", check)
    config.load_dict(_namespaced(APP_DEFAULTS))
    config.load_config(str(CONFIG_DIR / f"{environment}.ini"))
    from_environ = {name: settings.from_environ(name) for name in FILTERS if name != "ENV"}
    config.load_dict(_namespaced({k: v for k, v in from_environ.items() if v is not None}))
    config.load_dict(_namespaced(overrides or {}))
    config[config_key("ENV")] = environment
    configured_secret = config.get(config_key("SECRET_KEY"))
    config[config_key("SECRET_KEY")] = settings.resolve_secret_key(environment, configured_secret)


def setting(name: str) -> Any:
    """A setting of the app serving the current request."""
    return request.app.config[config_key(name)]


# ---------------------------------------------------------------------------------------------
# Request and response helpers
# ---------------------------------------------------------------------------------------------

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
JSON_TYPE = "application/json"
# Bottle reads JSON and url-encoded bodies into memory, only up to BaseRequest.MEMFILE_MAX (it
# answers 413 above it); only multipart uploads are spooled to disk and may be larger.
IN_MEMORY_BODY_BYTES = bottle.BaseRequest.MEMFILE_MAX
# The request line and headers together; the production servers answer larger ones themselves
# (waitress: 431) instead of handing them to the app. Waitress's own default is 256 KiB.
MAX_HEADER_BYTES = 64 * 1024
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
        "form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}
HSTS = "max-age=31536000; includeSubDomains"


def add_security_headers() -> None:
    for name, value in SECURITY_HEADERS.items():
        response.set_header(name, value)
    if setting("HTTPS"):
        response.set_header("Strict-Transport-Security", HSTS)


def quality_list(header: str) -> list[tuple[str, float]]:
    """``"text/html;q=0.8, */*"`` -> ``[("*/*", 1.0), ("text/html", 0.8)]``, best first."""
    ranked = []
    for item in header.split(","):
        value, *params = (part.strip() for part in item.split(";"))
        quality = 1.0
        for param in params:
            key, _, number = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = min(max(float(number), 0.0), 1.0)
                except ValueError:
                    quality = 0.0
        if value:
            ranked.append((value.lower(), quality))
    return sorted(ranked, key=lambda pair: -pair[1])


def preferred_type(offered: Sequence[str]) -> str | None:
    """The offered media type the Accept header ranks highest; ties go to the first offered."""
    ranges = quality_list(request.get_header("Accept") or "*/*")

    def quality(offer: str) -> float:
        family = offer.split("/")[0] + "/*"
        # The most specific matching range decides (RFC 9110, 12.5.1).
        for candidate in (offer, family, "*/*"):
            for media_range, q in ranges:
                if media_range == candidate:
                    return q
        return 0.0

    best = max(offered, key=quality)
    return best if quality(best) > 0 else None


def wants_json() -> bool:
    return preferred_type(("text/html", JSON_TYPE)) == JSON_TYPE


def is_api() -> bool:
    """``/api/`` routes speak JSON only, errors included, whatever the Accept header says."""
    return request.path.startswith("/api/")


def render(view: str, **values: Any) -> str:
    """Render views/<view>.tpl with SimpleTemplate, which HTML-escapes every inline expression."""
    return bottle.template(
        view,
        template_lookup=TEMPLATE_LOOKUP,
        project_name=PROJECT_NAME,
        theme=current_theme(),
        **values,
    )


def render_error(error: HTTPError) -> str | bytes:
    """Every error page: JSON or HTML by Accept; tracebacks only in Bottle's debug mode."""
    add_security_headers()  # Unhandled exceptions replace the response, headers included.
    response.set_header("Vary", "Accept")
    if is_api() or wants_json():
        response.content_type = JSON_TYPE
        return json.dumps({"status": error.status_code, "error": str(error.body)})
    if bottle.DEBUG:
        return Bottle.default_error_handler(request.app, error)
    return render("error", title=error.status_line, error=error)


# ---------------------------------------------------------------------------------------------
# Signed cookies and CSRF
# ---------------------------------------------------------------------------------------------

CSRF_COOKIE = "csrf"
CSRF_FIELD = "csrf_token"
PREFERENCES_COOKIE = "theme"
THEMES = ("light", "dark")
ONE_YEAR = 365 * 24 * 3600


def cookie_options() -> dict[str, Any]:
    """Page scripts cannot read our cookies, other sites cannot POST them, HTTPS hides them."""
    return {"path": "/", "httponly": True, "samesite": "lax", "secure": setting("HTTPS")}


def set_signed_cookie(name: str, value: str, max_age: int | None = None) -> None:
    options = cookie_options() | ({"max_age": max_age} if max_age else {})
    response.set_cookie(name, value, secret=setting("SECRET_KEY"), **options)


def get_signed_cookie(name: str) -> str | None:
    """The cookie's value, or None when it is missing or its signature does not match."""
    value = request.get_cookie(name, secret=setting("SECRET_KEY"))
    return value if isinstance(value, str) else None


def csrf_token() -> str:
    """The token forms must send back; it lives in a signed cookie (double-submit pattern)."""
    token = get_signed_cookie(CSRF_COOKIE)
    if not token:
        token = secrets.token_urlsafe(32)
        set_signed_cookie(CSRF_COOKIE, token)
    return token


class CSRFPlugin:
    """Bottle plugin: unsafe requests must send the token from the signed cookie in a form field.

    Another site can make a browser send our cookie, but cannot read it to copy the token, and
    cannot forge a cookie of its own without the secret key.
    """

    name = "csrf"
    api = 2

    def apply(self, callback: Callable[..., Any], route: bottle.Route) -> Callable[..., Any]:
        if route.method in SAFE_METHODS:
            return callback

        @functools.wraps(callback)
        def checked(*args: Any, **kwargs: Any) -> Any:
            expected = get_signed_cookie(CSRF_COOKIE) or ""
            sent = request.forms.get(CSRF_FIELD, "")
            if not expected or not hmac.compare_digest(expected.encode(), sent.encode()):
                abort(403, "The form has expired or came from another site: reload it and retry.")
            return callback(*args, **kwargs)

        return checked


def body_limit() -> int:
    """The largest body this request may send: uploads up to the setting, other bodies less."""
    limit = setting("MAX_UPLOAD_BYTES")
    if request.content_type.startswith("multipart/"):
        return limit
    return min(limit, IN_MEMORY_BODY_BYTES)


def limit_request_body() -> None:
    """Refuse an oversized body before anything reads it: Bottle has no upload limit of its own."""
    if request.method in SAFE_METHODS:
        return
    if request.chunked:
        abort(411, "Send a Content-Length header.")
    limit = body_limit()
    if request.content_length > limit:
        abort(413, f"The request body is larger than the limit of {limit} bytes.")


def require_utf8_url() -> None:
    """A URL must be UTF-8 once percent-decoded.

    Bottle drops the bytes of a path that are not UTF-8 (``/caf%E9`` would match ``/caf``) and
    ``request.query.getunicode()`` turns an undecodable value into its default: both would hide
    a client's mistake, so refuse it outright.
    """
    raw_path = request.environ["bottle.raw_path"]  # PATH_INFO before Bottle decoded it
    raw_query = request.query_string.encode("latin-1")  # WSGI strings carry bytes as latin-1
    try:
        raw_path.encode("latin-1").decode("utf-8")
        urllib.parse.unquote_to_bytes(raw_query).decode("utf-8")
    except UnicodeError:
        abort(400, "The URL is not valid UTF-8.")


def current_theme() -> str:
    theme = get_signed_cookie(PREFERENCES_COOKIE)
    return theme if theme in THEMES else THEMES[0]


# ---------------------------------------------------------------------------------------------
# Routes
# ---------------------------------------------------------------------------------------------


def index() -> str:
    return render("index", title="Home")


def health() -> dict[str, str]:
    return {"status": "ok"}


def static(path: str) -> bottle.HTTPResponse:
    return static_file(path, root=str(STATIC_DIR))


# Forms ----------------------------------------------------------------------------------------

EMAIL = re.compile(r"^[^@\s]+@[^@\s.]+(\.[^@\s.]+)+$")
FIELD_LIMITS = {"name": 100, "email": 254, "message": 2000}


def validate_contact(form: Mapping[str, str]) -> dict[str, str]:
    """Field name -> what is wrong with it; empty when the form is valid."""
    errors = {}
    for field, limit in FIELD_LIMITS.items():
        if not form[field]:
            errors[field] = "This field is required."
        elif len(form[field]) > limit:
            errors[field] = f"At most {limit} characters."
    if "email" not in errors and not EMAIL.match(form["email"]):
        errors["email"] = "Enter an email address like name@example.com."
    return errors


def contact_form() -> str:
    return render("contact", title="Contact", form={}, errors={}, csrf_token=csrf_token())


def contact_submit() -> str:
    form = {field: request.forms.getunicode(field, "").strip() for field in FIELD_LIMITS}
    errors = validate_contact(form)
    if errors:
        response.status = 422
        return render("contact", title="Contact", form=form, errors=errors, csrf_token=csrf_token())
    log.info("contact message from %s <%s>", form["name"], form["email"])
    redirect("/contact/sent", 303)


def contact_sent() -> str:
    return render("contact_sent", title="Message sent")


# JSON API -------------------------------------------------------------------------------------


def json_body() -> Any:
    """The parsed JSON body: 415 unless it is declared as JSON; 400 (Bottle) if it is not JSON."""
    if request.content_type.split(";")[0].strip() != JSON_TYPE:
        abort(415, f"Send the body as {JSON_TYPE}.")
    return request.json


def api_contact() -> dict[str, Any]:
    """``/contact`` for API clients. No CSRF token: browsers cannot send a cross-site request
    with ``Content-Type: application/json`` without a CORS preflight, which this app never
    grants, and the route reads no cookie."""
    data = json_body()
    if not isinstance(data, dict):
        abort(400, "Send a JSON object with the fields " + ", ".join(FIELD_LIMITS) + ".")
    values = {field: data.get(field, "") for field in FIELD_LIMITS}
    errors = {
        field: "Must be a string." for field, value in values.items() if not isinstance(value, str)
    }
    if not errors:
        errors = validate_contact({field: value.strip() for field, value in values.items()})
    if errors:
        response.status = 422
        return {"status": 422, "errors": errors}
    log.info("contact message from %s <%s>", values["name"].strip(), values["email"].strip())
    response.status = 202
    return {"status": "received"}


# Cookies --------------------------------------------------------------------------------------


def preferences() -> str:
    # A cookie that is present but fails its signature check was tampered with (or signed with
    # an old key): ignore it and tell the browser to drop it.
    tampered = (
        PREFERENCES_COOKIE in request.cookies and get_signed_cookie(PREFERENCES_COOKIE) is None
    )
    if tampered:
        response.delete_cookie(PREFERENCES_COOKIE, **cookie_options())
    return render_preferences(tampered=tampered)


def render_preferences(tampered: bool = False, error: str = "") -> str:
    return render(
        "preferences",
        title="Preferences",
        themes=THEMES,
        tampered=tampered,
        error=error,
        csrf_token=csrf_token(),
    )


def preferences_submit() -> str:
    theme = request.forms.getunicode("theme", "")
    if theme not in THEMES:
        response.status = 422
        return render_preferences(error=f"Choose one of: {', '.join(THEMES)}.")
    set_signed_cookie(PREFERENCES_COOKIE, theme, max_age=ONE_YEAR)
    redirect("/preferences", 303)


# File uploads ---------------------------------------------------------------------------------


def upload_dir() -> Path:
    return setting("UPLOAD_DIR")


def allowed(filename: str) -> bool:
    return Path(filename).suffix.lower() in setting("UPLOAD_EXTENSIONS")


def stored_uploads(search: str = "") -> list[dict[str, Any]]:
    """The stored files, by name; only those whose name contains ``search`` (any case)."""
    folder = upload_dir()
    if not folder.is_dir():
        return []
    files = sorted(
        path
        for path in folder.iterdir()
        if path.is_file() and allowed(path.name) and search.casefold() in path.name.casefold()
    )
    return [{"name": p.name, "size": p.stat().st_size, "url": f"/uploads/{p.name}"} for p in files]


def render_uploads(error: str = "", search: str = "") -> str:
    return render(
        "uploads",
        title="Uploads",
        uploads=stored_uploads(search),
        search=search,
        extensions=sorted(setting("UPLOAD_EXTENSIONS")),
        max_bytes=setting("MAX_UPLOAD_BYTES"),
        error=error,
        csrf_token=csrf_token(),
    )


def uploads() -> str | dict[str, Any]:
    response.set_header("Vary", "Accept")
    search = request.query.getunicode("q", "").strip()  # UTF-8: require_utf8_url checked it
    if wants_json():
        return {"uploads": stored_uploads(search)}
    return render_uploads(search=search)


def save_upload(upload: bottle.FileUpload, folder: Path) -> Path:
    """Save under Bottle's sanitised name (ASCII, no directories); never overwrite a file."""
    folder.mkdir(parents=True, exist_ok=True)
    name = Path(upload.filename)
    candidates = [name.name] + [
        f"{name.stem}-{secrets.token_hex(4)}{name.suffix}" for _ in range(5)
    ]
    for candidate in candidates:
        path = folder / candidate
        try:
            with path.open("xb") as file:
                upload.save(file)
            return path
        except FileExistsError:
            continue
    raise HTTPError(409, "Could not find a free file name; try another name.")


def upload_submit() -> str:
    upload = request.files.get("file")
    if upload is None or not upload.raw_filename:
        response.status = 400
        return render_uploads(error="Choose a file to upload.")
    # upload.filename is Bottle's safe version of the client's name: "../../etc/passwd" and
    # "C:\\Users\\x\\a.txt" become "passwd" and "a.txt".
    if not allowed(upload.filename):
        response.status = 415
        allowed_list = ", ".join(sorted(setting("UPLOAD_EXTENSIONS")))
        return render_uploads(error=f"Only these file types are allowed: {allowed_list}.")
    path = save_upload(upload, upload_dir())
    log.info("stored upload %s", path.name)
    redirect("/uploads", 303)


def download(name: str) -> bottle.HTTPResponse:
    if not allowed(name):
        abort(404, "No such upload.")
    # static_file refuses paths outside root and sets Content-Type from the extension.
    return static_file(name, root=str(upload_dir()), download=name)


# Headers --------------------------------------------------------------------------------------

SHOWN_HEADERS = ("Accept", "Accept-Language", "User-Agent")


def headers() -> str | dict[str, Any]:
    response.set_header("Vary", "Accept")
    chosen = preferred_type(("text/html", JSON_TYPE))
    if chosen is None:
        abort(406, "This page is available as text/html or application/json.")
    languages = [tag for tag, q in quality_list(request.get_header("Accept-Language", "")) if q]
    info = {
        "negotiated": chosen,
        "languages": languages,
        "headers": {name: request.get_header(name, "") for name in SHOWN_HEADERS},
    }
    if chosen == JSON_TYPE:
        return info
    return render("headers", title="Request headers", **info)


# ---------------------------------------------------------------------------------------------
# The application and its server
# ---------------------------------------------------------------------------------------------


def create_app(
    environment: str | None = None, overrides: Mapping[str, Any] | None = None
) -> Bottle:
    """A configured app. It has no side effects, so building it twice (reloader) is harmless."""
    app = Bottle()
    load_settings(app.config, environment or settings.current_environment(), overrides)
    app.install(CSRFPlugin())
    app.add_hook("before_request", require_utf8_url)
    app.add_hook("before_request", limit_request_body)
    app.add_hook("after_request", add_security_headers)
    # One handler for every error status, instead of one app.error(code) per status.
    app.default_error_handler = render_error  # type: ignore[method-assign]

    app.get("/", callback=index)
    app.get("/health", callback=health)
    app.get("/static/<path:path>", callback=static)
    app.get("/contact", callback=contact_form)
    app.post("/contact", callback=contact_submit)
    app.get("/contact/sent", callback=contact_sent)
    app.post("/api/contact", callback=api_contact, skip=[CSRFPlugin.name])
    app.get("/preferences", callback=preferences)
    app.post("/preferences", callback=preferences_submit)
    app.get("/uploads", callback=uploads)
    app.post("/uploads", callback=upload_submit)
    app.get("/uploads/<name>", callback=download)
    app.get("/headers", callback=headers)
    return app


class CherootServer(bottle.ServerAdapter):
    """Bottle's "cheroot" adapter, plus the request limits cheroot leaves off by default: they are
    attributes of cheroot's server, which Bottle's own adapter creates and starts in one go."""

    LIMITS = ("max_request_header_size", "max_request_body_size")

    def run(self, handler: Callable[..., Any]) -> None:
        from cheroot import wsgi

        limits = {name: self.options.pop(name) for name in self.LIMITS if name in self.options}
        server = wsgi.Server((self.host, self.port), handler, **self.options)
        for name, value in limits.items():
            setattr(server, name, value)
        try:
            server.start()
        finally:
            server.stop()


# What bottle.run(server=...) gets for an adapter name: Bottle's own adapter unless listed here.
ADAPTERS: dict[str, type[bottle.ServerAdapter]] = {"cheroot": CherootServer}


def server_options(name: str, max_body_bytes: int) -> dict[str, Any]:
    """Limits for the adapter, so the server refuses an oversized request itself (waitress: 431
    or 413) before buffering it: waitress reads a whole body before it calls the app."""
    if name in ("waitress", "cheroot"):
        return {
            "max_request_header_size": MAX_HEADER_BYTES,
            "max_request_body_size": max_body_bytes,
        }
    # gunicorn's own limits are smaller still (4 KiB request line, 8 KiB per header line).
    return {}


def require_server(name: str) -> str:
    """The adapter name, once its module is known to be importable."""
    module = SERVERS[name]
    if importlib.util.find_spec(module) is None:
        raise settings.ConfigError(
            f"{settings.env_var('SERVER')} is {name!r} but {module} is not installed: "
            f"pip install '{DISTRIBUTION}[{name}]'"
        )
    return name


def serve() -> None:
    """Run the server: Bottle's own, with debugger and reloader, in development."""
    environment = settings.current_environment()
    # Build and check everything first: a bad setting must be one line, before any banner.
    app = create_app(environment)
    server = require_server(app.config[config_key("SERVER")])
    development = environment == "development"
    # Ctrl-C and SIGTERM (docker stop, systemd) both raise KeyboardInterrupt, on which every
    # adapter stops cleanly. SIGINT is set too because a shell starts background jobs with it
    # ignored, and the reloader's file watcher also stops the server through SIGINT.
    for stop_signal in (signal.SIGINT, signal.SIGTERM):
        signal.signal(stop_signal, signal.default_int_handler)
    if development and "BOTTLE_CHILD" not in os.environ:
        # The reloader parent: bottle.run() starts this program again as a child process with
        # BOTTLE_CHILD set, which serves, and restarts it when a source file changes. The
        # parent never serves, so it never needs its app.
        bottle.run(reloader=True)
        return
    logging.basicConfig(
        level=app.config[config_key("LOG_LEVEL")],
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    bottle.run(
        app,
        server=ADAPTERS.get(server, server),
        host=app.config[config_key("HOST")],
        port=app.config[config_key("PORT")],
        debug=development,
        reloader=development,
        **server_options(server, app.config[config_key("MAX_UPLOAD_BYTES")]),
    )
