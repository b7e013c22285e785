"""Through the running site (gunicorn, 2 workers): a work session added, changed and then cancelled on
one worker is served as it now is by every worker, on the project's list of sessions and on the
session's own page, and the person's case manager sees the cancellation from every worker."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from marketplace.core import clock
from marketplace.core.filters import govuk_date
from marketplace.extensions import db
from marketplace.payback.models import PaybackOrder, PaybackSession
from tests.factories import ParticipantFactory, PaybackProjectFactory, UserFactory


def date_fields(day: date) -> dict:
    return {"day": [str(day.day), str(day.month), str(day.year)]}


def test_a_session_added_changed_and_cancelled_on_one_worker_reads_the_same_on_every_worker(served_site):
    manager = UserFactory(role="payback_manager")
    project = PaybackProjectFactory(status="accepted", title="Canal towpath clear-up")
    case_manager = UserFactory(role="case_manager", organisation=manager.organisation)
    person = ParticipantFactory(first_name="Robin", last_name="Okafor", location="community", prison=None,
                                release_date=None, case_manager=case_manager)
    db.session.add(PaybackOrder(participant_id=person.id, hours_ordered=60, made_on=date(2026, 1, 5),
                                recorded_by_id=manager.id))
    db.session.commit()
    first, moved = clock.today() + timedelta(days=3), clock.today() + timedelta(days=4)
    browser = served_site.signed_in(manager)
    listing = f"/community-payback/nominations/{project.id}/sessions"

    added = served_site.post_form(browser, listing, {
        "csrf_token": served_site.csrf_token(browser, listing), **date_fields(first), "starts_at": "09:00",
        "ends_at": "15:00", "place": "The towpath gate", "supervisor_id": str(manager.id), "capacity": "3"},
        allow_redirects=False)
    assert added.status_code == 302, added.text[-2000:]
    session_id = db.session.scalar(select(PaybackSession.id).where(PaybackSession.project_id == project.id))
    page = f"/community-payback/sessions/{session_id}"
    for answer in served_site.every_worker(browser, listing).values():
        assert govuk_date(first) in answer.text and "3 of 3" in answer.text
    allocated = served_site.post_form(browser, f"{page}/allocate", {
        "csrf_token": served_site.csrf_token(browser, page), "participant_id": str(person.id)}, allow_redirects=False)
    assert allocated.status_code == 302

    change = f"{page}/change"
    changed = served_site.post_form(browser, change, {
        "csrf_token": served_site.csrf_token(browser, change), **date_fields(moved), "starts_at": "10:00",
        "ends_at": "16:00", "place": "The lock gate", "supervisor_id": str(manager.id), "capacity": "2"},
        allow_redirects=False)
    assert changed.status_code == 302, changed.text[-2000:]
    pages = served_site.every_worker(browser, page)
    assert len(pages) == 2
    for answer in pages.values():
        assert f"Session on {govuk_date(moved)}" in answer.text and "10:00 to 16:00" in answer.text
        assert "The lock gate" in answer.text and "1 taken of 2 (1 left)" in answer.text
    # Fewer places than people is refused on whichever worker answers.
    too_few = served_site.post_form(browser, change, {
        "csrf_token": served_site.csrf_token(browser, change), **date_fields(moved), "starts_at": "10:00",
        "ends_at": "16:00", "place": "The lock gate", "supervisor_id": str(manager.id), "capacity": "0"})
    assert too_few.status_code == 400
    assert "1 person is already allocated: the places cannot be fewer than 1" in too_few.text

    cancel = f"{page}/cancel"
    cancelled = served_site.post_form(browser, cancel, {
        "csrf_token": served_site.csrf_token(browser, cancel), "reason": "The towpath is flooded"},
        allow_redirects=False)
    assert cancelled.status_code == 302
    for path in (page, listing):
        pages = served_site.every_worker(browser, path)
        assert len(pages) == 2
        assert all("Cancelled" in answer.text for answer in pages.values()), path
    for answer in served_site.every_worker(browser, page).values():
        assert "The towpath is flooded" in answer.text and "Allocate someone" not in answer.text
        assert "Change the session" not in answer.text

    reader = served_site.signed_in(case_manager)
    for answer in served_site.every_worker(reader, "/notifications").values():
        assert "is cancelled: The towpath is flooded" in answer.text
