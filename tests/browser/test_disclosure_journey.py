"""A case manager records a participant's convictions, sees what each check shows, writes the disclosure
letter and refers them for a basic-check job: the employer sees the unspent conviction and the letter,
never the spent one."""

from __future__ import annotations

import os
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from marketplace.core import clock
from marketplace.extensions import db
from tests.browser.conftest import sign_in
from tests.factories import ConsentRecordFactory, OpportunityFactory, ParticipantFactory, UserFactory
from tests.helpers import TEST_PASSWORD

pytestmark = pytest.mark.browser
SCREENSHOTS = os.environ.get("DISCLOSURE_SCREENSHOTS")  # a folder: keep a picture of each page


def shot(page, name: str) -> None:
    if SCREENSHOTS:
        page.screenshot(path=os.path.join(SCREENSHOTS, f"{name}.png"), full_page=True)


def fill_date(group, value) -> None:
    group.get_by_label("Day").fill(str(value.day))
    group.get_by_label("Month").fill(str(value.month))
    group.get_by_label("Year").fill(str(value.year))


def add_conviction(page, day, category, sentence, length=None, end=None):
    page.get_by_role("link", name="Add a conviction or caution").click()
    page.get_by_label("Conviction", exact=True).check()
    fill_date(page.get_by_role("group", name="Date of conviction or caution"), day)
    page.get_by_label("Offence category").select_option(label=category)
    page.locator("#sentence_1_type").select_option(label=sentence)
    if length:
        page.locator("#sentence_1_length").fill(str(length))
    if end:
        fill_date(page.locator("#sentence_1_end").locator("xpath=ancestor::fieldset[1]"), end)
    page.get_by_role("button", name="Save conviction").click()
    expect(page.get_by_text("Conviction saved.")).to_be_visible()


def test_convictions_letter_and_a_referral_that_shares_only_what_the_check_shows(page, new_page):
    today = clock.today()
    manager = UserFactory(role="case_manager", full_name="Casey Manager")
    person = ParticipantFactory(case_manager=manager, first_name="Robin", last_name="Okafor", location="community",
                                prison=None, release_date=today - timedelta(days=200), release_town="Warrington")
    ConsentRecordFactory(participant=person)
    job = OpportunityFactory(title="Warehouse operative", check_level="basic")
    employer = UserFactory(role="employer", organisation=job.organisation)
    db.session.commit()
    manager_email, employer_email, person_id, job_id = manager.email, employer.email, person.id, job.id

    sign_in(page, manager_email, TEST_PASSWORD)
    page.goto(f"/participants/{person_id}")
    page.get_by_role("link", name="Convictions and disclosure for Robin Okafor").click()
    expect(page.get_by_role("heading", name="Convictions and disclosure")).to_be_visible()

    # A mistake first: custody with no length is an error in the summary.
    page.get_by_role("link", name="Add a conviction or caution").click()
    page.get_by_label("Conviction", exact=True).check()
    fill_date(page.get_by_role("group", name="Date of conviction or caution"), today - timedelta(days=100))
    page.get_by_label("Offence category").select_option(label="Violence")
    page.locator("#sentence_1_type").select_option(label="Custody (prison or detention)")
    page.get_by_role("button", name="Save conviction").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter the length of the custodial sentence in months")
    shot(page, "1-conviction-error")
    page.get_by_role("link", name="Back to convictions").click()

    add_conviction(page, today - timedelta(days=365 * 6), "Driving offences", "Fine")
    add_conviction(page, today - timedelta(days=400), "Violence", "Custody (prison or detention)", length=12,
                   end=today - timedelta(days=40))
    rows = page.locator("#convictions tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0).locator("[data-spent]")).to_contain_text("Spent")
    expect(rows.nth(0).locator('[data-level="basic"]')).to_contain_text("Not shown")
    expect(rows.nth(0).locator('[data-level="standard"]')).to_contain_text("Shown")
    expect(rows.nth(1).locator("[data-spent]")).to_contain_text("Unspent")
    shot(page, "2-convictions")

    page.get_by_role("link", name="Write a disclosure letter").click()
    letter = page.get_by_label("The letter")
    expect(letter).to_contain_text("(violence)")
    expect(letter).not_to_contain_text("driving")
    letter.fill("Dear hiring manager,\n\nLast year I was sent to prison for 12 months for violence. "
                "I have changed.\n\nRobin")
    shot(page, "3-letter")
    page.get_by_role("button", name="Save letter").click()
    expect(page.get_by_text("Letter saved.")).to_be_visible()

    page.goto(f"/referrals/new?participant={person_id}&opportunity={job_id}")
    expect(page.locator(".govuk-warning-text").first).to_contain_text("does not require Robin")
    shot(page, "4-referral-warning")
    page.get_by_label("Share the convictions this employer's check would show").check()
    page.get_by_label("Attach their disclosure letter").check()
    page.get_by_label("They agreed that this may be shared with the employer").check()
    page.get_by_role("button", name="Continue").click()
    # The check page shows the disclosure part as the employer will see it, before anything is sent.
    expect(page.locator("#shared-convictions")).to_contain_text("Violence")
    expect(page.locator("#shared-letter")).to_contain_text("I have changed.")
    page.get_by_role("button", name="Send referral").click()
    expect(page.get_by_text("Referral sent to")).to_be_visible()
    referral_url = page.url

    employer_page = new_page()
    sign_in(employer_page, employer_email, TEST_PASSWORD)
    employer_page.goto(referral_url)
    shared = employer_page.locator("#shared-convictions")
    expect(shared).to_contain_text("Violence")
    expect(employer_page.locator("body")).not_to_contain_text("Driving offences")
    expect(employer_page.locator("#shared-letter")).to_contain_text("I have changed.")
    shot(employer_page, "5-employer-sees")
