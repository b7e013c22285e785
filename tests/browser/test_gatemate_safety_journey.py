"""Gatemate, safely: consent recorded where the request is made, offences refused in the note, a
coordinator's sign-off for a MAPPA case with two mentors (a second mentor accepts after the first), and
release day reaching the person's record."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from marketplace.core import clock
from marketplace.extensions import db
from tests.browser.conftest import fill_date, sign_in
from tests.factories import MentorProfileFactory, ParticipantFactory, UserFactory
from tests.helpers import TEST_PASSWORD

pytestmark = pytest.mark.browser


def test_consent_sign_off_and_release_day_truth(page, new_page):
    today = clock.today()
    manager = UserFactory(role="case_manager", full_name="Casey Manager")
    person = ParticipantFactory(case_manager=manager, first_name="Lee", last_name="Hart", prison="HMP Liverpool",
                                release_date=today + timedelta(days=10), mappa_category="2", mappa_level="2")
    mentor = UserFactory(role="mentor", full_name="Morgan Mentor")
    MentorProfileFactory(user=mentor, prisons=["HMP Liverpool"])
    coordinator = UserFactory(role="coordinator", full_name="Cora Ordinator", organisation=mentor.organisation)
    # A second mentor, of another organisation: two mentors must go, so a second one is needed.
    second = UserFactory(role="mentor", full_name="Sam Second")
    MentorProfileFactory(user=second, prisons=["HMP Liverpool"])
    manager_email, mentor_email, coordinator_email = manager.email, mentor.email, coordinator.email
    second_email = second.email
    person_id = person.id
    db.session.commit()

    # No consent yet: the request page says so and leads to recording it.
    sign_in(page, manager_email, TEST_PASSWORD)
    page.goto(f"/participants/{person_id}")
    page.get_by_role("link", name="Request a Gatemate mentor").click()
    expect(page.get_by_text("Consent needed first")).to_be_visible()
    page.get_by_role("link", name="Record Lee's consent to share with Gatemate mentors").click()
    page.get_by_label("Yes, they agree").check()
    fill_date(page, "Date they gave or refused consent", today)
    page.get_by_role("button", name="Record consent").click()
    expect(page.get_by_text("Consent recorded")).to_be_visible()

    # Offences in the note are refused, with every other problem, and what was typed is kept.
    page.get_by_label("Expected from").select_option("08:00")
    page.get_by_label("Note for the mentor (optional)").fill("Convicted of robbery; MAPPA level 2, do not meet alone")
    page.get_by_role("button", name="Continue").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("it mentions “Convicted”, “robbery”, “MAPPA”")
    expect(summary).to_contain_text("Select when they are expected out by")
    expect(summary).to_contain_text("Enter the safety arrangements")
    expect(page.get_by_label("Note for the mentor (optional)")).to_have_value(
        "Convicted of robbery; MAPPA level 2, do not meet alone")
    page.get_by_label("Expected by").select_option("10:00")
    page.get_by_label("Probation appointment").check()
    page.get_by_label("Note for the mentor (optional)").fill("Will carry a clear bag.")
    page.get_by_label("Safety arrangements").fill("Meet in the visitors' centre, two mentors, phone the probation "
                                                  "officer on arrival.")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Check your answers before sending the request")).to_be_visible()
    expect(page.get_by_text("signs the request off first")).to_be_visible()
    page.get_by_role("button", name="Send request").click()
    expect(page.get_by_text("sent to a mentoring coordinator for sign-off")).to_be_visible()
    expect(page.get_by_text("Waiting for a coordinator's sign-off").first).to_be_visible()
    request_url = page.url

    # The coordinator sees the risk flag (never the offence), signs off and asks for two mentors.
    coordinator_page = new_page()
    sign_in(coordinator_page, coordinator_email, TEST_PASSWORD)
    coordinator_page.get_by_role("link", name="1 request waiting for your sign-off").click()
    coordinator_page.get_by_role("link", name="Lee H.").click()
    coordinator_page.get_by_role("link", name="Sign off or decline").click()
    expect(coordinator_page.get_by_text("Managed under MAPPA (level 2)")).to_be_visible()
    coordinator_page.get_by_label("Yes, mentors can see it").check()
    coordinator_page.get_by_label("Why").fill("Agreed with the probation officer by phone.")
    coordinator_page.get_by_label("Two mentors must go").check()
    coordinator_page.get_by_role("button", name="Record decision").click()
    expect(coordinator_page.get_by_text("Signed off: mentors who cover the prison have been told")).to_be_visible()

    # The mentor sees the safety arrangements, not the risk, and accepts.
    mentor_page = new_page()
    sign_in(mentor_page, mentor_email, TEST_PASSWORD)
    mentor_page.get_by_role("link", name="Requests board").click()
    mentor_page.get_by_role("button", name="Accept request for Lee H.").click()
    expect(mentor_page.get_by_text("Two mentors must go.").first).to_be_visible()
    expect(mentor_page.get_by_text("MAPPA")).to_have_count(0)
    expect(mentor_page.get_by_text("1 of 2 mentors found").first).to_be_visible()

    # It stays on the board for a second, different mentor, who accepts: now both are found.
    second_page = new_page()
    sign_in(second_page, second_email, TEST_PASSWORD)
    second_page.get_by_role("link", name="Requests board").click()
    expect(second_page.get_by_text("1 of 2 mentors found").first).to_be_visible()
    second_page.get_by_role("button", name="Accept request for Lee H.").click()
    expect(second_page.get_by_text("You have accepted this request")).to_be_visible()
    expect(second_page.get_by_text("Mentor found").first).to_be_visible()
    expect(second_page.get_by_text("Morgan Mentor").first).to_be_visible()
    mentor_page.get_by_role("link", name="Requests board").click()
    expect(mentor_page.get_by_role("button", name="Accept request for Lee H.")).to_have_count(0)

    # Release day: the case manager marks Lee released today; the record says so.
    page.goto(request_url)
    expect(page.get_by_text("Signed off").first).to_be_visible()
    expect(page.get_by_text("Cora Ordinator").first).to_be_visible()
    page.get_by_role("link", name="Update release day").click()
    fill_date(page, "Release date", today)
    page.get_by_label("Released", exact=True).check()
    page.get_by_role("button", name="Save release day").click()
    expect(page.get_by_text("Release day updated. Both mentors have been told.")).to_be_visible()
    page.goto(f"/participants/{person_id}")
    expect(page.get_by_text("In the community").first).to_be_visible()
    expect(page.get_by_text("Mentors: Morgan Mentor and Sam Second")).to_be_visible()
