"""A person's subject access export holds their Community Payback: the order, each day's hours with
its outcome and skills, and the sessions they were put on; the readable page says it all in words."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime

import pytest

from marketplace.core import clock
from marketplace.core.roles import Role
from marketplace.extensions import db
from marketplace.payback import operations
from tests.factories import ParticipantFactory, PaybackProjectFactory
from tests.helpers import sign_in_client
from tests.payback.test_sessions import NOW, a_session, on_order


@pytest.fixture
def manager(login_as):
    clock.fix(NOW)
    return login_as(Role.PAYBACK_MANAGER)


def worked_session(manager):
    project = PaybackProjectFactory(status="accepted", title="Towpath clear-up")
    session = a_session(project, manager, day=date(2027, 3, 12))
    person = on_order(manager)
    db.session.commit()
    allocation = operations.allocate(session, manager, person.id)
    db.session.commit()
    clock.fix(datetime(2027, 3, 12, 16, 0, tzinfo=UTC))
    operations.record_attendance(allocation, manager, "late", 300, ("teamwork", "tools"))
    db.session.commit()
    return person


def test_the_export_holds_the_order_the_hours_and_the_sessions(client, manager):
    person = worked_session(manager)
    sign_in_client(client, person.case_manager)
    record = json.loads(client.get(f"/participants/{person.id}/export").data)
    payback = record["community_payback"]
    assert payback["order"] == {"hours_ordered": 40, "made_on": "2027-01-04",
                                "share_that_may_be_education_training_or_employment": "30%",
                                "recorded_by": manager.full_name}
    [day] = payback["hours"]
    assert (day["worked_on"], day["minutes"], day["kind"], day["outcome"], day["skills"], day["project"]) == (
        "2027-03-12", 300, "work", "late", ["teamwork", "tools"], "Towpath clear-up")
    [session] = payback["sessions"]
    assert (session["day"], session["from"], session["to"], session["place"], session["attendance_recorded"]) == (
        "2027-03-12", "09:00", "15:00", "The towpath gate", True)


def test_the_readable_export_says_the_payback_in_words(client, manager):
    person = worked_session(manager)
    sign_in_client(client, person.case_manager)
    page = client.get(f"/participants/{person.id}/export/readable")
    main = page.get_data(as_text=True).split("<main", 1)[1].split("</main>", 1)[0]
    text = " ".join(re.sub(r"<[^>]+>", " ", main).split())
    part = text.split("Community Payback (unpaid work)", 1)[1]
    for words in ("4 January 2027", "12 March 2027", "Attended: late", "Working in a team",
                  "Using tools and equipment", "Unpaid work on a project", "Towpath clear-up", "The towpath gate"):
        assert words in part, words
    assert not re.search(r"\d{4}-\d{2}-\d{2}", text), "a date left as the computer writes it"
    assert not re.search(r"\b[a-z]+_[a-z_]+\b", text), "a code left unread"


def test_someone_with_no_payback_has_no_payback_section_filled(client, manager):
    person = ParticipantFactory()
    db.session.commit()
    assert operations.subject_access_section(person) == ("community_payback", None)
