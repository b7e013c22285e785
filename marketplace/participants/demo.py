"""Demo caseloads: a few hundred fictional people spread over the case managers, with realistic mixes
of release dates, needs, skills and assessment histories."""

from __future__ import annotations

import string
from datetime import timedelta

from marketplace.core import clock
from marketplace.extensions import db
from marketplace.participants.models import (
    READINESS_TASKS,
    CaseStatus,
    ConsentRecord,
    Location,
    NeedsAssessment,
    Participant,
    Readiness,
)
from marketplace.reference import PATHWAYS, PRISONS, SECTORS, TOWNS_BY_REGION

# What people coming out of prison commonly bring and want, by sector.
SKILLS_BY_SECTOR = {
    "Catering and hospitality": ["food preparation", "kitchen porter", "cooking", "barista", "food hygiene"],
    "Construction": ["bricklaying", "plastering", "painting and decorating", "dry lining", "labouring"],
    "Logistics and warehousing": ["forklift driving", "picking and packing", "stock control", "pallet truck"],
    "Recycling and waste": ["waste sorting", "bike repair", "furniture restoration"],
    "Cleaning and facilities": ["industrial cleaning", "housekeeping", "laundry"],
    "Engineering and manufacturing": ["welding", "fabrication", "machine operation", "CNC"],
    "Retail": ["customer service", "till work", "merchandising"],
    "Driving and transport": ["van driving", "HGV class 2", "route planning"],
    "Agriculture and horticulture": ["grounds maintenance", "horticulture", "market gardening"],
    "IT and digital": ["IT support", "data entry", "web design"],
    "Customer service": ["call handling", "customer service"],
    "Health and social care": ["peer mentoring", "care work"],
    "Arts and media": ["printing", "graphic design"],
}
JOBS_BY_SECTOR = {
    "Catering and hospitality": ["chef", "kitchen assistant", "barista"],
    "Construction": ["labourer", "plasterer", "painter and decorator"],
    "Logistics and warehousing": ["warehouse operative", "forklift driver"],
    "Recycling and waste": ["recycling operative"],
    "Cleaning and facilities": ["cleaner", "caretaker"],
    "Engineering and manufacturing": ["welder", "production operative"],
    "Retail": ["shop assistant"],
    "Driving and transport": ["delivery driver"],
}
QUALIFICATIONS = [
    {"subject": "retail_commercial", "level": "2", "title": "Food Safety and Hygiene"},
    {"subject": "construction", "level": "1", "title": "CSCS Health and Safety"},
    {"subject": "retail_commercial", "level": "2", "title": "Warehousing and Storage"},
    {"subject": "engineering", "level": "2", "title": "Forklift Truck (counterbalance)"},
    {"subject": "life_work", "level": "1", "title": "Functional Skills English"},
    {"subject": "life_work", "level": "1", "title": "Functional Skills Maths"},
    {"subject": "life_work", "level": "entry", "title": "Employability Skills"},
    {"subject": "construction", "level": "2", "title": "Painting and Decorating"},
    {"subject": "retail_commercial", "level": "1", "title": "Cleaning and Support Services"},
    {"subject": "digital", "level": "2", "title": "IT User Skills"},
    {"subject": "health_care", "level": "2", "title": "Health and Social Care"},
    {"subject": "retail_commercial", "level": "2", "title": "Professional Cookery"},
    {"subject": "agriculture", "level": "1", "title": "Horticulture"},
    {"subject": "engineering", "level": "2", "title": "Welding"},
]
WORK_HISTORIES = [
    "Worked in a warehouse for two years before custody; picking and forklift.",
    "Labouring on building sites through an agency, on and off for five years.",
    "Kitchen porter and then commis chef in a hotel.",
    "Little formal work; helped in the family's market stall.",
    "Prison kitchen orderly for 18 months; wing cleaner before that.",
    "Delivery driver for a courier firm until licence was revoked.",
    "Retail assistant in a supermarket for three years.",
    "Worked in the prison's recycling workshop, repairing bikes.",
    "",
]
GOALS = [
    "Wants steady full-time work close to family.",
    "Wants to get a CSCS card and work in construction.",
    "Hopes to train as a chef.",
    "Wants part-time work while in recovery.",
    "Wants to drive for a living again once licence is back.",
    "Would like to start their own cleaning business one day.",
]


def _prison_number(rng) -> str:
    letters = string.ascii_uppercase
    return f"{rng.choice('ABG')}{rng.randint(1000, 9999)}{rng.choice(letters)}{rng.choice(letters)}"


def _crn(rng) -> str:
    return f"{rng.choice('DEFGX')}{rng.randint(100000, 999999)}"


