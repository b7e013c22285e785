"""Small builders for the Gatemate tests: a mentor with a profile, a request, dates around release."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from marketplace.core import clock
from marketplace.extensions import db
from tests.factories import GatemateRequestFactory, MentorProfileFactory, ParticipantFactory, UserFactory


def count(model, *criteria) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*criteria)) or 0


def days(n: int):
    return clock.today() + timedelta(days=n)


@pytest.fixture
def make_mentor():
    """A mentor (in `organisation`, or a mentoring organisation of their own) with a profile."""

    def _make(organisation=None, **profile_fields):
        user_fields = {"role": "mentor"}
        if organisation is not None:
            user_fields["organisation"] = organisation
        for name in ("full_name", "email", "status"):
            if name in profile_fields:
                user_fields[name] = profile_fields.pop(name)
        mentor = UserFactory(**user_fields)
        MentorProfileFactory(user=mentor, **profile_fields)
        return mentor

    return _make


@pytest.fixture
def make_request():
    """An open request at HMP Liverpool; pass a participant, or fields for a new one (prefixed `person_`)."""

    def _make(participant=None, **fields):
        person_fields = {key[len("person_"):]: fields.pop(key) for key in list(fields) if key.startswith("person_")}
        if participant is None:
            participant = ParticipantFactory(**person_fields)
        return GatemateRequestFactory(participant=participant, **fields)

    return _make


GATEMATE_CHECK_HEADING = "Check your answers before sending the request"


def send_request(client, path: str, answers: dict, **kwargs):
    """Request a mentor as a person does: the form's "Continue", then "Send request" on the check page,
    posting exactly what that page carries. Returns the form's response if it came back (with errors,
    or a redirect), else the response to "Send request"."""
    from tests.helpers import hidden_inputs

    answers = {name: value for name, value in answers.items() if value is not None and name != "submit"}
    check = client.post_form(path, {**answers, "submit": "Continue"}, **kwargs)
    page = check.get_data(as_text=True)
    if check.status_code != 200 or GATEMATE_CHECK_HEADING not in page:
        return check
    return client.post(path, data={**hidden_inputs(page), "send": "Send request"},
                       headers={"Referer": "https://localhost/"})
