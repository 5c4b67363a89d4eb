"""The web application: every route, next to its handler, and ``create_app()``.

The routes are registered on ``routes``, a ``Bottle()`` that is never served itself:
``create_app()`` builds a configured app and merges them in, so tests can build several apps
side by side. Handlers read their settings from ``request.app.config`` (``app.*`` keys).
"""

from __future__ import annotations

import logging
import re
import sqlite3
import urllib.parse
from collections.abc import Mapping
from http import HTTPStatus
from pathlib import Path
from typing import Any

import bottle
from bottle import Bottle, HTTPError, HTTPResponse, request, response, static_file

from . import DESCRIPTION, PROJECT_NAME, database, jsonbody, settings
from .config import load_settings
from .security import (
    BodyPlugin,
    CSRFPlugin,
    add_security_headers,
    cookie_options,
    csrf_token,
    get_signed_cookie,
    require_utf8_url,
    set_signed_cookie,
)
from .uploads import content_disposition, store_upload

PACKAGE_DIR = Path(__file__).resolve().parent
STATIC_DIR = PACKAGE_DIR / "static"
# One list object for the whole process: Bottle caches compiled templates by id(lookup).
TEMPLATE_LOOKUP = [str(PACKAGE_DIR / "views")]
log = logging.getLogger(__name__)

# ---------------------------------------------------------------------------------------------
# Negotiation, pages and error pages
# ---------------------------------------------------------------------------------------------

JSON_TYPE = "application/json"
QVALUE = re.compile(r"0(\.[0-9]{0,3})?|1(\.0{0,3})?")  # RFC 9110, 12.4.2


def ranked(header: str) -> list[tuple[str, float]]:
    """``"text/html;q=0.8, */*"`` -> ``[("*/*", 1.0), ("text/html", 0.8)]``, best first; a
    malformed weight counts as 0."""
    items = []
    for item in header.split(","):
        value, *params = item.split(";")
        quality = 1.0
        for key, _, number in (param.partition("=") for param in params):
            if key.strip().lower() == "q":
                quality = float(number) if QVALUE.fullmatch(number.strip()) else 0.0
        if value.strip():
            items.append((value.strip().lower(), quality))
    return sorted(items, key=lambda pair: -pair[1])


def negotiate() -> str | None:
    """text/html or application/json, whichever Accept ranks higher (HTML on a tie); None when
    it accepts neither. The most specific range that matches a type decides its quality."""
    ranges = dict(reversed(ranked(request.get_header("Accept") or "*/*")))

    def quality(offer: str) -> float:
        for candidate in (offer, offer.split("/")[0] + "/*", "*/*"):
            if candidate in ranges:
                return ranges[candidate]
        return 0.0

    html, json = quality("text/html"), quality(JSON_TYPE)
    if max(html, json) <= 0:
        return None
    return JSON_TYPE if json > html else "text/html"


def wants_json() -> bool:
    return request.path.startswith("/api/") or negotiate() == JSON_TYPE


def current_theme() -> str:
    theme = get_signed_cookie("theme")
    return theme if theme in THEMES else THEMES[0]


def render(view: str, **values: Any) -> str:
    """Render views/<view>.tpl with SimpleTemplate, which HTML-escapes every inline expression."""
    return bottle.template(
        view,
        template_lookup=TEMPLATE_LOOKUP,
        project_name=PROJECT_NAME,
        description=DESCRIPTION,
        theme=current_theme(),
        url=request.app.get_url,
        csrf_token=csrf_token,
        **values,
    )


def render_error(error: HTTPError) -> str:
    """Every error page: JSON under /api/ or when Accept prefers it, HTML otherwise; the
    traceback only in development."""
    add_security_headers()  # an unhandled exception replaced the response, headers included
    if wants_json():
        response.content_type = JSON_TYPE
        return bottle.json_dumps({"status": error.status_code, "error": str(error.body)})
    debug = request.app.config["app.env"] == "development"
    return render("error", title=error.status_line, error=error, debug=debug)


# ---------------------------------------------------------------------------------------------
# Routes
# ---------------------------------------------------------------------------------------------

routes = Bottle()
routes.install(BodyPlugin())
routes.install(CSRFPlugin())
routes.install(database.SQLitePlugin("app.database_path"))


def see_other(route_name: str, query: str = "") -> HTTPResponse:
    """A 303 to a named route. The Location is a path: no Host or X-Forwarded-Host goes in it,
    and get_url keeps the SCRIPT_NAME prefix the app is mounted under."""
    redirect = response.copy(cls=HTTPResponse)  # with the cookies set so far
    redirect.status = 303
    redirect.set_header(
        "Location", request.app.get_url(route_name) + (f"?{query}" if query else "")
    )
    return redirect


