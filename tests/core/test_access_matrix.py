"""Walk every route of the app, for every method and every kind of visitor, against tests/access.py."""

from __future__ import annotations

import pytest
from flask import url_for

from tests.access import ANONYMOUS, EXEMPT_ENDPOINTS, LOGIN, ROWS, URL_ARGUMENTS, VISITORS, build_world
from tests.helpers import sign_in_client

IGNORED_METHODS = {"HEAD", "OPTIONS"}


def app_routes(app) -> set[tuple[str, str]]:
    return {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        if rule.endpoint not in EXEMPT_ENDPOINTS
        for method in rule.methods - IGNORED_METHODS
    }


def test_every_route_has_a_row(app):
    missing = sorted(app_routes(app) - set(ROWS))
    assert not missing, f"routes with no row in tests/access.py: {missing}"


def test_every_row_is_a_route(app):
    stale = sorted(set(ROWS) - app_routes(app))
    assert not stale, f"rows in tests/access.py for routes that no longer exist: {stale}"


def _cases():
    for (endpoint, method), expected in sorted(ROWS.items()):
        for visitor in VISITORS:
            yield pytest.param(endpoint, method, visitor, expected[visitor], id=f"{endpoint}-{method}-{visitor}")


@pytest.mark.parametrize(("endpoint", "method", "visitor", "expected"), list(_cases()))
def test_access(app, client, monkeypatch, endpoint, method, visitor, expected):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", False)
    world = build_world()
    if visitor != ANONYMOUS:
        sign_in_client(client, world.users[visitor])
    rule = next(r for r in app.url_map.iter_rules(endpoint=endpoint) if method in r.methods)
    with app.test_request_context():
        url = url_for(endpoint, **{name: URL_ARGUMENTS[name](world) for name in rule.arguments})
    response = client.open(url, method=method, data={})
    if expected == LOGIN:
        assert response.status_code == 302, response.data[:500]
        assert "/sign-in" in response.headers["Location"]
    else:
        assert response.status_code == expected, (url, response.headers.get("Location"), response.data[-800:])
        assert response.status_code < 500 or endpoint == "core.health"
