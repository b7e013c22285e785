"""A person's page names the funds that fit once a paid job is in reach, with what is left for them."""

from __future__ import annotations

from marketplace.extensions import db
from marketplace.funding import operations
from tests.factories import OpportunityFactory, ParticipantFactory, ReferralFactory
from tests.helpers import sign_in_client


def test_the_prompt_appears_with_an_accepted_offer_of_paid_work(client, provider):
    waiting = provider.referral(status="submitted")
    course = OpportunityFactory(kind="training", is_training=True, paid=False, pay_from=None,
                                pays_minimum_wage=False, contract_type="", title="Forklift course")
    trainee = ParticipantFactory(case_manager=provider.case_manager, location="community", prison=None)
    ReferralFactory(participant=trainee, opportunity=course, status="offer_accepted")
    hired = provider.referral(status="offer_accepted")
    earlier = provider.request(referral=hired, participant=hired.participant)
    operations.decide(earlier.id, provider.manager, "approve")
    db.session.commit()
    sign_in_client(client, provider.case_manager)

    page = client.get(f"/participants/{hired.participant_id}").get_data(as_text=True)
    assert 'id="funding-prompt"' in page and hired.opportunity.title in page
    assert "Work equipment and clothing: up to £250.00 a request, £315.00 left for" in page
    assert "Budgeting Advance: £100 up to £348 single" in page
    for person_id in (waiting.participant_id, trainee.id):  # no offer yet; an offer of training, not work
        assert 'id="funding-prompt"' not in client.get(f"/participants/{person_id}").get_data(as_text=True)
