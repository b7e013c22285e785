"""Saving opportunities to a person's shortlist: once per pair, only by a case manager who can see the
person, only what the person can take today; what happens to an opportunity later keeps it on the list,
marked."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from marketplace.core import clock
from marketplace.core.exceptions import Refused
from marketplace.core.models import AuditEvent
from marketplace.extensions import db
from marketplace.opportunities import operations as opportunity_operations
from marketplace.participants import operations as participant_operations
from marketplace.participants.models import CLOSURE_REASONS
from marketplace.shortlists import operations
from marketplace.shortlists.models import ShortlistEntry
from tests.factories import OpportunityFactory, UserFactory
from tests.referrals.conftest import community_participant

CLOSE_REASON = next(iter(CLOSURE_REASONS))


def rows() -> int:
    return db.session.scalar(select(func.count()).select_from(ShortlistEntry))


@pytest.fixture
def person(app):
    return community_participant(first_name="Robin", release_town="Warrington")


def test_adding_twice_keeps_one_row_and_one_audit_row(person):
    opportunity = OpportunityFactory(title="Forklift driver", town="Warrington")
    db.session.commit()
    first = operations.add(person, opportunity.id, person.case_manager)
    again = operations.add(person, opportunity.id, person.case_manager)
    db.session.commit()
    assert first.id == again.id and rows() == 1
    assert first.added_by_id == person.case_manager.id and first.added_at is not None
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "shortlist.added", AuditEvent.subject_id == str(person.id))) == 1
    assert operations.shortlisted_ids(person) == {opportunity.id}


def test_a_row_added_by_another_request_meanwhile_is_kept_not_an_error(person, monkeypatch):
    """Two workers saving the same pair at once: both see no row, the unique pair refuses the second
    insert, and the second request answers with the first one's row."""
    opportunity = OpportunityFactory(town="Warrington")
    db.session.commit()
    operations.add(person, opportunity.id, person.case_manager)
    db.session.commit()
    real = operations.entry_for
    looks = []

    def not_there_at_first(participant, opportunity_id):
        looks.append(opportunity_id)
        return None if len(looks) == 1 else real(participant, opportunity_id)

    monkeypatch.setattr(operations, "entry_for", not_there_at_first)
    entry = operations.add(person, opportunity.id, person.case_manager)
    db.session.commit()
    assert len(looks) == 2 and entry.opportunity_id == opportunity.id and rows() == 1


@pytest.mark.parametrize("who", ["colleague_elsewhere", "employer", "admin"])
def test_only_a_case_manager_who_can_see_the_person_keeps_their_shortlist(person, who):
    opportunity = OpportunityFactory(town="Warrington")
    actor = {"colleague_elsewhere": UserFactory(role="case_manager"), "employer": UserFactory(role="employer"),
             "admin": UserFactory(role="admin")}[who]
    db.session.commit()
    with pytest.raises(Refused, match="Only a case manager of the person's own organisation"):
        operations.add(person, opportunity.id, actor)
    operations.add(person, opportunity.id, person.case_manager)
    db.session.commit()
    with pytest.raises(Refused):
        operations.remove(person, opportunity.id, actor)
    assert rows() == 1


def test_a_case_manager_of_the_same_organisation_may(person):
    colleague = UserFactory(role="case_manager", organisation=person.case_manager.organisation)
    opportunity = OpportunityFactory(town="Warrington")
    db.session.commit()
    operations.add(person, opportunity.id, colleague)
    db.session.commit()
    assert rows() == 1


@pytest.mark.parametrize("change, why", [
    (dict(status="closed"), "It is not open for applications."),
    (dict(status="draft"), "That opportunity cannot be found"),  # unpublished: not visible to them
    (dict(places_taken=3, places=3), "It has no places left."),
    (dict(town="Plymouth", region="South West"), "not in their release area"),
    (dict(offence_exclusions=["arson"]), "The employer excludes arson."),
    (dict(involves_children=True), "they must not work with children"),
])
def test_an_opportunity_the_person_cannot_take_is_refused(person, change, why):
    person.offence_categories = ["arson"]
    person.no_work_with_children = True
    opportunity = OpportunityFactory(**{"town": "Warrington", **change})
    db.session.commit()
    with pytest.raises(Refused) as refusal:
        operations.add(person, opportunity.id, person.case_manager)
    assert why in str(refusal.value)
    assert rows() == 0


