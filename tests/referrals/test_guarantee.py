"""Guaranteed interviews: due within 10 working days (weekends and bank holidays skipped), flagged
as overdue the day after on the employer's inbox and the admin's dashboard, and each employer's
record of keeping them. The clock is fixed."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from marketplace.core import clock
from marketplace.extensions import db
from marketplace.referrals import operations
from marketplace.referrals.models import Referral
from marketplace.referrals.views import inbox_query
from tests.factories import OpportunityFactory

# Friday 18 December 2026: ten working days later skips two weekends, Christmas Day, the Boxing Day
# substitute (Monday 28th) and New Year's Day.
SUBMITTED = datetime(2026, 12, 18, 11, 0, tzinfo=UTC)
DUE = date(2027, 1, 6)


@pytest.fixture
def guaranteed(make_parties):
    clock.fix(SUBMITTED)
    opportunity = OpportunityFactory(kind="guaranteed_interview", minimum_requirements=["Forklift licence"],
                                     closing_date=date(2027, 3, 1))
    parties = make_parties("draft", opportunity=opportunity, submitted_at=None,
                           requirements_confirmed=["Forklift licence"])
    operations.submit_referral(parties.referral, parties.case_manager)
    db.session.commit()
    return parties


def _counts(referral):
    return {view: len(db.session.scalars(inbox_query(referral.employer_organisation_id, view)).all())
            for view in ("overdue", "waiting", "new")}


def test_due_date_is_ten_working_days_after_sending(guaranteed):
    assert guaranteed.referral.guarantee_due_on == DUE


@pytest.mark.parametrize(("today", "overdue"), [
    (date(2026, 12, 24), False),
    (date(2027, 1, 5), False),
    (DUE, False),               # the last day to offer is still in time
    (date(2027, 1, 7), True),
    (date(2027, 2, 1), True),
])
def test_overdue_only_after_the_due_date(guaranteed, today, overdue):
    clock.fix(datetime.combine(today, datetime.min.time(), UTC) + timedelta(hours=9))
    referral = db.session.get(Referral, guaranteed.referral.id)
    assert referral.guarantee_overdue() is overdue
    assert _counts(referral)["overdue"] == (1 if overdue else 0)


def test_an_interview_offered_ends_the_overdue_flag(guaranteed):
    clock.fix(datetime(2027, 1, 8, 9, 0, tzinfo=UTC))
    assert guaranteed.referral.guarantee_overdue()
    operations.take_step(guaranteed.referral, "offer_interview", guaranteed.employer, operations.StepDetails(
        interview_date=date(2027, 1, 12), interview_time="10:00", interview_place="Depot"))
    db.session.commit()
    assert not guaranteed.referral.guarantee_overdue()
    assert _counts(guaranteed.referral)["overdue"] == 0


def test_overdue_is_flagged_on_the_inbox_and_the_admin_dashboard(guaranteed, client, login_as):
    clock.fix(datetime(2027, 1, 7, 9, 0, tzinfo=UTC))
    login_as("employer", organisation=guaranteed.referral.employer)
    inbox = client.get("/referrals/inbox?view=overdue").get_data(as_text=True)
    assert "Guarantee overdue (1)" in inbox
    assert "1 guaranteed interview is overdue" in inbox
    assert guaranteed.referral.shared_name in inbox
    page = client.get(f"/referrals/{guaranteed.referral.id}").get_data(as_text=True)
    assert "Guarantee overdue: an interview should have been offered by 6 January 2027" in page

    login_as("admin")
    dashboard = client.get("/admin/dashboard").get_data(as_text=True)
    assert "1 guaranteed interview is overdue" in dashboard
    record = client.get("/referrals/guarantees").get_data(as_text=True)
    assert guaranteed.referral.employer.name in record
    assert "due 6 January 2027" in record


def test_in_time_the_inbox_shows_the_due_date_and_no_warning(guaranteed, client, login_as):
    clock.fix(datetime(2027, 1, 6, 16, 0, tzinfo=UTC))
    login_as("employer", organisation=guaranteed.referral.employer)
    inbox = client.get("/referrals/inbox").get_data(as_text=True)
    assert "Guarantee overdue (0)" in inbox
    assert "Interview due by 6 January 2027" in inbox


def test_the_record_counts_kept_late_and_overdue(make_parties, client, login_as):
    clock.fix(SUBMITTED)
    opportunity = OpportunityFactory(kind="guaranteed_interview", minimum_requirements=["CSCS card"],
                                     closing_date=date(2027, 3, 1), places=5)
    made = [make_parties("draft", opportunity=opportunity, submitted_at=None, requirements_confirmed=["CSCS card"])
            for _ in range(3)]
    for parties in made:
        operations.submit_referral(parties.referral, parties.case_manager)
    db.session.commit()
    offer = operations.StepDetails(interview_date=date(2027, 1, 20), interview_time="10:00", interview_place="Site")
    clock.fix(datetime(2027, 1, 6, 12, 0, tzinfo=UTC))       # on the due day: kept
    operations.take_step(made[0].referral, "offer_interview", made[0].employer, offer)
    clock.fix(datetime(2027, 1, 8, 12, 0, tzinfo=UTC))       # two days late
    operations.take_step(made[1].referral, "offer_interview", made[1].employer, offer)
    db.session.commit()                                      # the third is still waiting: overdue
    login_as("admin")
    page = client.get("/referrals/guarantees").get_data(as_text=True)
    row = page.split(opportunity.organisation.name, 1)[1].split("</tr>", 1)[0]
    numbers = [cell.split(">")[-1] for cell in row.split("</td>")[:-1]]
    assert numbers == ["3", "1", "1", "1", "0"]


def test_an_employer_sees_its_own_record_exactly_and_no_one_elses(make_parties, client, login_as):
    """Employers could not see their own record (admin only), and the guarantees report showed their
    own small figures as "fewer than 5" to them, though they have met every person in them."""
    from tests.helpers import sign_in_client

    clock.fix(SUBMITTED)
    ours = OpportunityFactory(kind="guaranteed_interview", minimum_requirements=["CSCS card"],
                              closing_date=date(2027, 3, 1), places=5, title="Groundworker")
    theirs = OpportunityFactory(kind="guaranteed_interview", minimum_requirements=["CSCS card"],
                                closing_date=date(2027, 3, 1), places=5, title="Hidden elsewhere")
    made = [make_parties("draft", opportunity=opportunity, submitted_at=None, requirements_confirmed=["CSCS card"])
            for opportunity in (ours, ours, theirs)]
    for parties in made:
        operations.submit_referral(parties.referral, parties.case_manager)
    db.session.commit()
    clock.fix(datetime(2027, 1, 8, 12, 0, tzinfo=UTC))       # both of ours are overdue now
    sign_in_client(client, made[0].employer)
    page = client.get("/referrals/guarantees").get_data(as_text=True)
    assert "Your organisation&#39;s record" in page or "Your organisation's record" in page
    assert ours.organisation.name in page and theirs.organisation.name not in page
    row = page.split(ours.organisation.name, 1)[1].split("</tr>", 1)[0]
    assert [cell.split(">")[-1] for cell in row.split("</td>")[:-1]] == ["2", "0", "0", "2", "0"]
    assert "Groundworker" in page and "Hidden elsewhere" not in page
    report = client.get("/reports/guarantees?period_from=1&period_from=12&period_from=2026"
                        "&period_to=31&period_to=1&period_to=2027").get_data(as_text=True)
    assert "every count is shown as it is" in report and "fewer than 5" not in report
    assert theirs.organisation.name not in report
