"""Demo referrals: the demo case manager's people referred to the demo employer and social
enterprise, one or more in every state of the workflow (with the ends, the 13- and 26-week
checks, an overdue guarantee, an interview tomorrow, a release-day prompt and messages), and a few
guaranteed interviews at other employers for the admin's record of keeping guarantees.

Each referral walks its path through the workflow table, so its timeline is one the service could
have written; times are spread over the past weeks and never in the future."""

from __future__ import annotations

from collections import deque
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal

from marketplace.accounts.models import User, UserStatus
from marketplace.core import clock
from marketplace.core.calendar import add_working_days
from marketplace.core.filters import govuk_date
from marketplace.core.roles import EMPLOYING_ROLES, Role
from marketplace.extensions import db
from marketplace.reference import QUALIFICATION_SUBJECTS, minimum_wage_on
from marketplace.referrals import uploads
from marketplace.referrals.models import (
    HOLDS_PLACE,
    Referral,
    ReferralDocument,
    ReferralEvent,
    ReferralMessage,
    Status,
)
from marketplace.referrals.operations import GUARANTEE_WORKING_DAYS, Sharing, _snapshot, describe_offer
from marketplace.referrals.workflow import TRANSITIONS
from marketplace.search.matching import Offer, Seeker, barriers

S = Status
# The way each end is reached, where the shortest path would be too dull to show.
VIA = {
    S.DECLINED: ["submit", "acknowledge", "decline"],
    S.WITHDRAWN: ["submit", "acknowledge", "offer_interview", "withdraw"],
    S.UNSUCCESSFUL: ["submit", "offer_interview", "book_interview", "record_interview", "reject"],
    S.NO_SHOW: ["submit", "acknowledge", "offer_interview", "book_interview", "no_show"],
    S.LEFT_JOB: ["submit", "offer_interview", "book_interview", "record_interview", "make_offer", "accept_offer",
                 "start", "sustain_13", "left_job"],
}
REASONS = {"decline": "essential_criteria", "withdraw": "other_work", "left_job": "resigned"}
NOTES = {
    "decline": "The role needs a full driving licence, which was not in the referral.",
    "withdraw": "Found full-time work with a previous employer.",
    "left_job": "Moved to a job closer to home.",
    "reject": "A strong interview; another candidate had more experience.",
    "make_offer": "Full time, starting on a Monday; induction in the first week.",
    "no_show": "",
}
# (state, start of work in weeks ago, what to add): the demo organisations' referrals.
PLAN = [
    (S.DRAFT, None, {}),
    (S.SUBMITTED, None, {"guarantee": "overdue", "messages": True}),
    (S.SUBMITTED, None, {"guarantee": "in_time"}),
    (S.SUBMITTED, None, {"employer": "enterprise"}),
    (S.ACKNOWLEDGED, None, {"messages": True}),
    (S.INTERVIEW_OFFERED, None, {"interview_in_days": 4}),
    (S.INTERVIEW_BOOKED, None, {"interview_in_days": 1, "near_release": True, "messages": True, "cv": True}),
    (S.INTERVIEW_BOOKED, None, {"interview_in_days": 6, "employer": "enterprise"}),
    (S.INTERVIEWED, None, {}),
    (S.OFFER_MADE, None, {"messages": True}),
    (S.OFFER_ACCEPTED, None, {}),
    (S.START_AGREED, -2, {}),               # starts in two weeks
    (S.STARTED, 3, {}),
    (S.STARTED, 14, {}),                    # the 13-week check is due
    (S.SUSTAINED_13, 18, {"employer": "enterprise"}),
    (S.SUSTAINED_13, 27, {}),               # the 26-week check is due
    (S.SUSTAINED_26, 30, {"messages": True}),
    (S.DECLINED, None, {}),
    (S.WITHDRAWN, None, {}),
    (S.UNSUCCESSFUL, None, {"employer": "enterprise"}),
    (S.OFFER_DECLINED, None, {}),
    (S.NO_SHOW, None, {}),
    (S.LEFT_JOB, 17, {}),
    # A course, volunteering or an unpaid placement: its own outcomes after the start.
    (S.STARTED, 2, {"not_paid": True}),
    (S.COMPLETED, 8, {"not_paid": True}),
    (S.QUALIFICATION_GAINED, 10, {"not_paid": True}),
    (S.MOVED_INTO_WORK, 16, {"not_paid": True}),
]
# After the start, how long each outcome of a course took.
OUTCOME_WEEKS = {"complete": 4, "gain_qualification": 5, "move_into_work": 9}
THREAD = [
    ("provider", "Thanks for looking at this. They are keen and can start at short notice."),
    ("employer", "Thanks. Could they do early shifts, starting at 7am?"),
    ("provider", "Yes, early shifts are fine: the bus from town gets in at 6:40."),
]
MINIMAL_PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
               b"trailer<</Root 1 0 R>>\n%%EOF\n")


