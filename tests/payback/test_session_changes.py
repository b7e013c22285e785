"""Changing and cancelling a work session: the places never go below the people on it (even against an
allocation at the same moment), a session is never moved into the past nor moved or cancelled once
attendance is recorded, every problem is said at once, and the people's case managers and the
supervisor are told through the notifications (and their emails through the outbox). A cancelled
session stays listed, marked Cancelled, wherever it was listed."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest
from sqlalchemy import func, select

from marketplace.accounts.models import User
from marketplace.core import clock
from marketplace.core.models import AuditEvent, Notification, OutboxMessage
from marketplace.core.roles import Role
from marketplace.extensions import db
from marketplace.payback import operations
from marketplace.payback.models import PaybackAllocation, PaybackSession, ProjectEvent
from tests.factories import PaybackProjectFactory, UserFactory
from tests.helpers import race, told
from tests.payback.test_sessions import a_session, on_order

NOW = datetime(2027, 3, 10, 10, 0, tzinfo=UTC)


@pytest.fixture
def manager(login_as):
    clock.fix(NOW)
    return login_as(Role.PAYBACK_MANAGER)


def allocate(session, manager, *people):
    for person in people:
        operations.allocate(session, manager, person.id)
    db.session.commit()


def form(manager, **changes) -> dict:
    data = {"day": ["12", "3", "2027"], "starts_at": "09:00", "ends_at": "15:00", "place": "The towpath gate",
            "supervisor_id": str(manager.id), "capacity": "3"}
    data.update(changes)
    return data


def test_the_change_form_starts_with_the_session_as_it_is(client, manager):
    session = a_session(PaybackProjectFactory(status="accepted"), manager, capacity=3)
    db.session.commit()
    page = client.get(f"/community-payback/sessions/{session.id}/change").get_data(as_text=True)
    assert 'value="09:00"' in page and 'value="15:00"' in page and 'value="The towpath gate"' in page
    assert 'value="3"' in page and f'<option selected value="{manager.id}"' in page.replace(
        f'value="{manager.id}" selected', f'selected value="{manager.id}"')


def test_every_problem_with_a_change_is_said_at_once(client, manager):
    session = a_session(PaybackProjectFactory(status="accepted"), manager, capacity=3)
    allocate(session, manager, on_order(manager), on_order(manager, "Sam", "Jones"))
    page = client.post_form(f"/community-payback/sessions/{session.id}/change",
                            form(manager, day=["9", "3", "2027"], ends_at="08:00", capacity="1",
                                 supervisor_id="999999"))
    text = page.get_data(as_text=True)
    assert page.status_code == 400
    for message in ("A session cannot be moved into the past", "The session must end after it starts",
                    "2 people are already allocated: the places cannot be fewer than 2",
                    "Choose a supervisor from your organisation"):
        assert message in text, message
    assert 'class="govuk-error-summary"' in text
    db.session.refresh(session)
    assert (session.day, session.capacity) == (date(2027, 3, 12), 3)


def test_a_change_is_saved_and_the_case_managers_and_both_supervisors_are_told(client, manager):
    session = a_session(PaybackProjectFactory(status="accepted", title="Canal clear-up"), manager, capacity=3)
    robin = on_order(manager)
    allocate(session, manager, robin)
    other = UserFactory(role="payback_manager", organisation=manager.organisation, full_name="Kim Supervisor")
    db.session.commit()
    answer = client.post_form(f"/community-payback/sessions/{session.id}/change",
                              form(manager, day=["13", "3", "2027"], starts_at="10:00", capacity="2",
                                   supervisor_id=str(other.id), place="The lock gate"))
    assert answer.status_code == 302
    db.session.refresh(session)
    assert (session.day, session.starts_at, session.capacity, session.place, session.supervisor_id) == (
        date(2027, 3, 13), time(10), 2, "The lock gate", other.id)
    expected = ("Community Payback session on 'Canal clear-up' changed: now 13 March 2027, 10:00 to 15:00, "
                "at The lock gate (was 12 March 2027, 09:00 to 15:00, at The towpath gate)")
    for user in (robin.case_manager, manager, other):
        assert any(text.startswith(expected) for text in told(user)), user.full_name
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage).where(
        OutboxMessage.subject == "Community Payback session changed")) == 3
    assert "change_session" in db.session.scalars(select(ProjectEvent.action)).all()
    assert db.session.scalar(select(AuditEvent.action).where(AuditEvent.action == "payback.session_changed"))


def test_only_places_or_supervisor_change_once_attendance_is_recorded(client, manager):
    session = a_session(PaybackProjectFactory(status="accepted"), manager, capacity=3, day=date(2027, 3, 10))
    robin = on_order(manager)
    allocate(session, manager, robin)
    allocation = db.session.scalar(select(PaybackAllocation))
    operations.record_attendance(allocation, manager, "acceptable", 360)
    db.session.commit()
    moved = client.post_form(f"/community-payback/sessions/{session.id}/change",
                             form(manager, day=["11", "3", "2027"]))
    assert "Attendance has been recorded for this session: its day, times and place cannot change" in \
        moved.get_data(as_text=True)
    kept = client.post_form(f"/community-payback/sessions/{session.id}/change",
                            form(manager, day=["10", "3", "2027"], capacity="4"))
    assert kept.status_code == 302
    db.session.refresh(session)
    assert (session.day, session.capacity) == (date(2027, 3, 10), 4)
    refused = client.post_form(f"/community-payback/sessions/{session.id}/cancel", {"reason": "Rain"})
    assert "Attendance has been recorded for this session: it cannot be cancelled" in refused.get_data(as_text=True)
    assert session.cancelled_at is None


def test_a_cancelled_session_needs_a_reason_and_tells_everyone_once(client, manager):
    session = a_session(PaybackProjectFactory(status="accepted", title="Canal clear-up"), manager, capacity=3)
    robin, sam = on_order(manager), on_order(manager, "Sam", "Jones")
    sam.case_manager = robin.case_manager  # one case manager for both: told once
    allocate(session, manager, robin, sam)
    path = f"/community-payback/sessions/{session.id}/cancel"
    empty = client.post_form(path, {"reason": "  "})
    assert empty.status_code == 400 and "Say why the session is cancelled" in empty.get_data(as_text=True)

    assert client.post_form(path, {"reason": "The towpath is flooded"}).status_code == 302
    db.session.refresh(session)
    assert session.is_cancelled and session.cancel_reason == "The towpath is flooded"
    texts = told(robin.case_manager)
    assert [t for t in texts if "cancelled" in t] == [
        "Community Payback session on 'Canal clear-up' on 12 March 2027, 09:00 to 15:00, at The towpath gate is "
        "cancelled: The towpath is flooded"]
    assert any("is cancelled" in t for t in told(manager))
    link = db.session.scalar(select(Notification.link).where(Notification.user_id == robin.case_manager_id,
                                                             Notification.text.contains("cancelled")))
    assert link == f"/participants/{robin.id}"
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage).where(
        OutboxMessage.subject == "Community Payback session cancelled")) == 2

    # It stays listed, marked cancelled; nothing more can be done on it.
    listing = client.get(f"/community-payback/nominations/{session.project_id}/sessions").get_data(as_text=True)
    assert "Cancelled" in listing
    page = client.get(f"/community-payback/sessions/{session.id}").get_data(as_text=True)
    assert "Cancelled" in page and "The towpath is flooded" in page
    assert "Allocate someone" not in page and "Change the session" not in page
    again = client.post_form(f"/community-payback/sessions/{session.id}/allocate", {"participant_id": "1"})
    assert "This session is cancelled" in again.get_data(as_text=True)
    assert client.get(f"/community-payback/sessions/{session.id}/change").status_code == 302


def test_a_cancelled_session_shows_cancelled_to_the_person_their_case_manager_and_in_their_export(
        client, manager):
    from marketplace.campus.own import booked_for
    from tests.helpers import sign_in_client

    session = a_session(PaybackProjectFactory(status="accepted"), manager, capacity=3)
    robin = on_order(manager)
    allocate(session, manager, robin)
    operations.cancel_session(session, manager, "Flooded")
    db.session.commit()
    assert [(item.kind, item.cancelled) for item in booked_for(robin)] == [("payback", True)]
    _, section = operations.subject_access_section(robin)
    assert section["sessions"][0]["cancelled"] is True
    assert [item.is_cancelled for item in operations.hours_summary(robin).next_sessions] == [True]
    sign_in_client(client, robin.case_manager)
    record = client.get(f"/participants/{robin.id}").get_data(as_text=True)
    listed = record.split("data-payback-sessions", 1)[1].split("</ul>", 1)[0]
    assert "12 March 2027" in listed and "Cancelled" in listed


def test_no_attendance_on_a_cancelled_session(manager):
    session = a_session(PaybackProjectFactory(status="accepted"), manager, capacity=3, day=date(2027, 3, 10))
    robin = on_order(manager)
    allocate(session, manager, robin)
    operations.cancel_session(session, manager, "Flooded")
    db.session.commit()
    with pytest.raises(operations.Refused, match="This session is cancelled"):
        operations.record_attendance(db.session.scalar(select(PaybackAllocation)), manager, "acceptable", 360)


def test_cutting_the_places_while_people_are_allocated_at_the_same_moment_never_passes_capacity(app):
    """Real threads on the real database (SQLite, or PostgreSQL with TEST_DATABASE_URL): six allocations
    and a cut from six places to two, all released at once. Whatever order they run in, the places are
    never fewer than the people on the session."""
    clock.fix(NOW)
    manager = UserFactory(role="payback_manager")
    session = a_session(PaybackProjectFactory(status="accepted"), manager, capacity=6)
    people = [on_order(manager, f"Person{n}", f"Number{n}").id for n in range(6)]
    db.session.commit()
    session_id, manager_id = session.id, manager.id

    def allocation(person_id):
        def run():
            operations.allocate(db.session.get(PaybackSession, session_id), db.session.get(User, manager_id),
                                person_id)
        return run

    def cut():
        operations.change_session(db.session.get(PaybackSession, session_id), db.session.get(User, manager_id),
                                  operations.SessionDetails(day=date(2027, 3, 12), starts_at=time(9), ends_at=time(15),
                                                            place="The towpath gate", supervisor_id=manager_id,
                                                            capacity=2))

    outcomes = race(app, [cut] + [allocation(person_id) for person_id in people])
    capacity, taken = db.session.execute(select(PaybackSession.capacity, PaybackSession.places_taken)
                                         .where(PaybackSession.id == session_id)).one()
    allocated = db.session.scalar(select(func.count()).select_from(PaybackAllocation))
    assert allocated == taken == outcomes[1:].count("won") <= capacity
    if outcomes[0] == "won":
        assert capacity == 2 and taken <= 2
        assert all("The session is full: its 2 places are taken" in o for o in outcomes[1:] if o != "won")
    else:
        assert capacity == 6 and taken > 2
        assert "already allocated: the places cannot be fewer than" in outcomes[0]


def test_a_cancellation_and_allocations_at_the_same_moment_leave_nobody_added_after_it(app):
    clock.fix(NOW)
    manager = UserFactory(role="payback_manager")
    session = a_session(PaybackProjectFactory(status="accepted"), manager, capacity=6)
    people = [on_order(manager, f"Person{n}", f"Number{n}").id for n in range(4)]
    db.session.commit()
    session_id, manager_id = session.id, manager.id

    def allocation(person_id):
        def run():
            operations.allocate(db.session.get(PaybackSession, session_id), db.session.get(User, manager_id),
                                person_id)
        return run

    def cancel():
        operations.cancel_session(db.session.get(PaybackSession, session_id), db.session.get(User, manager_id),
                                  "Flooded")

    outcomes = race(app, [cancel] + [allocation(person_id) for person_id in people])
    assert outcomes[0] == "won"
    assert all(o == "won" or "This session is cancelled" in o for o in outcomes[1:])
    won = outcomes[1:].count("won")
    assert db.session.scalar(select(func.count()).select_from(PaybackAllocation)) == won
    # Everyone allocated before the cancellation committed was on the session when it was cancelled:
    # their case managers were told (one notification each).
    assert db.session.scalar(select(func.count()).select_from(Notification).where(
        Notification.text.contains("is cancelled"))) == won + 1  # and the supervisor
