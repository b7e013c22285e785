"""Places on a session never go over the limit, however many case managers book at once: real threads
racing on SQLite (BEGIN IMMEDIATE) and on PostgreSQL (SELECT ... FOR UPDATE)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from marketplace.accounts.models import User
from marketplace.alliance import operations
from marketplace.alliance.models import Booking, Offer
from marketplace.core.db import write_intent
from marketplace.core.exceptions import Refused
from marketplace.extensions import db
from tests.factories import BookingFactory, ConsentRecordFactory, OfferFactory, ParticipantFactory, UserFactory

pytestmark = pytest.mark.concurrency


def test_twelve_bookings_at_once_for_three_places_take_exactly_three(app):
    offer_id = OfferFactory(places=3).id
    attempts = []
    for _ in range(12):
        manager = UserFactory(role="case_manager")
        person = ParticipantFactory(case_manager=manager)
        ConsentRecordFactory(participant=person, employers=True)
        attempts.append((manager.id, person.id))
    db.session.commit()
    barrier = threading.Barrier(len(attempts))

    def book(attempt):
        manager_id, participant_id = attempt
        with app.app_context():
            write_intent()
            barrier.wait(timeout=10)
            try:
                operations.book_place(offer_id, participant_id, "", "", db.session.get(User, manager_id))
                db.session.commit()
                return "booked"
            except Refused as refusal:
                db.session.rollback()
                return refusal.message

    with ThreadPoolExecutor(len(attempts)) as pool:
        outcomes = list(pool.map(book, attempts))
    db.session.rollback()
    assert outcomes.count("booked") == 3, outcomes
    assert set(outcomes) - {"booked"} == {"There are no places left on this session"}
    assert db.session.scalar(select(func.count()).select_from(Booking)) == 3
    assert db.session.get(Offer, offer_id).places_taken == 3


def test_cancelling_and_booking_at_once_keeps_the_count_true(app):
    offer = OfferFactory(places=2)
    manager = UserFactory(role="case_manager")
    booked = [BookingFactory(offer=offer, participant=ParticipantFactory(case_manager=manager)) for _ in range(2)]
    waiting = []
    for _ in range(6):
        person = ParticipantFactory(case_manager=manager)
        ConsentRecordFactory(participant=person, employers=True)
        waiting.append(person.id)
    offer_id, manager_id = offer.id, manager.id
    booking_ids = [booking.id for booking in booked]
    db.session.commit()
    barrier = threading.Barrier(len(booking_ids) + len(waiting))

    def act(job):
        action, record_id = job
        with app.app_context():
            write_intent()
            barrier.wait(timeout=10)
            actor = db.session.get(User, manager_id)
            try:
                if action == "cancel":
                    operations.cancel_booking(record_id, actor)
                else:
                    operations.book_place(offer_id, record_id, "", "", actor)
                db.session.commit()
                return action
            except Refused:
                db.session.rollback()
                return "refused"

    jobs = [("cancel", booking_id) for booking_id in booking_ids] + [("book", pid) for pid in waiting]
    with ThreadPoolExecutor(len(jobs)) as pool:
        outcomes = list(pool.map(act, jobs))
    db.session.rollback()
    assert outcomes.count("cancel") == 2
    live = db.session.scalar(select(func.count()).select_from(Booking).where(
        Booking.offer_id == offer_id, Booking.cancelled_at.is_(None)))
    offer = db.session.get(Offer, offer_id)
    assert live == offer.places_taken == outcomes.count("book") <= 2
