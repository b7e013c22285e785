"""Work sessions on an accepted project: day, time, place, supervisor and capacity; people on the
caseload with hours left are allocated (never past capacity, even at the same moment), and the
supervisor records attendance, which credits their order."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest
from sqlalchemy import func, select

from marketplace.core import clock
from marketplace.core.models import AuditEvent, Notification
from marketplace.core.roles import Role
from marketplace.extensions import db
from marketplace.payback import operations
from marketplace.payback.models import PaybackAllocation, PaybackOrder, PaybackSession
from tests.factories import ParticipantFactory, PaybackProjectFactory, UserFactory
from tests.helpers import race

NOW = datetime(2027, 3, 10, 10, 0, tzinfo=UTC)


@pytest.fixture
def manager(login_as):
    clock.fix(NOW)
    return login_as(Role.PAYBACK_MANAGER)  # North West, like the factory's projects


def on_order(manager, first="Robin", last="Okafor", hours=40):
    person = ParticipantFactory(first_name=first, last_name=last, location="community", prison=None,
                                release_date=None, case_manager=UserFactory(role="case_manager",
                                                                            organisation=manager.organisation))
    db.session.add(PaybackOrder(participant_id=person.id, hours_ordered=hours, made_on=date(2027, 1, 4),
                                recorded_by_id=manager.id))
    return person


def a_session(project, manager, capacity=2, day=date(2027, 3, 12)):
    session = PaybackSession(project_id=project.id, day=day, starts_at=time(9, 0), ends_at=time(15, 0),
                             place="The towpath gate", supervisor_id=manager.id, capacity=capacity, places_taken=0)
    db.session.add(session)
    db.session.flush()
    return session


def test_a_session_needs_a_future_day_sensible_times_and_a_group_size_all_reported_at_once(client, manager):
    project = PaybackProjectFactory(status="accepted", work_starts_on=date(2027, 3, 15))
    db.session.commit()
    path = f"/community-payback/nominations/{project.id}/sessions"
    page = client.post_form(path, {"day": ["12", "3", "2027"], "starts_at": "15:00", "ends_at": "9.00",
                                   "place": "Gate", "supervisor_id": str(manager.id), "capacity": "20"})
    text = page.get_data(as_text=True)
    assert page.status_code == 400
    for message in ("The work starts on 15 March 2027: the session cannot be before then",
                    "The session must end after it starts", "A session takes from 1 to 12 people"):
        assert message in text, message
    assert "Enter end time on the 24-hour clock" in client.post_form(path, {"ends_at": "3pm"}).get_data(as_text=True)

    response = client.post_form(path, {"day": ["16", "3", "2027"], "starts_at": "9:00", "ends_at": "15:30",
                                       "place": "The towpath gate", "supervisor_id": str(manager.id), "capacity": "6"})
    assert response.status_code == 302
    session = db.session.scalar(select(PaybackSession))
    assert (session.day, session.starts_at, session.minutes, session.capacity) == (date(2027, 3, 16), time(9), 390, 6)
    assert "The towpath gate" in client.get(path).get_data(as_text=True)


def test_only_an_accepted_project_has_sessions(client, manager):
    project = PaybackProjectFactory(status="shortlisted")
    db.session.commit()
    assert client.get(f"/community-payback/nominations/{project.id}/sessions").status_code == 302


def test_allocation_takes_a_place_tells_the_case_manager_and_stops_at_capacity(client, manager):
    project = PaybackProjectFactory(status="accepted")
    session = a_session(project, manager, capacity=1)
    robin, sam = on_order(manager), on_order(manager, "Sam", "Jones")
    db.session.commit()

    page = client.post_form(f"/community-payback/sessions/{session.id}/allocate", {"participant_id": str(robin.id)})
    assert page.status_code == 302
    db.session.refresh(session)
    assert session.places_taken == 1
    told = db.session.scalar(select(Notification).where(Notification.user_id == robin.case_manager_id))
    assert "Robin Okafor is on Community Payback on 12 March 2027, 09:00 to 15:00" in told.text

    page = client.post_form(f"/community-payback/sessions/{session.id}/allocate", {"participant_id": str(sam.id)})
    assert page.status_code == 400 and "The session is full" in page.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(PaybackAllocation)) == 1


def test_someone_from_another_provider_or_without_an_order_cannot_be_allocated(client, manager):
    project = PaybackProjectFactory(status="accepted")
    session = a_session(project, manager)
    stranger = ParticipantFactory(location="community", prison=None, release_date=None)
    no_order = ParticipantFactory(location="community", prison=None, release_date=None,
                                  case_manager=UserFactory(role="case_manager", organisation=manager.organisation))
    db.session.commit()
    for person in (stranger, no_order):
        page = client.post_form(f"/community-payback/sessions/{session.id}/allocate",
                                {"participant_id": str(person.id)})
        assert "Choose someone on your caseload with unpaid work hours left" in page.get_data(as_text=True)
    db.session.refresh(session)
    assert session.places_taken == 0


def test_allocations_at_the_same_moment_never_pass_capacity(app):
    clock.fix(NOW)
    manager = UserFactory(role="payback_manager")
    session = a_session(PaybackProjectFactory(status="accepted"), manager, capacity=3)
    people = [on_order(manager, f"Person{n}", f"Number{n}").id for n in range(8)]
    db.session.commit()
    session_id, manager_id = session.id, manager.id

    def attempt(person_id):
        def run():
            from marketplace.accounts.models import User

            operations.allocate(db.session.get(PaybackSession, session_id), db.session.get(User, manager_id),
                                person_id)
        return run

    outcomes = race(app, [attempt(person_id) for person_id in people])
    assert outcomes.count("won") == 3
    assert all("The session is full" in outcome for outcome in outcomes if outcome != "won")
    assert db.session.scalar(select(PaybackSession.places_taken).where(PaybackSession.id == session_id)) == 3
    assert db.session.scalar(select(func.count()).select_from(PaybackAllocation)) == 3


def test_attendance_credits_the_order_once_and_the_page_names_are_audited(client, manager):
    project = PaybackProjectFactory(status="accepted")
    session = a_session(project, manager, day=date(2027, 3, 10))
    robin = on_order(manager)
    db.session.add(PaybackAllocation(session_id=session.id, participant_id=robin.id, allocated_by_id=manager.id))
    db.session.commit()
    allocation = db.session.scalar(select(PaybackAllocation))
    path = f"/community-payback/sessions/{session.id}"

    page = client.get(path).get_data(as_text=True)
    assert 'value="6"' in page  # the session's six hours, to change if someone left early
    assert db.session.scalar(select(AuditEvent.action).where(AuditEvent.subject_id == str(robin.id))) == \
        "payback.person_viewed"
    prefix = f"a{allocation.id}"
    refused = client.post_form(f"{path}/attendance/{allocation.id}", {f"{prefix}-outcome": "absent_unacceptable",
                                                                      f"{prefix}-minutes": "6"})
    assert refused.status_code == 400 and "An absence credits no hours: enter 0" in refused.get_data(as_text=True)

    done = client.post_form(f"{path}/attendance/{allocation.id}", {f"a{allocation.id}-outcome": "late",
                                                                   f"a{allocation.id}-minutes": "5.5",
                                                                   f"a{allocation.id}-skills": ["teamwork"]})
    assert done.status_code == 302
    order = db.session.scalar(select(PaybackOrder).where(PaybackOrder.participant_id == robin.id))
    db.session.refresh(order)
    assert order.minutes_done == 330
    assert [(row.project_id, row.outcome, row.worked_on) for row in order.hours] == [
        (project.id, "late", date(2027, 3, 10))]
    again = client.post_form(f"{path}/attendance/{allocation.id}", {f"a{allocation.id}-outcome": "late",
                                                                    f"a{allocation.id}-minutes": "1"})
    assert "already recorded" in again.get_data(as_text=True)
    assert "Attended: late: 5.5 hours credited" in client.get(path).get_data(as_text=True)


def test_attendance_waits_for_the_day(client, manager):
    session = a_session(PaybackProjectFactory(status="accepted"), manager, day=date(2027, 3, 12))
    robin = on_order(manager)
    db.session.add(PaybackAllocation(session_id=session.id, participant_id=robin.id))
    db.session.commit()
    allocation = db.session.scalar(select(PaybackAllocation))
    page = client.post_form(f"/community-payback/sessions/{session.id}/attendance/{allocation.id}",
                            {f"a{allocation.id}-outcome": "acceptable", f"a{allocation.id}-minutes": "6"})
    assert "Attendance is recorded on or after the day of the session (12 March 2027)" in page.get_data(as_text=True)


def test_another_regions_session_is_not_found(client, manager):
    session = a_session(PaybackProjectFactory(status="accepted", region="Wales", postcode="CF10 1EP"), manager)
    db.session.commit()
    assert client.get(f"/community-payback/sessions/{session.id}").status_code == 404
