"""The Corporate Alliance: members by level and region month by month, and what each member did in the
period (sessions offered, opportunities posted, people placed and hired). Members are organisations,
so their numbers are not suppressed; placements and hires are people, so they are."""

from __future__ import annotations

from calendar import monthrange
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select

from marketplace.accounts.models import Organisation
from marketplace.alliance.models import AllianceMembership, MembershipChange, Offer
from marketplace.extensions import db
from marketplace.opportunities.models import Opportunity
from marketplace.reference import REGION_REPORT_CODES, REGIONS
from marketplace.referrals.models import Referral
from marketplace.reports.facts import alliance_levels
from marketplace.reports.scope import SERVICE, Filters, Scope, in_period
from marketplace.reports.tables import Chart, Column, Report, Row, Table

LEVEL_NUMBERS = (1, 2, 3)
HIRE_KINDS = ("vacancy", "guaranteed_interview")
PLACEMENT_KINDS = ("work_placement",)  # counted only when paid work (Opportunity.is_paid_work)


def month_ends(start: date, end: date, limit: int = 36) -> list[date]:
    """The last day of each month from `start` to `end`, the final one being `end` itself."""
    points, year, month = [], start.year, start.month
    while True:
        last = date(year, month, monthrange(year, month)[1])
        if last >= end:
            points.append(end)
            break
        points.append(last)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return points[-limit:]


def membership_spans(region: str | None) -> list[tuple[int, int, str, datetime, datetime | None]]:
    """(organisation, level, region, approved at, ended at) for every membership that was ever approved."""
    approved_at = (select(MembershipChange.membership_id, func.min(MembershipChange.at).label("at"))
                   .where(MembershipChange.to_status == "approved").group_by(MembershipChange.membership_id)
                   .subquery())
    query = (select(AllianceMembership.organisation_id, AllianceMembership.level, Organisation.region,
                    approved_at.c.at, AllianceMembership.ended_at, AllianceMembership.expires_on)
             .join(approved_at, approved_at.c.membership_id == AllianceMembership.id)
             .join(Organisation, Organisation.id == AllianceMembership.organisation_id))
    if region:
        query = query.where(Organisation.region == region)
    spans = []
    for organisation_id, level, org_region, start, ended, expires in db.session.execute(query):
        end = ended
        if expires is not None:
            expiry = datetime.combine(expires, time.min, tzinfo=UTC)
            end = expiry if end is None or expiry < end else end
        spans.append((organisation_id, level, org_region, start, end))
    return spans


def members_at(spans, day: date) -> dict[int, tuple[int, str]]:
    """Organisation -> (level, region) of the memberships in force at the end of `day`."""
    moment = datetime.combine(day + timedelta(days=1), time.min, tzinfo=UTC)
    members = {}
    for organisation_id, level, region, start, end in spans:
        if start < moment and (end is None or end >= moment):
            members[organisation_id] = (max(level, members.get(organisation_id, (0, ""))[0]), region)
    return members


def alliance_report(scope: Scope, filters: Filters) -> Report:
    if scope.kind != SERVICE:
        raise PermissionError("the alliance report is for the whole service")
    spans = membership_spans(filters.region)
    over_time = []
    for day in month_ends(filters.start, filters.end):
        members = members_at(spans, day)
        values = {f"level_{n}": sum(1 for level, _ in members.values() if level == n) for n in LEVEL_NUMBERS}
        values["all"] = len(members)
        over_time.append(Row(day.strftime("%b %Y"), values))
    level_columns = [Column(f"level_{n}", f"Level {n}", "number") for n in LEVEL_NUMBERS]
    time_table = Table("over-time", "Alliance members at the end of each month", "Month",
                       level_columns + [Column("all", "All members", "number")], over_time,
                       chart=Chart("lines", tuple(f"level_{n}" for n in LEVEL_NUMBERS) + ("all",)),
                       note="A member counts at its level in force on the last day of the month (the period's "
                            "last day for the final month).")
    at_end = members_at(spans, filters.end)
    region_rows = []
    for region in REGIONS:
        inside = [level for level, org_region in at_end.values() if org_region == region]
        if filters.region and region != filters.region:
            continue
        values = {f"level_{n}": inside.count(n) for n in LEVEL_NUMBERS}
        values["all"] = len(inside)
        region_rows.append(Row(region, values, code=REGION_REPORT_CODES.get(region, "")))
    region_table = Table("by-region", "Members by region and level at the end of the period", "Region",
                         level_columns + [Column("all", "All members", "number")], region_rows,
                         chart=Chart("bars", tuple(f"level_{n}" for n in LEVEL_NUMBERS)), show_codes=True,
                         note="The region is where the member organisation is based.")
    activity, by_level, level_links = _activity(filters, spans)
    return Report("alliance", "Corporate Alliance", "Who is in the alliance, at which level, and what members did.",
                  [time_table, region_table, by_level, activity],
                  facts=[("Members at the end of the period", f"{len(at_end):,}")]
                  + [(f"At level {n}", f"{sum(1 for lv, _ in at_end.values() if lv == n):,}") for n in LEVEL_NUMBERS],
                  links=level_links)


