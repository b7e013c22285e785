"""`flask participants import FILE.jsonl --case-manager EMAIL`: one JSON object per line.

Each line is written in a savepoint of its own, so a bad line leaves nothing behind; good lines are
committed in batches so a long import does not hold the database's write lock for its whole run
(both in core/importing.py, which every import shares).
A line whose participant number is already on the organisation's caseload updates that record.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from marketplace.core import importing
from marketplace.extensions import db
from marketplace.participants import operations, records
from marketplace.participants.models import Participant


def import_lines(lines: Iterable[str], case_manager) -> importing.ImportReport:
    return importing.import_lines(lines, lambda line: _import_line(line, case_manager))


def _import_line(line: str, case_manager) -> str:
    details, restrictions = records.parse(importing.read_json_line(line))
    with importing.line_savepoint():
        existing = db.session.scalar(select(Participant).where(
            Participant.organisation_id == case_manager.organisation_id,
            Participant.participant_number == (details.participant_number or "").strip().upper()))
        if existing is None:
            operations.create_participant(details, case_manager, restrictions)
            return "created"
        operations.update_participant(existing, details, case_manager, restrictions=restrictions)
        return "updated"
