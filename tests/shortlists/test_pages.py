"""The shortlist pages: save from the matches and from an opportunity opened from them, the list with
what each saved opportunity is now, and the print view that names only the person's first name. Each
page view of the person is one audit row; someone else's person is a 404."""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import func, select

from marketplace.core.filters import govuk_date
from marketplace.core.models import AuditEvent
from marketplace.extensions import db
from marketplace.opportunities import operations as opportunity_operations
from marketplace.search import sync
from marketplace.shortlists import operations
from tests.factories import OpportunityFactory, ParticipantFactory, UserFactory
from tests.helpers import sign_in_client
from tests.referrals.conftest import community_participant


def viewed(page: str) -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "participant.viewed", AuditEvent.detail == page))


def test_save_from_the_matches_and_from_the_opportunity_then_read_the_list(app, client):
    person = community_participant(first_name="Robin", last_name="Oduya", release_town="Warrington",
                                   interests=["Logistics and warehousing"])
    employer = UserFactory(role="employer")
    forklift = OpportunityFactory(title="Forklift driver", town="Warrington", sector="Logistics and warehousing",
                                  organisation=employer.organisation, pay_from=13, pay_to=13, pay_period="hour")
    picker = OpportunityFactory(title="Warehouse picker", town="Warrington")
    db.session.commit()
    sync.reindex()
    sign_in_client(client, person.case_manager)

    matches = client.get(f"/search/participants/{person.id}").data.decode()
    assert matches.count("Add to Robin's shortlist") == 2
    answer = client.post_form(f"/shortlists/{person.id}/add", {"opportunity": str(forklift.id), "back": "matches"})
    assert answer.status_code == 302 and answer.headers["Location"] == f"/search/participants/{person.id}"
    matches = client.get(f"/search/participants/{person.id}").data.decode()
    assert "Forklift driver is on Robin&#39;s shortlist." in matches
    assert "Remove from Robin's shortlist<span class=\"govuk-visually-hidden\">: Forklift driver" in matches
    assert "Robin's shortlist (1 opportunity)" in matches

    page = client.get(f"/opportunities/{picker.id}?participant={person.id}").data.decode()
    assert "Add to Robin's shortlist" in page
    answer = client.post_form(f"/shortlists/{person.id}/add", {"opportunity": str(picker.id), "back": "opportunity"})
    assert answer.headers["Location"] == f"/opportunities/{picker.id}?participant={person.id}"
    assert "Remove from Robin's shortlist" in client.get(answer.headers["Location"]).data.decode()

    opportunity_operations.close(picker.id, UserFactory(role="employer", organisation=picker.organisation))
    db.session.commit()
    before = viewed("shortlist")
    shortlist = client.get(f"/shortlists/{person.id}").data.decode()
    assert viewed("shortlist") == before + 1
    assert "Robin's shortlist" in shortlist and "2 opportunities saved" in shortlist
    forklift_part, picker_part = shortlist.split("Warehouse picker", 1)
    assert "Forklift driver" in forklift_part and employer.organisation.name in forklift_part
    assert "Warrington" in forklift_part and forklift.pay_text in forklift_part
    assert f"Closes {govuk_date(forklift.closing_date)}" in forklift_part
    assert "logistics and warehousing — matches interest" in forklift_part
    assert "No longer open" in picker_part


def test_the_print_view_names_only_the_first_name(app, client):
    person = community_participant(first_name="Robin", last_name="Oduya", participant_number="A1234BC",
                                   release_town="Warrington", date_of_birth=date(1990, 3, 17),
                                   release_postcode="WA2 7NE",
                                   offence_categories=["arson"], goals="Work near my daughter's school")
    opportunity = OpportunityFactory(title="Forklift driver", town="Warrington")
    db.session.commit()
    operations.add(person, opportunity.id, person.case_manager)
    db.session.commit()
    sign_in_client(client, person.case_manager)
    before = viewed("shortlist printed")
    sheet = client.get(f"/shortlists/{person.id}/print").data.decode()
    assert viewed("shortlist printed") == before + 1
    assert "Jobs and courses for Robin" in sheet and "Forklift driver" in sheet and f"FCW-{opportunity.id}" in sheet
    text = re.sub(r"<[^>]+>", " ", sheet)
    for private in ("Oduya", "A1234BC", "1990", "17 March", "WA2 7NE", "Arson", "arson", "daughter"):
        assert private not in text, private
    assert person.case_manager.full_name in text  # who to ask


def test_a_bad_or_refused_post_says_why_on_the_page_it_goes_back_to(app, client):
    person = community_participant(first_name="Robin", release_town="Warrington")
    far = OpportunityFactory(title="Chef in Plymouth", town="Plymouth", region="South West")
    db.session.commit()
    sign_in_client(client, person.case_manager)
    answer = client.post_form(f"/shortlists/{person.id}/add", {"opportunity": str(far.id), "back": "matches"})
    assert answer.status_code == 302
    page = client.get(answer.headers["Location"]).data.decode()
    assert "Chef in Plymouth is not one Robin can take" in page
    answer = client.post_form(f"/shortlists/{person.id}/add", {"opportunity": "x", "back": "https://evil.example"})
    assert answer.headers["Location"] == f"/shortlists/{person.id}"
    assert "Choose an opportunity to save or remove" in client.get(answer.headers["Location"]).data.decode()
    assert operations.shortlisted_ids(person) == set()


def test_someone_elses_person_is_a_404_and_writes_nothing(app, client):
    manager = UserFactory(role="case_manager")
    stranger = ParticipantFactory(first_name="Hidden")
    opportunity = OpportunityFactory()
    db.session.commit()
    sign_in_client(client, manager)
    for path in (f"/shortlists/{stranger.id}", f"/shortlists/{stranger.id}/print"):
        assert client.get(path).status_code == 404
    for step in ("add", "remove"):
        assert client.post_form(f"/shortlists/{stranger.id}/{step}", {"opportunity": str(opportunity.id)}
                                ).status_code == 404
    assert operations.shortlisted_ids(stranger) == set()
