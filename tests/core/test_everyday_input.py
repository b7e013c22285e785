"""Times, months and postcodes as people write them (GOV.UK asks services to accept these):
'2pm', '2.30pm', 'midday'; a month written 'May', 'may' or 'Sept'; and a postcode that is not one
is told so ("Enter a real postcode, like M1 1AE"), not that it is too long."""

from __future__ import annotations

from datetime import date, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from werkzeug.datastructures import MultiDict

from marketplace.core import clock
from marketplace.core.forms import Form, GovDateField, month_number, time_of_day
from marketplace.extensions import db
from marketplace.referrals.models import Referral
from tests.factories import OpportunityFactory, ReferralFactory, UserFactory
from tests.helpers import error_summary, sign_in_client


@pytest.mark.parametrize(("typed", "meant"), [
    ("14:00", time(14)), ("2pm", time(14)), ("2 pm", time(14)), ("2PM", time(14)), ("2:30pm", time(14, 30)),
    ("2.30pm", time(14, 30)), ("2.30 p.m.", time(14, 30)), ("9am", time(9)), ("09:15", time(9, 15)),
    ("12pm", time(12)), ("12am", time(0)), ("midday", time(12)), ("Midday", time(12)), ("noon", time(12)),
    ("12 noon", time(12)), ("14.00", time(14)), (" 10:30 ", time(10, 30)),
])
def test_times_as_people_write_them(typed, meant):
    assert time_of_day(typed) == meant


@pytest.mark.parametrize("typed", ["", "half ten", "2", "25:00", "13pm", "0am", "10:60", "10:3", "1O:30", "٢pm"])
def test_what_is_not_a_time(typed):
    assert time_of_day(typed) is None


@pytest.mark.parametrize(("typed", "number"), [
    ("5", 5), ("05", 5), ("May", 5), ("may", 5), ("MAY", 5), ("Sept", 9), ("sep", 9), ("September", 9),
    ("Dec.", 12), ("jan", 1), ("Febr", 2),
])
def test_months_as_numbers_names_and_abbreviations(typed, number):
    assert month_number(typed) == number


@pytest.mark.parametrize("typed", ["", "13", "0", "ma", "ju", "Mayo", "123", "sept1", "-1"])
def test_what_is_not_a_month(typed):
    number = month_number(typed)
    assert number is None or not 1 <= number <= 12


def _date_form(app, day, month, year):
    class DateForm(Form):
        class Meta:
            csrf = False

        start = GovDateField("Start date")

    with app.test_request_context(method="POST"):
        form = DateForm(formdata=MultiDict([("start", day), ("start", month), ("start", year)]))
        form.validate()
        return form.start.data, form.start.errors


def test_a_date_with_its_month_in_words(app):
    assert _date_form(app, "2", "May", "1987") == (date(1987, 5, 2), [])
    assert _date_form(app, "14", "sept", "2027") == (date(2027, 9, 14), [])
    assert _date_form(app, "31", "Feb", "2027") == (None, ["Start date must be a real date"])
    assert _date_form(app, "3", "Mayo", "2027") == (None, ["Start date must be a real date"])


def test_an_interview_at_2pm_on_a_day_whose_month_is_a_word(client):
    opportunity = OpportunityFactory()
    referral = ReferralFactory(opportunity=opportunity, status="acknowledged")
    employer = UserFactory(role="employer", organisation=opportunity.organisation)
    db.session.commit()
    sign_in_client(client, employer)
    day = clock.today() + timedelta(days=40)
    month = day.strftime("%B").lower()
    answer = client.post_form(f"/referrals/{referral.id}/steps/offer_interview", {
        "interview_date": [str(day.day), month, str(day.year)], "interview_time": "2pm",
        "interview_place": "The depot"})
    assert answer.status_code == 302, error_summary(answer.data)
    booked = db.session.get(Referral, referral.id)
    assert booked.status == "interview_offered"
    assert booked.interview_at.astimezone(ZoneInfo("Europe/London")).time() == time(14)


def test_the_public_nomination_form_says_a_postcode_is_not_real(client):
    from tests.payback.records import good_nomination

    page = client.post_form("/community-payback/nominate", good_nomination(postcode="NOTAPOSTCODE"))
    assert page.status_code == 400
    messages = error_summary(page.data)
    assert "Enter a real postcode, like M1 1AE" in messages and not any("10 characters" in m for m in messages)
    assert 'value="NOTAPOSTCODE"' in page.data.decode()


@pytest.mark.parametrize(("path_of", "field"), [("participant", "release_postcode"), ("opportunity", "postcode")])
def test_every_postcode_box_makes_the_same_check(app, path_of, field):
    from marketplace.opportunities.forms import OpportunityForm
    from marketplace.participants.forms import ParticipantForm

    form_class = {"participant": ParticipantForm, "opportunity": OpportunityForm}[path_of]
    with app.test_request_context(method="POST"):
        form = form_class(formdata=MultiDict([(field, "NOTAPOSTCODE")]), meta={"csrf": False})
        form.validate()
        assert form[field].errors == ["Enter a real postcode, like M1 1AE"]
        good = form_class(formdata=MultiDict([(field, "m1 1ae")]), meta={"csrf": False})
        good.validate()
        assert good[field].errors == []
