"""What Gatemate holds about a participant is in their subject access export, and goes when their
record is erased."""

from __future__ import annotations

import json

from marketplace.extensions import db
from marketplace.gatemate.models import GatemateRequest, RequestEvent
from marketplace.participants.operations import erase_participant
from tests.factories import RequestEventFactory
from tests.gatemate.conftest import count


def test_the_subject_access_export_includes_gatemate_requests(client, login_as, make_request, make_mentor):
    manager = login_as("case_manager")
    mentor = make_mentor(full_name="Morgan Mentor")
    request = make_request(person_case_manager=manager, status="met", mentor_id=mentor.id, note="Red coat",
                           hours_spent=5, went_to="family_friends")
    RequestEventFactory(request=request, action="record_met", actor_id=mentor.id, note="5 hours.")
    exported = json.loads(client.get(f"/participants/{request.participant_id}/export").data)
    [section] = exported["gatemate_requests"]
    assert section["prison"] == "HMP Liverpool" and section["note_for_mentor"] == "Red coat"
    assert section["mentor"] == "Morgan Mentor" and section["hours_spent"] == 5
    assert section["went_to"] == "family_friends"
    assert section["history"][0]["action"] == "record_met" and section["history"][0]["by"] == "Morgan Mentor"


def test_erasing_a_participant_erases_their_requests(make_request):
    request = make_request()
    RequestEventFactory(request=request)
    participant = request.participant
    participant.gatemate_requests  # loaded, as when the record page has been shown  # noqa: B018
    erase_participant(participant)
    db.session.commit()
    assert count(GatemateRequest) == 0 and count(RequestEvent) == 0

