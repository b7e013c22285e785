"""A plain-text thread between the two sides of a referral, and notifications to whoever must act
next (in the service and by email), never to the person who took the step."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from marketplace.core.exceptions import Refused
from marketplace.core.models import Notification, OutboxMessage
from marketplace.core.roles import EMPLOYING_ROLES, Role
from marketplace.extensions import db
from marketplace.referrals import operations
from marketplace.referrals.models import ENDED, ReferralMessage
from marketplace.referrals.workflow import TRANSITIONS
from tests.factories import UserFactory
from tests.helpers import sign_in_client
from tests.referrals.test_workflow import in_state, take


def told(user) -> list[str]:
    return list(db.session.scalars(select(Notification.text).where(Notification.user_id == user.id)))


def emailed(user) -> list[str]:
    return list(db.session.scalars(select(OutboxMessage.subject).where(OutboxMessage.to_address == user.email)))


# Messages ------------------------------------------------------------------------------------------

def test_the_thread_goes_both_ways_and_tells_the_other_side(make_parties):
    parties = make_parties("acknowledged")
    colleague = UserFactory(role="employer", organisation=parties.employer.organisation)
    operations.post_message(parties.referral, parties.case_manager, "Is Tuesday possible for the interview?")
    operations.post_message(parties.referral, parties.employer, "Yes: 10:30 at the depot.")
    db.session.commit()
    assert [m.body for m in parties.referral.messages] == ["Is Tuesday possible for the interview?",
                                                          "Yes: 10:30 at the depot."]
    assert [m.author_id for m in parties.referral.messages] == [parties.case_manager.id, parties.employer.id]
    # The case manager's message went to the employer's staff; the reply to the case manager.
    for user in (parties.employer, colleague):
        assert [t for t in told(user) if t.startswith("New message")]
    assert [t for t in told(parties.case_manager) if t.startswith("New message")]
    assert "New message about a referral" in emailed(parties.case_manager)


@pytest.mark.parametrize(("body", "error"), [("", "Write a message"), ("   \n ", "Write a message"),
                                             ("x" * 3001, "3,000 characters or fewer")])
def test_empty_or_long_messages_are_refused(make_parties, body, error):
    parties = make_parties("submitted")
    with pytest.raises(Refused, match=error):
        operations.post_message(parties.referral, parties.case_manager, body)


@pytest.mark.parametrize("role", ["employer", "case_manager", "admin"])
def test_only_the_two_sides_can_write(make_parties, role):
    parties = make_parties("submitted")
    with pytest.raises(Refused):
        operations.post_message(parties.referral, UserFactory(role=role), "Hello")


def test_messages_are_plain_text_on_the_page(make_parties, client):
    parties = make_parties("submitted")
    sign_in_client(client, parties.employer)
    response = client.post_form(f"/referrals/{parties.referral.id}/messages",
                                {"body": "<script>alert(1)</script> Thanks, <b>see you</b>"})
    assert response.status_code == 302
    page = client.get(f"/referrals/{parties.referral.id}").get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Thanks, &lt;b&gt;see you&lt;/b&gt;" in page
    assert "<script>alert(1)" not in page
    # An empty message shows the GOV.UK error summary.
    response = client.post_form(f"/referrals/{parties.referral.id}/messages", {"body": ""})
    assert response.status_code == 400
    assert "govuk-error-summary" in response.get_data(as_text=True)
    assert db.session.scalar(select(db.func.count()).select_from(ReferralMessage)) == 1


# Who is told after each step ---------------------------------------------------------------------------

STEPS = [(str(state), action, str(to), sorted(str(r) for r in roles)[0])
         for (state, action), (to, roles) in TRANSITIONS.items()]


@pytest.mark.parametrize(("state", "action", "to", "role"), STEPS, ids=[f"{s}-{a}" for s, a, _t, _r in STEPS])
def test_after_each_step_whoever_acts_next_is_told(make_parties, state, action, to, role):
    parties = in_state(make_parties, state, action)
    actor = parties.actor(role)
    colleague = UserFactory(role="employer", organisation=parties.employer.organisation)
    before = {u.id: len(told(u)) for u in (parties.case_manager, parties.employer, colleague)}
    take(parties, action, actor)
    db.session.commit()
    next_roles = operations.next_roles(to, parties.referral.opportunity.is_paid_work)
    ended = to in ENDED
    employer_told = bool(next_roles & EMPLOYING_ROLES) or ended
    provider_told = Role.CASE_MANAGER in next_roles or ended
    for user, expected in ((parties.case_manager, provider_told), (parties.employer, employer_told),
                           (colleague, employer_told)):
        if user.id == actor.id:
            expected = False  # nobody is told about their own step
        new = told(user)[before[user.id]:]
        assert bool([t for t in new if parties.referral.shared_name in t and "filled" not in t]) is expected, \
            (user.role, new)


def test_who_acts_next_follows_the_journey():
    assert operations.next_roles("submitted") == {Role.EMPLOYER, Role.SOCIAL_ENTERPRISE}
    assert operations.next_roles("interview_offered") == {Role.CASE_MANAGER}
    assert operations.next_roles("interview_booked") == {Role.EMPLOYER, Role.SOCIAL_ENTERPRISE}
    assert operations.next_roles("offer_made") == {Role.CASE_MANAGER}
    assert operations.next_roles("started", paid_work=True) == {Role.CASE_MANAGER}
    # A course's organisation records its completion; a job's employer has nothing to do after the start.
    assert operations.next_roles("started", paid_work=False) == {Role.CASE_MANAGER, Role.EMPLOYER,
                                                                 Role.SOCIAL_ENTERPRISE}
    assert operations.next_roles("sustained_26") == set()


def test_the_notification_list_shows_an_unread_count(make_parties, client):
    parties = make_parties("draft", submitted_at=None)
    operations.submit_referral(parties.referral, parties.case_manager)
    db.session.commit()
    sign_in_client(client, parties.employer)
    home = client.get("/home").get_data(as_text=True)
    assert '<span class="fcw-count">1<span class="govuk-visually-hidden"> unread' in home
    notifications = client.get("/notifications").get_data(as_text=True)
    assert f"New referral: {parties.referral.shared_name}" in notifications
    assert "A referral needs your attention" in emailed(parties.employer)
    assert told(parties.case_manager) == []


def test_a_withdrawn_draft_never_reaches_the_employer(make_parties, client):
    parties = make_parties("draft", submitted_at=None)
    operations.take_step(parties.referral, "withdraw", parties.case_manager,
                         operations.StepDetails(reason_code="not_interested"))
    db.session.commit()
    assert told(parties.employer) == []
    sign_in_client(client, parties.employer)
    assert client.get(f"/referrals/{parties.referral.id}").status_code == 404
    assert parties.referral.shared_name not in client.get("/referrals/inbox?view=all").get_data(as_text=True)
