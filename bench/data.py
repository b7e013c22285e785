"""Realistic fictional opportunities and participants for benchmarks and the matching evaluation.

Records come out in the import formats (`opportunities import`, `participants import`), so the same
files can be loaded through the real import commands. Deterministic for a seed.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from marketplace.reference import PRISONS, REGIONS, TOWNS_BY_REGION

TOWNS = TOWNS_BY_REGION

# Jobs by sector: (title, occupation group, typical hourly pay, skills words, qualification subject)
JOBS = {
    "Catering and hospitality": [
        ("Kitchen porter", "9", 12.71, "washing up, kitchen cleaning, food storage", "retail_commercial"),
        ("Commis chef", "5", 13.2, "food preparation, cooking, knife skills, food hygiene", "retail_commercial"),
        ("Line cook", "5", 13.0, "grill, cooking to order, food hygiene", "retail_commercial"),
        ("Barista trainee", "6", 12.71, "coffee, barista, customer service, till", "retail_commercial"),
        ("Kitchen assistant", "9", 12.71, "food preparation, cleaning, stock rotation", "retail_commercial"),
    ],
    "Construction": [
        ("CSCS labourer", "9", 14.5, "labouring, site safety, CSCS card, manual handling", "construction"),
        ("Groundworker", "5", 15.0, "groundworks, drainage, concrete", "construction"),
        ("Trainee plasterer", "5", 13.5, "plastering, dry lining, mixing", "construction"),
        ("Painter and decorator", "5", 14.0, "painting, decorating, surface preparation", "construction"),
        ("Bricklayer's labourer", "9", 13.8, "labouring, mixing mortar, loading out", "construction"),
    ],
    "Logistics and warehousing": [
        ("Warehouse operative", "9", 12.9, "picking, packing, stock control, pallet truck", "retail_commercial"),
        ("Forklift driver (counterbalance)", "8", 14.2, "forklift, FLT licence, counterbalance, loading",
         "engineering"),
        ("Reach truck driver", "8", 14.5, "reach truck, racking, stock rotation", "engineering"),
        ("Order picker", "9", 12.8, "picking, scanning, packing", "retail_commercial"),
        ("Goods in operative", "9", 13.0, "unloading, checking deliveries, stock control", "retail_commercial"),
    ],
    "Recycling and waste": [
        ("Recycling operative", "9", 12.71, "waste sorting, recycling, manual handling", "agriculture"),
        ("Bike refurbishment trainee", "5", 12.71, "bike repair, mechanics, refurbishment", "engineering"),
        ("Furniture restorer", "5", 12.9, "furniture restoration, sanding, upholstery", "construction"),
    ],
    "Cleaning and facilities": [
        ("Commercial cleaner", "9", 12.71, "cleaning, hygiene, floor machines", "retail_commercial"),
        ("Housekeeping assistant", "9", 12.71, "housekeeping, laundry, room cleaning", "leisure_travel"),
        ("Caretaker", "9", 13.1, "caretaking, minor repairs, security checks", "construction"),
    ],
    "Engineering and manufacturing": [
        ("Welder fabricator", "5", 16.0, "welding, MIG, fabrication, reading drawings", "engineering"),
        ("Production operative", "8", 12.9, "machine operation, assembly, quality checks", "engineering"),
        ("CNC machine operator trainee", "8", 13.5, "CNC, machine setting, measuring", "engineering"),
    ],
    "Retail": [
        ("Customer assistant", "7", 12.71, "till, customer service, shelf stacking", "retail_commercial"),
        ("Stock replenishment assistant", "9", 12.71, "stock, night shift, merchandising", "retail_commercial"),
    ],
    "Driving and transport": [
        ("HGV class 2 driver", "8", 16.5, "HGV, class 2, CPC, multi-drop", "engineering"),
        ("Van delivery driver", "8", 13.2, "van driving, multi-drop, route planning", "engineering"),
        ("HGV class 1 driver", "8", 18.0, "HGV, class 1, C+E, tramping", "engineering"),
    ],
    "Agriculture and horticulture": [
        ("Grounds maintenance operative", "5", 12.9, "grounds maintenance, mowing, hedge cutting", "agriculture"),
        ("Market garden assistant", "9", 12.71, "horticulture, planting, harvesting", "agriculture"),
    ],
    "Customer service": [
        ("Call centre adviser", "7", 12.9, "customer service, call handling, IT", "business_law"),
    ],
    "IT and digital": [
        ("IT support trainee", "3", 13.5, "IT support, hardware, helpdesk", "digital"),
        ("Data entry clerk", "4", 12.71, "data entry, typing, spreadsheets", "digital"),
    ],
    "Health and social care": [
        ("Peer support worker", "6", 13.0, "peer mentoring, lived experience, listening", "health_care"),
    ],
    "Security": [
        ("Security officer", "9", 13.0, "SIA licence, patrols, CCTV", "health_care"),
    ],
    "Sport and leisure": [
        ("Leisure centre assistant", "6", 12.71, "customer service, pool plant, cleaning", "leisure_travel"),
    ],
    "Arts and media": [
        ("Print finishing assistant", "8", 12.8, "printing, guillotine, finishing", "arts_media"),
    ],
}

OPENINGS = [
    "We are a {size} {sector} employer in {town} and we welcome applications from people with convictions.",
    "Join our team in {town}. We have employed prison leavers for years and judge people on what they can do.",
    "A {size} business in {town} looking for reliable people who want to learn.",
    "We work with probation and prisons across {region} and offer real jobs with real pay.",
]
DUTIES = [
    "Day to day you will {skills}.",
    "The work involves {skills}; full training is given.",
    "You will learn {skills} alongside an experienced team.",
]
CLOSINGS = [
    "Convictions are considered case by case, and we will talk to you about your disclosure in confidence.",
    "We have signed up to Ban the Box: there is no convictions tick box on our application form.",
    "A mentor from our team supports every new starter through their first 13 weeks.",
    "Interviews can be held in prison or on release day, whichever suits.",
]
SIZES = ["small", "family-run", "growing", "large", "national"]


def _pay(rng: random.Random, hourly: float) -> dict:
    top = round(hourly * rng.uniform(1.0, 1.15), 2)
    return {"pay_from": round(hourly, 2), "pay_to": top, "pay_period": "hour", "pays_minimum_wage": True}


def opportunity(rng: random.Random, number: int, today: date, *, region: str | None = None,
                sector: str | None = None) -> dict:
    """One opportunity in the `opportunities import` format, valid for a level 3 member."""
    sector = sector or rng.choice(list(JOBS))
    title, occupation, hourly, skills, subject = rng.choice(JOBS[sector])
    region = region or rng.choice(REGIONS)
    town = rng.choice(TOWNS[region])
    kind = rng.choices(["vacancy", "guaranteed_interview", "work_placement", "training", "volunteering"],
                       weights=[5, 2, 2, 2, 1])[0]
    text = " ".join([rng.choice(OPENINGS), rng.choice(DUTIES), rng.choice(CLOSINGS)]).format(
        size=rng.choice(SIZES), sector=sector.lower(), town=town, region=region, skills=skills)
    exclusions = rng.choices([["none"], ["case_by_case"], ["sexual"], ["sexual", "violence"], ["fraud"], ["arson"],
                              ["driving"]], weights=[4, 5, 2, 1, 1, 1, 1])[0]
    if sector == "Driving and transport" and rng.random() < 0.6:
        exclusions = sorted({e for e in exclusions if e not in ("none", "case_by_case")} | {"driving"})
    start = today + timedelta(days=rng.choice([7, 14, 28, 42, 60, 90]))
    rolling = rng.random() < 0.25
    record = {
        "external_id": f"BENCH-{number:06d}", "kind": kind, "title": title, "description": text,
        "sector": sector, "occupation_group": occupation, "town": town, "postcode": "", "region": region,
        "national": rng.random() < 0.03,
        "remote": sector in ("IT and digital", "Customer service") and rng.random() < 0.3,
        "hours_per_week": rng.choice([16, 20, 30, 37.5, 40]),
        "work_pattern": rng.choice(["full_time", "part_time", "shifts", "nights", "weekends", "flexible"]),
        "contract_type": rng.choice(["permanent", "fixed_term", "temporary"]),
        "start_date": start.isoformat(),
        "closing_date": None if rolling else (today + timedelta(days=rng.randint(7, 120))).isoformat(),
        "rolling": rolling, "places": rng.choice([1, 1, 2, 3, 5, 10]),
        "essential_criteria": f"Willing to learn {skills.split(',')[0]}. Reliable and punctual.",
        "desirable_criteria": f"Experience of {skills.split(',')[-1].strip()}.",
        "documents": rng.choice([["cv"], ["cv", "disclosure_letter"], []]),
        "offence_exclusions": exclusions,
        "involves_children": sector == "Sport and leisure" and rng.random() < 0.5,
        "involves_vulnerable_adults": sector == "Health and social care",
        "custody_ok": rng.random() < 0.3, "prison_leavers_only": rng.random() < 0.1,
        "fidelity_bond": rng.random() < 0.1, "how_to_apply": "Through your case manager on Fair Chance Work.",
        **_pay(rng, hourly),
    }
    if kind == "guaranteed_interview":
        record["title"] = f"Guaranteed interview: {title.lower()}"
        record["minimum_requirements"] = ["Right to work in the UK", "Able to start within four weeks of release"]
    elif kind == "work_placement":
        record["title"] = f"{title} work placement"
        record.update({"end_date": (start + timedelta(days=rng.choice([30, 60, 90]))).isoformat(), "paid": True,
                       "setting": rng.choice(["community", "day_release"]), "contract_type": "temporary"})
        if record["setting"] == "day_release":
            record["custody_ok"] = True
    elif kind == "training":
        record["title"] = f"{title} training course"
        record.update({"end_date": (start + timedelta(days=rng.choice([14, 30, 60]))).isoformat(),
                       "pay_from": None, "pay_to": None, "pay_period": "", "pays_minimum_wage": False,
                       "qualification_subject": subject, "qualification_level": rng.choice(["1", "2"]),
                       "contract_type": "", "work_pattern": "part_time"})
    elif kind == "volunteering":
        record["title"] = f"Volunteer {title.lower()}"
        record.update({"pay_from": None, "pay_to": None, "pay_period": "", "pays_minimum_wage": False,
                       "contract_type": "", "work_pattern": "flexible"})
    return record


def participant(rng: random.Random, number: int, today: date, *, region: str | None = None) -> dict:
    """One participant in the `participants import` format."""
    region = region or rng.choice(REGIONS)
    town = rng.choice(TOWNS[region])
    sectors = rng.sample(list(JOBS), k=rng.randint(1, 2))
    jobs = [rng.choice(JOBS[s])[0].lower() for s in sectors]
    skills = sorted({skill.strip() for s in sectors for skill in rng.choice(JOBS[s])[3].split(",")[:2]})
    custody = rng.random() < 0.5
    release = today + timedelta(days=rng.randint(5, 200)) if custody else today - timedelta(days=rng.randint(10, 400))
    prisons = [name for name, prison_region in PRISONS.items() if prison_region == region] or list(PRISONS)
    subject = rng.choice(JOBS[sectors[0]])[4]
    return {
        "participant_number": f"P{number:07d}", "first_name": "Bench", "last_name": f"Person{number}",
        "date_of_birth": (today - timedelta(days=rng.randint(19 * 365, 55 * 365))).isoformat(),
        "location": "custody" if custody else "community", "prison": rng.choice(prisons) if custody else None,
        "release_date": release.isoformat(), "release_region": region, "release_town": town,
        "release_postcode": "", "no_fixed_abode": rng.random() < 0.05,
        "travel_miles": rng.choice([None, 10, 15, 20, 30]),
        "rotl_from": (release - timedelta(days=rng.randint(10, 60))).isoformat()
        if custody and rng.random() < 0.3 else None,
        "skills": skills, "qualifications": [{"subject": subject, "level": rng.choice(["1", "2"]), "title": ""}]
        if rng.random() < 0.6 else [],
        "work_history": rng.choice(["", "Agency work on and off.", f"Worked as a {jobs[0]} before custody."]),
        "interests": sectors + jobs, "goals": f"Steady work as a {jobs[0]}.",
        "offence_categories": rng.choices([[], ["violence"], ["driving"], ["fraud"], ["sexual"], ["arson"]],
                                          weights=[5, 3, 2, 2, 1, 1])[0],
        "no_work_with_children": False, "no_work_with_vulnerable_adults": False,
    }