@routes.get("/", name="index")
def index() -> str:
    return render("index", title="Home")


@routes.get("/health", name="health")
def health() -> dict[str, str]:
    return {"status": "ok"}


@routes.get("/static/<path:path>", name="static")
def static(path: str) -> HTTPResponse:
    return static_file(path, root=str(STATIC_DIR))


@routes.get("/favicon.ico")
def favicon() -> HTTPResponse:
    """What browsers ask for on pages that name no icon (JSON, files)."""
    return static_file("favicon.svg", root=str(STATIC_DIR), mimetype="image/svg+xml")


# Contact form and API ------------------------------------------------------------------------

EMAIL = re.compile(r"[^@\s]+@[^@\s.]+(\.[^@\s.]+)+")
FIELD_LIMITS = {"name": 100, "email": 254, "message": 2000}


def validate_contact(data: Mapping[str, Any]) -> tuple[dict[str, str], dict[str, str]]:
    """The cleaned fields, and field name -> what is wrong with it (empty when valid)."""
    form = {field: data.get(field, "") for field in FIELD_LIMITS}
    errors = {field: "Must be a string." for field, value in form.items() if type(value) is not str}
    form = {field: str(value).strip() for field, value in form.items()}
    for field, limit in FIELD_LIMITS.items():
        if field in errors:
            continue
        if not form[field]:
            errors[field] = "This field is required."
        elif len(form[field]) > limit:
            errors[field] = f"At most {limit} characters."
        elif field == "email" and not EMAIL.fullmatch(form[field]):
            errors[field] = "Enter an email address like name@example.com."
    return form, errors


def store_message(db: sqlite3.Connection, form: Mapping[str, str]) -> int:
    cursor = db.execute(
        "INSERT INTO contact_message (name, email, message) VALUES (:name, :email, :message)", form
    )
    # The message itself is personal data: it goes to the database, never to the log.
    log.info("stored contact message %d", cursor.lastrowid)
    return int(cursor.lastrowid or 0)


@routes.get("/contact", name="contact")
def contact_form() -> str:
    return render("contact", title="Contact", form={}, errors={}, limits=FIELD_LIMITS)


@routes.post("/contact")
def contact_submit(db: sqlite3.Connection) -> str:
    form, errors = validate_contact(request.forms.decode())
    if errors:
        response.status = 422
        return render("contact", title="Contact", form=form, errors=errors, limits=FIELD_LIMITS)
    store_message(db, form)
    raise see_other("contact_sent")


@routes.get("/contact/sent", name="contact_sent")
def contact_sent() -> str:
    return render("contact_sent", title="Message sent")


@routes.post("/api/contact", skip=["csrf"])
def api_contact(db: sqlite3.Connection) -> dict[str, Any]:
    """``/contact`` for API clients. No CSRF token: a browser cannot send a cross-site request
    with ``Content-Type: application/json`` without a CORS preflight, which this app never
    grants, and the route reads no cookie."""
    if request.content_type.split(";")[0].strip() != JSON_TYPE:
        raise HTTPError(415, f"Send the body as {JSON_TYPE}.")
    body = request.body.read()
    try:  # request.json would let a too deeply nested document through as a 500
        data = jsonbody.loads(body) if body else None
    except ValueError:
        raise HTTPError(400, "Invalid JSON") from None
    if not isinstance(data, dict):
        raise HTTPError(400, "Send a JSON object with the fields " + ", ".join(FIELD_LIMITS) + ".")
    form, errors = validate_contact(data)
    if errors:
        response.status = 422
        return {"status": 422, "errors": errors}
    response.status = 201
    return {"status": "received", "id": store_message(db, form)}


# Preferences (signed cookie) -------------------------------------------------------------------

THEMES = ("light", "dark")
ONE_YEAR = 365 * 24 * 3600


@routes.get("/preferences", name="preferences")
def preferences() -> str:
    # A cookie that fails its signature check was tampered with (or signed with an old key):
    # ignore it and tell the browser to drop it.
    tampered = "theme" in request.cookies and get_signed_cookie("theme") is None
    if tampered:
        response.delete_cookie("theme", **cookie_options())
    return render("preferences", title="Preferences", themes=THEMES, tampered=tampered, error="")


@routes.post("/preferences")
def preferences_submit() -> str:
    theme = request.forms.getunicode("theme", "")
    if theme not in THEMES:
        response.status = 422
        error = f"Choose one of: {', '.join(THEMES)}."
        return render(
            "preferences", title="Preferences", themes=THEMES, tampered=False, error=error
        )
    set_signed_cookie("theme", theme, max_age=ONE_YEAR)
    raise see_other("preferences")


