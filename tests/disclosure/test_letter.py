"""The disclosure letter: drafted from what the check shows, edited, saved."""

from __future__ import annotations

import pytest

from marketplace.disclosure import operations as disclosure
from marketplace.extensions import db
from tests.disclosure.records import spent_fine, unspent_custody
from tests.factories import ParticipantFactory


@pytest.fixture
def person(person):
    """The case manager's participant, with a spent fine for driving and unspent custody for violence."""
    spent_fine(person, category="driving")
    unspent_custody(person, category="violence")
    db.session.commit()
    return person


def test_a_basic_draft_names_only_the_unspent_conviction(person):
    draft = disclosure.draft_letter(person, "basic")
    assert "(violence) and received: custody" in draft
    assert "driving" not in draft
    assert person.first_name in draft


def test_a_standard_draft_also_names_the_spent_but_unfiltered_one(person):
    draft = disclosure.draft_letter(person, "standard")
    assert "violence" in draft and "driving" in draft


def test_a_draft_with_nothing_to_disclose_says_so(manager):
    participant = ParticipantFactory(case_manager=manager)
    spent_fine(participant)
    assert "no conviction or caution that I must tell you about" in disclosure.draft_letter(participant, "basic")


def test_the_page_offers_the_draft_and_saves_the_edited_letter(client, person):
    page = client.get(f"/disclosure/participants/{person.id}/letter").data.decode()
    assert "(violence)" in page and "(driving offences)" not in page
    response = client.post_form(f"/disclosure/participants/{person.id}/letter",
                                {"check_level": "basic", "body": "In my own words.", "submit": "Save letter"})
    assert response.status_code == 302
    letter = disclosure.letter_of(person)
    assert letter.body == "In my own words." and letter.check_level == "basic"
    assert "In my own words." in client.get(f"/disclosure/participants/{person.id}").data.decode()


def test_redrafting_for_another_check_level(client, person):
    response = client.post_form(f"/disclosure/participants/{person.id}/letter",
                                {"check_level": "enhanced", "body": "x", "redraft": "y"})
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).data.decode()
    assert "(driving offences)" in page


def test_an_empty_letter_is_an_error_in_the_summary(client, person):
    response = client.post_form(f"/disclosure/participants/{person.id}/letter",
                                {"check_level": "basic", "body": "  ", "submit": "Save letter"})
    assert response.status_code == 400
    page = response.data.decode()
    assert "govuk-error-summary" in page and "Write the letter" in page
    assert disclosure.letter_of(person) is None
