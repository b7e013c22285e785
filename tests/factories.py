"""One factory per model. Users get a real scrypt hash of TEST_PASSWORD, computed once per run."""

from __future__ import annotations

from datetime import time, timedelta
from decimal import Decimal
from functools import cache

import factory
from factory.alchemy import SQLAlchemyModelFactory

from marketplace.accounts.models import (
    Invitation,
    Organisation,
    OrganisationStatus,
    PasswordResetToken,
    User,
    UserStatus,
)
from marketplace.accounts.passwords import hash_password
from marketplace.alliance.models import AllianceMembership, Booking, MemberProfile, MembershipChange, Offer
from marketplace.core import clock
from marketplace.core.models import AuditEvent, Notification, OutboxMessage
from marketplace.core.roles import OrganisationKind, ProviderType, Role
from marketplace.core.tokens import hash_token, new_token
from marketplace.extensions import db
from marketplace.funding.models import FundingBudget, FundingRequest, financial_year
from marketplace.gatemate.models import GatemateRequest, MentorProfile, RequestEvent
from marketplace.opportunities.models import Opportunity
from marketplace.participants.models import ConsentRecord, NeedsAssessment, Participant
from marketplace.payback.models import PaybackProject
from marketplace.reference import PATHWAYS
from marketplace.referrals.models import Referral, ReferralDocument
from tests.helpers import TEST_PASSWORD

KIND_FOR_ROLE = {
    Role.CASE_MANAGER: OrganisationKind.PROVIDER,
    Role.EMPLOYER: OrganisationKind.EMPLOYER,
    Role.SOCIAL_ENTERPRISE: OrganisationKind.SOCIAL_ENTERPRISE,
    Role.COORDINATOR: OrganisationKind.MENTORING,
    Role.MENTOR: OrganisationKind.MENTORING,
    Role.PAYBACK_MANAGER: OrganisationKind.PROVIDER,
    Role.FUNDING_MANAGER: OrganisationKind.PROVIDER,
}


@cache
def test_password_hash() -> str:
    return hash_password(TEST_PASSWORD)


