"""Referral funnel: how many referrals reached each stage, how long they sat in each, where they ended
and why (coded reasons), and the same by region, sector, kind of opportunity and alliance level.
Counted over referrals submitted in the period."""

from __future__ import annotations

from statistics import median

from marketplace.referrals.models import (
    DECLINE_REASONS,
    ENDED,
    LEFT_JOB_REASONS,
    STATUS_LABELS,
    WITHDRAW_REASONS,
    Status,
)
from marketplace.reports.breakdowns import DIMENSIONS, grouped, row_for
from marketplace.reports.facts import MAIN_LINE, load_referrals
from marketplace.reports.scope import Filters, Scope
from marketplace.reports.tables import Chart, Column, Report, Row, Table
from marketplace.reports.training import training_table

REASONS = {Status.DECLINED: DECLINE_REASONS, Status.UNSUCCESSFUL: DECLINE_REASONS,
           Status.WITHDRAWN: WITHDRAW_REASONS, Status.LEFT_JOB: LEFT_JOB_REASONS}
ENDINGS_ORDER = [Status.SUSTAINED_26, Status.MOVED_INTO_WORK, Status.LEFT_JOB,
                 Status.DECLINED, Status.UNSUCCESSFUL, Status.NO_SHOW,
                 Status.OFFER_DECLINED, Status.WITHDRAWN]


COHORT = ("Counted: referrals submitted in the period, however far they got; started work is paid work only. "
          "The job outcomes report counts by start date instead, so its job starts can differ.")
DIMENSION_NOTES = {
    "region": "The region of the opportunity. The CSV also gives each region's RS01 code (CFO research series).",
    "level": "The employer's alliance level in force today, not when the referral was made.",
}


JOB_STAGES = frozenset({Status.STARTED, Status.SUSTAINED_13, Status.SUSTAINED_26})


def stage_counts(facts) -> list[tuple[Status, int]]:
    """Referrals reaching each stage; the job stages (started, 13 and 26 weeks in work) count paid work only."""
    return [(stage, sum(1 for fact in facts if fact.reached(stage) and (fact.paid_work or stage not in JOB_STAGES)))
            for stage in MAIN_LINE]


def stage_days(facts) -> dict[str, list[float]]:
    """For each status, how many days each referral sat in it before moving on (still waiting excluded)."""
    days: dict[str, list[float]] = {}
    for fact in facts:
        entered = {}
        for event in fact.events:
            if event.from_status == event.to_status:
                continue
            if event.from_status in entered:
                waited = event.at - entered.pop(event.from_status)
                days.setdefault(event.from_status, []).append(waited.total_seconds() / 86400)
            entered[event.to_status] = event.at
    return days


def endings(facts) -> list[tuple[str, str, int]]:
    """(status, reason code, referrals) for referrals that have ended, in a stable order."""
    counts: dict[tuple[str, str], int] = {}
    for fact in facts:
        if fact.status in ENDED:
            key = (fact.status, fact.reason_code if fact.status in REASONS else "")
            counts[key] = counts.get(key, 0) + 1
    order = {status.value: index for index, status in enumerate(ENDINGS_ORDER)}
    return [(status, reason, count) for (status, reason), count in
            sorted(counts.items(), key=lambda item: (order[item[0][0]], item[0][1]))]


def ending_label(status: str, reason: str) -> str:
    label = STATUS_LABELS[Status(status)]
    if status in REASONS:
        reason_label = REASONS[Status(status)].get(reason, "no reason recorded") if reason else "no reason recorded"
        return f"{label}: {reason_label}"
    return label


