"""Places: an accepted offer takes one; the last one fills the opportunity and the other open
referrals' case managers are told; places never go below zero with real threads racing, on SQLite
(BEGIN IMMEDIATE) and PostgreSQL (row locks) when TEST_DATABASE_URL is set."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from marketplace.accounts.models import User
from marketplace.core.exceptions import Refused
from marketplace.extensions import db
from marketplace.opportunities.models import Opportunity
from marketplace.referrals import operations
from marketplace.referrals.models import Referral, ReferralEvent
from tests.factories import OpportunityFactory
from tests.helpers import race, told

NO_PLACES = "No places are left on this opportunity"


def accept(referral_id, user_id):
    return lambda: operations.take_step(db.session.get(Referral, referral_id), "accept_offer",
                                        db.session.get(User, user_id), operations.StepDetails())


@pytest.mark.concurrency
@pytest.mark.parametrize("places", [1, 3])
def test_k_places_and_3k_accepts_at_once_give_exactly_k(app, make_parties, places):
    opportunity = OpportunityFactory(places=places)
    made = [make_parties("offer_made", opportunity=opportunity) for _ in range(3 * places)]
    attempts = [accept(p.referral.id, p.case_manager.id) for p in made]
    opportunity_id = opportunity.id

    outcomes = race(app, attempts)

    assert outcomes.count("won") == places, outcomes
    assert outcomes.count(f"refused: {NO_PLACES}") == 2 * places, outcomes
    opportunity = db.session.get(Opportunity, opportunity_id)
    assert opportunity.places_taken == places
    assert opportunity.status == "filled"
    statuses = db.session.scalars(select(Referral.status).where(Referral.opportunity_id == opportunity_id)).all()
    assert sorted(statuses) == sorted(["offer_accepted"] * places + ["offer_made"] * (2 * places))
    accepted_events = db.session.scalar(select(func.count()).select_from(ReferralEvent)
                                        .where(ReferralEvent.action == "accept_offer"))
    assert accepted_events == places


@pytest.mark.concurrency
def test_the_same_offer_accepted_twice_at_once_takes_one_place(app, make_parties):
    opportunity = OpportunityFactory(places=5)
    parties = make_parties("offer_made", opportunity=opportunity)
    colleague_ids = [parties.case_manager.id] * 6
    outcomes = race(app, [accept(parties.referral.id, user_id) for user_id in colleague_ids])
    assert outcomes.count("won") == 1, outcomes
    assert all(o.startswith("refused:") for o in outcomes if o != "won"), outcomes
    assert db.session.get(Opportunity, opportunity.id).places_taken == 1
    assert db.session.get(Referral, parties.referral.id).status == "offer_accepted"


def test_the_last_place_fills_and_tells_the_other_case_managers(make_parties):
    opportunity = OpportunityFactory(places=1)
    winner = make_parties("offer_made", opportunity=opportunity)
    waiting = make_parties("interview_booked", opportunity=opportunity)
    ended = make_parties("declined", opportunity=opportunity)
    operations.take_step(winner.referral, "accept_offer", winner.case_manager, operations.StepDetails())
    db.session.commit()
    assert opportunity.status == "filled"
    assert any("is now filled" in text for text in told(waiting.case_manager))
    assert not any("is now filled" in text for text in told(ended.case_manager))
    # A later accept on the filled opportunity is refused, clearly, and changes nothing.
    late = make_parties("offer_made", opportunity=opportunity)
    with pytest.raises(Refused, match=NO_PLACES):
        operations.take_step(late.referral, "accept_offer", late.case_manager, operations.StepDetails())
    db.session.rollback()
    assert db.session.get(Opportunity, opportunity.id).places_taken == 1
    assert db.session.get(Referral, late.referral.id).status == "offer_made"


def test_withdrawing_after_acceptance_gives_the_place_back(make_parties):
    opportunity = OpportunityFactory(places=1)
    parties = make_parties("offer_made", opportunity=opportunity)
    operations.take_step(parties.referral, "accept_offer", parties.case_manager, operations.StepDetails())
    db.session.commit()
    assert opportunity.status == "filled"
    operations.take_step(parties.referral, "withdraw", parties.case_manager,
                         operations.StepDetails(reason_code="release_changed"))
    db.session.commit()
    assert (opportunity.places_taken, opportunity.status) == (0, "open")


def test_a_job_start_keeps_the_place_it_already_holds(make_parties):
    opportunity = OpportunityFactory(places=2)
    parties = make_parties("offer_made", opportunity=opportunity)
    operations.take_step(parties.referral, "accept_offer", parties.case_manager, operations.StepDetails())
    from marketplace.core import clock
    operations.take_step(parties.referral, "start", parties.case_manager,
                         operations.StepDetails(start_date=clock.today()))
    db.session.commit()
    assert opportunity.places_taken == 1


@pytest.mark.concurrency
def test_a_double_click_on_the_last_place_never_tells_the_winner_there_are_none_left(app, make_parties):
    opportunity = OpportunityFactory(places=1)
    parties = make_parties("offer_made", opportunity=opportunity)
    outcomes = race(app, [accept(parties.referral.id, parties.case_manager.id) for _ in range(2)])
    assert sorted(outcomes) == ["refused: This offer is already recorded as accepted: the place is theirs.", "won"]
    assert db.session.get(Opportunity, opportunity.id).status == "filled"
