"""The person's own view beyond matches: what is booked for them, their release-day plan and their own
disclosure page. Only theirs, in words, and every view an audit row."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy import select

from marketplace.campus import own
from marketplace.core import clock
from marketplace.core.filters import govuk_date
from marketplace.core.models import AuditEvent
from marketplace.disclosure.models import DisclosureLetter
from marketplace.extensions import db
from marketplace.payback.models import PaybackAllocation, PaybackSession
from tests.disclosure.records import spent_fine, unspent_custody
from tests.factories import (
    BookingFactory,
    GatemateRequestFactory,
    OfferFactory,
    OpportunityFactory,
    ParticipantFactory,
    PaybackProjectFactory,
    ReferralFactory,
    UserFactory,
    campus_person,
)
from tests.helpers import sign_in_client


@pytest.fixture
def case():
    manager = UserFactory(role="case_manager")
    participant = ParticipantFactory(case_manager=manager, first_name="Jordan")
    other = ParticipantFactory(case_manager=manager, first_name="Zebedee")
    db.session.commit()
    return manager, participant, other


def _payback_session(participant, day, title="Clear the canal towpath"):
    project = PaybackProjectFactory(status="accepted", public_title=title)
    session = PaybackSession(project=project, day=day, starts_at=time(9, 30), ends_at=time(15, 0),
                             place="Meet at the lock gates, Canal Street", capacity=6, places_taken=1)
    db.session.add(session)
    db.session.flush()
    db.session.add(PaybackAllocation(session=session, participant_id=participant.id))
    db.session.flush()
    return session


def _interview(participant, when, title="Kitchen porter"):
    return ReferralFactory(participant=participant, opportunity=OpportunityFactory(title=title),
                           status="interview_booked", interview_at=when, interview_place="12 High Street",
                           interview_bring="Your passport")


def _views(person):
    return [e.detail for e in db.session.scalars(select(AuditEvent).where(AuditEvent.action == "campus.viewed",
                                                                         AuditEvent.actor_id == person.id))]


def test_booked_lists_interviews_sessions_and_payback_soonest_first_and_only_theirs(case):
    _manager, participant, other = case
    today = clock.today()
    _interview(participant, datetime.combine(today + timedelta(days=3), time(9), tzinfo=UTC))
    _interview(participant, datetime.combine(today - timedelta(days=3), time(9), tzinfo=UTC), "Past job")
    BookingFactory(participant=participant, offer=OfferFactory(title="Mock interview morning",
                                                               starts_on=today + timedelta(days=10)))
    BookingFactory(participant=participant, offer=OfferFactory(title="Cancelled offer"), cancelled_at=clock.now())
    _payback_session(participant, today + timedelta(days=1))
    _interview(other, datetime.combine(today + timedelta(days=2), time(9), tzinfo=UTC), "Their job")
    BookingFactory(participant=other, offer=OfferFactory(title="Their session"))
    db.session.commit()

    booked = own.booked_for(participant)
    assert [b.kind for b in booked] == ["payback", "interview", "session"]
    assert booked[0].what == "Clear the canal towpath" and booked[0].times == "9:30am to 3pm"
    assert booked[1].what.startswith("Kitchen porter") and booked[1].place == "12 High Street"
    assert booked[2].what.startswith("Mock interview morning")


def test_home_shows_bookings_and_the_release_day_plan_in_words_with_first_names_only(client, case):
    manager, participant, other = case
    today = clock.today()
    _interview(participant, datetime.combine(today + timedelta(days=3), time(9), tzinfo=UTC))
    _payback_session(participant, today + timedelta(days=1))
    mentor = UserFactory(role="mentor", full_name="Dana Mentorson")
    GatemateRequestFactory(participant=participant, prison="HMP Liverpool", release_date=today + timedelta(days=20),
                           window_start=time(8), window_end=time(10, 30), status="accepted", mentor_id=mentor.id,
                           note="Mentor note: bring a spare phone", two_mentors=True,
                           safety_arrangements="Meet in the visitors' centre; phone probation on arrival")
    GatemateRequestFactory(participant=other, prison="HMP Altcourse", status="open")
    person = campus_person(participant)
    db.session.commit()
    sign_in_client(client, person)

    page = client.get("/campus/home")
    text = page.data.decode()
    assert page.status_code == 200
    assert "Interview: Kitchen porter" in text and "Your passport" in text and "in 3 days" in text
    assert "Community Payback: Clear the canal towpath" in text and "9:30am to 3pm" in text and "tomorrow" in text
    assert govuk_date(today + timedelta(days=20)) in text and "8am to 10:30am" in text
    assert "At the gate of HMP Liverpool" in text and "A mentor will meet you at the gate." in text
    assert "Dana" in text and "Mentorson" not in text
    for hidden in ("spare phone", "visitors' centre", "visitors&#39; centre", "probation on arrival", "HMP Altcourse",
                   "Zebedee", "sign-off", "MAPPA"):
        assert hidden not in text, hidden
    assert 'href="/campus/disclosure"' in text
    assert _views(person) == ["home"]


def test_the_second_mentors_first_name_shows_when_there_are_two(case):
    _manager, participant, _other = case
    first, second = UserFactory(role="mentor", full_name="Dana Mentorson"), UserFactory(role="mentor",
                                                                                         full_name="Lee Second")
    request = GatemateRequestFactory(participant=participant, status="open", mentor_id=first.id, two_mentors=True)
    db.session.commit()
    one_of_two = own.release_plan(participant)
    assert one_of_two.mentors == ["Dana"] and "A mentor has been found" in one_of_two.status_words
    request.second_mentor_id, request.status = second.id, "accepted"
    db.session.commit()
    plan = own.release_plan(participant)
    assert plan.mentors == ["Dana", "Lee"] and plan.status_words == "A mentor will meet you at the gate."


@pytest.mark.parametrize(("status", "words"), [
    ("awaiting_signoff", "A mentor has not been found yet."),
    ("declined", "No mentor could be found to meet you."),
    ("open", "A mentor has not been found yet."),
])
def test_a_plan_waiting_for_sign_off_never_says_so(case, status, words):
    _manager, participant, _other = case
    mentor = UserFactory(role="mentor", full_name="Dana Mentorson")
    # A mentor id on a request waiting for (or refused) sign-off is never shown; an open one has none yet.
    GatemateRequestFactory(participant=participant, status=status, mentor_id=None if status == "open" else mentor.id)
    db.session.commit()
    plan = own.release_plan(participant)
    assert words in plan.status_words and plan.mentors == []
    assert "sign" not in plan.status_words.lower()


def test_disclosure_page_shows_their_own_convictions_letter_and_is_audited(client, case):
    manager, participant, other = case
    fine = spent_fine(participant, category="fraud")
    custody = unspent_custody(participant, category="violence")
    unspent_custody(other, category="arson")
    db.session.add(DisclosureLetter(participant_id=participant.id, check_level="basic",
                                    body="In 2023 I was sent to prison for theft. I have changed."))
    db.session.add(DisclosureLetter(participant_id=other.id, check_level="basic", body="Someone else's letter"))
    person = campus_person(participant)
    db.session.commit()
    sign_in_client(client, person)

    page = client.get("/campus/disclosure")
    text = page.data.decode()
    assert page.status_code == 200
    assert "2 convictions and cautions recorded" in text
    rows = own.disclosure_page(participant).rows
    assert [r.record.id for r in rows] == [fine.id, custody.id]
    assert f"Spent since {govuk_date(rows[0].assessment.spent_date)}" in text
    assert f"It will be spent on {govuk_date(rows[1].assessment.spent_date)}" in text
    assert text.count("Does not show it.") == 1  # the spent fine, on a basic check only
    assert "I was sent to prison for theft" in text and "basic DBS check" in text
    assert "Someone else" not in text and "Arson" not in text
    assert _views(person) == ["disclosure"]


def test_disclosure_page_without_convictions_or_letter_says_so(client, case):
    _manager, participant, _other = case
    person = campus_person(participant)
    db.session.commit()
    sign_in_client(client, person)
    text = client.get("/campus/disclosure").data.decode()
    assert "has not recorded any convictions" in text and "You do not have a disclosure letter yet" in text
    assert 'href="/campus/disclosure"' in client.get("/campus/cv").data.decode()  # "Your record" in the menu


def test_a_person_reaches_no_ones_convictions_or_plans_by_id(client, case):
    _manager, participant, other = case
    mine, theirs = unspent_custody(participant, category="violence"), unspent_custody(other, category="arson")
    my_request = GatemateRequestFactory(participant=participant)
    their_request = GatemateRequestFactory(participant=other)
    person = campus_person(participant)
    db.session.commit()
    sign_in_client(client, person)
    for path in (f"/disclosure/participants/{participant.id}", f"/disclosure/participants/{other.id}",
                 f"/disclosure/convictions/{mine.id}/edit", f"/disclosure/convictions/{theirs.id}/edit",
                 f"/disclosure/participants/{other.id}/letter", f"/gatemate/requests/{my_request.id}",
                 f"/gatemate/requests/{their_request.id}", f"/campus/disclosure/{other.id}"):
        assert client.get(path).status_code in (403, 404), path
    # An id in the query string changes nothing: the page is always the signed-in person's own record.
    text = client.get(f"/campus/disclosure?participant_id={other.id}").data.decode()
    assert "Violence" in text and "Arson" not in text
