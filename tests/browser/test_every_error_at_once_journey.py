"""An employer fills in a vacancy with six mistakes, sees all six in one error summary, follows a link
to a field, fixes everything in one go and saves: two submits, not seven."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from marketplace.core import clock
from marketplace.extensions import db
from tests.browser.conftest import fill_date, sign_in
from tests.factories import UserFactory, member_organisation
from tests.helpers import TEST_PASSWORD

pytestmark = pytest.mark.browser


def test_a_vacancy_with_six_mistakes_is_fixed_in_one_more_submit(page):
    employer = UserFactory(role="employer", organisation=member_organisation(3, name="Aire Valley Foods"))
    email = employer.email
    db.session.commit()

    sign_in(page, email, TEST_PASSWORD)
    page.goto("/opportunities/new")
    page.get_by_label("Vacancy", exact=True).check()
    page.get_by_label("Title").fill("Prep cook")
    page.get_by_label("Description").fill("Preparing vegetables and sauces for a busy canteen.")
    page.get_by_label("Sector").select_option("Catering and hospitality")
    page.get_by_label("Region").select_option("Yorkshire and the Humber")
    page.get_by_label("Hours per week (optional)").fill("200")
    page.get_by_label("Pay from (optional)").fill("9.50")
    page.get_by_label("Pay to (optional)").fill("8")
    page.get_by_label("Paid", exact=True).select_option("hour")
    fill_date(page, "Closing date", clock.today() - timedelta(days=2))
    page.get_by_label("Number of places").fill("0")
    page.get_by_label("No offences are excluded").check()
    page.get_by_label("Arson").check()
    page.get_by_role("button", name="Save and preview").click()

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary.locator("li")).to_have_count(6)
    for text in ("Hours per week must be more than 0 and no more than 80", "below the National Minimum Wage",
                 "Pay from must not be more than pay to", "The closing date must be today or in the future",
                 "The number of places must be 1 or more",
                 "You said no offences are excluded, so do not select any others"):
        expect(summary.get_by_role("link", name=text)).to_be_visible()
    expect(page.get_by_label("Title")).to_have_value("Prep cook")  # what was typed is kept
    summary.get_by_role("link", name="The number of places must be 1 or more").click()
    expect(page.get_by_label("Number of places")).to_be_focused()

    page.get_by_label("Hours per week (optional)").fill("37.5")
    page.get_by_label("Pay from (optional)").fill("12.80")
    page.get_by_label("Pay to (optional)").fill("13.20")
    fill_date(page, "Closing date", clock.today() + timedelta(days=14))
    page.get_by_label("Number of places").fill("2")
    page.get_by_label("No offences are excluded").uncheck()
    page.get_by_label("Convictions are considered case by case").check()
    page.get_by_role("button", name="Save and preview").click()
    expect(page.get_by_text("Saved as a draft.")).to_be_visible()