def _path_to(target: Status) -> list[str]:
    """The actions from draft to `target`: the chosen way for some ends, else the shortest."""
    if target in VIA:
        return VIA[target]
    queue, seen = deque([(S.DRAFT, [])]), {S.DRAFT}
    while queue:
        state, path = queue.popleft()
        if state == target:
            return path
        for (source, action), (to, _roles) in TRANSITIONS.items():
            if source == state and to not in seen and action != "withdraw":
                seen.add(to)
                queue.append((to, [*path, action]))
    raise ValueError(f"no path to {target}")


class _Maker:
    def __init__(self, context):
        self.rng = context.rng
        self.today, self.now = clock.today(), clock.now()
        self.made: list[Referral] = []
        self.pairs: set[tuple[int, int]] = set()

    def staff(self, organisation) -> User | None:
        users = [u for u in organisation.users if u.status == UserStatus.ACTIVE and u.role in EMPLOYING_ROLES]
        named = [u for u in users if u.email.endswith("@fairchance.example")]
        return (named or sorted(users, key=lambda u: u.id) or [None])[0]

    def choose(self, people, opportunities, *, community: bool = False, near_release: bool = False):
        """A person and an opportunity, preferring pairs the hard filters allow and people not yet used."""
        def fits(person) -> bool:
            if near_release:
                return bool(person.in_custody and person.release_date
                            and self.today + timedelta(days=2) <= person.release_date <= self.today
                            + timedelta(days=14))
            return not person.in_custody if community else True

        candidates = [p for p in people if fits(p)] or list(people)
        used = {person_id for person_id, _ in self.pairs}
        best = None
        for person in sorted(candidates, key=lambda p: p.id in used):  # stable: the demo manager's first
            for opportunity in opportunities:
                if (person.id, opportunity.id) in self.pairs:
                    continue
                score = (person.id in used,
                         len(barriers(Seeker.from_participant(person), Offer.from_opportunity(opportunity),
                                      self.today)))
                if best is None or score < best[0]:
                    best = (score, person, opportunity)
                if score == (False, 0):
                    break
            if best is not None and best[0] == (False, 0):
                break
        if best is None:
            return None, None
        self.pairs.add((best[1].id, best[2].id))
        return best[1], best[2]

    def make(self, person, opportunity, target: Status, start_weeks: int | None, extra: dict) -> Referral:
        rng = self.rng
        case_manager = person.case_manager
        employer_user = self.staff(opportunity.organisation)
        path = _path_to(target)
        start_date = self.today - timedelta(weeks=start_weeks) if start_weeks is not None else None
        if start_date is not None:
            begin = datetime.combine(start_date - timedelta(days=30), time(9, 30), UTC)
        elif extra.get("guarantee") == "overdue":
            begin = self.now - timedelta(days=19)
        else:
            begin = self.now - timedelta(days=3 * len(path) + rng.randint(1, 5), hours=rng.randint(1, 6))
        parts = ["skills", "qualifications", "readiness", "profile"] + (["disclosure"] if rng.random() < 0.6 else [])
        sharing = Sharing(
            name=person.full_name, parts=parts,
            profile=f"{person.first_name} is reliable and keen to get back into work; good with a team.",
            disclosure="I have a conviction that is spent for this kind of job. I am happy to talk about it "
                       "and what I have done since.")
        guaranteed = opportunity.kind == "guaranteed_interview"
        referral = Referral(
            participant_id=person.id, opportunity_id=opportunity.id, provider_organisation_id=person.organisation_id,
            employer_organisation_id=opportunity.organisation_id, case_manager_id=case_manager.id,
            status=S.DRAFT, snapshot=_snapshot(person, sharing), consent_confirmed_at=begin,
            requirements_confirmed=list(opportunity.minimum_requirements or []) if guaranteed else [],
            guaranteed=guaranteed, created_at=begin - timedelta(minutes=20), updated_at=begin,
            status_changed_at=begin - timedelta(minutes=20))
        db.session.add(referral)
        at, state = begin, S.DRAFT
        for index, action in enumerate(path):
            to, roles = TRANSITIONS[(state, action)]
            if action == "start":
                at = datetime.combine(start_date, time(8, 0), UTC)
            elif action == "sustain_13":
                at = datetime.combine(start_date + timedelta(weeks=13, days=1), time(10, 0), UTC)
            elif action == "sustain_26":
                at = datetime.combine(start_date + timedelta(weeks=26, days=2), time(10, 0), UTC)
            elif action == "left_job":
                at = datetime.combine(start_date + timedelta(weeks=15), time(15, 0), UTC)
            elif action in OUTCOME_WEEKS:
                at = datetime.combine(start_date + timedelta(weeks=OUTCOME_WEEKS[action]), time(14, 0), UTC)
            elif index:
                at = at + timedelta(days=rng.randint(1, 3), hours=rng.randint(0, 5))
                if start_date is not None:
                    at = min(at, datetime.combine(start_date - timedelta(days=len(path) - index), time(11), UTC))
            at = min(at, self.now - timedelta(minutes=5 * (len(path) - index)))
            actor = case_manager if Role.CASE_MANAGER in roles else employer_user
            event = ReferralEvent(referral=referral, action=action, from_status=state, to_status=to,
                                  actor_id=actor.id if actor else None, at=at,
                                  reason_code=REASONS.get(action, ""), note=NOTES.get(action, ""))
            db.session.add(event)
            if action == "submit":
                referral.submitted_at = at
                if guaranteed:
                    referral.guarantee_due_on = add_working_days(at.date(), GUARANTEE_WORKING_DAYS)
            elif action == "offer_interview":
                days = extra.get("interview_in_days")
                day = self.today + timedelta(days=days) if days else (at + timedelta(days=4)).date()
                referral.interview_at = datetime.combine(day, time(10, 30), UTC)
                referral.interview_place = f"{opportunity.organisation.name}, {opportunity.town or 'main office'}"
                referral.interview_bring = "Photo ID, your CV and proof of your National Insurance number"
            elif action == "record_interview":
                referral.interviewed_at = at
            elif action == "make_offer":
                # The offer as an employer makes it: the advertised hours and pay, a start a fortnight on.
                referral.offer_start_date = start_date or (at + timedelta(days=14)).date()
                referral.offer_hours_per_week = opportunity.hours_per_week or Decimal("37.5")
                referral.offer_pay = opportunity.pay_from or minimum_wage_on(at.date())
                referral.offer_pay_period = opportunity.pay_period if opportunity.pay_from else "hour"
                event.detail = describe_offer(referral.offer_start_date, referral.offer_hours_per_week,
                                              referral.offer_pay, referral.offer_pay_period)
            elif action in ("start", "agree_start"):
                referral.start_date = start_date
                event.detail = f"{'Starts' if action == 'agree_start' else 'Started'} {govuk_date(start_date)}"
            elif action == "complete":
                referral.completed_on = at.date()
            elif action == "gain_qualification":
                subject = QUALIFICATION_SUBJECTS.get(opportunity.qualification_subject or "", "Employability skills")
                referral.qualification_title = f"Certificate in {subject.split(' (')[0]}"
                referral.qualification_level = opportunity.qualification_level or "1"
                referral.qualification_on = at.date()
            elif action == "move_into_work":
                referral.moved_into_work_on = at.date()  # work found elsewhere
            if action in REASONS:
                referral.reason_code = REASONS[action]
            elif action == "reject":
                referral.reason_code = "not_successful"
            state = to
        referral.status = state
        referral.status_changed_at = at
        referral.updated_at = at
        if state in HOLDS_PLACE and state != S.LEFT_JOB and opportunity.places_left > 1:  # never fills it
            opportunity.places_taken += 1
        if extra.get("messages"):
            sides = {"provider": case_manager, "employer": employer_user}
            moment = (referral.submitted_at or begin) + timedelta(hours=2)
            for number, (side, body) in enumerate(THREAD[: 2 if state == S.SUBMITTED else 3]):
                author = sides[side]
                db.session.add(ReferralMessage(referral=referral, author_id=author.id if author else None, body=body,
                                               created_at=min(moment + timedelta(hours=3 * number), self.now)))
        if extra.get("cv"):
            stored = f"demo{referral.participant_id:08d}{opportunity.id:08d}0000000000000000"[:32] + ".pdf"
            path = uploads.upload_dir() / stored
            path.write_bytes(MINIMAL_PDF)
            db.session.add(ReferralDocument(referral=referral, kind="cv", filename=f"{person.first_name}-cv.pdf",
                                            stored_name=stored, content_type="application/pdf",
                                            size=len(MINIMAL_PDF), uploaded_by_id=case_manager.id,
                                            uploaded_at=begin))
        self.made.append(referral)
        return referral


