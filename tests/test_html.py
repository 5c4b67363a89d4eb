"""The HTML a starter's production server sends is valid: the Nu HTML Checker (vnu.jar) finds no
error in the index or any same-origin page it links to.

One java process per framework checks all of its pages at once (2 s of CPU). The checker comes
from npm (``vnu-jar``, pinned) unless ``VNU_JAR`` names a vnu.jar already on disk; without java,
or without both npm and ``VNU_JAR``, the test is skipped and says what to install.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.harness import Server, probes, run
from tests.pages import linked_paths

VNU_PACKAGE = "vnu-jar@26.9.27"
CHECK_TIMEOUT = 120
# A short run: the quick (C1) compiler alone halves the checker's CPU time (1.8 s instead of
# 3.2 s for four pages, measured); it then needs the larger thread stack its own message asks for.
JAVA_OPTIONS = ("-XX:TieredStopAtLevel=1", "-Xss2m")


@pytest.fixture(scope="session")
def vnu_jar(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The checker's jar: ``VNU_JAR``, or npm's package installed in this session's temp dir."""
    if shutil.which("java") is None:
        pytest.skip("no java on PATH for the Nu HTML Checker: apt-get install default-jre-headless")
    if os.environ.get("VNU_JAR"):
        return Path(os.environ["VNU_JAR"])
    npm = shutil.which("npm")
    if npm is None:
        pytest.skip(
            "no npm on PATH to fetch the Nu HTML Checker: apt-get install npm, or set VNU_JAR"
        )
    prefix = tmp_path_factory.mktemp("vnu")
    command = [npm, "install", "--silent", "--no-audit", "--no-fund", "--prefix", str(prefix)]
    run([*command, VNU_PACKAGE], prefix, 300)
    return prefix / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def save_html_pages(server: Server, directory: Path) -> list[Path]:
    """The index and the HTML pages it links to, saved as files named after their paths."""
    index = server.get("/")
    assert index.status == 200
    saved = []
    for number, path in enumerate(["/", *linked_paths(server, index.text)]):
        reply = server.get(path)
        if reply.status == 200 and reply.headers.get_content_type() == "text/html":
            page = directory / f"{number:02d}{path.replace('/', '_')[:60]}.html"
            page.write_bytes(reply.body)
            saved.append(page)
    return saved


def html_errors(vnu_jar: Path, pages: list[Path]) -> dict[str, list[str]]:
    """The checker's errors, by file name."""
    command = ["java", *JAVA_OPTIONS, "-jar", str(vnu_jar), "--errors-only", "--format", "json"]
    command.append("--stdout")
    result = subprocess.run(
        [*command, *map(str, pages)],
        capture_output=True,
        text=True,
        timeout=CHECK_TIMEOUT,
        check=False,
    )
    errors: dict[str, list[str]] = {}
    for message in json.loads(result.stdout)["messages"]:
        if message.get("type") not in ("error", "non-document-error"):
            continue  # an "info" warning, such as a skipped heading level
        name = Path(urlsplit(message.get("url", "")).path).name
        errors.setdefault(name, []).append(f"{message.get('lastLine')}: {message['message']}")
    return errors


def test_pages_have_no_html_error(
    production_server: Server, framework: str, vnu_jar: Path, tmp_path: Path
) -> None:
    pages = save_html_pages(production_server, tmp_path)
    # A page with a known error in the same run shows that the checker does report errors.
    canary = tmp_path / "canary.html"
    canary.write_text("<!doctype html><html lang=en><title>t</title><p><div></p>", "utf-8")
    errors = html_errors(vnu_jar, [canary, *pages])
    assert errors.pop(canary.name), "the checker missed the canary page's error"
    # A framework's own markup that HTML cannot express, each explained in docs/pages.md.
    allowed = [re.compile(pattern) for pattern in probes(framework).get("html_checker_allows", [])]
    errors = {
        page: left
        for page, messages in errors.items()
        if (left := [m for m in messages if not any(p.search(m) for p in allowed)])
    }
    assert errors == {}, errors
