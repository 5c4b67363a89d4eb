"""Every route of every starter against the live production server: pages under concurrent
load, deeply nested JSON, ids spelled with non-ASCII digits, wrong methods, uploads at their
limits. The routes come from the "probes" of each framework.json:

- ``html_pages``: paths of HTML pages (``{id}`` is an item the test creates);
- ``api_routes``: path -> the methods it serves, exactly what its ``Allow`` header must say;
- ``id_routes``: paths with an ``{id}`` of an item (created with the "persistence" write);
- ``upload``: the upload endpoints and their limit, where the starter takes uploads.
"""

from __future__ import annotations

import re
import secrets
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import quote, urlsplit

import pytest
from live_server import Reply

from tests.harness import (
    Server,
    build_request,
    framework_info,
    probes,
    raw_request,
)

CONCURRENT_LOADS = 32
METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
SAFE = ("GET", "HEAD", "OPTIONS")
NESTING = 100_000
# Digits that str.isdigit() or \d accept and int() may turn into an ASCII number.
NON_ASCII_DIGITS = {
    "arabic_indic": "٠١٢٣٤٥٦٧٨٩",
    "superscript": "⁰¹²³⁴⁵⁶⁷⁸⁹",
    "fullwidth": "０１２３４５６７８９",
    "devanagari": "०१२३४५६७८९",
}
# Sizes around Bottle's MEMFILE_MAX (102,400 bytes), where a multipart parser switches from
# memory to a temporary file, and around 100 KiB of the whole body with the other fields.
MULTIPART_SIZES = [102_400 + delta for delta in (-513, -257, -1, 0, 1, 256, 512)] + [99_999]


def page_path(path: str, item: str | None) -> str:
    if "{id}" in path:
        if item is None:
            pytest.skip("no item to show")
        return path.replace("{id}", item)
    return path


def create_item(server: Server, framework: str) -> str:
    """Write the framework's persistence probe and return the new item's id (the last segment of
    the Location it answers with)."""
    spec = framework_info(framework)["persistence"]["write"]
    headers = {"Content-Type": spec["content_type"], **spec.get("headers", {})}
    reply = server.request(spec["method"], spec["path"], spec["body"].encode(), headers)
    assert 200 <= reply.status < 300, (reply.status, reply.text[:300])
    location = urlsplit(reply.headers["Location"]).path
    return location.rstrip("/").rsplit("/", 1)[-1]


@pytest.fixture(scope="module")
def item(production_server: Server, framework: str) -> str:
    return create_item(production_server, framework)


def test_32_concurrent_loads_of_every_html_page(
    production_server: Server, framework: str, item: str
) -> None:
    pages = [page_path(path, item) for path in probes(framework)["html_pages"]]
    with ThreadPoolExecutor(CONCURRENT_LOADS) as pool:
        for path in pages:
            replies = list(pool.map(production_server.get, [path] * CONCURRENT_LOADS))
            statuses = sorted(reply.status for reply in replies)
            assert statuses == [200] * CONCURRENT_LOADS, (path, statuses)
            assert all("text/html" in reply.headers["Content-Type"] for reply in replies), path


