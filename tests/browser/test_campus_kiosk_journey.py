"""The Virtual Campus at a prison kiosk, in two browsers: the case manager prints a kiosk slip; the
person sets a PIN with its code (a weak PIN and a mistyped one are both reported at once, what they
typed kept, no PIN echoed), signs in with participant number and PIN, changes their PIN; five wrong
PINs lock PIN sign-in; the case manager sees "PIN locked" on the person's record and unlocks it; the
person signs in again. axe-core checks every page each browser opens."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from marketplace.extensions import db
from tests.browser.conftest import fill_date, sign_in
from tests.factories import ParticipantFactory, UserFactory
from tests.helpers import TEST_PASSWORD

pytestmark = pytest.mark.browser

PIN = "730519"
NEW_PIN = "482096"


def _kiosk_sign_in(tab, number: str, pin: str) -> None:
    tab.goto("/campus/kiosk")
    tab.get_by_label("Participant number").fill(number)
    tab.get_by_label("PIN", exact=True).fill(pin)
    tab.get_by_role("button", name="Sign in").click()


def test_kiosk_slip_pin_sign_in_lockout_and_unlock(page, new_page, app):
    manager = UserFactory(role="case_manager", full_name="Casey Manager")
    person = ParticipantFactory(case_manager=manager, first_name="Jordan", last_name="Okafor")
    db.session.commit()
    manager_email, person_id = manager.email, person.id
    number, born = person.participant_number, person.date_of_birth
    limit = app.config["CAMPUS_PIN_FAILURE_LIMIT"]

    # The case manager chooses a kiosk PIN and prints the slip.
    sign_in(page, manager_email, TEST_PASSWORD)
    page.goto(f"/participants/{person_id}")
    page.get_by_role("link", name="Manage access to the Virtual Campus").click()
    page.get_by_label("A 6-digit PIN: they will use a prison kiosk").check()
    page.get_by_label(re.compile("They agree to use the Virtual Campus")).check()
    page.get_by_role("button", name="Print an access slip").click()
    expect(page.locator("#slip")).to_contain_text("Choose a 6-number PIN")
    code = page.locator("[data-access-code]").inner_text()

    # At the kiosk: a weak PIN and a mistyped one are reported together; then the PIN is set.
    kiosk = new_page()
    kiosk.goto("/campus/kiosk")
    kiosk.get_by_role("link", name="set your PIN with the code on your slip").click()
    kiosk.get_by_label("Code on your slip").fill(code)
    kiosk.get_by_label("Participant number").fill(number)
    fill_date(kiosk, "Date of birth", born)
    kiosk.get_by_label("Choose a 6-number PIN").fill("222222")
    kiosk.get_by_label("Type the PIN again").fill("222223")
    kiosk.get_by_role("button", name="Set my PIN").click()
    summary = kiosk.locator(".govuk-error-summary")
    expect(summary).to_contain_text("one number repeated")
    expect(summary).to_contain_text("The two PINs are not the same")
    expect(kiosk.get_by_label("Participant number")).to_have_value(number)
    expect(kiosk.get_by_label("Code on your slip")).to_have_value(code)
    expect(kiosk.get_by_label("Choose a 6-number PIN")).to_have_value("")
    kiosk.get_by_label("Choose a 6-number PIN").fill(PIN)
    kiosk.get_by_label("Type the PIN again").fill(PIN)
    kiosk.get_by_role("button", name="Set my PIN").click()
    expect(kiosk.get_by_role("heading", name="Hello, Jordan")).to_be_visible()

    # They change their PIN from their own page, sign out, and sign in with the new one.
    kiosk.get_by_role("link", name="Change your PIN").click()
    kiosk.get_by_label("Your current PIN").fill(PIN)
    kiosk.get_by_label("Choose a new 6-number PIN").fill(NEW_PIN)
    kiosk.get_by_label("Type the PIN again").fill(NEW_PIN)
    kiosk.get_by_role("button", name="Change my PIN").click()
    expect(kiosk.get_by_text("Your new PIN is set")).to_be_visible()
    kiosk.get_by_role("button", name="Sign out").click()
    _kiosk_sign_in(kiosk, number, NEW_PIN)
    expect(kiosk.get_by_role("heading", name="Hello, Jordan")).to_be_visible()
    kiosk.get_by_role("button", name="Sign out").click()

    # Five wrong PINs lock PIN sign-in: even the right one is refused.
    for _ in range(limit):
        _kiosk_sign_in(kiosk, number, "000001")
        expect(kiosk.locator(".govuk-error-summary")).to_contain_text("Enter your participant number and the PIN")
    _kiosk_sign_in(kiosk, number, NEW_PIN)
    expect(kiosk.locator(".govuk-error-summary")).to_contain_text("PIN sign-in is locked")

    # The case manager sees it on the person's record and unlocks it.
    page.goto(f"/participants/{person_id}")
    expect(page.locator("#campus")).to_contain_text("PIN locked")
    page.get_by_role("link", name="Unlock PIN sign-in").click()
    expect(page.locator("[data-pin-locked]")).to_be_visible()
    page.get_by_role("button", name="Unlock PIN sign-in").click()
    expect(page.get_by_text("Jordan can sign in at the kiosk with their PIN again")).to_be_visible()
    expect(page.locator("[data-pin-locked]")).to_have_count(0)

    _kiosk_sign_in(kiosk, number, NEW_PIN)
    expect(kiosk.get_by_role("heading", name="Hello, Jordan")).to_be_visible()
