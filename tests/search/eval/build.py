"""Make `eval_set.json`: run `python -m tests.search.eval.build` from the project root.

The rubric, written down before looking at what the matcher returns:

Ineligible (a hard filter rules it out; grade 0 and listed in "ineligible"):
  - it is not in their release region, unless it is national or remote, or they can travel a given
    distance from a known town and it is within that distance;
  - they are still in prison and it starts before their release, unless it takes people in custody and
    they can work on release on temporary licence (ROTL) by its start;
  - it excludes one of their offence categories;
  - it involves children (or vulnerable adults) and they must not work with them;
  - it is only for prison leavers and they are not one.
Eligible, graded by what a case manager would call a good fit:
  3  in a sector they want, and its title names a job they want;
  2  in a sector they want;
  1  it asks for a skill they have, or it is a course in the subject of a qualification they hold;
  0  none of these.
"""

from __future__ import annotations

import json
import random
from datetime import date, timedelta

from bench import data
from marketplace.search.geography import coordinates, miles_between
from tests.search.eval import EVAL_FILE

TODAY = date(2026, 11, 25)
REGIONS = ("North West", "Yorkshire and the Humber", "London")


def eligible(person: dict, job: dict) -> bool:
    if not (job["national"] or job["remote"]):
        home, place = coordinates(person["release_town"]), coordinates(job["town"])
        if person["travel_miles"] and home and place and not person["no_fixed_abode"]:
            if miles_between(home, place) > person["travel_miles"]:
                return False
        elif job["region"] != person["release_region"]:
            return False
    release = date.fromisoformat(person["release_date"])
    if person["location"] == "custody" and release >= TODAY:
        start = date.fromisoformat(job["start_date"])
        if start < release:
            rotl = person["rotl_from"] and date.fromisoformat(person["rotl_from"]) <= start
            if not (job["custody_ok"] and rotl):
                return False
    if set(job["offence_exclusions"]) & set(person["offence_categories"]):
        return False
    if job["involves_children"] and person["no_work_with_children"]:
        return False
    return not (job["involves_vulnerable_adults"] and person["no_work_with_vulnerable_adults"])


def grade(person: dict, job: dict) -> int:
    sectors = [i for i in person["interests"] if i in data.JOBS]
    jobs = [i for i in person["interests"] if i not in data.JOBS]
    if job["sector"] in sectors:
        title = job["title"].lower()
        return 3 if any(wanted.lower() in title for wanted in jobs) else 2
    text = f"{job['title']} {job['description']} {job['essential_criteria']} {job['desirable_criteria']}".lower()
    if any(skill.lower() in text for skill in person["skills"]):
        return 1
    subjects = {q["subject"] for q in person["qualifications"]}
    if job["kind"] == "training" and job.get("qualification_subject") in subjects:
        return 1
    return 0


def build(seed: int = 11) -> dict:
    rng = random.Random(seed)
    opportunities = [data.opportunity(rng, n, TODAY, region=rng.choice(REGIONS)) for n in range(240)]
    participants = [data.participant(rng, n, TODAY, region=rng.choice(REGIONS)) for n in range(40)]
    for person in participants:
        # Make every release date a real date so the rubric can read it; community people left earlier.
        person["release_date"] = person["release_date"] or (TODAY - timedelta(days=100)).isoformat()
    judgments: dict[str, dict[str, int]] = {}
    ineligible: dict[str, list[str]] = {}
    for person in participants:
        number = person["participant_number"]
        judgments[number], ineligible[number] = {}, []
        for job in opportunities:
            if eligible(person, job):
                judgments[number][job["external_id"]] = grade(person, job)
            else:
                ineligible[number].append(job["external_id"])
    return {"today": TODAY.isoformat(), "rubric": __doc__.strip(), "participants": participants,
            "opportunities": opportunities, "judgments": judgments, "ineligible": ineligible}


if __name__ == "__main__":
    made = build()
    EVAL_FILE.write_text(json.dumps(made, indent=1, sort_keys=True))
    graded = [g for judged in made["judgments"].values() for g in judged.values()]
    print(f"wrote {EVAL_FILE}: {len(made['participants'])} participants, {len(made['opportunities'])} "
          f"opportunities, {len(graded)} eligible pairs graded "
          f"({', '.join(f'{g}: {graded.count(g)}' for g in (3, 2, 1, 0))})")
