"""A referral from match to job start, as the case manager and the employer in two browsers:
refer from the participant's matches, offer an interview, confirm it, record it, make and accept
an offer, record the start. Both see the same timeline. Screenshots of each side's referral page
are kept in test-artifacts/."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta

import pytest
from playwright.sync_api import expect

from marketplace.core import clock
from marketplace.core.filters import govuk_date
from marketplace.extensions import db
from marketplace.search import sync
from tests.browser.conftest import ARTIFACTS, fill_date, sign_in
from tests.documents import pdf
from tests.factories import ConsentRecordFactory, OpportunityFactory, ParticipantFactory, UserFactory
from tests.helpers import TEST_PASSWORD

pytestmark = pytest.mark.browser


def assert_navigation_on_one_line(page) -> None:
    items = page.locator(".govuk-service-navigation__item")
    page.wait_for_load_state()
    items.first.wait_for()  # count() does not wait: under load the page may still be arriving
    tops = {round(box["y"]) for box in (items.nth(i).bounding_box() for i in range(items.count()))}
    assert items.count() >= 5 and len(tops) == 1, f"the navigation wraps: rows at {sorted(tops)}"


def test_refer_from_a_match_to_a_job_start_as_both_sides(page, new_page):
    manager = UserFactory(role="case_manager", full_name="Casey Manager")
    person = ParticipantFactory(case_manager=manager, first_name="Robin", last_name="Okafor", location="community",
                                prison=None, release_date=clock.today() - timedelta(days=20),
                                release_town="Warrington", skills=["forklift driving"])
    ConsentRecordFactory(participant=person)
    opportunity = OpportunityFactory(title="Forklift driver", town="Warrington", places=2)
    employer = UserFactory(role="employer", organisation=opportunity.organisation, full_name="Erin Employer")
    manager_email, employer_email, person_id = manager.email, employer.email, person.id
    db.session.commit()
    sync.reindex()

    ARTIFACTS.mkdir(exist_ok=True)
    # The case manager: participant's page -> matches -> refer.
    sign_in(page, manager_email, TEST_PASSWORD)
    assert_navigation_on_one_line(page)
    page.goto(f"/participants/{person_id}")
    page.get_by_role("link", name="Refer Robin to an opportunity").click()
    page.get_by_role("link", name="Refer Robin for Forklift driver").click()
    expect(page.get_by_role("heading", name="Refer Robin Okafor")).to_be_visible()
    page.get_by_label("Name to share").fill("Robin")
    page.get_by_label("CV (optional)").set_input_files(files=[{"name": "robin-cv.pdf", "mimeType": "application/pdf",
                                                               "buffer": pdf("Robin's work history")}])
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("agreed to share")  # consent not ticked
    # The CV chosen is kept, not lost with the error.
    expect(page.locator("#cv-held")).to_have_text("robin-cv.pdf uploaded")
    expect(page.get_by_label("Remove robin-cv.pdf: do not send it")).not_to_be_checked()  # or it can go
    page.get_by_label("They agreed that this may be shared with the employer").check()
    page.get_by_role("button", name="Continue").click()

    # Check your answers: exactly what the employer will see, each answer with a way back to change it.
    expect(page.get_by_role("heading", name="Check your answers before sending the referral")).to_be_visible()
    shared = page.locator("#shared")
    expect(shared).to_contain_text("forklift driving")
    expect(shared).to_contain_text("CV: robin-cv.pdf")
    expect(shared).not_to_contain_text("Okafor")
    page.get_by_role("button", name="Change name").click()
    expect(page.get_by_label("Name to share")).to_have_value("Robin")
    expect(page.locator("#cv-held")).to_have_text("robin-cv.pdf uploaded")
    page.get_by_label("Name to share").fill("Robin O.")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("#shared")).to_contain_text("Robin O.")
    page.screenshot(path=str(ARTIFACTS / "referral-check-answers.png"), full_page=True)
    page.get_by_role("button", name="Send referral").click()
    expect(page.get_by_text(re.compile("Referral sent to"))).to_be_visible()
    expect(page.get_by_role("link", name="CV: robin-cv.pdf")).to_be_visible()
    referral_url = page.url

    # The employer: inbox -> referral -> offer an interview.
    employer_page = new_page()
    sign_in(employer_page, employer_email, TEST_PASSWORD)
    assert_navigation_on_one_line(employer_page)
    employer_page.get_by_role("link", name="Referrals", exact=True).click()
    expect(employer_page.get_by_role("link", name="New (1)")).to_be_visible()
    employer_page.get_by_role("link", name="Robin O.", exact=True).click()
    expect(employer_page.get_by_text("Okafor")).to_have_count(0)
    employer_page.get_by_role("link", name="Offer an interview").click()
    fill_date(employer_page, "Interview date", clock.today() + timedelta(days=7))
    employer_page.get_by_label("Time").fill("10:30")
    employer_page.get_by_label("Where, or the link to join").fill("Depot 4, Warrington")
    employer_page.get_by_label("What to bring (optional)").fill("Photo ID")
    employer_page.get_by_role("button", name="Offer an interview").click()
    expect(employer_page.locator(".govuk-tag").first).to_have_text("Interview offered")

    # The case manager confirms it and writes a message.
    page.goto(referral_url)
    expect(page.get_by_text("Depot 4, Warrington", exact=True)).to_be_visible()
    # The timeline says the date and place entered, not only that an interview was offered.
    expect(page.locator(".fcw-timeline")).to_contain_text(
        f"Interview {govuk_date(clock.today() + timedelta(days=7))} at 10:30am, Depot 4, Warrington")
    page.get_by_role("button", name="Confirm the interview").click()
    expect(page.locator(".govuk-tag").first).to_have_text("Interview booked")
    page.get_by_label(re.compile("Write a message to")).fill("Robin will be there at 10:15.")
    page.get_by_role("button", name="Send message").click()

    employer_page.reload()
    expect(employer_page.get_by_text("Robin will be there at 10:15.")).to_be_visible()

    # The day after the interview (it can only be recorded once it has happened), both sign in again.
    clock.fix(datetime.combine(clock.today() + timedelta(days=8), time(9, 0), tzinfo=UTC))
    sign_in(page, manager_email, TEST_PASSWORD)
    sign_in(employer_page, employer_email, TEST_PASSWORD)

    # The employer records the interview and makes an offer.
    employer_page.goto(referral_url)
    employer_page.get_by_role("button", name="Record that the interview took place").click()
    expect(employer_page.locator(".govuk-tag").first).to_have_text("Interviewed")
    employer_page.get_by_role("link", name="Make a job offer").click()
    # The offer says when, how many hours and what pay (the advertised hours and pay filled in already).
    expect(employer_page.get_by_label("Hours per week")).to_have_value("37.5")
    employer_page.get_by_label("Pay", exact=True).fill("9.50")
    employer_page.get_by_role("button", name="Make a job offer").click()
    summary = employer_page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter the date they would start")
    expect(summary).to_contain_text("below the National Minimum Wage")
    fill_date(employer_page, "Start date offered", clock.today() + timedelta(days=3))
    employer_page.get_by_label("Pay", exact=True).fill("13.50")
    employer_page.get_by_label("Note (optional)").fill("Full time, days.")
    employer_page.get_by_role("button", name="Make a job offer").click()
    expect(employer_page.locator(".govuk-tag").first).to_have_text("Offer made")
    offered = f"Starting {govuk_date(clock.today() + timedelta(days=3))} · 37.5 hours a week · £13.50 an hour"
    expect(employer_page.locator(".fcw-timeline")).to_contain_text(offered)

    # The case manager records the acceptance and the start.
    page.goto(referral_url)
    page.get_by_role("button", name="Record that the offer was accepted").click()
    expect(page.locator(".govuk-tag").first).to_have_text("Offer accepted")
    expect(page.locator("#job-offer + dl")).to_contain_text("£13.50 an hour")
    page.get_by_role("link", name="Record the job start").click()
    fill_date(page, "Date they start work", clock.today())
    page.get_by_role("button", name="Record the job start").click()
    expect(page.locator(".govuk-tag").first).to_have_text("Started work")
    expect(page.get_by_text(re.compile("13-week check:"))).to_be_visible()

    # Both see the whole timeline.
    employer_page.reload()
    for side in (page, employer_page):
        timeline = side.locator(".fcw-timeline")
        for label in ("New", "Interview offered", "Interview booked", "Interviewed", "Offer made", "Offer accepted",
                      "Started work"):
            expect(timeline.get_by_text(label, exact=True)).to_have_count(1)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "referral-case-manager.png"), full_page=True)
    employer_page.screenshot(path=str(ARTIFACTS / "referral-employer.png"), full_page=True)
