"""The outside tester's findings, checked where they saw them: on the running site (gunicorn, 2 workers)."""

from __future__ import annotations

from datetime import timedelta

from marketplace.core import clock
from marketplace.extensions import db
from tests.factories import OpportunityFactory, ReferralFactory, UserFactory


def test_a_social_enterprise_home_says_1_interview_coming_up_on_every_worker(served_site):
    employer = UserFactory(role="social_enterprise")
    ReferralFactory(opportunity=OpportunityFactory(organisation=employer.organisation),
                    status="interview_booked", interview_at=clock.now() + timedelta(days=3))
    db.session.commit()
    browser = served_site.signed_in(employer)
    for page in served_site.every_worker(browser, "/home").values():
        assert "1</span> interview coming up" in page.text and "1</span> interviews" not in page.text


def test_2pm_and_a_month_in_words_are_taken_and_a_false_postcode_is_named_on_the_running_site(served_site):
    from zoneinfo import ZoneInfo

    from marketplace.referrals.models import Referral
    from tests.payback.records import good_nomination

    opportunity = OpportunityFactory()
    referral = ReferralFactory(opportunity=opportunity, status="acknowledged")
    employer = UserFactory(role="employer", organisation=opportunity.organisation)
    db.session.commit()
    browser = served_site.signed_in(employer)
    day = clock.today() + timedelta(days=40)
    answer = served_site.post_form(browser, f"/referrals/{referral.id}/steps/offer_interview", {
        "interview_date": [str(day.day), day.strftime("%b"), str(day.year)], "interview_time": "2.30pm",
        "interview_place": "The depot"})
    assert answer.status_code == 200 and "Enter the time" not in answer.text and "real date" not in answer.text
    db.session.expire_all()
    moment = db.session.get(Referral, referral.id).interview_at.astimezone(ZoneInfo("Europe/London"))
    assert (moment.date(), moment.hour, moment.minute) == (day, 14, 30)

    public = served_site.session()
    page = served_site.post_form(public, "/community-payback/nominate", good_nomination(postcode="NOTAPOSTCODE"))
    assert page.status_code == 400 and "Enter a real postcode, like M1 1AE" in page.text
    assert "10 characters" not in page.text


def test_an_old_snapshot_of_qualifications_reads_in_words_on_every_worker(served_site):
    food = {"subject": "retail_commercial", "level": "2", "title": "Food Safety and Hygiene"}
    opportunity = OpportunityFactory()
    referral = ReferralFactory(opportunity=opportunity, snapshot={
        "name": "Sam", "parts": ["qualifications"], "qualifications": [food]})
    db.session.commit()
    browser = served_site.signed_in(referral.participant.case_manager)
    for page in served_site.every_worker(browser, f"/referrals/{referral.id}").values():
        assert "Food Safety and Hygiene (Retail and commercial enterprise, Level 2)" in page.text
        assert "retail_commercial" not in page.text



def test_an_employer_with_an_interview_booked_is_offered_to_change_it_on_every_worker(served_site):
    opportunity = OpportunityFactory()
    referral = ReferralFactory(opportunity=opportunity, status="interview_booked", interview_place="Depot",
                               interview_at=clock.now() + timedelta(days=2))
    employer = UserFactory(role="employer", organisation=opportunity.organisation)
    db.session.commit()
    browser = served_site.signed_in(employer)
    for page in served_site.every_worker(browser, f"/referrals/{referral.id}").values():
        assert "Change the interview" in page.text and "Offer an interview" not in page.text
        assert "You can record how the interview went from" in page.text


def test_the_audit_log_reads_in_words_on_every_worker(served_site):
    from marketplace.core.models import AuditEvent

    admin = UserFactory(role="admin")
    db.session.add(AuditEvent(actor_id=admin.id, actor_email=admin.email, action="funding.paid",
                              subject_type="funding_requests", subject_id="7", detail="12000p supplier_invoice"))
    db.session.commit()
    browser = served_site.signed_in(admin)
    for page in served_site.every_worker(browser, "/admin/audit").values():
        assert "Funding request: paid" in page.text and "£120.00 supplier invoice" in page.text
        assert 'title="funding.paid"' in page.text
