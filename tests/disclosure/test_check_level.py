"""An employer says which criminal record check they do, on the opportunity form; it shows on the page."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from marketplace.extensions import db
from marketplace.opportunities.models import Opportunity
from tests.factories import member_organisation
from tests.opportunities.helpers import form_data


@pytest.fixture
def employer(login_as):
    return login_as("employer", organisation=member_organisation(3))


def test_the_check_level_is_saved_and_shown(client, employer):
    posted = client.post_form("/opportunities/new", form_data(check_level="standard", involves_vulnerable_adults="y"))
    assert posted.status_code == 302
    opportunity = db.session.scalar(select(Opportunity))
    assert opportunity.check_level == "standard"
    page = client.get(f"/opportunities/{opportunity.id}/preview").data.decode()
    assert "Criminal record check: Standard DBS check." in page
    form = client.get(f"/opportunities/{opportunity.id}/edit").data.decode()
    assert 'value="standard" checked' in form


def test_no_check_is_the_default(client, employer):
    client.post_form("/opportunities/new", form_data())
    assert db.session.scalar(select(Opportunity.check_level)) == "none"


def test_an_unknown_check_level_is_an_error_in_the_summary(client, employer):
    response = client.post_form("/opportunities/new", form_data(check_level="thorough"))
    assert response.status_code == 400
    page = response.data.decode()
    assert "govuk-error-summary" in page and "Select the criminal record check you do" in page
    assert db.session.scalar(select(Opportunity.id)) is None
