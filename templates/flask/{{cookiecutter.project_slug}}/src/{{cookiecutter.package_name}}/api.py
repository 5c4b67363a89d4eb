"""The JSON API blueprint: a notes resource under /api, stored with Flask-SQLAlchemy.

Views raise werkzeug's HTTP exceptions with a description; ``errors.py`` turns every error under
this prefix, including 404/405/413/500, into a JSON body.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request, url_for
from sqlalchemy import select
from werkzeug.exceptions import BadRequest

from .database import db
from .errors import JSON_PREFIX
from .models import MAX_TAG_LENGTH, MAX_TEXT_LENGTH, Note, Tag
from .security import csrf

MAX_TAGS = 10
# Deeper pages would only be empty; the bound keeps the SQL OFFSET far inside a 64-bit integer.
MAX_PAGE = 1_000_000

bp = Blueprint("api", __name__, url_prefix=JSON_PREFIX)
# No CSRF token here: a cross-site page cannot forge these requests. An HTML form can only send
# form or text/plain bodies, which get_json() refuses with 415; a script's application/json body
# or DELETE needs a CORS preflight, which this app never grants. The API reads no session cookie
# either. Add the protection back if it ever accepts form bodies or authenticates with cookies.
csrf.exempt(bp)


@bp.get("/notes")
def list_notes() -> Response:
    """A page of notes, oldest first; ``?tag=<tag>`` keeps the notes that carry that tag."""
    query = select(Note).order_by(Note.id)
    tag = request.args.get("tag")
    if tag:
        query = query.where(Note.tags.any(Tag.name == tag))
    page = db.paginate(
        query,
        page=positive_arg("page", 1),
        per_page=positive_arg("per_page", current_app.config["NOTES_PER_PAGE"]),
        max_per_page=current_app.config["NOTES_MAX_PER_PAGE"],
        error_out=False,
    )
    return jsonify(
        notes=[note.to_dict() for note in page.items],
        page=page.page,
        per_page=page.per_page,
        total=page.total,
        pages=page.pages,
    )


@bp.post("/notes")
def create_note() -> tuple[Response, int, dict[str, str]]:
    # get_json() answers 415 when the body is not declared JSON and 400 when it does not parse.
    text, tags = validate_note(request.get_json())
    note = Note(text=text, tags=[Tag(position=index, name=name) for index, name in enumerate(tags)])
    db.session.add(note)
    db.session.commit()
    location = url_for("api.get_note", note_id=note.id)
    return jsonify(note.to_dict()), 201, {"Location": location}


@bp.get("/notes/<int:note_id>")
def get_note(note_id: int) -> Response:
    return jsonify(find_note(note_id).to_dict())


@bp.delete("/notes/<int:note_id>")
def delete_note(note_id: int) -> tuple[str, int]:
    db.session.delete(find_note(note_id))
    db.session.commit()
    return "", 204


def find_note(note_id: int) -> Note:
    return db.get_or_404(Note, note_id, description=f"note {note_id} does not exist")


def positive_arg(name: str, default: int) -> int:
    value = request.args.get(name)
    if value is None:
        return default
    if not (value.isascii() and value.isdecimal() and 1 <= int(value) <= MAX_PAGE):
        raise BadRequest(f"{name} must be a whole number from 1 to {MAX_PAGE}")
    return int(value)


def validate_note(data: Any) -> tuple[str, list[str]]:
    """The note's text and tags, or BadRequest naming the first problem."""
    if not isinstance(data, dict):
        raise BadRequest("the body must be a JSON object")
    unknown = sorted(set(data) - {"text", "tags"})
    if unknown:
        raise BadRequest(f"unknown fields: {', '.join(unknown)}")
    text = data.get("text")
    if not isinstance(text, str) or not text.strip():
        raise BadRequest("text is required and must be a non-empty string")
    if len(text) > MAX_TEXT_LENGTH:
        raise BadRequest(f"text must be at most {MAX_TEXT_LENGTH} characters")
    tags = data.get("tags", [])
    if not isinstance(tags, list) or not all(isinstance(tag, str) and tag for tag in tags):
        raise BadRequest("tags must be a list of non-empty strings")
    if "\x00" in text or any("\x00" in tag for tag in tags):
        # PostgreSQL text cannot hold NUL; refuse it everywhere so both databases agree.
        raise BadRequest("text and tags must not contain NUL characters")
    if len(tags) > MAX_TAGS or any(len(tag) > MAX_TAG_LENGTH for tag in tags):
        raise BadRequest(f"at most {MAX_TAGS} tags of at most {MAX_TAG_LENGTH} characters")
    return text.strip(), tags
