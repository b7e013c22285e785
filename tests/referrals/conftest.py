"""Shared set-up for the referral tests: a referral in any state, with a user on each side."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest

from marketplace.core import clock
from marketplace.extensions import db
from marketplace.referrals.models import Referral
from tests.documents import pdf  # noqa: F401 - the referral tests import it from here
from tests.factories import ConsentRecordFactory, OpportunityFactory, ParticipantFactory, ReferralFactory, UserFactory


@dataclass
class Parties:
    referral: Referral
    case_manager: object
    employer: object

    def actor(self, role: str):
        """A user with `role` entitled to the referral (its own case manager, or the employer's staff)."""
        if role == "case_manager":
            return self.case_manager
        if role == "employer":
            return self.employer
        if role == "social_enterprise":
            return UserFactory(role="social_enterprise", organisation=self.employer.organisation)
        return UserFactory(role=role)


def community_participant(**fields):
    """A person in the community who agreed to share with employers: the hard filters let them through."""
    participant = ParticipantFactory(**{"location": "community", "prison": None,
                                        "release_date": clock.today() - timedelta(days=30), **fields})
    ConsentRecordFactory(participant=participant)
    return participant


@pytest.fixture
def make_parties(app):
    def _make(status: str = "submitted", *, opportunity=None, **fields) -> Parties:
        opportunity = opportunity or OpportunityFactory()
        participant = fields.pop("participant", None) or community_participant()
        referral = ReferralFactory(participant=participant, opportunity=opportunity, status=status, **fields)
        employer = UserFactory(role="employer", organisation=opportunity.organisation)
        db.session.commit()
        return Parties(referral, participant.case_manager, employer)

    return _make


