"""A case manager opens a participant, finds opportunities, reads the reasons, filters by sector."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from marketplace.core import clock
from marketplace.extensions import db
from marketplace.search import sync
from tests.browser.conftest import sign_in
from tests.factories import ConsentRecordFactory, OpportunityFactory, ParticipantFactory, UserFactory
from tests.helpers import TEST_PASSWORD

pytestmark = pytest.mark.browser


def test_find_opportunities_see_reasons_filter_by_sector(page):
    manager = UserFactory(role="case_manager")
    person = ParticipantFactory(case_manager=manager, first_name="Robin", last_name="Okafor", location="community",
                                prison=None, release_date=clock.today() - timedelta(days=20),
                                release_town="Manchester", travel_miles=15,
                                interests=["Catering and hospitality", "chef"], skills=["food preparation"])
    ConsentRecordFactory(participant=person)
    OpportunityFactory(title="Commis chef", sector="Catering and hospitality", town="Salford",
                       description="Prep and cooking on the line.")
    OpportunityFactory(title="Warehouse picker", town="Manchester")
    OpportunityFactory(title="Chef in Plymouth", sector="Catering and hospitality", town="Plymouth",
                       region="South West")
    email, person_id = manager.email, person.id
    db.session.commit()
    sync.reindex()

    sign_in(page, email, TEST_PASSWORD)
    page.get_by_role("link", name="Caseload", exact=True).click()
    page.goto(f"/participants/{person_id}")
    page.get_by_role("link", name="Find opportunities for Robin").click()
    expect(page.get_by_role("heading", name="Opportunities for Robin Okafor")).to_be_visible()
    expect(page.get_by_role("status")).to_have_text(re.compile("2 opportunities"))
    results = page.locator(".fcw-result")
    first = results.first
    expect(first.get_by_role("link", name="Commis chef", exact=True)).to_be_visible()
    expect(first.get_by_text("catering and hospitality — matches interest")).to_be_visible()
    expect(first.get_by_text(re.compile(r"\d+ miles? from Manchester|in Manchester"))).to_be_visible()
    expect(page.get_by_text("Chef in Plymouth")).to_have_count(0)

    page.get_by_label("Sector").select_option("Logistics and warehousing")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_role("status")).to_have_text(re.compile("1 opportunity"))
    expect(results.first.get_by_role("link", name="Warehouse picker", exact=True)).to_be_visible()
    expect(page.get_by_text("Commis chef")).to_have_count(0)
