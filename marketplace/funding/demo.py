"""Demo funding: two funding managers at the demo case manager's provider (one is the demo login), a
budget for every purpose this year, and requests in every state, made through the operations."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from marketplace.accounts.models import User, UserStatus
from marketplace.core import clock
from marketplace.core.roles import Role
from marketplace.extensions import db
from marketplace.funding import operations
from marketplace.funding.models import Purpose, financial_year

DEMO_EMAIL = "funding.manager@fairchance.example"
# (purpose, budget, limit per request, limit per person, second approver above), in pounds.
BUDGETS = [
    (Purpose.BRIDGING, 6000, 350, 500, 250),
    (Purpose.EQUIPMENT, 4000, 250, 400, None),
    (Purpose.TRAVEL, 2500, 150, 300, None),
    (Purpose.TRAINING, 5000, 600, 800, 400),
    (Purpose.SELF_EMPLOYMENT, 3000, 1000, 1000, 500),
]
# What happens to each request: (purpose, pounds, description, supplier, fate).
REQUESTS = [
    (Purpose.EQUIPMENT, 85, "Safety boots and a hi-vis jacket for a CSCS labouring job", "Site Boots Ltd", "waiting"),
    (Purpose.TRAVEL, 64.8, "A monthly bus pass for the first month of work", "Stagecoach", "paid"),
    (Purpose.EQUIPMENT, 120, "Chef's knives and whites for a commis chef job", "Nisbets", "paid"),
    (Purpose.BRIDGING, 300, "Rent until the first wage, paid to the landlord", "Harbour Housing", "approved"),
    (Purpose.TRAINING, 180, "A forklift licence course before the job starts", "Lift Skills NW", "declined"),
    (Purpose.TRAVEL, 40, "Train fares to two interviews", "Northern Trains", "information"),
]


def seed(context) -> list[str]:
    case_manager = context.made["case_managers"][0]
    organisation = case_manager.organisation
    password_hash = db.session.get(User, case_manager.id).password_hash
    now = clock.now()

    def manager(email: str, name: str) -> User:
        user = User(email=email, full_name=name, job_title="Funding manager", password_hash=password_hash,
                    role=Role.FUNDING_MANAGER.value, organisation=organisation, is_org_admin=False,
                    status=UserStatus.ACTIVE, created_at=now - timedelta(days=120), password_changed_at=now)
        db.session.add(user)
        return user

    first = manager(DEMO_EMAIL, context.fake.name())
    second = manager(f"funding.{context.rng.randint(100, 999)}@fairchance.example", context.fake.name())
    db.session.flush()

    year = financial_year(clock.today())
    for purpose, amount, per_request, per_person, second_above in BUDGETS:
        operations.set_budget(organisation, first, operations.BudgetDetails(
            purpose=purpose, year=year, amount_pence=amount * 100, request_limit_pence=per_request * 100,
            person_limit_pence=per_person * 100,
            second_approval_above_pence=second_above * 100 if second_above else None))

    from marketplace.referrals.models import Referral

    referrals = db.session.scalars(select(Referral).where(
        Referral.provider_organisation_id == organisation.id, Referral.submitted_at.is_not(None),
        Referral.status.in_(["offer_accepted", "started", "offer_made", "interview_booked", "sustained_13"]))
        .order_by(Referral.id)).all()
    made = 0
    for (purpose, pounds, description, supplier, fate), referral in zip(REQUESTS, referrals, strict=False):
        asker = referral.case_manager if referral.case_manager and referral.case_manager.is_active else case_manager
        request = operations.ask_for_funding(referral.participant, asker, operations.Ask(
            purpose=purpose, description=description, amount_pence=round(pounds * 100), supplier=supplier,
            referral_id=referral.id, other_sources=["flexible_support_fund", "employer"],
            other_sources_note="Jobcentre adviser said the Flexible Support Fund budget is spent this month."))
        if fate in ("paid", "approved"):
            operations.decide(request.id, second, "approve", note="Fits the job start.")
            if request.status == "second_approval":  # over the budget's level: the other manager approves too
                operations.decide(request.id, first, "approve", note="Agreed.")
        if fate == "paid":
            operations.mark_paid(request, second, operations.Payment(
                method="supplier_invoice", reference=f"INV-{1000 + request.id}", paid_on=clock.today(),
                receipt_reference=f"Receipt {request.id}"))
        if fate == "declined":
            operations.decide(request.id, second, "decline", reason_code="other_source",
                              note="The employer pays for this course.")
        if fate == "information":
            operations.decide(request.id, second, "ask_information", note="Which interviews, and on what dates?")
        made += 1
    db.session.flush()
    return [f"2 funding managers, {len(BUDGETS)} budgets and {made} funding requests"]
