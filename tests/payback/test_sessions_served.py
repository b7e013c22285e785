"""Through the running site (gunicorn, 2 workers): payback managers allocating people to a session
at the same moment, from both workers, never fill it past its places, and every worker then shows
the same places taken."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import date, time

from sqlalchemy import func, select

from marketplace.core import clock
from marketplace.extensions import db
from marketplace.payback.models import PaybackAllocation, PaybackOrder, PaybackSession
from tests.factories import ParticipantFactory, PaybackProjectFactory, UserFactory


def test_allocations_raced_across_workers_never_pass_capacity(served_site):
    manager = UserFactory(role="payback_manager")  # North West, like the factory's projects
    project = PaybackProjectFactory(status="accepted")
    session = PaybackSession(project_id=project.id, day=clock.today(), starts_at=time(9), ends_at=time(15),
                             place="The towpath gate", supervisor_id=manager.id, capacity=3, places_taken=0)
    db.session.add(session)
    people = []
    for n in range(8):
        person = ParticipantFactory(first_name=f"Person{n}", last_name=f"Number{n}", location="community",
                                    prison=None, release_date=None,
                                    case_manager=UserFactory(role="case_manager", organisation=manager.organisation))
        db.session.add(PaybackOrder(participant_id=person.id, hours_ordered=40, made_on=date(2026, 1, 5),
                                    recorded_by_id=manager.id))
        people.append(person)
    db.session.commit()
    person_ids = [person.id for person in people]  # read here: the threads have no application context
    path = f"/community-payback/sessions/{session.id}"
    browsers = [served_site.signed_in(manager) for _ in range(2)]
    tokens = [served_site.csrf_token(browser, path) for browser in browsers]

    def allocate(n: int) -> int:
        browser, token = browsers[n % 2], tokens[n % 2]
        return served_site.post_form(browser, f"{path}/allocate", {"csrf_token": token,
                                                                   "participant_id": str(person_ids[n])},
                                     allow_redirects=False).status_code

    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(allocate, range(8)))
    db.session.rollback()

    assert sorted(answers) == [302] * 3 + [400] * 5
    assert db.session.scalar(select(PaybackSession.places_taken).where(PaybackSession.id == session.id)) == 3
    assert db.session.scalar(select(func.count()).select_from(PaybackAllocation)) == 3
    pages = served_site.every_worker(browsers[0], path)
    assert len(pages) == 2
    assert all("3 taken of 3 (0 left)" in page.text and "The session is full" in page.text
               for page in pages.values())


def test_an_allocation_made_through_the_site_is_in_the_subject_access_export_on_every_worker(served_site):
    manager = UserFactory(role="payback_manager")
    project = PaybackProjectFactory(status="accepted", title="Canal towpath clear-up")
    session = PaybackSession(project_id=project.id, day=clock.today(), starts_at=time(9), ends_at=time(15),
                             place="The lock keeper's cottage", supervisor_id=manager.id, capacity=3, places_taken=0)
    db.session.add(session)
    case_manager = UserFactory(role="case_manager", organisation=manager.organisation)
    person = ParticipantFactory(first_name="Robin", last_name="Okafor", location="community", prison=None,
                                release_date=None, case_manager=case_manager)
    db.session.add(PaybackOrder(participant_id=person.id, hours_ordered=60, made_on=date(2026, 1, 5),
                                recorded_by_id=manager.id))
    db.session.commit()
    supervisor = served_site.signed_in(manager)
    path = f"/community-payback/sessions/{session.id}"
    answer = served_site.post_form(supervisor, f"{path}/allocate", {
        "csrf_token": served_site.csrf_token(supervisor, path), "participant_id": str(person.id)},
        allow_redirects=False)
    assert answer.status_code == 302
    reader = served_site.signed_in(case_manager)
    pages = served_site.every_worker(reader, f"/participants/{person.id}/export/readable")
    assert len(pages) == 2
    for page in pages.values():
        part = page.text.split("Community Payback (unpaid work)", 1)[1]
        assert "Canal towpath clear-up" in part and "lock keeper" in part and "5 January 2026" in part
