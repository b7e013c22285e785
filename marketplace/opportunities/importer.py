"""`flask opportunities import FILE.jsonl --organisation NAME`: one JSON object per line.

Each line is written in a savepoint of its own, so a bad line leaves nothing behind; good lines are
committed in batches so a long import does not hold the database's write lock for its whole run. A line
whose `external_id` the organisation already has updates that opportunity; a new one is published at
once (it passed the same checks as publishing a draft). Re-importing changes details and never changes
a status, except that an opportunity with no places left is marked filled and one with places again is
reopened while its closing date has not passed.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import select

from marketplace.core.exceptions import Refused
from marketplace.extensions import db
from marketplace.opportunities import operations, records
from marketplace.opportunities.models import Opportunity

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


def import_lines(lines: Iterable[str], organisation) -> ImportReport:
    report = ImportReport()
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            outcome = _import_line(line, organisation)
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


def _import_line(line: str, organisation) -> str:
    try:
        data = json.loads(line)
    except json.JSONDecodeError as error:
        raise records.FieldError("(line)", f"not valid JSON ({error.msg})") from None
    details = records.parse(data)
    savepoint = db.session.begin_nested()
    try:
        existing = db.session.scalar(select(Opportunity.id).where(
            Opportunity.organisation_id == organisation.id,
            Opportunity.external_id == (details.external_id or "").strip()))
        if existing is None:
            operations.create_opportunity(organisation, details, None, publish=True)
            outcome = "created"
        else:
            operations.update_opportunity(existing, details, None)
            outcome = "updated"
        db.session.flush()
    except Refused as refusal:
        savepoint.rollback()
        raise records.FieldError(refusal.field or "(line)", refusal.message) from None
    savepoint.commit()
    return outcome
