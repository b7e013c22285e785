"""The demo world: mentor profiles (some DBS checks out of date) and requests in every state, some
of them waiting to be escalated by `flask reminders send`."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from marketplace.core import clock
from marketplace.extensions import db
from marketplace.gatemate.models import GatemateRequest, MentorProfile, RequestEvent, Status


def test_the_demo_has_profiles_and_requests_in_every_state(app):
    result = app.test_cli_runner().invoke(args=["seed", "demo", "--seed", "11"])
    assert result.exit_code == 0, result.output
    assert "Gatemate requests" in result.output
    states = set(db.session.scalars(select(GatemateRequest.status).distinct()))
    assert states == {status.value for status in Status}
    actions = set(db.session.scalars(select(RequestEvent.action).distinct()))
    assert {"request", "accept", "assign", "hand_back", "update_release", "record_met", "record_not_met",
            "cancel", "expire"} <= actions
    profiles = db.session.scalars(select(MentorProfile)).all()
    assert any(not profile.dbs_in_date() for profile in profiles)
    assert any(profile.dbs_in_date() for profile in profiles)
    today = clock.today()
    needing_escalation = db.session.scalar(select(func.count()).select_from(GatemateRequest).where(
        GatemateRequest.status == "open", GatemateRequest.release_date >= today,
        GatemateRequest.release_date <= today + timedelta(days=7)))
    assert needing_escalation >= 2
    demo_mentor_requests = db.session.scalars(select(GatemateRequest).join(
        GatemateRequest.mentor).where(GatemateRequest.status == "accepted")).all()
    assert any(r.mentor.email == "mentor@fairchance.example" for r in demo_mentor_requests)
    assert all(r.mentor_id is not None for r in demo_mentor_requests)
    reminders = app.test_cli_runner().invoke(args=["reminders", "send"])
    assert "no mentor 7 days before release: 0" not in reminders.output


def test_the_demo_requests_are_the_same_for_the_same_seed(app):
    from tests.conftest import empty_all_tables

    def requests_made():
        assert app.test_cli_runner().invoke(args=["seed", "demo", "--seed", "5"]).exit_code == 0
        return db.session.execute(select(GatemateRequest.prison, GatemateRequest.release_date, GatemateRequest.status,
                                         GatemateRequest.note).order_by(GatemateRequest.id)).all()

    # The same day for both: the demo's dates follow today, and a run across midnight failed here.
    clock.fix(clock.now())
    first = requests_made()
    db.session.remove()
    empty_all_tables()
    assert requests_made() == first and len(first) > 20


def test_each_demo_request_was_made_with_consent_given_before_and_its_history_has_happened(app):
    """The request page says when the person agreed to share with mentors: never after it was made. And
    nothing on it is dated in the future (the demo mentor's moved release read "Updated 8 December" on 6
    December, and hid a release-day message the case manager had just sent)."""
    assert app.test_cli_runner().invoke(args=["seed", "demo", "--seed", "11"]).exit_code == 0
    now = clock.now()
    assert db.session.scalars(select(RequestEvent).where(RequestEvent.at > now)).all() == []
    assert db.session.scalars(select(GatemateRequest).where(GatemateRequest.created_at > now)).all() == []
    requests = db.session.scalars(select(GatemateRequest)).all()
    assert len(requests) > 20
    assert [r.id for r in requests if r.consent_given_on is None or r.consent_given_on > r.created_at.date()] == []
    live = [r for r in requests if r.status in ("awaiting_signoff", "open", "accepted")]
    assert live and all(r.participant.may_share_with_mentors() for r in live)
    assert all(r.participant.consent.given_on <= r.created_at.date() for r in live)
