"""A small world whose figures are worked out by hand in the tests.

Today is 1 September 2026. Everything happens in 2026 through the real referral workflow:

Employer A ("Ardent Build", North West, Construction, vacancy, SOC 5): 12 referrals submitted 5 Jan.
  2 declined (essential criteria); 10 interviewed; 3 not successful; 7 offered, accepted and started on
  10 Feb. Of the 7: 1 left (resigned) before 13 weeks; 6 in work at 13 weeks; 1 left before 26 weeks
  (contract ended); 5 in work at 26 weeks.
Employer B ("Bright Retail", London, Retail, vacancy, SOC 7): 6 referrals submitted 5 Jan, all withdrawn
  (found other work). One more submitted in 2025, outside the period.
Employer C ("Civic Care", North West, Health and social care, guaranteed interview): 10 referrals
  submitted 2 Mar (due 16 Mar): 5 offered an interview on 6 Mar (in time), 5 never answered (overdue).
Six Gatemate requests for releases from HMP Liverpool on 1 April 2026, still open (waiting).
Provider P has every participant. Six of them have two needs assessments: accommodation red -> green
for five (change +2) and amber -> red for one (change -1).
The starters at A hold a construction qualification.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from marketplace.core import clock
from marketplace.core.calendar import add_working_days
from marketplace.core.roles import Role
from marketplace.extensions import db
from marketplace.referrals.workflow import transition
from tests.factories import (
    GatemateRequestFactory,
    NeedsAssessmentFactory,
    OpportunityFactory,
    OrganisationFactory,
    ParticipantFactory,
    ReferralFactory,
    UserFactory,
    member_organisation,
)

TODAY = datetime(2026, 9, 1, 12, 0, tzinfo=UTC)
PERIOD = {"period_from": ["1", "1", "2026"], "period_to": ["31", "8", "2026"]}


class World:
    pass


def at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def build() -> World:
    w = World()
    clock.fix(at(date(2025, 12, 1)))
    w.provider = OrganisationFactory(name="Pathways Provider", kind="provider")
    w.case_manager = UserFactory(role=Role.CASE_MANAGER.value, organisation=w.provider)
    w.a = member_organisation(3, name="Ardent Build")
    w.b = member_organisation(3, name="Bright Retail", region="London")
    w.c = member_organisation(3, name="Civic Care")
    w.a_user = UserFactory(role=Role.EMPLOYER.value, organisation=w.a)
    w.b_user = UserFactory(role=Role.EMPLOYER.value, organisation=w.b)
    w.c_user = UserFactory(role=Role.EMPLOYER.value, organisation=w.c)
    w.job_a = OpportunityFactory(organisation=w.a, sector="Construction", occupation_group="5", region="North West",
                                 places=10)
    w.job_b = OpportunityFactory(organisation=w.b, sector="Retail", occupation_group="7", region="London",
                                 town="London", places=10)
    w.job_c = OpportunityFactory(organisation=w.c, sector="Health and social care", occupation_group="6",
                                 region="North West", kind="guaranteed_interview", places=10)
    db.session.flush()

    def referral(job, employer_user, day, qualifications=()):
        clock.fix(at(day))
        person = ParticipantFactory(case_manager=w.case_manager, location="community", prison=None,
                                    release_date=day - timedelta(days=30),
                                    qualifications=[{"subject": s, "level": "2", "title": "T"} for s in qualifications])
        made = ReferralFactory(participant=person, opportunity=job, status="draft", submitted_at=None,
                               guaranteed=job.kind == "guaranteed_interview")
        db.session.flush()
        transition(made, "submit", w.case_manager)
        made.submitted_at = clock.now()
        if made.guaranteed:
            made.guarantee_due_on = add_working_days(day, 10)
        made.employer_user = employer_user
        return made

    def step(made, action, day, reason=""):
        clock.fix(at(day, 11))
        actor = w.case_manager if action in ("withdraw", "book_interview", "accept_offer", "start", "sustain_13",
                                              "sustain_26", "left_job") else made.employer_user
        transition(made, action, actor, reason_code=reason)

    jan5 = date(2026, 1, 5)
    w.a_referrals = [referral(w.job_a, w.a_user, jan5, ["construction"]) for _ in range(12)]
    for made in w.a_referrals[:2]:
        step(made, "decline", date(2026, 1, 7), "essential_criteria")
    for made in w.a_referrals[2:]:
        step(made, "offer_interview", date(2026, 1, 8))
        step(made, "book_interview", date(2026, 1, 9))
        step(made, "record_interview", date(2026, 1, 15))
    for made in w.a_referrals[2:5]:
        step(made, "reject", date(2026, 1, 16), "not_successful")
    starters = w.a_referrals[5:]
    for made in starters:
        step(made, "make_offer", date(2026, 1, 20))
        step(made, "accept_offer", date(2026, 1, 22))
        made.start_date = date(2026, 2, 10)
        step(made, "start", date(2026, 2, 10))
    step(starters[0], "left_job", date(2026, 3, 20), "resigned")
    for made in starters[1:]:
        step(made, "sustain_13", date(2026, 5, 13))
    step(starters[1], "left_job", date(2026, 6, 20), "contract_ended")
    for made in starters[2:]:
        step(made, "sustain_26", date(2026, 8, 12))

    w.b_referrals = [referral(w.job_b, w.b_user, jan5) for _ in range(6)]
    for made in w.b_referrals:
        step(made, "withdraw", date(2026, 1, 12), "other_work")
    w.old = referral(w.job_b, w.b_user, date(2025, 12, 1))

    w.c_referrals = [referral(w.job_c, w.c_user, date(2026, 3, 2)) for _ in range(10)]
    for made in w.c_referrals[:5]:
        step(made, "offer_interview", date(2026, 3, 6))

    for index, made in enumerate(w.a_referrals[:6]):
        first, latest = ("red", "green") if index < 5 else ("amber", "red")
        NeedsAssessmentFactory(participant=made.participant, assessed_on=date(2026, 1, 2),
                               ratings={"accommodation": first})
        NeedsAssessmentFactory(participant=made.participant, assessed_on=date(2026, 6, 2),
                               ratings={"accommodation": latest})
    clock.fix(at(date(2026, 3, 1)))
    w.gate_requests = [GatemateRequestFactory(participant=ParticipantFactory(case_manager=w.case_manager),
                                              release_date=date(2026, 4, 1)) for _ in range(6)]
    db.session.commit()
    clock.fix(TODAY)
    return w


def add_training_and_volunteering(w: World) -> World:
    """Outcomes of things that are not paid work, each step through the referral operations (so each
    date is checked against the start and today):

    A construction skills course at Ardent Build (North West): 8 referrals submitted 5 Jan, all started
    on 2 Feb. 1 left on 20 Feb; the other 7 completed on 27 Mar; 6 of them gained a Level 2 qualification
    on 10 Apr; 5 moved into work: 4 into work found elsewhere on 1 May, and 1 through this service, into
    a vacancy at Bright Retail (London) that they started on 1 June.
    Volunteering at Civic Care (North West): 6 referrals submitted 2 Mar, all started on 16 Mar; 2
    completed on 1 Jun; 1 of those moved into work found elsewhere on 1 Jul.
    """
    from marketplace.referrals.operations import StepDetails, take_step

    w.course = OpportunityFactory(organisation=w.a, kind="training", qualification_subject="construction",
                                  sector="Construction", occupation_group="5", region="North West", places=10)
    w.volunteering = OpportunityFactory(organisation=w.c, kind="volunteering", sector="Health and social care",
                                        region="North West", places=10)
    db.session.flush()

    def started(job, employer_user, submitted: date, start: date):
        clock.fix(at(submitted))
        person = ParticipantFactory(case_manager=w.case_manager, location="community", prison=None,
                                    release_date=submitted - timedelta(days=30))
        made = ReferralFactory(participant=person, opportunity=job, status="draft", submitted_at=None)
        db.session.flush()
        transition(made, "submit", w.case_manager)
        made.submitted_at = clock.now()
        for action, actor in (("offer_interview", employer_user), ("book_interview", w.case_manager),
                              ("record_interview", employer_user), ("make_offer", employer_user),
                              ("accept_offer", w.case_manager)):
            transition(made, action, actor)
        clock.fix(at(start, 11))
        take_step(made, "start", w.case_manager, StepDetails(start_date=start))
        return made

    def outcome(made, action, day, **details):
        clock.fix(at(day, 12))
        take_step(made, action, w.case_manager, StepDetails(**details))

    w.course_referrals = [started(w.course, w.a_user, date(2026, 1, 5), date(2026, 2, 2)) for _ in range(8)]
    outcome(w.course_referrals[0], "left_job", date(2026, 2, 20), reason_code="other", note="Moved away")
    for made in w.course_referrals[1:]:
        outcome(made, "complete", date(2026, 3, 27), completed_on=date(2026, 3, 27))
    for made in w.course_referrals[1:7]:
        outcome(made, "gain_qualification", date(2026, 4, 10), qualification_title="Certificate in Construction "
                "Skills", qualification_level="2", qualification_on=date(2026, 4, 10))
    for made in w.course_referrals[1:5]:
        outcome(made, "move_into_work", date(2026, 5, 1), work="elsewhere", moved_on=date(2026, 5, 1))
    # The sixth, with a qualification, starts a vacancy at Bright Retail through this service.
    clock.fix(at(date(2026, 5, 4)))
    w.job_after_course = ReferralFactory(participant=w.course_referrals[5].participant, opportunity=w.job_b,
                                         status="offer_accepted", submitted_at=clock.now())
    db.session.flush()
    clock.fix(at(date(2026, 6, 1), 11))
    take_step(w.job_after_course, "start", w.case_manager, StepDetails(start_date=date(2026, 6, 1)))
    outcome(w.course_referrals[5], "move_into_work", date(2026, 6, 2), work=str(w.job_after_course.id))

    w.volunteering_referrals = [started(w.volunteering, w.c_user, date(2026, 3, 2), date(2026, 3, 16))
                                for _ in range(6)]
    for made in w.volunteering_referrals[:2]:
        outcome(made, "complete", date(2026, 6, 1), completed_on=date(2026, 6, 1))
    outcome(w.volunteering_referrals[0], "move_into_work", date(2026, 7, 1), work="elsewhere",
            moved_on=date(2026, 7, 1))
    db.session.commit()
    clock.fix(TODAY)
    return w