def breakdown_table(facts, dimension: str) -> Table:
    heading = DIMENSIONS[dimension][0]
    rows = []
    for label, group in grouped(facts, dimension).items():
        rows.append(row_for(dimension, label, _stage_values(group)))
    rows.append(Row("All", _stage_values(facts), total=True))
    columns = [Column("referred", "Referred"), Column("interviewed", "Interviewed"),
               Column("started", "Started work"),
               Column("interview_rate", "Interviewed (rate)", "rate", ("interviewed", "referred")),
               Column("start_rate", "Started (rate)", "rate", ("started", "referred"))]
    return Table(f"by-{dimension}", f"Referrals by {heading.lower()}", heading, columns, rows,
                 chart=Chart("bars", ("referred", "interviewed", "started")), show_codes=dimension == "region",
                 note=" ".join(filter(None, [COHORT, DIMENSION_NOTES.get(dimension, "")])))


def _stage_values(group) -> dict:
    return {"referred": len(group), "interviewed": sum(1 for f in group if f.reached(Status.INTERVIEWED)),
            "started": sum(1 for f in group if f.job_start)}


def funnel_report(scope: Scope, filters: Filters) -> Report:
    facts = load_referrals(scope, filters)
    waits = stage_days(facts)
    submitted = len(facts)
    stage_rows = []
    for stage, reached in stage_counts(facts):
        stayed = waits.get(stage.value, [])
        stage_rows.append(Row(STATUS_LABELS[stage], {
            "reached": reached, "share": None, "moved_on": len(stayed),
            "median_days": round(median(stayed), 1) if stayed else None}))
        stage_rows[-1].values["of_all"] = submitted
    stages = Table("stages", "How far referrals got", "Stage", [
        Column("reached", "Referrals that reached it"),
        Column("share", "Of all referrals", "rate", ("reached", "of_all")),
        Column("moved_on", "Moved on from it"),
        Column("median_days", "Median time in the stage", "days", ("moved_on",)),
    ], stage_rows, chart=Chart("bars", ("reached",)),
        note="A referral counts at every stage up to the furthest it reached (an interview can be offered "
             "without an acknowledgement first). Started work and in work at 13 and 26 weeks count paid work "
             "only: training, volunteering and unpaid placements are never job starts. Time in a stage runs "
             "from entering it to leaving it.")
    ending_rows = [Row(ending_label(status, reason), {"referrals": count}) for status, reason, count in endings(facts)]
    ended = Table("endings", "Where referrals ended, and why", "Ending and reason",
                  [Column("referrals", "Referrals")], ending_rows, chart=Chart("bars", ("referrals",)),
                  note="Reasons are the coded reasons chosen when the referral ended.")
    open_now = sum(1 for fact in facts if fact.status not in ENDED)
    dimensions = ("region", "sector", "kind", "level")
    training = training_table(facts, "Counted: referrals submitted in the period that started a course, "
                              "volunteering or an unpaid placement.")
    tables = [stages, ended] + [breakdown_table(facts, dimension) for dimension in dimensions] + [training]
    started = stage_rows[MAIN_LINE.index(Status.STARTED)].values["reached"]
    submitted_fact, started_fact = ("facts", "Referrals submitted"), ("facts", "Started work")
    links = [(submitted_fact, (("stages", STATUS_LABELS[Status.SUBMITTED], "reached"),)),
             (started_fact, (("stages", STATUS_LABELS[Status.STARTED], "reached"),)),
             (submitted_fact, (("facts", "Still open"),) + tuple(("endings", row.label, "referrals")
                                                                 for row in ending_rows)),
             (("stages", STATUS_LABELS[Status.SUSTAINED_26], "reached"),
              (("endings", STATUS_LABELS[Status.SUSTAINED_26], "referrals"),))]
    for dimension in dimensions:
        links += [(submitted_fact, ((f"by-{dimension}", "All", "referred"),)),
                  (started_fact, ((f"by-{dimension}", "All", "started"),)),
                  (("stages", STATUS_LABELS[Status.INTERVIEWED], "reached"),
                   ((f"by-{dimension}", "All", "interviewed"),))]
    return Report("funnel", "Referral funnel", "Referrals submitted in the period: how far they got, how long "
                  "each stage took, and where they ended.", tables,
                  facts=[("Referrals submitted", submitted), ("Still open", open_now), ("Started work", started)],
                  links=links)
