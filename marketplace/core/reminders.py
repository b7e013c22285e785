"""Scheduled work: reminders, escalations and status changes that fall due with the calendar.

`flask --app marketplace reminders send` runs every registered job and is safe to run every few
minutes. A job calls `send_once(key, ...)` for each reminder it wants to send; the key (for example
"interview-day:referral-12:2026-12-01") is stored in `reminders_sent` with a unique constraint, so a
reminder is sent once however often, and however many processes at once, the command runs.

Features register jobs with the `@reminder_job` decorator in a module that is imported at start-up
(their operations or views module).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from marketplace.core import clock
from marketplace.core.models import ReminderSent
from marketplace.core.operations import notify
from marketplace.extensions import db

log = logging.getLogger(__name__)

JOBS: list[tuple[str, Callable[[], int]]] = []


def reminder_job(name: str):
    """Register a function that sends what is due now and returns how many it sent."""

    def register(function: Callable[[], int]):
        JOBS.append((name, function))
        return function

    return register


def already_sent(key: str) -> bool:
    return db.session.scalar(select(ReminderSent.id).where(ReminderSent.key == key)) is not None


def send_once(key: str, recipients, text: str, link: str | None = None, *, email_subject: str | None = None,
              email_body: str | None = None) -> bool:
    """Notify each recipient (in the service, and by email when a subject is given) unless a
    reminder with this key was sent before. Returns whether it was sent now."""
    if already_sent(key):
        return False
    savepoint = db.session.begin_nested()
    try:
        db.session.add(ReminderSent(key=key[:200], sent_at=clock.now()))
        db.session.flush()
    except IntegrityError:
        # Another run of the command claimed this reminder a moment ago.
        savepoint.rollback()
        return False
    for user in recipients:
        notify(user, text, link, email_subject=email_subject, email_body=email_body)
    savepoint.commit()
    return True


def run_all() -> dict[str, int]:
    """Run every job, committing after each so one failing job does not hold back the others. Jobs
    build their links with `marketplace.core.links.path_for`, which needs no request."""
    results: dict[str, int] = {}
    for name, job in JOBS:
        try:
            results[name] = job()
            db.session.commit()
        except Exception:
            db.session.rollback()
            log.exception("reminder job %s failed", name)
            results[name] = -1
    return results
