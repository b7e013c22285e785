"""The person's own disclosure page and release-day plan through the running site (gunicorn, 2 workers):
every worker shows them their own record; when their case manager saves a new letter through the site,
no worker goes on showing the old one; and every view is an audit row, whichever worker served it."""

from __future__ import annotations

from datetime import time, timedelta

from sqlalchemy import func, select

from marketplace.core import clock
from marketplace.core.models import AuditEvent
from marketplace.disclosure.models import DisclosureLetter
from marketplace.extensions import db
from tests.disclosure.records import unspent_custody
from tests.factories import GatemateRequestFactory, ParticipantFactory, UserFactory, campus_person
from tests.helpers import TEST_PASSWORD


def _born(participant) -> dict:
    day = participant.date_of_birth
    return {"date_of_birth": [str(day.day), str(day.month), str(day.year)]}


def test_the_disclosure_page_and_release_plan_on_every_worker(served_site):
    manager = UserFactory(role="case_manager")
    participant = ParticipantFactory(case_manager=manager, first_name="Ayo")
    other = ParticipantFactory(case_manager=manager, first_name="Zebedee")
    unspent_custody(participant, category="violence")
    unspent_custody(other, category="arson")
    mentor = UserFactory(role="mentor", full_name="Kate Gatewood")
    GatemateRequestFactory(participant=participant, prison="HMP Risley", release_date=clock.today() + timedelta(days=9),
                           window_start=time(11), window_end=time(13), status="accepted", mentor_id=mentor.id,
                           safety_arrangements="Phone the probation officer on arrival")
    db.session.add(DisclosureLetter(participant_id=participant.id, check_level="basic", body="My first letter."))
    campus_person(participant)
    db.session.commit()
    participant_id = participant.id

    person = served_site.session()
    signed = served_site.post_form(person, "/campus/sign-in", {
        "participant_number": participant.participant_number, "passphrase": TEST_PASSWORD, **_born(participant)})
    assert signed.status_code == 200, signed.text[:500]

    pages = served_site.every_worker(person, "/campus/disclosure")
    for page in pages.values():
        assert page.status_code == 200
        assert "Violence" in page.text and "It will be spent on" in page.text and "My first letter." in page.text
        assert "Arson" not in page.text and "Zebedee" not in page.text
    for page in served_site.every_worker(person, "/campus/home").values():
        assert "At the gate of HMP Risley" in page.text and "11am to 1pm" in page.text
        assert "Kate" in page.text and "Gatewood" not in page.text and "probation officer" not in page.text

    staff = served_site.signed_in(manager)
    saved = served_site.post_form(staff, f"/disclosure/participants/{participant_id}/letter",
                                  {"check_level": "standard", "body": "My letter, rewritten together.",
                                   "submit": "Save letter"})
    assert saved.status_code == 200, saved.text[:500]
    for page in served_site.every_worker(person, "/campus/disclosure").values():
        assert "My letter, rewritten together." in page.text and "My first letter." not in page.text
        assert "standard DBS check" in page.text

    views = db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "campus.viewed", AuditEvent.detail == "disclosure"))
    assert views >= 2 * len(pages)
