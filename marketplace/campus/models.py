"""The Virtual Campus: a person's own way in (their access), their CV, and the messages they write to
employers, which their case manager checks before the employer sees them.

A person who signs in is a `User` with the role `person`, belonging to no organisation; the only
thing that ties them to anything is their `CampusAccess` row, which names their participant record.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.core import clock
from marketplace.core.db import UTCDateTime
from marketplace.core.roles import Role
from marketplace.core.workflow import WorkflowHistory
from marketplace.extensions import db

END_REASONS = {
    "ended_by_case_manager": "Access ended by the case manager",
    "consent_withdrawn": "The person withdrew their consent",
    "replaced": "A new access slip was printed",
    "case_closed": "The case was closed",
}
# Reasons the service records itself; a case manager never picks them on the "end access" form.
AUTOMATIC_END_REASONS = ("replaced", "case_closed")


# Whether the person may write to employers: a case manager turns messages off for someone managed
# under MAPPA or with a no-contact condition. Stored as "" when allowed.
MESSAGE_SETTINGS = {
    "allowed": "Yes, they can write to employers (you check every message)",
    "mappa": "No: they are managed under MAPPA",
    "no_contact": "No: a licence or order condition limits their contact",
    "other": "No: another reason",
}


# How the person signs in, chosen by the case manager when printing the slip: a passphrase on their own
# device (or an in-cell laptop, or after release), or a 6-digit PIN where a prison's shared kiosk is the
# device (a keypad, no keyboard). A PIN has its own lockout (operations.sign_in_with_pin).
SIGN_IN_METHODS = {
    "passphrase": "A passphrase: they will use their own device, an in-cell laptop, or sign in after release",
    "kiosk_pin": "A 6-digit PIN: they will use a prison kiosk",
}


class CampusAccess(db.Model):
    """One grant of Virtual Campus access to one participant: a one-time code printed on a slip (only
    its hash is kept), which the person uses once to set a passphrase and become a signed-in user."""

    __tablename__ = "campus_accesses"

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    code_expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    consent_confirmed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    activated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_reason: Mapped[str] = mapped_column(String(40), default="")
    ended_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    messages_stopped: Mapped[str] = mapped_column(String(30), default="", server_default="")
    sign_in_method: Mapped[str] = mapped_column(String(20), default="passphrase", server_default="passphrase")
    # The kiosk PIN, hashed like a passphrase; empty until the person sets it with the slip's code.
    pin_hash: Mapped[str] = mapped_column(String(255), default="", server_default="")

    participant = relationship("Participant")
    user = relationship("User", foreign_keys=[user_id])
    created_by = relationship("User", foreign_keys=[created_by_id])
    ended_by = relationship("User", foreign_keys=[ended_by_id])

    @property
    def uses_kiosk_pin(self) -> bool:
        return self.sign_in_method == "kiosk_pin"

    @property
    def is_ended(self) -> bool:
        return self.ended_at is not None or self.participant.is_closed

    @property
    def code_usable(self) -> bool:
        """The slip's code still works: not used, not ended, not past its 14 days."""
        return self.activated_at is None and not self.is_ended and self.code_expires_at > clock.now()

    @property
    def is_live(self) -> bool:
        """The person can sign in with it."""
        return self.activated_at is not None and self.user_id is not None and not self.is_ended

    @property
    def state_label(self) -> str:
        if self.participant.is_closed and self.ended_at is None:
            return "Ended: the case is closed"
        if self.ended_at is not None:
            return "Ended: " + END_REASONS.get(self.ended_reason, self.ended_reason).lower()
        if self.is_live:
            return "In use"
        if self.code_usable:
            return "Slip printed, not used yet"
        return "Slip expired unused"

    def can_manage(self, user) -> bool:
        """Case managers of the participant's organisation grant and end access."""
        return (user.is_authenticated and user.role == Role.CASE_MANAGER
                and user.organisation_id == self.participant.organisation_id)


