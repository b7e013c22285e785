"""Through the running site (gunicorn, 2 workers): a payback manager changes the region's ETE cap and
marks an alliance session as ETE, its organiser records attendance, and every worker then serves the
new cap, its history, and the credited hours on the case manager's record of the person."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from marketplace.core import clock
from marketplace.extensions import db
from marketplace.payback.models import PaybackHours, PaybackOrder
from tests.factories import BookingFactory, OfferFactory, ParticipantFactory, UserFactory


def test_cap_and_ete_attendance_are_served_by_every_worker(served_site):
    manager = UserFactory(role="payback_manager", full_name="Priya Manager")  # North West
    case_manager = UserFactory(role="case_manager", organisation=manager.organisation)
    person = ParticipantFactory(location="community", prison=None, release_date=None, case_manager=case_manager)
    db.session.add(PaybackOrder(participant_id=person.id, hours_ordered=40, ete_cap_percent=30,
                                made_on=date(2026, 1, 5), recorded_by_id=manager.id))
    day = clock.today() - timedelta(days=1)
    offer = OfferFactory(title="Warehouse CV workshop", setting="community", prison=None, town="Bolton",
                         region="North West", starts_on=day, ends_on=day)
    booking = BookingFactory(offer=offer, participant=person)
    organiser = UserFactory(role="employer", organisation=offer.organisation)
    db.session.commit()
    ids = {"person": person.id, "offer": offer.id, "booking": booking.id}

    browser = served_site.signed_in(manager)
    served_site.warm_every_worker(browser, "/community-payback/ete-cap")
    token = served_site.csrf_token(browser, "/community-payback/ete-cap")
    answer = served_site.post_form(browser, "/community-payback/ete-cap", {
        "csrf_token": token, "region": "North West", "percent": "20", "note": "Seed paper"}, allow_redirects=False)
    assert answer.status_code == 302
    pages = served_site.every_worker(browser, "/community-payback/ete-cap")
    assert len(pages) == 2
    assert all("30% to 20%" in page.text and "Priya Manager" in page.text for page in pages.values())

    path = f"/community-payback/ete-sessions/{ids['offer']}"
    token = served_site.csrf_token(browser, "/community-payback/ete-sessions")
    assert served_site.post_form(browser, path, {"csrf_token": token, f"o{ids['offer']}-minutes": "15"},
                                 allow_redirects=False).status_code == 400  # more than 10 hours
    assert served_site.post_form(browser, path, {"csrf_token": token, f"o{ids['offer']}-minutes": "5"},
                                 allow_redirects=False).status_code == 302

    employer = served_site.signed_in(organiser)
    offer_path = f"/alliance/offers/{ids['offer']}"
    token = served_site.csrf_token(employer, offer_path)
    assert served_site.post_form(employer, f"{offer_path}/attendance", {
        "csrf_token": token, f"booking_{ids['booking']}": "yes"}, allow_redirects=False).status_code == 302
    db.session.rollback()
    row = db.session.scalar(select(PaybackHours).where(PaybackHours.participant_id == ids["person"]))
    assert (row.minutes, row.counted_minutes) == (300, 300)  # the order keeps its 30%: 12 hours may count

    reader = served_site.signed_in(case_manager)
    pages = served_site.every_worker(reader, f"/participants/{ids['person']}")
    assert len(pages) == 2
    assert all("Unpaid work (Community Payback)" in page.text and "5 of 12" in page.text for page in pages.values())
