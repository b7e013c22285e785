"""Matching through the index and the database: hard filters hold end to end, reasons are shown,
other organisations' people never appear, and the `flask match` contract."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest

from marketplace.core import clock
from marketplace.extensions import db
from marketplace.search import sync
from marketplace.search.matching import Seeker
from marketplace.search.queries import match_seeker, people_for
from tests.factories import ConsentRecordFactory, OpportunityFactory, ParticipantFactory, UserFactory


def person(**changes):
    values = dict(location="community", prison=None, release_date=clock.today() - timedelta(days=60),
                  release_region="North West", release_town="Manchester", travel_miles=20,
                  interests=["Catering and hospitality", "chef"], skills=["food preparation"])
    values.update(changes)
    return ParticipantFactory(**values)


def catering(title, **changes):
    values = dict(title=title, sector="Catering and hospitality", description="Cooking in our kitchen.",
                  town="Manchester", region="North West")
    values.update(changes)
    return OpportunityFactory(**values)


def matched_titles(participant) -> list[str]:
    return [m.offer.title for m in match_seeker(Seeker.from_participant(participant), clock.today(), limit=50)]


def test_hard_filters_hold_end_to_end():
    seeker = person(offence_categories=["arson"], no_work_with_children=True)
    catering("Good fit")
    catering("Excludes arson", offence_exclusions=["arson"])
    catering("With children", involves_children=True)
    catering("Full", places=1, places_taken=1)
    catering("Closed", status="closed")
    catering("Too far", town="Plymouth", region="South West")
    catering("Prison leavers only", prison_leavers_only=False)
    catering("Remote kitchen admin", town="Plymouth", region="South West", remote=True)
    catering("Case by case", offence_exclusions=["case_by_case"])
    db.session.commit()
    sync.reindex()
    found = matched_titles(seeker)
    assert set(found) == {"Good fit", "Prison leavers only", "Remote kitchen admin", "Case by case"}


def test_timing_for_someone_still_in_prison():
    inside = person(location="custody", prison="HMP Manchester", release_date=clock.today() + timedelta(days=40),
                    rotl_from=None)
    on_rotl = person(location="custody", prison="HMP Manchester", release_date=clock.today() + timedelta(days=40),
                     rotl_from=clock.today() + timedelta(days=5))
    catering("Starts next week", start_date=clock.today() + timedelta(days=7), custody_ok=True)
    catering("Starts after release", start_date=clock.today() + timedelta(days=50))
    db.session.commit()
    sync.reindex()
    assert matched_titles(inside) == ["Starts after release"]
    assert set(matched_titles(on_rotl)) == {"Starts next week", "Starts after release"}
    reasons = next(m.reasons for m in match_seeker(Seeker.from_participant(on_rotl), clock.today())
                   if m.offer.title == "Starts next week")
    assert any(reason.startswith("accepts ROTL from") for reason in reasons)


def test_interest_ranks_first():
    seeker = person()
    catering("Commis chef")
    OpportunityFactory(title="Warehouse picker", town="Manchester", region="North West")
    db.session.commit()
    sync.reindex()
    found = match_seeker(Seeker.from_participant(seeker), clock.today())
    assert [m.offer.title for m in found] == ["Commis chef", "Warehouse picker"]
    assert "catering and hospitality — matches interest" in found[0].reasons


def test_people_who_fit_come_only_from_the_case_managers_own_organisation():
    manager = UserFactory(role="case_manager")
    mine = person(case_manager=manager, first_name="Mine")
    theirs = person(first_name="Theirs")
    opportunity = catering("Commis chef")
    db.session.commit()
    sync.reindex()
    found = people_for(opportunity, manager.organisation_id, clock.today())
    assert [p.id for p, _ in found] == [mine.id]
    assert theirs.id not in [p.id for p, _ in found]


def test_match_page_shows_reasons_and_filters_by_sector(client, login_as):
    manager = login_as("case_manager")
    participant = person(case_manager=manager)
    ConsentRecordFactory(participant=participant)
    catering("Commis chef")
    OpportunityFactory(title="Warehouse picker", town="Manchester", region="North West")
    db.session.commit()
    sync.reindex()
    page = client.get(f"/search/participants/{participant.id}").data.decode()
    assert "Commis chef" in page and "Warehouse picker" in page
    assert "matches interest" in page
    assert f"/referrals/new?participant={participant.id}" in page.replace("&amp;", "&")
    filtered = client.get(f"/search/participants/{participant.id}?sector=Logistics+and+warehousing").data.decode()
    assert "Warehouse picker" in filtered and "Commis chef" not in filtered


def test_match_page_for_another_organisations_participant_is_a_404(client, login_as):
    login_as("case_manager")
    stranger = person(first_name="Hidden")
    db.session.commit()
    response = client.get(f"/search/participants/{stranger.id}")
    assert response.status_code == 404 and b"Hidden" not in response.data


def test_people_page_never_lists_another_organisations_participants(client, login_as):
    manager = login_as("case_manager")
    person(case_manager=manager, first_name="Ours")
    person(first_name="Notours")
    opportunity = catering("Commis chef")
    db.session.commit()
    sync.reindex()
    page = client.get(f"/search/opportunities/{opportunity.id}/people").data.decode()
    assert "Ours" in page and "Notours" not in page


# The `flask match` contract -----------------------------------------------------------------------------

RECORD = {
    "participant_number": "M1", "location": "community", "prison": None, "release_date": None,
    "release_region": "North West", "release_town": "Manchester", "release_postcode": "", "no_fixed_abode": False,
    "travel_miles": 20, "rotl_from": None, "skills": ["food preparation"], "qualifications": [],
    "work_history": "", "interests": ["Catering and hospitality"], "goals": "", "offence_categories": ["arson"],
    "no_work_with_children": False, "no_work_with_vulnerable_adults": False,
}


def run_match(app, tmp_path, *args, record=None, lines=None):
    if lines is not None:
        path = tmp_path / "people.jsonl"
        path.write_text("\n".join(json.dumps(line) if isinstance(line, dict) else line for line in lines))
        return app.test_cli_runner().invoke(args=["match", "--participants", str(path), "--format", "json", *args])
    path = tmp_path / "person.json"
    path.write_text(json.dumps(record if record is not None else RECORD))
    return app.test_cli_runner().invoke(args=["match", "--participant", str(path), "--format", "json", *args])


def test_match_prints_one_json_object_best_first(app, tmp_path):
    catering("Commis chef", external_id="HK-1")
    catering("Excludes arson", offence_exclusions=["arson"])
    OpportunityFactory(title="Warehouse picker", town="Manchester", region="North West")
    db.session.commit()
    result = run_match(app, tmp_path)
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1
    output = json.loads(lines[0])
    assert output["participant"] == "M1"
    references = [m["opportunity"] for m in output["matches"]]
    assert references[0] == "HK-1" and len(references) == 2
    assert all(isinstance(m["score"], float) and m["reasons"] for m in output["matches"])
    assert [m["score"] for m in output["matches"]] == sorted((m["score"] for m in output["matches"]), reverse=True)


def test_match_limit_and_today(app, tmp_path):
    for n in range(5):
        catering(f"Chef {n}", closing_date=clock.today() + timedelta(days=10))
    db.session.commit()
    assert len(json.loads(run_match(app, tmp_path, "--limit", "2").output)["matches"]) == 2
    later = (clock.today() + timedelta(days=11)).isoformat()
    assert json.loads(run_match(app, tmp_path, "--today", later).output)["matches"] == []


def test_match_many_participants_one_line_each(app, tmp_path):
    catering("Commis chef")
    db.session.commit()
    result = run_match(app, tmp_path, lines=[RECORD, {**RECORD, "participant_number": "M2"}])
    assert [json.loads(line)["participant"] for line in result.output.strip().splitlines()] == ["M1", "M2"]


@pytest.mark.parametrize(("record", "message"), [
    ({**RECORD, "shoe_size": 9}, "shoe_size: is not a field of a participant"),
    ({**RECORD, "release_region": "Narnia"}, "release_region: must be one of"),
    ({**RECORD, "release_date": "next week"}, "release_date: 'next week' is not a date"),
    ({**RECORD, "offence_categories": ["littering"]}, "offence_categories:"),
    ({**RECORD, "travel_miles": "far"}, "travel_miles: must be a whole number"),
    ({key: value for key, value in RECORD.items() if key != "location"}, "location: is required"),
])
def test_match_reports_bad_input_by_field(app, tmp_path, record, message):
    result = run_match(app, tmp_path, record=record)
    assert result.exit_code != 0
    assert message in result.output
    assert "Traceback" not in result.output


def test_match_reports_the_line_of_a_bad_record(app, tmp_path):
    result = run_match(app, tmp_path, lines=[RECORD, "{broken"])
    assert result.exit_code != 0 and "line 2: not valid JSON" in result.output


def test_match_stores_nothing(app, tmp_path):
    from sqlalchemy import func, select

    from marketplace.participants.models import Participant
    from marketplace.search.models import IndexTask

    catering("Commis chef")
    db.session.commit()
    before = db.session.scalar(select(func.count()).select_from(IndexTask))
    run_match(app, tmp_path)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Participant)) == 0
    assert db.session.scalar(select(func.count()).select_from(IndexTask)) == before


def test_reasons_read_as_plain_words(app, tmp_path):
    catering("Commis chef", kind="guaranteed_interview", minimum_requirements=["Right to work in the UK"])
    db.session.commit()
    output = json.loads(run_match(app, tmp_path).output)
    reasons = output["matches"][0]["reasons"]
    assert "catering and hospitality — matches interest" in reasons and "guaranteed interview" in reasons
    assert all(re.match(r"^[\w£ ,.:'—()-]+$", reason) for reason in reasons)


def test_reachable_wanted_work_ranks_above_in_person_work_open_nationally_far_away():
    """A person in Lancaster who can travel 15 miles and wants construction work: the construction
    job nearby comes first; a comparable construction volunteering role in Cambridge "open
    nationally" (in person, 200 miles away) that also matches their qualification comes below it
    and says where it is; remote work is unaffected."""
    seeker = person(release_town="Lancaster", travel_miles=15, interests=[], skills=[],
                    goals="I want to get back into construction work",
                    qualifications=[{"subject": "construction", "level": "2", "title": ""}])
    far = dict(kind="volunteering", sector="Construction", town="Cambridge", region="East of England",
               qualification_subject="construction", paid=False, pay_from=None, pays_minimum_wage=False)
    OpportunityFactory(title="Construction volunteer", description="Building a community garden.",
                       national=True, **far)
    OpportunityFactory(title="Construction operative", description="Building new homes.", sector="Construction",
                       town="Morecambe", region="North West")
    OpportunityFactory(title="Construction planning volunteer", description="Planning a community garden.",
                       remote=True, **far)
    db.session.commit()
    sync.reindex()
    matches = match_seeker(Seeker.from_participant(seeker), clock.today())
    found = {m.offer.title: m for m in matches}
    order = [m.offer.title for m in matches]
    assert order.index("Construction operative") < order.index("Construction volunteer")
    assert order.index("Construction planning volunteer") < order.index("Construction volunteer")
    assert "wants construction work — their goal" in " ".join(found["Construction operative"].reasons)
    assert any(re.fullmatch(r"open nationally — based in Cambridge, \d+ miles", reason)
               for reason in found["Construction volunteer"].reasons), found["Construction volunteer"].reasons
    assert "can be done remotely" in found["Construction planning volunteer"].reasons


def test_each_match_says_whether_the_person_was_already_referred(client, login_as):
    from tests.factories import ReferralFactory

    manager = login_as("case_manager")
    participant = person(case_manager=manager)
    ConsentRecordFactory(participant=participant)
    referred = catering("Commis chef")
    catering("Breakfast cook")
    ReferralFactory(participant=participant, opportunity=referred, case_manager=manager)
    db.session.commit()
    sync.reindex()
    page = client.get(f"/search/participants/{participant.id}").data.decode()

    def result(title: str) -> str:
        start = page.index(f">{title}<")
        following = page.find('class="fcw-result"', start)
        return page[start:following if following > 0 else page.index("</ol>", start)]

    assert "Already referred" in result("Commis chef")
    assert "Already referred" not in result("Breakfast cook")


def test_distance_reasons_read_as_a_person_says_them():
    from marketplace.search.matching import _miles_from

    assert _miles_from(0.2, "Manchester") == "in Manchester"
    assert _miles_from(1.2, "Bolton") == "1 mile from Bolton"
    assert _miles_from(12.4, "Bolton") == "12 miles from Bolton"


def test_work_named_only_in_the_jobs_they_want_is_not_quoted_as_an_empty_goal():
    """Someone with no goal written, who wants to be an HGV driver: the driving work is what they
    want, and the reason says it comes from the jobs they want, not an empty quote of a goal."""
    driver = person(interests=["HGV driver"], skills=[], goals="")
    OpportunityFactory(title="Class 2 driver", description="Deliveries across the region.",
                       sector="Driving and transport", town="Manchester", region="North West")
    db.session.commit()
    sync.reindex()
    found = {m.offer.title: m for m in match_seeker(Seeker.from_participant(driver), clock.today())}
    reasons = " ".join(found["Class 2 driver"].reasons)
    assert "wants driving and transport work — from the jobs they want" in reasons, reasons
    assert "their goal" not in reasons and "\u201c\u201d" not in reasons

    goal = person(interests=[], skills=[], goals="I want to drive lorries, HGV")
    found = {m.offer.title: m for m in match_seeker(Seeker.from_participant(goal), clock.today())}
    assert "their goal (\u201cI want to drive lorries, HGV\u201d)" in " ".join(found["Class 2 driver"].reasons)
