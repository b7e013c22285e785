"""A vacancy with everything wrong shows every error in one response, each linked to its field, with
what was typed kept; nothing is written."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from marketplace.core import clock
from marketplace.extensions import db
from marketplace.opportunities.models import Opportunity
from tests.factories import member_organisation
from tests.helpers import error_summary
from tests.opportunities.helpers import date_parts, form_data


@pytest.fixture
def employer(login_as):
    return login_as("employer", organisation=member_organisation(3))


EVERYTHING_WRONG = {
    "hours_per_week": "200", "pay_from": "9.50", "pay_to": "8",
    "places": "0", "offence_exclusions": ["none", "arson"],
}


def test_a_vacancy_with_six_mistakes_lists_all_six_at_once(client, employer):
    past = clock.today() - timedelta(days=3)
    response = client.post_form("/opportunities/new", form_data(**EVERYTHING_WRONG, closing_date=date_parts(past)))
    assert response.status_code == 400
    summary = error_summary(response.data)
    assert summary == {
        "Hours per week must be more than 0 and no more than 80": "#hours_per_week",
        "Pay of £9.50 an hour is below the National Minimum Wage of £12.71 an hour for people aged 21 and over. "
        "Pay at least that, or, for a placement that is training, say so": "#pay_from",
        "Pay from must not be more than pay to": "#pay_to",
        "The closing date must be today or in the future": "#closing_date-day",
        "The number of places must be 1 or more": "#places",
        "You said no offences are excluded, so do not select any others": "#offence_exclusions",
    }
    page = response.data.decode()
    assert 'value="200"' in page and 'value="9.50"' in page and f'value="{past.year}"' in page  # kept as typed
    assert db.session.scalar(select(func.count()).select_from(Opportunity)) == 0


def test_field_errors_and_rule_errors_show_together(client, employer):
    """A box that cannot be read (places "lots") and a rule (pay from above pay to) in one response;
    the unreadable box is not also told it is missing."""
    response = client.post_form("/opportunities/new", form_data(places="lots", pay_from="15", pay_to="14",
                                                                title="", closing_date=["31", "2", "2030"]))
    assert response.status_code == 400
    assert error_summary(response.data) == {
        "Enter a title": "#title",
        "Pay from must not be more than pay to": "#pay_to",
        "The closing date must be a real date": "#closing_date-day",
        "Enter the number of places as a whole number, like 4": "#places",
    }


def test_an_enhanced_check_needs_a_role_the_law_allows_it_for(client, employer):
    response = client.post_form("/opportunities/new", form_data(check_level="enhanced"))
    assert response.status_code == 400
    assert list(error_summary(response.data)) == [
        "Enhanced DBS check checks are only allowed for roles that involve working with children or vulnerable "
        "adults. Choose a basic check (or none), or say which the role involves"]
    allowed = client.post_form("/opportunities/new", form_data(check_level="enhanced", involves_children="y"))
    assert allowed.status_code == 302


def test_editing_shows_every_error_too(client, employer):
    client.post_form("/opportunities/new", form_data())
    opportunity = db.session.scalar(select(Opportunity))
    response = client.post_form(f"/opportunities/{opportunity.id}/edit",
                                form_data(title="", places="0", pay_from="14", pay_to="13"))
    assert response.status_code == 400
    assert list(error_summary(response.data)) == [
        "Enter a title", "Pay from must not be more than pay to", "The number of places must be 1 or more"]
    db.session.refresh(opportunity)
    assert opportunity.title == "Warehouse operative"


def test_an_empty_form_lists_every_missing_answer_at_once(client, employer):
    """Saving ran the level check first and stopped there: an empty form said only "Select what kind
    of opportunity this is", then the rest one submit at a time."""
    response = client.post_form("/opportunities/new", {})
    assert response.status_code == 400
    assert set(error_summary(response.data)) == {
        "Select what kind of opportunity this is", "Enter a title", "Enter a description",
        "Select a sector from the list", "Select a region: one of the 9 English regions or Wales",
        "Enter a closing date, or say that it is rolling (open until you close it)",
        "The number of places must be 1 or more"}


def test_a_kind_the_level_does_not_allow_is_refused_with_the_other_mistakes(client, login_as):
    login_as("employer")  # an employer not (yet) in the Corporate Alliance
    response = client.post_form("/opportunities/new", {"kind": "vacancy", "title": ""})
    summary = error_summary(response.data)
    assert "Your organisation needs to be an approved level 3 member of the Corporate Alliance to post vacancies" \
        in summary and "Enter a title" in summary and "Enter a description" in summary


def test_a_start_date_already_past_is_refused_when_typed(client, employer):
    yesterday = clock.today() - timedelta(days=1)
    response = client.post_form("/opportunities/new", form_data(start_date=date_parts(yesterday)))
    assert response.status_code == 400
    assert "The start date must be today or in the future" in error_summary(response.data)


def test_a_nul_character_in_a_reference_is_refused_on_its_field_not_a_server_error(client, employer):
    """The rules still run beside the field checks, but not with a NUL in a field: the reference
    check queries the database, and PostgreSQL refuses a NUL in text with an error (found by the
    form fuzzer on PostgreSQL)."""
    response = client.post_form("/opportunities/new", form_data(external_id="REF\x00-1"))
    assert response.status_code == 400
    assert error_summary(response.data)["Your reference (optional) must not contain control characters"] \
        == "#external_id"
    assert db.session.scalar(select(func.count()).select_from(Opportunity)) == 0
