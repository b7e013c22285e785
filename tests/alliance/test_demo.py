"""The demo alliance: members at every level in every region, applications waiting, sessions with
bookings only for people who agreed to share details with employers."""

from __future__ import annotations

from sqlalchemy import func, select

from marketplace.alliance import operations
from marketplace.alliance.models import AllianceMembership, Booking, Offer
from marketplace.core import clock
from marketplace.extensions import db
from marketplace.reference import REGIONS


def test_demo_alliance(app):
    result = app.test_cli_runner().invoke(args=["seed", "demo", "--seed", "11"])
    assert result.exit_code == 0, result.output
    for region in REGIONS:
        for level in (1, 2, 3):
            assert operations.directory(level=level, region=region), (region, level)
    assert operations.count_waiting_applications() >= 3
    assert db.session.scalar(select(func.count()).select_from(AllianceMembership).where(
        AllianceMembership.status == "lapsed")) >= 1
    upcoming = db.session.scalars(select(Offer).where(Offer.starts_on > clock.today())).all()
    assert len(upcoming) >= 30 and {offer.setting for offer in upcoming} == {"prison", "community", "online"}
    bookings = db.session.scalars(select(Booking)).all()
    assert len(bookings) >= 50
    assert all(booking.participant.may_share_with_employers() for booking in bookings)
    assert all(booking.participant.organisation_id == booking.organisation_id for booking in bookings)
    for offer in db.session.scalars(select(Offer)):
        assert offer.places_taken == len(offer.live_bookings) <= offer.places
        if offer.setting == "prison":
            assert all(b.participant.prison == offer.prison for b in offer.bookings)
