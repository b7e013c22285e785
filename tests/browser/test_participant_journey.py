"""A case manager adds a person, records two assessments, sees distance travelled, exports the record."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from marketplace.core import clock
from marketplace.extensions import db
from tests.browser.conftest import fill_date, sign_in
from tests.factories import UserFactory
from tests.helpers import TEST_PASSWORD

pytestmark = pytest.mark.browser


def rate_all(page, rating: str, except_for: dict | None = None) -> None:
    expect(page.get_by_role("heading", name="Record a needs assessment")).to_be_visible()
    groups = page.locator(".govuk-radios--inline")
    expect(groups).to_have_count(10)
    for group in groups.all():
        legend = group.locator("xpath=ancestor::fieldset[1]/legend").inner_text().strip()
        choice = (except_for or {}).get(legend, rating)
        group.get_by_label(choice, exact=True).check()


def test_add_assess_twice_see_distance_travelled_and_export(page):
    manager = UserFactory(role="case_manager", full_name="Casey Manager")
    email = manager.email
    db.session.commit()
    today = clock.today()
    sign_in(page, email, TEST_PASSWORD)

    page.get_by_role("link", name="Caseload", exact=True).click()
    page.get_by_role("link", name="Add a person").click()
    page.get_by_label("Participant number").fill("A4321ZX")
    page.get_by_label("First name").fill("Robin")
    page.get_by_label("Last name").fill("Okafor")
    fill_date(page, "Date of birth", today - timedelta(days=365 * 31))
    page.get_by_label("In prison").check()
    page.get_by_label("Prison", exact=True).select_option("HMP Manchester")
    fill_date(page, "Release date (if in prison)", today + timedelta(days=21))
    page.get_by_label("Region they will live in").select_option("North West")
    page.get_by_label("Postcode (optional)").fill("M4 5JD")
    page.get_by_label("Catering and hospitality").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Robin Okafor added to your caseload")).to_be_visible()
    expect(page.get_by_role("heading", name="Robin Okafor")).to_be_visible()

    page.get_by_role("link", name="Record an assessment").click()
    fill_date(page, "Date of the assessment", today - timedelta(days=45))
    rate_all(page, "Red")
    page.get_by_role("button", name="Save assessment").click()
    expect(page.get_by_text("Record another to see distance travelled")).to_be_visible()

    page.get_by_role("link", name="Record an assessment").click()
    rate_all(page, "Amber", except_for={"Accommodation": "Green", "Drugs": "Red"})
    page.get_by_role("button", name="Save assessment").click()
    expect(page.get_by_role("img", name=re.compile("Distance travelled"))).to_be_visible()
    needs = page.locator("#needs")
    accommodation = re.compile(r"Accommodation\s+Red\s+Green\s+Less need by 2 steps")
    expect(needs.get_by_role("row", name=accommodation)).to_be_visible()
    expect(needs.get_by_role("row", name=re.compile(r"Drugs\s+Red\s+Red\s+No change"))).to_be_visible()

    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile("Export everything held")).click()
    exported = json.loads(download_info.value.path().read_text(encoding="utf-8"))
    assert exported["participant"]["participant_number"] == "A4321ZX"
    assert len(exported["needs_assessments"]) == 2
    assert any(entry["action"] == "participant.viewed" for entry in exported["access_log"])

    page.get_by_role("link", name=re.compile("Everything held, to read and print")).click()
    expect(page.get_by_role("heading", name="Everything held about Robin Okafor")).to_be_visible()
    expect(page.get_by_role("heading", name="Needs assessments")).to_be_visible()
    expect(page.get_by_role("button", name="Print this page")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Catering and hospitality")
