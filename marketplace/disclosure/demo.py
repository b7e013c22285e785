"""Demo convictions: for each demo participant with offence categories, a record that matches them,
some spent, some not, one never spent; a criminal record check on each demo opportunity; and one
disclosure letter. Its own random source, so the other features' demo data stay as they were."""

from __future__ import annotations

import random
from datetime import date, timedelta

from marketplace.core import clock
from marketplace.disclosure import operations, rules
from marketplace.disclosure.models import ConvictionRecord, DisclosureLetter, SentenceRecord
from marketplace.extensions import db

SPECIFIED = {"sexual", "terrorism", "violence", "arson"}  # the demo treats these as DBS-specified offences


def _add(participant, kind: str, day: date, category: str, sentences, specified: bool = False,
         schedule_18: bool = False) -> ConvictionRecord:
    record = ConvictionRecord(participant_id=participant.id, participant=participant, kind=kind, convicted_on=day,
                              offence_category=category, specified=specified, schedule_18=schedule_18,
                              created_at=clock.now(),
                              updated_at=clock.now(),
                              sentences=[SentenceRecord(position=i, type=t, length_months=m, end_date=e)
                                         for i, (t, m, e) in enumerate(sentences)])
    db.session.add(record)
    return record


def _earliest(participant) -> date:
    return rules.months_after(participant.date_of_birth, 18 * 12)  # demo records are all from adulthood


def _day_between(rng, start: date, end: date) -> date:
    return start + timedelta(days=rng.randint(0, max(0, (end - start).days)))


def _record(rng, participant, today: date) -> int:
    """Convictions for this person's offence categories: the latest one unspent if they are in prison
    or recently released, older ones spent."""
    earliest = _earliest(participant)
    made = 0
    categories = list(participant.offence_categories)
    rng.shuffle(categories)
    for position, category in enumerate(categories):
        specified = category in SPECIFIED
        if position == 0 and (participant.location == "custody" or participant.release_date):
            months = rng.choice([6, 12, 18, 24, 36])
            release = participant.release_date or today
            day = max(earliest, min(today, release - timedelta(days=months * 15)))
            end = rules.months_after(day, months) - timedelta(days=1)
            _add(participant, "conviction", day, category, [("custody", months, end)], specified)
        elif rng.random() < 0.5:
            day = _day_between(rng, max(earliest, today - timedelta(days=365 * 9)), today - timedelta(days=400))
            _add(participant, "conviction", day, category, [("fine", None, None)], specified)
        else:
            day = _day_between(rng, max(earliest, today - timedelta(days=365 * 6)), today - timedelta(days=200))
            _add(participant, "conviction", day, category,
                 [("community_order", rng.choice([6, 12, 18]), None)], specified)
        made += 1
    return made


def seed(context) -> list[str]:
    rng = random.Random(context.seed * 7919 + 10)
    today = clock.today()
    participants = [p for p in context.made.get("participants", []) if p.offence_categories]
    convictions = 0
    for participant in participants:
        if participant.date_of_birth > today - timedelta(days=365 * 19):
            continue  # too young for the demo's adult-only records to make sense
        convictions += _record(rng, participant, today)
    # One person whose conviction is never spent: over four years' custody for a Schedule 18 offence (also
    # on the DBS list).
    manager = context.made["case_managers"][0]
    own = [p for p in participants if p.case_manager_id == manager.id and not p.is_closed
           and p.date_of_birth < today - timedelta(days=365 * 35)]
    never = own[0] if own else None
    if never is not None:
        day = today - timedelta(days=365 * 9)
        _add(never, "conviction", day, "violence", [("custody", 60, rules.months_after(day, 60) - timedelta(days=1))],
             specified=True, schedule_18=True)
        if "violence" not in never.offence_categories:
            never.offence_categories = sorted([*never.offence_categories, "violence"])
        convictions += 1
    # And a caution long ago, for someone else of the demo case manager's (spent, and filtered after 6 years).
    if len(own) > 1:
        _add(own[1], "caution", today - timedelta(days=365 * 7), own[1].offence_categories[0], [])
        convictions += 1
    db.session.flush()

    levels = {"none": 0, "basic": 0, "standard": 0, "enhanced": 0}
    for opportunity in context.made.get("opportunities", []):
        # Standard and enhanced checks only where the law allows them: work with children or vulnerable adults.
        if opportunity.involves_children:
            opportunity.check_level = "enhanced"
        elif opportunity.involves_vulnerable_adults:
            opportunity.check_level = rng.choice(["standard", "enhanced"])
        else:
            opportunity.check_level = rng.choices(["none", "basic"], weights=[3, 5])[0]
        levels[opportunity.check_level] += 1

    letters = 0
    writer = next((p for p in own[2:] if operations.disclosable(p, "basic", today)), None)
    if writer is not None:
        draft = operations.draft_letter(writer, "basic", today)
        body = draft.replace("[In your own words: what happened, and what has changed since.]",
                             "I was in a bad place then, drinking and out of work, and I know I let people "
                             "down. I now work with an alcohol service and have been sober since.").replace(
            "[What you have done since: work, training, courses, volunteering.]",
            "Inside I passed my Level 2 in food hygiene and worked in the prison kitchen every day.")
        db.session.add(DisclosureLetter(participant_id=writer.id, check_level="basic", body=body,
                                        updated_by_id=manager.id, updated_at=clock.now()))
        letters += 1
    db.session.flush()
    return [f"{convictions} convictions and cautions for {len(participants)} participants, {letters} disclosure "
            f"letter; opportunities' checks: " + ", ".join(f"{n} {level}" for level, n in levels.items())]
