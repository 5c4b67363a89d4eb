"""The home page in a real browser (headless Chromium driven by Playwright) against the real
server: what a person sees when posting, when posting only spaces, and across a server restart.

Skipped when no Chromium is installed (``apt-get install chromium``); Playwright uses the system
browser, so ``playwright install`` is not needed.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, Request, expect, sync_playwright

from .support import TEST_SECRET

BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome")
CHROMIUM = next(filter(None, map(shutil.which, BROWSER_NAMES)), None)
TIMEOUT_MS = 10_000  # a bound on each wait: the page normally reacts in well under a second
# The page retries within 0.25 s, then waits at most 1.5 times as long each time, up to 30 s:
# it is back within this long of the server, however long the restart took.
RECONNECT_MS = 32_000

pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason=f"no Chromium on PATH ({', '.join(BROWSER_NAMES)}): apt-get install chromium",
)


@pytest.fixture
def serve(start_server: Callable[..., Any], database_url: str) -> Callable[..., Any]:
    """Start the production server on the test's database (on ``port`` if given)."""

    def serve_on(wait: bool = True, **config: str) -> Any:
        return start_server(
            wait=wait, ENV="production", SECRET_KEY=TEST_SECRET, DATABASE_URL=database_url, **config
        )

    return serve_on


@pytest.fixture
def server(serve: Callable[..., Any]) -> Any:
    """The first server, started without waiting for it: it and Chromium start together."""
    return serve(wait=False)


@pytest.fixture
def browser(server: Any) -> Iterator[Browser]:
    """Chromium, launched while ``server`` starts: so per test (pytest sets a module-scoped
    fixture up before any per-test one), and the module has one test."""
    assert CHROMIUM is not None  # pytestmark skips the module otherwise
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context()
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert errors == [], errors  # no uncaught exception in feed.js


def post_with_the_form(page: Page, text: str) -> None:
    page.fill("#post input[name=text]", text)
    page.click("#post button")


def test_posting_a_blank_post_and_a_restart(
    server: Any, page: Page, serve: Callable[..., Any]
) -> None:
    """One scenario (each server start costs a second or two): a post appears, a blank post is
    refused on the page, and the page comes back by itself after the server restarts."""
    server.wait_until_healthy()
    posts: list[Request] = []
    page.on("request", lambda request: posts.append(request) if request.method == "POST" else None)
    page.goto(f"http://127.0.0.1:{server.port}/")
    feed = page.locator("#feed li")
    status = page.locator("#status")

    post_with_the_form(page, "before the restart")
    expect(feed).to_have_text(["before the restart"])
    expect(page.locator("#post input[name=text]")).to_have_value("")  # the form was reset

    post_with_the_form(page, "   ")
    expect(status).to_have_text("write something first")
    expect(page.locator("#post input[name=text]")).to_have_value("   ")  # kept, to fix
    expect(feed).to_have_text(["before the restart"])
    assert len(posts) == 1  # the blank post never left the page

    assert server.stop() == 0  # SIGTERM: the drain closes the page's WebSocket (1001)
    expect(status).to_contain_text("disconnected; retrying")
    server = serve(PORT=str(server.port))  # same port, same database

    # Posted by someone else, maybe before the page is back: it comes as backlog or live.
    reply = server.request(
        "POST", "/api/messages", b'{"text": "while away"}', {"Content-Type": "application/json"}
    )
    assert reply.status == 201
    expect(feed).to_have_text(["before the restart", "while away"], timeout=RECONNECT_MS)
    expect(status).to_have_text("")  # reconnected: no error left on the page

    post_with_the_form(page, "after the restart")
    expect(feed).to_have_text(["before the restart", "while away", "after the restart"])
    assert len(posts) == 2
