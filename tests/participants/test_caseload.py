"""The caseload: the default view, its filters, its sort, mine and my organisation's."""

from __future__ import annotations

from datetime import timedelta

from marketplace.core import clock
from tests.factories import ParticipantFactory, UserFactory


def names(page: bytes) -> list[str]:
    import re

    return re.findall(r'href="/participants/\d+">([^<]+)</a>', page.decode())


def test_default_view_shows_open_cases_releasing_within_12_weeks_soonest_first(client, login_as):
    manager = login_as("case_manager")
    today = clock.today()
    ParticipantFactory(case_manager=manager, first_name="Soon", last_name="A", release_date=today + timedelta(days=3))
    ParticipantFactory(case_manager=manager, first_name="Later", last_name="B", release_date=today + timedelta(days=70))
    ParticipantFactory(case_manager=manager, first_name="Far", last_name="C", release_date=today + timedelta(days=120))
    ParticipantFactory(case_manager=manager, first_name="Out", last_name="D", location="community", prison=None,
                       release_date=today - timedelta(days=30))
    ParticipantFactory(case_manager=manager, first_name="Shut", last_name="E", status="closed",
                       release_date=today + timedelta(days=5))
    assert names(client.get("/participants/").data) == ["Soon A", "Later B"]
    assert names(client.get("/participants/?window=6m").data) == ["Soon A", "Later B", "Far C"]
    assert names(client.get("/participants/?window=released").data) == ["Out D"]
    assert names(client.get("/participants/?status=closed&window=all").data) == ["Shut E"]
    assert names(client.get("/participants/?window=6m&sort=release_desc").data) == ["Far C", "Later B", "Soon A"]


def test_someone_still_in_custody_after_their_release_date_stays_among_those_to_be_released(client, login_as):
    """Not released on the day (or not yet recorded): the record says custody, so the list must too."""
    manager = login_as("case_manager")
    today = clock.today()
    ParticipantFactory(case_manager=manager, first_name="Kept", last_name="In", release_date=today - timedelta(days=1))
    ParticipantFactory(case_manager=manager, first_name="Soon", last_name="A", release_date=today + timedelta(days=3))
    page = client.get("/participants/").data.decode()
    assert names(page.encode()) == ["Kept In", "Soon A"]
    assert "(date passed, not recorded as released)" in page and "(released)" not in page
    assert names(client.get("/participants/?window=released").data) == []


def test_filters_by_region_readiness_and_text(client, login_as):
    manager = login_as("case_manager")
    ParticipantFactory(case_manager=manager, first_name="North", last_name="West", readiness="ready")
    ParticipantFactory(case_manager=manager, first_name="South", last_name="Coast", release_region="South East")
    assert names(client.get("/participants/?region=South+East").data) == ["South Coast"]
    assert names(client.get("/participants/?readiness=ready").data) == ["North West"]
    assert names(client.get("/participants/?q=coast").data) == ["South Coast"]


def test_mine_and_my_organisations(client, login_as):
    manager = login_as("case_manager")
    colleague = UserFactory(role="case_manager", organisation=manager.organisation)
    ParticipantFactory(case_manager=manager, first_name="Mine", last_name="One")
    ParticipantFactory(case_manager=colleague, first_name="Theirs", last_name="Two")
    ParticipantFactory(first_name="Other", last_name="Organisation")
    assert names(client.get("/participants/").data) == ["Mine One"]
    assert sorted(names(client.get("/participants/?scope=organisation").data)) == ["Mine One", "Theirs Two"]


def test_bad_filter_values_fall_back_to_the_default(client, login_as):
    manager = login_as("case_manager")
    ParticipantFactory(case_manager=manager, first_name="Soon", last_name="A")
    response = client.get("/participants/?window=forever&sort=chaos")
    assert response.status_code == 200
    assert names(response.data) == ["Soon A"]


def test_home_page_counts_the_caseload(client, login_as):
    manager = login_as("case_manager")
    ParticipantFactory(case_manager=manager)
    ParticipantFactory(case_manager=manager, release_date=clock.today() + timedelta(days=200))
    page = client.get("/home").data.decode()
    assert '<span class="fcw-figure__number">2</span> open cases' in page
    assert '<span class="fcw-figure__number">1</span> releasing within 12 weeks' in page
