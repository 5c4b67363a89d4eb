"""The HTML blueprint: Jinja2 pages, a form and the signed session cookie."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from werkzeug.wrappers import Response

MAX_NAME_LENGTH = 100

bp = Blueprint("pages", __name__)


@bp.get("/")
def index() -> str:
    return render_template("index.html")


@bp.post("/greet")
def greet() -> Response | tuple[str, int]:
    """Form handling: the greeting is passed to the next page as a flash message."""
    name = request.form.get("name", "").strip()
    if not name or len(name) > MAX_NAME_LENGTH:
        error = f"Please enter a name of 1 to {MAX_NAME_LENGTH} characters."
        return render_template("index.html", error=error, name=name), 400
    flash(f"Hello, {name}!")
    # 303: the browser follows with a GET, so a reload does not post the form again.
    return redirect(url_for("pages.index"), code=303)


@bp.get("/hello/<path:name>")
def hello(name: str) -> str:
    return render_template("hello.html", name=name)


@bp.get("/visits")
def visits() -> str:
    """A counter kept in the signed session cookie: the client can read it but not change it."""
    session["visits"] = session.get("visits", 0) + 1
    return render_template("visits.html", visits=session["visits"])
