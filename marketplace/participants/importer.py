"""`flask participants import FILE.jsonl --case-manager EMAIL`: one JSON object per line.

Each line is written in a savepoint of its own, so a bad line leaves nothing behind; good lines are
committed in batches so a long import does not hold the database's write lock for its whole run.
A line whose participant number is already on the organisation's caseload updates that record.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import select

from marketplace.core.exceptions import Refused
from marketplace.extensions import db
from marketplace.participants import operations, records
from marketplace.participants.models import Participant

BATCH = 200


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def rejected(self) -> int:
        return len(self.errors)

    def summary(self) -> str:
        return f"created {self.created}, updated {self.updated}, rejected {self.rejected}"


def import_lines(lines: Iterable[str], case_manager) -> ImportReport:
    report = ImportReport()
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            outcome = _import_line(line, case_manager)
        except records.FieldError as error:
            report.errors.append(f"line {number}: {error.field}: {error.message}")
            continue
        if outcome == "created":
            report.created += 1
        else:
            report.updated += 1
        if (report.created + report.updated) % BATCH == 0:
            db.session.commit()
    db.session.commit()
    return report


def _import_line(line: str, case_manager) -> str:
    try:
        data = json.loads(line)
    except json.JSONDecodeError as error:
        raise records.FieldError("(line)", f"not valid JSON ({error.msg})") from None
    details, restrictions = records.parse(data)
    savepoint = db.session.begin_nested()
    try:
        existing = db.session.scalar(select(Participant).where(
            Participant.organisation_id == case_manager.organisation_id,
            Participant.participant_number == (details.participant_number or "").strip().upper()))
        if existing is None:
            operations.create_participant(details, case_manager, restrictions)
            outcome = "created"
        else:
            operations.update_participant(existing, details, case_manager, restrictions=restrictions)
            outcome = "updated"
        db.session.flush()
    except Refused as refusal:
        savepoint.rollback()
        raise records.FieldError(refusal.field or "(line)", refusal.message) from None
    savepoint.commit()
    return outcome
