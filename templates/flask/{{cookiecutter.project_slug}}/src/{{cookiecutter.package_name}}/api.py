"""The JSON API blueprint: a small notes resource under /api.

Views raise werkzeug's HTTP exceptions with a description; ``errors.py`` turns every error under
this prefix, including 404/405/413/500, into a JSON body.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, request, url_for
from werkzeug.exceptions import BadRequest, Conflict, NotFound

from .notes import Note, StoreFull, store
from .security import csrf

URL_PREFIX = "/api"
MAX_TEXT_LENGTH = 500
MAX_TAGS = 10
MAX_TAG_LENGTH = 30

bp = Blueprint("api", __name__, url_prefix=URL_PREFIX)
# No CSRF token here: a cross-site page cannot forge these requests. An HTML form can only send
# form or text/plain bodies, which get_json() refuses with 415; a script's application/json body
# or DELETE needs a CORS preflight, which this app never grants. The API reads no session cookie
# either. Add the protection back if it ever accepts form bodies or authenticates with cookies.
csrf.exempt(bp)


@bp.get("/notes")
def list_notes() -> Response:
    """Every note, or with ``?tag=<tag>`` only the notes that carry that tag."""
    notes = store().all()
    tag = request.args.get("tag")
    if tag:
        notes = [note for note in notes if tag in note.tags]
    return jsonify(notes=[note.to_dict() for note in notes])


@bp.post("/notes")
def create_note() -> tuple[Response, int, dict[str, str]]:
    # get_json() answers 415 when the body is not declared JSON and 400 when it does not parse.
    text, tags = validate_note(request.get_json())
    try:
        note = store().add(text, tags)
    except StoreFull as error:
        raise Conflict(f"{error}: delete some first") from None
    location = url_for("api.get_note", note_id=note.id)
    return jsonify(note.to_dict()), 201, {"Location": location}


@bp.get("/notes/<int:note_id>")
def get_note(note_id: int) -> Response:
    return jsonify(find_note(note_id).to_dict())


@bp.delete("/notes/<int:note_id>")
def delete_note(note_id: int) -> tuple[str, int]:
    if not store().delete(note_id):
        raise NotFound(f"note {note_id} does not exist")
    return "", 204


def find_note(note_id: int) -> Note:
    note = store().get(note_id)
    if note is None:
        raise NotFound(f"note {note_id} does not exist")
    return note


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
    if len(tags) > MAX_TAGS or any(len(tag) > MAX_TAG_LENGTH for tag in tags):
        raise BadRequest(f"at most {MAX_TAGS} tags of at most {MAX_TAG_LENGTH} characters")
    return text.strip(), tags