class Base(SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "flush"


class OrganisationFactory(Base):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    kind = OrganisationKind.EMPLOYER.value
    provider_type = factory.LazyAttribute(
        lambda o: ProviderType.PROBATION.value if o.kind == OrganisationKind.PROVIDER else None)
    region = "North West"
    town = "Preston"
    website = ""
    description = ""
    status = OrganisationStatus.APPROVED.value
    created_at = factory.LazyFunction(clock.now)


class UserFactory(Base):
    class Meta:
        model = User

    class Params:
        kind = factory.LazyAttribute(lambda o: KIND_FOR_ROLE.get(Role(o.role)))

    email = factory.Sequence(lambda n: f"user{n}@test.example")
    full_name = factory.Sequence(lambda n: f"Test Person {n}")
    job_title = ""
    password_hash = factory.LazyFunction(test_password_hash)
    role = Role.CASE_MANAGER.value
    organisation = factory.LazyAttribute(
        lambda o: OrganisationFactory(kind=o.kind.value) if o.kind is not None else None)
    is_org_admin = factory.LazyAttribute(lambda o: o.role != Role.MENTOR and o.role != Role.ADMIN)
    status = UserStatus.ACTIVE.value
    created_at = factory.LazyFunction(clock.now)
    password_changed_at = factory.LazyFunction(clock.now)


class InvitationFactory(Base):
    class Meta:
        model = Invitation

    class Params:
        token = factory.LazyFunction(lambda: new_token()[0])

    organisation = factory.SubFactory(OrganisationFactory)
    email = factory.Sequence(lambda n: f"invitee{n}@test.example")
    role = Role.EMPLOYER.value
    make_org_admin = False
    token_hash = factory.LazyAttribute(lambda o: hash_token(o.token))
    created_at = factory.LazyFunction(clock.now)
    expires_at = factory.LazyFunction(lambda: clock.now() + timedelta(days=7))


class PasswordResetTokenFactory(Base):
    class Meta:
        model = PasswordResetToken

    user = factory.SubFactory(UserFactory)
    token_hash = factory.LazyFunction(lambda: new_token()[1])
    created_at = factory.LazyFunction(clock.now)
    expires_at = factory.LazyFunction(lambda: clock.now() + timedelta(hours=1))


class NotificationFactory(Base):
    class Meta:
        model = Notification

    user_id = factory.LazyAttribute(lambda o: UserFactory().id)
    text = "Something happened"
    created_at = factory.LazyFunction(clock.now)


class OutboxMessageFactory(Base):
    class Meta:
        model = OutboxMessage

    to_address = "someone@test.example"
    subject = "Hello"
    body = "Body"
    created_at = factory.LazyFunction(clock.now)


class AuditEventFactory(Base):
    class Meta:
        model = AuditEvent

    action = "test.event"
    at = factory.LazyFunction(clock.now)
    detail = ""


class ParticipantFactory(Base):
    """A man in prison in the North West, releasing in six weeks, who consents to nothing yet."""

    class Meta:
        model = Participant

    case_manager = factory.LazyFunction(lambda: UserFactory(role=Role.CASE_MANAGER.value))
    organisation_id = factory.LazyAttribute(lambda o: o.case_manager.organisation_id)
    participant_number = factory.Sequence(lambda n: f"A{1000 + n}BC")
    first_name = factory.Sequence(lambda n: f"Jordan{n}")
    last_name = "Example"
    date_of_birth = factory.LazyFunction(lambda: clock.today() - timedelta(days=365 * 30))
    location = "custody"
    prison = "HMP Liverpool"
    release_date = factory.LazyFunction(lambda: clock.today() + timedelta(weeks=6))
    release_date_confirmed = True
    release_region = "North West"
    release_town = "Liverpool"
    release_postcode = "L1 8JQ"
    skills = factory.LazyFunction(lambda: ["forklift driving", "stock control"])
    qualifications = factory.LazyFunction(list)
    interests = factory.LazyFunction(lambda: ["Logistics and warehousing"])
    readiness = "support_needed"
    readiness_tasks = factory.LazyFunction(dict)
    offence_categories = factory.LazyFunction(list)
    status = "active"
    created_at = factory.LazyFunction(clock.now)
    updated_at = factory.LazyFunction(clock.now)


class NeedsAssessmentFactory(Base):
    class Meta:
        model = NeedsAssessment

    participant = factory.SubFactory(ParticipantFactory)
    assessed_on = factory.LazyFunction(clock.today)
    ratings = factory.LazyFunction(lambda: {p: "amber" for p in PATHWAYS})
    notes = ""
    created_at = factory.LazyFunction(clock.now)


class ConsentRecordFactory(Base):
    class Meta:
        model = ConsentRecord

    participant = factory.SubFactory(ParticipantFactory)
    employers = True
    mentors = True
    given_on = factory.LazyFunction(clock.today)
    purpose = "Referrals to work"
    recorded_at = factory.LazyFunction(clock.now)


class MentorProfileFactory(Base):
    """A mentor who covers HMP Liverpool, any day, with a DBS check in date for two more years, holding
    up to two requests at once."""

    class Meta:
        model = MentorProfile

    user = factory.LazyFunction(lambda: UserFactory(role=Role.MENTOR.value))
    user_id = factory.LazyAttribute(lambda o: o.user.id)
    prisons = factory.LazyFunction(lambda: ["HMP Liverpool"])
    regions = factory.LazyFunction(list)
    weekdays = factory.LazyFunction(lambda: list(range(7)))
    dbs_checked_on = factory.LazyFunction(lambda: clock.today() - timedelta(days=365))
    dbs_expires_on = factory.LazyFunction(lambda: clock.today() + timedelta(days=730))
    help_with = factory.LazyFunction(lambda: ["housing"])
    languages = ""
    capacity = 2
    updated_at = factory.LazyFunction(clock.now)


class GatemateRequestFactory(Base):
    """An open request to meet the participant at their prison on their release day, 8am to 10am."""

    class Meta:
        model = GatemateRequest

    participant = factory.SubFactory(ParticipantFactory)
    organisation_id = factory.LazyAttribute(lambda o: o.participant.organisation_id)
    requested_by_id = factory.LazyAttribute(lambda o: o.participant.case_manager_id)
    prison = factory.LazyAttribute(lambda o: o.participant.prison or "HMP Liverpool")
    release_date = factory.LazyAttribute(lambda o: o.participant.release_date or clock.today() + timedelta(weeks=6))
    window_start = time(8, 0)
    window_end = time(10, 0)
    release_status = "expected"
    destination_town = "Liverpool"
    destination_region = "North West"
    needs = factory.LazyFunction(lambda: ["accommodation", "probation"])
    priorities = factory.LazyFunction(list)
    note = ""
    status = "open"
    mentor_id = None

    @factory.post_generation
    def consented(request, create, extracted, **kwargs):
        """A request reaches mentors only with the person's consent to share with them: recorded here
        unless the participant already has consent on record or `consented=False` is passed."""
        if extracted is False or request.participant.consent is not None:
            return
        ConsentRecordFactory(participant=request.participant, employers=False, mentors=True)
        request.consent_given_on = request.participant.consent.given_on

class MemberProfileFactory(Base):
    """A filled-in alliance profile of an employer (or social enterprise, with its purpose)."""

    class Meta:
        model = MemberProfile

    organisation = factory.SubFactory(OrganisationFactory)
    organisation_id = factory.LazyAttribute(lambda o: o.organisation.id)
    sectors = factory.LazyFunction(lambda: ["Logistics and warehousing"])
    regions = factory.LazyFunction(lambda: ["North West"])
    size = "medium"
    what_it_does = "Runs warehouses across the North West."
    website = ""
    contact_name = "Dana Whitfield"
    contact_role = "Head of people"
    contact_email = "dana@test.example"
    contact_phone = ""
    commitments = factory.LazyFunction(lambda: ["no_tick_box", "case_by_case"])
    story = "We have recruited from HMP Liverpool since 2019."
    social_purpose = factory.LazyAttribute(
        lambda o: "Training people leaving prison" if o.organisation.kind == OrganisationKind.SOCIAL_ENTERPRISE else "")
    profit_reinvestment = factory.LazyAttribute(
        lambda o: "Into paid placements" if o.organisation.kind == OrganisationKind.SOCIAL_ENTERPRISE else "")
    updated_at = factory.LazyFunction(clock.now)


class AllianceMembershipFactory(Base):
    """An approved level 1 membership with 11 months to run. `status="applied"` makes an application."""

    class Meta:
        model = AllianceMembership

    organisation = factory.SubFactory(OrganisationFactory)
    level = 1
    status = "approved"
    pledges = factory.LazyAttribute(lambda o: ["mock_interviews"] + (["paid_placements"] if o.level >= 2 else [])
                                    + (["recruit_prison"] if o.level >= 3 else []))
    statement = ""
    applied_at = factory.LazyFunction(lambda: clock.now() - timedelta(days=35))
    decided_at = factory.LazyAttribute(lambda o: clock.now() - timedelta(days=30) if o.status != "applied" else None)
    expires_on = factory.LazyAttribute(
        lambda o: clock.today() + timedelta(days=335) if o.status == "approved" else None)

    @factory.post_generation
    def history(obj, create, extracted, **kwargs):
        db.session.add(MembershipChange(membership=obj, action="apply", from_status="", to_status="applied",
                                        level=obj.level, at=obj.applied_at))
        if obj.status != "applied":
            db.session.add(MembershipChange(membership=obj, action="approve", from_status="applied",
                                            to_status="approved", level=obj.level, at=obj.decided_at))


def member_organisation(level: int | None = 1, kind: str = "employer", profile: dict | None = None, **fields):
    """An approved organisation with a profile (`profile` changes its fields) and, with a level, an
    approved membership."""
    organisation = OrganisationFactory(kind=kind, **fields)
    MemberProfileFactory(organisation=organisation, **(profile or {}))
    if level is not None:
        AllianceMembershipFactory(organisation=organisation, level=level)
    return organisation


class OfferFactory(Base):
    """A mock-interview morning at HMP Liverpool in two weeks, with 8 places."""

    class Meta:
        model = Offer

    organisation = factory.LazyFunction(lambda: member_organisation(1))
    kind = "mock_interviews"
    title = factory.Sequence(lambda n: f"Mock interview morning {n}")
    description = "Practice interviews with our warehouse managers, with feedback."
    starts_on = factory.LazyFunction(lambda: clock.today() + timedelta(days=14))
    ends_on = factory.LazyAttribute(lambda o: o.starts_on)
    times = "9.30am to 12.30pm"
    setting = "prison"
    prison = "HMP Liverpool"
    town = ""
    region = "North West"
    places = 8
    places_taken = 0
    suits = "People within 12 weeks of release"
    created_at = factory.LazyFunction(clock.now)
    updated_at = factory.LazyFunction(clock.now)


class RequestEventFactory(Base):
    class Meta:
        model = RequestEvent

    request = factory.SubFactory(GatemateRequestFactory)
    action = "request"
    from_status = "open"
    to_status = "open"
    at = factory.LazyFunction(clock.now)
    note = ""

class BookingFactory(Base):
    class Meta:
        model = Booking

    offer = factory.SubFactory(OfferFactory)
    participant = factory.SubFactory("tests.factories.ParticipantFactory")
    participant_id = factory.LazyAttribute(lambda o: o.participant.id)
    organisation_id = factory.LazyAttribute(lambda o: o.participant.organisation_id)
    booked_by_id = factory.LazyAttribute(lambda o: o.participant.case_manager.id)
    display_name = factory.LazyAttribute(lambda o: f"{o.participant.first_name} {o.participant.last_name[0]}.")
    note = ""
    created_at = factory.LazyFunction(clock.now)

    @factory.post_generation
    def take_place(obj, create, extracted, **kwargs):
        obj.offer.places_taken += 1


class OpportunityFactory(Base):
    """An open vacancy for a warehouse operative in Warrington, closing in three weeks, posted by a
    level 3 member: 2 places, paid above the minimum wage."""

    class Meta:
        model = Opportunity

    organisation = factory.LazyFunction(lambda: member_organisation(3))
    created_by_id = None
    external_id = None
    kind = "vacancy"
    title = factory.Sequence(lambda n: f"Warehouse operative {n}")
    description = "Picking and packing orders for supermarkets, on a friendly day shift."
    sector = "Logistics and warehousing"
    occupation_group = "9"
    town = "Warrington"
    postcode = "WA1 1AA"
    region = "North West"
    hours_per_week = Decimal("37.5")
    work_pattern = "full_time"
    contract_type = "permanent"
    pay_from = Decimal("13.00")
    pay_to = None
    pay_period = "hour"
    pays_minimum_wage = True
    closing_date = factory.LazyFunction(lambda: clock.today() + timedelta(days=21))
    rolling = False
    places = 2
    places_taken = 0
    minimum_requirements = factory.LazyFunction(list)
    documents = factory.LazyFunction(lambda: ["cv"])
    offence_exclusions = factory.LazyFunction(lambda: ["case_by_case"])
    paid = True
    status = "open"
    created_at = factory.LazyFunction(clock.now)
    updated_at = factory.LazyFunction(clock.now)
    published_at = factory.LazyFunction(clock.now)


class ReferralFactory(Base):
    """A submitted referral of a participant who consents, for an open vacancy they can take."""

    class Meta:
        model = Referral

    participant = factory.LazyFunction(lambda: ParticipantFactory(location="community", prison=None,
                                                                  release_date=clock.today() - timedelta(days=30)))
    opportunity = factory.LazyFunction(OpportunityFactory)
    provider_organisation_id = factory.LazyAttribute(lambda o: o.participant.organisation_id)
    employer_organisation_id = factory.LazyAttribute(lambda o: o.opportunity.organisation_id)
    case_manager_id = factory.LazyAttribute(lambda o: o.participant.case_manager_id)
    status = "submitted"
    snapshot = factory.LazyAttribute(lambda o: {"name": o.participant.full_name, "parts": ["skills"],
                                                "skills": list(o.participant.skills)})
    consent_confirmed_at = factory.LazyFunction(clock.now)
    requirements_confirmed = factory.LazyFunction(list)
    guaranteed = factory.LazyAttribute(lambda o: o.opportunity.kind == "guaranteed_interview")
    submitted_at = factory.LazyFunction(clock.now)
    status_changed_at = factory.LazyFunction(clock.now)
    created_at = factory.LazyFunction(clock.now)
    updated_at = factory.LazyFunction(clock.now)


def referral_document(referral, kind: str = "cv", content: bytes = b"%PDF-1.4 a test CV") -> ReferralDocument:
    """A real file in the upload folder, attached to `referral`."""
    from marketplace.referrals import uploads

    stored = f"{new_token()[1][:32]}.pdf"
    path = uploads.upload_dir() / stored
    path.write_bytes(content)
    document = ReferralDocument(referral=referral, kind=kind, filename="cv.pdf", stored_name=stored,
                                content_type="application/pdf", size=len(content), uploaded_at=clock.now())
    db.session.add(document)
    db.session.flush()
    return document


# ----------------------------------------------------------------------------------------------------
# Community Payback
_REVIEWED_STAGES = ("reviewed", "shortlisted", "accepted")


class PaybackProjectFactory(Base):
    """A confirmed nomination waiting for assessment, in the North West (the factories' region)."""

    class Meta:
        model = PaybackProject

    reference = factory.Sequence(lambda n: f"CP-T{n:05d}")
    status = "submitted"
    title = factory.Sequence(lambda n: f"Clear the towpath, stretch {n}")
    description = "Cut back brambles and clear litter along half a mile of towpath."
    benefit = "Walkers, cyclists and the primary school that uses the path."
    town = "Preston"
    postcode = "PR1 8JP"
    region = "North West"
    toilets_nearby = "yes"
    step_free_access = "no"
    nominator_name = factory.Sequence(lambda n: f"Nominator {n}")
    nominator_email = factory.Sequence(lambda n: f"nominator{n}@test.example")
    created_at = factory.LazyFunction(clock.now)
    confirmed_at = factory.LazyFunction(clock.now)
    scores = factory.LazyFunction(dict)
    # A project past the public-text step has text a payback manager wrote (here: the nominator's own,
    # which names nobody); tests of that step make their own.
    public_title = factory.LazyAttribute(lambda o: o.title if o.status in _REVIEWED_STAGES else None)
    public_description = factory.LazyAttribute(lambda o: o.description if o.status in _REVIEWED_STAGES else None)
    public_benefit = factory.LazyAttribute(lambda o: o.benefit if o.status in _REVIEWED_STAGES else None)
    public_text_at = factory.LazyAttribute(lambda o: clock.now() if o.status in _REVIEWED_STAGES else None)


def campus_person(participant, *, activated: bool = True) -> User:
    """A person signed up to the Virtual Campus for `participant` (passphrase TEST_PASSWORD), as if
    they had used their slip's code."""
    from marketplace.campus.models import CampusAccess

    now = clock.now()
    user = UserFactory(role=Role.PERSON.value, organisation=None, is_org_admin=False,
                       email=f"person-{new_token()[1][:24]}@campus.invalid", full_name=participant.full_name)
    access = CampusAccess(participant=participant, user_id=user.id if activated else None,
                          code_hash=new_token()[1], code_expires_at=now + timedelta(days=14),
                          consent_confirmed_at=now, created_by_id=participant.case_manager_id, created_at=now,
                          activated_at=now if activated else None)
    db.session.add(access)
    db.session.flush()
    return user


class FundingBudgetFactory(Base):
    """This financial year's budget for work equipment: £2,000, up to £250 a request and £400 a person."""

    class Meta:
        model = FundingBudget

    organisation = factory.LazyFunction(lambda: OrganisationFactory(kind=OrganisationKind.PROVIDER.value))
    purpose = "equipment"
    year = factory.LazyFunction(lambda: financial_year(clock.today()))
    amount_pence = 200_000
    committed_pence = 0
    request_limit_pence = 25_000
    person_limit_pence = 40_000
    second_approval_above_pence = None
    updated_at = factory.LazyFunction(clock.now)


class FundingRequestFactory(Base):
    """A case manager asks for £85 of safety boots for a person with a job offer."""

    class Meta:
        model = FundingRequest

    referral = factory.LazyFunction(lambda: ReferralFactory(status="offer_accepted"))
    participant = factory.LazyAttribute(lambda o: o.referral.participant)
    organisation_id = factory.LazyAttribute(lambda o: o.participant.organisation_id)
    requested_by = factory.LazyAttribute(lambda o: o.participant.case_manager)
    last_edited_by = factory.LazyAttribute(lambda o: o.requested_by)
    purpose = "equipment"
    description = "Safety boots for a CSCS labouring job"
    amount_pence = 8_500
    supplier = "Site Boots Ltd"
    other_sources = factory.LazyFunction(lambda: ["flexible_support_fund", "employer"])
    status = "submitted"
    created_at = factory.LazyFunction(clock.now)
    updated_at = factory.LazyFunction(clock.now)


def funding_document(request, kind: str = "quote", content: bytes = b"%PDF-1.4 a test quote"):
    """A real file in the funding upload folder, attached to a funding request as evidence."""
    from marketplace.funding.models import FundingDocument
    from marketplace.funding.operations import EVIDENCE

    stored = f"{new_token()[1][:32]}.pdf"
    (EVIDENCE.upload_dir() / stored).write_bytes(content)
    document = FundingDocument(request=request, kind=kind, filename=f"{kind}.pdf", stored_name=stored,
                               content_type="application/pdf", size=len(content), uploaded_at=clock.now(),
                               uploaded_by_id=request.requested_by_id)
    db.session.add(document)
    db.session.flush()
    return document
