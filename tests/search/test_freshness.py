"""What a worker serves is what the database holds: a searcher that has already answered follows
every later change (retitled, closed, archived, a case closed), with no document found twice.

The first test runs in one process; the others run the site in gunicorn with 2 workers
(`served_site`), warm every worker's searcher, change records through the site and through the
operations (as the CLI would, from another process), and then read `/search/` and the matching
pages from every worker. The change is committed, and so applied to the index, before a worker is
asked, so every worker must show it at once."""

from __future__ import annotations

import re

from whoosh.query import Every

from marketplace.extensions import db
from marketplace.opportunities import operations as opportunity_operations
from marketplace.participants import operations as participant_operations
from marketplace.search import index as store
from marketplace.search import sync
from tests.factories import OpportunityFactory, ParticipantFactory, UserFactory, member_organisation


def titles(page: str) -> list[str]:
    return re.findall(r'href="/opportunities/\d+">([^<]+)</a>', page)


def retitle(opportunity_id: int, title: str, actor) -> None:
    from marketplace.opportunities.models import Opportunity

    details = opportunity_operations.details_of(db.session.get(Opportunity, opportunity_id))
    details.title = title
    opportunity_operations.update_opportunity(opportunity_id, details, actor)
    db.session.commit()


def test_a_searcher_that_has_answered_follows_every_later_change_with_no_duplicates(app):
    employer = UserFactory(role="employer", organisation=member_organisation(3))
    opportunity = OpportunityFactory(organisation=employer.organisation, title="Bakery assistant")
    OpportunityFactory(title="Street cleaner")
    db.session.commit()
    sync.reindex()
    assert store.searcher("opportunities").doc_count() == 2  # this thread's searcher, warm
    for number in range(4):  # each update adds a segment and deletes the document in the older one
        retitle(opportunity.id, f"Bakery assistant {number}", employer)
        searcher = store.searcher("opportunities")
        stored = [fields["title"] for fields in searcher.all_stored_fields()]
        assert sorted(stored) == sorted([f"Bakery assistant {number}", "Street cleaner"])
        assert len(searcher.search(Every(), limit=None)) == 2
    opportunity_operations.close(opportunity.id, employer)
    db.session.commit()
    opportunity_operations.archive(opportunity.id, employer)
    db.session.commit()
    searcher = store.searcher("opportunities")
    assert [fields["title"] for fields in searcher.all_stored_fields()] == ["Street cleaner"]
    assert searcher.doc_count() == 1


def test_every_worker_serves_retitled_closed_and_archived_opportunities_at_once(served_site):
    employer = UserFactory(role="employer", organisation=member_organisation(3))
    manager = UserFactory(role="case_manager")
    bakery = OpportunityFactory(organisation=employer.organisation, title="Bakery assistant",
                                description="Baking bread and serving customers.")
    cleaner = OpportunityFactory(organisation=employer.organisation, title="Bakery cleaner",
                                 description="Cleaning the bakery after the bread is baked.")
    db.session.commit()
    sync.reindex()
    bakery_id, cleaner_id = bakery.id, cleaner.id
    searching = served_site.signed_in(manager)
    posting = served_site.signed_in(employer)
    for page in served_site.every_worker(searching, "/search/?q=bakery").values():
        assert sorted(titles(page.text)) == ["Bakery assistant", "Bakery cleaner"]

    # Retitled outside the site (as `flask` commands do): committed in this process.
    retitle(bakery_id, "Bakery supervisor", employer)
    for pid, page in served_site.every_worker(searching, "/search/?q=bakery").items():
        assert sorted(titles(page.text)) == ["Bakery cleaner", "Bakery supervisor"], pid
    for pid, page in served_site.every_worker(searching, "/search/?q=supervisor").items():
        assert titles(page.text) == ["Bakery supervisor"], pid

    # Closed and then archived through the site, by a worker; every worker stops offering it.
    assert served_site.post_form(posting, f"/opportunities/{cleaner_id}/close",
                                 allow_redirects=False).status_code == 302
    for pid, page in served_site.every_worker(searching, "/search/?q=bakery").items():
        assert titles(page.text) == ["Bakery supervisor"], pid
    assert served_site.post_form(posting, f"/opportunities/{cleaner_id}/archive",
                                 allow_redirects=False).status_code == 302
    for pid, page in served_site.every_worker(searching, "/search/?q=cleaning").items():
        assert titles(page.text) == [], pid
        assert "0 opportunities" in page.text or "No opportunities" in page.text, pid
    # And retitled through the site's own operation path once more, several times over: still one hit.
    for number in range(3):
        retitle(bakery_id, f"Bakery supervisor {number}", employer)
    for pid, page in served_site.every_worker(searching, "/search/?q=bakery").items():
        assert titles(page.text) == ["Bakery supervisor 2"], pid


