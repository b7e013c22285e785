"""Demo history for the reports: about 18 months of past participants, their needs assessments, the
opportunities they were referred to (since closed or filled) and every step of each referral, walked
through the referral workflow (`referrals.workflow.transition`) with the clock set to the moment of
each step, so the timeline, statuses and dates agree exactly as if people had clicked through them.

Qualifications lean towards the sectors people go into, so the co-clustering has something to find.
Referrals are submitted until six weeks ago; the few still open then are mostly people in work
awaiting their 13- or 26-week check. Guaranteed interviews an employer never answered are withdrawn a
month or so later, so the history leaves almost no overdue guarantee on today's dashboard."""

from __future__ import annotations

import random
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import inspect

from marketplace.core import clock
from marketplace.core.calendar import add_working_days
from marketplace.core.roles import Role
from marketplace.extensions import db
from marketplace.opportunities.models import Opportunity
from marketplace.participants.models import CaseStatus, Location, NeedsAssessment, Participant
from marketplace.reference import PATHWAYS, QUALIFICATION_SUBJECTS, TOWNS_BY_REGION, qualification_words
from marketplace.referrals.models import HOLDS_PLACE, Referral, Status
from marketplace.referrals.workflow import transition

MONTHS = 18
PEOPLE_PER_PROVIDER = (35, 50)
DEMO_PROVIDER_TIMES = 4
SUBJECTS_BY_SECTOR = {
    "Agriculture and horticulture": ["agriculture"],
    "Arts and media": ["arts_media", "digital"],
    "Business and administration": ["business_law", "digital"],
    "Catering and hospitality": ["retail_commercial", "leisure_travel"],
    "Charity and community": ["health_care", "social_sciences"],
    "Cleaning and facilities": ["retail_commercial", "life_work"],
    "Construction": ["construction", "engineering"],
    "Customer service": ["business_law", "retail_commercial"],
    "Driving and transport": ["engineering", "life_work"],
    "Education and training": ["education_training", "social_sciences"],
    "Energy and utilities": ["engineering", "construction"],
    "Engineering and manufacturing": ["engineering", "science_maths"],
    "Health and social care": ["health_care"],
    "IT and digital": ["digital", "science_maths"],
    "Logistics and warehousing": ["retail_commercial", "engineering"],
    "Recycling and waste": ["agriculture", "life_work"],
    "Retail": ["retail_commercial", "business_law"],
    "Security": ["health_care", "life_work"],
    "Sport and leisure": ["leisure_travel", "health_care"],
}
# What people often hold whatever their sector: functional skills, food hygiene, warehousing.
COMMON_SUBJECTS = ["life_work", "retail_commercial"]
TITLES = {"agriculture": "Horticulture", "arts_media": "Creative Media", "business_law": "Business Administration",
          "retail_commercial": "Food Safety and Hygiene", "leisure_travel": "Hospitality", "health_care":
          "Health and Social Care", "social_sciences": "Community Studies", "life_work": "Functional Skills English",
          "construction": "CSCS Health and Safety", "engineering": "Forklift Truck (counterbalance)",
          "education_training": "Award in Education and Training", "science_maths": "Functional Skills Maths",
          "digital": "IT User Skills", "history_philosophy": "Humanities Access", "languages": "ESOL"}
COPIED = [c.key for c in inspect(Opportunity).columns if c.key not in ("id", "external_id", "status", "created_at",
                                                                          "updated_at", "places_taken")]


def seed(context) -> list[str]:
    saved = clock._fixed
    try:
        return _History(context).make()
    finally:
        clock.fix(saved)


