"""The coverage report: releases requested, with a mentor, met and not met, by prison and region,
over a chosen period, and how long requests waited for a mentor."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from marketplace.core import clock
from marketplace.gatemate.coverage import coverage_report, duration_text
from tests.factories import RequestEventFactory, UserFactory
from tests.helpers import sign_in_client

TODAY = date(2027, 6, 1)
MADE = datetime(2027, 4, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def world(make_mentor, make_request):
    clock.fix(datetime(2027, 6, 1, 12, 0, tzinfo=UTC))
    north = make_mentor(prisons=["HMP Liverpool", "HMP Styal"], full_name="North Mentor")
    leeds = make_mentor(prisons=["HMP Leeds"], full_name="Leeds Mentor")

    def made(prison, release, status, waited_hours=None, mentor=None, action="accept"):
        request = make_request(prison=prison, release_date=release, status=status, created_at=MADE,
                               mentor_id=mentor.id if mentor else None)
        if waited_hours is not None:
            RequestEventFactory(request=request, action=action, from_status="open", to_status="accepted",
                                at=MADE + timedelta(hours=waited_hours))
        return request

    may = date(2027, 5, 10)
    made("HMP Liverpool", may, "met", 2, north)
    made("HMP Liverpool", may, "not_met", 10, north, action="assign")
    made("HMP Liverpool", may, "expired")
    made("HMP Styal", may, "met", 30, north)
    made("HMP Styal", may, "cancelled")
    made("HMP Leeds", may, "met", 100, leeds)
    made("HMP Leeds", date(2027, 6, 20), "open")
    made("HMP Dartmoor", may, "expired")
    made("HMP Liverpool", date(2026, 12, 1), "met", 1, north)  # outside the default period
    # A request handed back and taken again keeps its first wait.
    again = made("HMP Styal", may, "accepted", 4, north)
    RequestEventFactory(request=again, action="accept", at=MADE + timedelta(hours=50))
    return {"north": north, "leeds": leeds}


def test_admin_report_counts_everything_by_region_and_prison(world):
    report = coverage_report(date(2027, 3, 1), date(2027, 6, 30))
    total = report.total
    assert (total.requested, total.mentor_found, total.met, total.not_met, total.no_mentor, total.waiting,
            total.cancelled) == (9, 5, 3, 1, 2, 1, 1)
    assert sorted(total.waits) == [timedelta(hours=h) for h in (2, 4, 10, 30, 100)]
    assert total.median_wait == timedelta(hours=10) and total.longest_wait == timedelta(hours=100)
    regions = {row.label: row for row in report.regions}
    assert set(regions) == {"North West", "Yorkshire and the Humber", "South West"}
    assert (regions["North West"].requested, regions["North West"].met) == (6, 2)
    assert regions["North West"].median_wait == timedelta(hours=7)  # 2, 4, 10, 30
    prisons = {row.label: row for row in report.prisons}
    assert [row.label for row in report.prisons] == ["HMP Liverpool", "HMP Styal", "HMP Leeds", "HMP Dartmoor"]
    assert (prisons["HMP Liverpool"].requested, prisons["HMP Liverpool"].no_mentor) == (3, 1)
    assert prisons["HMP Dartmoor"].organisations_covering == 0
    assert prisons["HMP Liverpool"].organisations_covering == 1


def test_the_period_and_region_filter_the_report(world):
    assert coverage_report(date(2026, 11, 1), date(2026, 12, 31)).total.requested == 1
    assert coverage_report(date(2027, 6, 2), date(2027, 6, 30)).total.requested == 1
    yorkshire = coverage_report(date(2027, 3, 1), date(2027, 6, 30), region="Yorkshire and the Humber")
    assert (yorkshire.total.requested, yorkshire.total.waiting) == (2, 1)
    assert [row.label for row in yorkshire.prisons] == ["HMP Leeds"]


def test_a_coordinator_sees_their_coverage_and_their_mentors_requests(world, make_request):
    coordinator = UserFactory(role="coordinator", organisation=world["leeds"].organisation)
    # Their mentor met someone at a prison the organisation does not cover: it counts too.
    make_request(prison="HMP Wakefield", release_date=date(2027, 5, 1), status="met",
                 mentor_id=world["leeds"].id)
    report = coverage_report(date(2027, 3, 1), date(2027, 6, 30), organisation_id=coordinator.organisation_id)
    assert [row.label for row in report.prisons] == ["HMP Leeds", "HMP Wakefield"]
    assert (report.total.requested, report.total.met, report.total.waiting) == (3, 2, 1)


def test_the_coverage_page(client, world):
    sign_in_client(client, UserFactory(role="admin"))
    page = client.get("/gatemate/coverage?period_from=1&period_from=3&period_from=2027"
                      "&period_to=30&period_to=6&period_to=2027").data.decode()
    assert "Releases from 1 March 2027 to 30 June 2027" in page
    assert "HMP Dartmoor" in page and "Not covered" in page and "Covered by 1 organisation" in page
    assert "10 hours" in page and "4 days 4 hours" in page
    default = client.get("/gatemate/coverage").data.decode()
    assert "Releases from 9 March 2027 to 29 June 2027" in default
    bad = client.get("/gatemate/coverage?period_from=1&period_from=6&period_from=2027"
                     "&period_to=1&period_to=1&period_to=2027").data.decode()
    assert "The end of the period must be on or after its start" in bad
    nonsense = client.get("/gatemate/coverage?period_from=x&period_from=y&period_from=z")
    assert nonsense.status_code == 200 and "must be a real date" in nonsense.data.decode()
    coordinator = UserFactory(role="coordinator", organisation=world["north"].organisation)
    sign_in_client(client, coordinator)
    page = client.get("/gatemate/coverage").data.decode()
    assert "HMP Styal" in page and "HMP Dartmoor" not in page and "HMP Leeds" not in page


@pytest.mark.parametrize(("value", "text"), [
    (None, "None"), (timedelta(minutes=20), "under an hour"), (timedelta(hours=1), "1 hour"),
    (timedelta(days=1), "1 day"), (timedelta(days=2, hours=5, minutes=59), "2 days 5 hours"),
])
def test_durations_read_naturally(value, text):
    assert duration_text(value) == text
