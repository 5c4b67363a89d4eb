"""Each starter's production server in a real browser: headless Chromium driven by Playwright.

The index and every same-origin page it links to load with no console error, no uncaught
exception and no Content-Security-Policy violation; then each starter's main interaction is done
as a person does it, through labelled fields and named buttons. Each test has a fresh browser
context (cookies, storage). Playwright drives the system Chromium (``apt-get install chromium``),
so ``playwright install`` is not needed.
"""

from __future__ import annotations

import re
import shutil
import uuid
from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    expect,
    sync_playwright,
)

from tests.harness import Server, framework_info
from tests.pages import base_url, same_origin_paths

CHROMIUM = shutil.which("chromium")  # Debian's package, which .ci/run installs
TIMEOUT_MS = 10_000  # a bound on each wait; pages normally answer in well under a second
# Chromium logs most CSP refusals itself; this reports every one, report-only included.
REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI}`);
});
"""


# Module scope: Playwright's sync API keeps an event loop running in this thread while it is
# started, and other modules' tests call asyncio.run(). Items are ordered by framework, so this
# is one browser per framework group, each launched in well under a second.
@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """One headless Chromium for this module's tests."""
    if CHROMIUM is None:
        pytest.skip("no chromium on PATH for the browser tests: apt-get install chromium")
    with sync_playwright() as playwright:  # stopping Playwright closes the browser
        yield playwright.chromium.launch(executable_path=CHROMIUM)


class Visit:
    """A fresh browser context on one server that records what a page complains about."""

    def __init__(self, context: BrowserContext) -> None:
        self.context = context
        self.problems: list[str] = []

    def new_page(self) -> Page:
        page = self.context.new_page()

        def on_console(message: ConsoleMessage) -> None:
            if message.type == "error":
                self.problems.append(f"{page.url}: console error: {message.text}")

        page.on("console", on_console)
        page.on("pageerror", lambda error: self.problems.append(f"{page.url}: {error}"))
        return page


@pytest.fixture
def visit(browser: Browser, production_server: Server, framework: str) -> Iterator[Visit]:
    context = browser.new_context(base_url=base_url(production_server))
    context.set_default_timeout(TIMEOUT_MS)
    context.add_init_script(REPORT_CSP_VIOLATIONS)
    visit = Visit(context)
    yield visit
    context.close()
    assert visit.problems == [], "\n".join(visit.problems)


def test_index_and_linked_pages_load_cleanly(visit: Visit) -> None:
    page = visit.new_page()
    response = page.goto("/")
    assert response is not None and response.status == 200
    hrefs = page.eval_on_selector_all("a[href]", "links => links.map(link => link.href)")
    for path in same_origin_paths(page.url, hrefs):
        response = page.goto(path)
        assert response is not None and response.ok, f"{path}: {response and response.status}"


def greet_with_the_csrf_form(visit: Visit) -> None:
    """Flask: the index's form carries its CSRF token; the greeting shows after the redirect."""
    page = visit.new_page()
    page.goto("/")
    page.get_by_label("Your name").fill("Grüße 🎉")
    page.get_by_role("button", name="Greet me").click()
    expect(page.get_by_text("Hello, Grüße 🎉!")).to_be_visible()
    assert page.url.endswith("/")


def post_in_one_page_see_it_in_another(visit: Visit) -> None:
    """Tornado: a message posted in one tab appears live in another tab's feed."""
    reader, writer = visit.new_page(), visit.new_page()
    reader.goto("/")
    writer.goto("/")
    text = f"Hello from the browser test {uuid.uuid4().hex[:8]}"
    writer.get_by_label("Message").fill(text)
    writer.get_by_role("button", name="Post").click()
    expect(reader.locator("#feed li", has_text=text)).to_have_count(1)
    expect(writer.get_by_label("Message")).to_have_value("")


def create_an_item(visit: Visit) -> None:
    """CherryPy: add an item with the form, see it listed, open its page."""
    page = visit.new_page()
    page.goto("/items/")
    title = f"Buy bread {uuid.uuid4().hex[:8]}"
    page.get_by_label("New item").fill(title)
    page.get_by_role("button", name="Add").click()
    page.get_by_role("link", name=title).click()
    expect(page.get_by_role("heading", name=title)).to_be_visible()


def send_the_contact_form_and_upload(visit: Visit) -> None:
    """Bottle: the contact form is sent; a file is uploaded, listed and downloaded back."""
    page = visit.new_page()
    page.goto("/contact")
    page.get_by_label("Name").fill("Ada Lovelace")
    page.get_by_label("Email").fill("ada@example.com")
    page.get_by_label("Message").fill("Hello from a real browser.")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_text("your message was received")).to_be_visible()

    page.goto("/uploads")
    name, content = f"notes-{uuid.uuid4().hex[:8]}.txt", b"uploaded by the browser test\n"
    page.get_by_label(re.compile(r"^File \(")).set_input_files(
        files=[{"name": name, "mimeType": "text/plain", "buffer": content}]
    )
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_role("status")).to_contain_text(name)
    href = page.get_by_role("link", name=name).get_attribute("href")
    assert href is not None
    assert page.request.get(href).body() == content


def log_in_and_publish_an_article(visit: Visit) -> None:
    """CubicWeb: log in, write an article with cubicweb-web's form, fire the publish transition."""
    page = visit.new_page()
    page.goto("/login")
    page.get_by_label("login").fill("admin")
    password = framework_info("cubicweb")["production_env"]["ADMIN_PASSWORD"]
    page.get_by_label("password").fill(password)
    page.get_by_role("button", name="log in").click()
    page.wait_for_url("/")
    page.goto("/add/Article")
    title = f"Written in a browser {uuid.uuid4().hex[:8]}"
    page.get_by_label("title").fill(title)
    page.get_by_label("body", exact=True).fill("Hello from Chromium.")
    page.get_by_role("button", name="validate").click()
    state = page.get_by_role("link", name="state: draft")
    state.click()  # the workflow menu, with the transitions the user may fire
    page.get_by_role("link", name="publish").click()
    page.get_by_role("button", name="validate").click()
    expect(page.get_by_role("link", name="state: published")).to_be_visible()
    expect(page.get_by_role("heading", name=title)).to_be_visible()


INTERACTIONS: dict[str, Callable[[Visit], None]] = {
    "flask": greet_with_the_csrf_form,
    "tornado": post_in_one_page_see_it_in_another,
    "cherrypy": create_an_item,
    "bottle": send_the_contact_form_and_upload,
    "cubicweb": log_in_and_publish_an_article,
}


def test_main_interaction(visit: Visit, framework: str) -> None:
    INTERACTIONS[framework](visit)


def test_the_checks_see_a_csp_violation_and_an_uncaught_error(browser: Browser) -> None:
    """The watch itself, on a page served by the browser: its CSP refuses an inline script
    and a script throws; both are reported."""
    context = browser.new_context()
    context.add_init_script(REPORT_CSP_VIOLATIONS)
    context.route(
        "http://checks.invalid/",
        lambda route: route.fulfill(
            content_type="text/html",
            headers={"Content-Security-Policy": "script-src 'self'"},
            body="<!doctype html><title>t</title><script>alert(1)</script>",
        ),
    )
    visit = Visit(context)
    page = visit.new_page()
    page.goto("http://checks.invalid/")
    page.evaluate("setTimeout(() => { throw new Error('thrown by the page'); })")
    page.wait_for_timeout(100)
    context.close()
    assert any("CSP violation: script-src" in problem for problem in visit.problems), visit.problems
    assert any("thrown by the page" in problem for problem in visit.problems), visit.problems
