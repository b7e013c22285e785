"""The Virtual Campus, in four browsers: the case manager prints an access slip; the person starts
with its code, sees their own page (with their release-day plan) and says they are interested in a
match, opens their own disclosure page, builds a CV and downloads it (Word and PDF), and writes to the
employer twice;
the case manager returns one message (with a reason the person then reads) and sends the other; the
employer sees the sent one on the referral and replies; the person reads the reply; the case manager
turns on auto-accept for the person and that employer, and the person's next message reaches the
employer without a check; the case manager attaches the person's CV to a new referral with their
consent, and that employer downloads it. axe-core checks every page each browser opens."""

from __future__ import annotations

import io
import re
from datetime import time, timedelta

import pytest
from docx import Document
from playwright.sync_api import expect
from pypdf import PdfReader

from marketplace.core import clock
from marketplace.disclosure.models import DisclosureLetter
from marketplace.extensions import db
from marketplace.search import sync
from tests.browser.conftest import fill_date, sign_in
from tests.disclosure.records import unspent_custody
from tests.factories import (
    ConsentRecordFactory,
    GatemateRequestFactory,
    OpportunityFactory,
    ParticipantFactory,
    ReferralFactory,
    UserFactory,
)
from tests.helpers import TEST_PASSWORD

pytestmark = pytest.mark.browser

PASSPHRASE = "harbour lantern pebble quilt"


