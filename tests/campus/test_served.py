"""The Virtual Campus through the running site (gunicorn, 2 workers): a slip printed through one
worker lets the person in; every worker then shows them their own page, and once their case manager
ends access no worker lets them back."""

from __future__ import annotations

import re

from marketplace.extensions import db
from tests.factories import OpportunityFactory, ParticipantFactory, ReferralFactory, UserFactory

CODE = re.compile(r"data-access-code>([A-Z0-9-]+)<")


def _born(participant) -> dict:
    day = participant.date_of_birth
    return {"date_of_birth": [str(day.day), str(day.month), str(day.year)]}


def test_a_person_started_through_one_worker_is_served_by_every_worker_until_access_ends(served_site):
    manager = UserFactory(role="case_manager")
    participant = ParticipantFactory(case_manager=manager, first_name="Marcus")
    ReferralFactory(participant=participant, opportunity=OpportunityFactory(title="Warehouse operative"))
    db.session.commit()
    staff = served_site.signed_in(manager)
    slip = served_site.post_form(staff, f"/campus/people/{participant.id}/access", {"consent": "y"})
    assert slip.status_code == 200
    code = CODE.search(slip.text).group(1)

    person = served_site.session()
    started = served_site.post_form(person, "/campus/start", {
        "code": code, "participant_number": participant.participant_number,
        "passphrase": "lantern meadow copper violin", "confirm": "lantern meadow copper violin", **_born(participant)})
    assert started.status_code == 200 and "Hello, Marcus" in started.text

    for page in served_site.every_worker(person, "/campus/home").values():
        assert page.status_code == 200
        assert "Warehouse operative" in page.text and "Sent to the employer" in page.text

    ended = served_site.post_form(staff, f"/campus/people/{participant.id}/access/end", {"reason": "consent_withdrawn"})
    assert ended.status_code == 200 and "access has ended" in ended.text
    for page in served_site.every_worker(person, "/campus/home").values():
        assert "Sign in to the Virtual Campus" in page.text and "Warehouse operative" not in page.text


def test_a_returned_message_and_its_check_page_read_in_words_on_every_worker(served_site):
    from sqlalchemy import select

    from marketplace.campus import operations
    from marketplace.campus.models import CampusAccess
    from tests.factories import campus_person
    from tests.helpers import TEST_PASSWORD

    manager = UserFactory(role="case_manager")
    participant = ParticipantFactory(case_manager=manager, first_name="Ayo")
    referral = ReferralFactory(participant=participant, opportunity=OpportunityFactory(title="Groundworker"))
    campus_person(participant)
    db.session.commit()
    access = db.session.scalar(select(CampusAccess).where(CampusAccess.participant_id == participant.id))
    message = operations.write_message(access, referral, "Hello")
    db.session.commit()

    staff = served_site.signed_in(manager)
    for page in served_site.every_worker(staff, f"/campus/checks/{message.id}").values():
        assert "Waiting for you to check it" in page.text and "Waiting for your case manager" not in page.text
    served_site.post_form(staff, f"/campus/checks/{message.id}/return", {"reason": "other", "note": "Tell <them> more"})
    for page in served_site.every_worker(staff, f"/campus/checks/{message.id}").values():
        assert "Returned to the person: not sent" in page.text and "returned to you" not in page.text

    person = served_site.session()
    signed = served_site.post_form(person, "/campus/sign-in", {
        "participant_number": participant.participant_number, "passphrase": TEST_PASSWORD,
        **_born(participant)})
    assert signed.status_code == 200, signed.text[:500]
    for page in served_site.every_worker(person, "/campus/messages").values():
        assert "&lt;p class" not in page.text
        assert "<p class=\"govuk-body\">Your case manager says: Tell &lt;them&gt; more</p>" in page.text


def test_an_auto_accepted_message_shows_on_the_employers_referral_from_every_worker(served_site):
    from sqlalchemy import select

    from marketplace.campus import operations
    from marketplace.campus.models import CampusAccess
    from tests.factories import campus_person

    manager = UserFactory(role="case_manager")
    participant = ParticipantFactory(case_manager=manager, first_name="Ayo")
    opportunity = OpportunityFactory(title="Groundworker")
    employer = UserFactory(role="employer", organisation=opportunity.organisation)
    referral = ReferralFactory(participant=participant, opportunity=opportunity)
    campus_person(participant)
    db.session.commit()
    access = db.session.scalar(select(CampusAccess).where(CampusAccess.participant_id == participant.id))
    first = operations.write_message(access, referral, "When do I start?")
    db.session.commit()

    staff = served_site.signed_in(manager)
    served_site.post_form(staff, f"/campus/checks/{first.id}/send")
    turned_on = served_site.post_form(staff, f"/campus/checks/{first.id}/auto-accept",
                                      {"reason": "Two sensible messages"})
    assert turned_on.status_code == 200 and "Auto-accept is on" in turned_on.text
    later = operations.write_message(access, referral, "Can I bring my own boots?")
    db.session.commit()
    assert later.status == "sent"

    boss = served_site.signed_in(employer)
    for page in served_site.every_worker(boss, f"/referrals/{referral.id}").values():
        assert page.status_code == 200
        assert "Can I bring my own boots?" in page.text and "their case manager lets their messages" in page.text
    for page in served_site.every_worker(staff, f"/campus/people/{participant.id}/access").values():
        assert "Two sensible messages" in page.text and "On now." in page.text