def test_a_missing_opportunity_and_a_closed_case_are_refused(person):
    opportunity = OpportunityFactory(town="Warrington")
    db.session.commit()
    with pytest.raises(Refused, match="cannot be found"):
        operations.add(person, 999_999, person.case_manager)
    participant_operations.close_case(person, CLOSE_REASON, "Moved away", person.case_manager)
    db.session.commit()
    assert person.is_closed
    with pytest.raises(Refused, match="case is closed"):
        operations.add(person, opportunity.id, person.case_manager)
    assert rows() == 0


def test_a_shortlist_holds_at_most_what_prints_on_two_pages(person):
    opportunities = OpportunityFactory.create_batch(operations.MAX_ENTRIES + 1, town="Warrington")
    db.session.commit()
    for opportunity in opportunities[:-1]:
        operations.add(person, opportunity.id, person.case_manager)
    with pytest.raises(Refused, match="already holds 12"):
        operations.add(person, opportunities[-1].id, person.case_manager)
    operations.remove(person, opportunities[0].id, person.case_manager)
    operations.add(person, opportunities[-1].id, person.case_manager)
    db.session.commit()
    assert rows() == operations.MAX_ENTRIES


def test_remove_takes_it_off_and_is_audited(person):
    opportunity = OpportunityFactory(town="Warrington")
    db.session.commit()
    operations.add(person, opportunity.id, person.case_manager)
    assert operations.remove(person, opportunity.id, person.case_manager) is True
    assert operations.remove(person, opportunity.id, person.case_manager) is False
    db.session.commit()
    assert rows() == 0
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "shortlist.removed")) == 1


def test_closed_archived_and_full_opportunities_stay_on_the_list_marked(person):
    employer = UserFactory(role="employer")
    kept = OpportunityFactory(title="Still open", town="Warrington", organisation=employer.organisation)
    closed = OpportunityFactory(title="Closed later", town="Warrington", organisation=employer.organisation)
    full = OpportunityFactory(title="Filled up", town="Warrington", places=2)
    lapsed = OpportunityFactory(title="Date passed", town="Warrington",
                                closing_date=clock.today() + timedelta(days=1), rolling=False)
    db.session.commit()
    for opportunity in (kept, closed, full, lapsed):
        operations.add(person, opportunity.id, person.case_manager)
    db.session.commit()
    opportunity_operations.close(closed.id, employer)
    db.session.commit()
    opportunity_operations.archive(closed.id, employer)
    full.places_taken = 2
    db.session.commit()

    lines = {line.opportunity.title: line for line in
             operations.lines_of(person, today=clock.today() + timedelta(days=2))}
    assert list(lines) == ["Still open", "Closed later", "Filled up", "Date passed"]
    assert lines["Still open"].still_open and lines["Still open"].reasons and not lines["Still open"].problems
    assert not lines["Closed later"].still_open and not lines["Date passed"].still_open
    assert lines["Filled up"].still_open and lines["Filled up"].problems == ["It has no places left."]


def test_printed_reasons_leave_out_the_persons_own_words(person):
    person.goals = "Get back into forklift work near my kids"
    person.interests = ["Logistics and warehousing"]
    opportunity = OpportunityFactory(title="Forklift driver", town="Warrington", sector="Logistics and warehousing")
    db.session.commit()
    operations.add(person, opportunity.id, person.case_manager)
    db.session.commit()
    [line] = operations.lines_of(person)
    assert any("my kids" in reason for reason in line.reasons)
    assert line.printed_reasons and not any("my kids" in reason for reason in line.printed_reasons)


def test_erasing_the_person_erases_their_shortlist(person):
    opportunity = OpportunityFactory(town="Warrington")
    other = community_participant(case_manager=person.case_manager)
    db.session.commit()
    operations.add(person, opportunity.id, person.case_manager)
    operations.add(other, opportunity.id, person.case_manager)
    db.session.commit()
    participant_operations.erase_participant(person)
    db.session.commit()
    assert db.session.scalars(select(ShortlistEntry.participant_id)).all() == [other.id]


def test_the_subject_access_export_lists_what_was_saved_for_the_person(person, client):
    import json

    from tests.helpers import sign_in_client

    opportunity = OpportunityFactory(title="Forklift driver", town="Warrington")
    db.session.commit()
    operations.add(person, opportunity.id, person.case_manager)
    db.session.commit()
    sign_in_client(client, person.case_manager)
    [saved] = json.loads(client.get(f"/participants/{person.id}/export").data)["shortlist"]
    assert (saved["opportunity"], saved["reference"], saved["saved_by"], saved["still_open"]) == (
        "Forklift driver", f"FCW-{opportunity.id}", person.case_manager.full_name, True)
    readable = client.get(f"/participants/{person.id}/export/readable").get_data(as_text=True)
    assert "Shortlist" in readable and "Forklift driver" in readable
