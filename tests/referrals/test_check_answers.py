"""Check your answers before a referral is sent, and files that are not lost.

"Continue" shows exactly what the employer will see (the consent-filtered snapshot, the disclosure
part, the documents) and writes nothing; each answer has a Change button back to the form with every
answer kept; only "Send referral" there sends it, and only as it was checked. A file chosen on a form
that comes back (with an error, or from the check page) is held on the server and shown, not lost."""

from __future__ import annotations

import io
import math
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from marketplace.core import clock
from marketplace.core.models import AuditEvent
from marketplace.extensions import db
from marketplace.referrals import uploads
from marketplace.referrals.models import Referral, ReferralDocument
from tests.factories import OpportunityFactory, ReferralFactory, UserFactory
from tests.helpers import CHECK_HEADING, error_summary, hidden_inputs, send_referral, send_reminders, sign_in_client
from tests.referrals.conftest import community_participant, pdf

CV = pdf("Robin's work history")


@pytest.fixture
def referring(app, client):
    person = community_participant(first_name="Robin", last_name="Okafor", skills=["forklift driving", "stock"],
                                   readiness="ready")
    opportunity = OpportunityFactory(title="Forklift driver")
    employer = UserFactory(role="employer", organisation=opportunity.organisation)
    db.session.commit()
    sign_in_client(client, person.case_manager)
    for left in uploads.held_dir().iterdir():  # the uploads folder outlives each test: start with none held
        left.unlink()
    return person, opportunity, employer, f"/referrals/new?participant={person.id}&opportunity={opportunity.id}"


def post(client, path, data, cv: bytes | None = None, filename: str = "cv.pdf"):
    if cv is not None:
        data = {**data, "cv": (io.BytesIO(cv), filename)}
    return client.post_form(path, data, content_type="multipart/form-data")


def carry(page: str, **extra):
    """What a button on the check page posts: every answer it carries, and the button."""
    return {**hidden_inputs(page), **extra}


def shared_rows(html: str, start: str) -> dict[str, str]:
    """The rows of the 'what is shared' summary list after `start`, as {key: text}."""
    part = html.split(start, 1)[1].split("</dl>", 1)[0]
    rows = re.findall(r'govuk-summary-list__key">(.*?)</dt>\s*<dd class="govuk-summary-list__value">(.*?)</dd>',
                      part, re.S)
    text = lambda value: " ".join(re.sub(r"<[^>]+>", " ", value).split())  # noqa: E731
    return {text(key): text(value) for key, value in rows}


def counts():
    return (db.session.scalar(select(func.count()).select_from(Referral)),
            db.session.scalar(select(func.count()).select_from(AuditEvent).where(
                AuditEvent.action == "participant.shared")))


ANSWERS = {"name": "Robin", "parts": ["skills", "readiness", "profile"], "profile": "Reliable.\r\nEarly riser.",
           "consent": "y"}


def test_continue_shows_what_the_employer_will_see_and_writes_nothing(referring, client):
    person, opportunity, _employer, path = referring
    response = post(client, path, {**ANSWERS, "submit": "Continue"}, cv=CV)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and CHECK_HEADING in page
    rows = shared_rows(page, 'id="shared"')
    assert rows == {"Name": "Robin", "Skills": "forklift driving, stock",
                    "Readiness to work": rows["Readiness to work"], "Profile": "Reliable. Early riser.",
                    "Documents": f"CV: cv.pdf ({math.ceil(len(CV) / 1024)} KB)"}
    assert "Okafor" not in page.split('id="shared"')[1].split("</dl>")[0]  # only the name chosen
    assert "Qualifications" in page.split("Not shared")[1]  # what was left out is said
    assert counts() == (0, 0)
    assert 'name="change" value="profile"' in page and "Send referral" in page


def test_send_referral_sends_exactly_what_was_checked(referring, client):
    _person, _opportunity, employer, path = referring
    check = post(client, path, {**ANSWERS, "submit": "Continue"}, cv=CV).get_data(as_text=True)
    sent = client.post_form(path, carry(check, send="Send referral"), follow_redirects=True)
    assert "Referral sent to" in sent.get_data(as_text=True)
    referral = db.session.scalars(select(Referral)).one()
    assert referral.status == "submitted" and counts() == (1, 1)
    document = db.session.scalars(select(ReferralDocument)).one()
    assert uploads.path_of(document.stored_name).read_bytes() == CV
    assert list(uploads.held_dir().iterdir()) == []  # the held file was moved, not copied
    sign_in_client(client, employer)
    seen = client.get(f"/referrals/{referral.id}").get_data(as_text=True)
    assert shared_rows(seen, "Shared with") == shared_rows(check, 'id="shared"')


