"""Guaranteed interviews: referrals whose interview fell due in the period, whether the employer
offered it in time (by the due date), late, or not yet (overdue), by employer."""

from __future__ import annotations

from marketplace.core import clock
from marketplace.referrals.models import BEFORE_INTERVIEW, Referral
from marketplace.reports.breakdowns import grouped, row_for
from marketplace.reports.facts import load_referrals
from marketplace.reports.scope import EMPLOYER, Filters, Scope
from marketplace.reports.tables import Chart, Column, Report, Row, Table

OUTCOMES = ("in_time", "late", "overdue", "not_due", "ended")


def classify(fact, today) -> str:
    offered = next((event.at for event in fact.events if event.action == "offer_interview"), None)
    if offered is not None:
        return "in_time" if offered.date() <= fact.guarantee_due_on else "late"
    if fact.status in BEFORE_INTERVIEW:
        return "overdue" if today > fact.guarantee_due_on else "not_due"
    return "ended"


def guarantee_values(facts, today) -> dict:
    values = dict.fromkeys(OUTCOMES, 0)
    for fact in facts:
        values[classify(fact, today)] += 1
    values["due"] = len(facts)
    values["decided"] = values["in_time"] + values["late"] + values["overdue"]
    return values


COLUMNS = [
    Column("due", "Guaranteed interviews due"),
    Column("in_time", "Offered in time"),
    Column("late", "Offered late"),
    Column("overdue", "Overdue"),
    Column("not_due", "Not yet due"),
    Column("ended", "Ended before an offer"),
    Column("rate", "Kept in time (rate)", "rate", ("in_time", "decided")),
]


def guarantees_report(scope: Scope, filters: Filters) -> Report:
    today = clock.today()
    facts = load_referrals(scope, filters, anchor=Referral.guarantee_due_on, moment=False,
                           extra=(Referral.guaranteed.is_(True), Referral.guarantee_due_on.is_not(None)))
    rows = [row_for("employer", label, guarantee_values(group, today))
            for label, group in grouped(facts, "employer").items()]
    total = guarantee_values(facts, today)
    rows.append(Row("All", total, total=True))
    table = Table("by-employer", "Guaranteed interviews by employer", "Employer", COLUMNS, rows,
                  chart=Chart("bars", ("in_time", "late", "overdue")),
                  column_sums=(("due", ("in_time", "late", "overdue", "not_due", "ended")),),
                  hidden_sums={"decided": ("in_time", "late", "overdue")},
                  note="Due is 10 working days after the referral was submitted. The rate is of interviews "
                       "offered or overdue; those not yet due, or that ended first, are left out.")
    return Report("guarantees", "Guaranteed interviews", "Guaranteed interviews that fell due in the period, and "
                  "whether the employer offered them in time.", [table],
                  facts=[("Due", total["due"]), ("Offered in time", total["in_time"]),
                         ("Overdue now", total["overdue"])],
                  links=[(("facts", "Due"), (("by-employer", "All", "due"),)),
                         (("facts", "Offered in time"), (("by-employer", "All", "in_time"),)),
                         (("facts", "Overdue now"), (("by-employer", "All", "overdue"),))],
                  # An employer sees only its own referrals, whose people it has met: no count is hidden.
                  exact=scope.kind == EMPLOYER)
