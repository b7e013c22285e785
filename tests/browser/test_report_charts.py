"""Each report page, in Chromium: its charts render (visible SVG with a title) beside their tables."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from playwright.sync_api import expect

from marketplace.core.roles import Role
from marketplace.extensions import db
from tests.browser.conftest import sign_in
from tests.factories import UserFactory
from tests.helpers import TEST_PASSWORD
from tests.reports.world import PERIOD, build

pytestmark = pytest.mark.browser

REPORTS = {"funnel": 6, "outcomes": 4, "guarantees": 1, "alliance": 3, "coverage": 2, "distance": 2, "pathways": 1}


@pytest.mark.parametrize(("report", "charts"), REPORTS.items())
def test_each_report_page_renders_its_charts(app, page, report, charts):
    build()
    admin = UserFactory(role=Role.ADMIN.value, organisation=None, email=f"admin-{report}@test.example")
    db.session.commit()
    sign_in(page, admin.email, TEST_PASSWORD)
    query = urlencode([(name, value) for name, values in PERIOD.items() for value in values])
    page.goto(f"/reports/{report}?{query}")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    svgs = page.locator("svg.fcw-report-chart__svg")
    expect(svgs).to_have_count(charts)
    for index in range(charts):
        chart = svgs.nth(index)
        expect(chart).to_be_visible()
        assert chart.bounding_box()["width"] > 200
        assert chart.locator("title").first.text_content()
        figure = chart.locator("xpath=ancestor::div[contains(@class, 'fcw-report-figure')]")
        expect(figure.locator("table")).to_be_visible()
    expect(page.locator("table[data-report-table]").first).to_be_visible()