class _History:
    def __init__(self, context):
        self.rng, self.fake = context.rng, context.fake
        # The outcomes of courses and volunteering draw from their own stream, so adding them left every
        # other figure of the demo as it was.
        self.outcome_rng = random.Random(repr(context.rng.getstate()[1][:8]))
        self.now = clock.now()
        self.today = self.now.date()
        self.begin = self.today - timedelta(days=round(MONTHS * 30.4))
        self.case_managers = [u for u in context.made["case_managers"] if u.status == "active"]
        opportunities = [o for o in context.made["opportunities"] if o.kind != "session"]
        self.employer_users = {}
        for organisation in context.made["employers"] + context.made["enterprises"]:
            users = [u for u in organisation.users if u.status == "active"
                     and u.role in (Role.EMPLOYER, Role.SOCIAL_ENTERPRISE)]
            if users:
                self.employer_users[organisation.id] = users[0]
        self.templates = [o for o in opportunities if o.organisation_id in self.employer_users]
        self.past: dict[str, list[Opportunity]] = {}
        self.counts = {"participants": 0, "assessments": 0, "referrals": 0, "events": 0, "opportunities": 0}

    def make(self) -> list[str]:
        self._past_opportunities()
        providers: dict[int, list] = {}
        for user in self.case_managers:
            providers.setdefault(user.organisation_id, []).append(user)
        demo_provider = self.case_managers[0].organisation_id if self.case_managers else None
        for organisation_id, managers in providers.items():
            # The demo case manager's organisation has a long history, so its own reports have something to show.
            times = DEMO_PROVIDER_TIMES if organisation_id == demo_provider else 1
            for _ in range(self.rng.randint(*PEOPLE_PER_PROVIDER) * times):
                self._person(managers)
        self._settle_places()
        db.session.flush()
        c = self.counts
        return [f"Report history over {MONTHS} months: {c['participants']} past participants with "
                f"{c['assessments']} needs assessments, {c['opportunities']} past opportunities, "
                f"{c['referrals']} referrals with {c['events']} workflow steps"]

    # Opportunities that ran in the past, copied from each employer's current ones ----------------------------
    def _past_opportunities(self) -> None:
        rng = self.rng
        for template in self.templates:
            if rng.random() < 0.55:
                continue
            for _ in range(rng.randint(1, 2)):
                created = self.begin + timedelta(days=rng.randint(0, (self.today - self.begin).days - 90))
                copy = Opportunity(**{key: getattr(template, key) for key in COPIED})
                copy.status = "closed"  # or filled: settled once the referrals are made
                copy.created_at = copy.updated_at = datetime.combine(created, time(10), tzinfo=UTC)
                copy.closing_date = created + timedelta(days=rng.randint(30, 120))
                copy.start_date = copy.closing_date + timedelta(days=14)
                copy.end_date = None
                copy.rolling = False
                copy.places = max(template.places, 3)
                copy.places_taken = 0
                db.session.add(copy)
                self.past.setdefault(copy.sector, []).append(copy)
                self.counts["opportunities"] += 1
        db.session.flush()
        self.all_past = [o for items in self.past.values() for o in items]

    def _settle_places(self) -> None:
        """A past opportunity ended filled (every place taken) or closed with places left over."""
        for opportunity in self.all_past:
            if opportunity.places_taken and self.rng.random() < 0.5:
                opportunity.status, opportunity.places = "filled", opportunity.places_taken
            else:
                opportunity.status = "closed"
                opportunity.places = opportunity.places_taken + self.rng.randint(1, 3)

    # People -----------------------------------------------------------------------------------------------
    def _person(self, managers) -> None:
        rng, fake = self.rng, self.fake
        manager = rng.choice(managers)
        organisation = manager.organisation
        sector = rng.choice([s for s in SUBJECTS_BY_SECTOR if s in self.past] or list(self.past))
        subjects = []
        for _ in range(rng.choices([0, 1, 2], weights=[2, 6, 2])[0]):
            leaning = SUBJECTS_BY_SECTOR[sector]
            roll = rng.random()
            subjects.append(rng.choice(leaning) if roll < 0.8 else
                            rng.choice(COMMON_SUBJECTS) if roll < 0.95 else rng.choice(list(QUALIFICATION_SUBJECTS)))
        qualifications = [{"subject": s, "level": rng.choice(["1", "2", "2", "3"]), "title": TITLES.get(s, "Award")}
                          for s in dict.fromkeys(subjects)]
        region = organisation.region if rng.random() < 0.8 else rng.choice(list(TOWNS_BY_REGION))
        joined = self.begin + timedelta(days=rng.randint(0, (self.today - self.begin).days - 75))
        released = joined - timedelta(days=rng.randint(0, 120))
        person = Participant(
            organisation_id=organisation.id, case_manager_id=manager.id,
            participant_number=f"H{self.counts['participants']:06d}", first_name=fake.first_name(),
            last_name=fake.last_name(), date_of_birth=self.today - timedelta(days=rng.randint(19 * 365, 60 * 365)),
            location=Location.COMMUNITY, prison=None, release_date=released, release_date_confirmed=True,
            order_end_date=released + timedelta(days=rng.randint(200, 900)), release_region=region,
            release_town=rng.choice(TOWNS_BY_REGION[region]), skills=[], qualifications=qualifications,
            interests=[sector], readiness="ready", status=CaseStatus.ACTIVE,
            created_at=datetime.combine(joined, time(9), tzinfo=UTC), updated_at=self.now)
        db.session.add(person)
        self.counts["participants"] += 1
        last = self._assessments(person, manager, joined)
        for number in range(rng.choices([1, 2, 3], weights=[5, 3, 1])[0]):
            submitted = joined + timedelta(days=rng.randint(7, 40) + 45 * number)
            if submitted > self.today - timedelta(weeks=6):
                break
            pool = self.past.get(sector) if rng.random() < 0.8 else None
            opportunity = rng.choice(pool or self.all_past)
            outcome = self._referral(person, opportunity, manager, submitted)
            if outcome is not None:
                last = max(last, outcome)
            if outcome is not None and outcome.status in HOLDS_PLACE:
                break
        if rng.random() < 0.75 and last is not None and last.status != "open":
            person.status = CaseStatus.CLOSED
            person.closed_at = min(last.at + timedelta(days=rng.randint(7, 60)), self.now)
            person.closed_reason = "sustained_work" if last.status == Status.SUSTAINED_26 else rng.choice(
                ["disengaged", "moved_away", "other"])

    def _assessments(self, person, manager, joined):
        rng = self.rng
        ratings = {p: rng.choices(["red", "amber", "green"], weights=[5, 4, 1])[0] for p in PATHWAYS}
        day = joined
        for _ in range(rng.choices([1, 2, 3, 4], weights=[1, 3, 3, 2])[0]):
            if day > self.today:
                break
            db.session.add(NeedsAssessment(participant=person, assessed_on=day, assessed_by_id=manager.id,
                                           ratings=dict(ratings),
                                           created_at=datetime.combine(day, time(11), tzinfo=UTC)))
            self.counts["assessments"] += 1
            ratings = {p: _progress(rng, r) for p, r in ratings.items()}
            day += timedelta(days=rng.randint(45, 110))
        return _Last("open", datetime.combine(joined, time(9), tzinfo=UTC))

    # One referral, step by step ------------------------------------------------------------------------------
    def _referral(self, person, opportunity, manager, submitted_on):
        rng = self.rng
        employer = self.employer_users[opportunity.organisation_id]
        at = datetime.combine(submitted_on, time(rng.randint(9, 16), rng.randint(0, 59)), tzinfo=UTC)
        referral = Referral(participant=person, opportunity=opportunity,
                            provider_organisation_id=person.organisation_id,
                            employer_organisation_id=opportunity.organisation_id, case_manager_id=manager.id,
                            status=Status.DRAFT, snapshot={"name": f"{person.first_name} {person.last_name}",
                                                           "parts": ["qualifications"],
                                                           # In words, as a real referral's snapshot holds them.
                                                           "qualifications": [qualification_words(q) for q in
                                                                              person.qualifications]},
                            consent_confirmed_at=at, guaranteed=opportunity.kind == "guaranteed_interview",
                            created_at=at, updated_at=at, status_changed_at=at)
        db.session.add(referral)
        self.counts["referrals"] += 1
        state = {"at": at}

        def step(action, actor, days, reason=""):
            moment = state["at"] + timedelta(days=days, hours=rng.randint(0, 6))
            if moment > self.now:
                return False
            clock.fix(moment)
            transition(referral, action, actor, reason_code=reason)
            state["at"] = moment
            self.counts["events"] += 1
            return True

        clock.fix(at)
        transition(referral, "submit", manager)
        self.counts["events"] += 1
        referral.submitted_at = at
        if referral.guaranteed:
            referral.guarantee_due_on = add_working_days(at.date(), 10)
        result = self._walk(referral, step, manager, employer)
        if referral.status in HOLDS_PLACE:
            opportunity.places_taken += 1
        return _Last("open" if referral.is_open else referral.status, state["at"]) if result else None

    def _walk(self, referral, step, manager, employer) -> bool:
        rng = self.rng
        guaranteed = referral.guaranteed
        if guaranteed and rng.random() < 0.05:
            # Never answered: overdue, until the case manager gives up a month or so later (unless that is
            # still to come, which leaves a recent one overdue today).
            step("withdraw", manager, rng.randint(25, 40), "other")
            return True
        if not guaranteed and rng.random() < 0.16:
            return step("decline", employer, rng.randint(2, 12),
                        rng.choices(["essential_criteria", "no_places", "offence_exclusion", "other"],
                                    weights=[5, 3, 2, 1])[0])
        if rng.random() < 0.06:
            return step("withdraw", manager, rng.randint(2, 15), rng.choice(["other_work", "not_interested",
                                                                             "release_changed"]))
        if rng.random() < 0.6 and not step("acknowledge", employer, rng.randint(1, 4)):
            return True
        wait = rng.randint(2, 9) if not guaranteed or rng.random() < 0.85 else rng.randint(15, 25)
        if not step("offer_interview", employer, wait) or not step("book_interview", manager, rng.randint(1, 4)):
            return True
        if rng.random() < 0.1:
            return step("no_show", employer, rng.randint(4, 12))
        if not step("record_interview", employer, rng.randint(4, 12)):
            return True
        referral.interviewed_at = referral.status_changed_at
        if rng.random() < 0.42:
            return step("reject", employer, rng.randint(1, 6), "not_successful")
        if not step("make_offer", employer, rng.randint(1, 6)):
            return True
        if rng.random() < 0.1:
            return step("decline_offer", manager, rng.randint(1, 5))
        if not step("accept_offer", manager, rng.randint(1, 5)):
            return True
        referral.start_date = (referral.status_changed_at + timedelta(days=rng.randint(7, 21))).date()
        if not step("start", manager, (referral.start_date - referral.status_changed_at.date()).days):
            return True
        if not referral.opportunity.is_paid_work:
            # A course, volunteering or an unpaid placement: its own outcomes, no 13- or 26-week job checks.
            return self._course_outcomes(referral, step, manager)
        if rng.random() < 0.25:
            return step("left_job", manager, rng.randint(10, 85), rng.choice(["resigned", "dismissed",
                                                                               "contract_ended", "recalled"]))
        if not step("sustain_13", manager, 91 + rng.randint(0, 10)):
            return True
        if rng.random() < 0.2:
            return step("left_job", manager, rng.randint(5, 80), rng.choice(["resigned", "contract_ended"]))
        step("sustain_26", manager, 91 + rng.randint(0, 10))
        return True

    def _course_outcomes(self, referral, step, manager) -> bool:
        """Most complete; most of those on a course gain its qualification; some move into work (found
        elsewhere: the demo does not link them to a job referral)."""
        rng = self.outcome_rng
        opportunity = referral.opportunity
        if rng.random() < 0.15:
            return step("left_job", manager, rng.randint(5, 40), "other")
        if not step("complete", manager, rng.randint(20, 100)):
            return True
        referral.completed_on = referral.status_changed_at.date()
        if opportunity.kind == "training" and rng.random() < 0.7:
            if not step("gain_qualification", manager, rng.randint(7, 40)):
                return True
            subject = opportunity.qualification_subject or "life_work"
            referral.qualification_title = f"Certificate in {TITLES.get(subject, 'Employability Skills')}"
            referral.qualification_level = opportunity.qualification_level or rng.choice(["1", "2"])
            referral.qualification_on = referral.status_changed_at.date()
        if rng.random() < 0.4 and step("move_into_work", manager, rng.randint(14, 120)):
            referral.moved_into_work_on = referral.status_changed_at.date()
        return True


class _Last:
    """The last thing that happened to a person: a status (or "open") and when."""

    def __init__(self, status: str, at: datetime):
        self.status, self.at = status, at

    def __lt__(self, other):
        return self.at < other.at

    def __gt__(self, other):
        return self.at > other.at


def _progress(rng, rating: str) -> str:
    roll = rng.random()
    if rating == "red":
        return "amber" if roll < 0.5 else "red"
    if rating == "amber":
        return "green" if roll < 0.42 else ("red" if roll > 0.93 else "amber")
    return "amber" if roll > 0.92 else "green"
