from __future__ import annotations

from dataclasses import dataclass

import pytest

from marketplace.extensions import db
from tests.factories import FundingBudgetFactory, FundingRequestFactory, ReferralFactory, UserFactory


@dataclass
class Provider:
    """A provider with a case manager, two funding managers and an equipment budget."""

    case_manager: object
    manager: object
    second_manager: object
    budget: object

    @property
    def organisation(self):
        return self.case_manager.organisation

    def referral(self, status: str = "offer_accepted"):
        from tests.factories import ParticipantFactory

        participant = ParticipantFactory(case_manager=self.case_manager, location="community", prison=None)
        return ReferralFactory(participant=participant, status=status)

    def request(self, **fields):
        fields.setdefault("referral", self.referral())
        fields.setdefault("requested_by", self.case_manager)
        return FundingRequestFactory(**fields)


@pytest.fixture
def provider(app):
    case_manager = UserFactory(role="case_manager")
    organisation = case_manager.organisation
    manager = UserFactory(role="funding_manager", organisation=organisation, is_org_admin=False)
    second = UserFactory(role="funding_manager", organisation=organisation, is_org_admin=False)
    budget = FundingBudgetFactory(organisation=organisation)
    db.session.commit()
    return Provider(case_manager, manager, second, budget)
