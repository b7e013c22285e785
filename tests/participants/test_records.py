"""Adding and changing participants through the forms: what is saved, and what is refused."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from marketplace.core import clock
from marketplace.core.models import AuditEvent
from marketplace.extensions import db
from marketplace.participants.models import ConsentRecord, NeedsAssessment, Participant
from marketplace.reference import PATHWAYS
from tests.factories import ParticipantFactory
from tests.helpers import location


def _date(prefix: str, value) -> dict:
    return {prefix: [str(value.day), str(value.month), str(value.year)]} if value else {}


def _post(client, path, data):
    """Post a form whose date fields are given as date objects (sent as day, month, year)."""
    payload: dict = {}
    for key, value in data.items():
        if hasattr(value, "year"):
            payload[key] = [str(value.day), str(value.month), str(value.year)]
        else:
            payload[key] = value
    return client.post_form(path, payload)


def good_person(**changes):
    today = clock.today()
    data = {
        "participant_number": "a1234bc", "first_name": "Kerry", "last_name": "Ashworth",
        "date_of_birth": today - timedelta(days=365 * 34), "location": "custody", "prison": "HMP Styal",
        "release_date": today + timedelta(days=40), "release_date_confirmed": "y", "release_region": "North West",
        "release_town": "Manchester", "release_postcode": "m1 1ae", "travel_miles": "15",
        "skills": "food preparation\nbarista\n", "qualifications-0-subject": "retail_commercial",
        "qualifications-0-level": "2", "qualifications-0-title": "Food Safety", "work_history": "Kitchen porter",
        "sectors_wanted": ["Catering and hospitality", "Retail"], "jobs_wanted": "chef\n", "goals": "Become a chef",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def count(model, *criteria):
    return db.session.scalar(select(func.count()).select_from(model).where(*criteria))


def test_case_manager_adds_a_person(client, login_as):
    manager = login_as("case_manager")
    response = _post(client, "/participants/new", good_person())
    assert response.status_code == 302
    person = db.session.scalar(select(Participant))
    assert location(response) == f"/participants/{person.id}"
    assert person.participant_number == "A1234BC"
    assert person.release_postcode == "M1 1AE"
    assert person.case_manager_id == manager.id and person.organisation_id == manager.organisation_id
    assert person.skills == ["food preparation", "barista"]
    assert person.qualifications == [{"subject": "retail_commercial", "level": "2", "title": "Food Safety"}]
    assert person.interests == ["Catering and hospitality", "Retail", "chef"]
    assert person.travel_miles == 15 and person.release_date_confirmed
    assert count(AuditEvent, AuditEvent.action == "participant.created") == 1


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"release_date": "before-birth"}, "release_date", "Release date must be after the date of birth"),
    ({"prison": "HMP Nowhere"}, "prison", "Not a valid choice"),
    ({"prison": ""}, "prison", "Select the prison the person is in"),
    ({"release_postcode": "ZZ99 9ZZZ"}, "release_postcode", "Enter a real postcode, like M1 1AE"),
    ({"release_postcode": "QQ1 1AA"}, "release_postcode", "Enter a real postcode, like M1 1AE"),
    ({"date_of_birth": ["31", "2", "1990"]}, "date_of_birth", "Date of birth must be a real date"),
    ({"date_of_birth": ["12", "", "1990"]}, "date_of_birth", "Date of birth must include a month"),
    ({"date_of_birth": ["a", "b", "c"]}, "date_of_birth", "Date of birth must be a real date"),
    ({"date_of_birth": ["1", "1", "90"]}, "date_of_birth", "Year must include 4 numbers"),
    ({"date_of_birth": "future"}, "date_of_birth", "Date of birth must be in the past"),
    ({"travel_miles": "ten"}, "travel_miles", "whole number of miles"),
    ({"travel_miles": "900"}, "travel_miles", "between 0 and 300 miles"),
    ({"release_region": "Narnia"}, "release_region", "Not a valid choice"),
    ({"location": "community", "rotl_from": "soon"}, "rotl_from", "only applies to people in custody"),
    ({"participant_number": "A 1234 <b>"}, "participant_number", "up to 20 letters, numbers"),
    ({"qualifications-0-level": ""}, "qualifications", "Select the level of each qualification"),
    ({"first_name": ""}, "first_name", "Enter the first name"),
])
def test_bad_details_are_refused_clearly_and_nothing_is_written(client, login_as, changes, field, message):
    login_as("case_manager")
    today = clock.today()
    special = {"before-birth": today - timedelta(days=365 * 40), "future": today + timedelta(days=3),
               "soon": today + timedelta(days=10)}
    changes = {k: special.get(v, v) if isinstance(v, str) else v for k, v in changes.items()}
    response = _post(client, "/participants/new", good_person(**changes))
    assert response.status_code == 400
    page = response.data.decode()
    assert "govuk-error-summary" in page
    assert message in page
    assert count(Participant) == 0


def test_participant_numbers_are_unique_within_an_organisation(client, login_as):
    manager = login_as("case_manager")
    ParticipantFactory(case_manager=manager, participant_number="A1234BC")
    response = _post(client, "/participants/new", good_person())
    assert response.status_code == 400
    assert b"Another person on your organisation" in response.data
    ParticipantFactory(participant_number="B9999ZZ")  # another organisation may use any number
    assert _post(client, "/participants/new", good_person(participant_number="B9999ZZ")).status_code == 302


def test_editing_changes_details_and_case_manager(client, login_as):
    from tests.factories import UserFactory

    manager = login_as("case_manager")
    colleague = UserFactory(role="case_manager", organisation=manager.organisation)
    person = ParticipantFactory(case_manager=manager)
    page = client.get(f"/participants/{person.id}/edit")
    assert person.first_name.encode() in page.data
    response = _post(client, f"/participants/{person.id}/edit",
                     good_person(participant_number=person.participant_number, case_manager_id=str(colleague.id),
                                 first_name="Kez"))
    assert response.status_code == 302
    db.session.refresh(person)
    assert person.first_name == "Kez" and person.case_manager_id == colleague.id


def test_readiness_profile(client, login_as):
    manager = login_as("case_manager")
    person = ParticipantFactory(case_manager=manager)
    data = {"readiness": "ready", "bank_account": "done", "id": "in_progress", "cv": "done",
            "disclosure_letter": "not_started", "email": "done", "phone": "done", "housing": "in_progress",
            "interview_clothes": "not_started"}
    assert client.post_form(f"/participants/{person.id}/readiness", data).status_code == 302
    db.session.refresh(person)
    assert person.readiness == "ready"
    assert person.readiness_tasks["id"] == "in_progress" and person.readiness_tasks["cv"] == "done"
    bad = client.post_form(f"/participants/{person.id}/readiness", {**data, "cv": "finished"})
    assert bad.status_code == 400


def test_two_assessments_show_distance_travelled_with_numbers(client, login_as):
    manager = login_as("case_manager")
    person = ParticipantFactory(case_manager=manager)
    first = {pathway: "red" for pathway in PATHWAYS}
    second = {**first, "accommodation": "green", "ete": "amber", "wellbeing": "red"}
    earlier = clock.today() - timedelta(days=60)
    path = f"/participants/{person.id}/assessments/new"
    assert _post(client, path, {"assessed_on": earlier, **first}).status_code == 302
    assert _post(client, f"/participants/{person.id}/assessments/new",
                 {"assessed_on": clock.today(), **second}).status_code == 302
    assert count(NeedsAssessment) == 2
    page = client.get(f"/participants/{person.id}").data.decode()
    assert "Distance travelled" in page
    assert "Less need by 2 steps" in page  # accommodation red -> green
    assert "Less need by 1 step" in page  # ete red -> amber
    assert "No change" in page
    assert '<svg class="fcw-chart__svg"' in page


def test_assessment_needs_every_pathway_rated(client, login_as):
    manager = login_as("case_manager")
    person = ParticipantFactory(case_manager=manager)
    ratings = {pathway: "amber" for pathway in PATHWAYS if pathway != "alcohol"}
    response = _post(client, f"/participants/{person.id}/assessments/new", {"assessed_on": clock.today(), **ratings})
    assert response.status_code == 400
    assert b"Select a rating for alcohol" in response.data
    assert count(NeedsAssessment) == 0


def test_consent_history_is_kept_and_the_latest_is_in_force(client, login_as):
    manager = login_as("case_manager")
    person = ParticipantFactory(case_manager=manager)
    _post(client, f"/participants/{person.id}/consent",
          {"employers": "y", "mentors": "y", "given_on": clock.today() - timedelta(days=5), "purpose": "Jobs"})
    _post(client, f"/participants/{person.id}/consent", {"mentors": "y", "given_on": clock.today()})
    db.session.refresh(person)
    assert count(ConsentRecord) == 2
    assert person.may_share_with_mentors() and not person.may_share_with_employers()


def test_restrictions_are_saved_but_never_written_to_the_audit_log(client, login_as):
    manager = login_as("case_manager")
    person = ParticipantFactory(case_manager=manager)
    response = client.post_form(f"/participants/{person.id}/restrictions", {
        "offence_categories": ["violence", "arson"], "no_work_with_children": "y", "mappa_category": "2",
        "mappa_level": "1", "rosh_level": "medium"})
    assert response.status_code == 302
    db.session.refresh(person)
    assert person.offence_categories == ["arson", "violence"]
    assert person.no_work_with_children and person.mappa_category == "2" and person.rosh_level == "medium"
    for event in db.session.scalars(select(AuditEvent)):
        assert "arson" not in event.detail and "violence" not in event.detail


def test_mappa_needs_category_and_level_together(client, login_as):
    manager = login_as("case_manager")
    person = ParticipantFactory(case_manager=manager)
    response = client.post_form(f"/participants/{person.id}/restrictions", {"mappa_category": "1"})
    assert response.status_code == 400
    assert b"Give both the MAPPA category and the MAPPA level" in response.data


def test_closed_case_is_read_only(client, login_as):
    manager = login_as("case_manager")
    person = ParticipantFactory(case_manager=manager)
    assert client.post_form(f"/participants/{person.id}/close", {"reason": "other"}).status_code == 400
    assert client.post_form(f"/participants/{person.id}/close", {"reason": "moved_away"}).status_code == 302
    db.session.refresh(person)
    assert person.is_closed and person.closed_reason == "moved_away"
    edit = client.get(f"/participants/{person.id}/edit")
    assert edit.status_code == 302
    refused = _post(client, f"/participants/{person.id}/edit",
                    good_person(participant_number=person.participant_number, first_name="Changed"))
    assert refused.status_code == 302
    db.session.refresh(person)
    assert person.first_name != "Changed"
    page = client.get(f"/participants/{person.id}").data
    assert b"Case closed on" in page
    assert b"/edit" not in page
