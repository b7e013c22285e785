"""Through the running site (gunicorn, 2 workers): hours recorded through one worker show in the
Community Payback report, and its CSV, from every worker at once (each worker remembers the
suppression it worked out for figures it has seen; new figures are a new question, never a stale
answer); and the admins' list of projects across regions shows a project from every worker."""

from __future__ import annotations

import re
from datetime import timedelta

from marketplace.core import clock
from marketplace.extensions import db
from marketplace.payback import operations as payback
from tests.factories import ParticipantFactory, PaybackProjectFactory, UserFactory

HOURS_FACT = re.compile(r"<dt>Hours of unpaid work</dt><dd>([^<]*)</dd>")


def test_hours_recorded_through_one_worker_show_in_the_report_on_every_worker(served_site):
    manager = UserFactory(role="payback_manager")  # North West, like the factory's projects
    admin = UserFactory(role="admin")
    project = PaybackProjectFactory(status="accepted", title="Allotment paths")
    person = ParticipantFactory(case_manager=UserFactory(role="case_manager", organisation=manager.organisation),
                                location="community", prison=None, release_date=None)
    payback.set_order(person, manager, payback.OrderDetails(hours_ordered=40,
                                                            made_on=clock.today() - timedelta(days=10)))
    db.session.commit()
    reader, supervisor = served_site.signed_in(admin), served_site.signed_in(manager)

    before = served_site.every_worker(reader, "/reports/payback")
    assert len(before) == 2
    assert all(HOURS_FACT.search(page.text).group(1) == "0" for page in before.values())

    today = clock.today()
    answer = served_site.post_form(supervisor, f"/community-payback/people/{person.id}/hours", {
        "csrf_token": served_site.csrf_token(supervisor, f"/community-payback/people/{person.id}/hours"),
        "worked_on": [str(today.day), str(today.month), str(today.year)],
        "kind": "work", "outcome": "acceptable", "minutes": "6", "project_id": str(project.id),
        "skills": ["teamwork"]}, allow_redirects=False)
    assert answer.status_code == 302

    for viewer in (reader, supervisor):  # the admin's whole service and the manager's own region
        after = served_site.every_worker(viewer, "/reports/payback")
        assert len(after) == 2
        assert all(HOURS_FACT.search(page.text).group(1) == "6" for page in after.values())
    for page in served_site.every_worker(reader, "/reports/payback.csv?table=hours").values():
        assert any(line.startswith("North West,") and ",6," in line for line in page.text.splitlines())

    listed = served_site.every_worker(reader, "/community-payback/all-projects?region=North+West")
    assert all("Allotment paths" in page.text for page in listed.values())
