"""Release-day messages where mentors are: text messages (and email) through GOV.UK Notify.

With NOTIFY_API_KEY set, the release-day changes and the day-before reminder go to the mentor by
text (to the mobile number on their profile) and by email, both through GOV.UK Notify with its
official Python client. Each message is written as a `TextMessage` row in the same transaction as
the change it tells of and sent after the commit (`deliver`), so a slow or failing Notify never undoes
or holds up the change; unsent rows are tried again by `flask reminders send`.

Without a key nothing changes from the embedded default: emails go to the outbox, and the text
messages that would have been sent are kept, unsent, for admins to read on the Gatemate texts page.

Notify templates (README, Gatemate): one text template whose body is `((message))`, and one email
template with subject `((subject))` and body `((message))`; their ids are NOTIFY_SMS_TEMPLATE_ID
and NOTIFY_EMAIL_TEMPLATE_ID.
"""

from __future__ import annotations

import logging

from flask import current_app
from notifications_python_client.errors import APIError, TokenError
from notifications_python_client.notifications import NotificationsAPIClient
from requests import RequestException
from sqlalchemy import select, update

from marketplace.core import clock
from marketplace.core.operations import notify
from marketplace.extensions import db
from marketplace.gatemate.models import TextMessage, profile_of

log = logging.getLogger(__name__)

TEXT_LIMIT = 459  # three text-message fragments of 153 characters
MAX_ATTEMPTS = 5
SEND_TIMEOUT = 10  # seconds: a person is waiting for the page that sent it


def notify_configured() -> bool:
    config = current_app.config
    return bool(config.get("NOTIFY_API_KEY") and config.get("NOTIFY_SMS_TEMPLATE_ID"))


def send(user, text: str) -> TextMessage | None:
    """Queue a text message to `user`'s mobile (on their mentor profile); None when they have none."""
    profile = profile_of(user)
    if profile is None or not profile.mobile:
        return None
    message = TextMessage(user_id=user.id, channel="sms", to_address=profile.mobile, body=text[:TEXT_LIMIT],
                          created_at=clock.now(), attempts=0)
    db.session.add(message)
    return message


def tell(user, text: str, link: str | None, *, email_subject: str) -> None:
    """A release-day message: in the service, by text, and by email (through Notify when it is
    configured, otherwise through the outbox as every other email)."""
    through_notify = notify_configured() and bool(current_app.config.get("NOTIFY_EMAIL_TEMPLATE_ID"))
    notify(user, text, link, email_subject=None if through_notify else email_subject)
    send(user, text)
    if through_notify:
        body = f"{text}\n\n{current_app.config['PUBLIC_URL']}{link}" if link else text
        db.session.add(TextMessage(user_id=user.id, channel="email", to_address=user.email, subject=email_subject[:200],
                                   body=body, created_at=clock.now(), attempts=0))


def _client() -> NotificationsAPIClient:
    config = current_app.config
    return NotificationsAPIClient(config["NOTIFY_API_KEY"], base_url=config["NOTIFY_BASE_URL"], timeout=SEND_TIMEOUT)


def _claim(message: TextMessage) -> bool:
    """Take one attempt at a message; False when another process took it first (no double texts)."""
    claimed = db.session.execute(update(TextMessage).where(
        TextMessage.id == message.id, TextMessage.sent_at.is_(None), TextMessage.attempts == message.attempts)
        .values(attempts=message.attempts + 1)).rowcount
    db.session.commit()
    return claimed == 1


def deliver(limit: int = 100) -> tuple[int, int]:
    """Send unsent messages through GOV.UK Notify. Returns (sent, failed); (0, 0) without a key."""
    if not notify_configured():
        return 0, 0
    config = current_app.config
    pending = db.session.scalars(select(TextMessage).where(
        TextMessage.sent_at.is_(None), TextMessage.attempts < MAX_ATTEMPTS).order_by(TextMessage.id).limit(limit)).all()
    client = _client()
    sent = failed = 0
    for message in pending:
        if not _claim(message):
            continue
        try:
            if message.channel == "sms":
                answer = client.send_sms_notification(
                    phone_number=message.to_address, template_id=config["NOTIFY_SMS_TEMPLATE_ID"],
                    personalisation={"message": message.body}, reference=f"gatemate-text-{message.id}")
            else:
                answer = client.send_email_notification(
                    email_address=message.to_address, template_id=config["NOTIFY_EMAIL_TEMPLATE_ID"],
                    personalisation={"subject": message.subject, "message": message.body},
                    reference=f"gatemate-text-{message.id}")
        except (APIError, TokenError, RequestException) as error:
            message.last_error = _error_text(error)
            failed += 1
            log.warning("GOV.UK Notify refused gatemate text %s: %s", message.id, message.last_error)
        else:
            message.sent_at, message.notify_id, message.last_error = clock.now(), str(answer.get("id", ""))[:64], None
            sent += 1
        db.session.commit()
    return sent, failed


def _error_text(error: Exception) -> str:
    # Notify's errors name the problem (e.g. "phone_number Not a UK mobile number"), never the key.
    if isinstance(error, APIError):
        return f"{error.status_code}: {error.message}"[:500]
    return type(error).__name__ + (f": {error}" if not isinstance(error, TokenError) else "")[:400]


def deliver_quietly() -> None:
    """Deliver after a commit, from a page: any failure leaves the rows for the next try."""
    try:
        deliver()
    except Exception:  # noqa: BLE001 - the change is committed; the texts wait for `flask reminders send`
        db.session.rollback()
        log.exception("sending gatemate texts failed; they stay queued")
