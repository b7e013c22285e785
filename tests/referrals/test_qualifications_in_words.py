"""A referral's qualifications read in words on every referral page, whatever shape its snapshot
holds: the outside tester saw "{'subject': 'retail_commercial', 'level': '2', 'title': ...}" on
referrals made by the reports' demo history, which stored the participant's dicts."""

from __future__ import annotations

from marketplace.extensions import db
from marketplace.reference import qualification_words
from marketplace.referrals.operations import Sharing, _snapshot
from tests.factories import OpportunityFactory, ParticipantFactory, ReferralFactory, UserFactory
from tests.helpers import sign_in_client

FOOD = {"subject": "retail_commercial", "level": "2", "title": "Food Safety and Hygiene"}
WORDS = "Food Safety and Hygiene (Retail and commercial enterprise, Level 2)"


def test_a_qualification_in_words():
    assert qualification_words(FOOD) == WORDS
    assert qualification_words(WORDS) == WORDS
    assert qualification_words({"subject": "retail_commercial", "level": "entry", "title": ""}) == (
        "Retail and commercial enterprise, Entry level")
    assert qualification_words({"title": "CSCS card"}) == "CSCS card"


def test_a_new_referral_snapshot_holds_the_words():
    participant = ParticipantFactory(qualifications=[FOOD])
    snapshot = _snapshot(participant, Sharing(name="Sam", parts=["qualifications"]))
    assert snapshot["qualifications"] == [WORDS]


def test_an_old_snapshot_holding_dicts_reads_in_words_for_case_manager_and_employer(client, app):
    opportunity = OpportunityFactory()
    referral = ReferralFactory(opportunity=opportunity, snapshot={
        "name": "Sam", "parts": ["qualifications"], "qualifications": [FOOD]})
    employer = UserFactory(role="employer", organisation=opportunity.organisation)
    db.session.commit()
    for user in (referral.participant.case_manager, employer):
        viewer = app.test_client()
        sign_in_client(viewer, user)
        page = viewer.get(f"/referrals/{referral.id}").get_data(as_text=True)
        assert WORDS in page and "retail_commercial" not in page and "&#39;subject&#39;" not in page