def test_every_worker_stops_offering_a_person_whose_case_closed(served_site):
    manager = UserFactory(role="case_manager")
    opportunity = OpportunityFactory(title="Warehouse operative")
    living_in_warrington = dict(case_manager=manager, location="community", prison=None, release_date=None,
                                release_region="North West", release_town="Warrington", travel_miles=10)
    kept = ParticipantFactory(first_name="Morwenna", last_name="Trelawney", **living_in_warrington)
    leaving = ParticipantFactory(first_name="Ebenezer", last_name="Okonkwo-Smith", **living_in_warrington)
    db.session.commit()
    sync.reindex()
    browser = served_site.signed_in(manager)
    path = f"/search/opportunities/{opportunity.id}/people"
    for page in served_site.every_worker(browser, path).values():
        assert "Trelawney" in page.text and "Okonkwo-Smith" in page.text
    participant_operations.close_case(leaving, "moved_away", "", manager)
    db.session.commit()
    for pid, page in served_site.every_worker(browser, path).items():
        assert page.status_code == 200
        assert "Trelawney" in page.text and "Okonkwo-Smith" not in page.text, pid
    assert kept.id != leaving.id


def test_people_for_offers_only_open_cases_even_before_the_index_hears_of_a_closure(app):
    from sqlalchemy import update

    from marketplace.core import clock
    from marketplace.participants.models import Participant
    from marketplace.search.queries import people_for

    manager = UserFactory(role="case_manager")
    opportunity = OpportunityFactory(title="Warehouse operative")
    living_in_warrington = dict(case_manager=manager, location="community", prison=None, release_date=None,
                                release_region="North West", release_town="Warrington", travel_miles=10)
    kept = ParticipantFactory(**living_in_warrington)
    closed = ParticipantFactory(**living_in_warrington)
    db.session.commit()
    sync.reindex()
    assert {p.id for p, _ in people_for(opportunity, manager.organisation_id, clock.today())} == {kept.id, closed.id}
    # Closed behind the index's back (no index task): the index still lists the case as open.
    db.session.execute(update(Participant).where(Participant.id == closed.id).values(status="closed"))
    db.session.commit()
    assert closed.id in sync.indexed_ids("participants")
    assert [p.id for p, _ in people_for(opportunity, manager.organisation_id, clock.today())] == [kept.id]


