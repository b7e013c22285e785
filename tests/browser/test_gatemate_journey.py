"""Gatemate: a case manager requests a mentor, a mentor accepts from the board, the release moves and
the mentor sees it, then records that they met the person at the gate."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from marketplace.core import clock
from marketplace.extensions import db
from tests.browser.conftest import fill_date, sign_in
from tests.factories import ConsentRecordFactory, MentorProfileFactory, ParticipantFactory, UserFactory
from tests.helpers import TEST_PASSWORD

pytestmark = pytest.mark.browser


def test_request_accept_move_and_meet_at_the_gate(page, new_page):
    today = clock.today()
    manager = UserFactory(role="case_manager", full_name="Casey Manager")
    person = ParticipantFactory(case_manager=manager, first_name="Robin", last_name="Okafor", prison="HMP Liverpool",
                                release_date=today + timedelta(days=10), participant_number="A4321ZX")
    ConsentRecordFactory(participant=person, mentors=True)
    mentor = UserFactory(role="mentor", full_name="Morgan Mentor")
    MentorProfileFactory(user=mentor, prisons=["HMP Liverpool"])
    manager_email, mentor_email, person_id = manager.email, mentor.email, person.id
    db.session.commit()

    # The case manager asks for a mentor from the person's record.
    sign_in(page, manager_email, TEST_PASSWORD)
    page.goto(f"/participants/{person_id}")
    page.get_by_role("link", name="Request a Gatemate mentor").click()
    expect(page.get_by_label("Prison they are leaving")).to_have_value("HMP Liverpool")
    page.get_by_label("Expected from").select_option("08:00")
    page.get_by_label("Expected by").select_option("10:00")
    page.get_by_label("Probation appointment").check()
    page.get_by_label("A phone").check()
    page.get_by_label("A job or interview lined up").check()
    page.get_by_label("Note for the mentor (optional)").fill("Will carry a clear bag of belongings.")
    page.get_by_role("button", name="Continue").click()

    # Check your answers: what mentors will see (first name and last initial), what stays back, and a
    # way back to change an answer with every other answer kept. Nothing is sent yet.
    expect(page.get_by_role("heading", name="Check your answers before sending the request")).to_be_visible()
    seen = page.locator("#mentors-see")
    expect(seen).to_contain_text("Robin O.")
    expect(seen).not_to_contain_text("Okafor")
    expect(seen).to_contain_text("8am to 10am")
    expect(seen).to_contain_text("Probation appointment, A phone")
    expect(seen).to_contain_text("Will carry a clear bag of belongings.")
    expect(page.locator("#held-back")).to_contain_text("Date of birth")
    page.get_by_role("button", name="Change needs on the day").click()
    expect(page.get_by_role("heading", name="Request a Gatemate mentor")).to_be_visible()
    expect(page.get_by_label("A phone")).to_be_checked()
    expect(page.get_by_label("Expected by")).to_have_value("10:00")
    expect(page.get_by_label("Note for the mentor (optional)")).to_have_value("Will carry a clear bag of belongings.")
    page.get_by_label("Getting ID").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("#mentors-see")).to_contain_text("Probation appointment, Getting ID, A phone")
    page.get_by_role("button", name="Send request").click()
    expect(page.get_by_text("Request sent")).to_be_visible()
    expect(page.get_by_role("heading", name="Meet Robin Okafor at HMP Liverpool")).to_be_visible()
    request_url = page.url

    # The mentor accepts it from the board: first come, first served.
    mentor_page = new_page()
    sign_in(mentor_page, mentor_email, TEST_PASSWORD)
    mentor_page.get_by_role("link", name="Requests board").click()
    expect(mentor_page.get_by_text("Will carry a clear bag of belongings.")).to_be_visible()
    expect(mentor_page.get_by_text("A4321ZX")).to_have_count(0)
    mentor_page.get_by_role("button", name="Accept request for Robin O.").click()
    expect(mentor_page.get_by_text("You have accepted this request")).to_be_visible()
    expect(mentor_page.get_by_role("heading", name="Meet Robin O. at HMP Liverpool")).to_be_visible()

    # Release moves to today, earlier than planned; the case manager says so.
    page.goto(request_url)
    expect(page.get_by_text("Mentor found")).to_be_visible()
    page.get_by_role("link", name="Update release day").click()
    fill_date(page, "Release date", today)
    page.get_by_label("Expected from").select_option("09:00")
    page.get_by_label("Expected by").select_option("11:30")
    page.get_by_label("Message for the mentor (optional)").fill("Released early by the court. Same gate.")
    page.get_by_role("button", name="Save release day").click()
    expect(page.get_by_text("Release day updated. The mentor has been told.")).to_be_visible()

    # The mentor sees it at once on the request, and in their notifications.
    mentor_page.reload()
    banner = mentor_page.get_by_role("region", name="Release day update")
    expect(banner).to_contain_text("9am to 11:30am")
    expect(banner).to_contain_text("Released early by the court. Same gate.")
    expect(mentor_page.get_by_role("link", name=re.compile(r"Notifications\s+\d+ unread"))).to_be_visible()

    # After the day, the mentor records that they met Robin at the gate.
    mentor_page.get_by_role("link", name="Record how release day went").click()
    mentor_page.get_by_label("How many hours did you spend with them?").fill("5")
    mentor_page.get_by_label("Probation appointment").check()
    mentor_page.get_by_label("The address they were going to").check()
    mentor_page.get_by_role("button", name="Record met at the gate").click()
    expect(mentor_page.get_by_text("Recorded: met at the gate")).to_be_visible()

    page.goto(request_url)
    expect(page.get_by_text("Met at the gate").first).to_be_visible()
    expect(page.get_by_text("The address they were going to", exact=True)).to_be_visible()
