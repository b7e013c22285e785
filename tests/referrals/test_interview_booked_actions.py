"""An employer with an interview booked is offered to change it (not to 'Offer an interview' again),
told when they can record it, and once the interview time has come, offered to record it."""

from __future__ import annotations

from datetime import timedelta

from marketplace.core import clock
from marketplace.referrals.workflow import ACTION_LABELS, action_labels_for
from tests.helpers import sign_in_client


def test_offering_again_reads_as_changing_the_interview():
    assert action_labels_for("interview_booked")["offer_interview"] == "Change the interview"
    assert action_labels_for("interview_offered")["offer_interview"] == "Change the interview"
    assert action_labels_for("acknowledged")["offer_interview"] == ACTION_LABELS["offer_interview"]


def test_before_the_interview_the_employer_can_change_it_and_is_told_when_to_record(make_parties, client):
    parties = make_parties("interview_booked", interview_at=clock.now() + timedelta(days=2), interview_place="Depot")
    sign_in_client(client, parties.employer)
    page = client.get(f"/referrals/{parties.referral.id}").get_data(as_text=True)
    assert "Change the interview" in page and "Offer an interview" not in page
    assert "You can record how the interview went from" in page
    assert "Record that the interview took place" not in page
    step = client.get(f"/referrals/{parties.referral.id}/steps/offer_interview").get_data(as_text=True)
    assert "<title>Change the interview" in step


def test_after_the_interview_the_employer_is_offered_to_record_it(make_parties, client):
    parties = make_parties("interview_booked", interview_at=clock.now() - timedelta(hours=2), interview_place="Depot")
    sign_in_client(client, parties.employer)
    page = client.get(f"/referrals/{parties.referral.id}").get_data(as_text=True)
    assert "Record that the interview took place" in page and "Record that they did not attend" in page
    assert "You can record how the interview went from" not in page
