"""Writes shared by every feature: the audit log, notifications and the mail outbox.

Each adds rows to the current session and leaves the commit to the caller, so the record of an event
is committed, or rolled back, together with the change it describes.
"""

from __future__ import annotations

import smtplib
import ssl
from datetime import timedelta
from email.message import EmailMessage

from flask import current_app, g, has_request_context, request
from flask_login import current_user
from sqlalchemy import delete, select, update

from marketplace.core import clock
from marketplace.core.models import AuditEvent, Notification, OutboxMessage
from marketplace.extensions import db


def record_audit(action: str, subject=None, *, subject_type: str | None = None,
                 subject_id: int | str | None = None, actor=None, detail: str = "") -> AuditEvent:
    """Append one row to the audit log.

    `subject` is any model instance (its table name and id are recorded). `detail` must never hold a
    password or offence details: it is for short, non-sensitive context such as a reason code.
    """
    if subject is not None:
        subject_type = subject_type or subject.__tablename__
        subject_id = subject.id
    if actor is None and has_request_context() and current_user.is_authenticated:
        actor = current_user._get_current_object()
    event = AuditEvent(
        at=clock.now(),
        actor_id=getattr(actor, "id", None),
        actor_email=getattr(actor, "email", None),
        action=action,
        subject_type=subject_type,
        subject_id=str(subject_id) if subject_id is not None else None,
        ip_address=request.remote_addr if has_request_context() else None,
        request_id=g.get("request_id") if has_request_context() else None,
        detail=detail[:500],
    )
    db.session.add(event)
    return event


def notify(user, text: str, link: str | None = None, *, email_subject: str | None = None,
           email_body: str | None = None) -> Notification:
    """Tell `user` something in the service and, when an email subject is given, by email too."""
    note = Notification(user_id=user.id, text=text[:500], link=link, created_at=clock.now())
    db.session.add(note)
    if email_subject:
        body = email_body or text
        if link:
            body = f"{body}\n\n{current_app.config['PUBLIC_URL']}{link}"
        queue_email(user.email, email_subject, body)
    return note


def unread_notification_count(user) -> int:
    return db.session.scalar(
        select(db.func.count()).select_from(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
    ) or 0


def mark_notifications_read(user) -> int:
    result = db.session.execute(
        update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=clock.now())
    )
    return result.rowcount or 0


def queue_email(to_address: str, subject: str, body: str) -> OutboxMessage:
    """Put an email in the outbox; it is sent by `flask mail send` when SMTP is configured."""
    message = OutboxMessage(to_address=to_address, subject=subject[:200], body=body, created_at=clock.now())
    db.session.add(message)
    return message


def deliver_outbox(limit: int = 100) -> tuple[int, int]:
    """Send unsent outbox messages over SMTP. Returns (sent, failed); needs MAIL_SERVER."""
    config = current_app.config
    if not config.get("MAIL_SERVER"):
        raise RuntimeError("MAIL_SERVER is not set: messages stay in the outbox for admins to read")
    pending = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.sent_at.is_(None), OutboxMessage.attempts < 5)
        .order_by(OutboxMessage.id).limit(limit)
    ).all()
    sent = failed = 0
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=30) as smtp:
        if config.get("MAIL_USE_TLS"):
            # Verify the server's certificate and name: the messages carry reset links.
            smtp.starttls(context=ssl.create_default_context())
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
        for message in pending:
            email = EmailMessage()
            email["From"] = config["MAIL_FROM"]
            email["To"] = message.to_address
            email["Subject"] = message.subject
            email.set_content(message.body)
            message.attempts += 1
            try:
                smtp.send_message(email)
            except smtplib.SMTPException as exc:
                message.last_error = str(exc)[:500]
                failed += 1
            else:
                message.sent_at = clock.now()
                sent += 1
            db.session.commit()
    return sent, failed


NOTIFICATION_RETENTION = timedelta(days=365)
OUTBOX_RETENTION = timedelta(days=90)


def prune_messages() -> tuple[int, int]:
    """Delete notifications older than a year and emails older than 90 days. Returns (notifications,
    emails) deleted."""
    now = clock.now()
    notifications = db.session.execute(
        delete(Notification).where(Notification.created_at < now - NOTIFICATION_RETENTION))
    emails = db.session.execute(delete(OutboxMessage).where(OutboxMessage.created_at < now - OUTBOX_RETENTION))
    return notifications.rowcount or 0, emails.rowcount or 0