def test_deeply_nested_json_is_a_400(production_server: Server, framework: str) -> None:
    probe = probes(framework)
    for opening, closing in (("[", "]"), ('{"a":', "}")):
        depth = min(NESTING, (probe["max_body_bytes"] - 1) // len(opening + closing))
        body = (opening * depth + "1" + closing * depth).encode()
        headers = {"Content-Type": probe["content_type"]}
        reply = raw_request(
            production_server.port, build_request("POST", probe["post_endpoint"], body, headers)
        )
        assert reply.status == 400, (opening, depth, reply.status, reply.text[:300])
    assert production_server.get("/health").status == 200


def spelled(number: str, digits: str) -> str:
    return "".join(digits[int(digit)] for digit in number)


@pytest.mark.parametrize("script", sorted(NON_ASCII_DIGITS))
def test_ids_in_non_ascii_digits_are_404(
    production_server: Server,
    framework: str,
    item: str,
    script: str,
) -> None:
    routes = probes(framework)["id_routes"]
    if not routes:
        pytest.skip(f"{framework} has no route with an id")
    for route in routes:
        for number in (item, "1", "2"):
            path = route.replace("{id}", quote(spelled(number, NON_ASCII_DIGITS[script])))
            reply = production_server.request("GET", path, headers={"Accept": "application/json"})
            assert reply.status == 404, (path, reply.status, reply.text[:300])


def test_an_extra_segment_after_an_api_id_is_404(
    production_server: Server, framework: str, item: str
) -> None:
    """Not the resource's 405: ``PUT /api/items/1/2`` names no resource at all."""
    routes = [route for route in probes(framework)["api_routes"] if "{id}" in route]
    if not routes:
        pytest.skip(f"{framework} has no API route with an id")
    for route in routes:
        path = route.replace("{id}", item) + "/2"
        for method in ("GET", "PUT", "DELETE"):
            reply = raw_request(production_server.port, build_request(method, path))
            assert reply.status == 404, (method, path, reply.status)


def allowed(reply: Reply) -> set[str]:
    return {method.strip() for method in reply.headers.get("Allow", "").split(",") if method}


def route_path(path: str, item: str) -> str:
    return path.replace("{id}", item).replace("{name}", f"probe-{secrets.token_hex(4)}.txt")


def test_wrong_methods_get_405_with_a_true_allow_header(
    production_server: Server, framework: str, item: str
) -> None:
    problems = []
    for route, methods in probes(framework)["api_routes"].items():
        path = route_path(route, item)
        for method in METHODS:
            reply = raw_request(
                production_server.port, build_request(method, path), head=method == "HEAD"
            )
            if method in methods:
                if reply.status == 405:
                    problems.append(f"{method} {route}: 405 though the route serves it")
            elif reply.status != 405 or allowed(reply) != set(methods):
                problems.append(
                    f"{method} {route}: {reply.status}, Allow {sorted(allowed(reply))}, "
                    f"expected 405 and {sorted(methods)}"
                )
    assert problems == [], "\n".join(problems)


def upload_probe(framework: str) -> dict[str, Any]:
    probe = probes(framework).get("upload")
    if not probe:
        pytest.skip(f"{framework} takes no uploads")
    return probe


@pytest.mark.parametrize("over", [0, 1])
def test_raw_upload_at_the_limit_and_one_byte_over(
    production_server: Server, framework: str, over: int
) -> None:
    probe = upload_probe(framework)
    name = f"limit-{over}-{secrets.token_hex(4)}.txt"
    body = b"x" * (probe["limit"] + over)
    reply = raw_request(
        production_server.port,
        build_request(
            "PUT", probe["put"].replace("{name}", name), body, {"Content-Type": "text/plain"}
        ),
    )
    assert reply.status == (413 if over else 201), (reply.status, reply.text[:300])


def form_session(server: Server, probe: dict[str, Any]) -> tuple[str, str]:
    """The cookies and the CSRF token of the upload form, as a browser gets them."""
    page = server.get(probe["form_page"])
    cookies = "; ".join(cookie.split(";", 1)[0] for cookie in page.set_cookies)
    match = re.search(rf'name="{probe["csrf_field"]}" value="([^"]+)"', page.text)
    assert match, page.text[:500]
    return cookies, match.group(1)


def multipart(probe: dict[str, Any], token: str, name: str, size: int) -> tuple[bytes, str]:
    boundary = secrets.token_hex(16)
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{probe["csrf_field"]}"\r\n\r\n'
            f"{token}\r\n--{boundary}\r\n"
            f'Content-Disposition: form-data; name="{probe["field"]}"; filename="{name}"\r\n'
            "Content-Type: text/plain\r\n\r\n"
        ).encode()
        + b"y" * size
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return body, f"multipart/form-data; boundary={boundary}"


def test_form_uploads_around_100_kib_and_at_the_limit(
    production_server: Server, framework: str
) -> None:
    probe = upload_probe(framework)
    cookies, token = form_session(production_server, probe)
    sizes = [*MULTIPART_SIZES, probe["limit"], probe["limit"] + 1]
    for size in sizes:
        name = f"form-{size}-{secrets.token_hex(4)}.txt"
        body, content_type = multipart(probe, token, name, size)
        headers = {"Content-Type": content_type, "Cookie": cookies}
        reply = raw_request(
            production_server.port, build_request("POST", probe["form_endpoint"], body, headers)
        )
        if size > probe["limit"]:
            assert reply.status == 413, (size, reply.status, reply.text[:300])
            continue
        assert reply.status == 303, (size, reply.status, reply.text[:300])
        stored = production_server.get(probe["download"].replace("{name}", name))
        assert stored.status == 200 and len(stored.body) == size, (size, stored.status)
