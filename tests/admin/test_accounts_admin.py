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
