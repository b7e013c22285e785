"""The security defaults of the foundation, one test per promise."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from marketplace import create_app
from marketplace.accounts.models import Organisation, User, UserSession
from marketplace.config import Config, ConfigurationError
from marketplace.core import clock
from marketplace.core.models import AuditEvent
from marketplace.core.security import safe_next_path
from marketplace.extensions import db
from tests.conftest import CsrfClient, make_config
from tests.factories import UserFactory
from tests.helpers import TEST_PASSWORD, location, session_cookie


def sign_in(client, email, password=TEST_PASSWORD, next_path=None):
    url = "/sign-in" + (f"?next={next_path}" if next_path else "")
    return client.post_form(url, {"email": email, "password": password})


def count(model, *criteria):
    return db.session.scalar(select(func.count()).select_from(model).where(*criteria))


# Cookies ---------------------------------------------------------------------------------------------

def test_session_cookie_is_httponly_secure_and_samesite_lax(client):
    user = UserFactory(role="employer")
    db.session.commit()
    response = sign_in(client, user.email)
    assert response.status_code == 302
    cookie_header = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("fcw_session="))
    assert "HttpOnly" in cookie_header
    assert "Secure" in cookie_header
    assert "SameSite=Lax" in cookie_header


def test_secure_flag_can_be_switched_off_only_by_setting(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.delenv("SESSION_COOKIE_SECURE", raising=False)
    assert Config.from_env().SESSION_COOKIE_SECURE is True
    monkeypatch.setenv("SESSION_COOKIE_SECURE", "0")
    assert Config.from_env().SESSION_COOKIE_SECURE is False


def test_secret_key_is_required_outside_development(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("MARKETPLACE_ENV", raising=False)
    with pytest.raises(ConfigurationError):
        Config.from_env()


# Replaying a cookie -------------------------------------------------------------------------------------

def _replay(app, cookie_value):
    other = app.test_client()
    other.set_cookie(app.config["SESSION_COOKIE_NAME"], cookie_value, domain="localhost")
    return other.get("/home")


def test_cookie_replayed_after_logout_is_refused(app, client):
    user = UserFactory(role="employer")
    db.session.commit()
    sign_in(client, user.email)
    stolen = session_cookie(client, app)
    assert _replay(app, stolen).status_code == 200
    client.post_form("/sign-out")
    replay = _replay(app, stolen)
    assert replay.status_code == 302
    assert "/sign-in" in location(replay)


def test_cookie_replayed_after_account_disabled_is_refused(app, client, login_as):
    user = UserFactory(role="employer")
    db.session.commit()
    sign_in(client, user.email)
    stolen = session_cookie(client, app)
    admin_client = app.test_client()
    from tests.helpers import sign_in_client

    admin = UserFactory(role="admin")
    db.session.commit()
    sign_in_client(admin_client, admin)
    response = admin_client.post_form(f"/admin/users/{user.id}/disable", {"reason": "Left the organisation"})
    assert response.status_code == 302
    assert "/sign-in" in location(_replay(app, stolen))
    assert "/sign-in" in location(client.get("/home"))


def test_password_change_ends_other_copies_of_the_cookie(app, client):
    user = UserFactory(role="employer")
    db.session.commit()
    sign_in(client, user.email)
    stolen = session_cookie(client, app)
    response = client.post_form("/account/password", {"current_password": TEST_PASSWORD,
                                                      "password": "violet-harbour-engine-92"})
    assert response.status_code == 302
    assert "/sign-in" in location(_replay(app, stolen))
    assert client.get("/home").status_code == 200  # this browser got a fresh session


# Timeouts --------------------------------------------------------------------------------------------

def test_idle_session_ends_after_30_minutes(client):
    start = clock.now()
    clock.fix(start)
    user = UserFactory(role="employer")
    db.session.commit()
    sign_in(client, user.email)
    clock.fix(start + timedelta(minutes=29))
    assert client.get("/home").status_code == 200
    clock.fix(start + timedelta(minutes=29 + 31))
    response = client.get("/home")
    assert response.status_code == 302
    assert "reason=idle" in location(response)
    page = client.get(location(response))
    assert b"30 minutes" in page.data


def test_signing_in_again_survives_a_late_request_from_the_ended_session(client, app):
    """Seen in the payback journey: after a long gap, the sign-in form answered 400 (the CSRF error
    page). A request still in flight from the old page (an image, a second tab) reached the server
    with the ended session's cookie; its answer cleared the cookie, CSRF token and all, after the
    sign-in page had handed out a form made with that token."""
    start = clock.now()
    clock.fix(start)
    user = UserFactory(role="employer")
    db.session.commit()
    sign_in(client, user.email)
    assert client.get("/home").status_code == 200  # every page carries the session's CSRF token
    ended_session = session_cookie(client, app)
    clock.fix(start + timedelta(hours=3))
    form_token = client.csrf_token("/sign-in")  # the sign-in page, over the ended session
    client.set_cookie(app.config["SESSION_COOKIE_NAME"], ended_session, domain="localhost")
    assert client.get("/home").status_code == 302  # the late request, answered after the page
    response = client.post("/sign-in", data={"csrf_token": form_token, "email": user.email,
                                             "password": TEST_PASSWORD},
                           headers={"Referer": "https://localhost/"})
    assert response.status_code == 302, response.data.decode()
    assert client.get("/home").status_code == 200


def test_session_ends_after_12_hours_even_when_active(client):
    start = clock.now()
    user = UserFactory(role="employer")
    db.session.commit()
    clock.fix(start)
    sign_in(client, user.email)
    moment = start
    while moment < start + timedelta(hours=11, minutes=50):
        moment += timedelta(minutes=20)
        clock.fix(moment)
        assert client.get("/home").status_code == 200
    clock.fix(start + timedelta(hours=12, minutes=1))
    response = client.get("/home")
    assert "reason=expired" in location(response)


def test_signed_in_pages_carry_the_timeout_warning_settings(client, login_as):
    login_as("employer")
    page = client.get("/home").data
    assert b'data-session-idle-in="1800"' in page
    assert b"data-session-warn-seconds" in page


def test_keep_alive_refreshes_the_idle_timer(client):
    start = clock.now()
    clock.fix(start)
    user = UserFactory(role="employer")
    db.session.commit()
    sign_in(client, user.email)
    clock.fix(start + timedelta(minutes=25))
    token = client.csrf_token("/account")
    response = client.post("/session/keep-alive", headers={"X-CSRFToken": token, "Referer": "https://localhost/"})
    assert response.status_code == 200
    assert response.json["idle_in"] == 1800
    clock.fix(start + timedelta(minutes=50))
    assert client.get("/home").status_code == 200


# Failed logins ---------------------------------------------------------------------------------------

def test_eleventh_failed_login_is_refused_with_a_message_even_with_the_right_password(client):
    user = UserFactory(role="employer")
    db.session.commit()
    for _ in range(10):
        response = sign_in(client, user.email, "wrong-password-entirely")
        assert response.status_code == 400
        assert b"Enter a correct email address and password" in response.data
    response = sign_in(client, user.email)
    assert response.status_code == 429
    assert b"wrong password too many times" in response.data
    assert count(UserSession, UserSession.user_id == user.id) == 0


def test_failed_login_limit_is_shared_between_workers(app, database_url, tmp_path):
    """Two app instances (as two gunicorn workers) count against the same account."""
    user = UserFactory(role="employer")
    db.session.commit()
    second_worker = create_app(make_config(database_url, tmp_path))
    second_worker.test_client_class = CsrfClient
    clients = [app.test_client(), second_worker.test_client()]
    for attempt in range(10):
        sign_in(clients[attempt % 2], user.email, "wrong-password-entirely")
    assert sign_in(clients[0], user.email).status_code == 429
    assert sign_in(clients[1], user.email).status_code == 429


def test_failed_logins_expire_after_five_minutes(client):
    start = clock.now()
    clock.fix(start)
    user = UserFactory(role="employer")
    db.session.commit()
    for _ in range(10):
        sign_in(client, user.email, "wrong-password-entirely")
    assert sign_in(client, user.email).status_code == 429
    clock.fix(start + timedelta(minutes=5, seconds=1))
    assert sign_in(client, user.email).status_code == 302


def test_logins_and_failures_are_audited_without_the_password(client):
    user = UserFactory(role="employer")
    db.session.commit()
    sign_in(client, user.email, "my-secret-attempt-123")
    sign_in(client, user.email)
    actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions == ["login.failed", "login.succeeded"]
    for event in db.session.scalars(select(AuditEvent)):
        assert "my-secret-attempt-123" not in (event.detail or "")
        assert TEST_PASSWORD not in (event.detail or "")
        assert event.request_id


# Redirects --------------------------------------------------------------------------------------------

OPEN_REDIRECTS = [
    "//evil.example", "/\\evil.example", "javascript:alert(1)", "https://evil.example/",
    "http:evil.example", "\\\\evil.example", "///evil.example",
    " //evil.example",
]


@pytest.mark.parametrize("payload", OPEN_REDIRECTS)
def test_next_never_leaves_the_site(client, payload):
    user = UserFactory(role="employer")
    db.session.commit()
    response = sign_in(client, user.email, next_path=payload)
    assert response.status_code == 302
    assert location(response) == "/home"


def test_next_to_a_page_on_this_site_is_followed(client):
    user = UserFactory(role="employer")
    db.session.commit()
    response = sign_in(client, user.email, next_path="/account")
    assert location(response) == "/account"


@pytest.mark.parametrize("payload", [*OPEN_REDIRECTS, "", None, "evil.example", "/\r\nLocation: https://evil.example",
                                     "/\tevil", "/ok\x00"])
def test_safe_next_path_refuses_other_sites(payload):
    assert safe_next_path(payload) is None


# CSRF --------------------------------------------------------------------------------------------------

def test_form_without_csrf_token_is_refused_and_nothing_is_written(client):
    data = {"organisation_name": "Forged Ltd", "kind": "employer", "region": "London",
            "full_name": "Forger", "email": "forger@test.example", "password": "violet-harbour-engine-92",
            "confirm": "y"}
    response = client.post("/register", data=data)
    assert response.status_code == 400
    assert b"We could not accept the form" in response.data
    assert count(Organisation) == 0
    assert count(User) == 0


def test_form_with_a_wrong_csrf_token_is_refused(client, login_as):
    user = login_as("employer")
    response = client.post("/account/password", data={"csrf_token": "forged", "current_password": TEST_PASSWORD,
                                                       "password": "violet-harbour-engine-92"})
    assert response.status_code == 400
    db.session.refresh(user)
    from marketplace.accounts.passwords import verify_password

    assert verify_password(user.password_hash, TEST_PASSWORD)


# Headers ------------------------------------------------------------------------------------------------

def assert_security_headers(response):
    headers = response.headers
    csp = headers["Content-Security-Policy"]
    assert "'nonce-" in csp
    assert "object-src 'none'" in csp
    assert "base-uri 'none'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Strict-Transport-Security"].startswith("max-age=")
    assert headers["X-Request-ID"]


def test_headers_on_an_ordinary_page(client):
    response = client.get("/")
    assert response.status_code == 200
    assert_security_headers(response)
    nonce = response.headers["Content-Security-Policy"].split("'nonce-")[1].split("'")[0]
    assert f'nonce="{nonce}"'.encode() in response.data


def test_headers_on_not_found(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert_security_headers(response)


def test_server_error_page_has_headers_and_no_stack_trace(database_url, tmp_path):
    broken = create_app(make_config(database_url, tmp_path, PROPAGATE_EXCEPTIONS=False))

    @broken.get("/explode")
    def explode():
        raise RuntimeError("secret internal detail")

    response = broken.test_client().get("/explode")
    assert response.status_code == 500
    assert_security_headers(response)
    assert b"secret internal detail" not in response.data
    assert b"Traceback" not in response.data
    assert b"Sorry, there is a problem with the service" in response.data
    assert response.headers["X-Request-ID"].encode() in response.data


def test_no_hsts_over_plain_http(database_url, tmp_path):
    plain = create_app(make_config(database_url, tmp_path, PREFERRED_URL_SCHEME="http"))
    response = plain.test_client().get("/")
    assert "Strict-Transport-Security" not in response.headers


def test_signed_in_pages_are_not_cached(client, login_as):
    login_as("employer")
    assert client.get("/home").headers["Cache-Control"] == "no-store"


def test_oversized_request_is_refused(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 1000)
    response = client.post("/sign-in", data={"email": "x" * 5000, "password": "y"})
    assert response.status_code == 413
    assert b"too large" in response.data


def test_supplied_request_id_is_used_only_when_well_formed(client):
    assert client.get("/", headers={"X-Request-ID": "abc12345-req"}).headers["X-Request-ID"] == "abc12345-req"
    assert client.get("/", headers={"X-Request-ID": "<script>"}).headers["X-Request-ID"] != "<script>"


# Pages every service carries -------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/", "/sign-in", "/register", "/privacy", "/accessibility", "/cookies",
                                  "/password-reset", "/no-such-page"])
def test_every_page_has_a_title_a_skip_link_and_a_main_landmark(client, path):
    page = client.get(path).data
    assert b"<title>" in page and b"Fair Chance Work</title>" in page
    assert b'href="#main-content"' in page
    assert b'id="main-content"' in page


def test_pages_are_not_branded_as_gov_uk(client):
    page = client.get("/").data
    assert b"govuk-header__logotype" not in page
    assert b"govuk-crest" not in page
    assert b"GDS Transport" not in page


def test_nul_character_in_a_form_is_an_error_on_its_field_not_a_server_error(client):
    # PostgreSQL refuses NUL in text; the form must refuse it first, on both databases.
    response = client.post_form("/sign-in", {"email": "\x00", "password": "<script>x()</script>"})
    assert response.status_code == 400  # the form's own answer to invalid input, with its error summary
    page = response.get_data(as_text=True)
    assert "govuk-error-summary" in page
    assert "must not contain control characters" in page


def test_nul_character_in_the_address_is_a_bad_request(client, login_as):
    login_as("case_manager")
    response = client.get("/participants/?region=%00North")
    assert response.status_code == 400
    assert "There is a problem with your request" in response.get_data(as_text=True)
