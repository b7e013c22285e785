"""Races of real threads against the database: on SQLite (shared file, BEGIN IMMEDIATE) and on
PostgreSQL (row locks), with TEST_DATABASE_URL."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from marketplace.accounts import operations
from marketplace.accounts.models import Organisation, OrganisationStatusChange, User
from marketplace.core.db import write_intent
from marketplace.core.models import ThrottleEvent
from marketplace.core.workflow import NotAllowed
from marketplace.extensions import db
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.concurrency


def test_two_admins_approving_at_once_make_one_decision(app):
    organisation = OrganisationFactory(status="pending")
    admins = [UserFactory(role="admin") for _ in range(6)]
    organisation_id, admin_ids = organisation.id, [a.id for a in admins]
    db.session.commit()
    barrier = threading.Barrier(len(admin_ids))

    def approve(admin_id):
        with app.app_context():
            write_intent()
            barrier.wait(timeout=10)
            try:
                operations.approve_organisation(organisation_id, db.session.get(User, admin_id),
                                                operations.ApprovalChecks(register_checked=True, note="Checked"))
                db.session.commit()
                return "approved"
            except NotAllowed:
                db.session.rollback()
                return "refused"

    with ThreadPoolExecutor(len(admin_ids)) as pool:
        outcomes = list(pool.map(approve, admin_ids))
    db.session.rollback()  # end the test's own snapshot and see what the threads committed
    assert sorted(outcomes) == ["approved"] + ["refused"] * (len(admin_ids) - 1)
    changes = db.session.scalar(select(func.count()).select_from(OrganisationStatusChange)
                                .where(OrganisationStatusChange.organisation_id == organisation_id))
    assert changes == 1
    assert db.session.get(Organisation, organisation_id).status == "approved"


def test_concurrent_failed_logins_through_the_app_are_all_counted_without_lock_errors(app):
    email = UserFactory(role="employer").email
    db.session.commit()
    attempts = 16
    barrier = threading.Barrier(attempts)

    def fail_once(_):
        client = app.test_client()
        token = client.csrf_token()
        barrier.wait(timeout=10)
        return client.post("/sign-in", data={"csrf_token": token, "email": email, "password": "wrong-wrong-wrong"},
                           headers={"Referer": "https://localhost/"}).status_code

    with ThreadPoolExecutor(attempts) as pool:
        statuses = list(pool.map(fail_once, range(attempts)))
    db.session.rollback()
    # Every request was answered (no "database is locked"); exactly ten were counted, the rest refused.
    assert sorted(statuses) == [400] * 10 + [429] * (attempts - 10), statuses
    assert db.session.scalar(select(func.count()).select_from(ThrottleEvent)
                             .where(ThrottleEvent.bucket == "login-failure")) == 10
