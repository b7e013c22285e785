"""Job outcomes: starts in paid work (Opportunity.is_paid_work) in the period and how many people were
still in work at 13 and 26 weeks, as counts and as rates of those whose 13 or 26 weeks have passed.
Training and volunteering are never job starts."""

from __future__ import annotations

from datetime import date, timedelta

from marketplace.core import clock
from marketplace.opportunities.models import Opportunity
from marketplace.referrals.models import Referral, Status
from marketplace.reports.breakdowns import DIMENSIONS, grouped, row_for
from marketplace.reports.facts import load_referrals
from marketplace.reports.funnel import DIMENSION_NOTES
from marketplace.reports.scope import Filters, Scope
from marketplace.reports.tables import Chart, Column, Report, Row, Table
from marketplace.reports.training import load_training_starts, training_table

STARTED_STATUSES = (Status.STARTED, Status.SUSTAINED_13, Status.SUSTAINED_26, Status.LEFT_JOB)

COHORT = ("Counted: people who started paid work in the period (by start date), whenever they were referred; the "
          "referral funnel counts referrals submitted in the period instead, so its starts can differ.")
COLUMNS = [
    Column("starts", "Job starts"),
    Column("due_13", "13 weeks passed"),
    Column("in_work_13", "In work at 13 weeks"),
    Column("rate_13", "Rate at 13 weeks", "rate", ("in_work_13", "due_13")),
    Column("due_26", "26 weeks passed"),
    Column("in_work_26", "In work at 26 weeks"),
    Column("rate_26", "Rate at 26 weeks", "rate", ("in_work_26", "due_26")),
]


def outcome_values(facts, today: date) -> dict:
    def due(fact, weeks):
        return fact.start_date + timedelta(weeks=weeks) <= today

    return {
        "starts": len(facts),
        "due_13": sum(1 for f in facts if due(f, 13)),
        "in_work_13": sum(1 for f in facts if due(f, 13) and f.reached(Status.SUSTAINED_13)),
        "due_26": sum(1 for f in facts if due(f, 26)),
        "in_work_26": sum(1 for f in facts if due(f, 26) and f.reached(Status.SUSTAINED_26)),
    }


def load_starts(scope: Scope, filters: Filters):
    return load_referrals(scope, filters, anchor=Referral.start_date, moment=False,
                          extra=(Referral.status.in_([s.value for s in STARTED_STATUSES]),
                                 Referral.start_date.is_not(None), Opportunity.is_paid_work))


def outcomes_report(scope: Scope, filters: Filters) -> Report:
    today = clock.today()
    facts = load_starts(scope, filters)
    tables = []
    for dimension in ("region", "sector", "level", "provider"):
        heading = DIMENSIONS[dimension][0]
        rows = [row_for(dimension, label, outcome_values(group, today))
                for label, group in grouped(facts, dimension).items()]
        rows.append(Row("All", outcome_values(facts, today), total=True))
        tables.append(Table(f"by-{dimension}", f"Job outcomes by {heading.lower()}", heading, COLUMNS, rows,
                            chart=Chart("bars", ("rate_13", "rate_26"), unit="%"),
                            show_codes=dimension == "region",
                            note=" ".join(filter(None, [COHORT, DIMENSION_NOTES.get(dimension, "")]))))
    total = outcome_values(facts, today)
    headline = {"starts": "Job starts", "in_work_13": "In work at 13 weeks", "in_work_26": "In work at 26 weeks"}
    links = [(("facts", label), ((table.key, "All", key),)) for key, label in headline.items() for table in tables]
    links += [((tables[0].key, "All", column.key), ((table.key, "All", column.key),))
              for table in tables[1:] for column in COLUMNS if column.kind == "count"]
    tables.append(training_table(load_training_starts(scope, filters), "Counted: people who started a course, "
                                 "volunteering or an unpaid placement in the period (by start date)."))
    return Report("outcomes", "Job outcomes", "People who started paid work in the period, and how many were still in "
                  "work 13 and 26 weeks later. Rates count only people whose 13 or 26 weeks have passed. Courses, "
                  "volunteering and unpaid placements have outcomes of their own, in the last table.", tables,
                  facts=[(label, total[key]) for key, label in headline.items()], links=links)