def test_slip_to_sign_in_cv_checked_messages_and_a_reply(page, new_page):
    manager = UserFactory(role="case_manager", full_name="Casey Manager")
    person = ParticipantFactory(case_manager=manager, first_name="Robin", last_name="Achebe", location="community",
                                prison=None, release_date=None, skills=["Forklift driving"])
    ConsentRecordFactory(participant=person, employers=True)
    opportunity = OpportunityFactory(title="Warehouse operative")
    forklift = OpportunityFactory(title="Forklift driver", description="Forklift driving in a warehouse")
    employer = UserFactory(role="employer", organisation=opportunity.organisation, full_name="Erin Employer")
    referral = ReferralFactory(participant=person, opportunity=opportunity)
    mentor = UserFactory(role="mentor", full_name="Kate Gatewood")
    GatemateRequestFactory(participant=person, prison="HMP Risley", release_date=clock.today() + timedelta(days=9),
                           window_start=time(11), window_end=time(13), status="accepted", mentor_id=mentor.id,
                           safety_arrangements="Phone the probation officer on arrival")
    unspent_custody(person, category="violence")
    db.session.add(DisclosureLetter(participant_id=person.id, check_level="basic",
                                    body="I was sent to prison in the past. I have changed."))
    fran = UserFactory(role="employer", organisation=forklift.organisation, full_name="Fran Forklift")
    db.session.commit()
    forklift_id, fran_email = forklift.id, fran.email
    manager_email, employer_email = manager.email, employer.email
    person_id, number, born, referral_id = person.id, person.participant_number, person.date_of_birth, referral.id
    sync.reindex()

    # The case manager prints an access slip from the person's record.
    sign_in(page, manager_email, TEST_PASSWORD)
    page.goto(f"/participants/{person_id}")
    page.get_by_role("link", name="Manage access to the Virtual Campus").click()
    page.get_by_role("button", name="Print an access slip").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Confirm that the person agrees")
    page.get_by_label(re.compile("They agree to use the Virtual Campus")).check()
    page.get_by_role("button", name="Print an access slip").click()
    code = page.locator("[data-access-code]").inner_text()

    # The person starts with the slip, then sees their own page.
    robin = new_page()
    robin.goto("/campus/sign-in")
    robin.get_by_role("link", name="start with the code on your slip").click()
    robin.get_by_label("Code on your slip").fill(code)
    robin.get_by_label("Participant number").fill(number)
    fill_date(robin, "Date of birth", born)
    robin.get_by_label("Choose a passphrase").fill(PASSPHRASE)
    robin.get_by_label("Type the passphrase again").fill(PASSPHRASE)
    robin.get_by_role("button", name="Start using the Virtual Campus").click()
    expect(robin.get_by_role("heading", name="Hello, Robin")).to_be_visible()
    expect(robin.locator(f"#referral-{referral_id}")).to_contain_text("Sent to the employer")
    robin.get_by_role("button", name="I'm interested in Forklift driver").click()
    expect(robin.get_by_text("Your case manager has been told you are interested")).to_be_visible()
    expect(robin.get_by_text("You said you are interested")).to_be_visible()

    # Their release-day plan (the mentor's first name only, nothing written for staff), then their own
    # disclosure page.
    plan = robin.locator("#release-day + .govuk-summary-list")
    expect(plan).to_contain_text("At the gate of HMP Risley")
    expect(plan).to_contain_text("11am to 1pm")
    expect(plan).to_contain_text("Kate")
    expect(plan).not_to_contain_text("Gatewood")
    expect(robin.get_by_text("probation officer")).to_have_count(0)
    robin.get_by_role("link", name="your record and what checks show").click()
    expect(robin.get_by_role("heading", name="Your record and what checks show")).to_be_visible()
    expect(robin.locator("[data-spent]")).to_contain_text("It will be spent on")
    expect(robin.locator("[data-level=basic]")).to_contain_text("Shows it")
    expect(robin.locator("[data-letter]")).to_contain_text("I have changed.")
    robin.get_by_role("link", name="Back to your page").click()

    # Their CV: an error keeps what was typed; then saved and downloaded as a Word document and a PDF.
    robin.get_by_role("link", name="Your CV").click()
    robin.get_by_label("About me", exact=True).fill("I turn up early and learn fast.")
    robin.get_by_label("How an employer can contact you (optional)").fill("x" * 301)
    robin.get_by_role("button", name="Save my CV").click()
    expect(robin.locator(".govuk-error-summary")).to_contain_text("Contact details must be 300 characters")
    expect(robin.get_by_label("About me", exact=True)).to_have_value("I turn up early and learn fast.")
    robin.get_by_label("How an employer can contact you (optional)").fill("")
    robin.get_by_role("button", name="Save my CV").click()
    expect(robin.get_by_text("Your CV is saved.")).to_be_visible()
    with robin.expect_download() as download:
        robin.get_by_role("link", name="Download your CV (Word document)").click()
    text = "\n".join(p.text for p in Document(io.BytesIO(download.value.path().read_bytes())).paragraphs)
    assert "Robin Achebe" in text and "I turn up early and learn fast." in text and "Forklift driving" in text
    with robin.expect_download() as download:
        robin.get_by_role("link", name="Download your CV (PDF)").click()
    pdf = PdfReader(io.BytesIO(download.value.path().read_bytes()))
    text = "\n".join(p.extract_text() for p in pdf.pages)
    assert "Robin Achebe" in text and "I turn up early and learn fast." in text and "Forklift driving" in text

    # Two messages to the employer, both to the case manager first.
    for body in ("I can start tomorrow, ring me on 07700 900123.", "What hours would I work?"):
        robin.get_by_role("link", name="Messages").click()
        robin.get_by_role("link", name=re.compile("Write to .* about Warehouse operative")).click()
        robin.get_by_label("Your message").fill(body)
        robin.get_by_role("button", name="Send to my case manager to check").click()
        expect(robin.get_by_text("Your message has gone to your case manager to check.")).to_be_visible()

    # The case manager sees the interest on the record, then returns the first message (contact details) and
    # sends the second.
    page.goto(f"/participants/{person_id}")
    expect(page.locator("#campus")).to_contain_text("Forklift driver")
    page.goto("/home")
    page.get_by_role("link", name=re.compile("2 messages from people on your caseload")).click()
    page.get_by_role("link", name="Robin Achebe").first.click()
    expect(page.locator(".govuk-inset-text")).to_contain_text("07700 900123")
    page.get_by_label(re.compile("It gives contact details")).check()
    page.get_by_label("A note for them (optional)").fill("Wait until they ask for a number.")
    page.get_by_role("button", name="Return it to them").click()
    expect(page.get_by_text("It will not be sent.")).to_be_visible()
    page.get_by_role("link", name="Robin Achebe").click()
    expect(page.locator(".govuk-inset-text")).to_contain_text("What hours would I work?")
    page.get_by_role("button", name="Send it to the employer").click()
    expect(page.get_by_text(re.compile("Sent to .* on the referral"))).to_be_visible()

    # The employer sees only the sent message on the referral, and replies.
    erin = new_page()
    sign_in(erin, employer_email, TEST_PASSWORD)
    erin.goto(f"/referrals/{referral_id}")
    expect(erin.get_by_text("What hours would I work?")).to_be_visible()
    expect(erin.get_by_text("07700 900123")).to_have_count(0)
    erin.get_by_label("Message").fill("Monday to Friday, 8 till 4.")
    erin.get_by_role("button", name="Send message").click()

    # The person reads the outcome of each message and the reply.
    robin.get_by_role("link", name="Messages").click()
    expect(robin.get_by_text("Not sent: returned to you")).to_be_visible()
    expect(robin.get_by_text(re.compile("It gives contact details"))).to_be_visible()
    expect(robin.get_by_text("Checked and sent to the employer")).to_be_visible()
    expect(robin.get_by_text("Monday to Friday, 8 till 4.")).to_be_visible()

    # After that first sent message the case manager turns on auto-accept for Robin and this employer,
    # with a reason; Robin's next message goes straight to the employer; the access page keeps the history.
    from sqlalchemy import select

    from marketplace.campus.models import CampusMessage

    db.session.rollback()
    sent_id = db.session.scalar(select(CampusMessage.id).where(CampusMessage.status == "sent"))
    page.goto(f"/campus/checks/{sent_id}")
    page.get_by_role("button", name="Turn on auto-accept").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Say why, for the history")
    page.get_by_label("Why?").fill("Two careful messages; the employer is expecting them.")
    page.get_by_role("button", name="Turn on auto-accept").click()
    expect(page.get_by_text(re.compile("Auto-accept is on"))).to_be_visible()

    robin.get_by_role("link", name="Messages").click()
    robin.get_by_role("link", name=re.compile("Write to .* about Warehouse operative")).click()
    robin.get_by_label("Your message").fill("Shall I bring my own boots?")
    robin.get_by_role("button", name="Send to my case manager to check").click()
    expect(robin.get_by_text(re.compile("Your message was sent to"))).to_be_visible()

    erin.reload()
    expect(erin.get_by_text("Shall I bring my own boots?")).to_be_visible()
    expect(erin.get_by_text(re.compile("their case manager lets their messages to you through"))).to_be_visible()

    page.goto(f"/campus/people/{person_id}/access")
    expect(page.locator("#auto-accept")).to_be_visible()
    expect(page.get_by_text(re.compile("Two careful messages"))).to_be_visible()
    # The case manager refers Robin for the forklift job with their CV from the Virtual Campus: only once
    # they confirm Robin agreed to share it with this employer. The employer downloads the CV as it was sent.
    page.goto(f"/referrals/new?participant={person_id}&opportunity={forklift_id}")
    page.get_by_label("Attach Robin's CV from the Virtual Campus").check()
    page.get_by_label("They agreed that this may be shared with the employer").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Confirm that Robin agreed to share their CV")
    page.get_by_label(re.compile("Robin agreed to share their CV with")).check()
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("#shared")).to_contain_text("CV from the Virtual Campus: CV_Robin_Achebe")
    page.get_by_role("button", name="Send referral").click()
    expect(page.locator("#campus-cv-consent")).to_contain_text("recorded by Casey Manager")
    fran_page = new_page()
    sign_in(fran_page, fran_email, TEST_PASSWORD)
    fran_page.goto(page.url)
    expect(fran_page.locator("#campus-cv-consent")).to_contain_text("agreed to share it with")
    with fran_page.expect_download() as download:
        fran_page.get_by_role("link", name=re.compile("CV: CV_Robin_Achebe")).click()
    pdf = PdfReader(io.BytesIO(download.value.path().read_bytes()))
    text = "\n".join(p.extract_text() for p in pdf.pages)
    assert "Robin Achebe" in text and "I turn up early and learn fast." in text
