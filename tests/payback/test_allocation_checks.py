"""Allocating someone to a session (outside test, finding 8): a person with fewer hours left than
the session lasts is allocated with a warning, not refused, since the last hours of an order seldom fill
a whole session and a refusal would leave them no session to finish on; they finish part way through
and their attendance is offered at what is left. A person already on the session is told so by name,
also when two browsers allocate them at the same moment. The case manager's notice names the project
and the town."""

from __future__ import annotations

from datetime import date, time

from sqlalchemy import func, select

from marketplace.core import clock
from marketplace.core.models import Notification
from marketplace.extensions import db
from marketplace.payback import operations
from marketplace.payback.models import PaybackAllocation, PaybackHours, PaybackSession
from tests.factories import PaybackProjectFactory, UserFactory
from tests.helpers import race
from tests.payback.test_sessions import NOW, a_session, manager, on_order  # noqa: F401 (fixture)


def paula_with_six_hours_left(manager):  # noqa: F811
    paula = on_order(manager, "Paula", "Chambers", hours=40)
    db.session.flush()
    for day in (11, 18, 25):  # 34 hours done of 40
        db.session.add(PaybackHours(participant_id=paula.id, kind="work", worked_on=date(2027, 1, day),
                                    minutes=680, outcome="acceptable", skills=[], recorded_by_id=manager.id))
    return paula


def ewood(manager):  # noqa: F811
    project = PaybackProjectFactory(title="Build raised beds at Ewood allotments", town="Blackburn",
                                    status="accepted")
    session = a_session(project, manager, capacity=4, day=date(2027, 3, 10))  # today: attendance can be recorded
    session.starts_at, session.ends_at, session.place = time(9, 0), time(15, 30), "Park gate on Grange Road"
    return session


def allocate(client, session, person):
    return client.post_form(f"/community-payback/sessions/{session.id}/allocate", {"participant_id": str(person.id)})


def test_fewer_hours_left_than_the_session_is_allocated_with_a_warning_and_the_finish_time(client, manager):  # noqa: F811
    session, paula = ewood(manager), paula_with_six_hours_left(manager)
    db.session.commit()

    response = allocate(client, session, paula)
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert ("Paula Chambers has only 6 hours left on their order, less than this session&#39;s 6.5 hours: they finish "
            "their order at 15:00 and leave then. Record 6 hours for them.") in page
    told = db.session.scalar(select(Notification).where(Notification.user_id == paula.case_manager_id))
    assert told.text == ("Paula Chambers is on Community Payback on 10 March 2027, 09:00 to 15:30, at Park gate on "
                         "Grange Road: 'Build raised beds at Ewood allotments' in Blackburn. Only 6 hours are left "
                         "on their order, so they finish it at 15:00")

    # The attendance form offers what is left, not the session's 6.5 hours.
    page = client.get(f"/community-payback/sessions/{session.id}").get_data(as_text=True)
    allocation_id = db.session.scalar(select(PaybackAllocation.id))
    assert f'id="a{allocation_id}-minutes" name="a{allocation_id}-minutes" type="text" value="6"' in page


def test_a_person_with_the_session_hours_left_gets_no_warning_and_the_notice_names_the_place(client, manager):  # noqa: F811
    session = ewood(manager)
    robin = on_order(manager)
    db.session.commit()
    page = client.get(allocate(client, session, robin).headers["Location"]).get_data(as_text=True)
    assert "left on their order" not in page
    told = db.session.scalar(select(Notification.text).where(Notification.user_id == robin.case_manager_id))
    assert told.endswith("at Park gate on Grange Road: 'Build raised beds at Ewood allotments' in Blackburn")


def test_allocating_someone_twice_names_them_in_the_error_summary(client, manager):  # noqa: F811
    session, paula = ewood(manager), paula_with_six_hours_left(manager)
    db.session.commit()
    assert allocate(client, session, paula).status_code == 302

    page = allocate(client, session, paula)  # the second browser, its page loaded before the first allocated
    text = page.get_data(as_text=True)
    assert page.status_code == 400 and "govuk-error-summary" in text
    assert "Paula Chambers is already on this session" in text
    assert "Choose someone on your caseload" not in text
    assert db.session.scalar(select(PaybackSession.places_taken)) == 1


def test_the_unique_constraint_caught_in_a_race_says_the_same(client, manager, monkeypatch):  # noqa: F811
    """Two requests that both read the session before either allocated: the later one's insert breaks
    the unique constraint, and the IntegrityError reads as the same message (and frees the place)."""
    session, paula = ewood(manager), paula_with_six_hours_left(manager)
    db.session.commit()
    assert allocate(client, session, paula).status_code == 302
    stale, paula_id = operations.allocatable_people, paula.id

    def as_read_before_the_other_request(session, manager):
        from marketplace.participants.models import Participant

        return [db.session.get(Participant, paula_id)] + [
            person for person in stale(session, manager) if person.id != paula_id]

    monkeypatch.setattr(operations, "allocatable_people", as_read_before_the_other_request)
    page = allocate(client, session, paula)
    assert page.status_code == 400
    assert "Paula Chambers is already on this session" in page.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.scalar(select(PaybackSession.places_taken)) == 1
    assert db.session.scalar(select(func.count()).select_from(PaybackAllocation)) == 1


def test_two_browsers_at_the_same_moment_allocate_once(app):
    clock.fix(NOW)
    manager = UserFactory(role="payback_manager")  # noqa: F811
    session, paula = ewood(manager), paula_with_six_hours_left(manager)
    db.session.commit()
    session_id, manager_id, paula_id = session.id, manager.id, paula.id

    def attempt():
        from marketplace.accounts.models import User

        operations.allocate(db.session.get(PaybackSession, session_id), db.session.get(User, manager_id), paula_id)

    outcomes = race(app, [attempt, attempt])
    assert sorted(outcomes) == ["refused: Paula Chambers is already on this session", "won"]
    assert db.session.scalar(select(PaybackSession.places_taken).where(PaybackSession.id == session_id)) == 1
