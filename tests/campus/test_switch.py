"""Each provider organisation's Virtual Campus switch: on by default; an organisation admin switches it
off (who and when in the audit log); then no slips, no sign-in (a plain message, nothing shown), signed-in
people are signed out, and messages waiting for a check stay waiting."""

from __future__ import annotations

import re

from sqlalchemy import select

from marketplace.campus import operations, switch
from marketplace.campus.models import CampusAccess, MessageStatus
from marketplace.core.models import AuditEvent
from marketplace.extensions import db
from tests.factories import OpportunityFactory, ParticipantFactory, ReferralFactory, UserFactory, campus_person
from tests.helpers import TEST_PASSWORD, sign_in_client

CODE = re.compile(r"data-access-code>([A-Z0-9-]+)<")


def _born(participant) -> dict:
    day = participant.date_of_birth
    return {"date_of_birth": [str(day.day), str(day.month), str(day.year)]}


def _caseload():
    """An organisation admin, a case manager who is not one, and a person with live access and a message
    waiting for a check."""
    admin = UserFactory(role="case_manager", full_name="Priya Admin")
    manager = UserFactory(role="case_manager", organisation=admin.organisation, is_org_admin=False)
    participant = ParticipantFactory(case_manager=manager, first_name="Dean")
    referral = ReferralFactory(participant=participant, opportunity=OpportunityFactory(title="Groundworker"))
    person = campus_person(participant)
    access = db.session.scalar(select(CampusAccess).where(CampusAccess.participant_id == participant.id))
    message = operations.write_message(access, referral, "Can I start at 8?")
    db.session.commit()
    return admin, manager, participant, person, message


def test_the_campus_is_on_for_every_organisation_until_switched(app):
    assert switch.is_on(UserFactory(role="case_manager").organisation)


def test_switching_off_stops_slips_and_sign_in_but_leaves_messages_waiting(client, app):
    admin, manager, participant, person, message = _caseload()
    sign_in_client(client, admin)
    page = client.get("/campus/setting")
    assert page.status_code == 200 and "has always been on" in page.text
    saved = client.post_form("/campus/setting", {"setting": "off"}, follow_redirects=True)
    assert "is off for your caseload" in saved.text and "Switched off" in saved.text and "Priya Admin" in saved.text
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "campus.switched_off"))
    assert (event.actor_id, event.subject_type, event.subject_id) == (admin.id, "organisations",
                                                                     str(admin.organisation_id))
    assert event.at is not None

    client.post_form("/sign-out")
    sign_in_client(client, manager)
    access_page = client.get(f"/campus/people/{participant.id}/access")
    assert "switched the Virtual Campus off" in access_page.text and "Priya Admin" in access_page.text
    assert "Print a new slip" not in access_page.text
    refused = client.post_form(f"/campus/people/{participant.id}/access", {"consent": "y"})
    assert refused.status_code == 400 and "no access slips can be printed" in refused.text
    # Waiting messages stay waiting and can still be checked.
    assert operations.check_queue(manager) == [message]
    assert client.post_form(f"/campus/checks/{message.id}/send").status_code == 302
    db.session.refresh(message)
    assert message.status == MessageStatus.SENT

    client.post_form("/sign-out")
    signed = client.post_form("/campus/sign-in", {"participant_number": participant.participant_number,
                                                  "passphrase": TEST_PASSWORD, **_born(participant)})
    assert signed.status_code == 400 and "switched off at the moment" in signed.text
    assert "Dean" not in signed.text and "Groundworker" not in signed.text
    assert client.get("/campus/home").status_code == 302  # not signed in


def test_a_signed_in_person_is_signed_out_when_it_is_switched_off(client, app):
    admin, _manager, participant, person, _message = _caseload()
    sign_in_client(client, person)
    assert client.get("/campus/home").status_code == 200
    switch.switch(admin.organisation, admin, False)
    db.session.commit()
    answer = client.get("/campus/home", follow_redirects=True)
    assert "switched off at the moment" in answer.text and "Groundworker" not in answer.text
    assert "Sign in to the Virtual Campus" in answer.text
    switch.switch(admin.organisation, admin, True)
    db.session.commit()
    back = client.post_form("/campus/sign-in", {"participant_number": participant.participant_number,
                                                "passphrase": TEST_PASSWORD, **_born(participant)},
                            follow_redirects=True)
    assert "Groundworker" in back.text


def test_a_slip_cannot_be_used_while_it_is_off_and_still_works_after(client, app):
    admin, manager, participant, _person, _message = _caseload()
    sign_in_client(client, manager)
    shown = operations.current_access(participant)  # the slip the page shows, as a browser posts it
    slip = client.post_form(f"/campus/people/{participant.id}/access", {"consent": "y", "seen_slip": str(shown.id)})
    code = CODE.search(slip.text).group(1)
    client.post_form("/sign-out")
    switch.switch(admin.organisation, admin, False)
    db.session.commit()
    details = {"code": code, "participant_number": participant.participant_number,
               "passphrase": "lantern meadow copper violin", "confirm": "lantern meadow copper violin",
               **_born(participant)}
    refused = client.post_form("/campus/start", details)
    assert refused.status_code == 400 and "switched off at the moment" in refused.text
    switch.switch(admin.organisation, admin, True)
    db.session.commit()
    assert "Hello, Dean" in client.post_form("/campus/start", details, follow_redirects=True).text


def test_only_an_admin_of_a_provider_can_switch(client, app):
    admin, manager, *_ = _caseload()
    sign_in_client(client, manager)
    assert client.get("/campus/setting").status_code == 403
    client.post_form("/sign-out")
    sign_in_client(client, UserFactory(role="employer"))
    assert client.get("/campus/setting").status_code == 403
    other = UserFactory(role="case_manager")
    assert not switch.can_switch(other, admin.organisation)
