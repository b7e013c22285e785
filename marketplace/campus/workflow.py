"""A person's message to an employer, checked by their case manager first, as a table.

    drafted ──send_for_check (the person)──▶ awaiting check ──send (case manager)──▶ sent
                                                   └──return_message (case manager)──▶ returned

`sent` and `returned` are ends: nothing leads out of them, so a returned message can never later
reach the employer (the person writes a new one). Only the person who wrote it moves a draft; only a
case manager of the person's organisation checks it (the guard).
"""

from __future__ import annotations

from marketplace.campus.models import MESSAGE_STATUS_LABELS, CampusMessageEvent
from marketplace.campus.models import MessageStatus as S
from marketplace.core.roles import Role
from marketplace.core.workflow import NotAllowed, Workflow

PERSON = {Role.PERSON}
CHECKERS = {Role.CASE_MANAGER}


def _guard(message, actor) -> None:
    if actor is None:
        raise NotAllowed("Only the person and their case manager can move a message.")
    if actor.role == Role.PERSON and message.author_id != actor.id:
        raise NotAllowed("This is not your message.")
    if actor.role == Role.CASE_MANAGER and not message.can_check(actor):
        raise NotAllowed("This person is not on your organisation's caseload.")


MESSAGES = Workflow(
    "message",
    {
        (S.DRAFTED, "send_for_check"): (S.AWAITING_CHECK, PERSON),
        (S.AWAITING_CHECK, "send"): (S.SENT, CHECKERS),
        (S.AWAITING_CHECK, "return_message"): (S.RETURNED, CHECKERS),
    },
    labels=MESSAGE_STATUS_LABELS,
    history=CampusMessageEvent,
    subject="message",
    guard=_guard,
)

# How each step reads in the message's history.
ACTION_LABELS = {
    "draft": "Written",
    "send_for_check": "Sent to the case manager to check",
    "send": "Checked and sent to the employer",
    "return_message": "Returned, not sent",
}
