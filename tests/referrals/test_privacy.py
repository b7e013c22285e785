"""The employer sees what the case manager chose to share, and nothing else from the person's
record: checked in the rendered HTML of every inbox view, the referral page, the step pages,
what the employer is told, and the downloads."""

from __future__ import annotations

import io
from datetime import date

import pytest
from sqlalchemy import select

from marketplace.core.models import Notification, OutboxMessage
from marketplace.extensions import db
from marketplace.referrals.forms import INBOX_VIEWS
from marketplace.referrals.models import Referral, ReferralDocument
from tests.factories import OpportunityFactory, UserFactory
from tests.referrals.conftest import community_participant, pdf

SECRETS = {
    "last name": "Quillfeather",
    "participant number": "X7734QQ",
    "date of birth": "14 March 1987",
    "date of birth (ISO)": "1987-03-14",
    "release town": "Skelmersdale",
    "postcode": "WN8 6AB",
    "qualification": "Level 2 Certificate in Warehousing",
    "offence": "Arson",
}


@pytest.fixture
def shared(client, login_as):
    """A referral made through the form by the person's case manager, sharing a first name, skills
    and a CV only."""
    participant = community_participant(
        first_name="Robin", last_name=SECRETS["last name"], participant_number=SECRETS["participant number"],
        date_of_birth=date(1987, 3, 14), release_town=SECRETS["release town"], release_postcode=SECRETS["postcode"],
        qualifications=[{"title": SECRETS["qualification"], "subject": "logistics", "level": "2"}],
        offence_categories=["arson"], skills=["pallet truck", "stock rotation"])
    opportunity = OpportunityFactory()
    employer = UserFactory(role="employer", organisation=opportunity.organisation)
    case_manager = participant.case_manager
    db.session.commit()
    from tests.helpers import send_referral, sign_in_client
    sign_in_client(client, case_manager)
    response = send_referral(
        client, f"/referrals/new?participant={participant.id}&opportunity={opportunity.id}",
        {"name": "Robin", "parts": ["skills"], "consent": "y",
         "cv": (io.BytesIO(pdf("Robin's work history")), "cv.pdf")},
        content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)
    referral = db.session.scalars(select(Referral)).one()
    # What the employer is given is frozen: a later change to the record does not reach them.
    participant.skills = ["something added after the referral"]
    db.session.commit()
    sign_in_client(client, employer)
    return referral, employer


def assert_private(html: str):
    for what, value in SECRETS.items():
        assert value not in html, f"the employer saw the {what}"
    assert "something added after the referral" not in html


def test_the_referral_page_shows_only_the_shared_parts(shared, client):
    referral, _ = shared
    html = client.get(f"/referrals/{referral.id}").get_data(as_text=True)
    assert "Robin" in html and "pallet truck" in html
    assert "Qualifications" not in html and "Readiness to work" not in html
    assert_private(html)


@pytest.mark.parametrize("view", list(INBOX_VIEWS))
def test_no_inbox_view_shows_unshared_fields(shared, client, view):
    html = client.get(f"/referrals/inbox?view={view}").get_data(as_text=True)
    assert_private(html)
    if view in ("waiting", "new", "open", "all"):
        assert "Robin" in html


@pytest.mark.parametrize("action", ["offer_interview", "decline", "acknowledge"])
def test_step_pages_show_only_the_shared_name(shared, client, action):
    referral, _ = shared
    response = client.get(f"/referrals/{referral.id}/steps/{action}")
    assert_private(response.get_data(as_text=True))


def test_what_the_employer_is_told_names_only_the_shared_name(shared):
    _, employer = shared
    texts = db.session.scalars(select(Notification.text).where(Notification.user_id == employer.id)).all()
    emails = db.session.scalars(select(OutboxMessage).where(OutboxMessage.to_address == employer.email)).all()
    assert texts and emails
    for text in [*texts, *(e.subject + e.body for e in emails)]:
        assert "Robin" in text or "referral" in text.lower()
        assert_private(text)


def test_the_download_is_the_file_the_case_manager_attached(shared, client):
    referral, _ = shared
    document = db.session.scalars(select(ReferralDocument)).one()
    response = client.get(f"/referrals/{referral.id}/documents/{document.id}")
    assert response.status_code == 200
    assert response.data == pdf("Robin's work history")
    assert response.headers["Content-Type"] == "application/pdf"
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "no-store"
    assert_private(response.headers["Content-Disposition"])


def test_other_employers_and_case_managers_see_nothing(shared, client, login_as):
    referral, _ = shared
    document = db.session.scalars(select(ReferralDocument)).one()
    for role in ("employer", "case_manager", "social_enterprise"):
        login_as(role)
        assert client.get(f"/referrals/{referral.id}").status_code == 404
        assert client.get(f"/referrals/{referral.id}/documents/{document.id}").status_code == 404
        assert "Robin" not in client.get("/referrals/inbox?view=all" if role != "case_manager"
                                         else "/referrals/?scope=organisation&view=all").get_data(as_text=True)


def test_a_draft_is_not_shown_to_the_employer(make_parties, client):
    parties = make_parties("draft", submitted_at=None)
    from tests.helpers import sign_in_client
    sign_in_client(client, parties.employer)
    assert client.get(f"/referrals/{parties.referral.id}").status_code == 404
    assert parties.referral.shared_name not in client.get("/referrals/inbox?view=all").get_data(as_text=True)
