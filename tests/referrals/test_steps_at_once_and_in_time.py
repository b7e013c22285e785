"""The interview form lists every error at once; the interview's outcome can only be recorded once
the interview has started."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from marketplace.core import clock
from marketplace.core.workflow import NotAllowed
from marketplace.extensions import db
from marketplace.referrals import operations
from marketplace.referrals.models import Referral
from marketplace.referrals.workflow import allowed_actions
from tests.helpers import error_summary, sign_in_client


def test_the_interview_form_lists_every_error_at_once(make_parties, client):
    parties = make_parties("acknowledged")
    sign_in_client(client, parties.employer)
    yesterday = clock.today() - timedelta(days=1)
    response = client.post_form(f"/referrals/{parties.referral.id}/steps/offer_interview", {
        "interview_date": [str(yesterday.day), str(yesterday.month), str(yesterday.year)],
        "interview_time": "half ten", "interview_place": "", "interview_bring": "Photo ID",
        "note": "x" * 3001})
    assert response.status_code == 400
    assert error_summary(response.data) == {
        "The interview date must be today or later": "#interview_date-day",
        "Enter the time like 10:30, 2pm or 14:00": "#interview_time",
        "Enter where the interview is, or the link to join it": "#interview_place",
        "The note must be 3,000 characters or fewer": "#note",
    }
    page = response.data.decode()
    assert 'value="half ten"' in page and "Photo ID" in page
    assert db.session.get(Referral, parties.referral.id).status == "acknowledged"


@pytest.fixture
def booked(make_parties):
    return make_parties("interview_booked", interview_at=clock.now() + timedelta(days=1), interview_place="Depot")


@pytest.mark.parametrize("action", ["record_interview", "no_show"])
def test_the_outcome_of_an_interview_waits_for_the_interview(booked, action):
    assert action not in allowed_actions(booked.referral, booked.employer)
    with pytest.raises(NotAllowed, match="You can record whether it took place from then"):
        operations.take_step(booked.referral, action, booked.employer, operations.StepDetails())
    db.session.rollback()
    clock.fix(booked.referral.interview_at + timedelta(minutes=1))
    try:
        assert action in allowed_actions(booked.referral, booked.employer)
        operations.take_step(booked.referral, action, booked.employer, operations.StepDetails())
    finally:
        clock.fix(None)
    assert booked.referral.status == ("interviewed" if action == "record_interview" else "no_show")


def test_the_referral_page_says_when_the_outcome_can_be_recorded(booked, client):
    sign_in_client(client, booked.employer)
    page = client.get(f"/referrals/{booked.referral.id}").data.decode()
    assert "Record that the interview took place" not in page
    assert "You can record whether it took place from then" in page


def test_did_not_attend_asks_first_and_says_what_happened(make_parties, client):
    parties = make_parties("interview_booked", interview_at=clock.now() - timedelta(hours=1), interview_place="Depot")
    sign_in_client(client, parties.employer)
    page = client.get(f"/referrals/{parties.referral.id}/steps/no_show").data.decode()
    assert "This ends the referral for" in page
    response = client.post_form(f"/referrals/{parties.referral.id}/steps/no_show", {"note": "Phoned twice"},
                                follow_redirects=True)
    page = response.data.decode()
    assert "Recorded that they did not attend. Their case manager has been told." in page
    assert db.session.get(Referral, parties.referral.id).status == "no_show"


def test_a_start_still_to_come_is_agreed_and_becomes_started_on_the_day(make_parties, app):
    from tests.helpers import send_reminders

    parties = make_parties("offer_accepted")
    later = clock.today() + timedelta(days=26)
    operations.take_step(parties.referral, "start", parties.case_manager, operations.StepDetails(start_date=later))
    db.session.commit()
    referral = db.session.get(Referral, parties.referral.id)
    assert (referral.status, referral.start_date) == ("start_agreed", later)
    with pytest.raises(NotAllowed):
        operations.take_step(referral, "sustain_13", parties.case_manager, operations.StepDetails())
    db.session.rollback()
    send_reminders(app)
    assert db.session.get(Referral, referral.id).status == "start_agreed"  # not yet
    clock.fix(clock.now() + timedelta(days=26))
    try:
        send_reminders(app)
    finally:
        clock.fix(None)
    referral = db.session.get(Referral, referral.id)
    assert referral.status == "started" and referral.start_date == later
    assert referral.events[-1].action == "start" and referral.events[-1].actor_id is None


OFFER = operations.StepDetails(offer_start_date=clock.today() + timedelta(days=7), offer_hours=Decimal("37.5"),
                               offer_pay=Decimal("13.50"), offer_pay_period="hour")


def test_a_job_start_before_the_offer_is_refused(make_parties, client):
    parties = make_parties("interviewed")
    operations.take_step(parties.referral, "make_offer", parties.employer, OFFER)
    operations.take_step(parties.referral, "accept_offer", parties.case_manager, operations.StepDetails())
    db.session.commit()
    sign_in_client(client, parties.case_manager)
    before = clock.today() - timedelta(days=3)
    response = client.post_form(f"/referrals/{parties.referral.id}/steps/start",
                                {"start_date": [str(before.day), str(before.month), str(before.year)]})
    assert response.status_code == 400
    assert list(error_summary(response.data)) == [
        f"The start date must be on or after the day the job was offered ({clock.today().day} "
        f"{clock.today():%B %Y})"]
    soon = clock.today() + timedelta(days=5)
    response = client.post_form(f"/referrals/{parties.referral.id}/steps/start",
                                {"start_date": [str(soon.day), str(soon.month), str(soon.year)]},
                                follow_redirects=True)
    assert "Start date agreed:" in response.data.decode()
    assert db.session.get(Referral, parties.referral.id).status == "start_agreed"


def test_a_wrong_step_is_corrected_by_its_author_with_the_reason_kept(make_parties, client):
    from tests.factories import OpportunityFactory

    opportunity = OpportunityFactory(places=1)
    parties = make_parties("offer_made", opportunity=opportunity)
    operations.take_step(parties.referral, "accept_offer", parties.case_manager, operations.StepDetails())
    db.session.commit()
    assert opportunity.status == "filled"
    sign_in_client(client, parties.employer)  # not theirs to correct
    assert client.get(f"/referrals/{parties.referral.id}/correct").status_code == 302
    sign_in_client(client, parties.case_manager)
    page = client.get(f"/referrals/{parties.referral.id}").data.decode()
    assert "Correct &#34;Record that the offer was accepted&#34;" in page or 'Correct "Record that the offer' in page
    response = client.post_form(f"/referrals/{parties.referral.id}/correct", {"reason": ""})
    assert response.status_code == 400 and list(error_summary(response.data)) == ["Say what was wrong"]
    response = client.post_form(f"/referrals/{parties.referral.id}/correct",
                                {"reason": "Clicked on the wrong person"}, follow_redirects=True)
    assert "Corrected: the referral is back to" in response.data.decode()
    referral = db.session.get(Referral, parties.referral.id)
    assert referral.status == "offer_made"
    assert db.session.get(type(opportunity), opportunity.id).places_taken == 0  # the place is given back
    actions = [(event.action, event.from_status, event.to_status) for event in referral.events]
    assert actions[-2:] == [("accept_offer", "offer_made", "offer_accepted"),
                            ("correct", "offer_accepted", "offer_made")]
    assert "Clicked on the wrong person" in referral.events[-1].note
    # Once the window has passed there is nothing left to correct.
    operations.take_step(referral, "accept_offer", parties.case_manager, operations.StepDetails())
    db.session.commit()
    clock.fix(clock.now() + timedelta(hours=25))
    try:
        assert client.get(f"/referrals/{referral.id}/correct").status_code == 302
    finally:
        clock.fix(None)


def test_the_duplicate_warning_links_to_the_referral_still_going(make_parties, client):
    parties = make_parties("submitted")
    sign_in_client(client, parties.case_manager)
    referral = parties.referral
    page = client.get(f"/referrals/new?participant={referral.participant_id}"
                      f"&opportunity={referral.opportunity_id}").data.decode()
    assert "already has a referral for this opportunity that is still going" in page
    assert f'href="/referrals/{referral.id}">Open the referral that is still going' in page
