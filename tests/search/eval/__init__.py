"""The labelled evaluation set for matching: participants, opportunities, and graded judgments of
which opportunities are right for whom (3 = what they want, 2 = the sector they want, 1 = uses their
skills or qualification, 0 = unrelated), with the pairs a hard filter rules out marked ineligible.

`eval_set.json` was made by `build.py` (run `python -m tests.search.eval.build` to remake it) and is
kept fixed so that results can be compared over time. The judgments follow the written rubric in
`build.py`, which is independent of the matcher's code.
"""

from __future__ import annotations

import json
import math
from datetime import date, datetime, time
from pathlib import Path

EVAL_FILE = Path(__file__).with_name("eval_set.json")
HURRIED_FILE = Path(__file__).with_name("hurried_set.json")


def load_eval_set() -> dict:
    return json.loads(EVAL_FILE.read_text())


def load_hurried_set() -> dict:
    """The same people as profiles typed in a hurry, each judged as their clean twin (build.py)."""
    return json.loads(HURRIED_FILE.read_text())


def load_into_database(eval_set: dict, hurried_set: dict | None = None) -> None:
    """Create the set's opportunities (for one level 3 member) and participants (for one case
    manager), and the hurried set's participants if given, through the service's own operations,
    then build the index."""
    from marketplace.core import clock
    from marketplace.extensions import db
    from marketplace.opportunities import operations as opportunity_operations
    from marketplace.opportunities import records as opportunity_records
    from marketplace.participants import operations as participant_operations
    from marketplace.participants import records as participant_records
    from marketplace.search import sync
    from tests.factories import UserFactory, member_organisation

    clock.fix(datetime.combine(date.fromisoformat(eval_set["today"]), time(12)))
    employer = member_organisation(3)
    manager = UserFactory(role="case_manager")
    for record in eval_set["opportunities"]:
        opportunity_operations.create_opportunity(employer, opportunity_records.parse(record), None, publish=True)
    for record in [*eval_set["participants"], *(hurried_set["participants"] if hurried_set else [])]:
        details, restrictions = participant_records.parse(record)
        participant_operations.create_participant(details, manager, restrictions)
    db.session.commit()
    sync.reindex()


def dcg(gains: list[float]) -> float:
    return sum(gain / math.log2(rank + 2) for rank, gain in enumerate(gains))


def ndcg_at(ranked: list[str], judged: dict[str, int], k: int = 10) -> float:
    ideal = dcg(sorted(judged.values(), reverse=True)[:k])
    if ideal == 0:
        return 1.0 if not ranked else 0.0
    return dcg([judged.get(reference, 0) for reference in ranked[:k]]) / ideal
