"""Admins disable and enable accounts, search users, read the audit log and the outbox."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from marketplace.core import clock
from marketplace.core.models import AuditEvent
from marketplace.extensions import db
from tests.factories import AuditEventFactory, OutboxMessageFactory, UserFactory
from tests.helpers import TEST_PASSWORD


def test_disabled_account_cannot_sign_in_and_can_be_enabled(app, client, login_as):
    login_as("admin")
    target = UserFactory(role="case_manager")
    response = client.post_form(f"/admin/users/{target.id}/disable", {"reason": "Left the probation service"})
    assert response.status_code == 302
    db.session.refresh(target)
    assert target.status == "disabled" and target.disabled_reason == "Left the probation service"
    other = app.test_client()
    refused = other.post_form("/sign-in", {"email": target.email, "password": TEST_PASSWORD})
    assert b"This account has been disabled" in refused.data
    client.post_form(f"/admin/users/{target.id}/enable")
    db.session.refresh(target)
    assert target.status == "active"
    assert other.post_form("/sign-in", {"email": target.email, "password": TEST_PASSWORD}).status_code == 302
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.action.like("user.%"))).all()
    assert actions == ["user.disabled", "user.enabled"]


def test_admin_cannot_disable_themselves(client, login_as):
    admin = login_as("admin")
    response = client.post_form(f"/admin/users/{admin.id}/disable", {"reason": "Oops"})
    assert response.status_code == 400
    assert b"You cannot disable your own account" in response.data


def test_user_search_filters_by_role_and_text(client, login_as):
    login_as("admin")
    UserFactory(role="mentor", full_name="Morgan Achebe")
    UserFactory(role="employer", full_name="Morgan Lee")
    page = client.get("/admin/users?q=morgan&role=mentor")
    assert b"Morgan Achebe" in page.data
    assert b"Morgan Lee" not in page.data


def test_audit_search_by_action_and_date(client, login_as):
    login_as("admin")
    old = clock.now() - timedelta(days=40)
    AuditEventFactory(action="participant.viewed", at=old, subject_type="participants", subject_id="7")
    AuditEventFactory(action="participant.viewed", subject_type="participants", subject_id="8")
    AuditEventFactory(action="login.succeeded")
    today = clock.now()
    page = client.get(f"/admin/audit?action=participant&date_from={today.day}&date_from={today.month}"
                      f"&date_from={today.year}")
    assert page.status_code == 200
    assert b"participants 8" in page.data
    assert b"participants 7" not in page.data
    assert b"login.succeeded" not in page.data


def test_audit_search_reports_bad_dates(client, login_as):
    login_as("admin")
    page = client.get("/admin/audit?date_from=31&date_from=2&date_from=2026")
    assert page.status_code == 400
    assert b"The start date must be a real date" in page.data


def test_outbox_is_readable_by_admins(client, login_as):
    login_as("admin")
    message = OutboxMessageFactory(subject="Reset your password", body="Use https://fairchance.test/x")
    assert b"Reset your password" in client.get("/admin/outbox").data
    page = client.get(f"/admin/outbox/{message.id}")
    assert b'href="https://fairchance.test/x"' in page.data


def test_the_outbox_hides_single_use_links_from_admins(client, login_as):
    """A reset link in the outbox is a key to someone's account: an admin reading the email sees that
    a link was sent, never the link (the log already hides token segments the same way)."""
    from marketplace.accounts import operations as accounts

    login_as("admin")
    owner = UserFactory(role="employer", email="hr@harbour-bakery.example")
    accounts.request_password_reset(owner.email)
    db.session.commit()
    from marketplace.core.models import OutboxMessage

    message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.to_address == owner.email))
    [link] = [word for word in message.body.split() if word.startswith("https://")]
    page = client.get(f"/admin/outbox/{message.id}").get_data(as_text=True)
    assert link.rstrip(".") not in page
    assert "a single-use link, hidden: only the person it was sent to can use it" in page
    plain = OutboxMessageFactory(subject="Referral sent", body="See https://fairchance.test/referrals/12 now.")
    assert 'href="https://fairchance.test/referrals/12"' in client.get(f"/admin/outbox/{plain.id}").get_data(
        as_text=True)


def test_development_mode_shows_the_links_so_a_tester_can_follow_them(app, client, login_as, monkeypatch):
    monkeypatch.setitem(app.config, "OUTBOX_SHOWS_LINK_SECRETS", True)  # what MARKETPLACE_ENV=development sets
    login_as("admin")
    token = "A" * 43
    message = OutboxMessageFactory(subject="Reset your password", body=f"Use https://fairchance.test/reset/{token}")
    assert f"/reset/{token}" in client.get(f"/admin/outbox/{message.id}").get_data(as_text=True)


def test_only_development_shows_link_secrets_by_default(monkeypatch):
    from marketplace.config import Config

    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    for environment, shown in (("production", False), ("development", True)):
        monkeypatch.setenv("MARKETPLACE_ENV", environment)
        assert Config.from_env().OUTBOX_SHOWS_LINK_SECRETS is shown
