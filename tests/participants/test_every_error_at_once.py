"""A person's details with everything wrong show every error in one response, typed answers kept."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from marketplace.core import clock
from marketplace.extensions import db
from marketplace.participants.models import Participant
from tests.factories import ParticipantFactory
from tests.helpers import error_summary
from tests.participants.test_records import _post, good_person

TODAY = clock.today()
EVERYTHING_WRONG = {
    "participant_number": "no spaces allowed!", "first_name": "", "date_of_birth": TODAY + timedelta(days=3),
    "prison": "", "release_date": TODAY + timedelta(days=40), "order_end_date": TODAY + timedelta(days=10),
    "release_postcode": "ZZZ", "travel_miles": "far",
}
EXPECTED = {
    "Participant number must be up to 20 letters, numbers, hyphens or slashes": "#participant_number",
    "Enter the first name": "#first_name",
    "Date of birth must be in the past": "#date_of_birth-day",
    "Select the prison the person is in": "#prison",
    "Order end date must be on or after the release date": "#order_end_date-day",
    "Enter a real postcode, like M1 1AE": "#release_postcode",
    "Enter how far they can travel as a whole number of miles, like 10": "#travel_miles",
}


def test_adding_a_person_with_seven_mistakes_lists_all_seven(client, login_as):
    login_as("case_manager")
    response = _post(client, "/participants/new", good_person(**EVERYTHING_WRONG))
    assert response.status_code == 400
    assert error_summary(response.data) == EXPECTED
    page = response.data.decode()
    assert 'value="no spaces allowed!"' in page and 'value="far"' in page and 'value="ZZZ"' in page
    assert db.session.scalar(select(func.count()).select_from(Participant)) == 0


def test_editing_a_person_lists_every_error_too(client, login_as):
    manager = login_as("case_manager")
    person = ParticipantFactory(case_manager=manager, last_name="Ashworth")
    response = _post(client, f"/participants/{person.id}/edit",
                     good_person(**EVERYTHING_WRONG, case_manager_id=str(manager.id)))
    assert response.status_code == 400
    assert error_summary(response.data) == EXPECTED
    db.session.refresh(person)
    assert person.first_name != ""


def test_someone_in_prison_cannot_be_given_a_release_date_already_past(client, login_as):
    """An outside check saved 'In prison (HMP Askham Grange), release 1 January 2019' without a word."""
    login_as("case_manager")
    response = _post(client, "/participants/new", good_person(release_date=TODAY - timedelta(days=1)))
    assert response.status_code == 400
    assert "For someone in prison, the release date must be today or in the future. If they have been " \
           "released, choose 'In the community'" in error_summary(response.data)
    saved = _post(client, "/participants/new", good_person(location="community", prison=None,
                                                            release_date=TODAY - timedelta(days=1)))
    assert saved.status_code == 302


def test_one_mile_is_one_mile(client, login_as):
    manager = login_as("case_manager")
    person = ParticipantFactory(case_manager=manager, travel_miles=1)
    db.session.commit()
    page = client.get(f"/participants/{person.id}").get_data(as_text=True)
    import re

    assert re.search(r">\s*1 mile\s*<", page) and "1 miles" not in page
