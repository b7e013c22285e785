"""axe-core and a 320 px screen on every page of the site: each GET route of the access matrix is
opened in Chromium once, by the first kind of visitor allowed to see it, in the matrix's world (one
record of each kind), on a screen 320 px wide. The `page` fixture's check (tests/browser/conftest.py)
fails the test on any WCAG 2.2 A/AA violation; this test fails on any page that scrolls sideways, naming
the elements that stick out. New routes join the sweep when they get their row in tests/access.py."""

from __future__ import annotations

import pytest
from flask import url_for
from playwright.sync_api import Error as PlaywrightError

from tests.access import ANONYMOUS, ROWS, URL_ARGUMENTS, VISITORS, build_world
from tests.browser.conftest import wait_for_axe
from tests.helpers import session_cookie, sign_in_client

# The elements that reach past the right edge of the screen and have no child that does: the culprits.
WIDEST = """() => {
  const page = [document.body, document.documentElement];
  const clipped = e => { for (let a = e.parentElement; a; a = a.parentElement) {
    if (!page.includes(a) && getComputedStyle(a).overflowX !== "visible") return true;
  } return false; };
  const past = e => e.getBoundingClientRect().right > innerWidth + 1 && !clipped(e);
  return [...document.querySelectorAll("body *")].filter(past)
    .filter(e => ![...e.children].some(past)).slice(0, 3).map(e => e.outerHTML.slice(0, 120));
}"""


def pages_first_seen_by(visitor: str) -> list[str]:
    endpoints = []
    for (endpoint, method), expected in sorted(ROWS.items()):
        if method != "GET":
            continue
        first = next((who for who in VISITORS if expected[who] == 200), None)
        if first == visitor:
            endpoints.append(endpoint)
    return endpoints


@pytest.mark.parametrize("visitor", [v for v in VISITORS if pages_first_seen_by(v)])
def test_every_page_passes_axe(app, client, page, live_server, visitor):
    world = build_world()
    if visitor != ANONYMOUS:
        sign_in_client(client, world.users[visitor])
        page.context.add_cookies([{"name": app.config["SESSION_COOKIE_NAME"],
                                   "value": session_cookie(client, app), "url": live_server}])
    page.set_viewport_size({"width": 320, "height": 640})
    opened, wide = [], []
    for endpoint in pages_first_seen_by(visitor):
        rule = next(r for r in app.url_map.iter_rules(endpoint=endpoint) if "GET" in r.methods)
        with app.test_request_context():
            url = url_for(endpoint, **{name: URL_ARGUMENTS[name](world) for name in rule.arguments})
        if endpoint.endswith("photo") or "photos" in rule.rule:
            # An image, not a page: the browser shows it in a viewer of its own, which has no lang or
            # alt text of ours to check (the pages that show the photos are swept with their alt text).
            continue
        try:
            response = page.goto(url)
        except PlaywrightError as error:
            if "Download is starting" in str(error):
                continue  # a file to save (an export, a CSV), not a page to read
            raise
        assert response.status == 200, (endpoint, url, response.status)
        wait_for_axe(page)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 320:
            wide.append(f"{url}: {width}px, widened by {page.evaluate(WIDEST)}")
        opened.append(url)
    assert not wide, "pages wider than a 320 px screen:\n" + "\n".join(wide)
    assert opened
