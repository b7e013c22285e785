"""A day's hours say what really happened: nothing is practised on a day not worked, and work on a
project is never dated before its work starts (outside test, finding 7)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from marketplace.extensions import db
from marketplace.payback.models import PaybackHours
from tests.factories import PaybackProjectFactory
from tests.payback.test_hours import hours_post, manager, person  # noqa: F401 (fixtures)


@pytest.fixture
def ewood(manager):  # noqa: F811
    return PaybackProjectFactory(title="Build raised beds at Ewood allotments", status="accepted",
                                 work_starts_on=date(2027, 3, 8))


def hours_count() -> int:
    return db.session.scalar(select(func.count()).select_from(PaybackHours))


@pytest.mark.parametrize(("outcome", "minutes"), [("absent_unacceptable", "0"), ("absent_acceptable", "0"),
                                                  ("sent_home", "0")])
def test_a_day_not_worked_has_no_skills_and_every_problem_shows_at_once(client, person, ewood, outcome, minutes):  # noqa: F811
    page = hours_post(client, person, outcome=outcome, minutes=minutes, project_id=str(ewood.id),
                      worked_on=["1", "3", "2027"], skills=["teamwork", "tools"])
    text = page.get_data(as_text=True)
    assert page.status_code == 400
    assert "govuk-error-summary" in text
    for message in ("No skills are practised on a day not worked", "Work on this project starts on 8 March 2027"):
        assert message in text, message
    # What was typed is kept: the day, the hours and the skills ticked.
    assert 'id="worked_on-day" name="worked_on" type="text" value="1"' in text
    assert f'id="minutes" name="minutes" type="text" value="{minutes}"' in text
    assert 'value="teamwork" checked' in text and 'value="tools" checked' in text
    assert hours_count() == 0


def test_sent_home_after_some_hours_may_have_skills(client, person, ewood):  # noqa: F811
    response = hours_post(client, person, outcome="sent_home", minutes="2", project_id=str(ewood.id),
                          worked_on=["8", "3", "2027"], skills=["teamwork"])
    assert response.status_code == 302
    assert db.session.scalar(select(PaybackHours.skills)) == ["teamwork"]


def test_work_on_the_day_it_starts_is_credited_but_not_the_day_before(client, person, ewood):  # noqa: F811
    page = hours_post(client, person, project_id=str(ewood.id), worked_on=["7", "3", "2027"])
    assert page.status_code == 400
    assert "Work on this project starts on 8 March 2027: the day cannot be before then" in page.get_data(as_text=True)
    assert hours_post(client, person, project_id=str(ewood.id), worked_on=["8", "3", "2027"]).status_code == 302
    assert hours_count() == 1


def test_the_label_and_the_error_both_say_hours_credited(client, person, ewood):  # noqa: F811
    text = hours_post(client, person, project_id=str(ewood.id), minutes="11").get_data(as_text=True)
    assert "Hours credited" in text
    assert "Enter the hours credited, more than 0 and up to 10" in text
    assert "hours worked" not in text