def _activity(filters: Filters, spans) -> tuple[Table, Table, list]:
    members = {organisation_id for organisation_id, _level, _region, start, end in spans
               if _overlaps(start, end, filters)}
    names = dict(db.session.execute(select(Organisation.id, Organisation.name)
                                    .where(Organisation.id.in_(members))).all()) if members else {}
    sessions = _count_by_org(select(Offer.organisation_id, func.count()).where(
        Offer.organisation_id.in_(members), *in_period(Offer.created_at, filters, moment=True)))
    posted = _count_by_org(select(Opportunity.organisation_id, func.count()).where(
        Opportunity.organisation_id.in_(members), *in_period(Opportunity.created_at, filters, moment=True)))
    starts = select(Referral.employer_organisation_id, func.count()).join(
        Opportunity, Opportunity.id == Referral.opportunity_id).where(
        Referral.employer_organisation_id.in_(members), Referral.start_date.is_not(None), Opportunity.is_paid_work,
        *in_period(Referral.start_date, filters, moment=False))
    from marketplace.funding.models import FidelityBond

    bonds = _count_by_org(select(FidelityBond.employer_organisation_id, func.count()).where(
        FidelityBond.employer_organisation_id.in_(members), *in_period(FidelityBond.asked_at, filters, moment=True)))
    arranged = _count_by_org(select(FidelityBond.employer_organisation_id, func.count()).where(
        FidelityBond.employer_organisation_id.in_(members), FidelityBond.status == "arranged",
        *in_period(FidelityBond.asked_at, filters, moment=True)))
    placements = _count_by_org(starts.where(Opportunity.kind.in_(PLACEMENT_KINDS)))
    hires = _count_by_org(starts.where(Opportunity.kind.in_(HIRE_KINDS)))
    levels = alliance_levels()
    columns = [Column("level", "Level now", "text"), Column("sessions", "Sessions offered", "number"),
               Column("posted", "Opportunities posted", "number"), Column("placements", "People placed"),
               Column("hires", "People hired"), Column("bonds", "Fidelity bonds asked for", "number"),
               Column("bonds_arranged", "Of which arranged", "number")]
    rows = [Row(names[org], {"level": f"Level {levels[org]}" if org in levels else "Not in force",
                             "sessions": sessions.get(org, 0), "posted": posted.get(org, 0),
                             "placements": placements.get(org, 0), "hires": hires.get(org, 0),
                             "bonds": bonds.get(org, 0), "bonds_arranged": arranged.get(org, 0)})
            for org in sorted(members, key=lambda org: names[org].lower())]
    activity = Table("per-member", "Activity per member in the period", "Member", columns, rows,
                     note="Placements are starts on paid work placements; hires are starts on vacancies and "
                          "guaranteed interviews. Unpaid or training placements, courses and volunteering are "
                          "not counted: together these are the job starts of the job outcomes report. Fidelity "
                          "bonds are those the member asked for with a job offer in the period, and of those, the "
                          "ones the person's provider has recorded as arranged.")
    level_rows = []
    for n in LEVEL_NUMBERS:
        group = [org for org in members if levels.get(org) == n]
        count = len(group) or 1
        level_rows.append(Row(f"Level {n}", {
            "members": len(group),
            "sessions": round(sum(sessions.get(o, 0) for o in group) / count, 1),
            "posted": round(sum(posted.get(o, 0) for o in group) / count, 1),
            "placements": sum(placements.get(o, 0) for o in group),
            "hires": sum(hires.get(o, 0) for o in group)}))
    level_links = [(("by-level", f"Level {n}", key), tuple(("per-member", names[org], key) for org in members
                                                          if levels.get(org) == n))
                   for n in LEVEL_NUMBERS for key in ("placements", "hires")]
    by_level = Table("by-level", "Activity by level now", "Level", [
        Column("members", "Members", "number"), Column("sessions", "Sessions offered per member", "number"),
        Column("posted", "Opportunities posted per member", "number"), Column("placements", "People placed"),
        Column("hires", "People hired")], level_rows, chart=Chart("bars", ("sessions", "posted")))
    return activity, by_level, level_links


def _overlaps(start: datetime, end: datetime | None, filters: Filters) -> bool:
    period_start = datetime.combine(filters.start, time.min, tzinfo=UTC)
    period_end = datetime.combine(filters.end + timedelta(days=1), time.min, tzinfo=UTC)
    return start < period_end and (end is None or end > period_start)


def _count_by_org(query) -> dict[int, int]:
    return dict(db.session.execute(query.group_by(query.selected_columns[0])).all())
