"""A course's outcomes, as the course's organisation and the case manager in two browsers: the
organisation records the completion (a date before the start is refused, what was typed kept) and the
qualification gained (every missing answer listed at once); the case manager records that the person
moved into the job they started through the service, and sees it in the Training and volunteering
outcomes table of the job outcomes report. axe-core checks every page."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from marketplace.core import clock
from marketplace.extensions import db
from tests.browser.conftest import fill_date, sign_in
from tests.factories import OpportunityFactory, ReferralFactory, UserFactory
from tests.helpers import TEST_PASSWORD
from tests.referrals.conftest import community_participant

pytestmark = pytest.mark.browser


def test_a_course_completed_a_qualification_gained_and_a_move_into_work(page, new_page):
    manager = UserFactory(role="case_manager", full_name="Casey Manager")
    person = community_participant(case_manager=manager, first_name="Robin", last_name="Okafor")
    course = OpportunityFactory(kind="training", title="Construction skills course",
                                qualification_subject="construction")
    trainer = UserFactory(role="employer", organisation=course.organisation, full_name="Tara Trainer")
    start = clock.today() - timedelta(weeks=6)
    referral = ReferralFactory(participant=person, opportunity=course, status="started", start_date=start,
                               snapshot={"name": "Robin", "parts": []})
    job = ReferralFactory(participant=person, status="started", start_date=clock.today() - timedelta(days=3),
                          opportunity=OpportunityFactory(title="Site labourer"),
                          snapshot={"name": "Robin", "parts": []})
    db.session.commit()
    referral_id, job_id = referral.id, job.id
    trainer_email, manager_email = trainer.email, manager.email

    # The course's organisation records the completion.
    sign_in(page, trainer_email, TEST_PASSWORD)
    page.goto(f"/referrals/{referral_id}")
    expect(page.get_by_role("heading", name="Outcomes")).to_be_visible()
    page.get_by_role("link", name="Record that they completed it").click()
    fill_date(page, "Date they completed it", start - timedelta(days=2))
    page.get_by_label("Note (optional)").fill("All units signed off")
    page.get_by_role("button", name="Record that they completed it").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("must be on or after the day they started")
    expect(page.get_by_label("Note (optional)")).to_have_value("All units signed off")
    fill_date(page, "Date they completed it", clock.today() - timedelta(days=1))
    page.get_by_role("button", name="Record that they completed it").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Recorded that they completed it.")

    # And the qualification: every missing answer at once, then recorded.
    page.get_by_role("link", name="Record a qualification gained").click()
    page.get_by_role("button", name="Record a qualification gained").click()
    summary = page.locator(".govuk-error-summary")
    for message in ("Enter the qualification's title", "Select the qualification's level",
                    "Enter the date it was awarded"):
        expect(summary).to_contain_text(message)
    page.get_by_label("Title of the qualification").fill("Certificate in Construction Skills")
    page.get_by_label("Level 2").check()
    fill_date(page, "Date it was awarded", clock.today())
    page.get_by_role("button", name="Record a qualification gained").click()
    expect(page.locator("main")).to_contain_text("Certificate in Construction Skills (Level 2), awarded")
    expect(page.get_by_role("link", name="Record that they moved into work")).to_have_count(0)  # the case manager's

    # The case manager records the move into the job Robin started through the service.
    other = new_page()
    sign_in(other, manager_email, TEST_PASSWORD)
    other.goto(f"/referrals/{referral_id}")
    other.get_by_role("link", name="Record that they moved into work").click()
    other.get_by_role("radio", name=re.compile(r"Site labourer at .*, started")).check()
    other.get_by_role("button", name="Record that they moved into work").click()
    expect(other.locator(".govuk-notification-banner")).to_contain_text("Recorded that they moved into work.")
    link = other.get_by_role("link", name=re.compile(r"Site labourer at "))
    expect(link).to_have_attribute("href", f"/referrals/{job_id}")

    other.goto("/reports/outcomes")
    table = other.locator("table", has=other.get_by_role("columnheader", name="Qualification gained"))
    row = table.get_by_role("row", name=re.compile(r"Training course"))
    # One person: a count of 1 to 4 is never shown.
    expect(row).to_contain_text("fewer than 5")
