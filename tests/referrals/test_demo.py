"""The demo referrals: every state of the workflow for the demo organisations, timelines the
workflow table could have written, an overdue guarantee, checks due, messages and a release-day
prompt; the demo logins see them."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from marketplace.accounts.models import User
from marketplace.core import clock
from marketplace.extensions import db
from marketplace.referrals.models import Referral, Status
from marketplace.referrals.operations import near_release
from marketplace.referrals.workflow import TRANSITIONS
from tests.helpers import sign_in_client


def test_demo_referrals(app, client):
    result = app.test_cli_runner().invoke(args=["seed", "demo", "--seed", "2026"])
    assert result.exit_code == 0, result.output
    assert "referrals in 21 of 21 states" in result.output
    referrals = db.session.scalars(select(Referral)).all()
    manager = db.session.scalar(select(User).where(User.email == "case.manager@fairchance.example"))
    employer = db.session.scalar(select(User).where(User.email == "employer@fairchance.example"))
    demo = [r for r in referrals if r.provider_organisation_id == manager.organisation_id]
    assert {str(r.status) for r in demo} == {str(s) for s in Status}
    assert any(r.employer_organisation_id == employer.organisation_id for r in demo)
    now, today = clock.now(), clock.today()
    for referral in referrals:
        events = referral.events
        for event in events:
            assert TRANSITIONS[(event.from_status, event.action)][0] == event.to_status
            assert event.at <= now
        assert [e.at for e in events] == sorted(e.at for e in events)
        assert (events[-1].to_status if events else "draft") == referral.status
        assert referral.submitted_at is not None or referral.status in ("draft",)
        assert referral.opportunity.places_taken <= referral.opportunity.places
        if referral.guaranteed:  # never declined before the interview it guarantees
            assert "decline" not in [e.action for e in events]
            assert referral.submitted_at is None or referral.guarantee_due_on is not None
    assert any(r.guarantee_overdue(today) and r.employer_organisation_id == employer.organisation_id for r in demo)
    assert any(near_release(r, today) for r in demo)
    assert sum(len(r.messages) for r in demo) >= 6
    assert any(r.status == "started" and r.start_date <= today - timedelta(weeks=13) for r in demo)  # check due
    assert any(r.status == "sustained_13" and r.start_date <= today - timedelta(weeks=26) for r in demo)
    # A course's outcomes: on something that is not paid work, dated between its start and today.
    outcomes = [r for r in demo if r.status in ("completed", "qualification_gained", "moved_into_work")]
    assert {r.status for r in outcomes} == {"completed", "qualification_gained", "moved_into_work"}
    for referral in outcomes:
        assert not referral.opportunity.is_paid_work
        dates = [d for d in (referral.completed_on, referral.qualification_on, referral.moved_into_work_on) if d]
        assert dates and all(referral.start_date <= d <= today for d in dates)
    gained = next(r for r in outcomes if r.status == "qualification_gained")
    assert gained.qualification_title.startswith("Certificate in ") and gained.qualification_on <= today

    sign_in_client(client, employer)
    inbox = client.get("/referrals/inbox?view=all").get_data(as_text=True)
    assert "Guarantee overdue" in inbox
    sign_in_client(client, manager)
    mine = client.get("/referrals/?view=all&scope=organisation").get_data(as_text=True)
    assert "In work at 26 weeks" in mine and "Left the job" in mine

    sent = app.test_cli_runner().invoke(args=["reminders", "send"]).output
    assert "guaranteed interviews overdue: 0" not in sent and "referral outcome checks: 0" not in sent
    again = app.test_cli_runner().invoke(args=["reminders", "send"]).output
    for name in ("referral interview reminders", "referral outcome checks", "guaranteed interviews overdue",
                 "gate mentor prompts"):
        assert f"{name}: 0" in again
