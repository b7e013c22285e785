"""Community Payback sessions changed and cancelled, and a social enterprise's offer on completion: the
payback manager tries to move a session with one person on it into the past with no places (both
problems said at once), moves it, then cancels it (a reason needed), and it shows Cancelled on the
list; they say the project is run by a social enterprise that offers a guaranteed interview; once the
person's hours are done their case manager sees the offer on the person's page and opens the usual
referral form in one step. Every page is checked with axe-core."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from playwright.sync_api import expect

from marketplace.core import clock
from marketplace.core.db import write_intent
from marketplace.core.filters import govuk_date
from marketplace.extensions import db
from marketplace.payback import operations
from marketplace.payback.models import PaybackOrder, PaybackSession
from tests.browser.conftest import fill_date, sign_in
from tests.factories import (
    ConsentRecordFactory,
    OpportunityFactory,
    OrganisationFactory,
    ParticipantFactory,
    PaybackProjectFactory,
    UserFactory,
)
from tests.helpers import TEST_PASSWORD

pytestmark = pytest.mark.browser


def test_a_session_is_moved_then_cancelled_and_a_completed_order_leads_to_a_referral(page, new_page):
    clock.fix(datetime(2027, 3, 10, 9, 0, tzinfo=UTC))
    today = clock.today()
    manager = UserFactory(role="payback_manager", full_name="Pat Payback")
    case_manager = UserFactory(role="case_manager", organisation=manager.organisation)
    person = ParticipantFactory(case_manager=case_manager, first_name="Robin", last_name="Okafor",
                                location="community", prison=None, release_date=None)
    ConsentRecordFactory(participant=person)
    db.session.add(PaybackOrder(participant_id=person.id, hours_ordered=40, made_on=date(2027, 1, 4),
                                recorded_by_id=manager.id))
    project = PaybackProjectFactory(status="accepted", title="Canal towpath clear-up")
    create = OrganisationFactory(kind="social_enterprise", name="Create CIC")
    OpportunityFactory(organisation=create, kind="guaranteed_interview", title="Kitchen porter", rolling=True)
    session = PaybackSession(project_id=project.id, day=today + timedelta(days=2), starts_at=time(9),
                             ends_at=time(15), place="The towpath gate", supervisor_id=manager.id, capacity=3)
    db.session.add(session)
    db.session.flush()
    operations.allocate(session, manager, person.id)
    db.session.commit()
    manager_email, case_manager_email = manager.email, case_manager.email
    person_id, project_id, session_id = person.id, project.id, session.id
    moved = today + timedelta(days=3)

    # Every problem with the change at once, then the session moved.
    sign_in(page, manager_email, TEST_PASSWORD)
    page.goto(f"/community-payback/sessions/{session_id}")
    page.get_by_role("link", name="Change the session").click()
    expect(page.get_by_label("Where to meet")).to_have_value("The towpath gate")
    fill_date(page, "Date of the session", today - timedelta(days=1))
    page.get_by_label("Places").fill("0")
    page.get_by_role("button", name="Save changes").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("A session cannot be moved into the past")
    expect(summary).to_contain_text("1 person is already allocated: the places cannot be fewer than 1")
    fill_date(page, "Date of the session", moved)
    page.get_by_label("Places").fill("2")
    page.get_by_label("Where to meet").fill("The lock gate")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("Session changed")).to_be_visible()
    expect(page.get_by_role("heading", name=f"Session on {govuk_date(moved)}")).to_be_visible()
    expect(page.get_by_text("1 taken of 2 (1 left)")).to_be_visible()

    # Cancelled, with the reason; it stays listed as Cancelled.
    page.get_by_role("link", name="Cancel the session").click()
    page.get_by_role("button", name="Cancel the session").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Say why the session is cancelled")
    page.get_by_label("Why is the session cancelled?").fill("The towpath is flooded")
    page.get_by_role("button", name="Cancel the session").click()
    expect(page.get_by_text("Session cancelled")).to_be_visible()
    expect(page.locator("main .govuk-tag", has_text="Cancelled")).to_be_visible()
    expect(page.get_by_text("The towpath is flooded")).to_be_visible()
    page.get_by_role("link", name="Back to the sessions").click()
    expect(page.get_by_role("row", name=govuk_date(moved))).to_contain_text("Cancelled")

    # The project is run by Create CIC, which offers a guaranteed interview on completion.
    page.goto(f"/community-payback/nominations/{project_id}")
    page.get_by_role("link", name="Offer on completion").click()
    page.get_by_label("Who runs the work").select_option(label="Create CIC")
    page.get_by_label("Offer on completion").select_option(label="Create CIC: Kitchen porter (Guaranteed interview)")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Saved. Case managers see the offer")).to_be_visible()

    # Robin's hours are done (recorded on other sessions); the case manager sees the offer and refers.
    db.session.commit()  # end this test's snapshot: what follows writes, taking the write lock first
    write_intent()
    robin, pat, towpath = (db.session.get(type(person), person_id), db.session.get(type(manager), manager.id),
                           db.session.get(type(project), project_id))
    for _ in range(4):
        operations.record_hours(robin, pat, operations.HoursDetails(
            kind="work", worked_on=today, minutes=600, outcome="acceptable", project_id=towpath.id))
    db.session.commit()
    cm = new_page()
    sign_in(cm, case_manager_email, TEST_PASSWORD)
    cm.goto(f"/participants/{person_id}")
    offer = cm.locator("#payback-offers")
    expect(offer).to_contain_text("Create CIC, which ran")
    expect(offer).to_contain_text("offers a guaranteed interview")
    offer.get_by_role("link", name="Refer Robin to Kitchen porter").click()
    expect(cm.get_by_role("heading", name="Refer Robin Okafor")).to_be_visible()
