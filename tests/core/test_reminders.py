"""`flask reminders send` never sends the same reminder twice, even when runs overlap."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from marketplace.core import reminders
from marketplace.core.db import write_intent
from marketplace.core.models import Notification, OutboxMessage, ReminderSent
from marketplace.extensions import db
from tests.factories import UserFactory


@pytest.fixture
def job():
    """Register a job for the test, and take it away afterwards."""
    registered = []

    def _register(name, function):
        reminders.JOBS.append((name, function))
        registered.append((name, function))

    yield _register
    for entry in registered:
        reminders.JOBS.remove(entry)


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_reminder_is_sent_once_however_often_the_command_runs(app, job):
    user = UserFactory(role="employer")
    user_id = user.id
    db.session.commit()

    def interview_tomorrow():
        person = db.session.get(type(user), user_id)
        return int(reminders.send_once("interview:1:2026-12-01", [person], "Interview tomorrow", "/home",
                                       email_subject="Interview tomorrow"))

    job("interviews", interview_tomorrow)
    runner = app.test_cli_runner()
    first = runner.invoke(args=["reminders", "send"])
    second = runner.invoke(args=["reminders", "send"])
    assert first.exit_code == 0 and "interviews: 1" in first.output
    assert "interviews: 0" in second.output
    db.session.rollback()
    assert count(Notification) == 1 and count(OutboxMessage) == 1 and count(ReminderSent) == 1


def test_a_failing_job_is_reported_and_the_others_still_run(app, job):
    def broken():
        raise RuntimeError("boom")

    job("broken", broken)
    job("fine", lambda: 3)
    result = app.test_cli_runner().invoke(args=["reminders", "send"])
    assert result.exit_code == 1
    assert "broken: failed" in result.output and "fine: 3" in result.output


@pytest.mark.concurrency
def test_overlapping_runs_send_a_reminder_once(app):
    user_id = UserFactory(role="employer").id
    db.session.commit()
    runs = 8
    barrier = threading.Barrier(runs)

    def run(_):
        with app.app_context():
            write_intent()
            from marketplace.accounts.models import User

            barrier.wait(timeout=10)
            person = db.session.get(User, user_id)
            sent = reminders.send_once("deadline:7", [person], "Deadline today")
            db.session.commit()
            return sent

    with ThreadPoolExecutor(runs) as pool:
        outcomes = list(pool.map(run, range(runs)))
    db.session.rollback()
    assert outcomes.count(True) == 1
    assert count(Notification) == 1
