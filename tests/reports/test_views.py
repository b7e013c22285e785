"""The report pages: scope by role, filters from the address, the CSV equal to the table on the page."""

from __future__ import annotations

import csv
import io
import re
from html import unescape

import pytest

from marketplace.core import clock
from marketplace.core.roles import Role
from marketplace.extensions import db
from tests.helpers import sign_in_client
from tests.reports.world import PERIOD, TODAY, build


@pytest.fixture
def world(app):
    return build()


def page_tables(html: str) -> dict[str, list[list[str]]]:
    """Each report table on the page as rows of cell texts (headings first)."""
    found = {}
    for key, body in re.findall(r'<table[^>]*data-report-table="([^"]+)"[^>]*>(.*?)</table>', html, re.S):
        rows = []
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S):
            cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
            rows.append([unescape(re.sub(r"<[^>]+>", "", cell)).strip() for cell in cells])
        found[key] = rows
    return found


def csv_rows(client, report: str, table: str, **args) -> list[list[str]]:
    response = client.get(f"/reports/{report}.csv", query_string={"table": table, **args})
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))


@pytest.mark.parametrize("report", ["funnel", "outcomes", "guarantees", "distance", "pathways", "alliance",
                                    "coverage"])
def test_csv_equals_the_table_on_the_page(world, client, report):
    sign_in_client(client, _admin())
    clock.fix(TODAY)
    html = client.get(f"/reports/{report}", query_string=PERIOD).get_data(as_text=True)
    tables = page_tables(html)
    assert tables, "the page shows at least one table"
    for key, rows in tables.items():
        from_csv = csv_rows(client, report, key, **PERIOD)
        if from_csv[0][1:2] == ["Code"]:  # region codes (RS01) are in the CSV only, not on the page
            assert all(line[1] == "" or line[1].startswith("RS01") for line in from_csv[1:])
            from_csv = [line[:1] + line[2:] for line in from_csv]
        assert from_csv == rows, key


def test_page_shows_charts_beside_tables_and_suppression(world, client):
    sign_in_client(client, _admin())
    html = client.get("/reports/funnel", query_string=PERIOD).get_data(as_text=True)
    assert html.count('<svg xmlns="http://www.w3.org/2000/svg" class="fcw-report-chart__svg" role="img"') == 6
    assert "fewer than 5" in html
    assert re.search(r"RS01[A-Z]{2}", html) is None  # regions in words on the page; the codes are in the CSV
    assert "North West" in html
    assert "Download this table as CSV" in html
    assert "/reports/funnel.csv?table=stages&amp;period_from=1&amp;period_from=1&amp;period_from=2026" in html


def test_employer_never_sees_another_employers_figures(world, client):
    sign_in_client(client, world.b_user)
    for report in ("funnel", "outcomes", "guarantees"):
        html = client.get(f"/reports/{report}", query_string=PERIOD).get_data(as_text=True)
        assert "Ardent Build" not in html and "Civic Care" not in html and "Construction" not in html
    rows = csv_rows(client, "funnel", "by-region", **PERIOD)
    assert [row[0] for row in rows[1:]] == ["London", "All"]
    assert rows[-1][2] == "6"
    assert client.get("/reports/distance").status_code == 403
    assert client.get("/reports/alliance").status_code == 403


def test_region_and_period_come_from_the_address(world, client):
    sign_in_client(client, _admin())
    rows = csv_rows(client, "funnel", "by-region", region="London", **PERIOD)
    assert [row[0] for row in rows[1:]] == ["London", "All"]
    december = {"period_from": ["1", "12", "2025"], "period_to": ["31", "12", "2025"]}
    rows = csv_rows(client, "funnel", "stages", **december)
    assert rows[1][:2] == ["New", "fewer than 5"]


def test_bad_filters_fall_back_to_the_usual_period(world, client):
    sign_in_client(client, _admin())
    response = client.get("/reports/funnel", query_string={**PERIOD, "period_to": ["1", "1", "2025"],
                                                            "region": "Atlantis"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "The end of the period must be on or after its start" in html
    assert "all regions" in html


@pytest.mark.parametrize("period", [{"period_from": ["1", "1", "0001"]}, {"period_to": ["31", "12", "9999"]}])
def test_periods_far_from_today_fall_back(world, client, period):
    sign_in_client(client, _admin())
    for report in ("funnel", "alliance", "coverage", "pathways"):
        response = client.get(f"/reports/{report}", query_string={**PERIOD, **period})
        assert response.status_code == 200
        assert "The period must fall between 2000 and a year from today" in response.get_data(as_text=True)


def test_unknown_csv_table_is_not_found(world, client):
    sign_in_client(client, _admin())
    assert client.get("/reports/funnel.csv?table=nope").status_code == 404


def test_navigation_has_reports_for_roles_that_have_them(app, client, login_as):
    login_as(Role.EMPLOYER)
    assert 'href="/reports/"' in client.get("/referrals/inbox").get_data(as_text=True) or \
        'href="/reports/"' in client.get("/notifications").get_data(as_text=True)


def test_navigation_has_no_reports_for_mentors(app, client, login_as):
    login_as(Role.MENTOR)
    assert 'href="/reports/"' not in client.get("/notifications").get_data(as_text=True)


def _admin():
    from tests.factories import UserFactory

    user = UserFactory(role=Role.ADMIN.value, organisation=None)
    db.session.commit()
    return user
