"""The readable subject access export through the running site (gunicorn, 2 workers): each worker
serves the record as it is now, and each view of it is one audit row."""

from __future__ import annotations

from sqlalchemy import func, select

from marketplace.core.models import AuditEvent
from marketplace.extensions import db
from tests.factories import ParticipantFactory, UserFactory


def test_every_worker_serves_the_readable_export_as_the_record_is_now(served_site):
    manager = UserFactory(role="case_manager")
    person = ParticipantFactory(case_manager=manager, first_name="Marcus", readiness="not_ready")
    db.session.commit()
    browser = served_site.signed_in(manager)
    path = f"/participants/{person.id}/export/readable"
    for page in served_site.every_worker(browser, path).values():
        assert page.status_code == 200 and "Everything held about Marcus" in page.text and "Not ready" in page.text
    person.readiness = "ready"
    db.session.commit()
    pages = served_site.every_worker(browser, path)
    for page in pages.values():
        assert "Ready to work" in page.text and "Not ready" not in page.text
    viewed = db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "participant.exported", AuditEvent.subject_id == str(person.id)))
    assert viewed >= 4  # one per page served: two rounds over two workers at least
    other = served_site.signed_in(UserFactory(role="case_manager"))
    assert served_site.get(other, path).status_code == 404
