"""Counts read as a person would say them: '1 interview coming up', '2 interviews coming up'
(the outside tester saw '1 interviews coming up' on a social enterprise's home page)."""

from __future__ import annotations

import re
from datetime import timedelta

from marketplace.core import clock
from marketplace.core.filters import plural, plural_word
from marketplace.extensions import db
from tests.factories import OpportunityFactory, ParticipantFactory, ReferralFactory, UserFactory
from tests.helpers import sign_in_client


def test_plural_and_its_word():
    assert [plural(n, "interview") for n in (0, 1, 2, 1200)] == [
        "0 interviews", "1 interview", "2 interviews", "1,200 interviews"]
    assert plural_word(1, "mile") == "mile" and plural_word(3, "mile") == "miles"
    assert plural_word(2, "child", "children") == "children"


def _interviews(employer, how_many: int) -> None:
    for _ in range(how_many):
        ReferralFactory(opportunity=OpportunityFactory(organisation=employer.organisation),
                        status="interview_booked", interview_at=clock.now() + timedelta(days=3))


def test_the_home_page_says_1_interview_and_2_interviews(client):
    employer = UserFactory(role="social_enterprise")
    _interviews(employer, 1)
    db.session.commit()
    sign_in_client(client, employer)
    one = client.get("/home").get_data(as_text=True)
    assert '1</span> interview coming up' in one and "interviews coming up" not in one
    _interviews(employer, 1)
    db.session.commit()
    two = client.get("/home").get_data(as_text=True)
    assert '2</span> interviews coming up' in two


def test_a_case_manager_reads_1_mile_and_1_open_case(client):
    manager = UserFactory(role="case_manager")
    participant = ParticipantFactory(case_manager=manager, travel_miles=1)
    db.session.commit()
    sign_in_client(client, manager)
    assert re.search(r">\s*1 mile\s*<", client.get(f"/participants/{participant.id}").get_data(as_text=True))
    assert "1</span> open case<" in client.get("/home").get_data(as_text=True)
