"""Distance travelled: for the participants in scope whose latest needs assessment falls in the period
and who have at least two, how each pathway's need moved between the first and the latest assessment
(red 3, amber 2, green 1; a positive change is less need). Uses `participants.models.distance_travelled`,
the same measure the participant's own page shows."""

from __future__ import annotations

from sqlalchemy import select

from marketplace.extensions import db
from marketplace.participants.models import NeedsAssessment, Participant, distance_travelled
from marketplace.reference import PATHWAYS, REGION_REPORT_CODES, REGIONS
from marketplace.reports.scope import PROVIDER, SERVICE, Filters, Scope
from marketplace.reports.tables import Chart, Column, Report, Row, Table

COLUMNS = [
    Column("people", "People assessed twice or more"),
    Column("better", "Less need"),
    Column("same", "No change"),
    Column("worse", "More need"),
    Column("better_rate", "Less need (rate)", "rate", ("better", "people")),
    Column("mean", "Average change", "score", ("people",)),
]


PEOPLE_SUM = (("people", ("better", "same", "worse")),)


def assessed_people(scope: Scope, filters: Filters) -> dict[int, tuple[str, list[NeedsAssessment]]]:
    """Participant id -> (release region, assessments in order) for people in scope with two or more
    assessments, the latest in the period."""
    if scope.kind not in (SERVICE, PROVIDER):
        raise PermissionError("distance travelled is for admins and providers")
    query = select(Participant.id, Participant.release_region)
    if scope.kind == PROVIDER:
        query = query.where(Participant.organisation_id == scope.organisation_id)
    if filters.region:
        query = query.where(Participant.release_region == filters.region)
    regions = dict(db.session.execute(query).all())
    assessments: dict[int, list[NeedsAssessment]] = {}
    for assessment in db.session.scalars(select(NeedsAssessment).where(
            NeedsAssessment.participant_id.in_(query.with_only_columns(Participant.id)))
            .order_by(NeedsAssessment.participant_id, NeedsAssessment.assessed_on, NeedsAssessment.id)):
        assessments.setdefault(assessment.participant_id, []).append(assessment)
    return {pid: (regions[pid], items) for pid, items in assessments.items()
            if len(items) >= 2 and filters.start <= items[-1].assessed_on <= filters.end}


def pathway_values(changes: list[int]) -> dict:
    return {"people": len(changes), "better": sum(1 for c in changes if c > 0),
            "same": sum(1 for c in changes if c == 0), "worse": sum(1 for c in changes if c < 0),
            "mean": round(sum(changes) / len(changes), 2) if changes else None}


def distance_report(scope: Scope, filters: Filters) -> Report:
    people = assessed_people(scope, filters)
    by_pathway: dict[str, list[int]] = {code: [] for code in PATHWAYS}
    by_region: dict[str, list[int]] = {}
    for region, items in people.values():
        person_changes = []
        for row in distance_travelled(items):
            if row["change"] is not None:
                by_pathway[row["pathway"]].append(row["change"])
                person_changes.append(row["change"])
        if person_changes:
            by_region.setdefault(region, []).append(round(sum(person_changes) / len(person_changes), 2))
    pathway_rows = [Row(PATHWAYS[code], pathway_values(changes)) for code, changes in by_pathway.items() if changes]
    region_rows = []
    for region in REGIONS:
        if region in by_region:
            changes = by_region[region]
            values = pathway_values([1 if c > 0 else (-1 if c < 0 else 0) for c in changes])
            values["mean"] = round(sum(changes) / len(changes), 2)
            region_rows.append(Row(region, values, code=REGION_REPORT_CODES.get(region, "")))
    tables = [
        Table("by-pathway", "How needs moved, by pathway", "Pathway", COLUMNS, pathway_rows,
              chart=Chart("bars", ("better", "same", "worse")), column_sums=PEOPLE_SUM,
              note="Each person counts once per pathway rated in both their first and their latest assessment."),
        Table("by-region", "How needs moved, by region of release", "Region", [
            Column("people", "People assessed twice or more"), Column("better", "Less need overall"),
            Column("same", "No change overall"), Column("worse", "More need overall"),
            Column("better_rate", "Less need overall (rate)", "rate", ("better", "people")),
            Column("mean", "Average change per pathway", "score", ("people",))], region_rows,
              chart=Chart("bars", ("better", "same", "worse")), show_codes=True, column_sums=PEOPLE_SUM,
              note="Overall is the person's average change across the pathways rated both times."),
    ]
    return Report("distance", "Distance travelled", "How needs moved between each person's first and latest needs "
                  "assessment (red, amber, green), for people whose latest assessment was in the period.", tables,
                  facts=[("People assessed twice or more", len(people))],
                  links=[(("facts", "People assessed twice or more"),
                          tuple(("by-region", row.label, "people") for row in region_rows))])
