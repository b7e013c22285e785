"""One factory per model. Users get a real scrypt hash of TEST_PASSWORD, computed once per run."""

from __future__ import annotations

from datetime import time, timedelta
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
from marketplace.core import clock
from marketplace.core.models import AuditEvent, Notification, OutboxMessage
from marketplace.core.roles import OrganisationKind, ProviderType, Role
from marketplace.core.tokens import hash_token, new_token
from marketplace.extensions import db
from marketplace.gatemate.models import GatemateRequest, MentorProfile, RequestEvent
from marketplace.participants.models import ConsentRecord, NeedsAssessment, Participant
from marketplace.reference import PATHWAYS
from tests.helpers import TEST_PASSWORD

KIND_FOR_ROLE = {
    Role.CASE_MANAGER: OrganisationKind.PROVIDER,
    Role.EMPLOYER: OrganisationKind.EMPLOYER,
    Role.SOCIAL_ENTERPRISE: OrganisationKind.SOCIAL_ENTERPRISE,
    Role.COORDINATOR: OrganisationKind.MENTORING,
    Role.MENTOR: OrganisationKind.MENTORING,
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
