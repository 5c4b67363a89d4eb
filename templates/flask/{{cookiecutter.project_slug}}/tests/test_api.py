"""The JSON API: a notes resource with validation, and JSON errors with the right status."""

from __future__ import annotations

import json

import pytest

UNICODE_TEXT = "Grüße, 世界 🎉"


def create(client, **body) -> dict:
    response = client.post("/api/notes", json=body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def assert_json_error(response, status: int, message: str | None = None) -> dict:
    assert response.status_code == status
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert body["status"] == status
    assert body["error"] and body["message"]
    if message is not None:
        assert message in body["message"]
    return body


def test_create_get_list_and_delete_a_note(client) -> None:
    assert client.get("/api/notes").get_json()["notes"] == []
    response = client.post("/api/notes", json={"text": " Buy milk ", "tags": ["shopping"]})
    assert response.status_code == 201
    note = response.get_json()
    assert note["id"] == 1
    assert note["text"] == "Buy milk"
    assert note["tags"] == ["shopping"]
    assert response.headers["Location"] == "/api/notes/1"
    assert client.get("/api/notes/1").get_json() == note
    assert client.get("/api/notes").get_json()["notes"] == [note]
    response = client.delete("/api/notes/1")
    assert response.status_code == 204
    assert response.data == b""
    assert_json_error(client.get("/api/notes/1"), 404, "note 1 does not exist")
    assert_json_error(client.delete("/api/notes/1"), 404, "note 1 does not exist")


def test_unicode_json_round_trips_as_utf8(client) -> None:
    response = client.post("/api/notes", json={"text": UNICODE_TEXT, "tags": ["日本語"]})
    assert response.status_code == 201
    # Sent as UTF-8 text, not as \\u escapes.
    assert UNICODE_TEXT.encode() in response.data
    note_id = response.get_json()["id"]
    fetched = client.get(f"/api/notes/{note_id}")
    assert json.loads(fetched.data.decode("utf-8"))["text"] == UNICODE_TEXT
    assert fetched.get_json()["tags"] == ["日本語"]


def test_list_filters_by_tag(client) -> None:
    shopping = create(client, text="Buy milk", tags=["shopping"])
    create(client, text="Call Bob", tags=["phone"])
    unicode = create(client, text="Tee", tags=["日本語"])
    assert client.get("/api/notes?tag=shopping").get_json()["notes"] == [shopping]
    assert client.get("/api/notes?tag=%E6%97%A5%E6%9C%AC%E8%AA%9E").get_json()["notes"] == [unicode]
    assert client.get("/api/notes?tag=nothing").get_json()["notes"] == []
    # An empty tag is no filter.
    assert len(client.get("/api/notes?tag=").get_json()["notes"]) == 3


def test_raw_utf8_request_body_is_accepted(client) -> None:
    body = json.dumps({"text": UNICODE_TEXT}, ensure_ascii=False).encode()
    response = client.post("/api/notes", data=body, content_type="application/json")
    assert response.status_code == 201
    assert response.get_json()["text"] == UNICODE_TEXT


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ([], "the body must be a JSON object"),
        ({}, "text is required"),
        ({"text": "   "}, "text is required"),
        ({"text": 42}, "text is required"),
        ({"text": "x" * 501}, "at most 500 characters"),
        ({"text": "ok", "tags": "one"}, "tags must be a list"),
        ({"text": "ok", "tags": [""]}, "tags must be a list"),
        ({"text": "ok", "tags": ["t"] * 11}, "at most 10 tags"),
        ({"text": "ok", "colour": "red"}, "unknown fields: colour"),
    ],
)
def test_invalid_note_is_a_400(client, body, message: str) -> None:
    assert_json_error(client.post("/api/notes", json=body), 400, message)
    assert client.get("/api/notes").get_json()["notes"] == []


def test_malformed_json_is_a_400(client) -> None:
    response = client.post("/api/notes", data=b'{"text": ', content_type="application/json")
    assert_json_error(response, 400)


def test_body_that_is_not_json_is_a_415(client) -> None:
    assert_json_error(client.post("/api/notes", data={"text": "hi"}), 415)


def test_unknown_api_path_is_a_json_404(client) -> None:
    assert_json_error(client.get("/api/nothing/here"), 404)
    assert_json_error(client.get("/api/notes/not-a-number"), 404)


def test_wrong_method_is_a_json_405_with_allow(client) -> None:
    response = client.put("/api/notes/1", json={"text": "x"})
    assert_json_error(response, 405)
    assert set(response.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS", "DELETE"}


def test_too_large_body_is_a_json_413(app, client) -> None:
    limit = app.config["MAX_CONTENT_LENGTH"]
    body = b'{"text": "' + b"x" * limit + b'"}'
    assert_json_error(client.post("/api/notes", data=body, content_type="application/json"), 413)


def test_list_is_paginated(make_app) -> None:
    client = make_app(NOTES_PER_PAGE=2).test_client()
    ids = [create(client, text=f"note {number}")["id"] for number in range(5)]
    first = client.get("/api/notes").get_json()
    assert [note["id"] for note in first["notes"]] == ids[:2]
    assert (first["page"], first["per_page"], first["total"], first["pages"]) == (1, 2, 5, 3)
    last = client.get("/api/notes?page=3").get_json()
    assert [note["id"] for note in last["notes"]] == ids[4:]
    assert client.get("/api/notes?page=9").get_json()["notes"] == []
    wide = client.get("/api/notes?per_page=1000").get_json()
    assert wide["per_page"] == 100
    assert len(wide["notes"]) == 5


@pytest.mark.parametrize(
    "query", ["page=0", "page=-1", "page=x", "per_page=0", "page=٣", "page=1e3"]
)
def test_bad_page_arguments_are_a_400(client, query: str) -> None:
    assert_json_error(client.get(f"/api/notes?{query}"), 400, "whole number")


def test_a_huge_page_number_is_a_400_not_a_database_error(client) -> None:
    assert_json_error(client.get("/api/notes?page=" + "9" * 30), 400, "whole number")


def test_nul_characters_are_refused_on_every_database(client) -> None:
    assert_json_error(client.post("/api/notes", json={"text": "a\x00b"}), 400, "NUL")
    assert_json_error(client.post("/api/notes", json={"text": "a", "tags": ["\x00"]}), 400, "NUL")


def test_notes_are_stored_in_the_database(make_app, database_url: str) -> None:
    """A note written through one app is read by another on the same database, as by a
    second worker or after a restart."""
    note = create(make_app().test_client(), text="kept", tags=["a", "b"])
    again = make_app(DATABASE_URL=database_url).test_client()
    assert again.get(f"/api/notes/{note['id']}").get_json() == note