def test_edits_made_while_the_index_lock_is_busy_are_applied_without_a_sync(app):
    """Four edits at once, in four threads, while another process holds the index's write lock:
    none is lost, and once the lock is free every one is searchable with no `search sync`."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    from marketplace.accounts.models import User
    from marketplace.core.db import write_intent

    employer = UserFactory(role="employer", organisation=member_organisation(3))
    ids = [OpportunityFactory(organisation=employer.organisation, title=f"Porter {n}").id for n in range(4)]
    employer_id = employer.id
    db.session.commit()
    sync.reindex()
    start = threading.Barrier(4)

    def edit(number: int) -> bool:
        with app.app_context():
            write_intent()
            start.wait(timeout=30)
            retitle(ids[number], f"Night porter {number}", db.session.get(User, employer_id))
            return True

    held = store.open_index("opportunities").writer()  # another process is writing
    try:
        with ThreadPoolExecutor(4) as pool:
            assert all(pool.map(edit, range(4)))
        assert sync.status()["opportunities"]["pending"] == 4
    finally:
        held.cancel()
    assert sync.wait_for_catch_up(timeout=60)
    assert sync.status()["opportunities"]["pending"] == 0
    searcher = store.searcher("opportunities")
    assert sorted(fields["title"] for fields in searcher.all_stored_fields()) == [
        f"Night porter {n}" for n in range(4)]


def test_four_edits_at_once_through_the_site_are_all_searchable_in_every_worker(served_site):
    import time
    from concurrent.futures import ThreadPoolExecutor

    from tests.opportunities.helpers import form_data

    employer = UserFactory(role="employer", organisation=member_organisation(3))
    manager = UserFactory(role="case_manager")
    ids = [OpportunityFactory(organisation=employer.organisation, title=f"Porter {n}").id for n in range(4)]
    db.session.commit()
    sync.reindex()
    searching = served_site.signed_in(manager)
    editors = [served_site.signed_in(employer) for _ in range(4)]
    served_site.warm_every_worker(searching, "/search/?q=porter")

    def edit(number: int) -> int:
        return served_site.post_form(editors[number], f"/opportunities/{ids[number]}/edit",
                                     form_data(title=f"Night porter {number}"), allow_redirects=False).status_code

    with ThreadPoolExecutor(4) as pool:
        assert list(pool.map(edit, range(4))) == [302] * 4
    wanted = [f"Night porter {n}" for n in range(4)]
    deadline = time.monotonic() + 30  # generous for a busy test machine; normally at once
    while True:
        pages = served_site.every_worker(searching, "/search/?q=porter")
        found = {pid: sorted(titles(page.text)) for pid, page in pages.items()}
        if all(listed == wanted for listed in found.values()) or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert all(listed == wanted for listed in found.values()), found
    assert sync.status()["opportunities"]["pending"] == 0


def test_every_worker_s_matches_for_a_person_follow_a_retitle_and_an_archive(served_site):
    """The matching page ("Find opportunities" for a person) from every worker, not only /search/."""
    from datetime import timedelta

    def offered(page: str) -> list[str]:
        return re.findall(r'href="/opportunities/\d+\?participant=\d+">([^<]+)</a>', page)

    from marketplace.core import clock
    from tests.factories import ConsentRecordFactory

    employer = UserFactory(role="employer", organisation=member_organisation(3))
    manager = UserFactory(role="case_manager")
    person = ParticipantFactory(case_manager=manager, location="community", prison=None,
                                release_date=clock.today() - timedelta(days=20), release_town="Manchester",
                                travel_miles=15, interests=["Catering and hospitality", "chef"],
                                skills=["food preparation"])
    ConsentRecordFactory(participant=person)
    kept = OpportunityFactory(organisation=employer.organisation, title="Commis chef", town="Salford",
                              sector="Catering and hospitality", description="Prep and cooking on the line.")
    changing = OpportunityFactory(organisation=employer.organisation, title="Line chef", town="Manchester",
                                  sector="Catering and hospitality", description="Cooking on the grill.")
    db.session.commit()
    sync.reindex()
    changing_id, path = changing.id, f"/search/participants/{person.id}"
    assert kept.id != changing_id
    browser = served_site.signed_in(manager)
    posting = served_site.signed_in(employer)
    for pid, page in served_site.every_worker(browser, path).items():
        assert sorted(offered(page.text)) == ["Commis chef", "Line chef"], pid

    retitle(changing_id, "Grill chef", employer)
    for pid, page in served_site.every_worker(browser, path).items():
        assert sorted(offered(page.text)) == ["Commis chef", "Grill chef"], pid

    for action in ("close", "archive"):
        assert served_site.post_form(posting, f"/opportunities/{changing_id}/{action}",
                                     allow_redirects=False).status_code == 302
    for pid, page in served_site.every_worker(browser, path).items():
        assert offered(page.text) == ["Commis chef"], pid
