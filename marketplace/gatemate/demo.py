"""Demo Gatemate data: a profile for every mentor but one (coverage in their organisation's regions,
some DBS checks out of date), and requests in every state: waiting (some close enough to release to
be escalated by `flask reminders send`), accepted, handed back, moved, met, not met, cancelled and
expired. The demo mentor (mentor@fairchance.example) covers the North West, where the demo case
manager's caseload is, and holds requests for yesterday, today and later."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select

from marketplace.accounts.demo import MENTORING_ORGANISATIONS
from marketplace.accounts.models import User
from marketplace.core import clock
from marketplace.core.roles import Role
from marketplace.extensions import db
from marketplace.gatemate.models import (
    CANCEL_REASONS,
    DAY_NEEDS,
    HELP_WITH,
    NOT_MET_REASONS,
    WENT_TO,
    GatemateRequest,
    MentorProfile,
    ReleaseStatus,
    RequestEvent,
    Signoff,
    Status,
)
from marketplace.participants.models import ConsentRecord
from marketplace.reference import PRISONS

DEMO_MENTOR = "mentor@fairchance.example"
DEMO_CASE_MANAGER = "case.manager@fairchance.example"

NOTES = [
    "Will have a clear bag of belongings. Worried about finding the probation office.",
    "Has not used a contactless bank card before and is anxious about the bus.",
    "Wants to go to a recovery meeting on the first evening; please help find one nearby.",
    "A sister may come to the gate too, and knows about the mentor.",
    "Prefers to be called by their middle name, Jo.",
    "",
]
SAFETY = [
    "Meet in the visitors' centre, not at the gate. Two mentors. Phone the probation officer on arrival.",
    "Meet only in public places. The probation officer will be at the gate at release.",
    "Two mentors; travel by public transport only, no lifts.",
]
SIGNOFF_REASONS = [
    "Safety arrangements agreed with the probation officer by phone.",
    "Two of our experienced mentors can go; arrangements agreed with probation.",
]
DECLINE_REASONS = ["None of our mentors is trained for this yet; please ask probation for another plan."]
LANGUAGES = ["Polish", "Urdu and Punjabi", "Romanian", "Welsh", "Somali", "Portuguese"]
HAND_BACK_REASONS = ["My car has broken down and I cannot get to the prison.", "Family emergency, sorry.",
                     "The release moved to a day I work."]
WINDOWS = [(time(7, 30), time(9, 30)), (time(8, 0), time(10, 0)), (time(8, 30), time(11, 0)),
           (time(9, 0), time(12, 0))]


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=UTC)


def seed(context) -> list[str]:
    world = _World(context)
    profiles = world.make_profiles()
    world.make_demo_scenarios()
    world.make_upcoming()
    world.make_past()
    db.session.flush()
    context.made["gatemate_requests"] = world.requests
    counts = {status: sum(1 for r in world.requests if r.status == status) for status in Status}
    expired_checks = sum(1 for p in profiles if not p.dbs_in_date(world.today))
    return [
        f"{len(profiles)} mentor profiles ({expired_checks} with DBS checks out of date)",
        f"{len(world.requests)} Gatemate requests: " + ", ".join(f"{count} {status.value.replace('_', ' ')}"
                                                                for status, count in counts.items()),
    ]


class _World:
    def __init__(self, context):
        self.rng, self.fake = context.rng, context.fake
        self.today, self.now = clock.today(), clock.now()
        organisations = context.made["mentoring"]
        self.regions_of = {org.id: dict(MENTORING_ORGANISATIONS)[org.name] for org in organisations}
        self.mentors = list(db.session.scalars(select(User).where(
            User.role == Role.MENTOR, User.organisation_id.in_([org.id for org in organisations])).order_by(User.id)))
        self.coordinators = {org.id: next((u for u in org.users if u.role == Role.COORDINATOR), None)
                             for org in organisations}
        self.profiles: dict[int, MentorProfile] = {}
        self.held: dict[int, int] = {}
        self.participants = [p for p in context.made["participants"] if not p.is_closed]
        self.used: set[int] = set()
        self.requests: list[GatemateRequest] = []

    # Mentors --------------------------------------------------------------------------------------------------
    def make_profiles(self) -> list[MentorProfile]:
        rng, today = self.rng, self.today
        without_profile = self.mentors[-1]  # one mentor is still waiting for their coordinator
        for mentor in self.mentors:
            if mentor is without_profile:
                continue
            regions = self.regions_of[mentor.organisation_id]
            if mentor.email == DEMO_MENTOR:
                profile = MentorProfile(
                    user_id=mentor.id, regions=["North West"],
                    prisons=sorted(rng.sample([p for p, r in PRISONS.items() if r == "North East"], k=2)),
                    weekdays=[0, 1, 2, 3, 4], dbs_checked_on=today - timedelta(days=400),
                    dbs_expires_on=today - timedelta(days=400) + timedelta(days=3 * 365),
                    help_with=["housing", "benefits", "lived_experience"], capacity=4)
            else:
                whole_region = rng.random() < 0.3
                in_regions = sorted(p for p, r in PRISONS.items() if r in regions)
                checked = today - timedelta(days=rng.randint(1100, 1400) if rng.random() < 0.2
                                            else rng.randint(30, 1000))
                help_with = sorted(rng.sample(list(HELP_WITH), k=rng.randint(1, 3)))
                profile = MentorProfile(
                    user_id=mentor.id, regions=[rng.choice(regions)] if whole_region else [],
                    prisons=[] if whole_region else sorted(rng.sample(in_regions, k=rng.randint(3, 8))),
                    weekdays=sorted(rng.sample(range(7), k=rng.randint(2, 5))), dbs_checked_on=checked,
                    dbs_expires_on=checked + timedelta(days=3 * 365), help_with=help_with,
                    languages=rng.choice(LANGUAGES) if "languages" in help_with else "",
                    capacity=rng.choice([1, 1, 2, 2, 3]))
            profile.updated_at = self.now - timedelta(days=rng.randint(1, 90))
            profile.updated_by_id = getattr(self.coordinators[mentor.organisation_id], "id", None)
            db.session.add(profile)
            self.profiles[mentor.id] = profile
        return list(self.profiles.values())

    def _able_mentors(self, prison: str, release: date, exclude: int | None = None) -> list[User]:
        return [m for m in self.mentors if m.id in self.profiles and m.id != exclude
                and self.profiles[m.id].covers(prison) and self.profiles[m.id].dbs_expires_on >= release
                and m.email != DEMO_MENTOR]

    def _mentor_for(self, prison: str, release: date, exclude: int | None = None) -> User | None:
        able = self._able_mentors(prison, release, exclude)
        return self.rng.choice(able) if able else None

    # Requests ---------------------------------------------------------------------------------------------------
    def _request(self, participant, release: date, prison: str, created: datetime) -> GatemateRequest:
        rng = self.rng
        start, end = rng.choice(WINDOWS)
        needs = sorted(rng.sample(list(DAY_NEEDS), k=rng.randint(2, 4)), key=list(DAY_NEEDS).index)
        priorities = [code for code, chance in (("job", 0.2), ("recovery", 0.25), ("disability", 0.1))
                      if rng.random() < chance]
        if participant.no_fixed_abode:
            priorities.append("nfa")
        consent_given_on = self._consent(participant, created)
        note = rng.choice(NOTES)
        signoff = bool(participant.mappa_level) or participant.rosh_level in ("high", "very_high")
        request = GatemateRequest(
            participant=participant, organisation_id=participant.organisation_id,
            requested_by_id=participant.case_manager_id, prison=prison, release_date=release, window_start=start,
            window_end=end, release_status=ReleaseStatus.EXPECTED,
            destination_town=participant.release_town or self.fake.city(),
            destination_region=participant.release_region, needs=needs, priorities=priorities, note=note,
            safety_arrangements=rng.choice(SAFETY) if signoff else "", consent_given_on=consent_given_on,
            status=Status.SIGNOFF if signoff else Status.OPEN, created_at=created, updated_at=created)
        db.session.add(request)
        self._event(request, "request", participant.case_manager_id, created,
                    note="Needs a coordinator's sign-off before mentors see it." if signoff else "")
        self.used.add(participant.id)
        self.requests.append(request)
        return request

    def _consent(self, participant, created: datetime) -> date:
        """A request is made only with consent to share with mentors, given on or before the day it is
        made: recorded (if not already) then, keeping what they said about employers. Returns its date.
        The participants' demo dates consent at random in the last 4 months, so a consent dated after the
        request is moved back to the request's day (else the page reads "agreed on 6 December" for a
        request made on 15 November)."""
        asked = (created - timedelta(minutes=10)).date()
        current = participant.consent
        if current is not None and current.given_on > asked:
            current.given_on = asked
        if participant.may_share_with_mentors():
            return current.given_on
        at = created - timedelta(minutes=10)
        if current is not None and current.recorded_at is not None and current.recorded_at >= at:
            at = current.recorded_at + timedelta(minutes=1)
        db.session.add(ConsentRecord(participant=participant, employers=bool(current and current.employers),
                                     mentors=True, given_on=asked, recorded_by_id=participant.case_manager_id,
                                     purpose="A Gatemate mentor meeting me at the gate", recorded_at=at))
        return asked

    def _covering_coordinator(self, prison: str) -> User | None:
        for mentor_id, profile in self.profiles.items():
            mentor = next(m for m in self.mentors if m.id == mentor_id)
            if profile.covers(prison) and self.coordinators.get(mentor.organisation_id) is not None:
                return self.coordinators[mentor.organisation_id]
        return None

    def _sign_off(self, request, at: datetime, decline: bool = False) -> bool:
        """A coordinator of a covering organisation decides; False when no organisation covers it."""
        coordinator = self._covering_coordinator(request.prison)
        if coordinator is None or request.status != Status.SIGNOFF:
            return False
        reason = self.rng.choice(DECLINE_REASONS if decline else SIGNOFF_REASONS)
        two = not decline and "Two" in request.safety_arrangements
        db.session.add(Signoff(request=request, coordinator_id=coordinator.id, decision="decline" if decline
                               else "sign_off", reason=reason, two_mentors=two, at=at))
        self._event(request, "decline" if decline else "sign_off", coordinator.id, at,
                    note=reason + (" Two mentors must go." if two else ""),
                    to_status=Status.DECLINED if decline else Status.OPEN)
        request.two_mentors = two
        return True

    def _event(self, request, action, actor_id, at, note="", to_status=None):
        event = RequestEvent(request=request, action=action, from_status=request.status,
                             to_status=to_status or request.status, actor_id=actor_id, at=at, note=note)
        db.session.add(event)
        if to_status:
            request.status = to_status
        request.updated_at = at
        return event

    def _accept(self, request, mentor: User, at: datetime) -> None:
        if self.rng.random() < 0.2 and self.coordinators.get(mentor.organisation_id):
            self._event(request, "assign", self.coordinators[mentor.organisation_id].id, at,
                        note=f"Assigned to {mentor.full_name}", to_status=Status.ACCEPTED)
        else:
            self._event(request, "accept", mentor.id, at, to_status=Status.ACCEPTED)
        request.mentor_id = mentor.id

    def _hand_back(self, request, mentor: User, at: datetime) -> None:
        self._event(request, "hand_back", mentor.id, at,
                    note=f"{mentor.full_name}: {self.rng.choice(HAND_BACK_REASONS)}", to_status=Status.OPEN)
        request.mentor_id = None

    def _created_before(self, release: date, low: int = 5, high: int = 30) -> datetime:
        created = _at(release - timedelta(days=self.rng.randint(low, high)), self.rng.randint(9, 16),
                      self.rng.choice([0, 15, 30, 45]))
        return min(created, self.now - timedelta(hours=2))

    def _custody(self, case_manager_email: str | None = None, region: str | None = None) -> list:
        found = [p for p in self.participants if p.in_custody and p.release_date and p.prison
                 and p.id not in self.used and p.release_date >= self.today + timedelta(days=3)]
        if case_manager_email:
            found = [p for p in found if p.case_manager and p.case_manager.email == case_manager_email]
        if region:
            found = [p for p in found if PRISONS.get(p.prison) == region]
        return sorted(found, key=lambda p: (p.release_date, p.id))

    def make_demo_scenarios(self) -> None:
        """What the demo logins see: the demo case manager's people in the North West, some held by the
        demo mentor."""
        demo_mentor = next((m for m in self.mentors if m.email == DEMO_MENTOR), None)
        people = self._custody(DEMO_CASE_MANAGER, "North West")
        scenarios = ["yesterday", "today", "moved", "two_days", "six_days", "handed_back", "open"]
        for scenario in scenarios:
            if not people:
                break
            person = people[0]
            if scenario == "handed_back":
                # Handed back by another mentor: someone whose prison another mentor covers, if any does.
                person = next((p for p in people if self._able_mentors(p.prison, p.release_date)), person)
            people.remove(person)
            if scenario in ("yesterday", "today", "two_days", "six_days"):
                # Bring the release nearer, so release day and escalation can be seen in the demo.
                person.release_date = self.today + timedelta(days={"yesterday": -1, "today": 0, "two_days": 2,
                                                                   "six_days": 6}[scenario])
            release = person.release_date
            # Made at least 3 days ago, so that what follows (up to 2 days later) has already happened.
            created = min(self._created_before(release, 8, 20), self.now - timedelta(days=3))
            request = self._request(person, release, person.prison, created)
            self._sign_off(request, request.created_at + timedelta(hours=1))
            if scenario in ("yesterday", "today", "moved") and demo_mentor is not None:
                self._accept(request, demo_mentor, request.created_at + timedelta(hours=self.rng.randint(2, 30)))
            if scenario == "today" and request.mentor_id:
                self._event(request, "update_release", person.case_manager_id,
                            min(_at(self.today, 8, 10), self.now - timedelta(minutes=20)),
                            note=f"Status: Delayed. Now expected 11am to 1pm (was {request.window}). Message: "
                                 "The prison says the discharge paperwork is late.")
                request.window_start, request.window_end = time(11, 0), time(13, 0)
                request.release_status = ReleaseStatus.DELAYED
            if scenario == "moved" and request.mentor_id:
                later = release + timedelta(days=2)
                self._event(request, "update_release", person.case_manager_id,
                            request.created_at + timedelta(days=2),
                            note=f"Release moved from {release:%A} {release.day} {release:%B %Y} to "
                                 f"{later:%A} {later.day} {later:%B %Y}.")
                request.release_date = person.release_date = later
            if scenario == "handed_back":
                first = self._mentor_for(request.prison, release)
                if first is not None:
                    self._accept(request, first, request.created_at + timedelta(hours=5))
                    self._hand_back(request, first, request.created_at + timedelta(days=2))

    def make_upcoming(self) -> None:
        """Requests are made in the last weeks before release; the further off, the likelier a mentor."""
        for person in self._custody():
            days = (person.release_date - self.today).days
            if days > 56 or self.rng.random() > 0.55:
                continue
            release = person.release_date
            request = self._request(person, release, person.prison, self._created_before(release, days + 1, days + 21))
            if request.status == Status.SIGNOFF:
                decided = min(request.created_at + timedelta(hours=self.rng.randint(2, 48)),
                              self.now - timedelta(hours=1))
                chance = self.rng.random()
                if chance < 0.3:
                    continue  # still waiting for a coordinator
                if not self._sign_off(request, decided, decline=chance < 0.45) or request.status != Status.OPEN:
                    continue
            if self.rng.random() < (0.65 if days > 14 else 0.45):
                mentor = self._mentor_for(request.prison, release)
                if mentor is not None and self.held.get(mentor.id, 0) < self.profiles[mentor.id].capacity:
                    wait = timedelta(hours=self.rng.randint(1, 72))
                    self._accept(request, mentor, min(request.created_at + wait, self.now - timedelta(minutes=30)))
                    self.held[mentor.id] = self.held.get(mentor.id, 0) + 1
        # Every state is in the demo whatever the draw gave (other features' demo data move it): a
        # coordinator has declined one request, and others still wait for a sign-off.
        waiting = [request for request in self.requests if request.status == Status.SIGNOFF]
        if len(waiting) > 1 and not any(request.status == Status.DECLINED for request in self.requests):
            self._sign_off(waiting[-1], min(waiting[-1].created_at + timedelta(hours=4), self.now - timedelta(hours=1)),
                           decline=True)

    def make_past(self) -> None:
        """Releases of the last year, for the coverage report: people now in the community."""
        rng = self.rng
        past = sorted((p for p in self.participants if not p.in_custody and p.release_date
                       and self.today - timedelta(days=365) <= p.release_date < self.today - timedelta(days=1)),
                      key=lambda p: (p.release_date, p.id))
        prisons_by_region: dict[str, list[str]] = {}
        for prison, region in PRISONS.items():
            prisons_by_region.setdefault(region, []).append(prison)
        for person in past:
            if rng.random() > 0.8:
                continue
            release = person.release_date
            prison = rng.choice(sorted(prisons_by_region[person.release_region]))
            request = self._request(person, release, prison, self._created_before(release, 4, 30))
            self._sign_off(request, request.created_at + timedelta(hours=3))
            fate = rng.choices(["met", "not_met", "expired", "cancelled"], weights=[60, 15, 15, 10])[0]
            mentor = self._mentor_for(prison, release)
            if fate == "cancelled":
                reason = rng.choice([code for code in CANCEL_REASONS if code != "other"])
                self._event(request, "cancel", person.case_manager_id,
                            request.created_at + timedelta(days=rng.randint(1, 3)),
                            note=CANCEL_REASONS[reason], to_status=Status.CANCELLED)
                request.cancel_reason = reason
                continue
            if fate == "expired" or mentor is None:
                self._event(request, "flag_coordinators", None, _at(release - timedelta(days=7), 7),
                            note="Sent to the covering organisations.")
                self._event(request, "flag_case_manager", None, _at(release - timedelta(days=2), 7),
                            note="Sent to the case manager and the coordinators.")
                self._event(request, "expire", None, _at(release + timedelta(days=1), 6), to_status=Status.EXPIRED)
                continue
            days_open = (release - request.created_at.date()).days
            wait = timedelta(hours=rng.randint(1, max(2, days_open * 24 - 30)))
            self._accept(request, mentor, request.created_at + wait)
            if fate == "met":
                needs_met = [code for code in request.needs if rng.random() < 0.8]
                went_to = rng.choices(["planned_address", "approved_premises", "family_friends", "emergency_housing",
                                       "other"], weights=[55, 15, 15, 10, 5])[0]
                hours = rng.randint(2, 8)
                self._event(request, "record_met", mentor.id, _at(release, 17, 30),
                            note=f"{hours} hours. Went to: {WENT_TO[went_to].lower()}.", to_status=Status.MET)
                request.hours_spent, request.needs_met, request.went_to = hours, needs_met, went_to
            else:
                reason = rng.choice(list(NOT_MET_REASONS))
                self._event(request, "record_not_met", mentor.id, _at(release, 13),
                            note=NOT_MET_REASONS[reason] + ".", to_status=Status.NOT_MET)
                request.not_met_reason = reason
            request.outcome_recorded_at = request.updated_at
