"""Training and volunteering outcomes: what became of people who started a course, volunteering or an
unpaid placement (anything that is not paid work, Opportunity.is_paid_work) — completed it, gained a
qualification from it, moved into work after it. These are never job starts; the funnel and the job
outcomes report each show them in a table of their own, counted over the same cohort as the report."""

from __future__ import annotations

from marketplace.opportunities.models import KINDS, Opportunity
from marketplace.referrals.models import NOT_PAID_OUTCOMES, Referral, Status
from marketplace.reports.facts import ReferralFact, load_referrals
from marketplace.reports.scope import Filters, Scope
from marketplace.reports.tables import Chart, Column, Row, Table

# A placement that is not paid work is unpaid, or paid but training (Opportunity.is_paid_work).
KIND_LABELS = {**KINDS, "work_placement": "Unpaid or training placement"}
ORDER = ["training", "volunteering", "work_placement"]
STARTED_STATUSES = (Status.STARTED, Status.LEFT_JOB, *sorted(NOT_PAID_OUTCOMES))

COLUMNS = [
    Column("started", "Started"),
    Column("completed", "Completed"),
    Column("qualification", "Qualification gained"),
    Column("moved", "Moved into work"),
    Column("completed_rate", "Completed (rate)", "rate", ("completed", "started")),
    Column("moved_rate", "Moved into work (rate)", "rate", ("moved", "started")),
]


def training_values(facts: list[ReferralFact]) -> dict:
    """The outcomes recorded so far; each is dated on the referral and cleared when a step is corrected,
    so a corrected mistake is never counted."""
    return {"started": len(facts),
            "completed": sum(1 for f in facts if f.completed_on is not None),
            "qualification": sum(1 for f in facts if f.qualification_on is not None),
            "moved": sum(1 for f in facts if f.moved_into_work_on is not None)}


def training_table(facts: list[ReferralFact], cohort: str) -> Table:
    """One row per kind that is not paid work, and All: from facts of referrals that started."""
    started = [fact for fact in facts if not fact.paid_work and fact.reached(Status.STARTED)]
    by_kind: dict[str, list] = {}
    for fact in started:
        by_kind.setdefault(fact.kind, []).append(fact)
    kinds = [kind for kind in ORDER if kind in by_kind] + sorted(set(by_kind) - set(ORDER))
    rows = [Row(KIND_LABELS.get(kind, kind), training_values(by_kind[kind])) for kind in kinds]
    if rows:  # none started: the table says there is nothing to show, rather than charting zeros
        rows.append(Row("All", training_values(started), total=True))
    return Table("training", "Training and volunteering outcomes", "Kind of opportunity", COLUMNS, rows,
                 chart=Chart("bars", ("started", "completed", "qualification", "moved")),
                 note=f"{cohort} These are not job starts: a course, volunteering or an unpaid placement records "
                      "whether it was completed, a qualification gained from it (its title and level are on the "
                      "referral) and whether the person moved into work after it, instead of the 13- and 26-week "
                      "in-work checks. Moved into work counts work found through this service or elsewhere.")


def load_training_starts(scope: Scope, filters: Filters) -> list[ReferralFact]:
    """Referrals to things that are not paid work, started in the period (by start date)."""
    return load_referrals(scope, filters, anchor=Referral.start_date, moment=False,
                          extra=(Referral.status.in_([str(s) for s in STARTED_STATUSES]),
                                 Referral.start_date.is_not(None), ~Opportunity.is_paid_work))