# Uploads -------------------------------------------------------------------------------------


def download_url(name: str) -> str:
    # Bottle's get_url does not quote the values it puts in a path.
    return request.app.get_url("download", name=urllib.parse.quote(name, safe=""))


def record_json(row: sqlite3.Row) -> dict[str, Any]:
    url = download_url(row["name"])
    keys = ("name", "original_name", "size", "content_type", "created_at")
    return {key: row[key] for key in keys} | {"url": url}


def find_upload(db: sqlite3.Connection, name: str) -> sqlite3.Row | None:
    return db.execute("SELECT * FROM upload WHERE name = ?", (name,)).fetchone()


@routes.get("/uploads", name="uploads")
def uploads(db: sqlite3.Connection) -> str | dict[str, Any]:
    search = request.query.getunicode("q", "").strip()  # UTF-8: require_utf8_url checked it
    rows = db.execute(
        "SELECT * FROM upload WHERE instr(casefold(name), casefold(?)) ORDER BY name", (search,)
    ).fetchall()
    if wants_json():
        return {"uploads": [record_json(row) for row in rows]}
    added = find_upload(db, request.query.getunicode("added", ""))
    return render_uploads(rows, search=search, added=added)


def render_uploads(rows: list[sqlite3.Row], **values: Any) -> str:
    config = request.app.config
    return render(
        "uploads",
        title="Uploads",
        uploads=rows,
        extensions=sorted(config["app.upload_extensions"]),
        max_bytes=config["app.max_upload_bytes"],
        download_url=download_url,
        **({"search": "", "added": None, "error": ""} | values),
    )


@routes.post("/uploads")
def upload_submit(db: sqlite3.Connection) -> str:
    upload = request.files.get("file")
    if not isinstance(upload, bottle.FileUpload) or not upload.raw_filename:
        response.status = 400
        return render_uploads([], error="Choose a file to upload.")
    row = store_upload(db, upload.raw_filename, upload.file)
    raise see_other("uploads", urllib.parse.urlencode({"added": row["name"]}))


@routes.put("/api/uploads/<name>", skip=["csrf"], upload=True)
def api_upload(db: sqlite3.Connection, name: str) -> dict[str, Any]:
    """Store the request body as a file. No CSRF token: a browser cannot PUT to another site
    without a CORS preflight, which this app never grants. The name may change (201 with the
    file's URL in Location)."""
    row = store_upload(db, name, request.body)
    response.status = 201
    response.set_header("Location", download_url(row["name"]))
    return record_json(row)


@routes.get("/uploads/<name>", name="download")
def download(db: sqlite3.Connection, name: str) -> HTTPResponse:
    row = find_upload(db, name)
    if row is None:
        raise HTTPError(404, "No such upload.")
    return static_file(
        row["stored_name"],
        root=str(request.app.config["app.upload_dir"]),
        mimetype=row["content_type"],
        headers={"Content-Disposition": content_disposition(row["name"])},
    )


# Request headers -----------------------------------------------------------------------------

SHOWN_HEADERS = ("Accept", "Accept-Language", "User-Agent")


@routes.get("/headers", name="headers")
def headers() -> str | dict[str, Any]:
    chosen = negotiate()
    if chosen is None:
        raise HTTPError(406, "This page is available as text/html or application/json.")
    languages = [tag for tag, q in ranked(request.get_header("Accept-Language", "")) if q > 0]
    info = {
        "negotiated": chosen,
        "languages": languages,
        "headers": {name: request.get_header(name, "") for name in SHOWN_HEADERS},
    }
    return info if chosen == JSON_TYPE else render("headers", title="Request headers", **info)


# ---------------------------------------------------------------------------------------------
# The application
# ---------------------------------------------------------------------------------------------


def create_app(
    environment: str | None = None, overrides: Mapping[str, Any] | None = None
) -> Bottle:
    """A configured app. It has no side effects, so building it twice (reloader) is harmless."""
    app = Bottle()
    load_settings(app.config, environment or settings.current_environment(), overrides)
    app.merge(routes)
    app.add_hook("before_request", require_utf8_url)
    app.add_hook("after_request", add_security_headers)
    if app.config["app.env"] == "development":
        # Template edits show on the next request (Bottle does this only in its global debug).
        app.add_hook("before_request", bottle.TEMPLATES.clear)
    for status in HTTPStatus:
        if status >= 400:
            app.error(status)(render_error)
    return app