class CampusInterest(db.Model):
    """The person said "I'm interested" in an opportunity matched to them: it shows on their case
    manager's view of their record, who decides whether to refer them."""

    __tablename__ = "campus_interests"
    __table_args__ = (UniqueConstraint("participant_id", "opportunity_id",
                                       name="uq_campus_interests_participant_opportunity"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"), index=True)
    opportunity_id: Mapped[int] = mapped_column(ForeignKey("opportunities.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    participant = relationship("Participant")
    opportunity = relationship("Opportunity")


class CampusCV(db.Model):
    """The person's own words for their CV. The rest of the CV (skills, qualifications, what they have
    done here) is read from their record each time, so it is never out of date."""

    __tablename__ = "campus_cvs"

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"), unique=True)
    statement: Mapped[str] = mapped_column(Text, default="")
    experience: Mapped[str] = mapped_column(Text, default="")
    training: Mapped[str] = mapped_column(Text, default="")
    interests: Mapped[str] = mapped_column(Text, default="")
    contact: Mapped[str] = mapped_column(String(300), default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    participant = relationship("Participant")


class MessageStatus(StrEnum):
    DRAFTED = "drafted"
    AWAITING_CHECK = "awaiting_check"
    SENT = "sent"
    RETURNED = "returned"


# What the person reads: plain words for where their message is.
MESSAGE_STATUS_LABELS = {
    MessageStatus.DRAFTED: "Draft: not sent yet",
    MessageStatus.AWAITING_CHECK: "Waiting for your case manager to check it",
    MessageStatus.SENT: "Checked and sent to the employer",
    MessageStatus.RETURNED: "Not sent: returned to you",
}

# What the case manager reads on the check pages: the same states from the checker's side
# ("your case manager" would be the person's words, not theirs).
MESSAGE_STATUS_STAFF_LABELS = {
    MessageStatus.DRAFTED: "Draft: not sent for checking yet",
    MessageStatus.AWAITING_CHECK: "Waiting for you to check it",
    MessageStatus.SENT: "Checked and sent to the employer",
    MessageStatus.RETURNED: "Returned to the person: not sent",
}

# A message sent by auto-accept was not checked one by one: neither side is told it was.
AUTO_ACCEPTED_LABEL = "Sent to the employer"
AUTO_ACCEPTED_STAFF_LABEL = "Sent to the employer without a check (auto-accept)"

# Why a case manager returns a message, in words the person reads.
RETURN_REASONS = {
    "offence_detail": "It shares details of an offence that the law does not ask you to share",
    "contact_details": "It gives contact details, which should wait until the employer asks",
    "unsafe": "Something in it could put you or someone else at risk",
    "not_about_work": "It is not about the job or course",
    "other": "Another reason (your case manager explains below)",
}


class CampusMessage(db.Model):
    """A message from the person to the employer on one of their referrals. It reaches the employer
    only after their case manager has checked it (campus/workflow.py); a returned message never does."""

    __tablename__ = "campus_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"), index=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referrals.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(30), default=MessageStatus.DRAFTED, index=True)
    return_reason: Mapped[str] = mapped_column(String(30), default="")
    return_note: Mapped[str] = mapped_column(String(1000), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    participant = relationship("Participant")
    referral = relationship("Referral")
    author = relationship("User")
    history: Mapped[list[CampusMessageEvent]] = relationship(
        back_populates="message", cascade="all, delete-orphan",
        order_by="(CampusMessageEvent.at, CampusMessageEvent.id)")

    @property
    def auto_accepted(self) -> bool:
        return any(step.action == "auto_accept" for step in self.history)

    @property
    def label(self) -> str:
        if self.auto_accepted:
            return AUTO_ACCEPTED_LABEL
        return MESSAGE_STATUS_LABELS.get(MessageStatus(self.status), self.status)

    @property
    def staff_label(self) -> str:
        if self.auto_accepted:
            return AUTO_ACCEPTED_STAFF_LABEL
        return MESSAGE_STATUS_STAFF_LABELS.get(MessageStatus(self.status), self.status)

    @property
    def return_reason_label(self) -> str:
        return RETURN_REASONS.get(self.return_reason, "")

    def can_view(self, user) -> bool:
        return self.can_check(user)

    def can_check(self, user) -> bool:
        """Case managers of the person's organisation check their messages."""
        return (user.is_authenticated and user.role == Role.CASE_MANAGER
                and user.organisation_id == self.participant.organisation_id)


class CampusMessageEvent(WorkflowHistory, db.Model):
    """One step of a checked message: drafted, sent for checking, sent on, or returned, by whom, when."""

    __tablename__ = "campus_message_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("campus_messages.id", ondelete="CASCADE"), index=True)
    reason_code: Mapped[str] = mapped_column(String(30), default="")
    note: Mapped[str] = mapped_column(String(1000), default="")
    # A message sent on by auto-accept names the setting that sent it (who set it, when and why).
    auto_accept_id: Mapped[int | None] = mapped_column(ForeignKey("campus_auto_accepts.id", ondelete="SET NULL"))

    message: Mapped[CampusMessage] = relationship(back_populates="history")
    auto_accept: Mapped[CampusAutoAccept | None] = relationship()


# Why an auto-accept ended, in the case manager's words on the person's access page.
AUTO_ACCEPT_END_REASONS = {
    "turned_off": "Turned off",
    "access_ended": "Ended with their Virtual Campus access",
    "consent_withdrawn": "Ended: they withdrew their consent",
    "messages_stopped": "Ended: messages to employers were turned off",
}


class CampusAutoAccept(db.Model):
    """A case manager lets one person's messages to one employer organisation go straight to the employer,
    after at least one of their messages to that employer was checked and sent.

    Each row is one period, from being turned on to being turned off, so the rows in order are the
    history of who set it, when and why. At most one period per person and employer is open (ended_at
    empty): a partial unique index holds that in the database too, whatever two case managers do at once."""

    __tablename__ = "campus_auto_accepts"
    __table_args__ = (
        Index("uq_campus_auto_accepts_one_open", "participant_id", "employer_organisation_id", unique=True,
              sqlite_where=text("ended_at IS NULL"), postgresql_where=text("ended_at IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"), index=True)
    employer_organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"),
                                                          index=True)
    set_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    set_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    set_reason: Mapped[str] = mapped_column(String(1000))
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    ended_cause: Mapped[str] = mapped_column(String(30), default="")
    ended_reason: Mapped[str] = mapped_column(String(1000), default="")

    participant = relationship("Participant")
    employer = relationship("Organisation")
    set_by = relationship("User", foreign_keys=[set_by_id])
    ended_by = relationship("User", foreign_keys=[ended_by_id])

    @property
    def is_on(self) -> bool:
        return self.ended_at is None

    @property
    def ended_label(self) -> str:
        return AUTO_ACCEPT_END_REASONS.get(self.ended_cause, self.ended_cause)