def test_change_goes_back_to_the_form_with_every_answer_and_the_file_kept(referring, client):
    _person, _opportunity, _employer, path = referring
    check = post(client, path, {**ANSWERS, "submit": "Continue"}, cv=CV).get_data(as_text=True)
    back = client.post_form(path, carry(check, change="profile"))
    page = back.get_data(as_text=True)
    assert back.status_code == 200 and "govuk-error-summary" not in page
    assert 'value="Robin"' in page and re.search(r">Reliable\.\r?\nEarly riser\.</textarea>", page)
    assert re.search(r'name="parts"[^>]*value="profile"[^>]*checked|value="profile"[^>]*checked', page)
    assert "cv.pdf uploaded</strong>" in page and "choose another to replace it" in page
    # Changed, continued and sent: the employer gets the new answer and the same file.
    answers = {**ANSWERS, **hidden_inputs(page), "profile": "Reliable and punctual.", "submit": "Continue"}
    check = client.post_form(path, answers).get_data(as_text=True)
    assert shared_rows(check, 'id="shared"')["Profile"] == "Reliable and punctual."
    assert shared_rows(check, 'id="shared"')["Documents"].startswith("CV: cv.pdf")
    assert client.post_form(path, carry(check, send="Send referral")).status_code == 302
    referral = db.session.scalars(select(Referral)).one()
    assert referral.snapshot["profile"] == "Reliable and punctual." and len(referral.documents) == 1


def test_nothing_is_sent_without_the_check_page_or_after_the_record_changed(referring, client):
    person, _opportunity, _employer, path = referring
    # "Send referral" without having seen the check page: the check page, nothing sent.
    response = client.post_form(path, {**ANSWERS, "send": "Send referral"})
    assert response.status_code == 200 and CHECK_HEADING in response.get_data(as_text=True)
    assert counts() == (0, 0)
    check = response.get_data(as_text=True)
    # The record changes while the case manager reads: what would be shared changed, so check again.
    person.skills = ["forklift driving", "first aid"]
    db.session.commit()
    again = client.post_form(path, carry(check, send="Send referral"))
    page = again.get_data(as_text=True)
    assert again.status_code == 200 and "changed after you checked it" in page
    assert shared_rows(page, 'id="shared"')["Skills"] == "forklift driving, first aid"
    assert counts() == (0, 0)
    assert client.post_form(path, carry(page, send="Send referral")).status_code == 302
    assert db.session.scalars(select(Referral)).one().snapshot["skills"] == ["forklift driving", "first aid"]


def test_the_form_lists_every_error_at_once_and_keeps_the_good_file(referring, client):
    _person, _opportunity, _employer, path = referring
    response = post(client, path, {"name": "", "parts": ["skills", "profile", "disclosure"], "profile": " ",
                                   "disclosure": "", "submit": "Continue"}, cv=CV)
    assert response.status_code == 400
    errors = error_summary(response.data)
    assert errors == {
        "Enter the name to share with the employer": "#name",
        "Write the short profile, or untick it": "#profile",
        "Write the disclosure statement with the participant, or untick it": "#disclosure",
        "Confirm that Robin agreed to share this with " + _opportunity.organisation.name: "#consent",
    }
    page = response.get_data(as_text=True)
    assert "cv.pdf uploaded</strong>" in page
    token = hidden_inputs(page)["cv_held"][0]
    # Fixed without choosing the file again: it is still there on the check page and sent.
    check = client.post_form(path, {**ANSWERS, "cv_held": token, "submit": "Continue"}).get_data(as_text=True)
    assert shared_rows(check, 'id="shared"')["Documents"].startswith("CV: cv.pdf")
    assert client.post_form(path, carry(check, send="Send referral")).status_code == 302
    assert db.session.scalars(select(ReferralDocument)).one().filename == "cv.pdf"


def test_a_refused_new_file_is_not_kept_but_the_one_held_before_is(referring, client):
    _person, _opportunity, _employer, path = referring
    first = post(client, path, {"name": "Robin", "submit": "Continue"}, cv=CV).get_data(as_text=True)
    token = hidden_inputs(first)["cv_held"][0]
    response = post(client, path, {"name": "Robin", "cv_held": token, "submit": "Continue"},
                    cv=b"just some text", filename="new.pdf")
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "The CV must be a PDF or a Word document" in page
    assert "cv.pdf uploaded</strong>" in page and len(list(uploads.held_dir().iterdir())) == 1


