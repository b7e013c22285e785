"""What each level lets an organisation post, decided in one table and enforced in the operations."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from marketplace.alliance import levels
from marketplace.alliance.models import Offer
from marketplace.core import clock
from marketplace.core.exceptions import Refused
from marketplace.extensions import db
from tests.factories import AllianceMembershipFactory, OrganisationFactory, UserFactory, member_organisation

EXPECTED = {
    None: set(),
    1: {"session", "volunteering"},
    2: {"session", "volunteering", "work_placement", "training"},
    3: {"session", "volunteering", "work_placement", "training", "guaranteed_interview", "vacancy"},
}


@pytest.mark.parametrize("level", [None, 1, 2, 3])
@pytest.mark.parametrize("kind", list(levels.POSTING_KINDS))
def test_an_employer_may_post_exactly_what_its_level_and_those_below_allow(level, kind):
    organisation = member_organisation(level)
    if kind in EXPECTED[level]:
        levels.check_may_post(organisation, kind)
    else:
        with pytest.raises(Refused) as refusal:
            levels.check_may_post(organisation, kind)
        assert refusal.value.field == "kind"
        assert ("level" in refusal.value.message) and "Corporate Alliance" in refusal.value.message


@pytest.mark.parametrize("level", [None, 1, 2, 3])
def test_social_enterprises_post_training_and_volunteering_without_a_membership(level):
    organisation = member_organisation(level, kind="social_enterprise")
    assert set(levels.allowed_kinds(organisation)) == EXPECTED[level] | {"training", "volunteering"}


def test_providers_and_mentoring_organisations_post_nothing():
    for kind in ("provider", "mentoring"):
        organisation = OrganisationFactory(kind=kind)
        assert levels.allowed_kinds(organisation) == []
        with pytest.raises(Refused, match="Only employers and social enterprises"):
            levels.check_may_post(organisation, "volunteering")


def test_an_expired_membership_allows_nothing_even_before_it_is_marked_lapsed():
    organisation = OrganisationFactory()
    AllianceMembershipFactory(organisation=organisation, level=3, expires_on=clock.today())
    assert levels.level_of(organisation.id) is None
    assert levels.allowed_kinds(organisation) == []


def test_applications_and_ended_memberships_allow_nothing():
    organisation = OrganisationFactory()
    AllianceMembershipFactory(organisation=organisation, level=3, status="applied")
    AllianceMembershipFactory(organisation=organisation, level=2, status="lapsed", expires_on=None)
    assert levels.allowed_kinds(organisation) == []


def test_the_refusal_says_what_level_is_needed():
    organisation = member_organisation(1)
    with pytest.raises(Refused, match="level 1 member .* cannot post vacancies. Apply to move up to level 3"):
        levels.check_may_post(organisation, "vacancy")
    with pytest.raises(Refused, match="approved level 2 member .* to post work placements"):
        levels.check_may_post(member_organisation(None), "work_placement")


def test_next_level_and_what_it_unlocks():
    assert levels.next_level(None) == 1 and levels.next_level(2) == 3 and levels.next_level(3) is None
    assert levels.unlocked_by(3) == ["guaranteed_interview", "vacancy"]
    assert set(levels.pledges_up_to(1)) == {code for code, (level, _) in levels.PLEDGES.items() if level == 1}


def offer_form(**changes):
    start = clock.today() + timedelta(days=10)
    data = {"kind": "mock_interviews", "title": "Mock interviews", "setting": "online", "places": "6",
            "starts_on": [str(start.day), str(start.month), str(start.year)], "suits": "Anyone"}
    data.update(changes)
    return data


def test_without_a_membership_a_session_posted_by_hand_is_refused(client, login_as):
    organisation = member_organisation(None)
    login_as("employer", organisation=organisation)
    response = client.post_form("/alliance/offers/new", offer_form())
    assert response.status_code == 400
    assert b"needs to be an approved level 1 member" in response.data
    assert db.session.scalar(select(func.count()).select_from(Offer)) == 0


def test_a_social_enterprise_without_a_membership_cannot_offer_sessions(client, login_as):
    organisation = member_organisation(None, kind="social_enterprise")
    login_as("social_enterprise", organisation=organisation)
    response = client.post_form("/alliance/offers/new", offer_form())
    assert response.status_code == 400
    assert db.session.scalar(select(func.count()).select_from(Offer)) == 0


def test_a_level_1_member_can_offer_a_session(client, login_as):
    user = login_as("employer", organisation=member_organisation(1))
    response = client.post_form("/alliance/offers/new", offer_form())
    assert response.status_code == 302
    offer = db.session.scalar(select(Offer))
    assert offer.organisation_id == user.organisation_id and offer.created_by_id == user.id
    assert offer.region is None and offer.place_text == "Online"


def test_a_lapsed_member_cannot_change_its_sessions_dates(client, login_as):
    from tests.factories import OfferFactory

    organisation = OrganisationFactory()
    membership = AllianceMembershipFactory(organisation=organisation, level=1)
    user = login_as("employer", organisation=organisation)
    offer = OfferFactory(organisation=organisation, created_by_id=user.id)
    membership.status = "lapsed"
    response = client.post_form(f"/alliance/offers/{offer.id}/edit", offer_form(title="Changed"))
    assert response.status_code == 400
    assert db.session.get(Offer, offer.id).title != "Changed"


def test_organisation_admin_rights_are_needed_for_the_profile_and_applications(client):
    from tests.helpers import sign_in_client

    organisation = member_organisation(1)
    colleague = UserFactory(role="employer", organisation=organisation, is_org_admin=False)
    sign_in_client(client, colleague)
    assert client.get("/alliance/membership").status_code == 200
    assert client.get("/alliance/profile").status_code == 403
    assert client.get("/alliance/apply").status_code == 403
