"""The person's Virtual Campus CV attached to a referral by their case manager: offered only when they
have one, sent only with their consent confirmed (recorded on the referral: who and when, shown to both
sides), made into a PDF once and sent as it was checked, and downloaded by the employer it was sent to."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from marketplace.campus.models import CampusCV
from marketplace.core.models import AuditEvent
from marketplace.extensions import db
from marketplace.referrals import uploads
from marketplace.referrals.models import Referral, ReferralDocument
from tests.factories import OpportunityFactory, UserFactory
from tests.helpers import CHECK_HEADING, error_summary, hidden_inputs, sign_in_client
from tests.referrals.conftest import community_participant, pdf

ANSWERS = {"name": "Robin", "parts": ["skills"], "consent": "y"}
OPTION = "Attach Robin&#39;s CV from the Virtual Campus"


@pytest.fixture
def referring(app, client):
    person = community_participant(first_name="Robin", last_name="Nowak", skills=["Forklift driving"])
    db.session.add(CampusCV(participant_id=person.id, statement="I turn up early and learn fast."))
    opportunity = OpportunityFactory(title="Forklift driver")
    employer = UserFactory(role="employer", organisation=opportunity.organisation)
    db.session.commit()
    sign_in_client(client, person.case_manager)
    for left in uploads.held_dir().iterdir():
        left.unlink()
    return person, opportunity, employer, f"/referrals/new?participant={person.id}&opportunity={opportunity.id}"


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def _continue(client, path, data, **kwargs):
    return client.post_form(path, {**data, "submit": "Continue"}, content_type="multipart/form-data", **kwargs)


def test_the_option_shows_only_when_the_person_has_a_campus_cv(referring, client):
    person, _opportunity, _employer, path = referring
    page = client.get(path).get_data(as_text=True)
    assert OPTION in page and f"Robin agreed to share their CV with {_opportunity.organisation.name}" in page
    db.session.execute(CampusCV.__table__.delete())
    db.session.commit()
    assert OPTION not in client.get(path).get_data(as_text=True)
    # Ticked anyway (an old form): refused, nothing sent.
    response = _continue(client, path, {**ANSWERS, "campus_cv": "y", "campus_cv_consent": "y"})
    assert response.status_code == 400
    assert "Robin has no CV on the Virtual Campus" in error_summary(response.data)
    assert db.session.scalar(select(Referral)) is None


def test_consent_is_required_and_one_cv_only_every_error_at_once(referring, client):
    _person, opportunity, _employer, path = referring
    response = _continue(client, path, {"name": "", "parts": ["skills"], "campus_cv": "y",
                                        "cv": (io.BytesIO(pdf("Uploaded CV")), "cv.pdf")})
    assert response.status_code == 400
    errors = error_summary(response.data)
    assert "Enter the name to share with the employer" in errors
    assert f"Confirm that Robin agreed to share their CV with {opportunity.organisation.name}" in errors
    assert errors[f"Confirm that Robin agreed to share their CV with {opportunity.organisation.name}"] == \
        "#campus_cv_consent"
    assert "Attach one CV: remove the CV file or untick the Virtual Campus CV" in errors
    assert db.session.scalar(select(Referral)) is None


def test_the_cv_is_sent_as_checked_with_the_consent_recorded_and_shown_to_both_sides(referring, client):
    person, opportunity, employer, path = referring
    check = _continue(client, path, {**ANSWERS, "campus_cv": "y", "campus_cv_consent": "y"})
    page = check.get_data(as_text=True)
    assert check.status_code == 200 and CHECK_HEADING in page
    assert "CV from the Virtual Campus: CV_Robin_Nowak_Virtual_Campus.pdf" in page
    assert f"Robin agreed to share their CV from the Virtual Campus with {opportunity.organisation.name}" in page
    # The person changes their CV after the check: the referral still sends the CV that was checked.
    db.session.scalar(select(CampusCV)).statement = "Changed after the check."
    db.session.commit()
    sent = client.post_form(path, {**hidden_inputs(page), "send": "Send referral"})
    assert sent.status_code == 302
    referral = db.session.scalars(select(Referral)).one()
    assert referral.campus_cv_consent_by_id == person.case_manager.id and referral.campus_cv_consent_at
    document = db.session.scalars(select(ReferralDocument)).one()
    assert (document.kind, document.content_type) == ("cv", "application/pdf")
    text = _pdf_text(uploads.path_of(document.stored_name).read_bytes())
    assert "Robin Nowak" in text and "I turn up early and learn fast." in text and "Changed" not in text
    assert list(uploads.held_dir().iterdir()) == []
    assert "referral.campus_cv_attached" in set(db.session.scalars(select(AuditEvent.action)))

    for user in (person.case_manager, employer):
        sign_in_client(client, user)
        shown = client.get(f"/referrals/{referral.id}").get_data(as_text=True)
        assert "CV: CV_Robin_Nowak_Virtual_Campus.pdf" in shown
        consent = shown.split('id="campus-cv-consent"', 1)[1].split("</p>", 1)[0]
        assert f"agreed to share it with {opportunity.organisation.name}" in consent
        assert f"recorded by {person.case_manager.full_name} on" in consent
    download = client.get(f"/referrals/{referral.id}/documents/{document.id}")
    assert download.status_code == 200 and "I turn up early and learn fast." in _pdf_text(download.data)


def test_only_the_employer_it_was_sent_to_downloads_it_and_no_one_else_can_attach_it(referring, client):
    person, opportunity, _employer, path = referring
    page = _continue(client, path, {**ANSWERS, "campus_cv": "y", "campus_cv_consent": "y"}).get_data(as_text=True)
    client.post_form(path, {**hidden_inputs(page), "send": "Send referral"})
    referral = db.session.scalars(select(Referral)).one()
    document = referral.documents[0]
    other_employer = UserFactory(role="employer")
    other_manager = UserFactory(role="case_manager")  # another provider organisation
    db.session.commit()
    sign_in_client(client, other_employer)
    assert client.get(f"/referrals/{referral.id}/documents/{document.id}").status_code in (403, 404)
    sign_in_client(client, other_manager)
    assert client.get(f"/referrals/{referral.id}/documents/{document.id}").status_code in (403, 404)
    assert client.get(path).status_code == 404
    response = _continue(client, path, {**ANSWERS, "campus_cv": "y", "campus_cv_consent": "y"})
    assert response.status_code == 404
    assert db.session.scalars(select(ReferralDocument)).all() == [document]


def test_without_the_campus_cv_nothing_about_it_is_recorded(referring, client):
    _person, _opportunity, _employer, path = referring
    page = _continue(client, path, ANSWERS).get_data(as_text=True)
    assert "CV from the Virtual Campus" not in page.split("Now send")[0].split("What ")[1]
    client.post_form(path, {**hidden_inputs(page), "send": "Send referral"})
    referral = db.session.scalars(select(Referral)).one()
    assert referral.campus_cv_consent_at is None and referral.documents == []
