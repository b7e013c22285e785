"""Gate coverage: the Gatemate coverage figures (`marketplace.gatemate.coverage`), as tables with
charts, suppression and CSV like every other report. Nothing is recounted here."""

from __future__ import annotations

from marketplace.gatemate.coverage import coverage_report
from marketplace.reference import REGION_REPORT_CODES
from marketplace.reports.scope import MENTORING, SERVICE, Filters, Scope
from marketplace.reports.tables import Chart, Column, Report, Row, Table

COLUMNS = [
    Column("requested", "Requested"),
    Column("mentor_found", "Mentor found"),
    Column("met", "Met at the gate"),
    Column("not_met", "Not met"),
    Column("no_mentor", "No mentor found"),
    Column("waiting", "Still waiting"),
    Column("cancelled", "Cancelled"),
    Column("met_rate", "Met (rate)", "rate", ("met", "decided")),
    Column("median_wait", "Median wait for a mentor", "days", ("waited",)),
]


# Every request ends one way or is still open; a mentor found either met the person or did not.
SUMS = {"column_sums": (("requested", ("mentor_found", "no_mentor", "waiting", "cancelled")),
                        ("mentor_found", ("met", "not_met"))),
        "hidden_sums": {"decided": ("met", "not_met", "no_mentor")}}


def _values(row) -> dict:
    wait = row.median_wait
    return {"requested": row.requested, "mentor_found": row.mentor_found, "met": row.met, "not_met": row.not_met,
            "no_mentor": row.no_mentor, "waiting": row.waiting, "cancelled": row.cancelled,
            "decided": row.met + row.not_met + row.no_mentor, "waited": len(row.waits),
            "median_wait": round(wait.total_seconds() / 86400, 1) if wait is not None else None}


def coverage_tables(scope: Scope, filters: Filters) -> Report:
    if scope.kind not in (SERVICE, MENTORING):
        raise PermissionError("coverage is for admins and mentoring organisations")
    organisation_id = scope.organisation_id if scope.kind == MENTORING else None
    report = coverage_report(filters.start, filters.end, organisation_id=organisation_id, region=filters.region)
    region_rows = [Row(row.label, _values(row), code=REGION_REPORT_CODES.get(row.label, "")) for row in report.regions]
    region_rows.append(Row("All prisons", _values(report.total), total=True))
    prison_rows = [Row(row.label, _values(row)) for row in report.prisons]
    series = ("met", "not_met", "no_mentor")
    return Report("coverage", "Gate coverage", "Releases in the period with a Gatemate request: whether a mentor was "
                  "found and met the person at the gate, by region and by prison of release.", [
                      Table("by-region", "Gate coverage by region", "Region", COLUMNS, region_rows,
                            chart=Chart("bars", series), show_codes=True, **SUMS),
                      Table("by-prison", "Gate coverage by prison", "Prison", COLUMNS, prison_rows,
                            chart=Chart("bars", series), **SUMS)],
                  facts=[("Requests", report.total.requested), ("Met at the gate", report.total.met)],
                  links=[(("facts", "Requests"), (("by-region", "All prisons", "requested"),)),
                         (("facts", "Met at the gate"), (("by-region", "All prisons", "met"),))]
                  + [(("by-region", "All prisons", column.key), tuple(("by-prison", row.label, column.key)
                                                                      for row in prison_rows))
                     for column in COLUMNS if column.kind == "count"],
                  notes=["The met rate is of requests that were met, not met or found no mentor. The wait runs "
                         "from the request to a mentor first accepting it."])
