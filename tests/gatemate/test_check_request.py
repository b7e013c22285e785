"""Check your answers before a Gatemate request is sent: "Continue" shows what mentors will see and
writes nothing; "Change" goes back to the form with every answer; "Send request" checks every answer
again and sends only what was shown."""

from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import select

from marketplace.core.filters import govuk_date
from marketplace.core.models import AuditEvent, Notification
from marketplace.extensions import db
from marketplace.gatemate.models import GatemateRequest
from tests.factories import ConsentRecordFactory, ParticipantFactory, UserFactory
from tests.gatemate.conftest import GATEMATE_CHECK_HEADING, count, days
from tests.gatemate.test_requests import request_form
from tests.helpers import hidden_inputs, location, sign_in_client


def summary_rows(page: str, list_id: str | None = None) -> dict[str, str]:
    """The rows of a page's summary lists (or of the one with `list_id`): {key: value}, in words."""
    if list_id is not None:
        found = re.search(rf'<dl class="govuk-summary-list[^"]*" id="{list_id}">(.*?)</dl>', page, re.S)
        assert found, f"no summary list #{list_id}"
        page = found.group(1)
    rows = re.findall(r'govuk-summary-list__key">(.*?)</dt>\s*<dd class="govuk-summary-list__value[^"]*">(.*?)</dd>',
                      page, re.S)
    words = lambda text: " ".join(html.unescape(re.sub(r"<[^>]+>", " ", text)).split())  # noqa: E731
    return {words(key): words(value) for key, value in rows}


@pytest.fixture
def manager(login_as):
    return login_as("case_manager")


@pytest.fixture
def person(manager):
    robin = ParticipantFactory(case_manager=manager, first_name="Robin", last_name="Okafor")
    ConsentRecordFactory(participant=robin, employers=False, mentors=True)
    return robin


def path_for(person) -> str:
    return f"/gatemate/participants/{person.id}/request"


def continue_to_check(client, person, **changes):
    response = client.post_form(path_for(person), {**request_form(**changes), "submit": "Continue"})
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    page = response.get_data(as_text=True)
    assert GATEMATE_CHECK_HEADING in page
    return page


def send(client, person, carried: dict):
    return client.post(path_for(person), data={**carried, "send": "Send request"},
                       headers={"Referer": "https://localhost/"})


def test_continue_shows_what_mentors_will_see_and_writes_nothing(client, manager, person, make_mentor):
    make_mentor(prisons=["HMP Liverpool"])
    page = continue_to_check(client, person, note="Red coat, will wait by the gate.",
                             safety_arrangements="Meet in the visitors' centre")
    seen = summary_rows(page, "mentors-see")
    assert seen["Who"] == "Robin O."
    assert seen["Leaving"] == "HMP Liverpool (North West)"
    assert seen["Release day"] == f"{days(10):%A} {govuk_date(days(10))}, 8am to 10:30am"
    assert seen["Going to"] == "Bootle, North West"
    assert seen["Needs on the day"] == "Getting to their accommodation, Probation appointment, A phone"
    assert seen["Priority"] == "A job or interview lined up"
    assert seen["Safety arrangements"] == "Meet in the visitors' centre"
    assert seen["Note from the case manager"] == "Red coat, will wait by the gate."
    assert "Okafor" not in re.search(r'id="mentors-see">(.*?)</dl>', page, re.S).group(1)
    held_back = re.search(r'id="held-back">(.*?)</ul>', page, re.S).group(1)
    assert "Date of birth" in held_back and "Offences" in held_back
    # Each answer has a Change button back to its field; the name comes from the record.
    for target in ("prison", "release_date", "destination_town", "needs", "priorities", "note",
                   "safety_arrangements"):
        assert f'name="change" value="{target}"' in page
    # Nothing is written until "Send request"; the page that showed the person is audited.
    assert count(GatemateRequest) == 0 and count(Notification) == 0
    assert count(AuditEvent, AuditEvent.action == "participant.viewed",
                 AuditEvent.detail == "gatemate check request") == 1


