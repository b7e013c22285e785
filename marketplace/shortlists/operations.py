"""Every write about shortlists, and the list as a case manager reads it.

Saving is held to the same rules as the person's matches: only a case manager of the person's own
organisation, only an opportunity they can see, and only one the person can take today by the hard
filters of search/matching.py (the ones a referral is checked against again). What happens to the
opportunity afterwards (closed, archived, full) does not remove it: the list says so instead."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from marketplace.core import clock
from marketplace.core.exceptions import Refused
from marketplace.core.operations import record_audit
from marketplace.core.roles import Role
from marketplace.extensions import db
from marketplace.participants.operations import ERASURE_HOOKS
from marketplace.search.matching import Offer, Seeker, assess, barriers
from marketplace.shortlists.models import ShortlistEntry

NOT_OPEN = "It is not open for applications."
# Enough to choose from, and few enough that the printed list fits on two sides of A4.
MAX_ENTRIES = 12


def _check_keeper(participant, actor) -> None:
    """Only a case manager who can see the person keeps their shortlist (admins read records, they do
    not do case work)."""
    if actor.role != Role.CASE_MANAGER or not participant.can_view(actor):
        raise Refused("Only a case manager of the person's own organisation can change their shortlist")


def check_can_add(participant, opportunity, actor, today: date | None = None) -> None:
    """Everything that must be true to save this opportunity for this person; writes nothing."""
    _check_keeper(participant, actor)
    if opportunity is None or not opportunity.can_view(actor):
        raise Refused("That opportunity cannot be found")
    if participant.is_closed:
        raise Refused("This person's case is closed, so their shortlist cannot be changed")
    problems = barriers(Seeker.from_participant(participant), Offer.from_opportunity(opportunity),
                        today or clock.today())
    if problems:
        raise Refused(f"{opportunity.title} is not one {participant.first_name} can take: " + " ".join(problems))


def entry_for(participant, opportunity_id: int) -> ShortlistEntry | None:
    return db.session.scalar(select(ShortlistEntry).where(ShortlistEntry.participant_id == participant.id,
                                                          ShortlistEntry.opportunity_id == opportunity_id))


def add(participant, opportunity_id: int, actor) -> ShortlistEntry:
    """Save an opportunity to the person's shortlist. Saving it again (a double click, a second tab,
    two workers at once) keeps the one row already there and writes nothing."""
    from marketplace.opportunities.models import Opportunity

    opportunity = db.session.get(Opportunity, opportunity_id)
    check_can_add(participant, opportunity, actor)
    existing = entry_for(participant, opportunity.id)
    if existing is not None:
        return existing
    if len(shortlisted_ids(participant)) >= MAX_ENTRIES:
        raise Refused(f"{participant.first_name}'s shortlist already holds {MAX_ENTRIES}, as many as print on two "
                      "sides of A4. Remove one first.")
    entry = ShortlistEntry(participant_id=participant.id, opportunity_id=opportunity.id, added_by_id=actor.id,
                           added_at=clock.now())
    try:
        with db.session.begin_nested():
            db.session.add(entry)
            db.session.flush()
    except IntegrityError:  # saved a moment ago by another request: theirs stands
        existing = entry_for(participant, opportunity.id)
        if existing is None:
            raise
        return existing
    record_audit("shortlist.added", participant, actor=actor, detail=f"opportunity {opportunity.id}")
    return entry


def remove(participant, opportunity_id: int, actor) -> bool:
    """Take an opportunity off the person's shortlist; True when it was on it. Allowed on a closed case
    too, so an old list can still be tidied."""
    _check_keeper(participant, actor)
    entry = entry_for(participant, opportunity_id)
    if entry is None:
        return False
    db.session.delete(entry)
    db.session.flush()
    record_audit("shortlist.removed", participant, actor=actor, detail=f"opportunity {opportunity_id}")
    return True


def shortlisted_ids(participant) -> set[int]:
    return set(db.session.scalars(select(ShortlistEntry.opportunity_id)
                                  .where(ShortlistEntry.participant_id == participant.id)))


@dataclass
class Line:
    """One saved opportunity as the list shows it today."""

    entry: ShortlistEntry
    still_open: bool
    reasons: list[str] = field(default_factory=list)  # why it fits, when it still does
    problems: list[str] = field(default_factory=list)  # why it no longer fits, when it is still open

    @property
    def opportunity(self):
        return self.entry.opportunity

    @property
    def printed_reasons(self) -> list[str]:
        """The reasons for the sheet that is handed over: none that quotes the person's own words from
        their record (their goal), which are for the case manager's screen."""
        return [reason for reason in self.reasons if "\u201c" not in reason]


def lines_of(participant, today: date | None = None) -> list[Line]:
    """The person's shortlist in the order it was saved, each opportunity checked again today: open and
    still a fit (with the reasons, as on their matches), open but no longer a fit (with why), or no
    longer open."""
    today = today or clock.today()
    entries = db.session.scalars(
        select(ShortlistEntry).options(selectinload(ShortlistEntry.opportunity))
        .where(ShortlistEntry.participant_id == participant.id)
        .order_by(ShortlistEntry.added_at, ShortlistEntry.id)).all()
    if not entries:
        return []
    seeker = Seeker.from_participant(participant)
    lines = []
    for entry in entries:
        offer = Offer.from_opportunity(entry.opportunity)
        problems = barriers(seeker, offer, today)
        if NOT_OPEN in problems:
            lines.append(Line(entry, still_open=False))
        elif problems:
            lines.append(Line(entry, still_open=True, problems=problems))
        else:
            # No text relevance here (that comes from the search index and only orders the matches):
            # the reasons are the same facts the matches page gives.
            lines.append(Line(entry, still_open=True, reasons=assess(seeker, offer, 0.0, today).reasons))
    return lines


def erase_shortlist_of(participant) -> None:
    db.session.execute(delete(ShortlistEntry).where(ShortlistEntry.participant_id == participant.id))


ERASURE_HOOKS.append(erase_shortlist_of)


def subject_access_section(participant) -> tuple[str, list]:
    """The person's shortlist for a subject access export: each opportunity saved for them, by whom and
    when, and whether it is still open."""
    entries = db.session.scalars(
        select(ShortlistEntry).options(selectinload(ShortlistEntry.opportunity))
        .where(ShortlistEntry.participant_id == participant.id)
        .order_by(ShortlistEntry.added_at, ShortlistEntry.id)).all()
    return "shortlist", [
        {"opportunity": entry.opportunity.title, "organisation": entry.opportunity.organisation.name,
         "reference": f"FCW-{entry.opportunity.id}", "saved_at": entry.added_at.isoformat(),
         "saved_by": entry.added_by.full_name if entry.added_by else None,
         "still_open": entry.opportunity.status == "open"}
        for entry in entries]


def _export() -> None:
    from marketplace.participants.export import EXPORT_SECTIONS

    if subject_access_section not in EXPORT_SECTIONS:
        EXPORT_SECTIONS.append(subject_access_section)


_export()