def seed(context) -> list[str]:
    maker = _Maker(context)
    demo_manager = context.made["case_managers"][0]
    employer, enterprise = context.made["employers"][0], context.made["enterprises"][0]
    people = [p for p in context.made["participants"]
              if p.organisation_id == demo_manager.organisation_id and not p.is_closed and p.may_share_with_employers()]
    people.sort(key=lambda p: (p.case_manager_id != demo_manager.id, p.id))
    listed = ("open", "filled", "closed")
    offered = {org.id: [o for o in context.made["opportunities"] if o.organisation_id == org.id
                        and o.status in listed] for org in (employer, enterprise)}
    if not people or not offered[employer.id]:
        return ["0 referrals (no demo people or opportunities to refer)"]

    for target, start_weeks, extra in PLAN:
        organisation = enterprise if extra.get("employer") == "enterprise" and offered[enterprise.id] else employer
        choices = offered[organisation.id]
        if extra.get("guarantee"):
            choices = [o for o in choices if o.kind == "guaranteed_interview"] or choices
        elif target in (S.SUBMITTED, S.ACKNOWLEDGED, S.INTERVIEW_OFFERED, S.INTERVIEW_BOOKED, S.INTERVIEWED,
                        S.OFFER_MADE, S.OFFER_ACCEPTED, S.DRAFT):
            choices = [o for o in choices if o.status == "open"] or choices
        if extra.get("not_paid"):
            choices = [o for o in choices if not o.is_paid_work] or [
                o for o in context.made["opportunities"] if not o.is_paid_work and o.status in listed
                and maker.staff(o.organisation) is not None]
        if target in HOLDS_PLACE:
            choices = [o for o in choices if o.places_left > 0] or choices
        if "decline" in _path_to(target):  # a guaranteed interview cannot be declined before interviewing
            choices = [o for o in choices if o.kind != "guaranteed_interview"] or choices
        person, opportunity = maker.choose(people, choices, community=start_weeks is not None,
                                           near_release=bool(extra.get("near_release")))
        if person is not None:
            maker.make(person, opportunity, target, start_weeks, extra)

    # Guaranteed interviews at other employers, for the admin's record: kept, late and overdue.
    others = [o for o in context.made["opportunities"] if o.kind == "guaranteed_interview" and o.status == "open"
              and o.organisation_id not in (employer.id, enterprise.id)]
    other_people = [p for p in context.made["participants"] if p.organisation_id != demo_manager.organisation_id
                    and not p.is_closed and p.may_share_with_employers()]
    for target, extra in ((S.INTERVIEW_BOOKED, {"interview_in_days": 3}), (S.SUBMITTED, {"guarantee": "overdue"}),
                          (S.INTERVIEWED, {}), (S.ACKNOWLEDGED, {"guarantee": "overdue"}), (S.UNSUCCESSFUL, {})):
        if not others or not other_people:
            break
        person, opportunity = maker.choose(other_people, others[:6])
        if person is not None:
            maker.make(person, opportunity, target, None, extra)
    db.session.flush()

    states = {str(r.status) for r in maker.made}
    overdue = sum(1 for r in maker.made if r.guarantee_overdue(maker.today))
    messages = sum(len(r.messages) for r in maker.made)
    return [f"{len(maker.made)} referrals in {len(states)} of {len(Status)} states ({overdue} guaranteed interviews "
            f"overdue, {messages} messages)"]

