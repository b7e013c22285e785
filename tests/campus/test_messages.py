"""Checked messages: a person's message reaches the employer only after their case manager sends it
on; a returned one never does; every step is in the table and its history; a daily limit."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from marketplace.campus import operations
from marketplace.campus.models import CampusAccess, CampusMessage, CampusMessageEvent, MessageStatus
from marketplace.campus.workflow import MESSAGES
from marketplace.core.roles import Role
from marketplace.core.workflow import NotAllowed
from marketplace.extensions import db
from marketplace.referrals.models import ReferralMessage
from tests.factories import OpportunityFactory, ParticipantFactory, ReferralFactory, UserFactory, campus_person
from tests.helpers import location, sign_in_client, told

STEPS = [(state, action) for state in sorted(s.value for s in MessageStatus) for action in sorted(MESSAGES.actions)]


@pytest.fixture
def world():
    case_manager = UserFactory(role="case_manager")
    participant = ParticipantFactory(case_manager=case_manager, first_name="Ayo")
    opportunity = OpportunityFactory(title="Groundworker")
    employer = UserFactory(role="employer", organisation=opportunity.organisation)
    referral = ReferralFactory(participant=participant, opportunity=opportunity)
    person = campus_person(participant)
    db.session.commit()
    access = db.session.scalar(select(CampusAccess))
    return {"case_manager": case_manager, "participant": participant, "employer": employer, "referral": referral,
            "person": person, "access": access}


@pytest.mark.parametrize(("state", "action"), STEPS)
@pytest.mark.parametrize("role", ["person", "case_manager", "employer", "admin", "other_case_manager"])
def test_every_step_is_allowed_only_as_the_table_says(world, state, action, role):
    message = operations.write_message(world["access"], world["referral"], "Hello")
    message.status = state
    actor = {"person": world["person"], "case_manager": world["case_manager"],
             "employer": world["employer"], "admin": UserFactory(role="admin"),
             "other_case_manager": UserFactory(role="case_manager")}[role]
    step = MESSAGES.table.get((state, action))
    # auto_accept also needs an auto-accept on for the person and employer (none here): tests/campus/test_auto_accept.py
    allowed = step is not None and actor.role in step.roles and role != "other_case_manager" and action != "auto_accept"
    if allowed:
        row = MESSAGES.apply(message, action, actor)
        assert message.status == step.to and (row.from_status, row.to_status, row.actor_id) == (state, step.to,
                                                                                              actor.id)
    else:
        with pytest.raises(NotAllowed):
            MESSAGES.apply(message, action, actor)
        assert message.status == state


def test_returned_and_sent_are_ends():
    for state in (MessageStatus.SENT, MessageStatus.RETURNED):
        assert not [action for (from_state, action) in MESSAGES.table if from_state == state]
    assert MESSAGES.allowed_actions(MessageStatus.RETURNED, Role.CASE_MANAGER) == []


def test_the_whole_check_returned_then_sent_then_a_reply(client, app, world):
    referral = world["referral"]
    sign_in_client(client, world["person"])
    page = client.get("/campus/messages")
    assert b"Write to" in page.data and b"Groundworker" in page.data
    first = client.post_form(f"/campus/messages/new/{referral.id}", {"body": "I did 3 years for burglary."})
    assert first.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(ReferralMessage)) == 0
    assert "Ayo" in " ".join(told(world["case_manager"]))

    staff = app.test_client()
    sign_in_client(staff, world["case_manager"])
    queue = staff.get("/campus/checks")
    message = db.session.scalar(select(CampusMessage))
    assert b"Ayo" in queue.data and f"/campus/checks/{message.id}".encode() in queue.data
    assert staff.get(f"/campus/checks/{message.id}").status_code == 200
    returned = staff.post_form(f"/campus/checks/{message.id}/return", {"reason": "offence_detail", "note": ""})
    assert returned.status_code == 302
    # A returned message can never later be delivered.
    again = staff.post_form(f"/campus/checks/{message.id}/send")
    assert again.status_code == 302 and location(again) == f"/campus/checks/{message.id}"
    assert db.session.scalar(select(func.count()).select_from(ReferralMessage)) == 0
    mine = client.get("/campus/messages")
    assert b"Not sent: returned to you" in mine.data
    assert b"shares details of an offence that the law does not ask you to share" in mine.data

    client.post_form(f"/campus/messages/new/{referral.id}", {"body": "Could I start on a Monday?"})
    second = db.session.scalars(select(CampusMessage).order_by(CampusMessage.id)).all()[-1]
    assert staff.post_form(f"/campus/checks/{second.id}/send").status_code == 302
    delivered = db.session.scalar(select(ReferralMessage))
    assert "Could I start on a Monday?" in delivered.body and delivered.body.startswith("From ")
    assert "New message about" in " ".join(told(world["employer"]))
    history = db.session.scalars(select(CampusMessageEvent).where(CampusMessageEvent.message_id == second.id)
                                 .order_by(CampusMessageEvent.id)).all()
    assert [(h.action, h.actor_id) for h in history] == [
        ("draft", world["person"].id), ("send_for_check", world["person"].id), ("send", world["case_manager"].id)]

    employer = app.test_client()
    sign_in_client(employer, world["employer"])
    assert employer.post_form(f"/referrals/{referral.id}/messages", {"body": "Yes, Monday at 8 is fine."}
                              ).status_code == 302
    replies = client.get("/campus/messages")
    assert b"Yes, Monday at 8 is fine." in replies.data and b"Checked and sent to the employer" in replies.data


def test_return_needs_a_reason_and_for_other_a_note_all_at_once(client, world):
    message = operations.write_message(world["access"], world["referral"], "Hello")
    db.session.commit()
    sign_in_client(client, world["case_manager"])
    empty = client.post_form(f"/campus/checks/{message.id}/return", {})
    assert empty.status_code == 400 and b"Select why the message is not being sent" in empty.data
    other = client.post_form(f"/campus/checks/{message.id}/return", {"reason": "other", "note": " "})
    assert other.status_code == 400 and b"Say why, so they can write again" in other.data
    db.session.refresh(message)
    assert message.status == MessageStatus.AWAITING_CHECK


def test_a_daily_limit_with_the_text_kept(client, app, world):
    sign_in_client(client, world["person"])
    path = f"/campus/messages/new/{world['referral'].id}"
    for number in range(app.config["CAMPUS_MESSAGES_PER_DAY"]):
        assert client.post_form(path, {"body": f"Message {number}"}).status_code == 302
    refused = client.post_form(path, {"body": "One too many"})
    assert refused.status_code == 400 and b"You can send another tomorrow" in refused.data
    assert b"One too many" in refused.data


def test_nobody_else_reaches_a_persons_messages(client, world):
    message = operations.write_message(world["access"], world["referral"], "Hello")
    stranger_referral = ReferralFactory(participant=ParticipantFactory(case_manager=world["case_manager"]))
    db.session.commit()
    sign_in_client(client, UserFactory(role="case_manager"))
    assert client.get(f"/campus/checks/{message.id}").status_code == 404
    assert client.post_form(f"/campus/checks/{message.id}/send").status_code == 404
    assert b"Ayo" not in client.get("/campus/checks").data
    sign_in_client(client, world["person"])
    assert client.get(f"/campus/messages/new/{stranger_referral.id}").status_code == 404
    assert client.get(f"/campus/checks/{message.id}").status_code == 403


def test_the_export_holds_the_campus_and_erasure_removes_the_account(world):
    from marketplace.accounts.models import User
    from marketplace.participants.export import subject_access_export
    from marketplace.participants.operations import erase_participant

    operations.save_cv(world["access"], operations.CVWords(statement="Steady and careful"))
    operations.write_message(world["access"], world["referral"], "Hello there")
    db.session.commit()
    exported = subject_access_export(world["participant"])["virtual_campus"]
    assert exported["cv"]["statement"] == "Steady and careful"
    assert [m["body"] for m in exported["messages"]] == ["Hello there"]
    person_id = world["person"].id
    erase_participant(world["participant"])
    db.session.commit()
    assert db.session.get(User, person_id) is None
    assert db.session.scalar(select(func.count()).select_from(CampusMessage)) == 0


def test_a_case_manager_can_turn_messages_off_and_it_holds_for_a_new_slip(client, app, world):
    staff = app.test_client()
    sign_in_client(staff, world["case_manager"])
    path = f"/campus/people/{world['participant'].id}/access/messages"
    assert staff.post_form(path, {}).status_code == 400
    assert staff.post_form(path, {"setting": "mappa"}).status_code == 302

    sign_in_client(client, world["person"])
    page = client.get("/campus/messages")
    write_link = f"/campus/messages/new/{world['referral'].id}".encode()
    assert b"turned off messages" in page.data and write_link not in page.data
    refused = client.post_form(f"/campus/messages/new/{world['referral'].id}", {"body": "Hello"})
    assert refused.status_code == 400 and b"turned off messages" in refused.data
    assert db.session.scalar(select(func.count()).select_from(CampusMessage)) == 0

    access, _code = operations.grant_access(world["participant"], world["case_manager"], consent_confirmed=True)
    db.session.commit()
    assert access.messages_stopped == "mappa"
    assert staff.post_form(path, {"setting": "allowed"}).status_code == 302
    db.session.refresh(access)
    assert access.messages_stopped == ""


def test_a_returned_message_reads_as_three_paragraphs_with_the_words_escaped(client, app, world):
    """The person sees why, what their case manager said and what to do next as three paragraphs;
    no markup shows as text, and what anyone typed is escaped, never trusted as HTML."""
    message = operations.write_message(world["access"], world["referral"], "<b>Hi</b> & hello")
    db.session.commit()
    staff = app.test_client()
    sign_in_client(staff, world["case_manager"])
    assert staff.post_form(f"/campus/checks/{message.id}/return",
                           {"reason": "other", "note": "Say <i>when</i> you can start & no more"}).status_code == 302
    sign_in_client(client, world["person"])
    page = client.get("/campus/messages").get_data(as_text=True)
    assert "&lt;p class" not in page and "<p class='govuk-body'>" not in page
    assert '<p class="govuk-body">Why it was not sent: Another reason (your case manager explains below)</p>' in page
    assert ('<p class="govuk-body">Your case manager says: Say &lt;i&gt;when&lt;/i&gt; you can start &amp; no more</p>'
            in page)
    assert '<p class="govuk-body">You can write a new message.</p>' in page
    assert "<i>when</i>" not in page and "<b>Hi</b>" not in page


def test_the_case_manager_reads_the_state_in_their_own_words(client, world):
    message = operations.write_message(world["access"], world["referral"], "Hello")
    db.session.commit()
    sign_in_client(client, world["case_manager"])
    waiting = client.get(f"/campus/checks/{message.id}").get_data(as_text=True)
    assert "Waiting for you to check it" in waiting and "your case manager" not in waiting
    client.post_form(f"/campus/checks/{message.id}/return", {"reason": "unsafe", "note": ""})
    returned = client.get(f"/campus/checks/{message.id}").get_data(as_text=True)
    assert "Returned to the person: not sent" in returned and "returned to you" not in returned
