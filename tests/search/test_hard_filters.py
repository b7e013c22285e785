"""Every hard filter of matching, each with a case that must be excluded and one that must not."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from marketplace.search.matching import Offer, Seeker, assess, barriers

TODAY = date(2026, 11, 25)


def seeker(**changes) -> Seeker:
    values = dict(number="A1", location="community", release_region="North West", release_town="Preston",
                  travel_miles=20, interests=["Catering and hospitality", "chef"], skills=["food preparation"])
    values.update(changes)
    return Seeker(**values)


def offer(**changes) -> Offer:
    values = dict(id=1, reference="X1", kind="vacancy", title="Commis chef", sector="Catering and hospitality",
                  region="North West", status="open", places=2, town="Preston",
                  closing_date=TODAY + timedelta(days=14))
    values.update(changes)
    return Offer(**values)


def test_a_plain_good_fit_has_no_barriers():
    assert barriers(seeker(), offer(), TODAY) == []


@pytest.mark.parametrize(("person", "job", "why"), [
    (seeker(), offer(status="closed"), "not open"),
    (seeker(), offer(status="draft"), "not open"),
    (seeker(), offer(closing_date=TODAY - timedelta(days=1)), "not open"),
    (seeker(), offer(places=3, places_taken=3), "no places left"),
    (seeker(), offer(town="Leeds", region="Yorkshire and the Humber"), "miles away"),
    (seeker(travel_miles=None, release_town=""), offer(town="Leeds", region="Yorkshire and the Humber"),
     "not in their release area"),
    (seeker(no_fixed_abode=True, release_town=""), offer(town="Exeter", region="South West"),
     "not in their release area"),
    (seeker(location="custody", release_date=TODAY + timedelta(days=60)),
     offer(start_date=TODAY + timedelta(days=10)), "before their release"),
    (seeker(location="custody", release_date=TODAY + timedelta(days=60), rotl_from=TODAY + timedelta(days=30)),
     offer(start_date=TODAY + timedelta(days=10), custody_ok=True), "before their release"),
    (seeker(location="custody", release_date=TODAY + timedelta(days=60), rotl_from=TODAY),
     offer(start_date=TODAY + timedelta(days=10), custody_ok=False), "before their release"),
    (seeker(location="custody", release_date=TODAY + timedelta(days=60)),
     offer(closing_date=TODAY + timedelta(days=30)), "before their release"),
    (seeker(offence_categories=["arson"]), offer(offence_exclusions=["arson", "sexual"]), "excludes arson"),
    (seeker(no_work_with_children=True), offer(involves_children=True), "children"),
    (seeker(no_work_with_vulnerable_adults=True), offer(involves_vulnerable_adults=True), "vulnerable adults"),
    (seeker(), offer(prison_leavers_only=True), "only for people leaving prison"),
])
def test_each_hard_filter_excludes(person, job, why):
    found = barriers(person, job, TODAY)
    assert found, "should have been excluded"
    assert any(why in reason for reason in found), found


@pytest.mark.parametrize(("person", "job"), [
    (seeker(), offer(town="Leeds", region="Yorkshire and the Humber", national=True)),
    (seeker(), offer(town="Exeter", region="South West", remote=True)),
    (seeker(travel_miles=60), offer(town="Leeds", region="Yorkshire and the Humber")),
    (seeker(location="custody", release_date=TODAY + timedelta(days=60), rotl_from=TODAY + timedelta(days=5)),
     offer(start_date=TODAY + timedelta(days=10), custody_ok=True)),
    (seeker(location="custody", release_date=TODAY + timedelta(days=20)), offer(start_date=TODAY + timedelta(days=25))),
    (seeker(location="custody", release_date=TODAY + timedelta(days=20)), offer(rolling=True, closing_date=None)),
    (seeker(offence_categories=["fraud"]), offer(offence_exclusions=["case_by_case"])),
    (seeker(offence_categories=["driving"]), offer(offence_exclusions=["arson"])),
    (seeker(location="community", release_date=TODAY - timedelta(days=90)), offer(prison_leavers_only=True)),
    (seeker(no_work_with_children=True), offer(involves_vulnerable_adults=True)),
])
def test_allowed_cases_pass(person, job):
    assert barriers(person, job, TODAY) == []


def test_reasons_are_plain_words_strongest_first():
    person = seeker(location="custody", release_date=TODAY + timedelta(days=40), rotl_from=TODAY,
                    qualifications=[{"subject": "retail_commercial", "level": "2", "title": "Food hygiene"}])
    job = offer(kind="guaranteed_interview", custody_ok=True, start_date=TODAY + timedelta(days=5),
                description="Food hygiene level 2 preferred.", offence_exclusions=["case_by_case"],
                pays_minimum_wage=True)
    assert barriers(person, job, TODAY) == []
    match = assess(person, job, 1.0, TODAY)
    assert set(match.reasons[:2]) == {"food preparation — matches skill", "catering and hospitality — matches interest"}
    assert "chef — matches the job they want" in match.reasons
    assert "food hygiene level 2 — matches qualification" in match.reasons
    assert "guaranteed interview" in match.reasons
    assert "accepts ROTL from 25 November 2026" in match.reasons
    assert "considers convictions case by case" in match.reasons
    assert 0 < match.score <= 1


def test_closer_scores_higher_than_further():
    person = seeker(travel_miles=40, interests=[], skills=[])
    near = assess(person, offer(town="Preston"), 0.5, TODAY)
    far = assess(person, offer(town="Blackpool"), 0.5, TODAY)
    assert near.score > far.score


def test_a_qualification_counts_only_when_the_opportunity_names_it():
    """Seen by an outside check: a forklift course was put to a person "for" their cookery
    qualification, because both sit in one Ofqual subject area (retail and commercial enterprise)."""
    cook = seeker(qualifications=[{"subject": "retail_commercial", "level": "2", "title": "Professional cookery"}])
    forklift = offer(title="Counterbalance forklift licence", sector="Warehousing and logistics", kind="training",
                     qualification_subject="retail_commercial", qualification_level="2",
                     description="Three days on a counterbalance truck.")
    assert not any("qualification" in reason for reason in assess(cook, forklift, 1.0, TODAY).reasons)
    kitchen = offer(description="Professional cookery level 2 or working towards it.")
    assert "professional cookery level 2 — matches qualification" in assess(cook, kitchen, 1.0, TODAY).reasons
