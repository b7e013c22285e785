"""The public directory of alliance members: no login, filters, commitments, stories, open counts."""

from __future__ import annotations

from datetime import timedelta

from marketplace.core import clock
from tests.factories import (
    AllianceMembershipFactory,
    OfferFactory,
    OrganisationFactory,
    member_organisation,
)


def names(page: bytes) -> list[str]:
    import re

    return re.findall(r'href="/alliance/directory/\d+">([^<]+)</a>', page.decode())


def test_anyone_can_see_members_by_level_without_signing_in(client):
    member_organisation(1, name="Level One Ltd")
    member_organisation(3, name="Level Three Ltd")
    member_organisation(None, name="Not A Member Ltd")
    AllianceMembershipFactory(organisation=member_organisation(None, name="Applied Ltd"), status="applied")
    AllianceMembershipFactory(organisation=member_organisation(None, name="Expired Ltd"),
                              expires_on=clock.today())
    response = client.get("/alliance/directory")
    assert response.status_code == 200
    assert names(response.data) == ["Level Three Ltd", "Level One Ltd"]
    assert names(client.get("/alliance/directory?level=1").data) == ["Level One Ltd"]


def test_filters_by_sector_region_and_kind(client):
    member_organisation(2, name="Northern Warehousing")
    member_organisation(2, name="Southern Kitchens", region="South East",
                        profile={"sectors": ["Catering and hospitality"], "regions": ["South East", "London"]})
    member_organisation(1, kind="social_enterprise", name="Second Helping CIC")
    assert names(client.get("/alliance/directory?sector=Catering+and+hospitality").data) == ["Southern Kitchens"]
    assert names(client.get("/alliance/directory?region=London").data) == ["Southern Kitchens"]
    assert names(client.get("/alliance/directory?kind=social_enterprise").data) == ["Second Helping CIC"]
    everyone = ["Northern Warehousing", "Southern Kitchens", "Second Helping CIC"]
    assert names(client.get("/alliance/directory?region=Atlantis").data) == everyone


def test_a_member_page_shows_commitments_story_purpose_and_open_opportunities(client):
    enterprise = member_organisation(2, kind="social_enterprise", name="Second Helping CIC")
    OfferFactory(organisation=enterprise)
    OfferFactory(organisation=enterprise, starts_on=clock.today() - timedelta(days=2))
    page = client.get(f"/alliance/directory/{enterprise.id}").data.decode()
    assert "Second Helping CIC" in page
    assert "No criminal convictions tick box" in page and "We have recruited from HMP Liverpool" in page
    assert "Training people leaving prison" in page and "Into paid placements" in page
    assert "1 open opportunity" in page
    assert "1 open opportunity" in client.get("/alliance/directory").data.decode()


def test_a_non_member_has_no_public_page(client):
    outsider = member_organisation(None)
    assert client.get(f"/alliance/directory/{outsider.id}").status_code == 404
    pending = OrganisationFactory(status="pending")
    AllianceMembershipFactory(organisation=pending)
    assert client.get(f"/alliance/directory/{pending.id}").status_code == 404
