"""The person's matches, with the reasons said to them, and "I'm interested", which their case manager
sees on their record."""

from __future__ import annotations

from sqlalchemy import func, select

from marketplace.campus.models import CampusInterest
from marketplace.extensions import db
from marketplace.search import sync
from tests.factories import OpportunityFactory, ParticipantFactory, UserFactory, campus_person
from tests.helpers import sign_in_client, told


def test_matches_with_reasons_and_interest_reaching_the_case_manager(client, app):
    manager = UserFactory(role="case_manager")
    participant = ParticipantFactory(case_manager=manager, first_name="Sam", location="community", prison=None,
                                     release_date=None, skills=["Forklift driving"], interests=["Warehouse"])
    fitting = OpportunityFactory(title="Forklift driver", description="Forklift driving in a warehouse")
    person = campus_person(participant)
    db.session.commit()
    sync.reindex()
    sign_in_client(client, person)

    home = client.get("/campus/home")
    assert b"Forklift driver" in home.data and b"Why it could suit you" in home.data
    assert b"they want" not in home.data
    stranger = OpportunityFactory(title="Not matched", status="draft")
    db.session.commit()
    refused = client.post_form(f"/campus/interested/{stranger.id}")
    assert refused.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(CampusInterest)) == 0

    assert client.post_form(f"/campus/interested/{fitting.id}").status_code == 302
    assert client.post_form(f"/campus/interested/{fitting.id}").status_code == 302  # twice changes nothing
    assert db.session.scalar(select(func.count()).select_from(CampusInterest)) == 1
    assert b"You said you are interested" in client.get("/campus/home").data
    assert "Sam" in " ".join(told(manager)) and "Forklift driver" in " ".join(told(manager))

    staff = app.test_client()
    sign_in_client(staff, manager)
    record = staff.get(f"/participants/{participant.id}")
    assert b"said they are interested in" in record.data and b"Forklift driver" in record.data
