"""Nomination form details (outside test, finding 14): a phone number must look like a UK one; with
one bad photo and one good, the good one is held and only the bad one is reported; the public-text
check catches an email address written 'jo (at) example.com'."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from marketplace.core import clock
from marketplace.core.roles import Role
from marketplace.extensions import db
from marketplace.payback.models import PaybackPhoto, PaybackProject
from marketplace.payback.public_text import problems_in
from tests.factories import PaybackProjectFactory
from tests.payback.records import good_nomination, jpeg
from tests.payback.test_photos import png

NOW = datetime(2027, 3, 1, 10, 0, tzinfo=UTC)
PHONE_RULE = "Enter a UK phone number using digits, spaces and brackets, starting with 0 or +44"


def nominate(client, **fields):
    return client.post_form("/community-payback/nominate", {**good_nomination(), **fields})


def held_token(text: str) -> str:
    return re.search(r'name="photos_held" type="hidden" value="([^"]*)"', text).group(1)


@pytest.mark.parametrize("phone", ["abc", "0113-496-0000", "12345", "+1 212 555 0100", "0113 496 0000 ext 5"])
def test_a_phone_number_that_is_not_a_uk_one_is_refused_with_the_rule_and_every_other_error(client, phone):
    clock.fix(NOW)
    page = nominate(client, nominator_phone=phone, title="")
    text = page.get_data(as_text=True)
    assert page.status_code == 400 and "govuk-error-summary" in text
    assert PHONE_RULE in text and "Enter a name for the project" in text
    assert f'value="{phone}"' in text  # what was typed is kept
    assert db.session.scalar(select(func.count()).select_from(PaybackProject)) == 0


@pytest.mark.parametrize("phone", ["0113 496 0000", "+44 113 496 0000", "(0113) 496 0000", "+44 (0)7700 900123",
                                   "07700900123"])
def test_uk_phone_numbers_as_people_write_them_are_taken(client, phone):
    clock.fix(NOW)
    assert nominate(client, nominator_phone=phone).status_code == 302
    assert db.session.scalar(select(PaybackProject.nominator_phone)) == phone


def test_with_one_bad_photo_and_one_good_the_good_one_is_held_and_only_the_bad_one_reported(client):
    clock.fix(NOW)
    page = nominate(client, postcode="", photos=[(io.BytesIO(jpeg()), "towpath.jpg"),
                                                 (io.BytesIO(b"MZ\x90\x00 a program"), "holiday.jpg")])
    text = page.get_data(as_text=True)
    assert page.status_code == 400
    assert "Photo 2 must be a photo in JPEG or PNG format" in text and "Enter the postcode of the place" in text
    assert "The other photos are kept. Choose another in its place, or send the nomination without it" in text
    assert "Photo 1" not in text and "Choose the photos again" not in text
    assert "1 photo uploaded" in text
    token = held_token(text)
    assert token

    # The nominator adds a good photo in place of the bad one: both are sent.
    response = nominate(client, photos_held=token, photos=[(io.BytesIO(png()), "brambles.png")])
    assert response.status_code == 302, response.get_data(as_text=True)[-1500:]
    assert db.session.scalar(select(func.count()).select_from(PaybackPhoto)) == 2


def test_the_held_photos_and_new_ones_are_three_at_most(client):
    clock.fix(NOW)
    page = nominate(client, postcode="", photos=[(io.BytesIO(jpeg()), f"{n}.jpg") for n in range(2)])
    page = nominate(client, photos_held=held_token(page.get_data(as_text=True)),
                    photos=[(io.BytesIO(jpeg()), f"{n}.jpg") for n in range(2)])
    text = page.get_data(as_text=True)
    assert page.status_code == 400 and "Choose up to 3 photos in all: 2 already uploaded" in text
    assert "2 photos uploaded" in text  # the held ones are still held


@pytest.mark.parametrize("written", ["jo (at) example.com", "jo [at] example [dot] com", "jo at example dot com",
                                     "JO (AT) EXAMPLE (DOT) CO (DOT) UK", "jo@example dot com"])
def test_an_email_address_written_to_get_past_the_check_is_caught(written):
    problems = problems_in({"public_description": f"Write to {written} for the key."}, nominator_name="Pat Resident",
                           nominator_email="pat@resident.example", nominator_phone="", people=[])
    assert any("an email address" in message for _, message in problems.items)


@pytest.mark.parametrize("plain", ["Meet at the gate. Then walk to the lock.", "Start at 9.30 at the hall",
                                   "Paint the hall (at the back) and the porch"])
def test_ordinary_words_are_not_taken_for_an_email_address(plain):
    problems = problems_in({"public_description": plain}, nominator_name="Pat Resident",
                           nominator_email="pat@resident.example", nominator_phone="", people=[])
    assert problems.items == []


def test_the_public_text_page_refuses_a_disguised_email_and_keeps_what_was_typed(client, login_as):
    clock.fix(NOW)
    login_as(Role.PAYBACK_MANAGER)
    project = PaybackProjectFactory()
    db.session.commit()
    page = client.post_form(f"/community-payback/nominations/{project.id}/public-text", {
        "public_title": "Repair the fence along the footpath",
        "public_description": "Questions to jo (at) example.com please.",
        "public_benefit": "Families who use the footpath.", "checked": "y"})
    text = page.get_data(as_text=True)
    assert page.status_code == 400 and "govuk-error-summary" in text
    assert "The public description of the work must not give an email address" in text
    assert "Questions to jo (at) example.com please." in text
