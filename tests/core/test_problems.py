"""Every problem with a request reaches the form at once: the Problems collector and attach_refusal."""

import pytest
from flask_wtf import FlaskForm
from wtforms import IntegerField, StringField
from wtforms.validators import DataRequired

from marketplace.core.exceptions import Problems, Refused
from marketplace.core.submissions import attach_refusal, submit


class ThingForm(FlaskForm):
    title = StringField("Title", validators=[DataRequired(message="Enter a title")])
    hours = IntegerField("Hours")


def test_problems_collects_every_rule_and_raises_once():
    problems = Problems()
    assert problems.check(False, "Enter hours of 60 or fewer", field="hours") is False
    assert problems.check(True, "never shown", field="title") is True
    problems.add("Choose at least one place")
    with pytest.raises(Refused) as raised:
        problems.raise_any()
    assert raised.value.problems == [("hours", "Enter hours of 60 or fewer"), (None, "Choose at least one place")]
    assert str(raised.value) == "Enter hours of 60 or fewer" and raised.value.field == "hours"


def test_a_single_refusal_has_one_problem_and_nothing_raised_without_problems():
    assert Refused("No", field="x").problems == [("x", "No")]
    Problems().raise_any()


def test_attach_refusal_puts_each_problem_on_its_field_or_the_summary(app):
    with app.test_request_context(method="POST", data={"title": "", "hours": "200"}):
        form = ThingForm(meta={"csrf": False})
        form.validate()
        attach_refusal(form, Refused.every([("hours", "Too many hours"), ("nope", "Overall problem"),
                                            ("title", "Enter a title")]))
        assert form.hours.errors == ["Too many hours"]
        assert form.title.errors == ["Enter a title"]  # not repeated
        assert form.form_errors == ["Overall problem"]


def test_submit_runs_the_rule_check_beside_failing_fields_and_writes_nothing(app):
    ran = []

    def check():
        problems = Problems()
        problems.check(False, "Too many hours", field="hours")
        problems.raise_any()

    with app.test_request_context(method="POST", data={"title": "", "hours": "200"}):
        form = ThingForm(meta={"csrf": False})
        assert submit(form, lambda: ran.append(1), check=check) is None
        assert ran == []
        assert form.title.errors == ["Enter a title"] and form.hours.errors == ["Too many hours"]


@pytest.mark.parametrize(("days", "words"), [(0, "today"), (1, "tomorrow"), (3, "in 3 days"), (-1, "yesterday"),
                                             (-4, "4 days ago")])
def test_days_from_says_dates_as_people_do(days, words):
    from datetime import date, timedelta

    from marketplace.core.filters import days_from

    today = date(2026, 12, 6)
    assert days_from(today + timedelta(days=days), today) == words
