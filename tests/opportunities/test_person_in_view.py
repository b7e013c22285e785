"""An opportunity opened from a person's matches keeps the person in view: "Refer <name>" and the way
back to their matches; the view of the person is audited; someone else's person is a 404."""

from __future__ import annotations

from sqlalchemy import func, select

from marketplace.core.models import AuditEvent
from marketplace.extensions import db
from tests.factories import OpportunityFactory, ParticipantFactory
from tests.helpers import sign_in_client
from tests.referrals.conftest import community_participant


def test_the_person_comes_along_from_their_matches(app, client):
    person = community_participant(first_name="Robin", last_name="Oduya", release_town="Warrington")
    opportunity = OpportunityFactory(title="Forklift driver", town="Warrington")
    db.session.commit()
    sign_in_client(client, person.case_manager)
    page = client.get(f"/opportunities/{opportunity.id}?participant={person.id}").data.decode()
    assert "For Robin Oduya, from their matches." in page
    assert f'href="/referrals/new?participant={person.id}&amp;opportunity={opportunity.id}"' in page
    assert "Refer Robin" in page
    assert f'href="/search/participants/{person.id}"' in page and "Back to Robin Oduya&#39;s matches" in page
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "participant.viewed", AuditEvent.detail == "opportunity from their matches")) == 1
    plain = client.get(f"/opportunities/{opportunity.id}").data.decode()
    assert "Refer Robin" not in plain


def test_someone_elses_person_is_not_found(app, client):
    person = community_participant()
    stranger = ParticipantFactory()
    opportunity = OpportunityFactory()
    db.session.commit()
    sign_in_client(client, person.case_manager)
    assert client.get(f"/opportunities/{opportunity.id}?participant={stranger.id}").status_code == 404
