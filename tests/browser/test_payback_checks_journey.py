"""The outside test's Community Payback findings, in Chromium with axe on every page: the payback
manager allocates Paula, who has 6 hours left, to a 6.5-hour session and is warned when she finishes
(her attendance offered at 6 hours); allocating her again names her; hours recorded as an absence with
skills ticked on a day before the project's work starts are refused with both problems at once; and the
public page of a project accepted without a vote shows no vote count."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest
from playwright.sync_api import expect

from marketplace.core import clock
from marketplace.extensions import db
from marketplace.payback.models import PaybackHours, PaybackOrder, PaybackSession
from tests.browser.conftest import fill_date, sign_in
from tests.factories import ParticipantFactory, PaybackProjectFactory, UserFactory
from tests.helpers import TEST_PASSWORD

pytestmark = pytest.mark.browser


def test_allocation_warns_of_hours_left_and_hours_say_what_happened(page, new_page):
    clock.fix(datetime(2026, 12, 14, 8, 0, tzinfo=UTC))
    manager = UserFactory(role="payback_manager", full_name="Pat Payback")
    case_manager = UserFactory(role="case_manager", organisation=manager.organisation)
    paula = ParticipantFactory(case_manager=case_manager, first_name="Paula", last_name="Chambers",
                               location="community", prison=None, release_date=None)
    db.session.add(PaybackOrder(participant_id=paula.id, hours_ordered=40, made_on=date(2026, 9, 1),
                                recorded_by_id=manager.id))
    project = PaybackProjectFactory(status="accepted", title="Build raised beds at Ewood allotments",
                                    town="Blackburn", work_starts_on=date(2026, 12, 14))
    db.session.flush()
    for day in (7, 14, 21):  # 34 of 40 hours done, on ETE before the project's work started
        db.session.add(PaybackHours(participant_id=paula.id, kind="ete", worked_on=date(2026, 10, day),
                                    minutes=680, outcome="acceptable", skills=[], activity="Forklift course",
                                    recorded_by_id=manager.id))
    session = PaybackSession(project_id=project.id, day=date(2026, 12, 14), starts_at=time(9, 0),
                             ends_at=time(15, 30), place="Park gate on Grange Road", supervisor_id=manager.id,
                             capacity=4, places_taken=0)
    db.session.add(session)
    db.session.commit()
    manager_email, paula_id, session_id, project_id = manager.email, paula.id, session.id, project.id

    sign_in(page, manager_email, TEST_PASSWORD)
    page.goto(f"/community-payback/sessions/{session_id}")
    page.get_by_label("Person").select_option(label="Paula Chambers")
    page.get_by_role("button", name="Allocate to this session").click()
    expect(page.get_by_text("Paula Chambers has only 6 hours left on their order")).to_contain_text(
        "they finish their order at 15:00")
    expect(page.get_by_label("Hours credited: Paula Chambers")).to_have_value("6")

    # Hours typed as an absence with skills, a week before the work starts: both problems at once.
    page.goto(f"/community-payback/people/{paula_id}/hours")
    fill_date(page, "Date worked", date(2026, 12, 7))
    page.get_by_label("Unpaid work on a project").check()
    page.get_by_label("Project", exact=True).select_option(label="Build raised beds at Ewood allotments, Blackburn")
    page.get_by_label("Absent: unacceptable").check()
    page.get_by_label("Hours credited").fill("0")
    page.get_by_label("Working in a team").check()
    page.get_by_role("button", name="Record hours").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Work on this project starts on 14 December 2026")
    expect(summary).to_contain_text("No skills are practised on a day not worked")
    expect(page.get_by_label("Working in a team")).to_be_checked()  # what was typed is kept

    # The public page of a project accepted without a vote gives no vote count.
    public = new_page()
    public.goto(f"/community-payback/projects/{project_id}")
    expect(public.get_by_role("heading", name="Build raised beds at Ewood allotments")).to_be_visible()
    expect(public.locator("#vote-count")).to_have_count(0)
