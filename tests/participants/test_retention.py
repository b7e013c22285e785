"""`flask retention purge` erases participants closed longer than the retention period."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from marketplace.core import clock
from marketplace.core.models import AuditEvent
from marketplace.extensions import db
from marketplace.participants.models import ConsentRecord, NeedsAssessment, Participant
from tests.factories import ConsentRecordFactory, NeedsAssessmentFactory, ParticipantFactory


def count(model, *criteria):
    return db.session.scalar(select(func.count()).select_from(model).where(*criteria))


def test_purge_erases_only_cases_closed_longer_than_six_years(app):
    now = clock.now()
    old = ParticipantFactory(status="closed", closed_at=now - timedelta(days=365 * 6 + 10))
    NeedsAssessmentFactory(participant=old)
    ConsentRecordFactory(participant=old)
    recent = ParticipantFactory(status="closed", closed_at=now - timedelta(days=365 * 5))
    active = ParticipantFactory()
    old_id = old.id
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["retention", "purge"])
    assert result.exit_code == 0, result.output
    assert "Erased 1 participant whose cases closed more than 6 years ago." in result.output
    db.session.rollback()
    assert db.session.get(Participant, old_id) is None
    assert {p.id for p in db.session.scalars(select(Participant))} == {recent.id, active.id}
    assert count(NeedsAssessment) == 0 and count(ConsentRecord) == 0
    assert count(AuditEvent, AuditEvent.action == "participant.erased", AuditEvent.subject_id == str(old_id)) == 1


def test_purge_period_can_be_given(app):
    ParticipantFactory(status="closed", closed_at=clock.now() - timedelta(days=400))
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["retention", "purge", "--years", "1"])
    assert "Erased 1 participant" in result.output
