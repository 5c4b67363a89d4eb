"""/uploads: sizes up to the limit, any file name, records in the database, listing, download,
and the PUT API."""

from __future__ import annotations

import sqlite3
import urllib.parse
from collections.abc import Callable
from pathlib import Path

import bottle
import pytest
from webtest import TestApp

from {{ cookiecutter.package_name }} import uploads
from {{ cookiecutter.package_name }}.security import MULTIPART_OVERHEAD_BYTES

ONE_MIB = 1024 * 1024
Multipart = Callable[..., tuple[bytes, str]]


def upload(client: TestApp, filename: str, content: bytes = b"hello\n", status: int = 303):
    form = client.get("/uploads").forms[0]
    form["file"] = (filename, content)
    return form.submit(status=status)


def stored_files(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in folder.iterdir()} if folder.exists() else {}


def records(db: sqlite3.Connection) -> list[dict[str, object]]:
    return [dict(row) for row in db.execute("SELECT * FROM upload ORDER BY id")]


def listing(client: TestApp, query: str = "") -> list[str]:
    response = client.get("/uploads", {"q": query}, headers={"Accept": "application/json"})
    return [item["name"] for item in response.json["uploads"]]


@pytest.fixture
def big_client(make_app: Callable[..., bottle.Bottle]) -> TestApp:
    return TestApp(make_app(MAX_UPLOAD_BYTES=ONE_MIB))


@pytest.mark.parametrize(
    "size", [102_357, 102_358, 102_390, 102_400, 102_401, 500_000, ONE_MIB - 1, ONE_MIB]
)
def test_every_size_up_to_the_limit_is_accepted(
    big_client: TestApp, upload_dir: Path, multipart: Multipart, size: int
) -> None:
    """Bottle 0.13 refused about 102,358 to 102,400 bytes sent with other fields (#1470)."""
    token = big_client.get("/uploads").forms[0]["csrf_token"].value
    fields = {"csrf_token": token, "note": "an extra field, as a real form may have"}
    body, content_type = multipart(fields, "data.txt", b"x" * size)
    big_client.request("/uploads", method="POST", body=body, content_type=content_type, status=303)
    [content] = stored_files(upload_dir).values()
    assert len(content) == size


def test_a_file_one_byte_over_the_limit_gets_the_apps_413(
    big_client: TestApp, upload_dir: Path
) -> None:
    response = upload(big_client, "big.txt", b"x" * (ONE_MIB + 1), status=413)
    assert "Files may be at most 1048576 bytes." in response.text
    assert response.headers["Content-Security-Policy"].startswith("default-src")
    assert stored_files(upload_dir) == {}


def test_a_body_far_over_the_limit_is_refused_before_it_is_read(
    client: TestApp, multipart: Multipart, limit: int
) -> None:
    body, content_type = multipart({}, "big.txt", b"x" * (limit + MULTIPART_OVERHEAD_BYTES))
    response = client.request(
        "/uploads", method="POST", body=body, content_type=content_type,
        headers={"Accept": "application/json"}, status=413,
    )  # fmt: skip
    assert response.json == {"status": 413, "error": f"Files may be at most {limit} bytes."}


def test_the_page_states_the_limit(client: TestApp, limit: int) -> None:
    assert (
        f"at most {limit} bytes"
        in client.get("/uploads").html.find("label", attrs={"for": "file"}).text
    )


@pytest.fixture
def limit(app: bottle.Bottle) -> int:
    return app.config["app.max_upload_bytes"]


def test_nothing_uploaded_yet(client: TestApp) -> None:
    assert "Nothing uploaded yet." in client.get("/uploads").text
    assert listing(client) == []


