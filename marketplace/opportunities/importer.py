"""`flask opportunities import FILE.jsonl --organisation NAME`: one JSON object per line.

Each line is written in a savepoint of its own, so a bad line leaves nothing behind; good lines are
committed in batches so a long import does not hold the database's write lock for its whole run (both
in core/importing.py, which every import shares). A line whose `external_id` the organisation already
has updates that opportunity; a new one is published at once (it passed the same checks as publishing
a draft). Re-importing changes details and never changes a status, except that an opportunity with no
places left is marked filled and one with places again is reopened while its closing date has not
passed.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from marketplace.core import importing
from marketplace.extensions import db
from marketplace.opportunities import operations, records
from marketplace.opportunities.models import Opportunity


def import_lines(lines: Iterable[str], organisation) -> importing.ImportReport:
    return importing.import_lines(lines, lambda line: _import_line(line, organisation))


def _import_line(line: str, organisation) -> str:
    details = records.parse(importing.read_json_line(line))
    with importing.line_savepoint():
        existing = db.session.scalar(select(Opportunity.id).where(
            Opportunity.organisation_id == organisation.id,
            Opportunity.external_id == (details.external_id or "").strip()))
        if existing is None:
            operations.create_opportunity(organisation, details, None, publish=True)
            return "created"
        operations.update_opportunity(existing, details, None)
        return "updated"
