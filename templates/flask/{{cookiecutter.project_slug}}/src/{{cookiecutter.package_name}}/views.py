"""The HTML blueprint: Jinja2 pages, a WTForms form and the signed session cookie."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, session, url_for
from werkzeug.wrappers import Response

from .forms import GreetForm

bp = Blueprint("pages", __name__)


@bp.get("/")
def index() -> str:
    return render_template("index.html", form=GreetForm())


@bp.post("/greet")
def greet() -> Response | tuple[str, int]:
    """Form handling: the greeting is passed to the next page as a flash message."""
    form = GreetForm()
    if not form.validate_on_submit():
        return render_template("index.html", form=form), 400
    flash(f"Hello, {form.name.data}!")
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


@bp.get("/favicon.ico")
def favicon() -> Response:
    """Browsers ask for /favicon.ico where a page names no icon (a JSON reply, say)."""
    return redirect(url_for("static", filename="favicon.svg"), code=301)
