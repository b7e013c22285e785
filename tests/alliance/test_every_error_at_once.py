"""A Level 1 member's session offer with everything wrong lists every error in one response."""

from __future__ import annotations

from datetime import timedelta

from marketplace.alliance.models import Offer
from marketplace.core import clock
from tests.alliance.test_offers import count, offer_data
from tests.factories import OfferFactory, member_organisation
from tests.helpers import error_summary

PAST = clock.today() - timedelta(days=5)
EVERYTHING_WRONG = {
    "title": "", "starts_on": [str(PAST.day), str(PAST.month), str(PAST.year)], "ends_on": ["1", "1", "2020"],
    "prison": "", "places": "0", "suits": "",
}
EXPECTED = {
    "Enter a title": "#title",
    "The start date must be today or in the future": "#starts_on-day",
    "The end date must be the same as or after the start date": "#ends_on-day",
    "Select the prison from the list": "#prison",
    "The number of places must be 1 or more": "#places",
    "Enter who it suits": "#suits",
}


def test_a_session_with_six_mistakes_lists_all_six(client, login_as):
    login_as("employer", organisation=member_organisation(1))
    response = client.post_form("/alliance/offers/new", offer_data(**EVERYTHING_WRONG))
    assert response.status_code == 400
    assert error_summary(response.data) == EXPECTED
    page = response.data.decode()
    assert 'value="2020"' in page and 'value="0"' in page and "Leave with a CV" in page
    assert count(Offer) == 0


def test_editing_a_session_lists_every_error_too(client, login_as):
    organisation = member_organisation(1)
    login_as("employer", organisation=organisation)
    offer = OfferFactory(organisation=organisation, places=5)
    response = client.post_form(f"/alliance/offers/{offer.id}/edit", offer_data(**EVERYTHING_WRONG))
    assert response.status_code == 400
    assert error_summary(response.data) == EXPECTED
