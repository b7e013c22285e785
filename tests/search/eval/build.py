"""Make `eval_set.json` and `hurried_set.json`: run `python -m tests.search.eval.build` from the
project root.

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

The hurried set (`hurried_set.json`) is the same 40 people as a case manager types them in a hurry:
the facts chosen from lists stay (where they are, release date and area, travel distance, offence
categories, qualifications), but what they want is written the way people write it: no sector
picked, the job they want in trade shorthand or slang ("KP", "FLT counterbalance", "pick n pack",
"HGV1 C+E", "SIA badge, door work", "tech support"), sometimes misspelt ("warehose", "cleanr"), as a
sentence in the goals box rather than a list, and a skill or two with the odd typo. Each hurried
person is judged exactly as their clean twin (same wants, same eligibility), so the two nDCG@10
figures say how much is lost to the way a profile is written.
"""

from __future__ import annotations

import json
import random
from datetime import date, timedelta

from bench import data
from marketplace.search.geography import coordinates, miles_between
from tests.search.eval import EVAL_FILE, HURRIED_FILE

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


# How each job the clean set wants is written in a hurry: case managers' shorthand and slang, and
# misspellings a quick typist makes. Written by hand from the job titles in bench/data.py.
HURRIED_JOBS = {
    "kitchen porter": "KP", "commis chef": "comis chef", "line cook": "cook on the grill",
    "barista trainee": "barrista", "kitchen assistant": "kitchen asst", "cscs labourer": "CSCS card, labouring",
    "groundworker": "groundworks", "trainee plasterer": "plastering", "painter and decorator": "painter/decorator",
    "bricklayer's labourer": "brickie's labourer", "warehouse operative": "warehose work",
    "forklift driver (counterbalance)": "FLT counterbalance", "reach truck driver": "reach truck",
    "order picker": "pick n pack", "goods in operative": "goods in", "recycling operative": "recyling",
    "bike refurbishment trainee": "fixing bikes", "furniture restorer": "doing up furniture",
    "commercial cleaner": "cleanr", "housekeeping assistant": "housekeeping in hotels",
    "caretaker": "caretaking, handyman", "welder fabricator": "MIG welding", "production operative": "factory work",
    "cnc machine operator trainee": "CNC", "customer assistant": "shop work, tills",
    "stock replenishment assistant": "shelf stacking nights", "hgv class 2 driver": "HGV2 cat C",
    "van delivery driver": "multi drop van", "hgv class 1 driver": "HGV1 C+E",
    "grounds maintenance operative": "gardening, grounds", "market garden assistant": "growing veg",
    "call centre adviser": "call centre", "it support trainee": "tech support", "data entry clerk": "data entry",
    "peer support worker": "peer mentor", "security officer": "SIA badge, door work",
    "leisure centre assistant": "leisure centre", "print finishing assistant": "print finishing",
}
GOAL_SENTENCES = ["wants {job}", "keen on {job} if poss", "{job} - done it before", "anything {job}",
                  "says {job} is what they want", "{job}"]


def misspelt(rng: random.Random, text: str) -> str:
    """Two neighbouring letters swapped in one longer word, as a quick typist does."""
    words = text.split(" ")
    long = [n for n, word in enumerate(words) if len(word) >= 5 and word.isalpha()]
    if not long:
        return text
    n = rng.choice(long)
    word = words[n]
    at = rng.randrange(1, len(word) - 2)
    words[n] = word[:at] + word[at + 1] + word[at] + word[at + 2:]
    return " ".join(words)


def hurried(clean: dict, seed: int = 15) -> dict:
    """The clean set's people as profiles typed in a hurry (see the module's docstring)."""
    rng = random.Random(seed)
    people, twins = [], {}
    for person in clean["participants"]:
        jobs = [i for i in person["interests"] if i not in data.JOBS]
        wanted = HURRIED_JOBS[jobs[0]]
        goal = rng.choice(GOAL_SENTENCES).format(job=wanted)
        skills = [misspelt(rng, skill) if rng.random() < 0.4 else skill for skill in person["skills"][:2]]
        number = "H" + person["participant_number"][1:]
        twins[number] = person["participant_number"]
        people.append({**person, "participant_number": number, "first_name": "Hurried",
                       "interests": [wanted] if rng.random() < 0.5 else [], "goals": goal, "skills": skills,
                       "work_history": ""})
    return {"note": "Profiles typed in a hurry; each is judged as its clean twin (build.py).",
            "participants": people, "twin": twins}


if __name__ == "__main__":
    made = build()
    EVAL_FILE.write_text(json.dumps(made, indent=1, sort_keys=True))
    HURRIED_FILE.write_text(json.dumps(hurried(made), indent=1, sort_keys=True))
    graded = [g for judged in made["judgments"].values() for g in judged.values()]
    print(f"wrote {EVAL_FILE}: {len(made['participants'])} participants, {len(made['opportunities'])} "
          f"opportunities, {len(graded)} eligible pairs graded "
          f"({', '.join(f'{g}: {graded.count(g)}' for g in (3, 2, 1, 0))})")
