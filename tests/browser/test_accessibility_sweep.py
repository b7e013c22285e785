"""axe-core on every page of the site: each GET route of the access matrix is opened in Chromium
once, by the first kind of visitor allowed to see it, in the matrix's world (one record of each kind).
The `page` fixture's check (tests/browser/conftest.py) fails the test on any WCAG 2.2 A/AA violation.
New routes join the sweep when they get their row in tests/access.py."""

from __future__ import annotations

import pytest
from flask import url_for
from playwright.sync_api import Error as PlaywrightError

from tests.access import ANONYMOUS, ROWS, URL_ARGUMENTS, VISITORS, build_world
from tests.browser.conftest import wait_for_axe
from tests.helpers import session_cookie, sign_in_client


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
    opened = []
    for endpoint in pages_first_seen_by(visitor):
        rule = next(r for r in app.url_map.iter_rules(endpoint=endpoint) if "GET" in r.methods)
        with app.test_request_context():
            url = url_for(endpoint, **{name: URL_ARGUMENTS[name](world) for name in rule.arguments})
        try:
            response = page.goto(url)
        except PlaywrightError as error:
            if "Download is starting" in str(error):
                continue  # a file to save (an export, a CSV), not a page to read
            raise
        assert response.status == 200, (endpoint, url, response.status)
        wait_for_axe(page)
        opened.append(url)
    assert opened
