"""Two mentors, through gunicorn with 2 workers: after the first mentor accepts on one worker, every
worker's board shows the request to other mentors as "1 of 2 mentors found", and the second mentor's
accept (served too) fills it."""

from __future__ import annotations

from marketplace.extensions import db
from marketplace.gatemate.models import GatemateRequest


def test_after_the_first_accept_every_worker_shows_one_of_two(served_site, make_mentor, make_request):
    request = make_request(two_mentors=True, person_first_name="Lee")
    first, second = make_mentor(prisons=["HMP Liverpool"]), make_mentor(prisons=["HMP Liverpool"])
    request_id = request.id
    db.session.commit()

    first_browser = served_site.signed_in(first)
    answer = served_site.post_form(first_browser, f"/gatemate/requests/{request_id}/accept",
                                   allow_redirects=False)
    assert answer.status_code == 302

    second_browser = served_site.signed_in(second)
    for pid, page in served_site.every_worker(second_browser, "/gatemate/board").items():
        assert page.status_code == 200, pid
        assert "1 of 2 mentors found" in page.text, pid
        assert f"/gatemate/requests/{request_id}/accept" in page.text, pid
    for pid, page in served_site.every_worker(first_browser, "/gatemate/board").items():
        assert "You have already accepted this request" in page.text, pid

    answer = served_site.post_form(second_browser, f"/gatemate/requests/{request_id}/accept",
                                   allow_redirects=False)
    assert answer.status_code == 302
    db.session.expire_all()
    request = db.session.get(GatemateRequest, request_id)
    assert (request.status, request.mentor_ids) == ("accepted", [first.id, second.id])
    for pid, page in served_site.every_worker(second_browser, "/gatemate/board").items():
        assert f"/gatemate/requests/{request_id}/accept" not in page.text, pid
