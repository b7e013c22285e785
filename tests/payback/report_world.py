"""A year of Community Payback built through the operations, whose report figures are worked out by hand.

Today is 1 December 2027; the period is 1 January to 30 November 2027.

North West (the factories' region, the payback manager's):
  D nominated and confirmed on 15 December 2026 (before the period), never assessed.
  A, B, C nominated on 10 January 2027 and confirmed on 11 January; U nominated, never confirmed.
  A and B written up and shortlisted on 15 January (vote 1 to 14 February); C declined (too small).
  Votes: 3 for A, 1 for B. On 20 February A is accepted and B declined.
  Ten people on 40-hour orders made on 1 March, each of the first nine doing 28 hours of work on A
  (7 hours on 5, 12, 19 and 26 March) and 12 ETE hours (6 on 2 and 9 April): they finish on 9 April.
    six of them start paid work on 1 July (within six months): counted;
    one starts paid work on 15 November (seven months after finishing): not counted;
    one starts a training course on 1 May and is recorded as moved into work: training, not counted;
    one has no job.
  The tenth does 7 hours of work on 5 March only: not finished.
  Work: 9 x 28 + 7 = 259 hours on A; ETE: 9 x 12 = 108 hours.
London: L nominated 10 January, confirmed 11 January, written up and accepted by London's manager.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from marketplace.core import clock
from marketplace.core.roles import Role
from marketplace.extensions import db
from marketplace.payback import operations as payback
from marketplace.payback.models import CRITERIA, PaybackProject
from marketplace.referrals.workflow import transition
from tests.factories import (
    OpportunityFactory,
    OrganisationFactory,
    ParticipantFactory,
    ReferralFactory,
    UserFactory,
    member_organisation,
)
from tests.payback.records import emailed_path

TODAY = datetime(2027, 12, 1, 12, 0, tzinfo=UTC)
PERIOD = {"period_from": ["1", "1", "2027"], "period_to": ["30", "11", "2027"]}
FINISHED_ON = date(2027, 4, 9)


class World:
    pass


def at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def nominate(title: str, postcode: str, day: date, *, confirm: bool = True) -> PaybackProject:
    clock.fix(at(day))
    email = f"{title.split()[0].lower()}@resident.example"
    project = payback.nominate(payback.NominationDetails(
        title=title, description="Clear the litter and brambles along the path.",
        benefit="Everyone who walks there.", town="Town", postcode=postcode, toilets_nearby="yes",
        step_free_access="no", rules=("benefits_community", "no_paid_job", "no_profit"),
        nominator_name="Pat Resident", nominator_email=email), f"10.0.0.{len(title)}")
    db.session.flush()
    if confirm:
        clock.fix(at(day, 15) if day.year < 2027 else at(date(2027, 1, 11)))
        token = emailed_path(email, "Confirm your Community Payback nomination").rsplit("/", 1)[1]
        payback.confirm_nomination(token)
    return project


def write_up(project: PaybackProject, manager) -> None:
    payback.write_public_text(project, manager, payback.PublicText(
        title=project.title, description="Clearing a path.", benefit="People who walk there.", checked=True))


def decide(project: PaybackProject, manager, decision: str, **fields) -> None:
    payback.assess(project, manager, payback.Assessment(
        decision=decision, scores={name: "4" for name in CRITERIA}, **fields))


def vote(project: PaybackProject, email: str, address: str) -> None:
    payback.request_vote(project, email, address)
    db.session.flush()
    payback.confirm_vote(emailed_path(email, "Confirm your vote").rsplit("/", 1)[1])


def start(referral, day: date, employer_user, case_manager) -> None:
    transition(referral, "submit", case_manager)
    referral.submitted_at = clock.now()
    for action, actor in (("offer_interview", employer_user), ("book_interview", case_manager),
                          ("record_interview", employer_user), ("make_offer", employer_user),
                          ("accept_offer", case_manager)):
        transition(referral, action, actor)
    clock.fix(at(day))
    referral.start_date = day
    transition(referral, "start", case_manager)


def build() -> World:
    w = World()
    clock.fix(at(date(2026, 12, 1)))
    w.manager = UserFactory(role=Role.PAYBACK_MANAGER.value)  # North West
    w.london_manager = UserFactory(role=Role.PAYBACK_MANAGER.value,
                                   organisation=OrganisationFactory(kind="provider", region="London"))
    w.case_manager = UserFactory(role=Role.CASE_MANAGER.value, organisation=w.manager.organisation)
    w.employer = member_organisation(2, name="Towpath Builders")
    w.employer_user = UserFactory(role=Role.EMPLOYER.value, organisation=w.employer)
    w.job = OpportunityFactory(organisation=w.employer, kind="vacancy", places=20, region="North West")
    w.course = OpportunityFactory(organisation=w.employer, kind="training", places=20, region="North West")
    db.session.flush()

    w.d = nominate("Dredge the pond", "PR1 8JP", date(2026, 12, 15))
    w.a = nominate("Allotment paths", "PR1 8JP", date(2027, 1, 10))
    w.b = nominate("Bridleway gates", "PR1 8JP", date(2027, 1, 10))
    w.c = nominate("Church railings", "PR1 8JP", date(2027, 1, 10))
    w.u = nominate("Underpass murals", "PR1 8JP", date(2027, 1, 10), confirm=False)
    w.london = nominate("Lido fence", "SE1 7PB", date(2027, 1, 10))

    clock.fix(at(date(2027, 1, 15)))
    for project in (w.a, w.b):
        write_up(project, w.manager)
        decide(project, w.manager, "shortlist", vote_opens_on=date(2027, 2, 1), vote_closes_on=date(2027, 2, 14))
    decide(w.c, w.manager, "decline", reason="too_small")
    write_up(w.london, w.london_manager)
    decide(w.london, w.london_manager, "accept")

    clock.fix(at(date(2027, 2, 5)))
    for n in range(3):
        vote(w.a, f"voter{n}@town.example", f"10.1.0.{n}")
    vote(w.b, "voter9@town.example", "10.1.0.9")

    clock.fix(at(date(2027, 2, 20)))
    decide(w.a, w.manager, "accept")
    decide(w.b, w.manager, "decline", reason="other", note="Another group is doing it.")

    clock.fix(at(date(2027, 3, 1)))
    w.people = []
    for n in range(10):
        person = ParticipantFactory(first_name=f"Person{n}", last_name=f"Order{n}", case_manager=w.case_manager,
                                    location="community", prison=None, release_date=None)
        payback.set_order(person, w.manager, payback.OrderDetails(hours_ordered=40, made_on=date(2027, 3, 1)))
        w.people.append(person)
    clock.fix(at(date(2027, 4, 10)))
    for n, person in enumerate(w.people):
        days = [date(2027, 3, d) for d in (5, 12, 19, 26)] if n < 9 else [date(2027, 3, 5)]
        for day in days:
            payback.record_hours(person, w.manager, payback.HoursDetails(
                kind="work", worked_on=day, minutes=7 * 60, outcome="acceptable", project_id=w.a.id))
        if n < 9:
            for day in (date(2027, 4, 2), FINISHED_ON):
                payback.record_hours(person, w.manager, payback.HoursDetails(
                    kind="ete", worked_on=day, minutes=6 * 60, outcome="acceptable", activity="CV workshop"))

    for person in w.people[:6]:
        clock.fix(at(date(2027, 6, 1)))
        start(ReferralFactory(participant=person, opportunity=w.job, status="draft", submitted_at=None),
              date(2027, 7, 1), w.employer_user, w.case_manager)
    clock.fix(at(date(2027, 11, 1)))
    w.late = ReferralFactory(participant=w.people[6], opportunity=w.job, status="draft", submitted_at=None)
    start(w.late, date(2027, 11, 15), w.employer_user, w.case_manager)
    clock.fix(at(date(2027, 4, 20)))
    w.training = ReferralFactory(participant=w.people[7], opportunity=w.course, status="draft", submitted_at=None)
    start(w.training, date(2027, 5, 1), w.employer_user, w.case_manager)
    clock.fix(at(date(2027, 6, 1)))
    transition(w.training, "move_into_work", w.case_manager)

    clock.fix(TODAY)
    db.session.commit()
    return w
