"""Changing and resetting passwords."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from marketplace.accounts.models import UserSession
from marketplace.accounts.passwords import password_problem, verify_password
from marketplace.core import clock
from marketplace.core.models import OutboxMessage
from marketplace.extensions import db
from tests.factories import UserFactory
from tests.helpers import TEST_PASSWORD, location, sign_in_client

LINK = re.compile(r"https://fairchance\.test(/password-reset/[\w-]+)")
NEW_PASSWORD = "violet-harbour-engine-92"


@pytest.mark.parametrize(("password", "problem"), [
    ("short-one", "12 characters or more"),
    ("x" * 129, "128 characters or fewer"),
    ("password1234", "too common"),
    ("aaaaaaaaaaaaaaaa", "too easy to guess"),
    ("qwertyuiopasdf", "too easy to guess"),
])
def test_password_policy_refuses_weak_passwords(password, problem):
    assert problem in password_problem(password)


def test_password_policy_accepts_a_passphrase():
    assert password_problem("violet harbour engine ninety") is None


def test_password_policy_uses_the_users_own_details():
    assert password_problem("dana.whitfield@harbour", user_inputs=("dana.whitfield@harbour",)) is not None


def test_change_password_needs_the_current_one(client, login_as):
    user = login_as("employer")
    response = client.post_form("/account/password", {"current_password": "not-it-at-all", "password": NEW_PASSWORD})
    assert response.status_code == 400
    assert b"Your current password is not correct" in response.data
    db.session.refresh(user)
    assert verify_password(user.password_hash, TEST_PASSWORD)


def test_change_password_applies_the_policy(client, login_as):
    login_as("employer")
    response = client.post_form("/account/password", {"current_password": TEST_PASSWORD, "password": "password1234"})
    assert response.status_code == 400
    assert b"too common" in response.data


def test_reset_link_works_once_and_ends_every_session(app, client):
    user = UserFactory(role="employer")
    other_device = app.test_client()
    sign_in_client(other_device, user)
    response = client.post_form("/password-reset", {"email": user.email.upper()})
    assert response.status_code == 200
    assert b"Check your email" in response.data
    message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.to_address == user.email))
    path = LINK.search(message.body).group(1)
    response = client.post_form(path, {"password": NEW_PASSWORD})
    assert location(response) == "/sign-in"
    db.session.refresh(user)
    assert verify_password(user.password_hash, NEW_PASSWORD)
    open_sessions = db.session.scalar(select(func.count()).select_from(UserSession)
                                      .where(UserSession.user_id == user.id, UserSession.ended_at.is_(None)))
    assert open_sessions == 0
    assert "/sign-in" in location(other_device.get("/home"))
    assert client.get(path).status_code == 404


def test_reset_for_an_unknown_email_looks_the_same_and_sends_nothing(client):
    response = client.post_form("/password-reset", {"email": "nobody@test.example"})
    assert response.status_code == 200
    assert b"Check your email" in response.data
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0


def test_reset_link_expires_after_an_hour(client):
    user = UserFactory(role="employer")
    client.post_form("/password-reset", {"email": user.email})
    message = db.session.scalar(select(OutboxMessage))
    path = LINK.search(message.body).group(1)
    clock.fix(clock.now() + timedelta(minutes=61))
    assert client.get(path).status_code == 404


def test_reset_emails_are_limited_per_account(client):
    user = UserFactory(role="employer")
    for _ in range(5):
        client.post_form("/password-reset", {"email": user.email})
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 3


def _reset_link(client, user) -> str:
    client.post_form("/password-reset", {"email": user.email})
    message = db.session.scalars(select(OutboxMessage).where(OutboxMessage.to_address == user.email)
                                 .order_by(OutboxMessage.id.desc())).first()
    return LINK.search(message.body).group(1)


def test_a_new_reset_link_ends_the_older_ones(client):
    user = UserFactory(role="employer")
    first, second = _reset_link(client, user), _reset_link(client, user)
    assert client.get(first).status_code == 404
    assert client.post_form(first, {"password": NEW_PASSWORD}).status_code == 404
    assert location(client.post_form(second, {"password": NEW_PASSWORD})) == "/sign-in"


def test_a_reset_link_stops_working_when_the_password_is_changed(app, client):
    user = UserFactory(role="employer")
    path = _reset_link(client, user)
    owner = app.test_client()
    sign_in_client(owner, user)
    changed = owner.post_form("/account/password", {"current_password": TEST_PASSWORD, "password": NEW_PASSWORD})
    assert location(changed) == "/account"
    assert client.get(path).status_code == 404
    assert client.post_form(path, {"password": "another-harbour-violet-73"}).status_code == 404
    db.session.refresh(user)
    assert verify_password(user.password_hash, NEW_PASSWORD)


def test_the_owner_ends_a_lockout_by_resetting_their_password(client):
    user = UserFactory(role="employer")
    for _ in range(10):
        client.post_form("/sign-in", {"email": user.email, "password": "wrong-password-entirely"})
    assert client.post_form("/sign-in", {"email": user.email, "password": TEST_PASSWORD}).status_code == 429
    assert location(client.post_form(_reset_link(client, user), {"password": NEW_PASSWORD})) == "/sign-in"
    assert location(client.post_form("/sign-in", {"email": user.email, "password": NEW_PASSWORD})) == "/home"
