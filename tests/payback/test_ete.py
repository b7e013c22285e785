"""ETE that counts: each region's cap (set by its payback managers or an admin, with its history), the
order taking its region's cap when it is recorded, Corporate Alliance sessions marked as ETE whose
attendance is credited up to the cap (the rest recorded, not counted), raced attendance never passing
the cap, and the person's own hours on the Virtual Campus and on their case manager's record."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from marketplace.accounts.models import User
from marketplace.alliance import operations as alliance
from marketplace.core import clock
from marketplace.core.models import AuditEvent
from marketplace.core.roles import Role
from marketplace.extensions import db
from marketplace.payback import operations
from marketplace.payback.models import (
    EteOffer,
    PaybackHours,
    PaybackOrder,
    RegionEteCap,
    RegionEteCapChange,
)
from tests.factories import BookingFactory, OfferFactory, ParticipantFactory, UserFactory, campus_person
from tests.helpers import race, sign_in_client

NOW = datetime(2027, 3, 10, 12, 0, tzinfo=UTC)


@pytest.fixture
def manager(login_as):
    clock.fix(NOW)
    return login_as(Role.PAYBACK_MANAGER)


@pytest.fixture
def person(manager):
    case_manager = UserFactory(role="case_manager", organisation=manager.organisation)
    participant = ParticipantFactory(case_manager=case_manager, location="community", release_region="North West")
    # 40 hours at 30%: 12 ETE hours may count.
    db.session.add(PaybackOrder(participant_id=participant.id, hours_ordered=40, ete_cap_percent=30,
                                made_on=date(2027, 1, 4), recorded_by_id=manager.id))
    db.session.commit()
    return participant


def community_offer(**fields):
    fields = {"setting": "community", "prison": None, "town": "Bolton", "region": "North West",
              "starts_on": date(2027, 3, 8), "ends_on": date(2027, 3, 8), **fields}
    return OfferFactory(**fields)


def marked(manager, hours: float, **fields):
    offer = community_offer(**fields)
    db.session.add(EteOffer(offer_id=offer.id, minutes=int(hours * 60), region="North West",
                            marked_by_id=manager.id))
    db.session.flush()
    return offer


def attend(offer, person, attended=True):
    booking = BookingFactory(offer=offer, participant=person)
    organiser = UserFactory(role="employer", organisation=offer.organisation)
    db.session.commit()
    alliance.record_attendance(offer.id, {booking.id: attended}, organiser)
    db.session.commit()
    return booking, organiser


def order_of(person) -> PaybackOrder:
    db.session.expire_all()
    return db.session.scalar(select(PaybackOrder).where(PaybackOrder.participant_id == person.id))


# The cap per region ----------------------------------------------------------------------------------

def test_a_payback_manager_sets_their_regions_cap_every_problem_at_once_and_the_history_says_who(client, manager):
    page = client.get("/community-payback/ete-cap").get_data(as_text=True)
    assert "North West" in page and "30%" in page and "up to 20%" in page

    refused = client.post_form("/community-payback/ete-cap", {"region": "London", "percent": "45",
                                                              "note": "x" * 501})
    text = refused.get_data(as_text=True)
    assert refused.status_code == 400
    for message in ("Choose a region you manage", "The ETE cap must be from 0 to 30%",
                    "The note must be 500 characters or fewer"):
        assert message in text
    assert db.session.scalar(select(func.count()).select_from(RegionEteCap)) == 0

    assert client.post_form("/community-payback/ete-cap", {"region": "North West", "percent": "20",
                                                           "note": "As the seed paper said"}).status_code == 302
    assert operations.region_ete_cap("North West") == 20
    change = db.session.scalar(select(RegionEteCapChange))
    assert (change.from_percent, change.to_percent, change.actor_id) == (30, 20, manager.id)
    page = client.get("/community-payback/ete-cap").get_data(as_text=True)
    assert manager.full_name in page and "30% to 20%" in page and "As the seed paper said" in page
    audit = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "payback.ete_cap_set"))
    assert audit.actor_id == manager.id and audit.detail == "North West: 30% to 20%"


def test_an_admin_sets_any_regions_cap(client, login_as):
    admin = login_as(Role.ADMIN)
    assert client.post_form("/community-payback/ete-cap", {"region": "London", "percent": "25"}).status_code == 302
    assert operations.region_ete_cap("London") == 25
    assert operations.region_ete_cap("North West") == 30  # untouched: the national default
    assert db.session.scalar(select(RegionEteCapChange.actor_id)) == admin.id


def test_a_new_order_takes_its_regions_cap_and_keeps_it_when_the_region_changes(client, manager, person):
    operations.set_region_ete_cap(manager, operations.CapDetails(region="North West", percent=20))
    db.session.commit()
    fresh = ParticipantFactory(case_manager=person.case_manager, location="community")
    db.session.commit()
    page = client.get(f"/community-payback/people/{fresh.id}/order").get_data(as_text=True)
    assert "Up to 20% of the hours ordered" in page
    assert client.post_form(f"/community-payback/people/{fresh.id}/order",
                            {"hours_ordered": "100", "made_on": ["1", "3", "2027"]}).status_code == 302
    assert order_of(fresh).ete_cap_percent == 20
    assert order_of(person).ete_cap_percent == 30  # recorded before the change

    operations.set_region_ete_cap(manager, operations.CapDetails(region="North West", percent=10))
    db.session.commit()
    # Correcting the order keeps the cap it was recorded with.
    assert client.post_form(f"/community-payback/people/{fresh.id}/order",
                            {"hours_ordered": "120", "made_on": ["1", "3", "2027"]}).status_code == 302
    assert (order_of(fresh).hours_ordered, order_of(fresh).ete_cap_percent) == (120, 20)


# Sessions that count as ETE ----------------------------------------------------------------------------

def test_a_payback_manager_marks_a_session_in_their_region_as_ete(client, manager):
    ours = community_offer(title="CV workshop in Bolton")
    elsewhere = community_offer(title="CV workshop in Leeds", region="Yorkshire and the Humber")
    in_prison = OfferFactory(title="Mock interviews at HMP Liverpool")
    db.session.commit()
    page = client.get("/community-payback/ete-sessions").get_data(as_text=True)
    assert "CV workshop in Bolton" in page and "CV workshop in Leeds" not in page and "HMP Liverpool" not in page

    refused = client.post_form(f"/community-payback/ete-sessions/{ours.id}", {f"o{ours.id}-minutes": ""})
    assert refused.status_code == 400 and "Enter the hours each attendance counts for" in refused.get_data(as_text=True)
    refused = client.post_form(f"/community-payback/ete-sessions/{ours.id}", {f"o{ours.id}-minutes": "12"})
    assert refused.status_code == 400 and "up to 10" in refused.get_data(as_text=True)
    assert client.post_form(f"/community-payback/ete-sessions/{ours.id}",
                            {f"o{ours.id}-minutes": "3"}).status_code == 302
    assert db.session.get(EteOffer, ours.id).minutes == 180
    for other in (elsewhere, in_prison):
        assert client.post_form(f"/community-payback/ete-sessions/{other.id}",
                                {f"o{other.id}-minutes": "3"}).status_code == 404
    assert "Yes: 3 hours each attendance" in client.get("/community-payback/ete-sessions").get_data(as_text=True)


def test_attendance_at_an_ete_session_counts_up_to_the_cap_and_the_rest_is_recorded(client, manager, person):
    first = marked(manager, 10, title="Forklift training day")
    second = marked(manager, 3, title="CV workshop", starts_on=date(2027, 3, 9), ends_on=date(2027, 3, 9))
    unmarked = community_offer(title="Careers talk")
    attend(first, person)
    attend(second, person)
    attend(unmarked, person)

    order = order_of(person)
    rows = sorted(order.hours, key=lambda row: row.worked_on)
    assert [(row.activity.split(",")[0], row.minutes, row.counted_minutes) for row in rows] == [
        ("Forklift training day", 600, 600), ("CV workshop", 180, 120)]
    assert (order.ete_minutes, order.ete_attended_minutes, order.ete_minutes_left) == (720, 780, 0)
    assert order.minutes_done == 720

    page = client.get(f"/community-payback/people/{person.id}").get_data(as_text=True)
    assert "1 more attended past the cap that do not count" in page
    assert "still recorded as attended, but do not count" in page
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)
                             .where(AuditEvent.action == "payback.ete_attendance")) == 2


def test_attendance_corrected_to_absent_takes_the_hours_away_and_counts_again(manager, person):
    first = marked(manager, 10)
    second = marked(manager, 3, starts_on=date(2027, 3, 9), ends_on=date(2027, 3, 9))
    booking, organiser = attend(first, person)
    attend(second, person)
    alliance.record_attendance(first.id, {booking.id: False}, organiser)
    db.session.commit()
    order = order_of(person)
    assert [(row.minutes, row.counted_minutes) for row in order.hours] == [(180, 180)]
    assert order.ete_minutes_left == 9 * 60


def test_no_order_or_a_session_before_the_order_credits_nothing(manager, person):
    before = marked(manager, 3, starts_on=date(2027, 1, 2), ends_on=date(2027, 1, 2))
    attend(before, person)
    stranger = ParticipantFactory(location="community")
    attend(marked(manager, 3), stranger)
    assert db.session.scalar(select(func.count()).select_from(PaybackHours)) == 0


def test_two_attendances_recorded_at_once_never_take_the_ete_past_the_cap(app, manager, person):
    """Each organiser records their own session at the same moment: each credit is counted with the
    order row locked, so together they count exactly the 12 hours of the cap, and both stay recorded."""
    offers = [marked(manager, 8, title=f"Training day {n}") for n in range(2)]
    bookings = [BookingFactory(offer=offer, participant=person) for offer in offers]
    organisers = [UserFactory(role="employer", organisation=offer.organisation) for offer in offers]
    db.session.commit()
    ids = [(offer.id, booking.id, organiser.id) for offer, booking, organiser in zip(offers, bookings, organisers,
                                                                                      strict=True)]

    def recording(offer_id, booking_id, organiser_id):
        return lambda: alliance.record_attendance(offer_id, {booking_id: True}, db.session.get(User, organiser_id))

    assert race(app, [recording(*args) for args in ids]) == ["won", "won"]
    rows = db.session.scalars(select(PaybackHours).where(PaybackHours.participant_id == person.id)).all()
    assert sorted(row.minutes for row in rows) == [480, 480]
    assert sum(row.counted_minutes for row in rows) == 12 * 60


# The person's own hours ----------------------------------------------------------------------------------

def test_the_person_sees_their_own_hours_and_next_sessions_and_each_view_is_audited(client, manager, person):
    from datetime import time

    from marketplace.payback.models import PaybackAllocation, PaybackSession
    from tests.factories import PaybackProjectFactory

    attend(marked(manager, 3, title="CV workshop"), person)
    project = PaybackProjectFactory(status="accepted", public_title="Paint the scout hut", public_text_at=clock.now())
    session = PaybackSession(project=project, day=clock.today() + timedelta(days=3), starts_at=time(9),
                             ends_at=time(15), place="Scout hut, Bolton", supervisor_id=manager.id, capacity=4,
                             places_taken=1)
    db.session.add(session)
    db.session.flush()
    db.session.add(PaybackAllocation(session_id=session.id, participant_id=person.id, allocated_by_id=manager.id))
    other = ParticipantFactory(case_manager=person.case_manager, location="community")
    db.session.add(PaybackOrder(participant_id=other.id, hours_ordered=217, made_on=date(2027, 1, 4)))
    own_user = campus_person(person)
    db.session.commit()

    sign_in_client(client, own_user)
    page = client.get("/campus/unpaid-work")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Hours ordered" in text and ">40<" in text and "ETE hours left" in text
    assert "3 of 12" in text and "Paint the scout hut" in text and "Scout hut, Bolton" in text
    assert "217" not in text  # only their own order
    home = client.get("/campus/home").get_data(as_text=True)
    assert "3 of your 40 hours are done" in home
    views = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "campus.viewed",
                                                        AuditEvent.detail == "unpaid work")).all()
    assert len(views) == 1 and views[0].actor_id == own_user.id and views[0].subject_id == str(person.id)


def test_the_case_manager_sees_the_hours_on_the_persons_record(client, manager, person):
    attend(marked(manager, 3), person)
    sign_in_client(client, person.case_manager)
    text = client.get(f"/participants/{person.id}").get_data(as_text=True)
    assert "Unpaid work (Community Payback)" in text and "ETE hours used" in text and "3 of 12" in text


def test_the_subject_access_export_says_how_much_of_each_days_ete_counted(manager, person):
    attend(marked(manager, 10), person)
    attend(marked(manager, 3, starts_on=date(2027, 3, 9), ends_on=date(2027, 3, 9)), person)
    _, section = operations.subject_access_section(person)
    assert [(day["minutes"], day["minutes_counted_toward_the_order"]) for day in section["hours"]] == [
        (600, 600), (180, 120)]


def test_a_cancelled_session_stays_among_the_next_ones_marked_cancelled(manager, person):
    from datetime import time

    from marketplace.payback.models import PaybackAllocation, PaybackSession
    from tests.factories import PaybackProjectFactory

    project = PaybackProjectFactory(status="accepted")
    for place, cancelled in (("Kept", None), ("Called off", clock.now())):
        session = PaybackSession(project=project, day=clock.today() + timedelta(days=2), starts_at=time(9),
                                 ends_at=time(15), place=place, supervisor_id=manager.id, capacity=4, places_taken=1,
                                 cancelled_at=cancelled)
        db.session.add(session)
        db.session.flush()
        db.session.add(PaybackAllocation(session_id=session.id, participant_id=person.id, allocated_by_id=manager.id))
    db.session.commit()
    # Kept and marked (helper 35's rule): the person hears it is off rather than seeing it vanish.
    assert [(session.place, session.is_cancelled) for session in operations.hours_summary(person).next_sessions] == [
        ("Kept", False), ("Called off", True)]
