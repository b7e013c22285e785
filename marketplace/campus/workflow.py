"""A person's message to an employer, checked by their case manager first, as a table.

    drafted ──send_for_check (the person)──▶ awaiting check ──send (case manager)──▶ sent
                                                   └──return_message (case manager)──▶ returned

    drafted ──auto_accept (the person, while their case manager's auto-accept is on)──▶ sent

`sent` and `returned` are ends: nothing leads out of them, so a returned message can never later
reach the employer (the person writes a new one). Only the person who wrote it moves a draft; only a
case manager of the person's organisation checks it (the guard). `auto_accept` is the person's step
too, but only while an auto-accept for them and that employer is on (the rule), and its history row
names that setting.
"""

from __future__ import annotations

from sqlalchemy import select

from marketplace.campus.models import MESSAGE_STATUS_LABELS, CampusAutoAccept, CampusMessageEvent
from marketplace.campus.models import MessageStatus as S
from marketplace.core.roles import Role
from marketplace.core.workflow import NotAllowed, Workflow
from marketplace.extensions import db

PERSON = {Role.PERSON}
CHECKERS = {Role.CASE_MANAGER}


def _guard(message, actor) -> None:
    if actor is None:
        raise NotAllowed("Only the person and their case manager can move a message.")
    if actor.role == Role.PERSON and message.author_id != actor.id:
        raise NotAllowed("This is not your message.")
    if actor.role == Role.CASE_MANAGER and not message.can_check(actor):
        raise NotAllowed("This person is not on your organisation's caseload.")


def open_auto_accept(participant_id: int, employer_organisation_id: int) -> CampusAutoAccept | None:
    """The auto-accept on now for this person and employer organisation, if any."""
    return db.session.scalar(select(CampusAutoAccept).where(
        CampusAutoAccept.participant_id == participant_id,
        CampusAutoAccept.employer_organisation_id == employer_organisation_id,
        CampusAutoAccept.ended_at.is_(None)))


def _rules(message, action, actor) -> None:
    if action == "auto_accept" and open_auto_accept(message.participant_id,
                                                    message.referral.employer_organisation_id) is None:
        raise NotAllowed("Your case manager checks your messages to this employer before they are sent.")


MESSAGES = Workflow(
    "message",
    {
        (S.DRAFTED, "send_for_check"): (S.AWAITING_CHECK, PERSON),
        (S.AWAITING_CHECK, "send"): (S.SENT, CHECKERS),
        (S.AWAITING_CHECK, "return_message"): (S.RETURNED, CHECKERS),
        (S.DRAFTED, "auto_accept"): (S.SENT, PERSON),
    },
    labels=MESSAGE_STATUS_LABELS,
    history=CampusMessageEvent,
    subject="message",
    guard=_guard,
    rules=_rules,
)

# How each step reads in the message's history.
ACTION_LABELS = {
    "draft": "Written",
    "send_for_check": "Sent to the case manager to check",
    "send": "Checked and sent to the employer",
    "return_message": "Returned, not sent",
    "auto_accept": "Sent to the employer without a check (auto-accept)",
}
