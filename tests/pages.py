"""The pages a person reaches from a starter's index: its same-origin links."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlsplit

from tests.harness import Server


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.hrefs.append(href)


def base_url(server: Server) -> str:
    return f"http://127.0.0.1:{server.port}/"


def same_origin_paths(base: str, hrefs: list[str]) -> list[str]:
    """The distinct paths (with query) of ``hrefs`` on ``base``'s origin, in page order,
    without ``base``'s own path: what a visitor can follow without leaving the site."""
    origin = urlsplit(base)
    paths: list[str] = []
    for href in hrefs:
        url = urlsplit(urldefrag(urljoin(base, href)).url)
        path = url.path + (f"?{url.query}" if url.query else "")
        if (url.scheme, url.netloc) == (origin.scheme, origin.netloc) and path != origin.path:
            paths.append(path)
    return list(dict.fromkeys(paths))


def linked_paths(server: Server, html: str) -> list[str]:
    """The same-origin pages that the HTML page at the root of ``server`` links to."""
    parser = _Links()
    parser.feed(html)
    return same_origin_paths(base_url(server), parser.hrefs)
