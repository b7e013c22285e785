"""`flask --app marketplace reminders send` for referrals, with a fixed clock: interview
reminders the day before, the 13- and 26-week checks, overdue guarantees and the near-release
gate-mentor prompt. However often it runs, a reminder goes once."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from marketplace.core import clock
from marketplace.core.models import OutboxMessage, ReminderSent
from marketplace.extensions import db
from tests.factories import OpportunityFactory, ParticipantFactory, UserFactory
from tests.helpers import send_reminders, told
from tests.referrals.conftest import community_participant

TODAY = date(2027, 2, 10)  # a Wednesday


@pytest.fixture(autouse=True)
def fixed_clock(app):
    clock.fix(datetime(2027, 2, 10, 7, 0, tzinfo=UTC))


def emails_to(user) -> int:
    return db.session.scalar(select(func.count()).select_from(OutboxMessage)
                             .where(OutboxMessage.to_address == user.email))


def test_interview_reminder_goes_the_day_before_to_both_sides_once(app, make_parties):
    tomorrow_10_london = datetime(2027, 2, 11, 10, 0, tzinfo=UTC)  # February: London is on UTC
    parties = make_parties("interview_booked", interview_at=tomorrow_10_london, interview_place="Unit 4")
    later = make_parties("interview_booked", interview_at=tomorrow_10_london + timedelta(days=2),
                         interview_place="Unit 5")
    for _ in range(3):
        send_reminders(app)
    for user in (parties.case_manager, parties.employer):
        assert [t for t in told(user) if t.startswith("Interview tomorrow")] == [
            f"Interview tomorrow: {parties.referral.shared_name} for {parties.referral.opportunity.title}, Unit 4"]
        assert emails_to(user) == 1
    assert told(later.case_manager) == []


@pytest.mark.parametrize(("status", "weeks"), [("started", 13), ("sustained_13", 26)])
def test_outcome_check_is_prompted_when_due_and_once(app, make_parties, status, weeks):
    due = make_parties(status, start_date=TODAY - timedelta(weeks=weeks))
    not_yet = make_parties(status, start_date=TODAY - timedelta(weeks=weeks) + timedelta(days=1))
    send_reminders(app)
    send_reminders(app)
    assert [t for t in told(due.case_manager) if f"{weeks}-week check is due" in t] != []
    assert len(told(due.case_manager)) == 1
    assert told(not_yet.case_manager) == []
    # The next day the first is still due (not done yet) but is not reminded again; the second is.
    clock.fix(datetime(2027, 2, 11, 7, 0, tzinfo=UTC))
    send_reminders(app)
    assert len(told(due.case_manager)) == 1
    assert len(told(not_yet.case_manager)) == 1


@pytest.mark.parametrize("kind", ["training", "volunteering"])
def test_no_in_work_check_is_prompted_for_training_or_volunteering(app, make_parties, kind):
    course = make_parties("started", opportunity=OpportunityFactory(kind=kind),
                          start_date=TODAY - timedelta(weeks=14))
    send_reminders(app)
    assert [t for t in told(course.case_manager) if "week check is due" in t] == []


def test_overdue_guarantee_is_flagged_to_the_employer_and_admins_once(app, make_parties):
    admin = UserFactory(role="admin")
    opportunity = OpportunityFactory(kind="guaranteed_interview", minimum_requirements=["CSCS card"])
    overdue = make_parties("submitted", opportunity=opportunity, guarantee_due_on=TODAY - timedelta(days=1))
    in_time = make_parties("acknowledged", opportunity=opportunity, guarantee_due_on=TODAY)
    for _ in range(2):
        send_reminders(app)
    flagged = [t for t in told(overdue.employer) if t.startswith("Guarantee overdue")]
    assert len(flagged) == 1 and overdue.referral.shared_name in flagged[0]
    assert len([t for t in told(admin) if t.startswith("Guarantee overdue")]) == 1
    assert not [t for t in told(in_time.employer) if in_time.referral.shared_name in t]
    assert db.session.scalar(select(func.count()).select_from(ReminderSent)
                             .where(ReminderSent.key.like("referral-guarantee-overdue:%"))) == 1


@pytest.mark.parametrize(("status", "days", "prompted"), [
    ("interview_booked", 14, True),
    ("offer_made", 0, True),
    ("interview_offered", 15, False),    # released later than 14 days from now
    ("submitted", 5, False),             # no interview or offer yet
    ("declined", 5, False),
])
def test_gate_mentor_prompt_near_release(app, make_parties, status, days, prompted):
    person = ParticipantFactory(release_date=TODAY + timedelta(days=days))
    from tests.factories import ConsentRecordFactory
    ConsentRecordFactory(participant=person)
    parties = make_parties(status, participant=person)
    send_reminders(app)
    send_reminders(app)
    prompts = [t for t in told(parties.case_manager) if "Gatemate mentor" in t]
    assert len(prompts) == (1 if prompted else 0)


def test_gate_mentor_banner_on_the_referral_page_for_the_case_manager_only(app, make_parties, client):
    from tests.factories import ConsentRecordFactory
    from tests.helpers import sign_in_client

    person = ParticipantFactory(release_date=TODAY + timedelta(days=5))
    ConsentRecordFactory(participant=person)
    parties = make_parties("interview_booked", participant=person)
    sign_in_client(client, parties.case_manager)
    page = client.get(f"/referrals/{parties.referral.id}").get_data(as_text=True)
    assert "Ask a Gatemate mentor to meet them at the gate" in page
    sign_in_client(client, parties.employer)
    page = client.get(f"/referrals/{parties.referral.id}").get_data(as_text=True)
    assert "Gatemate" not in page and "released on" not in page


def test_nothing_is_sent_for_a_community_participant_without_dates(app, make_parties):
    parties = make_parties("interview_booked", participant=community_participant())
    assert "referral" in send_reminders(app)
    assert told(parties.case_manager) == []
