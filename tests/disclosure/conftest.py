"""Fixtures for the convictions pages: a signed-in case manager and a participant on their caseload."""

from __future__ import annotations

import pytest

from marketplace.extensions import db
from tests.factories import ParticipantFactory


@pytest.fixture
def manager(login_as):
    return login_as("case_manager")


@pytest.fixture
def person(manager):
    """A participant of the signed-in case manager, with no convictions recorded yet."""
    participant = ParticipantFactory(case_manager=manager)
    db.session.commit()
    return participant
