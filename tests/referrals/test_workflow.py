"""The workflow table is the only path: every row works for the roles it names, through the
operation that applies it, and every other (state, action, role) is refused there."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from marketplace.core import clock
from marketplace.core.roles import Role
from marketplace.core.workflow import SYSTEM, NotAllowed
from marketplace.extensions import db
from marketplace.referrals import operations
from marketplace.referrals.models import HOLDS_PLACE, NOT_PAID_OUTCOMES, Referral, ReferralEvent, Status
from marketplace.referrals.workflow import NOT_PAID_STEPS, REFERRALS, TRANSITIONS, allowed_actions
from tests.factories import OpportunityFactory, UserFactory

ROLES = [role.value for role in Role]
ROWS = [(str(state), action, str(to), sorted(str(r) for r in roles))
        for (state, action), (to, roles) in TRANSITIONS.items()]
ALLOWED = [(state, action, to, role) for state, action, to, roles in ROWS for role in roles if role != SYSTEM]
FORBIDDEN_ROLE = [(state, action, role) for state, action, _to, roles in ROWS for role in ROLES if role not in roles]
FORBIDDEN_STEP = [(str(state), action) for state in Status for action in sorted(REFERRALS.actions)
                  if (state, action) not in TRANSITIONS]


def details_for(action: str) -> operations.StepDetails:
    """What each step needs, so a refusal can only come from the workflow."""
    return operations.StepDetails(
        reason_code="other", note="A note for the timeline", interview_date=clock.today() + timedelta(days=3),
        interview_time="10:30", interview_place="Unit 4, Warrington", interview_bring="Photo ID",
        start_date=clock.today() + timedelta(days=7) if action == "agree_start" else clock.today(),
        completed_on=clock.today(), qualification_title="Certificate in Construction Skills", qualification_level="2",
        qualification_on=clock.today(), work="elsewhere", moved_on=clock.today(),
        offer_start_date=clock.today() + timedelta(days=14), offer_hours=Decimal("37.5"), offer_pay=Decimal("13.50"),
        offer_pay_period="hour")


def in_state(make_parties, state: str, action: str = ""):
    # A start long enough ago that the 13- and 26-week checks are due; a vacancy with places left (a
    # training course for the outcomes that are not paid work's); a held place for the states that
    # hold one (so giving it back is possible).
    not_paid = action in NOT_PAID_STEPS or state in NOT_PAID_OUTCOMES
    opportunity = OpportunityFactory(places=3, places_taken=1 if state in HOLDS_PLACE else 0,
                                     **({"kind": "training"} if not_paid else {}))
    return make_parties(state, opportunity=opportunity,
                        start_date=clock.today() - timedelta(weeks=27) if state in (
                            "started", "sustained_13", "sustained_26", "left_job", *NOT_PAID_OUTCOMES) else None)


def take(parties, action: str, actor):
    if action == "submit":
        return operations.submit_referral(parties.referral, actor)
    return operations.take_step(parties.referral, action, actor, details_for(action))


def test_the_table_covers_the_issue_path_and_ends():
    path = ["draft", "submitted", "acknowledged", "interview_offered", "interview_booked", "interviewed",
            "offer_made", "offer_accepted", "started", "sustained_13", "sustained_26"]
    steps = {(str(state), str(to)) for (state, _), (to, _roles) in TRANSITIONS.items()}
    for before, after in zip(path, path[1:], strict=False):
        assert (before, after) in steps, (before, after)
    ends = {"declined", "withdrawn", "unsuccessful", "offer_declined", "no_show", "left_job"}
    assert ends <= {to for _s, to in steps}
    # Nothing leaves an end.
    assert not {state for state, _ in steps} & (ends | {"sustained_26"})


@pytest.mark.parametrize(("state", "action", "to", "role"), ALLOWED,
                         ids=[f"{s}-{a}-{r}" for s, a, _t, r in ALLOWED])
def test_every_row_is_allowed_for_its_roles(make_parties, state, action, to, role):
    parties = in_state(make_parties, state, action)
    actor = parties.actor(role)
    assert action in allowed_actions(parties.referral, actor)
    take(parties, action, actor)
    db.session.commit()
    referral = db.session.get(Referral, parties.referral.id)
    assert referral.status == to
    event = referral.events[-1]
    assert (event.action, event.from_status, event.to_status, event.actor_id) == (action, state, to, actor.id)
    assert event.note == "A note for the timeline" or action in ("submit",)


@pytest.mark.parametrize(("state", "action", "role"), FORBIDDEN_ROLE,
                         ids=[f"{s}-{a}-{r}" for s, a, r in FORBIDDEN_ROLE])
def test_every_row_is_refused_to_other_roles(make_parties, state, action, role):
    parties = in_state(make_parties, state, action)
    actor = parties.actor(role)
    # The parties in the wrong role for this step, and every other role: refused, nothing written.
    assert action not in allowed_actions(parties.referral, actor)
    with pytest.raises(NotAllowed):
        take(parties, action, actor)
    db.session.rollback()
    assert db.session.get(Referral, parties.referral.id).status == state
    assert db.session.scalar(select(func.count()).select_from(ReferralEvent)) == 0


@pytest.mark.parametrize(("state", "action"), FORBIDDEN_STEP, ids=[f"{s}-{a}" for s, a in FORBIDDEN_STEP])
def test_every_step_not_in_the_table_is_refused(make_parties, state, action):
    parties = in_state(make_parties, state, action)
    for actor in (parties.case_manager, parties.employer):
        with pytest.raises(NotAllowed):
            take(parties, action, actor)
        db.session.rollback()
    assert db.session.get(Referral, parties.referral.id).status == state
    assert db.session.scalar(select(func.count()).select_from(ReferralEvent)) == 0


@pytest.mark.parametrize("role", ["case_manager", "employer"])
def test_other_organisations_cannot_take_any_step(make_parties, role):
    parties = in_state(make_parties, "submitted")
    outsider = UserFactory(role=role)
    for action in ("acknowledge", "offer_interview", "withdraw", "decline"):
        with pytest.raises(NotAllowed, match="organisations"):
            take(parties, action, outsider)
        db.session.rollback()


def test_a_guaranteed_interview_cannot_be_declined_before_the_interview(make_parties):
    opportunity = OpportunityFactory(kind="guaranteed_interview", minimum_requirements=["Forklift licence"])
    parties = make_parties("submitted", opportunity=opportunity)
    assert "decline" not in allowed_actions(parties.referral, parties.employer)
    with pytest.raises(NotAllowed, match="guaranteed interview"):
        take(parties, "decline", parties.employer)
    db.session.rollback()
    take(parties, "offer_interview", parties.employer)
    assert parties.referral.status == "interview_offered"


@pytest.mark.parametrize(("action", "weeks"), [("sustain_13", 13), ("sustain_26", 26)])
def test_outcome_checks_wait_until_the_weeks_have_passed(make_parties, action, weeks):
    state = "started" if weeks == 13 else "sustained_13"
    start = clock.today() - timedelta(weeks=weeks) + timedelta(days=1)
    parties = make_parties(state, start_date=start)
    assert action not in allowed_actions(parties.referral, parties.case_manager)
    with pytest.raises(NotAllowed, match=f"{weeks}-week"):
        take(parties, action, parties.case_manager)
    db.session.rollback()
    clock.fix(clock.now() + timedelta(days=1))
    take(parties, action, parties.case_manager)
    assert parties.referral.status == ("sustained_13" if weeks == 13 else "sustained_26")


@pytest.mark.parametrize("action", ["decline", "withdraw", "left_job"])
def test_coded_reasons_are_required_and_other_needs_a_note(make_parties, action):
    state = {"decline": "acknowledged", "withdraw": "submitted", "left_job": "started"}[action]
    parties = make_parties(state, start_date=clock.today() - timedelta(weeks=2))
    actor = parties.employer if action == "decline" else parties.case_manager
    with pytest.raises(operations.Refused, match="Select a reason"):
        operations.take_step(parties.referral, action, actor, operations.StepDetails(reason_code="made_up"))
    with pytest.raises(operations.Refused, match="Say what the reason is"):
        operations.take_step(parties.referral, action, actor, operations.StepDetails(reason_code="other"))
    db.session.rollback()
    assert db.session.get(Referral, parties.referral.id).status == state


def test_interview_details_are_checked_and_kept(make_parties):
    parties = make_parties("acknowledged")
    bad = [
        (operations.StepDetails(interview_place="Here", interview_time="10:00"), "date of the interview"),
        (operations.StepDetails(interview_date=clock.today() - timedelta(days=1), interview_place="Here",
                                interview_time="10:00"), "today or later"),
        (operations.StepDetails(interview_date=clock.today(), interview_time="10:00"), "where the interview is"),
        (operations.StepDetails(interview_date=clock.today(), interview_place="Here", interview_time="ten"),
         "like 10:30"),
    ]
    for details, message in bad:
        with pytest.raises(operations.Refused, match=message):
            operations.take_step(parties.referral, "offer_interview", parties.employer, details)
        db.session.rollback()
    operations.take_step(parties.referral, "offer_interview", parties.employer, details_for("offer_interview"))
    assert parties.referral.interview_place == "Unit 4, Warrington"
    assert parties.referral.interview_bring == "Photo ID"
    assert parties.referral.interview_at is not None


def test_a_draft_is_checked_against_the_hard_filters_again_when_sent(make_parties):
    parties = make_parties("draft", submitted_at=None)
    # Since the draft was saved the person recorded an offence the employer excludes.
    parties.referral.opportunity.offence_exclusions = ["sexual"]
    parties.referral.participant.offence_categories = ["sexual"]
    with pytest.raises(operations.Refused, match="cannot be referred"):
        operations.submit_referral(parties.referral, parties.case_manager)
    db.session.rollback()
    assert db.session.get(Referral, parties.referral.id).status == "draft"


@pytest.mark.parametrize(("kind", "fields"), [("training", {}), ("volunteering", {}),
                                              ("work_placement", {"paid": False}),
                                              ("work_placement", {"paid": True, "is_training": True})])
@pytest.mark.parametrize("action", ["sustain_13", "sustain_26"])
def test_in_work_checks_are_only_for_paid_work(make_parties, kind, fields, action):
    state = "started" if action == "sustain_13" else "sustained_13"
    opportunity = OpportunityFactory(kind=kind, **fields)
    parties = make_parties(state, opportunity=opportunity, start_date=clock.today() - timedelta(weeks=27))
    assert not opportunity.is_paid_work
    assert action not in allowed_actions(parties.referral, parties.case_manager)
    with pytest.raises(NotAllowed, match="paid work"):
        take(parties, action, parties.case_manager)


@pytest.mark.parametrize(("kind", "fields", "paid_work"), [
    ("vacancy", {}, True), ("guaranteed_interview", {}, True),
    ("work_placement", {"paid": True}, True), ("work_placement", {"paid": False}, False),
    ("work_placement", {"paid": True, "is_training": True}, False),
    ("training", {"paid": True}, False), ("volunteering", {}, False)])
def test_paid_work_is_the_same_in_python_and_in_sql(app, kind, fields, paid_work):
    from marketplace.opportunities.models import Opportunity

    opportunity = OpportunityFactory(kind=kind, **fields)
    db.session.flush()
    assert opportunity.is_paid_work is paid_work
    found = db.session.scalar(select(func.count()).select_from(Opportunity).where(
        Opportunity.id == opportunity.id, Opportunity.is_paid_work))
    assert found == int(paid_work)
