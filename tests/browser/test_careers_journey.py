"""Careers information and the provider's Virtual Campus switch, in three browsers: an administrator
writes a careers page (every error at once, what was typed kept) and publishes it; the provider's
organisation admin switches the campus off, so the person's sign-in is refused with a plain message and
the case manager's access page says who can switch it back; switched on again, the person signs in,
reads the page from "Careers information" and follows its link out through the audited redirect.
axe-core checks every page each browser opens."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from marketplace.core.models import AuditEvent
from marketplace.extensions import db
from tests.browser.conftest import fill_date, sign_in
from tests.factories import ParticipantFactory, UserFactory, campus_person
from tests.helpers import TEST_PASSWORD

pytestmark = pytest.mark.browser

def _sign_in_person(tab, number, born) -> None:
    tab.goto("/campus/sign-in")
    tab.get_by_label("Participant number").fill(number)
    fill_date(tab, "Date of birth", born)
    tab.get_by_label("Passphrase", exact=True).fill(TEST_PASSWORD)
    tab.get_by_role("button", name="Sign in").click()


def test_admin_publishes_provider_switches_and_the_person_reads_and_follows_a_link(page, new_page):
    admin = UserFactory(role="admin")
    org_admin = UserFactory(role="case_manager", full_name="Olu Orgadmin")
    manager = UserFactory(role="case_manager", organisation=org_admin.organisation, is_org_admin=False,
                          full_name="Casey Manager")
    participant = ParticipantFactory(case_manager=manager, first_name="Robin")
    person = campus_person(participant)
    db.session.commit()
    admin_email, org_admin_email, manager_email = admin.email, org_admin.email, manager.email
    participant_id, number, born, person_id = (participant.id, participant.participant_number,
                                               participant.date_of_birth, person.id)

    # The administrator writes a page: every problem at once, then publishes it.
    sign_in(page, admin_email, TEST_PASSWORD)
    page.get_by_role("link", name="Careers", exact=True).click()
    page.get_by_role("link", name="Write a new page").click()
    page.get_by_label("Summary").fill("How to talk about a conviction when an employer asks.")
    page.get_by_label("Links to other websites (optional)").fill("Unlock https://unlock.org.uk/")
    page.get_by_role("button", name="Save").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter a title")
    expect(summary).to_contain_text("Enter the page's text")
    expect(summary).to_contain_text("Links: line 1 needs the link text")
    expect(page.get_by_label("Summary")).to_have_value("How to talk about a conviction when an employer asks.")
    page.get_by_label("Title").fill("Talking about a conviction at interview")
    page.get_by_label("Text of the page").fill("Keep it short.\n\nSay what has changed since.")
    page.get_by_label("Links to other websites (optional)").fill("Unlock: disclosing to employers | https://unlock.org.uk/")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("is saved as a draft")).to_be_visible()
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_text("is published")).to_be_visible()

    # The provider's organisation admin switches the campus off.
    provider = new_page()
    sign_in(provider, org_admin_email, TEST_PASSWORD)
    provider.get_by_role("link", name="Organisation", exact=True).click()
    provider.get_by_role("link", name="Switch the Virtual Campus on or off").click()
    provider.get_by_role("radio", name=re.compile("Off")).check()
    provider.get_by_role("button", name="Save").click()
    expect(provider.get_by_text("The Virtual Campus is off for your caseload.")).to_be_visible()
    expect(provider.get_by_text(re.compile("Switched off .* by Olu Orgadmin"))).to_be_visible()

    # The person is refused with a plain message and sees nothing of their record.
    robin = new_page()
    _sign_in_person(robin, number, born)
    expect(robin.locator(".govuk-error-summary")).to_contain_text("switched off at the moment")
    expect(robin.get_by_role("heading", name="Hello, Robin")).to_have_count(0)

    # Their case manager's access page says why, and who can switch it back.
    casey = new_page()
    sign_in(casey, manager_email, TEST_PASSWORD)
    casey.goto(f"/campus/people/{participant_id}/access")
    expect(casey.locator("[data-campus-switched-off]")).to_contain_text("Olu Orgadmin")
    expect(casey.get_by_role("button", name="Print an access slip")).to_have_count(0)

    # Switched back on, the person reads careers information and follows the link out.
    provider.get_by_role("radio", name=re.compile("On: case")).check()
    provider.get_by_role("button", name="Save").click()
    expect(provider.get_by_text("The Virtual Campus is on for your caseload.")).to_be_visible()
    _sign_in_person(robin, number, born)
    expect(robin.get_by_role("heading", name="Hello, Robin")).to_be_visible()
    robin.get_by_role("link", name="Careers information").click()
    robin.get_by_role("link", name="Talking about a conviction at interview").click()
    expect(robin.get_by_text("Say what has changed since.")).to_be_visible()
    link = robin.get_by_role("link", name="Unlock: disclosing to employers")
    expect(link).to_have_attribute("href", re.compile(r"^/careers/out/\d+$"))
    # Followed with the person's own cookies but without going on to the outside site (no network in tests).
    followed = robin.request.get(link.get_attribute("href"), max_redirects=0)
    assert followed.status == 302 and followed.headers["location"] == "https://unlock.org.uk/"
    db.session.rollback()  # a fresh transaction sees what the live server committed
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "careers.link_followed",
                                                      AuditEvent.actor_id == person_id)) is not None
