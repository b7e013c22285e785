"""The Community Payback report (reports/payback.py) over a year built through the operations
(tests/payback/report_world.py): projects at each step per region, hours and their value, ETE hours,
and people from payback into a job within six months of finishing (never training, never later)."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from marketplace.core import clock
from marketplace.core.roles import Role
from marketplace.payback.operations import value_at_minimum_wage
from marketplace.reports.payback import add_months, finished_orders, payback_report, people_into_work
from marketplace.reports.scope import SERVICE, Filters, Scope, scope_for
from tests.helpers import sign_in_client
from tests.payback import report_world
from tests.payback.report_world import PERIOD

YEAR = Filters(date(2027, 1, 1), date(2027, 11, 30))


@pytest.fixture
def world(app):
    return report_world.build()


def values(table, label):
    return next(row.values for row in table.rows if row.label == label)


def texts(table, label):
    row = next(row for row in table.rows if row.label == label)
    return {column.key: cell.text for column, cell in zip(table.columns, table.cells(row), strict=True)}


def test_add_months_keeps_the_day_or_the_months_last():
    assert add_months(date(2027, 4, 9), 6) == date(2027, 10, 9)
    assert add_months(date(2027, 8, 31), 6) == date(2028, 2, 29)
    assert add_months(date(2027, 12, 15), 1) == date(2028, 1, 15)


def test_projects_are_counted_at_each_step_they_took_in_the_period(world):
    report = payback_report(Scope(SERVICE), YEAR)
    projects = report.table("projects")
    assert values(projects, "North West") == {"nominated": 4, "confirmed": 3, "assessed": 3, "shortlisted": 2,
                                              "voted": 2, "votes": 4, "delivered": 1}
    assert values(projects, "London") == {"nominated": 1, "confirmed": 1, "assessed": 1, "shortlisted": 0,
                                          "voted": 0, "votes": 0, "delivered": 0}
    assert values(projects, "All")["nominated"] == 5
    # Project counts are not people: small ones are shown as they are.
    assert texts(projects, "London")["nominated"] == "1" and texts(projects, "North West")["votes"] == "4"


def test_the_date_range_moves_every_figure(world):
    december = payback_report(Scope(SERVICE), Filters(date(2026, 12, 1), date(2026, 12, 31)))
    assert values(december.table("projects"), "North West")["nominated"] == 1  # the pond, only
    assert values(december.table("hours"), "North West")["work_hours"] == 0
    january = payback_report(Scope(SERVICE), Filters(date(2027, 1, 1), date(2027, 1, 31)))
    assert values(january.table("projects"), "North West")["voted"] == 0  # the vote closed in February
    march = payback_report(Scope(SERVICE), Filters(date(2027, 3, 1), date(2027, 3, 31)))
    assert values(march.table("hours"), "North West")["work_hours"] == 259
    assert values(march.table("hours"), "North West")["ete_hours"] == 0  # ETE was in April
    assert values(march.table("into-work"), "North West")["finished"] == 0  # they finished in April


def test_hours_their_value_at_the_minimum_wage_and_ete_hours(world):
    report = payback_report(Scope(SERVICE), YEAR)
    hours = values(report.table("hours"), "North West")
    assert hours["work_hours"] == 259 and hours["ete_hours"] == 108
    worth = value_at_minimum_wage(259 * 60, clock.today())
    assert hours["value"] == worth.quantize(hours["value"])
    assert ("Hours of unpaid work", "259") in report.fact_texts
    assert ("ETE hours", "108") in report.fact_texts
    assert values(report.table("hours"), "London")["work_hours"] == 0


def test_a_job_within_six_months_counts_later_jobs_and_training_do_not(world):
    finished = finished_orders(YEAR)
    assert len(finished) == 9 and {row[3] for row in finished} == {report_world.FINISHED_ON}
    counts = people_into_work(YEAR, clock.today())["North West"]
    # Six started paid work on 1 July; the one who started 7 months after finishing and the one who
    # started a training course (and was recorded as moved into work from it) are not counted.
    assert counts == {"finished": 9, "due": 9, "into_work": 6}
    report = payback_report(Scope(SERVICE), YEAR)
    assert texts(report.table("into-work"), "North West") == {"finished": "9", "due": "9", "into_work": "6"}


def test_the_job_counts_once_the_months_are_short_of_seven(world):
    late = world.late
    late.start_date = add_months(report_world.FINISHED_ON, 6)  # the last day that counts
    assert people_into_work(YEAR, clock.today())["North West"]["into_work"] == 7


def test_six_months_not_yet_passed_are_counted_apart(world):
    clock.fix(report_world.at(date(2027, 9, 1)))
    counts = people_into_work(Filters(date(2027, 1, 1), date(2027, 8, 31)), clock.today())["North West"]
    assert counts["finished"] == 9 and counts["due"] == 0


def test_small_counts_of_people_are_suppressed_like_the_other_reports(world):
    # Only in London: nobody there; in a period where four people finished, "fewer than 5".
    for person in world.people[4:9]:
        person.organisation_id = world.london_manager.organisation_id
    report = payback_report(Scope(SERVICE), YEAR)
    table = report.table("into-work")
    assert texts(table, "North West")["finished"] == "fewer than 5"
    # The total row would give the small count back by subtraction: London's is withheld too.
    assert texts(table, "London")["finished"] == "withheld" and texts(table, "All")["finished"] == "9"
    # And no published cell, sum or table lets a reader narrow a hidden count (the reports' own attacker).
    from tests.reports.test_suppression import known_sums, narrowed, published_cells, small_ones_are_shown_small

    small_ones_are_shown_small(report)
    assert narrowed(published_cells(report), known_sums(report)) == {}


def test_a_payback_manager_sees_their_own_region_only(world, app):
    scope = scope_for(world.manager)
    assert scope.kind == "payback" and scope.region == "North West"
    report = payback_report(scope, Filters(YEAR.start, YEAR.end, "London"))
    assert [row.label for row in report.table("projects").rows] == ["North West"]


@pytest.mark.parametrize("role", [Role.ADMIN, Role.PAYBACK_MANAGER])
def test_the_report_page_and_its_csv(client, login_as, world, role):
    if role == Role.PAYBACK_MANAGER:
        sign_in_client(client, world.manager)
    else:
        login_as(Role.ADMIN)
    page = client.get("/reports/payback", query_string=PERIOD)
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Community Payback" in text and "Started a job within six months" in text
    if role == Role.PAYBACK_MANAGER:
        assert "London" not in text and 'name="region"' not in text
    answer = client.get("/reports/payback.csv", query_string={**PERIOD, "table": "into-work", "region": "London"})
    assert answer.status_code == 200 and answer.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(answer.get_data(as_text=True))))
    assert rows[0] == ["Region", "Code", "Finished their order", "Six months since finishing passed",
                       "Started a job within six months"]
    if role == Role.PAYBACK_MANAGER:  # the region asked for is not theirs: theirs is given
        assert rows[1][0] == "North West" and rows[1][2:] == ["9", "9", "6"]
    else:
        assert [row[0] for row in rows[1:]] == ["London"]


def test_ete_past_the_regions_cap_is_not_counted_nor_does_it_finish_an_order(world):
    from marketplace.payback import operations as payback

    clock.fix(report_world.at(date(2027, 5, 1)))
    unfinished = world.people[9]  # 7 hours of work done; the cap is 30% of 40 hours: 12 ETE hours
    for day in (date(2027, 4, 16), date(2027, 4, 23), date(2027, 4, 30)):
        payback.record_hours(unfinished, world.manager, payback.HoursDetails(
            kind="ete", worked_on=day, minutes=10 * 60, outcome="acceptable", activity="Forklift course"))
    clock.fix(report_world.TODAY)
    report = payback_report(Scope(SERVICE), YEAR)
    assert values(report.table("hours"), "North West")["ete_hours"] == 108 + 12
    assert people_into_work(YEAR, clock.today())["North West"]["finished"] == 9
