"""Community Payback per region: projects from nomination to delivery, the hours of unpaid work and
their value at the minimum wage, ETE hours, and people who went from payback into a job.

Projects are not people, so their counts are shown as they are (the public pages show votes the same
way); hours are not people either. The counts of people (orders finished, jobs started) go through
the same suppression as every other report (tables.Report protects itself).

Each figure has its own day in the period: a nomination the day it was made or confirmed; an
assessment, a shortlisting the day of that step; a vote the day it closed; a project delivered, and
hours, the days the work was done; a person the day they finished their order (the day of the
attendance that completed its hours). A job is what the job outcomes report counts as a job start
(outcomes.load_starts: paid work, started; never a course, volunteering or an unpaid placement),
started from the day the order was made up to six calendar months after it was finished.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select

from marketplace.accounts.models import Organisation
from marketplace.core import clock
from marketplace.extensions import db
from marketplace.participants.models import Participant
from marketplace.payback.models import PaybackHours, PaybackOrder, PaybackProject, PaybackVote, ProjectEvent
from marketplace.payback.operations import hours_delivered_by_region, value_at_minimum_wage
from marketplace.reference import REGION_REPORT_CODES, REGIONS, minimum_wage_on
from marketplace.reports.outcomes import load_starts
from marketplace.reports.scope import PAYBACK, SERVICE, Filters, Scope, in_period
from marketplace.reports.tables import Chart, Column, Report, Row, Table

MONTHS_TO_A_JOB = 6
ASSESSMENTS = ("shortlist", "accept", "decline")

PROJECT_COLUMNS = [
    Column("nominated", "Nominated", "number"),
    Column("confirmed", "Confirmed by the nominator", "number"),
    Column("assessed", "Assessed", "number"),
    Column("shortlisted", "Shortlisted", "number"),
    Column("voted", "Public vote closed", "number"),
    Column("votes", "Votes counted", "number"),
    Column("delivered", "Delivered (work done)", "number"),
]
HOURS_COLUMNS = [
    Column("work_hours", "Hours of unpaid work", "number"),
    Column("value", "Their value at the minimum wage (£)", "number"),
    Column("ete_hours", "ETE hours", "number"),
]
PEOPLE_COLUMNS = [
    Column("finished", "Finished their order"),
    Column("due", "Six months since finishing passed"),
    Column("into_work", "Started a job within six months"),
]


def add_months(day: date, months: int) -> date:
    """The same day `months` calendar months later (the month's last day where it is shorter)."""
    year, month = divmod(day.month - 1 + months, 12)
    year, month = day.year + year, month + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def regions_for(scope: Scope, filters: Filters) -> list[str]:
    if scope.kind == PAYBACK:
        return [scope.region]
    return [filters.region] if filters.region else list(REGIONS)


def _grouped(query) -> dict[str, int]:
    return {region: int(count or 0) for region, count in db.session.execute(query)}


def project_figures(filters: Filters, today: date) -> dict[str, dict[str, int]]:
    """Per figure, per region: how many projects reached that step in the period."""
    project = PaybackProject
    figures = {
        "nominated": _grouped(select(project.region, func.count(project.id))
                              .where(*in_period(project.created_at, filters, moment=True)).group_by(project.region)),
        "confirmed": _grouped(select(project.region, func.count(project.id))
                              .where(*in_period(project.confirmed_at, filters, moment=True))
                              .group_by(project.region)),
        "voted": _grouped(select(project.region, func.count(project.id))
                          .where(*in_period(project.vote_closes_on, filters, moment=False),
                                 project.vote_closes_on < today).group_by(project.region)),
        "votes": _grouped(select(project.region, func.count(PaybackVote.id))
                          .join(PaybackVote, PaybackVote.project_id == project.id)
                          .where(*in_period(PaybackVote.confirmed_at, filters, moment=True))
                          .group_by(project.region)),
        "delivered": _grouped(select(project.region, func.count(func.distinct(project.id)))
                              .join(PaybackHours, PaybackHours.project_id == project.id)
                              .where(PaybackHours.kind == "work", PaybackHours.minutes > 0,
                                     *in_period(PaybackHours.worked_on, filters, moment=False))
                              .group_by(project.region)),
    }
    for key, actions in (("assessed", ASSESSMENTS), ("shortlisted", ("shortlist",))):
        figures[key] = _grouped(select(project.region, func.count(func.distinct(project.id)))
                                .join(ProjectEvent, ProjectEvent.project_id == project.id)
                                .where(ProjectEvent.action.in_(actions),
                                       *in_period(ProjectEvent.at, filters, moment=True))
                                .group_by(project.region))
    return figures


def ete_minutes(filters: Filters) -> dict[str, int]:
    """ETE minutes done in the period that count toward orders (hours past the region's cap are recorded
    but do not count: PaybackHours.counted_minutes), by the region of the person's provider (ETE has no
    project)."""
    return _grouped(select(Organisation.region, func.sum(PaybackHours.counted_minutes))
                    .join(Participant, Participant.id == PaybackHours.participant_id)
                    .join(Organisation, Organisation.id == Participant.organisation_id)
                    .where(PaybackHours.kind == "ete", *in_period(PaybackHours.worked_on, filters, moment=False))
                    .group_by(Organisation.region))


def finished_orders(filters: Filters) -> list[tuple[int, str, date, date]]:
    """(person, their provider's region, order made on, finished on) for each order whose hours were
    all done by a day in the period: the day of the attendance that completed them (counting what
    counts toward the order, as PaybackOrder.minutes_done does)."""
    orders = db.session.execute(
        select(PaybackOrder.participant_id, PaybackOrder.hours_ordered, PaybackOrder.made_on, Organisation.region)
        .join(Participant, Participant.id == PaybackOrder.participant_id)
        .join(Organisation, Organisation.id == Participant.organisation_id)).all()
    if not orders:
        return []
    minutes_by_person: dict[int, list[tuple[date, int]]] = defaultdict(list)
    for person, worked_on, minutes in db.session.execute(
            select(PaybackHours.participant_id, PaybackHours.worked_on, PaybackHours.counted_minutes)
            .where(PaybackHours.worked_on <= filters.end)
            .order_by(PaybackHours.participant_id, PaybackHours.worked_on, PaybackHours.id)):
        minutes_by_person[person].append((worked_on, minutes))
    finished = []
    for person, hours_ordered, made_on, region in orders:
        done = 0
        for worked_on, minutes in minutes_by_person.get(person, []):
            done += minutes
            if done >= hours_ordered * 60:
                if filters.start <= worked_on <= filters.end:
                    finished.append((person, region, made_on, worked_on))
                break
    return finished


def people_into_work(filters: Filters, today: date) -> dict[str, dict[str, int]]:
    """Per region: people who finished an order in the period, those whose six months have passed,
    and those who started a job (a job start as the job outcomes report counts one) from the day their
    order was made to six months after they finished it."""
    finished = finished_orders(filters)
    counts: dict[str, dict[str, int]] = defaultdict(lambda: {"finished": 0, "due": 0, "into_work": 0})
    if not finished:
        return counts
    earliest = min(made_on for _, _, made_on, _ in finished)
    latest = add_months(max(finished_on for *_, finished_on in finished), MONTHS_TO_A_JOB)
    starts: dict[int, list[date]] = defaultdict(list)
    for fact in load_starts(Scope(SERVICE), Filters(earliest, latest)):
        starts[fact.participant_id].append(fact.start_date)
    for person, region, made_on, finished_on in finished:
        until = add_months(finished_on, MONTHS_TO_A_JOB)
        row = counts[region]
        row["finished"] += 1
        row["due"] += until <= today
        row["into_work"] += any(made_on <= day <= until for day in starts.get(person, []))
    return counts


def _hours(minutes: int) -> int | Decimal:
    return minutes // 60 if minutes % 60 == 0 else (Decimal(minutes) / 60).quantize(Decimal("0.01"))


def _money(minutes: int, today: date) -> Decimal:
    return value_at_minimum_wage(minutes, today).quantize(Decimal("0.01"))


def payback_report(scope: Scope, filters: Filters) -> Report:
    today = clock.today()
    regions = regions_for(scope, filters)
    projects = project_figures(filters, today)
    work = hours_delivered_by_region(filters.start, filters.end)
    ete = ete_minutes(filters)
    people = people_into_work(filters, today)

    def rows_of(values_for) -> list[Row]:
        rows = [Row(region, values_for(lambda figures, region=region: figures.get(region, 0)),
                    code=REGION_REPORT_CODES.get(region, "")) for region in regions]
        if len(regions) > 1:
            rows.append(Row("All", values_for(lambda figures: sum(figures.get(region, 0) for region in regions)),
                            total=True))
        return rows

    project_rows = rows_of(lambda pick: {column.key: pick(projects[column.key]) for column in PROJECT_COLUMNS})
    hours_rows = rows_of(lambda pick: {"work_hours": _hours(pick(work)), "value": _money(pick(work), today),
                                       "ete_hours": _hours(pick(ete))})
    people_rows = rows_of(lambda pick: {key: pick({region: row[key] for region, row in people.items()})
                                        for key in ("finished", "due", "into_work")})
    rate = minimum_wage_on(today)
    total_work = sum(work.get(region, 0) for region in regions)
    total_ete = sum(ete.get(region, 0) for region in regions)
    tables = [
        Table("projects", "Projects by region", "Region", PROJECT_COLUMNS, project_rows, show_codes=True,
              chart=Chart("bars", ("confirmed", "delivered")),
              note="Projects are not people: their counts are shown as they are. Each project is counted at each "
                   "step it took in the period; 'Delivered' counts projects with unpaid work done on them."),
        Table("hours", "Hours by region", "Region", HOURS_COLUMNS, hours_rows, show_codes=True,
              note=f"Unpaid work on each region's projects, valued at £{rate} an hour (the minimum wage in force "
                   "today, as the public pages value it). ETE hours are those that count toward orders (hours past "
                   "a region's cap are not), in the region of the person's probation provider."),
        Table("into-work", "From payback into a job", "Region", PEOPLE_COLUMNS, people_rows, show_codes=True,
              note="Counted: people who finished their order in the period (by the day of the attendance that "
                   "completed its hours), in their provider's region. A job is a start in paid work, as the job "
                   "outcomes report counts it: courses, volunteering and unpaid placements are not jobs. It counts "
                   "if it started from the day the order was made to six calendar months after it was finished."),
    ]
    facts = [("Hours of unpaid work", f"{_hours(total_work):,}"),
             ("Their value at the minimum wage", f"£{_money(total_work, today):,}"),
             ("ETE hours", f"{_hours(total_ete):,}")]
    where = scope.region if scope.kind == PAYBACK else filters.region_label
    return Report("payback", "Community Payback",
                  f"Community Payback in {where}: projects the public nominated and voted for and the work done on "
                  "them, the hours and what they are worth, education, training and employment (ETE) hours, and "
                  "people who went from payback into a job.", tables, facts=facts)
