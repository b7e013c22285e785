"""What the signed-in person sees of their own record beyond matches and referrals: what is booked for
them (interviews, Corporate Alliance sessions, Community Payback work sessions), their Gatemate
release-day plan, and their own disclosure page.

Everything here is read for one participant, the one the person's live access belongs to: no function
takes an id from the address. Each reads through the owning feature's models or operations, so the
person sees the same facts their case manager sees, said to them, and nothing written for other staff
(mentors' notes, safety arrangements, sign-off reasons, risk flags)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from marketplace.alliance.models import Booking, Offer
from marketplace.core import clock
from marketplace.core.filters import LONDON
from marketplace.disclosure import operations as disclosure
from marketplace.disclosure import rules
from marketplace.disclosure.models import CHECK_PHRASES
from marketplace.extensions import db
from marketplace.gatemate.models import GatemateRequest, ReleaseStatus, Status, window_text
from marketplace.participants.models import Participant
from marketplace.payback import operations as payback
from marketplace.payback.models import PaybackAllocation, PaybackSession
from marketplace.referrals.models import Referral

# Booked -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Booked:
    """One thing booked for the person: `on` is the day (for order and the date filter); `at` is the
    exact time when there is one (an interview), else `times` says the hours in words."""

    kind: str  # "interview", "session" (Corporate Alliance) or "payback"
    what: str
    on: date
    at: datetime | None = None
    times: str = ""
    place: str = ""
    bring: str = ""
    until: date | None = None  # a session over several days ends on this day
    cancelled: bool = False  # a Community Payback session cancelled: still listed, marked so


KIND_WORDS = {"interview": "Interview", "session": "Session", "payback": "Community Payback"}


def booked_for(participant: Participant, today: date | None = None) -> list[Booked]:
    """What is booked for the person from today on, soonest first: interviews booked on their referrals,
    places booked for them on Corporate Alliance offers (not cancelled), and Community Payback work
    sessions they are allocated to and have not yet worked."""
    today = today or clock.today()
    found: list[Booked] = []
    referrals = db.session.scalars(select(Referral).where(
        Referral.participant_id == participant.id, Referral.status == "interview_booked",
        Referral.interview_at.is_not(None)))
    for referral in referrals:
        day = _london_day(referral.interview_at)
        if day >= today:
            found.append(Booked(kind="interview", what=f"{referral.opportunity.title}, {referral.employer.name}",
                                on=day, at=referral.interview_at, place=referral.interview_place,
                                bring=referral.interview_bring))
    bookings = db.session.scalars(
        select(Booking).join(Offer).where(Booking.participant_id == participant.id, Booking.cancelled_at.is_(None),
                                          Offer.cancelled_at.is_(None), Offer.ends_on >= today)
        .options(selectinload(Booking.offer)))
    for booking in bookings:
        offer = booking.offer
        found.append(Booked(kind="session", what=f"{offer.title}, {offer.organisation.name}", on=offer.starts_on,
                            until=offer.ends_on if offer.ends_on != offer.starts_on else None, times=offer.times,
                            place=offer.place_text))
    allocations = db.session.scalars(
        select(PaybackAllocation).join(PaybackSession).where(
            PaybackAllocation.participant_id == participant.id, PaybackAllocation.hours_id.is_(None),
            PaybackSession.day >= today)
        .options(selectinload(PaybackAllocation.session).selectinload(PaybackSession.project)))
    for allocation in allocations:
        session = allocation.session
        project = session.project
        found.append(Booked(kind="payback", what=project.public_title or project.title, on=session.day,
                            times=window_text(session.starts_at, session.ends_at), place=session.place,
                            cancelled=session.is_cancelled))
    # Same day: an interview (with its exact time) first, then sessions, in the order found.
    return sorted(found, key=lambda b: (b.on, b.at is None, b.at.timestamp() if b.at else 0))


def _london_day(moment: datetime) -> date:
    """The day an interview falls on where it happens (stored in UTC; 11:30pm UTC in summer is the next day)."""
    return moment.astimezone(LONDON).date() if moment.tzinfo else moment.date()


# The release-day plan ---------------------------------------------------------------------------------

# Where the meeting at the gate stands, said to the person. A request waiting for a coordinator's
# sign-off reads like one waiting for a mentor, and a refused sign-off like no mentor found: the
# sign-off exists because of risk flags, which are for staff, never for the person.
PLAN_WORDS = {
    Status.SIGNOFF: "Your case manager has asked for a mentor to meet you. A mentor has not been found yet.",
    Status.OPEN: "Your case manager has asked for a mentor to meet you. A mentor has not been found yet.",
    Status.ACCEPTED: "A mentor will meet you at the gate.",
    Status.MET: "A mentor met you at the gate.",
    Status.NOT_MET: "The meeting at the gate did not happen.",
    Status.CANCELLED: "The meeting at the gate is off. Your case manager can tell you why.",
    Status.EXPIRED: "No mentor could be found to meet you. Your case manager will talk to you about the day.",
    Status.DECLINED: "No mentor could be found to meet you. Your case manager will talk to you about the day.",
}
RELEASE_WORDS = {
    ReleaseStatus.EXPECTED: "",
    ReleaseStatus.DELAYED: "Your release has been put back: the day and time here are the latest your case manager "
                           "has.",
    ReleaseStatus.RELEASED: "You have been released.",
    ReleaseStatus.NOT_RELEASED: "You were not released on this day, so the meeting at the gate is off.",
}


@dataclass(frozen=True)
class ReleasePlan:
    release_date: date
    window: str
    prison: str
    destination: str
    status_words: str
    release_words: str
    mentors: list[str] = field(default_factory=list)  # first names only


def first_name(user) -> str:
    """A mentor's first name, the only part of their name the person is given."""
    return (user.full_name or "").split(" ")[0] if user is not None else ""




