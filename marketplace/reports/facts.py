"""The facts about referrals that several reports share, loaded in two queries (referrals with their
opportunity and organisations, then their timeline), so SQLite and PostgreSQL give the same figures
and no report walks relationships row by row."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import aliased

from marketplace.accounts.models import Organisation
from marketplace.alliance.models import AllianceMembership, MembershipStatus
from marketplace.core import clock
from marketplace.extensions import db
from marketplace.opportunities.models import Opportunity
from marketplace.referrals.models import NOT_PAID_OUTCOMES, Referral, ReferralEvent, Status
from marketplace.reports.scope import Filters, Scope, referral_conditions

S = Status
# The main line of a referral, in order; reaching a later stage means the earlier ones were passed
# (an employer may offer an interview without acknowledging first).
MAIN_LINE = [S.SUBMITTED, S.ACKNOWLEDGED, S.INTERVIEW_OFFERED, S.INTERVIEW_BOOKED, S.INTERVIEWED, S.OFFER_MADE,
             S.OFFER_ACCEPTED, S.START_AGREED, S.STARTED, S.SUSTAINED_13, S.SUSTAINED_26]
RANK = {status.value: index for index, status in enumerate(MAIN_LINE)}
NOT_A_MEMBER = "Not an alliance member"


@dataclass
class Event:
    action: str
    from_status: str
    to_status: str
    at: datetime


@dataclass
class ReferralFact:
    id: int
    participant_id: int
    status: str
    reason_code: str
    submitted_at: datetime
    start_date: date | None
    guaranteed: bool
    guarantee_due_on: date | None
    region: str
    sector: str
    kind: str
    occupation_group: str | None
    employer_id: int
    employer: str
    provider_id: int
    provider: str
    paid_work: bool = True  # Opportunity.is_paid_work: only these starts are job starts
    # A course's, volunteering's or unpaid placement's own outcomes (cleared if a step is corrected).
    completed_on: date | None = None
    qualification_on: date | None = None
    moved_into_work_on: date | None = None
    level: str = NOT_A_MEMBER
    events: list[Event] = field(default_factory=list)

    @property
    def furthest(self) -> int:
        """The rank of the furthest main-line stage the referral reached."""
        ranks = [RANK[event.to_status] for event in self.events if event.to_status in RANK]
        # A course's outcomes come after its start, which they imply.
        ranks.append(RANK[S.STARTED.value] if self.status in NOT_PAID_OUTCOMES else RANK.get(self.status, 0))
        return max(ranks)

    def reached(self, status: Status) -> bool:
        return self.furthest >= RANK[status.value]

    @property
    def job_start(self) -> bool:
        """Started paid work: training and volunteering starts are not job starts."""
        return self.paid_work and self.reached(S.STARTED)


def alliance_levels(today: date | None = None) -> dict[int, int]:
    """Each organisation's alliance level in force today."""
    today = today or clock.today()
    return dict(db.session.execute(select(AllianceMembership.organisation_id, AllianceMembership.level).where(
        AllianceMembership.status == MembershipStatus.APPROVED, AllianceMembership.expires_on > today)).all())


def level_label(level: int | None) -> str:
    return f"Level {level}" if level else NOT_A_MEMBER


def load_referrals(scope: Scope, filters: Filters, *, anchor=None, moment: bool = True,
                   extra: tuple = ()) -> list[ReferralFact]:
    """Referrals the scope may count with `anchor` (default: when submitted) in the period."""
    anchor = Referral.submitted_at if anchor is None else anchor
    employer, provider = aliased(Organisation), aliased(Organisation)
    rows = db.session.execute(
        select(Referral.id, Referral.participant_id, Referral.status, Referral.reason_code, Referral.submitted_at,
               Referral.start_date, Referral.guaranteed, Referral.guarantee_due_on, Opportunity.region,
               Opportunity.sector, Opportunity.kind, Opportunity.occupation_group, employer.id, employer.name,
               provider.id, provider.name, Opportunity.is_paid_work, Referral.completed_on,
               Referral.qualification_on, Referral.moved_into_work_on)
        .join(Opportunity, Opportunity.id == Referral.opportunity_id)
        .join(employer, employer.id == Referral.employer_organisation_id)
        .join(provider, provider.id == Referral.provider_organisation_id)
        .where(*referral_conditions(scope, filters, anchor=anchor, moment=moment), *extra)
        .order_by(Referral.id)).all()
    levels = alliance_levels()
    facts = {row[0]: ReferralFact(*row, level=level_label(levels.get(row[12]))) for row in rows}
    ids = list(facts)
    for chunk in range(0, len(ids), 900):
        part = ids[chunk:chunk + 900]
        for referral_id, action, from_status, to_status, at in db.session.execute(
                select(ReferralEvent.referral_id, ReferralEvent.action, ReferralEvent.from_status,
                       ReferralEvent.to_status, ReferralEvent.at)
                .where(ReferralEvent.referral_id.in_(part)).order_by(ReferralEvent.at, ReferralEvent.id)):
            facts[referral_id].events.append(Event(action, from_status, to_status, at))
    return list(facts.values())
