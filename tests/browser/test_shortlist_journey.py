"""A case manager saves two of a person's matches (one from the list, one from the opportunity opened
from it), opens the person's shortlist and its print view, which fits on two sides of A4 even when full."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from marketplace.core import clock
from marketplace.extensions import db
from marketplace.search import sync
from marketplace.shortlists import operations
from tests.browser.conftest import sign_in
from tests.factories import ConsentRecordFactory, OpportunityFactory, ParticipantFactory, UserFactory
from tests.helpers import TEST_PASSWORD

pytestmark = pytest.mark.browser


def test_save_two_matches_open_the_shortlist_and_print_it(page):
    manager = UserFactory(role="case_manager")
    person = ParticipantFactory(case_manager=manager, first_name="Robin", last_name="Okafor", location="community",
                                prison=None, release_date=clock.today() - timedelta(days=20),
                                release_town="Manchester", travel_miles=15,
                                interests=["Catering and hospitality", "chef"], skills=["food preparation"])
    ConsentRecordFactory(participant=person)
    OpportunityFactory(title="Commis chef", sector="Catering and hospitality", town="Salford",
                       description="Prep and cooking on the line.")
    OpportunityFactory(title="Warehouse picker", town="Manchester")
    email, person_id, number = manager.email, person.id, person.participant_number
    db.session.commit()
    sync.reindex()

    sign_in(page, email, TEST_PASSWORD)
    page.goto(f"/participants/{person_id}")
    page.get_by_role("link", name="Find opportunities for Robin").click()
    expect(page.get_by_role("heading", name="Opportunities for Robin Okafor")).to_be_visible()
    page.get_by_role("button", name=re.compile(r"Add to Robin's shortlist\W+Commis chef")).click()
    expect(page.get_by_text("Commis chef is on Robin's shortlist.")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile(r"Remove from Robin's shortlist\W+Commis chef"))).to_be_visible()

    page.get_by_role("link", name="Warehouse picker", exact=True).click()
    expect(page.get_by_text("For Robin Okafor, from their matches.")).to_be_visible()
    page.get_by_role("button", name=re.compile(r"Add to Robin's shortlist\W+Warehouse picker")).click()
    expect(page.get_by_text("Warehouse picker is on Robin's shortlist.")).to_be_visible()

    page.get_by_role("link", name="Robin's shortlist", exact=True).click()
    expect(page.get_by_role("heading", name="Robin's shortlist")).to_be_visible()
    expect(page.get_by_text("2 opportunities saved")).to_be_visible()
    results = page.locator(".fcw-result")
    expect(results).to_have_count(2)
    expect(results.first.get_by_text("catering and hospitality — matches interest")).to_be_visible()

    page.get_by_role("link", name="Print shortlist").click()
    expect(page.get_by_role("heading", name="Jobs and courses for Robin")).to_be_visible()
    expect(page.get_by_role("heading", name="Commis chef")).to_be_visible()
    expect(page.get_by_role("heading", name="Warehouse picker")).to_be_visible()
    sheet = page.locator("main").inner_text()
    assert "Okafor" not in sheet and number not in sheet

    # Full: twelve opportunities still print on no more than two sides of A4.
    for number_ in range(operations.MAX_ENTRIES - 2):
        extra = OpportunityFactory(title=f"Kitchen porter {number_ + 1}", town="Manchester",
                                   sector="Catering and hospitality",
                                   description="Washing up, keeping the kitchen clean, helping the chefs.")
        db.session.commit()
        operations.add(person, extra.id, manager)
    db.session.commit()
    page.reload()
    expect(page.get_by_role("heading", name="Kitchen porter 10")).to_be_visible()
    page.emulate_media(media="print")
    pdf = page.pdf(format="A4", prefer_css_page_size=True)
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert 1 <= pages <= 2, pages