def seed(context) -> list[str]:
    rng, fake = context.rng, context.fake
    today = clock.today()
    now = clock.now()
    case_managers = context.made["case_managers"]
    prisons_by_region: dict[str, list[str]] = {}
    for prison, region in PRISONS.items():
        prisons_by_region.setdefault(region, []).append(prison)
    participants: list[Participant] = []
    used_numbers: set[tuple[int, str]] = set()
    assessments = consents = 0

    for index, case_manager in enumerate(case_managers):
        organisation = case_manager.organisation
        size = 24 if index == 0 else rng.randint(2, 5)
        for _ in range(size):
            custody = rng.random() < (0.8 if organisation.provider_type == "prison" else 0.45)
            if index == 0:
                custody = rng.random() < 0.7
            region = organisation.region if rng.random() < 0.85 else rng.choice(list(prisons_by_region))
            number = _prison_number(rng) if custody else _crn(rng)
            while (organisation.id, number) in used_numbers:
                number = _prison_number(rng) if custody else _crn(rng)
            used_numbers.add((organisation.id, number))
            born = today - timedelta(days=rng.randint(18 * 365, 58 * 365))
            sectors = rng.sample(list(SKILLS_BY_SECTOR), k=rng.randint(1, 3))
            skills = sorted({skill for sector in sectors for skill in rng.sample(SKILLS_BY_SECTOR[sector], k=2)})
            jobs = [rng.choice(JOBS_BY_SECTOR[s]) for s in sectors if s in JOBS_BY_SECTOR][:2]
            if custody:
                # Most releases fall in the next year; a good share inside 12 weeks, as in a real caseload.
                release = today + timedelta(days=rng.choice([rng.randint(3, 84), rng.randint(3, 84),
                                                             rng.randint(85, 365)]))
                prison = rng.choice(prisons_by_region.get(region, list(PRISONS)))
            else:
                release = today - timedelta(days=rng.randint(10, 700)) if rng.random() < 0.7 else None
                prison = None
            nfa = rng.random() < 0.08
            readiness = rng.choices(list(Readiness), weights=[3, 5, 4, 1, 0.5])[0]
            participant = Participant(
                organisation_id=organisation.id, case_manager_id=case_manager.id, participant_number=number,
                first_name=fake.first_name(), last_name=fake.last_name(), date_of_birth=born,
                location=Location.CUSTODY if custody else Location.COMMUNITY, prison=prison, release_date=release,
                release_date_confirmed=bool(release) and rng.random() < 0.6,
                order_end_date=(release or today) + timedelta(days=rng.randint(90, 900)),
                release_region=region, release_town="" if nfa else rng.choice(TOWNS_BY_REGION[region]),
                release_postcode="" if nfa else fake.postcode(), no_fixed_abode=nfa,
                travel_miles=rng.choice([None, 5, 10, 15, 20, 30]),
                rotl_from=(release - timedelta(days=rng.randint(20, 120)))
                if custody and rng.random() < 0.25 else None,
                skills=skills, qualifications=rng.sample(QUALIFICATIONS, k=rng.randint(0, 3)),
                work_history=rng.choice(WORK_HISTORIES), interests=[s for s in sectors if s in SECTORS] + jobs,
                goals=rng.choice(GOALS), readiness=readiness,
                readiness_tasks={task: rng.choices(["not_started", "in_progress", "done"],
                                                   weights=[3, 2, 4 if readiness == Readiness.READY else 1])[0]
                                 for task in READINESS_TASKS},
                offence_categories=sorted(rng.sample(["arson", "driving", "sexual", "violence", "fraud", "other"],
                                                     k=rng.choices([0, 1, 2], weights=[2, 5, 2])[0])),
                no_work_with_children=rng.random() < 0.08, no_work_with_vulnerable_adults=rng.random() < 0.06,
                rosh_level=rng.choice([None, "low", "low", "medium", "high"]),
                status=CaseStatus.ACTIVE, created_at=now - timedelta(days=rng.randint(30, 400)), updated_at=now,
            )
            if "sexual" in participant.offence_categories:
                participant.no_work_with_children = True
                participant.mappa_category, participant.mappa_level = "1", rng.choice(["1", "2"])
            db.session.add(participant)
            participants.append(participant)
            # Assessments over the past months, most showing need going down.
            history = rng.choices([0, 1, 2, 3, 4], weights=[1, 2, 3, 2, 1])[0]
            ratings = {p: rng.choices(["red", "amber", "green"], weights=[4, 4, 2])[0] for p in PATHWAYS}
            for step in range(history):
                assessed_on = today - timedelta(days=(history - step) * rng.randint(25, 50))
                db.session.add(NeedsAssessment(participant=participant, assessed_on=assessed_on,
                                               assessed_by_id=case_manager.id, ratings=dict(ratings),
                                               notes="", created_at=now))
                assessments += 1
                ratings = {p: _progress(rng, rating) for p, rating in ratings.items()}
            if rng.random() < 0.78:
                db.session.add(ConsentRecord(participant=participant, employers=rng.random() < 0.9,
                                             mentors=rng.random() < 0.8,
                                             given_on=today - timedelta(days=rng.randint(1, 120)),
                                             purpose="Referrals to work and training, and release-day support.",
                                             recorded_by_id=case_manager.id, recorded_at=now))
                consents += 1
    # A few closed cases, two of them long enough ago to fall to the retention purge.
    for participant, years_ago in zip(rng.sample(participants, k=8), [0, 0, 1, 1, 2, 3, 7, 8], strict=True):
        participant.status = CaseStatus.CLOSED
        participant.closed_at = now - timedelta(days=365 * years_ago + rng.randint(1, 200))
        participant.closed_reason = rng.choice(["sustained_work", "moved_away", "disengaged"])
    db.session.flush()
    context.made["participants"] = participants
    return [f"{len(participants)} participants with {assessments} needs assessments and {consents} consent records"]


def _progress(rng, rating: str) -> str:
    """Support usually reduces need a little between assessments; sometimes it slips."""
    roll = rng.random()
    if rating == "red":
        return "amber" if roll < 0.45 else "red"
    if rating == "amber":
        return "green" if roll < 0.4 else ("red" if roll > 0.93 else "amber")
    return "amber" if roll > 0.92 else "green"
