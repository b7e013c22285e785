"""The conviction form through the running site (gunicorn, 2 workers): several mistakes in one post are
all listed in the error summary with what was typed kept, from whichever worker answers; corrected,
the conviction is saved."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from marketplace.core import clock
from marketplace.disclosure.models import ConvictionRecord
from marketplace.extensions import db
from tests.factories import ParticipantFactory, UserFactory
from tests.helpers import error_summary

pytestmark = pytest.mark.concurrency


def _day(day) -> list[str]:
    return [str(day.day), str(day.month), str(day.year)]


def test_every_mistake_on_the_conviction_form_at_once_on_every_worker(served_site):
    manager = UserFactory(role="case_manager")
    person = ParticipantFactory(case_manager=manager)
    db.session.commit()
    person_id = person.id
    browser = served_site.signed_in(manager)
    path = f"/disclosure/participants/{person_id}/convictions/new"
    tomorrow = clock.today() + timedelta(days=1)
    wrong = {"kind": "conviction", "convicted_on": _day(tomorrow), "offence_category": "",
             "sentence_1_type": "custody", "sentence_1_length": "eighteen", "sentence_2_type": "fine",
             "sentence_2_extension": "12"}
    served_site.warm_every_worker(browser, path)
    for _ in range(6):  # posts go to either worker; each answer must list all four
        answer = served_site.post_form(browser, path, wrong)
        assert answer.status_code == 400
        assert error_summary(answer.text) == {
            "The date must be today or in the past": "#convicted_on-day",
            "Select the offence category": "#offence_category",
            "Enter the length as a whole number of months, like 18": "#sentence_1_length",
            "Leave this empty for this kind of sentence": "#sentence_2_extension",
        }
        assert 'value="eighteen"' in answer.text and 'value="12"' in answer.text
    right = {**wrong, "convicted_on": _day(clock.today() - timedelta(days=400)), "offence_category": "fraud",
             "sentence_1_length": "18", "sentence_2_extension": ""}
    answer = served_site.post_form(browser, path, right)
    assert answer.status_code == 200 and "Conviction saved." in answer.text
    db.session.expire_all()
    assert db.session.scalar(select(ConvictionRecord.participant_id)) == person_id
