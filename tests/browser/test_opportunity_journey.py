"""A level 3 employer posts a guaranteed interview with minimum requirements; a case manager finds it and
prints a one-page sheet for someone in custody."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from marketplace.core import clock
from marketplace.extensions import db
from tests.browser.conftest import sign_in
from tests.browser.test_participant_journey import fill_date
from tests.factories import UserFactory, member_organisation
from tests.helpers import TEST_PASSWORD

pytestmark = pytest.mark.browser


def test_post_a_guaranteed_interview_then_find_and_print_it(page, new_page):
    organisation = member_organisation(3, name="Pennine Build Group")
    employer = UserFactory(role="employer", organisation=organisation, full_name="Dana Whitfield")
    manager = UserFactory(role="case_manager")
    employer_email, manager_email = employer.email, manager.email
    db.session.commit()

    sign_in(page, employer_email, TEST_PASSWORD)
    page.get_by_role("link", name="Opportunities", exact=True).click()
    page.get_by_role("link", name="Post an opportunity").click()
    page.get_by_label("Guaranteed interview").check()
    page.get_by_label("Minimum requirements").fill("Holds a green CSCS card\nCan get to site for a 7.30am start\n"
                                                   "Has their own safety boots")
    page.get_by_label("Title").fill("Guaranteed interview: CSCS labourer")
    page.get_by_label("Description").fill("General labouring on a new-build housing site in Bradford.")
    page.get_by_label("Sector").select_option("Construction")
    page.get_by_label("Town or city (optional)").fill("Bradford")
    page.get_by_label("Region").select_option("Yorkshire and the Humber")
    page.get_by_label("Hours per week (optional)").fill("45")
    page.get_by_label("Pay from (optional)").fill("13.50")
    page.get_by_label("Pay to (optional)").fill("15")
    page.get_by_label("Paid", exact=True).select_option("hour")
    fill_date(page, "Closing date", clock.today() + timedelta(days=21))
    page.get_by_label("Number of places").fill("4")
    page.get_by_label("Convictions are considered case by case").check()
    page.get_by_label("Arson").check()
    page.get_by_role("button", name="Save and preview").click()
    expect(page.get_by_text("This is how case managers will see it.")).to_be_visible()
    expect(page.get_by_text("Holds a green CSCS card")).to_be_visible()
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_text("is published. Case managers can now find it.")).to_be_visible()
    expect(page.get_by_text("4 of 4 places left").first).to_be_visible()

    cm = new_page()
    sign_in(cm, manager_email, TEST_PASSWORD)
    cm.get_by_role("link", name="Opportunities", exact=True).click()
    cm.get_by_label("Search for").fill("labourer")
    cm.get_by_role("button", name="Search", exact=True).click()
    cm.get_by_label(re.compile(r"^Guaranteed interviews")).check()
    cm.get_by_label(re.compile(r"^Yorkshire and the Humber")).check()
    cm.get_by_role("button", name="Apply filters").click()
    expect(cm.get_by_role("status")).to_have_text("1 opportunity")
    cm.get_by_role("link", name="Guaranteed interview: CSCS labourer").click()
    expect(cm.get_by_text("Pennine Build Group interviews everyone who meets all of these")).to_be_visible()
    expect(cm.get_by_text("£13.50 to £15 an hour")).to_be_visible()
    cm.get_by_role("link", name=re.compile("Print a one-page sheet")).click()
    expect(cm.get_by_role("heading", name="Guaranteed interview: CSCS labourer")).to_be_visible()
    for requirement in ("Holds a green CSCS card", "Can get to site for a 7.30am start", "Has their own safety boots"):
        expect(cm.locator(".fcw-sheet__checklist li", has_text=requirement)).to_be_visible()
    expect(cm.get_by_text("Cannot accept: arson.")).to_be_visible()
    expect(cm.get_by_role("navigation")).to_have_count(0)
    expect(cm.get_by_role("button", name="Print this sheet")).to_be_visible()
    cm.emulate_media(media="print")
    expect(cm.get_by_role("link", name="Back to the opportunity")).to_be_hidden()
    pdf = cm.pdf(format="A4")
    assert pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages") == 1, "the sheet fits on one page"
