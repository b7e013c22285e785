"""Matching counts only the convictions the employer's check would show: a person whose only
conviction in an excluded category is spent (or filtered) for that check is not excluded."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import event

from marketplace.core import clock
from marketplace.extensions import db
from marketplace.search import sync
from marketplace.search.matching import Offer, Seeker, barriers
from marketplace.search.queries import match_seeker, people_for
from tests.disclosure.records import conviction, spent_fine, unspent_custody
from tests.factories import OpportunityFactory, ParticipantFactory, UserFactory


def person(**changes):
    values = dict(location="community", prison=None, release_date=clock.today() - timedelta(days=60),
                  release_region="North West", release_town="Manchester", travel_miles=20,
                  interests=["Catering and hospitality", "chef"], skills=["food preparation"],
                  offence_categories=["driving"])
    values.update(changes)
    return ParticipantFactory(**values)


def catering(title, check_level, exclusions=("driving",)):
    return OpportunityFactory(title=title, sector="Catering and hospitality", description="Cooking in our kitchen.",
                              town="Manchester", region="North West", offence_exclusions=list(exclusions),
                              check_level=check_level)


def titles(participant) -> set[str]:
    return {m.offer.title for m in match_seeker(Seeker.from_participant(participant), clock.today(), limit=50)}


@pytest.fixture
def jobs():
    for level in ("none", "basic", "standard", "enhanced"):
        catering(f"Excludes driving, {level} check", level)
    catering("Excludes nothing", "basic", exclusions=("none",))
    db.session.commit()


def test_a_spent_conviction_counts_only_for_checks_that_still_show_it(jobs):
    someone = person()
    spent_fine(someone, category="driving")  # spent; a standard or enhanced check shows it for 11 years
    db.session.commit()
    sync.reindex()
    assert titles(someone) == {"Excludes driving, none check", "Excludes driving, basic check", "Excludes nothing"}


def test_an_unspent_conviction_is_excluded_at_every_level(jobs):
    someone = person()
    unspent_custody(someone, category="driving")
    db.session.commit()
    sync.reindex()
    assert titles(someone) == {"Excludes nothing"}


def test_a_filtered_conviction_is_excluded_nowhere(jobs):
    someone = person()
    conviction(someone, years_ago=12, category="driving")  # a fine 12 years ago: spent and filtered
    db.session.commit()
    sync.reindex()
    assert len(titles(someone)) == 5


def test_without_conviction_records_the_offence_categories_still_exclude(jobs):
    someone = person()
    db.session.commit()
    sync.reindex()
    assert titles(someone) == {"Excludes nothing"}


def test_an_offence_category_with_no_record_still_counts(jobs):
    someone = person(offence_categories=["driving", "arson"])
    spent_fine(someone, category="arson")
    db.session.commit()
    sync.reindex()
    assert titles(someone) == {"Excludes nothing"}


def test_people_who_fit_follow_the_same_rule():
    manager = UserFactory(role="case_manager")
    spent = person(case_manager=manager, first_name="Spent")
    spent_fine(spent, category="driving")
    unspent = person(case_manager=manager, first_name="Unspent")
    unspent_custody(unspent, category="driving")
    basic = catering("Commis chef", "basic")
    enhanced = catering("Care home chef", "enhanced")
    db.session.commit()
    sync.reindex()
    assert [p.first_name for p, _ in people_for(basic, manager.organisation_id, clock.today())] == ["Spent"]
    assert people_for(enhanced, manager.organisation_id, clock.today()) == []


def test_barriers_use_the_categories_for_the_check():
    today = date(2026, 11, 25)
    seeker = Seeker(number="A1", location="community", release_region="North West", offence_categories=["driving"],
                    categories_by_check={"none": [], "basic": [], "standard": ["driving"], "enhanced": ["driving"]})
    job = dict(id=1, reference="X", kind="vacancy", title="Chef", sector="Catering and hospitality",
               region="North West", status="open", places=1, offence_exclusions=["driving"])
    assert barriers(seeker, Offer(**job, check_level="basic"), today) == []
    assert any("excludes driving" in reason for reason in barriers(seeker, Offer(**job, check_level="standard"), today))


def test_people_who_fit_reads_the_caseloads_convictions_in_one_go():
    """The statements `people_for` runs do not grow with the caseload (they did: two per person)."""
    manager = UserFactory(role="case_manager")
    basic = catering("Commis chef", "basic")

    def add_people(count):
        for _ in range(count):
            spent_fine(person(case_manager=manager), category="driving")
            unspent_custody(person(case_manager=manager), category="driving")
        db.session.commit()
        sync.reindex()

    def statements_and_people():
        statements = []
        listener = lambda *args: statements.append(args[2])  # noqa: E731  (the statement text)
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            found = people_for(basic, manager.organisation_id, clock.today())
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return len(statements), len(found)

    add_people(2)
    small = statements_and_people()
    add_people(8)
    large = statements_and_people()
    assert (small[1], large[1]) == (2, 10)  # the spent fines fit; the unspent custody does not
    assert large[0] == small[0]
