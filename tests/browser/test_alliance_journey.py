"""An employer applies for level 2, an admin approves, the employer offers a session and a case manager
books a place on it for someone on their caseload."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from marketplace.core import clock
from marketplace.extensions import db
from tests.browser.conftest import sign_in
from tests.browser.test_participant_journey import fill_date
from tests.factories import (
    ConsentRecordFactory,
    MemberProfileFactory,
    OrganisationFactory,
    ParticipantFactory,
    UserFactory,
)
from tests.helpers import TEST_PASSWORD

pytestmark = pytest.mark.browser


def test_apply_approve_offer_a_session_and_book_a_place(page, new_page):
    organisation = OrganisationFactory(name="Swiftline Logistics")
    MemberProfileFactory(organisation=organisation)
    employer = UserFactory(role="employer", organisation=organisation, full_name="Dana Whitfield")
    admin = UserFactory(role="admin")
    manager = UserFactory(role="case_manager", full_name="Casey Manager")
    person = ParticipantFactory(case_manager=manager, first_name="Robin", last_name="Okafor",
                                participant_number="A4321ZX")
    ConsentRecordFactory(participant=person, employers=True)
    employer_email, admin_email, manager_email = employer.email, admin.email, manager.email
    db.session.commit()

    sign_in(page, employer_email, TEST_PASSWORD)
    page.get_by_role("link", name="Alliance membership").click()
    page.get_by_role("link", name="Apply to join").click()
    page.get_by_label(re.compile(r"Level 2: training and work placements")).check()
    page.get_by_label(re.compile(r"Offer paid work placements")).check()
    page.get_by_label("Give staff time for mock interviews and interview training (level 1)").check()
    page.get_by_role("button", name="Continue").click()
    # Check the application before it goes to the administrators; change an answer and come back.
    expect(page.get_by_role("heading", name="Check your application before sending it")).to_be_visible()
    expect(page.locator("#application")).to_contain_text("Offer paid work placements")
    page.get_by_role("button", name="Change tell us more").click()
    expect(page.get_by_label(re.compile(r"Offer paid work placements"))).to_be_checked()
    page.get_by_label("Tell us more (optional)").fill("Placements at our Warrington depot")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("#application")).to_contain_text("Placements at our Warrington depot")
    page.get_by_role("button", name="Send application").click()
    expect(page.get_by_text("Your application has been sent")).to_be_visible()
    expect(page.get_by_text("Waiting for a decision", exact=True)).to_be_visible()

    admin_page = new_page()
    sign_in(admin_page, admin_email, TEST_PASSWORD)
    admin_page.goto("/home")
    admin_page.get_by_role("link", name="Alliance", exact=True).click()
    admin_page.get_by_role("link", name="Swiftline Logistics").click()
    expect(admin_page.get_by_text("Offer paid work placements")).to_be_visible()
    admin_page.get_by_role("button", name="Approve level 2").click()
    expect(admin_page.get_by_text("Swiftline Logistics is now a level 2 member")).to_be_visible()

    page.get_by_role("link", name="Home").click()
    expect(page.get_by_text("Swiftline Logistics is now a level 2 member of the Corporate Alliance.")).to_be_visible()
    expect(page.get_by_text("Level 3 would also let you post:")).to_be_visible()
    page.get_by_role("link", name="Sessions").click()
    page.get_by_role("link", name="Offer a session").click()
    page.get_by_label("Mock interviews").check()
    page.get_by_label("Title").fill("Mock interviews with our warehouse managers")
    fill_date(page, "Date it starts", clock.today() + timedelta(days=12))
    page.get_by_label("Times (optional)").fill("10am to 1pm")
    page.get_by_label("In a prison").check()
    page.get_by_label("Prison", exact=True).select_option("HMP Liverpool")
    page.get_by_label("Number of places").fill("6")
    page.get_by_label("Who does it suit?").fill("People within 12 weeks of release who want warehouse work")
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_text("is published")).to_be_visible()
    expect(page.get_by_text("Nobody is booked yet.")).to_be_visible()

    manager_page = new_page()
    sign_in(manager_page, manager_email, TEST_PASSWORD)
    manager_page.get_by_role("link", name="Sessions", exact=True).click()
    manager_page.get_by_role("link", name="Mock interviews with our warehouse managers").click()
    manager_page.get_by_role("link", name="Book a place").click()
    manager_page.get_by_label("Who is the place for?").select_option(label="Robin Okafor (A4321ZX)")
    manager_page.get_by_label("Note for the employer (optional)").fill("Has a forklift licence")
    manager_page.get_by_role("button", name="Book the place").click()
    expect(manager_page.get_by_text("Place booked for Robin Okafor")).to_be_visible()
    expect(manager_page.get_by_role("cell", name=re.compile("^Robin Okafor Booked by Casey Manager"))).to_be_visible()

    page.reload()
    expect(page.get_by_role("cell", name="Robin O.", exact=True)).to_be_visible()
    expect(page.get_by_role("cell", name="Has a forklift licence")).to_be_visible()
    expect(page.get_by_text("Okafor")).to_have_count(0)
    expect(page.get_by_text("5 left")).to_be_visible()