def test_change_goes_back_to_the_form_with_every_answer(client, person):
    page = continue_to_check(client, person, note="Red coat", release_date=days(12))
    carried = hidden_inputs(page)
    back = client.post(path_for(person), data={**carried, "change": "needs"}, headers={"Referer": "https://localhost/"})
    assert back.status_code == 200
    form = back.get_data(as_text=True)
    assert "Request a Gatemate mentor" in form and "govuk-error-summary" not in form
    assert 'value="Bootle"' in form and ">Red coat</textarea>" in form
    assert f'value="{days(12).day}"' in form and f'value="{days(12).year}"' in form
    for need in ("accommodation", "probation", "phone"):
        assert f'value="{need}" checked' in form, need
    assert 'value="gp" checked' not in form
    assert '<option value="08:00" selected>' in form and '<option value="10:30" selected>' in form
    assert count(GatemateRequest) == 0


def test_send_request_sends_what_was_checked_and_mentors_see_the_same(client, manager, person, make_mentor):
    mentor = make_mentor(prisons=["HMP Liverpool"])
    page = continue_to_check(client, person, note="Red coat", safety_arrangements="Meet in the visitors' centre")
    checked = summary_rows(page, "mentors-see")
    sent = send(client, person, hidden_inputs(page))
    assert sent.status_code == 302
    request = db.session.scalar(select(GatemateRequest))
    assert location(sent) == f"/gatemate/requests/{request.id}"
    assert (request.note, request.destination_town, request.safety_arrangements) == (
        "Red coat", "Bootle", "Meet in the visitors' centre")
    assert count(Notification, Notification.user_id == mentor.id) == 1

    sign_in_client(client, mentor)
    shown = summary_rows(client.get(f"/gatemate/requests/{request.id}").get_data(as_text=True))
    for key, value in checked.items():
        if value != "None given":
            assert shown[key] == value, key


def test_a_send_with_changed_answers_is_checked_again(client, person):
    carried = hidden_inputs(continue_to_check(client, person))
    # Forged into something the form refuses: every error on the form, nothing written.
    forged = {**carried, "release_date": [str(days(1).day), str(days(1).month), str(days(1).year)],
              "destination_town": "", "needs": ["spaceship"]}
    refused = send(client, person, forged)
    assert refused.status_code == 400
    text = refused.get_data(as_text=True)
    assert "at least 3 days from today" in text and "Enter the town or city they are going to" in text
    assert "not a valid choice" in text
    assert count(GatemateRequest) == 0
    # Changed into something valid that was not shown: the check page again, with a warning.
    again = send(client, person, {**carried, "destination_town": "Wigan"})
    assert again.status_code == 200
    again_page = again.get_data(as_text=True)
    assert GATEMATE_CHECK_HEADING in again_page and "changed after you checked it" in again_page
    assert summary_rows(again_page, "mentors-see")["Going to"] == "Wigan, North West"
    assert count(GatemateRequest) == 0
    # Sent from that page, it goes as shown there.
    assert send(client, person, hidden_inputs(again_page)).status_code == 302
    assert db.session.scalar(select(GatemateRequest.destination_town)) == "Wigan"


def test_a_send_without_csrf_or_from_another_organisation_writes_nothing(client, person):
    carried = hidden_inputs(continue_to_check(client, person))
    without = {name: value for name, value in carried.items() if name != "csrf_token"}
    assert send(client, person, without).status_code == 400
    assert count(GatemateRequest) == 0
    stranger = UserFactory(role="case_manager")  # another organisation
    db.session.commit()
    sign_in_client(client, stranger)
    assert send(client, person, {**carried, "csrf_token": client.csrf_token()}).status_code == 404
    assert count(GatemateRequest) == 0


def test_a_request_that_needs_sign_off_says_who_sees_it_first(client, manager):
    person = ParticipantFactory(case_manager=manager, first_name="Kit", last_name="Marsh", mappa_level=2)
    ConsentRecordFactory(participant=person, employers=False, mentors=True)
    page = continue_to_check(client, person, safety_arrangements="Two mentors, meet in the car park")
    assert "signs the request off first" in page
    assert summary_rows(page, "coordinator-sees")["Why it needs sign-off"] == "Managed under MAPPA (level 2)"
    assert send(client, person, hidden_inputs(page)).status_code == 302
    assert db.session.scalar(select(GatemateRequest.status)) == "awaiting_signoff"
