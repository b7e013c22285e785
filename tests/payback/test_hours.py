"""Hours that build skills: a person's order, attendance with outcome codes, the ETE share capped and
rounded down, and the road from payback to paid work."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from marketplace.core import clock
from marketplace.core.models import AuditEvent, Notification
from marketplace.core.roles import Role
from marketplace.extensions import db
from marketplace.payback.models import PaybackHours, PaybackOrder
from tests.factories import OpportunityFactory, ParticipantFactory, PaybackProjectFactory, UserFactory
from tests.helpers import race

NOW = datetime(2027, 3, 10, 12, 0, tzinfo=UTC)


@pytest.fixture
def manager(login_as):
    clock.fix(NOW)
    return login_as(Role.PAYBACK_MANAGER)


@pytest.fixture
def person(manager):
    case_manager = UserFactory(role="case_manager", organisation=manager.organisation)
    participant = ParticipantFactory(case_manager=case_manager, location="community", release_region="North West")
    db.session.add(PaybackOrder(participant_id=participant.id, hours_ordered=75, ete_cap_percent=30,
                                made_on=date(2027, 1, 4), recorded_by_id=manager.id))
    db.session.commit()
    return participant


@pytest.fixture
def project(manager):
    return PaybackProjectFactory(title="Paint the scout hut", status="accepted")


def hours_post(client, person, **fields):
    data = {"worked_on": ["6", "3", "2027"], "kind": "work", "outcome": "acceptable", "minutes": "6",
            "skills": ["teamwork", "construction"], **fields}
    return client.post_form(f"/community-payback/people/{person.id}/hours", data)


def test_hours_on_a_project_count_toward_the_order_and_show_on_the_record(client, person, project):
    response = hours_post(client, person, project_id=str(project.id))
    assert response.status_code == 302

    page = client.get(f"/community-payback/people/{person.id}").get_data(as_text=True)
    assert "Paint the scout hut" in page and "Painting, decorating and building" in page
    order = db.session.scalar(select(PaybackOrder))
    assert (order.minutes_done, order.minutes_left, order.ete_cap_hours) == (360, 75 * 60 - 360, 22)
    assert db.session.scalar(select(AuditEvent.action).where(AuditEvent.action == "payback.person_viewed"))


def test_ete_past_its_share_is_recorded_but_does_not_count_and_every_problem_is_listed(client, person, project):
    assert hours_post(client, person, kind="ete", activity="Forklift course", minutes="10").status_code == 302
    assert hours_post(client, person, kind="ete", activity="Forklift course", minutes="10").status_code == 302
    page = hours_post(client, person, kind="ete", activity="", minutes="2.5",
                      worked_on=["11", "3", "2027"], skills=["nonsense"])
    text = page.get_data(as_text=True)
    assert page.status_code == 400
    assert "Say what the ETE activity was" in text and "The day cannot be in the future" in text
    assert db.session.scalar(select(func.count()).select_from(PaybackHours)) == 2
    # 75 hours x 30% = 22.5, rounded down to 22: 20 used, 2 left; 2.5 attended, 2 count.
    assert hours_post(client, person, kind="ete", activity="CV workshop", minutes="2.5").status_code == 302
    order = db.session.scalar(select(PaybackOrder))
    db.session.refresh(order)
    assert (order.ete_minutes, order.ete_attended_minutes, order.ete_minutes_left) == (22 * 60, 22.5 * 60, 0)
    assert order.minutes_done == 22 * 60
    text = client.get(f"/community-payback/people/{person.id}").get_data(as_text=True)
    assert "0.5 more attended past the cap that do not count" in text
    assert "2.5 ETE, 2 count" in text


def test_an_absence_credits_nothing_and_work_needs_an_accepted_project(client, person, project):
    declined = PaybackProjectFactory(status="declined")
    text = hours_post(client, person, outcome="absent_unacceptable", minutes="3",
                      project_id=str(declined.id)).get_data(as_text=True)
    assert "An absence credits no hours" in text and "Choose the project the work was on" in text
    assert hours_post(client, person, outcome="absent_unacceptable", minutes="0", skills=[],
                      project_id=str(project.id)).status_code == 302


def test_hours_cannot_go_past_what_was_ordered(client, person, project):
    order = db.session.scalar(select(PaybackOrder))
    db.session.add(PaybackHours(participant_id=person.id, project_id=project.id, kind="work",
                                worked_on=date(2027, 2, 1), minutes=73 * 60, outcome="acceptable", skills=[]))
    db.session.commit()
    text = hours_post(client, person, project_id=str(project.id), minutes="3").get_data(as_text=True)
    assert "Only 2 hours are left on the order" in text
    assert order.id


def test_two_supervisors_recording_at_once_cannot_pass_the_order(app, person, project, manager):
    from marketplace.participants.models import Participant
    from marketplace.payback import operations

    db.session.add(PaybackHours(participant_id=person.id, project_id=project.id, kind="work",
                                worked_on=date(2027, 2, 1), minutes=70 * 60, outcome="acceptable", skills=[]))
    db.session.commit()
    ids = (person.id, manager.id, project.id)

    def attempt():
        from marketplace.accounts.models import User

        participant = db.session.get(Participant, ids[0])
        operations.record_hours(participant, db.session.get(User, ids[1]), operations.HoursDetails(
            kind="work", worked_on=date(2027, 3, 6), minutes=180, outcome="acceptable", project_id=ids[2]))

    outcomes = race(app, [attempt] * 3)
    assert outcomes.count("won") == 1  # 5 hours were left: one 3-hour day fits, a second does not
    assert db.session.scalar(select(func.sum(PaybackHours.minutes))) == 73 * 60


def test_another_providers_person_is_not_found(client, manager):
    stranger = ParticipantFactory(location="community")
    db.session.commit()
    assert client.get(f"/community-payback/people/{stranger.id}").status_code == 404
    assert client.post_form(f"/community-payback/people/{stranger.id}/order",
                            {"hours_ordered": "100"}).status_code == 404


def test_the_order_is_validated_all_at_once(client, manager):
    fresh = ParticipantFactory(case_manager=UserFactory(role="case_manager", organisation=manager.organisation),
                               location="community")
    db.session.commit()
    text = client.post_form(f"/community-payback/people/{fresh.id}/order", {
        "hours_ordered": "500", "made_on": ["1", "4", "2027"]}).get_data(as_text=True)
    for message in ("Hours ordered must be from 40 to 300", "The order cannot be made in the future"):
        assert message in text
    assert client.post_form(f"/community-payback/people/{fresh.id}/order", {
        "hours_ordered": "120", "made_on": ["1", "3", "2027"]}).status_code == 302
    assert db.session.scalar(select(PaybackOrder.hours_ordered).where(PaybackOrder.participant_id == fresh.id)) == 120


def test_the_road_to_work_suggests_paid_work_to_the_case_manager(client, person, manager):
    employer = UserFactory(role="employer")
    job = OpportunityFactory(organisation=employer.organisation, kind="vacancy", title="Painter and decorator",
                             region="North West", status="open", rolling=True)
    course = OpportunityFactory(organisation=employer.organisation, kind="training", title="Painting course",
                                region="North West", status="open", rolling=True, paid=False, pay_from=None,
                                pays_minimum_wage=False, is_training=True, contract_type="",
                                qualification_subject="construction", qualification_level="1")
    db.session.commit()

    page = client.get(f"/community-payback/people/{person.id}").get_data(as_text=True)
    assert "Painter and decorator" in page and "Painting course" not in page

    assert client.post_form(f"/community-payback/people/{person.id}/suggest/{job.id}").status_code == 302
    note = db.session.scalar(select(Notification))
    assert note.user_id == person.case_manager_id and "Painter and decorator" in note.text
    assert note.link == f"/referrals/new?participant={person.id}&opportunity={job.id}"
    client.post_form(f"/community-payback/people/{person.id}/suggest/{course.id}")
    assert db.session.scalar(select(func.count()).select_from(Notification)) == 1
