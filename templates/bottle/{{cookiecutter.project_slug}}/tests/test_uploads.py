"""/uploads: size limit, allowed extensions, safe stored names, listing and download."""

from __future__ import annotations

from pathlib import Path

import bottle
import pytest
from webtest import TestApp

from {{ cookiecutter.package_name }} import app as app_module


def upload(client: TestApp, filename: str, content: bytes = b"hello\n", status: int = 303):
    form = client.get("/uploads").forms[0]
    form["file"] = (filename, content)
    return form.submit(status=status)


def stored(folder: Path) -> dict[str, bytes]:
    if not folder.exists():
        return {}
    return {path.name: path.read_bytes() for path in folder.iterdir()}


def test_nothing_uploaded_yet(client: TestApp) -> None:
    assert "Nothing uploaded yet." in client.get("/uploads").text
    response = client.get("/uploads", headers={"Accept": "application/json"})
    assert response.json == {"uploads": []}
    assert response.headers["Vary"] == "Accept"


def test_an_upload_is_stored_listed_and_downloadable(client: TestApp, upload_dir: Path) -> None:
    response = upload(client, "notes.txt", b"first line\n")
    assert response.location.endswith("/uploads")
    assert stored(upload_dir) == {"notes.txt": b"first line\n"}

    listing = response.follow()
    assert listing.html.find("a", href="/uploads/notes.txt").text == "notes.txt"
    as_json = client.get("/uploads", headers={"Accept": "application/json"}).json
    assert as_json == {"uploads": [{"name": "notes.txt", "size": 11, "url": "/uploads/notes.txt"}]}

    download = client.get("/uploads/notes.txt")
    assert download.body == b"first line\n"
    assert download.headers["Content-Type"] == "text/plain; charset=UTF-8"
    assert download.headers["Content-Disposition"] == 'attachment; filename="notes.txt"'
    assert download.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    ("filename", "content_type"),
    [("photo.PNG", "image/png"), ("data.csv", "text/csv"), ("paper.pdf", "application/pdf")],
)
def test_downloads_have_the_type_of_their_extension(
    client: TestApp, filename: str, content_type: str
) -> None:
    upload(client, filename, b"\x89PNG\r\n")
    assert client.get(f"/uploads/{filename}").content_type == content_type


@pytest.mark.parametrize(
    ("client_name", "stored_name"),
    [
        ("../../evil.txt", "evil.txt"),
        ("/etc/cron.d/evil.txt", "evil.txt"),
        ("C:\\Windows\\System32\\evil.txt", "evil.txt"),
        ("..\\..\\evil.txt", "evil.txt"),
        ("café menu.txt", "cafe-menu.txt"),
        ("-- <b>bold.txt", "bbold.txt"),
    ],
)
def test_stored_names_are_safe(
    client: TestApp, upload_dir: Path, client_name: str, stored_name: str
) -> None:
    upload(client, client_name)
    assert stored(upload_dir) == {stored_name: b"hello\n"}
    # Nothing was written anywhere else in the test's temporary directory.
    assert [p for p in upload_dir.parent.rglob("*") if p.is_file()] == [upload_dir / stored_name]


@pytest.mark.parametrize(
    "client_name", ["../../etc/passwd", "..\\..\\boot.ini", "page.html", "run.exe", ".txt", "txt"]
)
def test_disallowed_names_are_refused(client: TestApp, upload_dir: Path, client_name: str) -> None:
    response = upload(client, client_name, status=415)
    assert "Only these file types are allowed: .csv, .gif" in response.text
    assert stored(upload_dir) == {}


def test_an_upload_never_overwrites_another(client: TestApp, upload_dir: Path) -> None:
    upload(client, "a.txt", b"one")
    upload(client, "a.txt", b"two")
    files = stored(upload_dir)
    assert files.pop("a.txt") == b"one"
    [(other, content)] = files.items()
    assert other.startswith("a-") and other.endswith(".txt") and content == b"two"


def test_a_conflict_when_no_free_name_is_found(
    client: TestApp, upload_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    upload_dir.mkdir()
    (upload_dir / "a.txt").write_bytes(b"old")
    (upload_dir / "a-cafe.txt").write_bytes(b"old")
    monkeypatch.setattr(app_module.secrets, "token_hex", lambda _: "cafe")
    upload(client, "a.txt", b"new", status=409)


@pytest.fixture
def limit(app: bottle.Bottle) -> int:
    return app.config["app.max_upload_bytes"]


def test_an_upload_over_the_limit_is_a_413(client: TestApp, upload_dir: Path, limit: int) -> None:
    response = upload(client, "big.txt", b"x" * (limit + 1), status=413)
    assert f"limit of {limit} bytes" in response.text
    assert stored(upload_dir) == {}


def test_an_upload_under_the_limit_is_accepted(
    client: TestApp, upload_dir: Path, limit: int
) -> None:
    upload(client, "small.txt", b"x" * (limit // 2))
    assert len(stored(upload_dir)["small.txt"]) == limit // 2


def test_a_body_without_content_length_is_a_411(client: TestApp) -> None:
    client.post("/uploads", b"", headers={"Transfer-Encoding": "chunked"}, status=411)


def test_a_missing_file_is_a_400(client: TestApp, upload_dir: Path) -> None:
    form = client.get("/uploads").forms[0]
    response = form.submit(status=400)
    assert "Choose a file to upload." in response.text
    assert stored(upload_dir) == {}


def test_a_malformed_multipart_body_is_a_400(client: TestApp) -> None:
    response = client.request(
        "/uploads",
        method="POST",
        body=b"not multipart",
        content_type="multipart/form-data; boundary=xyz",
        status=400,
    )
    assert "MultipartError" in response.text


def test_an_upload_without_the_csrf_token_is_forbidden(client: TestApp, upload_dir: Path) -> None:
    client.get("/uploads")
    client.post("/uploads", upload_files=[("file", "a.txt", b"x")], status=403)
    assert stored(upload_dir) == {}


@pytest.mark.parametrize(
    "path",
    ["/uploads/missing.txt", "/uploads/..%2Fconftest.txt", "/uploads/notes.exe", "/uploads/.."],
)
def test_downloads_outside_the_stored_uploads_are_404(
    client: TestApp, upload_dir: Path, path: str
) -> None:
    upload_dir.mkdir()
    (upload_dir / "notes.exe").write_bytes(b"MZ")
    client.get(path, status=404)


def test_listing_hides_files_of_other_types(client: TestApp, upload_dir: Path) -> None:
    upload(client, "a.txt")
    (upload_dir / ".hidden").write_bytes(b"x")
    (upload_dir / "notes.exe").write_bytes(b"MZ")
    (upload_dir / "folder.txt").mkdir()
    listing = client.get("/uploads", headers={"Accept": "application/json"}).json
    assert [item["name"] for item in listing["uploads"]] == ["a.txt"]


def test_the_list_can_be_searched_by_name(client: TestApp, upload_dir: Path) -> None:
    for name in ("Report-2024.csv", "notes.txt", "café.txt"):
        upload(client, name)
    names = stored(upload_dir)
    assert len(names) == 3

    def found(query: str) -> list[str]:
        listing = client.get("/uploads", {"q": query}, headers={"Accept": "application/json"})
        return [item["name"] for item in listing.json["uploads"]]

    assert found("report") == ["Report-2024.csv"]
    assert found(" .TXT ") == sorted(name for name in names if name.endswith(".txt"))
    assert found("") == sorted(names)
    page = client.get("/uploads", {"q": "<b>none"})
    assert page.html.find(id="q")["value"] == "<b>none"
    assert "No file name contains “&lt;b&gt;none”." in page.text
