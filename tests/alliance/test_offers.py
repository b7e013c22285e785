"""Offers of staff time and materials: publishing, booking places for people on a caseload, what the
employer sees, attendance, and cancelling."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from marketplace.alliance import operations
from marketplace.alliance.models import Booking, Offer
from marketplace.core import clock
from marketplace.core.exceptions import Refused
from marketplace.core.filters import govuk_date
from marketplace.core.models import Notification, OutboxMessage
from marketplace.extensions import db
from marketplace.participants.operations import erase_participant
from tests.factories import (
    BookingFactory,
    ConsentRecordFactory,
    OfferFactory,
    ParticipantFactory,
    UserFactory,
    member_organisation,
)
from tests.helpers import sign_in_client


def offer_data(**changes) -> dict:
    start = clock.today() + timedelta(days=10)
    data = {"kind": "cv_workshop", "title": "CV workshop", "description": "Leave with a CV",
            "starts_on": [str(start.day), str(start.month), str(start.year)], "times": "10am to 1pm",
            "setting": "prison", "prison": "HMP Leeds", "places": "10", "suits": "People releasing soon"}
    data.update(changes)
    return data


def consenting_participant(manager, **fields):
    person = ParticipantFactory(case_manager=manager, **fields)
    ConsentRecordFactory(participant=person, employers=True)
    return person


def count(model, *criteria) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*criteria)) or 0


# Publishing --------------------------------------------------------------------------------------------

def test_a_member_publishes_a_session_in_a_prison(client, login_as):
    login_as("employer", organisation=member_organisation(1))
    response = client.post_form("/alliance/offers/new", offer_data())
    assert response.status_code == 302
    offer = db.session.scalar(select(Offer))
    assert (offer.prison, offer.region, offer.ends_on) == ("HMP Leeds", "Yorkshire and the Humber", offer.starts_on)
    assert offer.title in client.get("/alliance/our-offers").data.decode()


@pytest.mark.parametrize(("changes", "message"), [
    ({"starts_on": ["1", "1", "2020"]}, "The start date must be today or in the future"),
    ({"ends_on": ["1", "1", "2020"]}, "The end date must be the same as or after the start date"),
    ({"places": "0"}, "The number of places must be 1 or more"),
    ({"places": "many"}, "Enter the number of places as a whole number"),
    ({"prison": ""}, "Select the prison from the list"),
    ({"setting": "community", "town": "", "region": "London"}, "Enter the town"),
    ({"setting": "community", "town": "Leeds", "region": ""}, "Select the region"),
    ({"suits": ""}, "Enter who it suits"),
    ({"kind": "party"}, "Not a valid choice"),
])
def test_session_mistakes_are_named(client, login_as, changes, message):
    login_as("employer", organisation=member_organisation(1))
    response = client.post_form("/alliance/offers/new", offer_data(**changes))
    assert response.status_code == 400
    assert message in response.data.decode()
    assert count(Offer) == 0


def test_places_cannot_drop_below_those_booked(client, login_as):
    organisation = member_organisation(1)
    login_as("employer", organisation=organisation)
    offer = OfferFactory(organisation=organisation, places=5)
    BookingFactory(offer=offer)
    BookingFactory(offer=offer)
    start = offer.starts_on
    response = client.post_form(f"/alliance/offers/{offer.id}/edit", offer_data(
        places="1", starts_on=[str(start.day), str(start.month), str(start.year)]))
    assert response.status_code == 400 and "2 places are already booked" in response.data.decode()


def test_changing_the_date_tells_case_managers_with_bookings(client, login_as):
    organisation = member_organisation(1)
    login_as("employer", organisation=organisation)
    offer = OfferFactory(organisation=organisation)
    booking = BookingFactory(offer=offer)
    later = offer.starts_on + timedelta(days=7)
    response = client.post_form(f"/alliance/offers/{offer.id}/edit", offer_data(
        prison="HMP Liverpool", starts_on=[str(later.day), str(later.month), str(later.year)]))
    assert response.status_code == 302
    note = db.session.scalar(select(Notification).where(Notification.user_id == booking.booked_by_id))
    assert "changed the date, time or place" in note.text
    assert count(OutboxMessage) == 1


# Booking ------------------------------------------------------------------------------------------------

def test_a_case_manager_books_a_place_and_the_employer_sees_only_what_was_shared(client, login_as):
    organisation = member_organisation(1)
    employer = UserFactory(role="employer", organisation=organisation)
    offer = OfferFactory(organisation=organisation, created_by_id=employer.id, places=3)
    manager = login_as("case_manager")
    person = consenting_participant(
        manager, first_name="Marcus", last_name="Okonkwo-Bell", participant_number="A7777ZZ", prison="HMP Risley",
        offence_categories=["violence"], skills=["welding"], goals="Own a garage", release_town="Widnes",
        release_postcode="WA8 7QQ", work_history="Fabricator at Unilever")
    page = client.get(f"/alliance/offers/{offer.id}/book").data.decode()
    assert "Marcus Okonkwo-Bell (A7777ZZ)" in page
    response = client.post_form(f"/alliance/offers/{offer.id}/book",
                                {"participant_id": str(person.id), "note": "Keen on kitchen work"})
    assert response.status_code == 302
    booking = db.session.scalar(select(Booking))
    assert (booking.display_name, booking.note, booking.booked_by_id) == ("Marcus O.", "Keen on kitchen work",
                                                                         manager.id)
    assert db.session.get(Offer, offer.id).places_taken == 1
    assert "Marcus O." in db.session.scalar(select(Notification.text).where(Notification.user_id == employer.id))

    sign_in_client(client, employer)
    page = client.get(f"/alliance/offers/{offer.id}").data.decode()
    assert "Marcus O." in page and "Keen on kitchen work" in page
    # (Not the bare year of birth: factory sequences put numbers like 1996 into other people's emails.)
    for private in ("Okonkwo", "A7777ZZ", "HMP Risley", "iolence", "welding", "Own a garage", "Widnes", "WA8 7QQ",
                    "Unilever", person.date_of_birth.isoformat(), govuk_date(person.date_of_birth),
                    f"/participants/{person.id}\""):
        assert private not in page, private
    home = client.get("/home").data.decode()
    assert "Okonkwo" not in home


def test_the_case_manager_chooses_the_name_the_employer_sees(client, login_as):
    offer = OfferFactory()
    manager = login_as("case_manager")
    person = consenting_participant(manager, first_name="Jordan", last_name="Smith")
    client.post_form(f"/alliance/offers/{offer.id}/book", {"participant_id": str(person.id), "display_name": "J."})
    assert db.session.scalar(select(Booking.display_name)) == "J."


def test_nobody_without_consent_to_share_with_employers_can_be_booked(client, login_as):
    offer = OfferFactory()
    manager = login_as("case_manager")
    refused = ParticipantFactory(case_manager=manager, first_name="Refused")
    ConsentRecordFactory(participant=refused, employers=False)
    silent = ParticipantFactory(case_manager=manager, first_name="Silent")
    page = client.get(f"/alliance/offers/{offer.id}/book").data.decode()
    assert "Refused" not in page and "Silent" not in page
    for person in (refused, silent):
        response = client.post_form(f"/alliance/offers/{offer.id}/book", {"participant_id": str(person.id)})
        assert response.status_code == 400
        assert "has not agreed to share details with employers" in response.data.decode()
    assert count(Booking) == 0


def test_only_people_on_the_organisations_own_caseload_can_be_booked(client, login_as):
    offer = OfferFactory()
    manager = login_as("case_manager")
    colleague = UserFactory(role="case_manager", organisation=manager.organisation)
    theirs = consenting_participant(colleague)
    stranger = consenting_participant(UserFactory(role="case_manager"))
    response = client.post_form(f"/alliance/offers/{offer.id}/book", {"participant_id": str(stranger.id)})
    assert response.status_code == 400 and "Select someone on your organisation" in response.data.decode()
    response = client.post_form(f"/alliance/offers/{offer.id}/book", {"participant_id": str(theirs.id)})
    assert response.status_code == 302
    assert db.session.scalar(select(Booking.participant_id)) == theirs.id


def test_closed_cases_double_bookings_full_and_past_sessions_are_refused():
    manager = UserFactory(role="case_manager")
    person = consenting_participant(manager)
    offer = OfferFactory(places=1)
    operations.book_place(offer.id, person.id, "", "", manager)
    with pytest.raises(Refused, match="already has a place"):
        operations.book_place(offer.id, person.id, "", "", manager)
    with pytest.raises(Refused, match="no places left"):
        operations.book_place(offer.id, consenting_participant(manager).id, "", "", manager)
    closed = consenting_participant(manager, status="closed")
    with pytest.raises(Refused, match="case is closed"):
        operations.book_place(OfferFactory().id, closed.id, "", "", manager)
    past = OfferFactory(starts_on=clock.today() - timedelta(days=3))
    with pytest.raises(Refused, match="already happened"):
        operations.book_place(past.id, person.id, "", "", manager)
    cancelled = OfferFactory(cancelled_at=clock.now())
    with pytest.raises(Refused, match="cancelled"):
        operations.book_place(cancelled.id, person.id, "", "", manager)


def test_cancelling_a_booking_frees_the_place(client, login_as):
    manager = login_as("case_manager")
    offer = OfferFactory(places=1)
    booking = BookingFactory(offer=offer, participant=consenting_participant(manager))
    assert offer.places_left == 0
    response = client.post_form(f"/alliance/bookings/{booking.id}/cancel")
    assert response.status_code == 302
    db.session.refresh(offer)
    assert offer.places_left == 1 and db.session.get(Booking, booking.id).status == "cancelled"
    other = consenting_participant(manager)
    operations.book_place(offer.id, other.id, "", "", manager)


def test_another_organisations_booking_cannot_be_cancelled(client, login_as):
    login_as("case_manager")
    booking = BookingFactory()
    assert client.post_form(f"/alliance/bookings/{booking.id}/cancel").status_code == 404
    assert db.session.get(Booking, booking.id).cancelled_at is None


def test_the_case_managers_bookings_page(client, login_as):
    manager = login_as("case_manager")
    BookingFactory(participant=consenting_participant(manager, first_name="Upcoming", last_name="Person"))
    past = OfferFactory(starts_on=clock.today() - timedelta(days=4))
    BookingFactory(offer=past, participant=consenting_participant(manager, first_name="Earlier", last_name="Person"))
    BookingFactory(participant=consenting_participant(UserFactory(role="case_manager"), first_name="Elsewhere"))
    page = client.get("/alliance/bookings").data.decode()
    assert "Upcoming Person" in page and "Earlier Person" not in page and "Elsewhere" not in page
    assert "Earlier Person" in client.get("/alliance/bookings?show=past").data.decode()


def test_case_managers_browse_sessions_with_places_by_region_and_kind(client, login_as):
    login_as("case_manager")
    OfferFactory(title="Leeds interviews", prison="HMP Leeds", region="Yorkshire and the Humber")
    OfferFactory(title="Online CVs", kind="cv_workshop", setting="online", prison=None, region=None)
    OfferFactory(title="Full one", places=1, places_taken=1)
    OfferFactory(title="Gone", starts_on=clock.today() - timedelta(days=1))
    OfferFactory(title="Called off", cancelled_at=clock.now())
    page = client.get("/alliance/offers").data.decode()
    assert "Leeds interviews" in page and "Online CVs" in page
    assert "Full one" not in page and "Gone" not in page and "Called off" not in page
    page = client.get("/alliance/offers?region=North+West").data.decode()
    assert "Leeds interviews" not in page and "Online CVs" in page
    page = client.get("/alliance/offers?kind=mock_interviews").data.decode()
    assert "Leeds interviews" in page and "Online CVs" not in page


# Attendance and cancelling the session --------------------------------------------------------------------------

def test_the_employer_records_attendance_once_the_session_has_started(client, login_as):
    organisation = member_organisation(1)
    login_as("employer", organisation=organisation)
    offer = OfferFactory(organisation=organisation)
    came, missed = BookingFactory(offer=offer), BookingFactory(offer=offer)
    data = {f"booking_{came.id}": "yes", f"booking_{missed.id}": "no"}
    response = client.post_form(f"/alliance/offers/{offer.id}/attendance", data)
    assert response.status_code == 400 and "once the session has started" in response.data.decode()
    offer.starts_on = offer.ends_on = clock.today()
    response = client.post_form(f"/alliance/offers/{offer.id}/attendance", data)
    assert response.status_code == 302
    assert (db.session.get(Booking, came.id).status, db.session.get(Booking, missed.id).status) == (
        "attended", "did_not_attend")


def test_cancelling_a_session_tells_case_managers_by_email(client, login_as):
    organisation = member_organisation(1)
    login_as("employer", organisation=organisation)
    offer = OfferFactory(organisation=organisation)
    booking = BookingFactory(offer=offer)
    response = client.post_form(f"/alliance/offers/{offer.id}/cancel", {"reason": ""})
    assert response.status_code == 400
    response = client.post_form(f"/alliance/offers/{offer.id}/cancel", {"reason": "Our trainer is ill"})
    assert response.status_code == 302
    assert db.session.get(Offer, offer.id).is_cancelled
    email = db.session.scalar(select(OutboxMessage))
    assert email.to_address == booking.booked_by.email and "Our trainer is ill" in email.body


def test_other_employers_cannot_see_or_manage_a_session(client, login_as):
    offer = OfferFactory()
    login_as("employer", organisation=member_organisation(3))
    for path in (f"/alliance/offers/{offer.id}", f"/alliance/offers/{offer.id}/edit",
                 f"/alliance/offers/{offer.id}/cancel"):
        assert client.get(path).status_code == 404
    assert client.post_form(f"/alliance/offers/{offer.id}/cancel", {"reason": "x"}).status_code == 404
    assert not db.session.get(Offer, offer.id).is_cancelled


def test_erasing_a_participant_removes_their_bookings_and_frees_places():
    manager = UserFactory(role="case_manager")
    person = consenting_participant(manager)
    offer = OfferFactory(places=2)
    BookingFactory(offer=offer, participant=person)
    erase_participant(person, manager)
    db.session.flush()
    assert count(Booking) == 0 and offer.places_taken == 0


def test_the_employer_home_page_shows_level_next_level_offers_and_what_needs_attention(client, login_as):
    organisation = member_organisation(1)
    login_as("employer", organisation=organisation)
    OfferFactory(organisation=organisation, title="Interview practice at HMP Liverpool")
    started = OfferFactory(organisation=organisation, title="Yesterday's workshop",
                           starts_on=clock.today() - timedelta(days=1))
    BookingFactory(offer=started)
    page = client.get("/home").data.decode()
    assert "level 1</strong> member" in page
    assert "Level 2 would also let you post" in page and "Work placements" in page
    assert "Interview practice at HMP Liverpool" in page
    assert "Record who came to &#34;Yesterday&#39;s workshop&#34;" in page