def test_an_upload_is_recorded_listed_and_downloadable(
    client: TestApp, upload_dir: Path, db: sqlite3.Connection
) -> None:
    response = upload(client, "notes.txt", b"first line\n")
    assert response.headers["Location"] == "/uploads?added=notes.txt"
    page = response.follow()
    assert page.html.find(id="added").text.split() == ["Stored", "“notes.txt”."]
    assert page.html.find("a", href="/uploads/notes.txt").text == "notes.txt"

    [record] = records(db)
    assert record["name"] == record["original_name"] == "notes.txt"
    assert record["size"] == 11 and record["content_type"] == "text/plain"
    # The file on disk has a generated name that no client chooses.
    assert stored_files(upload_dir) == {record["stored_name"]: b"first line\n"}
    assert str(record["stored_name"]).endswith(".txt") and len(str(record["stored_name"])) == 36

    download = client.get("/uploads/notes.txt")
    assert download.body == b"first line\n"
    assert download.headers["Content-Type"] == "text/plain; charset=UTF-8"
    disposition = download.headers["Content-Disposition"]
    assert disposition == "attachment; filename=\"notes.txt\"; filename*=UTF-8''notes.txt"
    assert download.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    ("client_name", "name", "ascii_name"),
    [
        ("отчёт за май.txt", "отчёт за май.txt", "download.txt"),
        ("報告.pdf", "報告.pdf", "download.pdf"),
        ("café menu.CSV", "café menu.CSV", "cafe menu.CSV"),
        ("naïve <b>.txt", "naïve <b>.txt", "naive <b>.txt"),
    ],
)
def test_any_file_name_is_kept_for_display(
    client: TestApp, client_name: str, name: str, ascii_name: str
) -> None:
    page = upload(client, client_name).follow()
    assert "was changed" not in page.text
    assert listing(client) == [name]
    link = page.html.find("a", string=name)["href"]
    download = client.get(link)
    assert download.body == b"hello\n"
    disposition = download.headers["Content-Disposition"]
    assert f'filename="{ascii_name}"' in disposition
    assert "filename*=UTF-8''" + urllib.parse.quote(name, safe="") in disposition


@pytest.mark.parametrize(
    ("client_name", "name"),
    [
        ("../../evil.txt", "evil.txt"),
        ("/etc/cron.d/evil.txt", "evil.txt"),
        ("..\\..\\evil.txt", "evil.txt"),
        ("...hidden.txt", "hidden.txt"),
        ("tab\there.txt", "tabhere.txt"),
    ],
)
def test_folders_and_control_characters_are_dropped_and_the_user_told(
    client: TestApp, upload_dir: Path, db: sqlite3.Connection, client_name: str, name: str
) -> None:
    page = upload(client, client_name).follow()
    notice = page.html.find(id="added").text
    assert f"Stored “{name}”" in notice and f"changed from “{client_name}”" in notice
    [record] = records(db)
    assert (record["name"], record["original_name"]) == (name, client_name)
    # Nothing was written anywhere but the upload folder.
    written = [path for path in upload_dir.parent.rglob("*") if path.is_file()]
    assert sorted(path.parent for path in written if path.suffix == ".txt") == [upload_dir]


def test_a_name_already_taken_gets_a_number_and_the_user_is_told(client: TestApp) -> None:
    upload(client, "a.txt", b"one")
    page = upload(client, "a.txt", b"two").follow()
    assert "Stored “a (2).txt”." in page.text and "changed from “a.txt”" in page.text
    assert listing(client) == ["a (2).txt", "a.txt"]
    assert client.get("/uploads/a.txt").body == b"one"
    assert client.get("/uploads/a%20%282%29.txt").body == b"two"


