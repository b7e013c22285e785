"""A participant's convictions and cautions, each with its sentences, and their disclosure letter.

Criminal offence data: only case managers of the participant's own organisation see it (the
participant's `can_view`, without the admin), and every page that shows it is audited. What the law
says about each record is worked out by `rules.assess`, never stored, so it is always as of today."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.core import clock
from marketplace.core.db import UTCDateTime
from marketplace.core.roles import Role
from marketplace.disclosure import rules
from marketplace.extensions import db
from marketplace.reference import OFFENCE_CATEGORIES

KIND_LABELS = {rules.Kind.CONVICTION: "Conviction", rules.Kind.CAUTION: "Caution"}
SENTENCE_LABELS: dict[str, str] = {
    rules.SentenceType.CUSTODY: "Custody (prison or detention)",
    rules.SentenceType.SUSPENDED: "Suspended sentence",
    rules.SentenceType.COMMUNITY_ORDER: "Community order or youth rehabilitation order",
    rules.SentenceType.EXTENDED: "Extended sentence (extended determinate sentence): custodial term and extension",
    rules.SentenceType.LIFE: "Life sentence (imprisonment for life)",
    rules.SentenceType.PUBLIC_PROTECTION: "Imprisonment or detention for public protection (IPP or DPP)",
    rules.SentenceType.CUSTODY_FOR_LIFE: "Custody for life (aged 18 to 20)",
    rules.SentenceType.DETENTION_AT_PLEASURE: "Detention at His Majesty's pleasure, or for life (under 18)",
    rules.SentenceType.PREVENTIVE_DETENTION: "Preventive detention",
    rules.SentenceType.FINE: "Fine",
    rules.SentenceType.CONDITIONAL_DISCHARGE: "Conditional discharge or bind-over",
    rules.SentenceType.ABSOLUTE_DISCHARGE: "Absolute discharge",
    rules.SentenceType.COMPENSATION_ORDER: "Compensation order",
    rules.SentenceType.CONDITIONAL_CAUTION: "Conditional caution",
    rules.SentenceType.ORDER_WITHOUT_END: "Order with no end date (until further order)",
}
# Check levels an employer can state; "none" (no DBS check) protects the same as a basic check: a spent
# conviction need not be disclosed (ROA 1974 s4(2)-(3)).
CHECK_LEVELS: dict[str, str] = {
    "none": "No criminal record check",
    "basic": "Basic DBS check",
    "standard": "Standard DBS check",
    "enhanced": "Enhanced DBS check",
}

# The same, to go inside a sentence ("for a basic DBS check").
CHECK_PHRASES: dict[str, str] = {
    "none": "job with no criminal record check",
    "basic": "basic DBS check",
    "standard": "standard DBS check",
    "enhanced": "enhanced DBS check",
}


def rules_level(check_level: str | None) -> rules.CheckLevel:
    """The rules' check level for an employer's stated one (no check is judged as a basic check)."""
    if check_level in (rules.CheckLevel.STANDARD, rules.CheckLevel.ENHANCED):
        return rules.CheckLevel(check_level)
    return rules.CheckLevel.BASIC


class ConvictionRecord(db.Model):
    """One conviction or caution of a participant (`kind`), dated the day sentence was passed."""

    __tablename__ = "convictions"

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    convicted_on: Mapped[date] = mapped_column(Date)
    offence_category: Mapped[str] = mapped_column(String(40))
    # On the DBS list of specified offences: never filtered from standard and enhanced checks.
    specified: Mapped[bool] = mapped_column(default=False)
    # A Schedule 18 offence (Sentencing Code): custody over 4 years for it is never spent. Not the same list.
    schedule_18: Mapped[bool] = mapped_column(default=False, server_default="0")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    participant = relationship("Participant")
    sentences: Mapped[list[SentenceRecord]] = relationship(
        back_populates="conviction", cascade="all, delete-orphan", order_by="SentenceRecord.position")

    def can_view(self, user) -> bool:
        return can_see_convictions(self.participant, user)

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)

    @property
    def offence_label(self) -> str:
        return OFFENCE_CATEGORIES.get(self.offence_category, self.offence_category)

    def as_rule(self) -> rules.Conviction:
        return rules.Conviction(
            date=self.convicted_on, kind=rules.Kind(self.kind), offence_category=self.offence_category,
            specified=self.specified, schedule_18=self.schedule_18,
            sentences=tuple(rules.Sentence(type=rules.SentenceType(s.type), length_months=s.length_months,
                                           end_date=s.end_date, extension_months=s.extension_months)
                            for s in self.sentences))

    def age_on_conviction(self) -> int:
        return self.participant.age(self.convicted_on)


class SentenceRecord(db.Model):
    """A sentence or disposal given for a conviction (a conditional caution, for a caution)."""

    __tablename__ = "conviction_sentences"

    id: Mapped[int] = mapped_column(primary_key=True)
    conviction_id: Mapped[int] = mapped_column(ForeignKey("convictions.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    type: Mapped[str] = mapped_column(String(30))
    length_months: Mapped[int | None] = mapped_column()
    end_date: Mapped[date | None] = mapped_column(Date)
    extension_months: Mapped[int | None] = mapped_column()

    conviction: Mapped[ConvictionRecord] = relationship(back_populates="sentences")

    @property
    def label(self) -> str:
        if self.type == rules.SentenceType.COMMUNITY_ORDER and self.conviction is not None \
                and self.conviction.participant is not None:
            return "Youth rehabilitation order" if self.conviction.age_on_conviction() < 18 else "Community order"
        if self.type == rules.SentenceType.EXTENDED:
            return "Extended sentence"
        return SENTENCE_LABELS.get(self.type, self.type)

    def describe(self) -> str:
        """In words: "Custody, 18 months", "Community order, until 3 March 2025", "Extended sentence,
        custodial term 72 months, extension period 48 months"."""
        parts = [self.label]
        if self.type == rules.SentenceType.EXTENDED:
            parts += [f"custodial term {_months(self.length_months)}",
                      f"extension period {_months(self.extension_months)}"]
            return ", ".join(parts)
        if self.length_months:
            parts.append(f"{self.length_months} month{'s' if self.length_months != 1 else ''}")
        if self.end_date:
            parts.append(f"ending {self.end_date.day} {self.end_date:%B %Y}")
        return ", ".join(parts)


def _months(count: int | None) -> str:
    return f"{count} month{'s' if count != 1 else ''}" if count else "not recorded"


class DisclosureLetter(db.Model):
    """The participant's disclosure letter, in their own words: one per participant, drafted for a
    check level and then edited. It reaches an employer only when attached to a referral."""

    __tablename__ = "disclosure_letters"

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"), unique=True)
    check_level: Mapped[str] = mapped_column(String(20))
    body: Mapped[str] = mapped_column(Text, default="")
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    participant = relationship("Participant")

    def can_view(self, user) -> bool:
        return can_see_convictions(self.participant, user)


def can_see_convictions(participant, user) -> bool:
    """Case managers of the participant's own organisation, and nobody else."""
    return (participant is not None and user.is_authenticated and user.role == Role.CASE_MANAGER
            and user.organisation_id == participant.organisation_id)
