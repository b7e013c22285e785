"""Auto-accept per person and employer: only after a first message to that employer was checked and
sent, with a reason; later messages go straight to the employer through the workflow's own step, their
history naming the setting; it ends when access ends, consent is withdrawn or messages are turned off;
two case managers changing it at once leave one consistent state. And a person writes only to a
verified organisation."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from marketplace.accounts.models import User
from marketplace.alliance.models import AllianceMembership
from marketplace.campus import operations
from marketplace.campus.models import CampusAccess, CampusAutoAccept, CampusMessage, MessageStatus
from marketplace.campus.workflow import MESSAGES
from marketplace.core import clock
from marketplace.core.exceptions import Refused
from marketplace.core.workflow import NotAllowed
from marketplace.extensions import db
from marketplace.participants.operations import close_case
from marketplace.referrals.models import ReferralMessage
from tests.factories import (
    OpportunityFactory,
    OrganisationFactory,
    ParticipantFactory,
    ReferralFactory,
    UserFactory,
    campus_person,
)
from tests.helpers import race, sign_in_client, told

FIRST_SENT = "only after you have checked and sent one of their messages"


@pytest.fixture
def world():
    case_manager = UserFactory(role="case_manager", full_name="Casey Manager")
    colleague = UserFactory(role="case_manager", organisation=case_manager.organisation, full_name="Cal Colleague")
    participant = ParticipantFactory(case_manager=case_manager, first_name="Ayo")
    opportunity = OpportunityFactory(title="Groundworker")
    employer = UserFactory(role="employer", organisation=opportunity.organisation)
    referral = ReferralFactory(participant=participant, opportunity=opportunity)
    person = campus_person(participant)
    db.session.commit()
    access = db.session.scalar(select(CampusAccess))
    return {"case_manager": case_manager, "colleague": colleague, "participant": participant, "employer": employer,
            "referral": referral, "person": person, "access": access}


def _sent_once(world) -> CampusMessage:
    message = operations.write_message(world["access"], world["referral"], "When do I start?")
    operations.send_message(message, world["case_manager"])
    db.session.commit()
    return message


def test_auto_accept_is_refused_until_a_message_to_that_employer_was_sent(world):
    waiting = operations.write_message(world["access"], world["referral"], "Hello")
    with pytest.raises(Refused, match=FIRST_SENT):
        operations.turn_on_auto_accept(waiting, world["case_manager"], "Sensible messages so far")
    operations.return_message(waiting, world["case_manager"], "not_about_work", "")
    with pytest.raises(Refused, match=FIRST_SENT):  # a returned message does not count
        operations.turn_on_auto_accept(waiting, world["case_manager"], "Sensible messages so far")
    sent = _sent_once(world)
    with pytest.raises(Refused, match="Say why"):
        operations.turn_on_auto_accept(sent, world["case_manager"], "  ")
    setting = operations.turn_on_auto_accept(sent, world["case_manager"], "Sensible messages so far")
    assert (setting.set_by_id, setting.set_reason, setting.is_on) == (world["case_manager"].id,
                                                                      "Sensible messages so far", True)
    with pytest.raises(Refused, match="already on"):
        operations.turn_on_auto_accept(sent, world["colleague"], "Again")
    with pytest.raises(Refused, match="Only a case manager"):
        operations.turn_on_auto_accept(sent, UserFactory(role="case_manager"), "Not mine")


def test_a_later_message_goes_straight_to_the_employer_through_the_table(world):
    sent = _sent_once(world)
    setting = operations.turn_on_auto_accept(sent, world["case_manager"], "Sensible messages so far")
    db.session.commit()
    later = operations.write_message(world["access"], world["referral"], "Can I bring my boots?")
    db.session.commit()
    assert later.status == MessageStatus.SENT
    steps = [(h.action, h.from_status, h.to_status, h.actor_id, h.auto_accept_id) for h in later.history]
    assert steps == [("draft", "drafted", "drafted", world["person"].id, None),
                     ("auto_accept", "drafted", "sent", world["person"].id, setting.id)]
    delivered = db.session.scalars(select(ReferralMessage).order_by(ReferralMessage.id)).all()[-1]
    assert delivered.body.startswith("From ") and "Can I bring my boots?" in delivered.body
    assert delivered.author_id == world["case_manager"].id
    assert "went without a check (auto-accept)" in " ".join(told(world["case_manager"]))
    assert later not in operations.check_queue(world["case_manager"])
    assert later.label == "Sent to the employer"


def test_the_auto_accept_step_needs_a_setting_that_is_on(world):
    message = CampusMessage(participant_id=world["participant"].id, referral_id=world["referral"].id,
                            author_id=world["person"].id, body="Hi", status=MessageStatus.DRAFTED)
    db.session.add(message)
    db.session.flush()
    with pytest.raises(NotAllowed):
        MESSAGES.apply(message, "auto_accept", world["person"])
    assert message.status == MessageStatus.DRAFTED
    with pytest.raises(NotAllowed):  # nor can the case manager take the person's step
        MESSAGES.apply(message, "auto_accept", world["case_manager"])


def test_turning_it_off_needs_a_reason_and_messages_are_checked_again(world):
    sent = _sent_once(world)
    operations.turn_on_auto_accept(sent, world["case_manager"], "Sensible messages so far")
    with pytest.raises(Refused, match="Say why"):
        operations.turn_off_auto_accept(sent, world["colleague"], "")
    setting = operations.turn_off_auto_accept(sent, world["colleague"], "The employer asked us to check")
    assert (setting.ended_by_id, setting.ended_cause, setting.ended_reason) == (
        world["colleague"].id, "turned_off", "The employer asked us to check")
    with pytest.raises(Refused, match="already off"):
        operations.turn_off_auto_accept(sent, world["case_manager"], "Again")
    later = operations.write_message(world["access"], world["referral"], "Another question")
    assert later.status == MessageStatus.AWAITING_CHECK


@pytest.mark.parametrize(("end", "cause"), [
    (lambda w: operations.end_access(w["access"], w["case_manager"], "ended_by_case_manager"), "access_ended"),
    (lambda w: operations.end_access(w["access"], w["case_manager"], "consent_withdrawn"), "consent_withdrawn"),
    (lambda w: operations.set_messages(w["access"], w["case_manager"], "no_contact"), "messages_stopped"),
    (lambda w: close_case(w["participant"], "moved_away", "", w["case_manager"]), "access_ended"),
])
def test_auto_accept_ends_with_access_consent_or_no_messages(world, end, cause):
    sent = _sent_once(world)
    operations.turn_on_auto_accept(sent, world["case_manager"], "Sensible messages so far")
    end(world)
    db.session.commit()
    setting = db.session.scalar(select(CampusAutoAccept))
    assert not setting.is_on and setting.ended_cause == cause and setting.ended_by_id == world["case_manager"].id
    if cause == "messages_stopped":  # turning messages back on does not turn auto-accept back on
        operations.set_messages(world["access"], world["case_manager"], "allowed")
        assert operations.write_message(world["access"], world["referral"], "Hi").status == MessageStatus.AWAITING_CHECK


def test_closing_the_case_ends_access_and_signs_the_person_out(client, world):
    sent = _sent_once(world)
    operations.turn_on_auto_accept(sent, world["case_manager"], "Sensible messages so far")
    sign_in_client(client, world["person"])
    assert client.get("/campus/home").status_code == 200
    close_case(world["participant"], "moved_away", "", world["case_manager"])
    db.session.commit()
    response = client.get("/campus/home")
    assert response.status_code == 302 and "/campus/sign-in" in response.headers["Location"]
    access = db.session.get(CampusAccess, world["access"].id)
    assert (access.ended_reason, access.state_label) == ("case_closed", "Ended: the case was closed")
    manager = client.application.test_client()
    sign_in_client(manager, world["case_manager"])
    page = manager.get(f"/campus/people/{world['participant'].id}/access").get_data(as_text=True)
    assert "Ended with their Virtual Campus access" in page


def test_a_new_slip_keeps_auto_accept(world):
    sent = _sent_once(world)
    operations.turn_on_auto_accept(sent, world["case_manager"], "Sensible messages so far")
    operations.grant_access(world["participant"], world["case_manager"], consent_confirmed=True)
    assert db.session.scalar(select(CampusAutoAccept)).is_on


@pytest.mark.concurrency
def test_two_case_managers_turning_it_on_at_once_leave_one_setting(app, world):
    message_id = _sent_once(world).id
    managers = [world["case_manager"].id, world["colleague"].id]

    def turn_on(user_id):
        return lambda: operations.turn_on_auto_accept(db.session.get(CampusMessage, message_id),
                                                      db.session.get(User, user_id), f"Set by {user_id}")

    outcomes = race(app, [turn_on(user_id) for user_id in managers])
    assert sorted(outcomes) == ["refused: Auto-accept is already on for this person and employer.", "won"], outcomes
    assert db.session.scalar(select(func.count()).select_from(CampusAutoAccept)) == 1


@pytest.mark.concurrency
def test_two_case_managers_turning_it_off_and_on_at_once_leave_one_consistent_state(app, world):
    message = _sent_once(world)
    operations.turn_on_auto_accept(message, world["case_manager"], "First")
    db.session.commit()
    message_id, on_id, off_id = message.id, world["case_manager"].id, world["colleague"].id

    def act(user_id, turn):
        return lambda: turn(db.session.get(CampusMessage, message_id), db.session.get(User, user_id), "At once")

    outcomes = race(app, [act(off_id, operations.turn_off_auto_accept), act(off_id, operations.turn_off_auto_accept),
                          act(on_id, operations.turn_on_auto_accept)])
    rows = db.session.scalars(select(CampusAutoAccept).order_by(CampusAutoAccept.id)).all()
    # Whatever the order: at most one period open, and each win is one change, an on (a new period after
    # the first) or an off (a closed period); the refused ones changed nothing.
    closed = [row for row in rows if not row.is_on]
    assert sum(row.is_on for row in rows) <= 1 and len(rows) <= 2
    assert outcomes.count("won") == (len(rows) - 1) + len(closed), outcomes
    assert all(row.ended_cause == "turned_off" and row.ended_by_id == off_id for row in closed)
    assert all(o == "won" or "already" in o for o in outcomes), outcomes


def test_the_check_page_turns_it_on_and_off_and_the_access_page_shows_the_history(client, world):
    waiting = operations.write_message(world["access"], world["referral"], "Hello")
    db.session.commit()
    sign_in_client(client, world["case_manager"])
    page = client.get(f"/campus/checks/{waiting.id}").get_data(as_text=True)
    assert "Turn on auto-accept" not in page and "Once you have checked and sent one" in page
    client.post_form(f"/campus/checks/{waiting.id}/send")
    page = client.get(f"/campus/checks/{waiting.id}").get_data(as_text=True)
    assert "Turn on auto-accept" in page
    empty = client.post_form(f"/campus/checks/{waiting.id}/auto-accept", {"reason": ""})
    assert empty.status_code == 400 and "Say why, for the history" in empty.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(CampusAutoAccept)) == 0
    on = client.post_form(f"/campus/checks/{waiting.id}/auto-accept", {"reason": "Two <good> messages"},
                          follow_redirects=True)
    assert "Auto-accept is on" in on.get_data(as_text=True) and "Two &lt;good&gt; messages" in on.get_data(as_text=True)
    later = operations.write_message(world["access"], world["referral"], "Boots?")
    db.session.commit()
    history = client.get(f"/campus/checks/{later.id}").get_data(as_text=True)
    assert "Sent to the employer without a check (auto-accept)" in history
    assert "under the auto-accept set by Casey Manager" in history
    off = client.post_form(f"/campus/checks/{later.id}/auto-accept/off", {"reason": "Check again please"},
                           follow_redirects=True)
    assert "Auto-accept is off" in off.get_data(as_text=True)
    access_page = client.get(f"/campus/people/{world['participant'].id}/access").get_data(as_text=True)
    assert "Auto-accept of messages" in access_page and "Two &lt;good&gt; messages" in access_page
    assert "Turned off" in access_page and "Check again please" in access_page and "by Casey Manager" in access_page


def test_delivered_messages_read_as_the_persons_own_and_replies_reach_them(client, app, world):
    message = _sent_once(world)
    operations.turn_on_auto_accept(message, world["case_manager"], "Sensible")
    operations.write_message(world["access"], world["referral"], "Auto one")
    db.session.commit()
    employer = app.test_client()
    sign_in_client(employer, world["employer"])
    thread = employer.get(f"/referrals/{world['referral'].id}").get_data(as_text=True)
    name = world["referral"].shared_name or "Ayo"
    assert f"From {name} (written by them on the Virtual Campus, checked by their case manager)" in thread
    assert f"From {name} (written by them on the Virtual Campus; their case manager lets their messages" in thread
    employer.post_form(f"/referrals/{world['referral'].id}/messages", {"body": "See you Monday"})
    sign_in_client(client, world["person"])
    assert "See you Monday" in client.get("/campus/messages").get_data(as_text=True)


# Verified recipients ------------------------------------------------------------------------------------

def _unverify(world, how):
    organisation = world["referral"].employer
    if how == "pending":
        organisation.status = "pending"
    elif how == "membership_lapsed":
        for membership in db.session.scalars(select(AllianceMembership).where(
                AllianceMembership.organisation_id == organisation.id)):
            membership.status = "lapsed"
            membership.ended_at = clock.now()
    db.session.commit()


@pytest.mark.parametrize("how", ["pending", "membership_lapsed"])
def test_the_write_page_says_an_unverified_employer_cannot_be_written_to_and_refuses(client, world, how):
    _unverify(world, how)
    sign_in_client(client, world["person"])
    path = f"/campus/messages/new/{world['referral'].id}"
    page = client.get(path).get_data(as_text=True)
    assert "not a verified Corporate Alliance member or social enterprise" in page
    assert "Send to my case manager to check" not in page
    refused = client.post_form(path, {"body": "Hello"})
    assert refused.status_code == 400 and "not a verified" in refused.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(CampusMessage)) == 0
    with pytest.raises(Refused, match="not a verified"):
        operations.write_message(world["access"], world["referral"], "Hello")


def test_a_verified_social_enterprise_needs_no_membership(world):
    enterprise = OrganisationFactory(kind="social_enterprise")
    referral = ReferralFactory(participant=world["participant"], opportunity=OpportunityFactory(
        organisation=enterprise))
    db.session.commit()
    assert operations.is_verified_recipient(enterprise)
    assert operations.write_message(world["access"], referral, "Hello").status == MessageStatus.AWAITING_CHECK
    assert not operations.is_verified_recipient(OrganisationFactory(kind="provider"))
