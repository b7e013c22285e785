"""Two app instances (two hosts) sharing one database and one Redis: a sign-in made on one works on
the other, the cookie carries only a signed key, and failed sign-ins are counted together."""

from __future__ import annotations

import base64
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import redis
from sqlalchemy import func, select

from marketplace import create_app
from marketplace.core.models import ThrottleEvent
from marketplace.core.redis_sessions import KEY_PREFIX
from marketplace.extensions import db
from tests.conftest import CsrfClient, make_config
from tests.factories import UserFactory
from tests.helpers import TEST_PASSWORD
from tests.payback.records import good_nomination

COOKIE = "fcw_session"


@pytest.fixture
def hosts(database_url, tmp_path, redis_url, app):
    made = []
    for name in ("host-a", "host-b"):
        application = create_app(make_config(database_url, tmp_path / name, REDIS_URL=redis_url))
        application.test_client_class = CsrfClient
        made.append(application)
    return made


def _cookie(client) -> str | None:
    cookie = client.get_cookie(COOKIE, domain="localhost")
    return cookie.value if cookie else None


def _move_cookie(source, target) -> None:
    target.set_cookie(COOKIE, _cookie(source), domain="localhost", secure=True)


def test_a_sign_in_on_one_host_is_good_on_the_other_and_ends_everywhere(hosts, redis_url):
    host_a, host_b = hosts
    user = UserFactory(role="case_manager", full_name="Robin Marsh")
    db.session.commit()
    browser_a, browser_b = host_a.test_client(), host_b.test_client()
    response = browser_a.post_form("/sign-in", {"email": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 302
    cookie = _cookie(browser_a)
    # Only a signed random key travels: no user id, no session token, nothing to decode.
    key = cookie.rsplit(".", 1)[0]
    assert redis.Redis.from_url(redis_url).exists(KEY_PREFIX + key)
    assert b"_user_id" not in base64.urlsafe_b64decode(key + "=" * (-len(key) % 4))
    _move_cookie(browser_a, browser_b)
    assert browser_b.get("/home").status_code == 200
    assert browser_b.post_form("/sign-out").status_code == 302
    assert browser_a.get("/home").status_code == 302  # signed out on host B, so on host A too
    assert not redis.Redis.from_url(redis_url).exists(KEY_PREFIX + key)


def test_a_forged_or_unknown_cookie_is_an_empty_session(hosts):
    host_a, _ = hosts
    browser = host_a.test_client()
    browser.set_cookie(COOKIE, "not-a-key.forged-signature", domain="localhost", secure=True)
    response = browser.get("/home")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_signing_in_replaces_the_session_key(hosts):
    host_a, _ = hosts
    user = UserFactory(role="employer")
    db.session.commit()
    browser = host_a.test_client()
    browser.get("/cookies")  # a session (the CSRF token) before signing in
    before = _cookie(browser)
    assert before
    assert browser.post_form("/sign-in", {"email": user.email, "password": TEST_PASSWORD}).status_code == 302
    assert _cookie(browser) != before


def test_failed_sign_ins_on_both_hosts_are_counted_together_in_redis(hosts):
    host_a, host_b = hosts
    user = UserFactory(role="employer")
    db.session.commit()
    statuses = []
    for attempt in range(12):
        browser = (host_a if attempt % 2 else host_b).test_client()
        statuses.append(browser.post_form("/sign-in", {"email": user.email, "password": "wrong-wrong-wrong"})
                        .status_code)
    assert statuses == [400] * 10 + [429] * 2
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(ThrottleEvent)) == 0  # kept in Redis


def test_nominations_raced_from_both_hosts_stop_at_the_limit_exactly(hosts):
    """12 public nominations from one address at once, half to each host: Redis checks and counts
    each in one step, so exactly 5 (the hourly limit) get through."""
    clients = [hosts[i % 2].test_client() for i in range(12)]
    tokens = [client.csrf_token() for client in clients]
    barrier = threading.Barrier(len(clients))

    def nominate(i):
        data = good_nomination(nominator_email=f"resident{i}@resident.example", csrf_token=tokens[i])
        barrier.wait()
        return clients[i].post_form("/community-payback/nominate", data).status_code

    with ThreadPoolExecutor(max_workers=len(clients)) as pool:
        statuses = list(pool.map(nominate, range(len(clients))))
    assert sorted(statuses) == [302] * 5 + [400] * 7
