"""Gatemate is safe to volunteer for: nothing reaches mentors without the person's consent, and
withdrawn consent hides everything at once; risk is passed on as safety arrangements, never as
offences, and a MAPPA or high-RoSH request waits for a coordinator's sign-off."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from marketplace.core.models import AuditEvent, Notification, OutboxMessage
from marketplace.extensions import db
from marketplace.gatemate import operations
from marketplace.gatemate.models import GatemateRequest, Signoff
from marketplace.gatemate.safety import offence_words_in
from tests.factories import ConsentRecordFactory, ParticipantFactory, UserFactory
from tests.gatemate.conftest import count, days, send_request
from tests.gatemate.test_requests import request_form
from tests.helpers import location, sign_in_client, told

NOTE = "Look for the green rucksack."
MESSAGE = "Paperwork is late: expect Sam after 11am."


@pytest.fixture
def manager(login_as):
    return login_as("case_manager")


def date_fields(day) -> list[str]:
    return [str(day.day), str(day.month), str(day.year)]


# Consent first ----------------------------------------------------------------------------------------------

def test_the_case_manager_records_consent_where_the_request_is_made(client, manager):
    person = ParticipantFactory(case_manager=manager, first_name="Sam", last_name="Okoro")
    ConsentRecordFactory(participant=person, employers=True, mentors=False, given_on=days(-30))
    form = client.get(f"/gatemate/participants/{person.id}/consent")
    assert form.status_code == 200 and b"Consent to share with Gatemate mentors" in form.data
    response = client.post_form(f"/gatemate/participants/{person.id}/consent", {"mentors": "", "given_on": ""})
    assert response.status_code == 400
    assert b"Select whether they agree" in response.data and b"Enter the date of consent" in response.data

    response = client.post_form(f"/gatemate/participants/{person.id}/consent",
                                {"mentors": "yes", "given_on": date_fields(days(-1))})
    assert response.status_code == 302 and location(response) == f"/gatemate/participants/{person.id}/request"
    consent = person.consent
    assert (consent.mentors, consent.employers, consent.given_on) == (True, True, days(-1))  # employers kept

    assert send_request(client, f"/gatemate/participants/{person.id}/request", request_form()).status_code == 302
    request = db.session.scalar(select(GatemateRequest))
    assert request.consent_given_on == days(-1)
    page = client.get(f"/gatemate/requests/{request.id}").data.decode()
    assert "agreed to share details with mentors on" in page


def _held_request(make_mentor, make_request, manager):
    person = ParticipantFactory(case_manager=manager, first_name="Sam", last_name="Okoro")
    ConsentRecordFactory(participant=person, mentors=True)
    mentor = make_mentor(prisons=["HMP Liverpool"])
    request = make_request(person, note=NOTE, destination_town="Bootle", release_date=days(10),
                           status="accepted", mentor_id=mentor.id)
    operations.update_release(request.id, operations.ReleaseUpdate(
        "expected", days(10), request.window_start, request.window_end, MESSAGE), manager)
    db.session.commit()
    return person, mentor, request


def _assert_nothing_personal(html: str) -> None:
    for secret in (NOTE, MESSAGE, "Sam O.", "Okoro", "Bootle"):
        assert secret not in html, secret
    assert "This request has ended" in html
    assert "Meet someone at HMP Liverpool (details withheld)</h1>" in html


def test_withdrawn_consent_ends_the_request_and_hides_everything_from_the_mentor(client, manager, make_mentor,
                                                                                  make_request):
    person, mentor, request = _held_request(make_mentor, make_request, manager)
    sign_in_client(client, mentor)
    page = client.get(f"/gatemate/requests/{request.id}").data.decode()
    assert NOTE in page and MESSAGE in page and "Sam O." in page

    sign_in_client(client, manager)
    response = client.post_form(f"/gatemate/participants/{person.id}/consent",
                                {"mentors": "no", "given_on": date_fields(days(0))})
    assert response.status_code == 302
    assert (request.status, request.cancel_reason) == ("cancelled", "consent_withdrawn")
    ended = told(mentor)[-1]
    assert "has ended" in ended and "consent" in ended and "Sam" not in ended

    sign_in_client(client, mentor)
    _assert_nothing_personal(client.get(f"/gatemate/requests/{request.id}").data.decode())
    assert "Sam O." not in client.get("/gatemate/requests?show=all").data.decode()
    # Nor in what the service told them before: the release-day message read "for Sam O.: <message>".
    notices = client.get("/notifications").data.decode()
    assert MESSAGE not in notices and "Sam O." not in notices
    assert "has ended" in notices and "Details withheld" in notices


def test_consent_withdrawn_on_the_record_hides_the_request_on_every_worker(served_site, make_mentor, make_request):
    manager = UserFactory(role="case_manager")
    person, mentor, request = _held_request(make_mentor, make_request, manager)
    mentor_browser = served_site.signed_in(mentor)
    for page in served_site.every_worker(mentor_browser, f"/gatemate/requests/{request.id}").values():
        assert NOTE in page.text and MESSAGE in page.text

    # Withdrawn on the participant's own consent page (participants feature), not Gatemate's.
    manager_browser = served_site.signed_in(manager)
    answer = served_site.post_form(manager_browser, f"/participants/{person.id}/consent",
                                   {"given_on": date_fields(days(0)), "purpose": ""}, allow_redirects=False)
    assert answer.status_code == 302
    for pid, page in served_site.every_worker(mentor_browser, f"/gatemate/requests/{request.id}").items():
        assert page.status_code == 200, pid
        _assert_nothing_personal(page.text)
    db.session.expire_all()
    assert db.session.get(GatemateRequest, request.id).status == "cancelled"


# Safety without offence details ---------------------------------------------------------------------------------

def test_offences_and_risk_labels_are_refused_in_what_mentors_read(client, manager):
    person = ParticipantFactory(case_manager=manager)
    ConsentRecordFactory(participant=person, mentors=True)
    response = send_request(client, f"/gatemate/participants/{person.id}/request", request_form(
        note="Convicted of robbery in 2019; MAPPA level 2, do not meet alone",
        safety_arrangements="High risk to women", needs=None))
    assert response.status_code == 400
    page = response.data.decode()
    assert "Remove offences and risk labels from the note: it mentions “Convicted”, “robbery”, “MAPPA”" in page
    assert "from the safety arrangements: it mentions “High risk”" in page
    assert "Select what they need on the day" in page  # every problem at once
    assert "Convicted of robbery" in page  # what was typed is kept
    assert count(GatemateRequest) == 0

    arrangements = "Meet in the visitors' centre, two mentors, phone the probation officer on arrival"
    assert send_request(client, f"/gatemate/participants/{person.id}/request", request_form(
        note="In recovery; wants help finding a meeting", safety_arrangements=arrangements)).status_code == 302
    assert db.session.scalar(select(GatemateRequest.safety_arrangements)) == arrangements


@pytest.mark.parametrize(("text", "found"), [
    ("Convicted of robbery…; MAPPA level 2, do not meet alone", ["Convicted", "robbery", "MAPPA"]),
    ("RoSH very high; registered sex offender", ["RoSH", "registered sex offender"]),
    ("served time for GBH and arson", ["GBH", "arson"]),
    ("meet in the visitors' centre, two mentors, phone the probation officer on arrival", []),
    ("Sees a therapist; grew up in Pennsylvania; at risk of leaving without support", []),
])
def test_the_reference_lists_match_whole_words(text, found):
    assert offence_words_in(text) == found


def _mappa_person(manager):
    person = ParticipantFactory(case_manager=manager, first_name="Lee", last_name="Hart", mappa_category="1",
                                mappa_level="2", offence_categories=["sexual"])
    ConsentRecordFactory(participant=person, mentors=True)
    return person


def test_a_mappa_request_waits_for_a_coordinators_sign_off(client, manager, make_mentor):
    person = _mappa_person(manager)
    mentor = make_mentor(prisons=["HMP Liverpool"])
    coordinator = UserFactory(role="coordinator", organisation=mentor.organisation, full_name="Cora Ordinator")
    elsewhere = UserFactory(role="coordinator", organisation=make_mentor(prisons=["HMP Leeds"]).organisation)

    response = send_request(client, f"/gatemate/participants/{person.id}/request", request_form())
    assert response.status_code == 400 and b"Enter the safety arrangements" in response.data
    response = send_request(client, f"/gatemate/participants/{person.id}/request", request_form(
        safety_arrangements="Two mentors; meet in the visitors' centre."))
    assert response.status_code == 302
    request = db.session.scalar(select(GatemateRequest))
    assert request.status == "awaiting_signoff"
    assert told(mentor) == [] and len(told(coordinator)) == 1 and told(elsewhere) == []

    sign_in_client(client, mentor)
    assert "Lee H." not in client.get("/gatemate/board").data.decode()
    assert client.get(f"/gatemate/requests/{request.id}").status_code == 404
    sign_in_client(client, elsewhere)
    assert client.get(f"/gatemate/requests/{request.id}/sign-off").status_code == 404

    sign_in_client(client, coordinator)
    page = client.get(f"/gatemate/requests/{request.id}/sign-off").data.decode()
    assert "Managed under MAPPA (level 2)" in page and "Sexual" not in page and "category" not in page.lower()
    response = client.post_form(f"/gatemate/requests/{request.id}/sign-off", {"decision": "", "reason": ""})
    assert response.status_code == 400
    assert b"Select whether you sign the request off" in response.data and b"Say why" in response.data
    response = client.post_form(f"/gatemate/requests/{request.id}/sign-off", {
        "decision": "sign_off", "reason": "Agreed with probation by phone.", "two_mentors": "y"})
    assert response.status_code == 302
    assert (request.status, request.two_mentors) == ("open", True)
    signoff = db.session.scalar(select(Signoff))
    assert (signoff.coordinator_id, signoff.decision, signoff.reason) == (coordinator.id, "sign_off",
                                                                          "Agreed with probation by phone.")
    assert "Cora Ordinator" in told(manager)[-1] and "signed off" in told(manager)[-1]
    assert "Two mentors must go: the first two to accept get it." in told(mentor)[-1]

    sign_in_client(client, mentor)
    page = client.get(f"/gatemate/requests/{request.id}").data.decode()
    assert "Two mentors must go" in page and "visitors&#39; centre" in page
    assert "MAPPA" not in page and "Agreed with probation" not in page or "Signed off" in page


def test_a_coordinator_who_declines_is_named_to_the_case_manager(client, manager, make_mentor):
    person = _mappa_person(manager)
    coordinator = UserFactory(role="coordinator", organisation=make_mentor().organisation, full_name="Dee Cline")
    request = operations.create_request(person, "HMP Liverpool", operations.ReleaseDay(days(10), *_window()),
                                        operations.Details("Bootle", "North West", ["gp"],
                                                           safety_arrangements="Two mentors."), manager)
    db.session.commit()
    sign_in_client(client, coordinator)
    assert client.post_form(f"/gatemate/requests/{request.id}/sign-off", {
        "decision": "decline", "reason": "No trained mentors free."}).status_code == 302
    assert request.status == "declined"
    assert "Dee Cline" in told(manager)[-1] and "did not sign off" in told(manager)[-1]
    sign_in_client(client, manager)
    page = client.get(f"/gatemate/requests/{request.id}").data.decode()
    assert "Not signed off" in page and "Dee Cline" in page and "No trained mentors free." in page


def _window():
    from datetime import time

    return time(8), time(10)


# Audit: a page that shows a participant's name is a view of them ------------------------------------------------

def test_each_view_of_a_request_page_is_audited(client, manager, make_request):
    person = ParticipantFactory(case_manager=manager)
    request = make_request(person)
    for _ in range(2):
        assert client.get(f"/gatemate/requests/{request.id}").status_code == 200
    client.get(f"/gatemate/requests/{request.id}/release")
    rows = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "participant.viewed",
                                                       AuditEvent.subject_id == str(person.id))).all()
    assert [row.detail for row in rows] == ["gatemate request", "gatemate request", "gatemate release day"]
    client.get("/gatemate/requests")
    assert count(AuditEvent, AuditEvent.detail == "gatemate requests list",
                 AuditEvent.subject_id == str(person.id)) == 1


def test_a_weekend_release_date_gets_a_warning_naming_the_working_day_before(client, manager):
    person = ParticipantFactory(case_manager=manager)
    ConsentRecordFactory(participant=person, mentors=True)
    saturday = days(5)
    while saturday.weekday() != 5:
        saturday += timedelta(days=1)
    response = send_request(client, f"/gatemate/participants/{person.id}/request", request_form(release_date=saturday))
    assert response.status_code == 302
    page = client.get(location(response)).data.decode()
    friday = saturday - timedelta(days=1)
    assert "is a weekend" in page and f"Friday {friday.day} {friday:%B %Y}" in page


def test_no_email_leaks_offences_to_mentors(client, manager, make_mentor):
    person = _mappa_person(manager)
    mentor = make_mentor()
    coordinator = UserFactory(role="coordinator", organisation=mentor.organisation)
    request = operations.create_request(person, "HMP Liverpool", operations.ReleaseDay(days(10), *_window()),
                                        operations.Details("Bootle", "North West", ["gp"],
                                                           safety_arrangements="Two mentors."), manager)
    operations.sign_off(request.id, coordinator, "sign_off", "Agreed.", True)
    db.session.commit()
    for message in db.session.scalars(select(OutboxMessage).where(
            OutboxMessage.to_address.in_([mentor.email, coordinator.email]))):
        assert "MAPPA" not in message.body and "Hart" not in message.body
    assert count(Notification, Notification.user_id == mentor.id) == 1
