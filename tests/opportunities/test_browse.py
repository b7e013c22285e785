"""Case managers browse open opportunities with simple filters, open one, and print a sheet."""

from __future__ import annotations

import re
from datetime import timedelta

from marketplace.core import clock
from tests.factories import OpportunityFactory


def titles(page: bytes) -> list[str]:
    return re.findall(r'href="/opportunities/\d+">([^<]+)</a>', page.decode())


def test_only_open_opportunities_soonest_closing_first(client, login_as):
    login_as("case_manager")
    OpportunityFactory(title="Later", closing_date=clock.today() + timedelta(days=30))
    OpportunityFactory(title="Sooner", closing_date=clock.today() + timedelta(days=2))
    OpportunityFactory(title="Rolling", closing_date=None, rolling=True)
    for status in ("draft", "closed", "filled", "archived"):
        OpportunityFactory(title=f"Not open: {status}", status=status)
    assert titles(client.get("/opportunities/").data) == ["Sooner", "Later", "Rolling"]


def test_filters_by_kind_sector_and_region_including_national_ones(client, login_as):
    login_as("case_manager")
    OpportunityFactory(title="Leeds picker", region="Yorkshire and the Humber")
    OpportunityFactory(title="Anywhere", region="London", national=True, kind="volunteering", pay_from=None,
                       sector="Charity and community")
    OpportunityFactory(title="Cardiff cook", region="Wales", sector="Catering and hospitality")
    in_yorkshire = titles(client.get("/opportunities/?region=Yorkshire+and+the+Humber").data)
    assert sorted(in_yorkshire) == ["Anywhere", "Leeds picker"]
    assert titles(client.get("/opportunities/?sector=Catering+and+hospitality").data) == ["Cardiff cook"]
    assert titles(client.get("/opportunities/?kind=volunteering").data) == ["Anywhere"]
    assert len(titles(client.get("/opportunities/?kind=nonsense").data)) == 3


def test_pages_of_twenty(client, login_as):
    login_as("case_manager")
    for number in range(23):
        OpportunityFactory(title=f"Job {number:02d}", closing_date=clock.today() + timedelta(days=number + 1))
    first = client.get("/opportunities/").data
    assert len(titles(first)) == 20 and b"23 open opportunities" in first
    assert titles(client.get("/opportunities/?page=2").data) == ["Job 20", "Job 21", "Job 22"]


def test_a_case_manager_opens_one_and_prints_a_sheet_without_navigation(client, login_as):
    login_as("case_manager")
    opportunity = OpportunityFactory(
        kind="guaranteed_interview", title="Guaranteed interview: CSCS labourer", sector="Construction",
        minimum_requirements=["Holds a CSCS card", "Can start at 7.30am"], required_course="CSCS Level 1 course",
        offence_exclusions=["case_by_case", "arson"], involves_vulnerable_adults=True)
    page = client.get(f"/opportunities/{opportunity.id}").data.decode()
    assert "Holds a CSCS card" in page and "Print a one-page sheet" in page
    assert "The role involves working with vulnerable adults: an enhanced DBS check is likely" in page
    response = client.get(f"/opportunities/{opportunity.id}/print")
    sheet = response.data.decode()
    assert response.status_code == 200
    assert "Holds a CSCS card" in sheet and "You have completed: CSCS Level 1 course" in sheet
    assert f"Reference FCW-{opportunity.id}" in sheet and "Cannot accept: arson" in sheet
    assert "The work involves vulnerable adults" in sheet
    assert "govuk-service-navigation" not in sheet and "govuk-footer" not in sheet and "Sign out" not in sheet
    assert 'class="fcw-sheet"' in sheet


def test_the_guaranteed_interview_links_the_named_course_when_the_employer_runs_it(client, login_as):
    login_as("case_manager")
    course = OpportunityFactory(kind="training", title="Warehouse skills course", pay_from=None, is_training=True,
                                qualification_subject="retail_commercial", qualification_level="1")
    interview = OpportunityFactory(organisation=course.organisation, kind="guaranteed_interview",
                                   title="Guaranteed interview: picker", minimum_requirements=["Can work shifts"],
                                   required_course="warehouse skills course")
    page = client.get(f"/opportunities/{interview.id}").data.decode()
    assert f'href="/opportunities/{course.id}">warehouse skills course</a>' in page
