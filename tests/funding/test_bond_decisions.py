"""Fidelity bonds are decided: a funding manager of the person's provider records that a bond is
arranged, or declines it with a coded reason; the employer may withdraw it while it waits. Each step
goes through the workflow table (funding/workflow.py BONDS) with who and when, into the bond's history
and the audit log, and is shown with the job."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from marketplace.core.exceptions import Refused
from marketplace.core.models import AuditEvent, Notification
from marketplace.core.workflow import NotAllowed
from marketplace.extensions import db
from marketplace.funding import operations
from marketplace.funding.models import FidelityBond
from marketplace.funding.workflow import BOND_TRANSITIONS, BONDS
from tests.factories import ReferralFactory, UserFactory
from tests.helpers import error_summary, sign_in_client


@pytest.fixture
def asked(app):
    """A bond the employer asked for with an offer, and a funding manager of the person's provider."""
    referral = ReferralFactory(status="offer_made")
    employer = UserFactory(role="employer", organisation=referral.employer)
    manager = UserFactory(role="funding_manager", organisation=referral.participant.organisation)
    bond = operations.ask_for_bond(referral, employer, operations.Bond(provider="Unlock Bonds CIC",
                                                                       cover_pence=500_000, months="6"))
    db.session.commit()
    return bond, employer, manager


def audit_actions(referral) -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).where(
        AuditEvent.subject_type == "referrals", AuditEvent.subject_id == str(referral.id))
        .order_by(AuditEvent.id)))


@pytest.mark.parametrize(("state", "action"), sorted(BOND_TRANSITIONS))
def test_the_table_is_what_the_workflow_applies(state, action):
    to, roles = BOND_TRANSITIONS[(state, action)]
    for role in roles:
        assert BONDS.step(state, action, role) == str(to)


def test_arranged_with_who_and_when_history_audit_and_both_sides_told(asked):
    bond, employer, manager = asked
    assert [n.link for n in db.session.scalars(select(Notification).where(Notification.user_id == manager.id))] == [
        f"/funding/bonds/{bond.id}/decide"]
    operations.decide_bond(bond, manager, "arrange", note="Confirmed by phone")
    db.session.commit()
    assert (bond.status, bond.decided_by_id, bond.reason_code) == ("arranged", manager.id, "")
    assert bond.decided_at is not None
    assert [(e.action, e.from_status, e.to_status, e.actor_id) for e in bond.events] == [
        ("ask", "asked", "asked", employer.id), ("arrange", "asked", "arranged", manager.id)]
    assert audit_actions(bond.referral) == ["funding.bond_asked", "funding.bond_arranged"]
    for person in (employer, bond.referral.case_manager):
        assert any("arranged" in n.text for n in db.session.scalars(
            select(Notification).where(Notification.user_id == person.id)))


def test_declined_with_a_coded_reason_and_every_problem_at_once(asked):
    bond, _employer, manager = asked
    with pytest.raises(Refused) as refused:
        operations.check_bond_decision(bond, manager, "decline", "other", "x" * 3001)
    assert [field for field, _ in refused.value.problems] == ["note"]
    with pytest.raises(Refused) as refused:
        operations.check_bond_decision(bond, manager, "decline", "", "")
    assert refused.value.problems == [("reason_code", "Choose the reason for declining")]
    operations.decide_bond(bond, manager, "decline", reason_code="cover_refused")
    db.session.commit()
    assert (bond.status, bond.reason_code, bond.reason_label) == (
        "declined", "cover_refused", "The bond provider would not give this cover or period")
    with pytest.raises(NotAllowed):
        operations.decide_bond(bond, manager, "arrange")


def test_only_the_persons_provider_decides_and_only_the_employer_withdraws(asked):
    bond, employer, manager = asked
    stranger = UserFactory(role="funding_manager")
    with pytest.raises(NotAllowed):
        operations.decide_bond(bond, stranger, "arrange")
    with pytest.raises(NotAllowed):
        operations.withdraw_bond(bond, manager)
    other_employer = UserFactory(role="employer")
    with pytest.raises(NotAllowed):
        operations.withdraw_bond(bond, other_employer)
    operations.withdraw_bond(bond, employer, "Filled the post another way")
    db.session.commit()
    assert bond.status == "withdrawn" and bond.events[-1].note == "Filled the post another way"
    assert audit_actions(bond.referral)[-1] == "funding.bond_withdrawn"
    with pytest.raises(NotAllowed):
        operations.decide_bond(bond, manager, "arrange")


def test_whoever_asked_cannot_decide_four_eyes(asked):
    bond, employer, _manager = asked
    with pytest.raises(NotAllowed, match="someone else must decide"):
        BONDS._check_rules(bond, "arrange", employer)


def test_the_decision_page_lists_every_error_keeps_the_note_and_shows_on_the_job(client, asked):
    bond, employer, manager = asked
    sign_in_client(client, manager)
    page = client.get("/funding/").get_data(as_text=True)
    assert "Fidelity bonds waiting for a decision" in page and f"/funding/bonds/{bond.id}/decide" in page
    assert client.get(f"/funding/bonds/{bond.id}/decide").status_code == 200
    assert "funding.bond_viewed" in audit_actions(bond.referral)
    bad = client.post_form(f"/funding/bonds/{bond.id}/decide", {"decision": "decline", "reason_code": "other",
                                                                "note": "   "})
    assert bad.status_code == 400
    assert list(error_summary(bad.get_data(as_text=True))) == ["Say why in the note"]
    bad = client.post_form(f"/funding/bonds/{bond.id}/decide", {"decision": "", "note": "y" * 3001})
    assert list(error_summary(bad.get_data(as_text=True))) == [
        "Choose whether the bond is arranged or declined", "Field cannot be longer than 3000 characters."]
    kept = client.post_form(f"/funding/bonds/{bond.id}/decide", {"decision": "decline", "note": "Kept words"})
    assert "Kept words" in kept.get_data(as_text=True)
    done = client.post_form(f"/funding/bonds/{bond.id}/decide", {"decision": "decline", "reason_code": "job_ended",
                                                                 "note": "Offer withdrawn"})
    assert done.status_code == 302
    assert client.get(f"/funding/bonds/{bond.id}/decide").status_code == 302  # nothing left to decide
    sign_in_client(client, employer)
    page = client.get(f"/referrals/{bond.referral_id}").get_data(as_text=True)
    assert "Declined" in page and "Reason: The job offer ended" in page and manager.full_name in page
    assert "Withdraw the request for a bond" not in page


def test_the_employer_withdraws_from_the_referral_page(client, asked):
    bond, employer, _manager = asked
    sign_in_client(client, employer)
    page = client.get(f"/referrals/{bond.referral_id}").get_data(as_text=True)
    assert "Asked for, waiting for a decision" in page and f"/funding/bonds/{bond.id}/withdraw" in page
    response = client.post_form(f"/funding/bonds/{bond.id}/withdraw", {"note": "No longer needed"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(FidelityBond, bond.id).status == "withdrawn"
    page = client.get(f"/referrals/{bond.referral_id}").get_data(as_text=True)
    assert "Withdrawn by the employer" in page and "No longer needed" in page