def release_plan(participant: Participant) -> ReleasePlan | None:
    """The person's release-day plan: the active Gatemate request (else the latest one), with its time,
    place, the mentors' first names and where it stands in plain words. Never the note or the safety
    arrangements (written for mentors), nor who signed it off or why."""
    requests = list(db.session.scalars(select(GatemateRequest).where(GatemateRequest.participant_id == participant.id)
                                       .order_by(GatemateRequest.created_at.desc(), GatemateRequest.id.desc())))
    if not requests:
        return None
    request = next((r for r in requests if r.is_active), requests[0])
    # The mentors in the request's places (both first names when two meet them): once found, and only
    # while the meeting is on or after it happened.
    shown = request.status in (Status.OPEN, Status.ACCEPTED, Status.MET)
    names = [first_name(m) for m in request.mentors] if shown else []
    words = PLAN_WORDS.get(request.status, request.status_label)
    if request.status == Status.OPEN and names:  # one of two mentors found: the second is still wanted
        words = "A mentor has been found. Your case manager is still arranging the rest of the day."
    return ReleasePlan(
        release_date=request.release_date, window=request.window, prison=request.prison,
        destination=request.destination_town, status_words=words,
        release_words=RELEASE_WORDS.get(request.release_status, ""), mentors=[n for n in names if n])


# The disclosure page ----------------------------------------------------------------------------------

LEVELS = list(rules.CheckLevel)  # basic, standard, enhanced


@dataclass(frozen=True)
class DisclosurePage:
    rows: list  # disclosure.operations.Row, oldest first
    letter: object | None
    letter_check: str
    today: date


def disclosure_page(participant: Participant, today: date | None = None) -> DisclosurePage:
    """The person's own convictions judged by the disclosure feature (assess_record: the same dates and
    check results their case manager sees), and their letter if the case manager saved one."""
    today = today or clock.today()
    letter = disclosure.letter_of(participant)
    return DisclosurePage(rows=disclosure.assess_record(participant, today), letter=letter,
                          letter_check=CHECK_PHRASES.get(letter.check_level, "") if letter else "", today=today)


# Community Payback hours -------------------------------------------------------------------------------

def payback_hours(participant: Participant):
    """The person's unpaid work order in numbers (hours ordered, done, ETE used and left) and their
    next allocated work sessions: payback.operations.hours_summary, the figures their case manager and
    supervisor see. None when they have no order."""
    return payback.hours_summary(participant)