def test_a_held_file_is_its_owners_and_lapses(referring, client, app):
    person, _opportunity, _employer, path = referring
    page = post(client, path, {"name": "Robin", "submit": "Continue"}, cv=CV).get_data(as_text=True)
    token = hidden_inputs(page)["cv_held"][0]
    colleague = UserFactory(role="case_manager", organisation=person.case_manager.organisation)
    person.case_manager = colleague
    db.session.commit()
    sign_in_client(client, colleague)
    theirs = client.post_form(path, {**ANSWERS, "cv_held": token, "submit": "Continue"})
    assert theirs.status_code == 400 and "you chose earlier is no longer held" in theirs.get_data(as_text=True)
    # A day on, the file is removed by the scheduled job and its token means nothing.
    clock.fix(clock.now() + uploads.HOLD_FOR + timedelta(minutes=1))
    try:
        assert "held uploads past their time" in send_reminders(app)
        assert list(uploads.held_dir().iterdir()) == []
    finally:
        clock.fix(None)


def test_a_refused_send_gives_the_file_back_to_be_held(referring, client):
    person, opportunity, _employer, path = referring
    check = post(client, path, {**ANSWERS, "submit": "Continue"}, cv=CV).get_data(as_text=True)
    ReferralFactory(participant=person, opportunity=opportunity, status="submitted")  # a colleague was quicker
    db.session.commit()
    response = client.post_form(path, carry(check, send="Send referral"))
    assert response.status_code == 400
    assert "already has a referral for this opportunity" in response.get_data(as_text=True)
    assert len(list(uploads.held_dir().iterdir())) == 1
    assert db.session.scalar(select(func.count()).select_from(ReferralDocument)) == 0


def test_the_helper_goes_through_both_steps(referring, client):
    _person, _opportunity, _employer, path = referring
    assert send_referral(client, path, ANSWERS).status_code == 302
    assert db.session.scalars(select(Referral)).one().status == "submitted"


def test_a_held_file_can_be_removed_on_the_form_that_came_back(referring, client):
    _person, _opportunity, _employer, path = referring
    first = post(client, path, {"name": "Robin", "submit": "Continue"}, cv=CV)  # consent forgotten
    page = first.get_data(as_text=True)
    assert first.status_code == 400 and "cv.pdf uploaded</strong>" in page
    assert 'name="cv_remove"' in page and "Remove cv.pdf" in page
    token = hidden_inputs(page)["cv_held"][0]
    check = client.post_form(path, {**ANSWERS, "cv_held": token, "cv_remove": "y", "submit": "Continue"})
    text = check.get_data(as_text=True)
    assert check.status_code == 200 and CHECK_HEADING in text
    assert shared_rows(text, 'id="shared"')["Documents"] == "None attached"
    assert hidden_inputs(text)["cv_held"] == [""]
    assert list(uploads.held_dir().iterdir()) == []  # deleted at once, not left until it lapses
    assert client.post_form(path, carry(text, send="Send referral")).status_code == 302
    assert db.session.scalars(select(Referral)).one().documents == []


def test_a_held_file_can_be_removed_after_change_on_the_check_page(referring, client):
    person, opportunity, _employer, path = referring
    check = post(client, path, {**ANSWERS, "submit": "Continue"}, cv=CV).get_data(as_text=True)
    back = client.post_form(path, carry(check, change="cv")).get_data(as_text=True)
    assert "cv.pdf uploaded</strong>" in back and 'name="cv_remove"' in back
    answers = {**ANSWERS, **hidden_inputs(back), "cv_remove": "y", "submit": "Continue"}
    again = client.post_form(path, answers).get_data(as_text=True)
    assert shared_rows(again, 'id="shared"')["Documents"] == "None attached"
    assert list(uploads.held_dir().iterdir()) == []
    # Someone else's token, ticked for removal, removes nothing of theirs.
    other = post(client, path, {"name": "Robin", "submit": "Continue"}, cv=CV).get_data(as_text=True)
    kept_token = hidden_inputs(other)["cv_held"][0]
    stranger = UserFactory(role="case_manager")
    db.session.commit()
    uploads.REFERRALS.let_go(kept_token, "cv", stranger.id, f"referral:{person.id}:{opportunity.id}")
    assert len(list(uploads.held_dir().iterdir())) == 1