def test_a_conflict_when_no_free_name_is_left(
    client: TestApp, upload_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(uploads, "candidate_names", lambda name: [name])
    upload(client, "a.txt", b"one")
    response = upload(client, "a.txt", b"two", status=409)
    assert "rename the file" in response.text
    assert list(stored_files(upload_dir).values()) == [b"one"]  # no orphan file


@pytest.mark.parametrize(
    "client_name", ["../../etc/passwd", "..\\..\\boot.ini", "page.html", "run.exe", ".txt", "txt"]
)
def test_disallowed_types_are_refused(client: TestApp, upload_dir: Path, client_name: str) -> None:
    response = upload(client, client_name, status=415)
    assert "Only these file types are allowed: .csv, .gif" in response.text
    assert stored_files(upload_dir) == {}


def test_a_missing_file_is_a_400(client: TestApp, upload_dir: Path) -> None:
    response = client.get("/uploads").forms[0].submit(status=400)
    assert "Choose a file to upload." in response.text
    assert response.html.find(id="file")["aria-describedby"] == "file-error"
    assert stored_files(upload_dir) == {}


@pytest.mark.parametrize(
    ("body", "content_type", "error"),
    [
        (b"not multipart", "multipart/form-data; boundary=xyz", "MultipartError"),
        (b"--xyz\r\n", "multipart/form-data", "no boundary"),
    ],
)
def test_a_malformed_multipart_body_is_a_400(
    client: TestApp, body: bytes, content_type: str, error: str
) -> None:
    response = client.request(
        "/uploads", method="POST", body=body, content_type=content_type, status=400
    )
    assert error in response.text


@pytest.mark.parametrize(
    ("fields", "filename"), [({"note": "caf\udce9"}, "a.txt"), ({}, "caf\udce9.txt")]
)
def test_a_multipart_form_that_is_not_utf8_is_a_400(
    client: TestApp, multipart: Multipart, upload_dir: Path, fields: dict[str, str], filename: str
) -> None:
    """Latin-1 "é" (a lone 0xE9 byte) in a field or in the file name."""
    token = client.get("/uploads").forms[0]["csrf_token"].value
    body, content_type = multipart({"csrf_token": token, **fields}, filename, b"hello")
    response = client.request(
        "/uploads", method="POST", body=body, content_type=content_type, status=400
    )
    assert "The form is not valid UTF-8." in response.text
    assert stored_files(upload_dir) == {}


def test_an_upload_without_the_csrf_token_is_forbidden(client: TestApp, upload_dir: Path) -> None:
    client.get("/uploads")
    client.post("/uploads", upload_files=[("file", "a.txt", b"x")], status=403)
    assert stored_files(upload_dir) == {}


@pytest.mark.parametrize(
    "path", ["/uploads/missing.txt", "/uploads/..%2Fconftest.py", "/uploads/..", "/uploads/%2e%2e"]
)
def test_only_recorded_uploads_are_served(client: TestApp, path: str) -> None:
    client.get(path, status=404)


def test_the_list_can_be_searched_by_name_in_any_case(client: TestApp) -> None:
    for name in ("Report-2024.csv", "notes.txt", "Éclair.txt"):
        upload(client, name)
    assert listing(client, "report") == ["Report-2024.csv"]
    assert listing(client, " .TXT ") == ["notes.txt", "Éclair.txt"]
    assert listing(client, "éCLAIR") == ["Éclair.txt"]
    assert listing(client, "100%") == []
    page = client.get("/uploads", {"q": "<b>none"})
    assert page.html.find(id="q")["value"] == "<b>none"
    assert "No file name contains “&lt;b&gt;none”." in page.text


def test_the_api_stores_a_body_and_says_where(client: TestApp, db: sqlite3.Connection) -> None:
    first = client.put("/api/uploads/probe.txt", b"hello", content_type="text/plain", status=201)
    assert first.headers["Location"] == "/uploads/probe.txt"
    assert first.json["name"] == "probe.txt" and first.json["size"] == 5
    again = client.put("/api/uploads/probe.txt", b"again", content_type="text/plain", status=201)
    assert again.headers["Location"] == "/uploads/probe%20%282%29.txt"
    assert client.get(again.headers["Location"]).body == b"again"
    assert [record["original_name"] for record in records(db)] == ["probe.txt", "probe.txt"]


def test_the_api_refuses_what_the_form_refuses(client: TestApp, limit: int) -> None:
    too_big = client.put("/api/uploads/a.txt", b"x" * (limit + 1), status=413)
    assert too_big.json == {"status": 413, "error": f"Files may be at most {limit} bytes."}
    client.put("/api/uploads/a.txt", b"x" * limit, status=201)
    assert client.put("/api/uploads/a.exe", b"x", status=415).json["status"] == 415
