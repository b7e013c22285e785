"""The Community Payback report and the admins' list of projects, in Chromium with axe-core on every page.

Over a year built through the operations (tests/payback/report_world.py): the North West's payback
manager opens Reports from the navigation, sets the period and reads their own region only (no region
to choose); an admin opens the list of projects across regions from their home page, narrows it to
London, opens the project's page, and reads the report for every region."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import expect

from marketplace.core.roles import Role
from marketplace.extensions import db
from tests.browser.conftest import fill_date, sign_in
from tests.factories import UserFactory
from tests.helpers import TEST_PASSWORD
from tests.payback import report_world

pytestmark = pytest.mark.browser


def show_the_year(tab) -> None:
    fill_date(tab, "From", date(2027, 1, 1))
    fill_date(tab, "To", date(2027, 11, 30))
    tab.get_by_role("button", name="Show figures").click()


def test_the_payback_report_and_the_list_of_projects(page, new_page):
    world = report_world.build()
    admin = UserFactory(role=Role.ADMIN.value, organisation=None, email="admin-payback@test.example")
    db.session.commit()

    sign_in(page, world.manager.email, TEST_PASSWORD)
    page.get_by_role("link", name="Reports").click()
    page.get_by_role("link", name="Community Payback").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Community Payback")
    expect(page.get_by_role("combobox", name="Region")).to_have_count(0)  # their own region, nothing to choose
    show_the_year(page)
    into_work = page.locator('table[data-report-table="into-work"]')
    expect(into_work.get_by_role("row", name="North West")).to_contain_text("9")
    expect(into_work.get_by_role("row", name="North West").locator("td").nth(2)).to_have_text("6")
    expect(page.locator('table[data-report-table="projects"]')).not_to_contain_text("London")
    expect(page.get_by_role("link", name="CSV").nth(2)).to_be_visible()

    reader = new_page()
    sign_in(reader, admin.email, TEST_PASSWORD)
    reader.get_by_role("link", name="See Community Payback projects in every region").click()
    expect(reader.get_by_role("heading", name="Community Payback projects")).to_be_visible()
    reader.get_by_role("combobox", name="Region").select_option("London")
    reader.get_by_role("button", name="Show").click()
    expect(reader.get_by_role("link", name="Lido fence")).to_be_visible()
    expect(reader.get_by_role("link", name="Allotment paths")).to_have_count(0)
    reader.get_by_role("link", name="Lido fence").click()
    expect(reader.get_by_role("heading", name="Lido fence")).to_be_visible()
    expect(reader.get_by_role("link", name="Assess this nomination")).to_have_count(0)
    reader.get_by_role("link", name="Back to all projects").click()
    reader.goto("/reports/payback")
    show_the_year(reader)
    projects = reader.locator('table[data-report-table="projects"]')
    expect(projects.get_by_role("row", name="London")).to_be_visible()
    expect(projects.get_by_role("row", name="North West")).to_be_visible()
