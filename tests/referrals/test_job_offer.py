"""A job offer records its start date, hours and pay: all checked at once (the pay against the National
Minimum Wage in force on the start date), shown on the referral and its timeline, offered as the job
start's date, and cleared if the offer is corrected."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

from marketplace.core import clock
from marketplace.core.filters import govuk_date
from marketplace.extensions import db
from marketplace.reference import minimum_wage_on
from marketplace.referrals import operations
from marketplace.referrals.models import Referral
from tests.factories import OpportunityFactory
from tests.helpers import error_summary, sign_in_client


def day_fields(day) -> list[str]:
    return [str(day.day), str(day.month), str(day.year)]


def offer_path(parties) -> str:
    return f"/referrals/{parties.referral.id}/steps/make_offer"


def test_the_offer_form_lists_every_error_at_once(make_parties, client):
    parties = make_parties("interviewed")
    sign_in_client(client, parties.employer)
    yesterday = clock.today() - timedelta(days=1)
    response = client.post_form(offer_path(parties), {
        "offer_start_date": day_fields(yesterday), "offer_hours": "200", "offer_pay": "", "note": "x" * 3001})
    assert response.status_code == 400
    assert error_summary(response.data) == {
        "The start date must be today or later": "#offer_start_date-day",
        "Hours per week must be more than 0 and no more than 80": "#offer_hours",
        "Enter the pay": "#offer_pay",
        "The note must be 3,000 characters or fewer": "#note",
    }
    page = response.data.decode()
    assert 'value="200"' in page  # what was typed is kept
    assert db.session.get(Referral, parties.referral.id).status == "interviewed"


def test_pay_below_the_minimum_wage_on_the_start_date_is_refused(make_parties, client):
    parties = make_parties("interviewed")
    sign_in_client(client, parties.employer)
    start = clock.today() + timedelta(days=10)
    minimum = minimum_wage_on(start)
    # £300 a week for 37.5 hours is £8 an hour: below the minimum whichever year it is.
    response = client.post_form(offer_path(parties), {
        "offer_start_date": day_fields(start), "offer_hours": "37.5", "offer_pay": "300", "offer_pay_period": "week"})
    assert response.status_code == 400
    assert f"Pay of £8 an hour is below the National Minimum Wage of £{minimum} an hour" in response.data.decode()
    assert db.session.get(Referral, parties.referral.id).status == "interviewed"


def test_the_offer_starts_from_the_advertised_hours_and_pay(make_parties, client):
    parties = make_parties("interviewed", opportunity=OpportunityFactory(
        hours_per_week=Decimal("30"), pay_from=Decimal("27500"), pay_period="year"))
    sign_in_client(client, parties.employer)
    page = client.get(offer_path(parties)).data.decode()
    assert 'name="offer_hours" type="text" value="30"' in page
    assert 'name="offer_pay" type="text" value="27500.00"' in page
    assert 'value="year" checked' in page


def test_an_offer_is_recorded_shown_and_becomes_the_start_date(make_parties, client):
    parties = make_parties("interviewed")
    sign_in_client(client, parties.employer)
    start = clock.today() + timedelta(days=14)
    response = client.post_form(offer_path(parties), {
        "offer_start_date": day_fields(start), "offer_hours": "37.5", "offer_pay": "£13.50",
        "offer_pay_period": "hour", "note": "Days, Monday to Friday."}, follow_redirects=True)
    assert "Job offer made." in response.data.decode()
    referral = db.session.get(Referral, parties.referral.id)
    assert (referral.status, referral.offer_start_date, referral.offer_hours_per_week, referral.offer_pay,
            referral.offer_pay_period) == ("offer_made", start, Decimal("37.5"), Decimal("13.50"), "hour")
    words = f"Starting {govuk_date(start)} · 37.5 hours a week · £13.50 an hour"
    assert referral.events[-1].detail == words
    # The case manager sees the offer and the timeline says it; the start step offers its date.
    sign_in_client(client, parties.case_manager)
    page = client.get(f"/referrals/{referral.id}").data.decode()
    offer = page.split('id="job-offer"')[1].split("</dl>")[0]
    assert govuk_date(start) in offer and "37.5 hours a week" in offer and "£13.50 an hour" in offer
    assert words in page.split('class="govuk-list fcw-timeline"')[1]
    operations.take_step(referral, "accept_offer", parties.case_manager, operations.StepDetails())
    db.session.commit()
    start_page = client.get(f"/referrals/{referral.id}/steps/start").data.decode()
    boxes = {box: re.search(rf'<input[^>]*id="start_date-{box}"[^>]*>', start_page).group(0)
             for box in ("day", "month", "year")}
    assert [f'value="{value}"' in boxes[box] for box, value in zip(boxes, day_fields(start), strict=True)] == [
        True, True, True], boxes


def test_correcting_an_offer_clears_what_it_recorded(make_parties):
    parties = make_parties("interviewed")
    referral = parties.referral
    operations.take_step(referral, "make_offer", parties.employer, operations.StepDetails(
        offer_start_date=clock.today() + timedelta(days=3), offer_hours=Decimal("20"), offer_pay=Decimal("300"),
        offer_pay_period="week"))
    db.session.commit()
    operations.correct_last_step(referral, parties.employer, "Offered to the wrong person")
    db.session.commit()
    assert referral.status == "interviewed" and not referral.has_offer_details and referral.offer_pay_period == ""
    assert [event.detail for event in referral.events if event.action == "make_offer"][0].startswith("Starting")


def test_an_unpaid_opportunity_needs_only_the_start_date(make_parties):
    parties = make_parties("interviewed", opportunity=OpportunityFactory(
        kind="volunteering", pay_from=None, pay_period="", pays_minimum_wage=False))
    operations.take_step(parties.referral, "make_offer", parties.employer,
                         operations.StepDetails(offer_start_date=clock.today()))
    assert parties.referral.status == "offer_made" and parties.referral.offer_pay is None
    assert parties.referral.events[-1].detail == f"Starting {govuk_date(clock.today())}"


def test_the_offer_is_in_the_persons_subject_access_export(make_parties):
    from marketplace.participants.export import subject_access_export

    parties = make_parties("interviewed")
    start = clock.today() + timedelta(days=5)
    operations.take_step(parties.referral, "make_offer", parties.employer, operations.StepDetails(
        offer_start_date=start, offer_hours=Decimal("20"), offer_pay=Decimal("300"), offer_pay_period="week"))
    db.session.commit()
    (exported,) = subject_access_export(parties.referral.participant)["referrals"]
    assert exported["job_offer"] == {"start_date": start.isoformat(), "hours": "20 hours a week", "pay": "£300 a week"}
    assert exported["steps"][-1]["detail"] == f"Starting {govuk_date(start)} · 20 hours a week · £300 a week"
