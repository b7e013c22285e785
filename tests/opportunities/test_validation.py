"""What the form and the import refuse, and why: the messages an employer reads."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from marketplace.core import clock
from marketplace.extensions import db
from marketplace.opportunities.models import Opportunity
from marketplace.opportunities.operations import hourly_pay
from marketplace.reference import minimum_wage_on
from tests.factories import member_organisation
from tests.opportunities.helpers import date_parts, form_data


def count() -> int:
    return db.session.scalar(select(func.count()).select_from(Opportunity)) or 0


@pytest.fixture
def employer(login_as):
    return login_as("employer", organisation=member_organisation(3))


def post(client, **changes):
    return client.post_form("/opportunities/new", form_data(**changes))


def test_a_valid_vacancy_is_saved_as_a_draft(client, employer):
    response = post(client)
    assert response.status_code == 302
    opportunity = db.session.scalar(select(Opportunity))
    assert response.headers["Location"] == f"/opportunities/{opportunity.id}/preview"
    assert (opportunity.status, opportunity.created_by_id, opportunity.postcode) == ("draft", employer.id, "LS1 4DY")
    assert (opportunity.pay_from, opportunity.pay_to, opportunity.hours_per_week) == (
        Decimal("13.00"), Decimal("13.50"), Decimal("37.5"))
    assert opportunity.pays_minimum_wage is True and opportunity.paid is True
    assert opportunity.offence_exclusions == ["case_by_case", "arson"]


TODAY = clock.today()
MESSAGES = [
    ({"closing_date": date_parts(TODAY - timedelta(days=1))}, "The closing date must be today or in the future"),
    ({"start_date": date_parts(TODAY + timedelta(days=20)), "end_date": date_parts(TODAY + timedelta(days=10))},
     "The end date must be the same as or after the start date"),
    ({"places": "0"}, "The number of places must be 1 or more"),
    ({"places": ""}, "The number of places must be 1 or more"),
    ({"pay_from": "14.00", "pay_to": "13.00"}, "Pay from must not be more than pay to"),
    ({"pay_from": "10", "pay_to": None},
     "Pay of £10 an hour is below the National Minimum Wage of £12.71 an hour for people aged 21 and over"),
    ({"pay_from": "20000", "pay_to": None, "pay_period": "year"}, "Pay of £10.26 an hour is below"),
    ({"pay_from": "400", "pay_to": None, "pay_period": "week"}, "Pay of £10.67 an hour is below"),
    ({"pay_from": "20000", "pay_to": None, "pay_period": "year", "hours_per_week": ""},
     "Enter the hours per week, so the pay can be checked against the National Minimum Wage"),
    ({"pay_period": ""}, "Select whether the pay is by the hour, day, week, month or year"),
    ({"pay_from": "", "pay_to": "14"}, "Enter the pay from, as well as the pay to"),
    ({"pay_from": "lots"}, "Enter the pay as an amount, like 12.71"),
    ({"hours_per_week": "0"}, "Hours per week must be more than 0"),
    ({"hours_per_week": "most days"}, "Enter the hours per week as a number"),
    ({"rolling": "y"}, "Leave the closing date empty for a rolling opportunity"),
    ({"closing_date": None}, "Enter a closing date, or say that it is rolling"),
    ({"title": ""}, "Enter a title"),
    ({"description": " "}, "Enter a description"),
    ({"sector": "Piracy"}, "Select a sector from the list"),
    ({"region": ""}, "Select a region: one of the 9 English regions or Wales"),
    ({"postcode": "NOWHERE"}, "Enter a real postcode, like M1 1AE"),
    ({"kind": ""}, "Select what kind of opportunity this is"),
    ({"kind": "apprenticeship"}, "Select what kind of opportunity this is"),
    ({"kind": "guaranteed_interview"}, "Add at least one minimum requirement"),
    ({"minimum_requirements": "Has a CSCS card"}, "Minimum requirements are only for guaranteed interviews"),
    ({"kind": "work_placement", "start_date": date_parts(TODAY + timedelta(days=20)),
      "end_date": date_parts(TODAY + timedelta(days=50)), "paid": "yes"}, "Select where the placement is"),
    ({"kind": "work_placement", "setting": "community", "paid": "yes"}, "Enter the start date of the placement"),
    ({"kind": "work_placement", "setting": "community", "paid": "no", "pay_from": "", "pay_to": "",
      "start_date": date_parts(TODAY + timedelta(days=20)), "end_date": date_parts(TODAY + timedelta(days=50))},
     "A placement that is not training must be paid at least the National Minimum Wage"),
    ({"kind": "volunteering"}, "Volunteering is unpaid: leave the pay empty"),
    ({"kind": "training", "pay_from": "", "pay_to": ""}, "Say what the course leads to"),
    ({"kind": "training", "pay_from": "", "pay_to": "", "qualification_subject": "construction"},
     "Give both the subject area and the level of the qualification"),
    ({"qualification_subject": "construction", "qualification_level": "1"},
     "Only training courses lead to a qualification or a guaranteed interview"),
    ({"offence_exclusions": ["none", "arson"]}, "You said no offences are excluded, so do not select any others"),
    ({"offence_exclusions": ["littering"]}, "Select offence exclusions from the list"),
    ({"documents": ["passport photo"]}, "Select documents from the list"),
    ({"setting": "community"}, "Only work placements have a setting"),
    ({"required_course": "Forklift course"}, "Only guaranteed interviews can require a course first"),
]


@pytest.mark.parametrize(("changes", "message"), MESSAGES)
def test_each_mistake_is_named_and_nothing_is_saved(client, employer, changes, message):
    response = post(client, **changes)
    assert response.status_code == 400
    assert message in response.data.decode()
    assert count() == 0


def test_a_training_placement_may_pay_below_the_minimum_wage_and_says_so(client, employer):
    start = TODAY + timedelta(days=20)
    response = post(client, kind="work_placement", setting="prison_workshop", paid="yes", is_training="y",
                    pay_from="4.00", pay_to="", start_date=date_parts(start),
                    end_date=date_parts(start + timedelta(weeks=8)))
    assert response.status_code == 302
    placement = db.session.scalar(select(Opportunity))
    assert placement.is_training and not placement.pays_minimum_wage
    assert placement.custody_ok, "a prison workshop is, by definition, for people in custody"
    response = post(client, kind="work_placement", setting="community", paid="yes", is_training="y",
                    pays_minimum_wage="y", pay_from="4.00", pay_to="", start_date=date_parts(start),
                    end_date=date_parts(start + timedelta(weeks=8)), title="Other")
    assert response.status_code == 400
    assert "You said it pays at least the National Minimum Wage, but £4 an hour is below £12.71" in \
        response.data.decode()


def test_an_unpaid_training_placement_is_allowed(client, employer):
    start = TODAY + timedelta(days=10)
    response = post(client, kind="work_placement", setting="community", paid="no", is_training="y", pay_from="",
                    pay_to="", start_date=date_parts(start), end_date=date_parts(start + timedelta(weeks=4)))
    assert response.status_code == 302
    placement = db.session.scalar(select(Opportunity))
    assert placement.pay_text == "Unpaid" and placement.pay_from is None and not placement.paid


def test_an_apprenticeship_is_checked_against_the_apprentice_rate(client, employer):
    response = post(client, contract_type="apprenticeship", pay_from="9.00", pay_to="")
    assert response.status_code == 302
    response = post(client, contract_type="apprenticeship", pay_from="7.50", pay_to="", title="Too low")
    assert response.status_code == 400
    assert "below the National Minimum Wage of £8 an hour for apprentices" in response.data.decode()


def test_a_course_with_an_allowance_below_the_minimum_wage_is_training(client, employer):
    response = post(client, kind="training", pay_from="50", pay_to="", pay_period="week", hours_per_week="15",
                    qualification_subject="construction", qualification_level="1", contract_type="")
    assert response.status_code == 302
    course = db.session.scalar(select(Opportunity))
    assert course.is_training and course.qualification_text == "Level 1 qualification in construction, planning " \
        "and the built environment"


def test_a_vacancy_may_leave_the_pay_out(client, employer):
    response = post(client, pay_from="", pay_to="", pay_period="", pays_minimum_wage="y")
    assert response.status_code == 302
    vacancy = db.session.scalar(select(Opportunity))
    assert vacancy.pay_text == "Not stated: pays at least the National Minimum Wage"


@pytest.mark.parametrize(("amount", "period", "hours", "hourly"), [
    ("12.71", "hour", None, "12.71"),
    ("101.68", "day", "40", "12.71"),
    ("476.63", "week", "37.5", "12.71"),
    ("2065.38", "month", "37.5", "12.71"),
    ("24784.50", "year", "37.5", "12.71"),
    ("24000", "year", None, None),
])
def test_pay_becomes_hourly(amount, period, hours, hourly):
    result = hourly_pay(Decimal(amount), period, Decimal(hours) if hours else None)
    assert result == (Decimal(hourly) if hourly else None)


def test_the_minimum_wage_in_force_follows_the_calendar():
    assert minimum_wage_on(date(2026, 11, 25)) == Decimal("12.71")
    assert minimum_wage_on(date(2026, 3, 31)) == Decimal("12.21")
    assert minimum_wage_on(date(2026, 11, 25), apprenticeship=True) == Decimal("8.00")


def test_the_rate_is_checked_on_the_day_of_posting():
    from marketplace.core.exceptions import Refused
    from marketplace.opportunities import operations
    from tests.factories import UserFactory

    organisation = member_organisation(3)
    user = UserFactory(role="employer", organisation=organisation)
    details = operations.OpportunityDetails(
        kind="vacancy", title="Cleaner", description="Cleaning offices", sector="Cleaning and facilities",
        region="London", places=1, pay_from=Decimal("12.50"), pay_period="hour", closing_date=date(2026, 4, 20))
    clock.fix(datetime(2026, 3, 31, 12, 0))
    assert operations.create_opportunity(organisation, details, user).pays_minimum_wage
    clock.fix(datetime(2026, 4, 1, 9, 0))
    with pytest.raises(Refused, match="£12.71"):
        operations.create_opportunity(organisation, details, user)


@pytest.mark.parametrize(("level", "kind"), [(1, "vacancy"), (1, "guaranteed_interview"), (1, "work_placement"),
                                             (1, "training"), (2, "vacancy"), (None, "volunteering")])
def test_a_kind_the_level_does_not_allow_is_refused_even_when_the_form_is_forged(client, login_as, level, kind):
    login_as("employer", organisation=member_organisation(level))
    start = TODAY + timedelta(days=20)
    extra = {"minimum_requirements": "Has a CSCS card"} if kind == "guaranteed_interview" else {}
    if kind == "work_placement":
        extra = {"setting": "community", "paid": "yes", "start_date": date_parts(start),
                 "end_date": date_parts(start + timedelta(weeks=6))}
    if kind == "training":
        extra = {"pay_from": "", "pay_to": "", "qualification_subject": "construction", "qualification_level": "1"}
    if kind == "volunteering":
        extra = {"pay_from": "", "pay_to": "", "pay_period": ""}
    response = post(client, kind=kind, **extra)
    assert response.status_code == 400
    page = response.data.decode()
    assert "Corporate Alliance" in page and ("cannot post" in page or "needs to be an approved" in page)
    assert count() == 0
