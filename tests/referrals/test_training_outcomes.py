"""A course, volunteering or an unpaid placement has its own outcomes after the start — completed,
qualification gained, moved into work — in real time, and never the 13- and 26-week job checks."""

from __future__ import annotations

from datetime import timedelta

import pytest

from marketplace.core import clock
from marketplace.core.exceptions import Refused
from marketplace.core.workflow import NotAllowed
from marketplace.extensions import db
from marketplace.referrals import operations
from marketplace.referrals.models import Referral
from marketplace.referrals.workflow import allowed_actions
from tests.factories import OpportunityFactory, ReferralFactory
from tests.helpers import error_summary, sign_in_client


def day_fields(day):
    return [str(day.day), str(day.month), str(day.year)]


@pytest.fixture
def course(make_parties):
    """On a training course since four weeks ago."""
    return make_parties("started", start_date=clock.today() - timedelta(weeks=4),
                        opportunity=OpportunityFactory(kind="training", qualification_subject="construction"))


def test_a_course_offers_its_own_outcomes_and_not_the_job_checks(course):
    assert set(allowed_actions(course.referral, course.case_manager)) == {"complete", "move_into_work", "left_job"}
    assert allowed_actions(course.referral, course.employer) == ["complete"]


@pytest.mark.parametrize("action", ["complete", "move_into_work"])
def test_paid_work_has_no_course_outcomes(make_parties, action):
    parties = make_parties("started", start_date=clock.today() - timedelta(weeks=2))
    assert parties.referral.opportunity.is_paid_work
    assert action not in allowed_actions(parties.referral, parties.case_manager)
    with pytest.raises(NotAllowed, match="paid work has the 13- and 26-week checks"):
        operations.take_step(parties.referral, action, parties.case_manager, operations.StepDetails(
            completed_on=clock.today(), work="elsewhere", moved_on=clock.today()))


def test_nothing_is_recorded_before_the_start(make_parties):
    parties = make_parties("started", opportunity=OpportunityFactory(kind="volunteering"),
                           start_date=clock.today() + timedelta(days=3))
    assert allowed_actions(parties.referral, parties.case_manager) == ["left_job"]
    with pytest.raises(Refused, match="on or after the day they started"):
        operations.take_step(parties.referral, "complete", parties.case_manager,
                             operations.StepDetails(completed_on=clock.today()))
    db.session.rollback()
    # The workflow itself waits for the start, whatever a caller passes.
    from marketplace.referrals.workflow import transition

    with pytest.raises(NotAllowed, match="once they have started, on"):
        transition(parties.referral, "complete", parties.case_manager)


def test_completion_is_dated_between_the_start_and_today(course):
    start = course.referral.start_date
    for day, message in ((None, "Enter the date they completed it"),
                         (start - timedelta(days=1), "must be on or after the day they started"),
                         (clock.today() + timedelta(days=1), "must be today or in the past")):
        with pytest.raises(Refused, match=message):
            operations.take_step(course.referral, "complete", course.employer, operations.StepDetails(completed_on=day))
        db.session.rollback()
    operations.take_step(course.referral, "complete", course.employer,
                         operations.StepDetails(completed_on=start + timedelta(days=20)))
    db.session.commit()
    referral = db.session.get(Referral, course.referral.id)
    assert (referral.status, referral.completed_on, referral.label) == ("completed", start + timedelta(days=20),
                                                                       "Completed")


def test_the_qualification_form_lists_every_error_at_once_and_keeps_what_was_typed(course, client):
    operations.take_step(course.referral, "complete", course.case_manager,
                         operations.StepDetails(completed_on=clock.today()))
    db.session.commit()
    sign_in_client(client, course.employer)
    before = course.referral.start_date - timedelta(days=1)
    response = client.post_form(f"/referrals/{course.referral.id}/steps/gain_qualification", {
        "qualification_title": "", "qualification_level": "", "qualification_on": day_fields(before),
        "note": "Passed all units"})
    assert response.status_code == 400
    assert error_summary(response.data) == {
        "Enter the qualification's title": "#qualification_title",
        "Select the qualification's level": "#qualification_level",
        f"The date it was awarded must be on or after the day they started ({course.referral.start_date:%-d %B %Y})":
            "#qualification_on-day",
    }
    assert "Passed all units" in response.data.decode()
    response = client.post_form(f"/referrals/{course.referral.id}/steps/gain_qualification", {
        "qualification_title": "Certificate in Construction Skills", "qualification_level": "2",
        "qualification_on": day_fields(clock.today()), "note": ""})
    assert response.status_code == 302
    referral = db.session.get(Referral, course.referral.id)
    assert referral.status == "qualification_gained"
    assert referral.qualification_text == "Certificate in Construction Skills (Level 2)"
    page = client.get(f"/referrals/{referral.id}").data.decode()
    assert "Certificate in Construction Skills (Level 2), awarded" in page
    assert "13-week check" not in page


def test_moving_into_work_points_at_the_paid_job_they_started(course, client):
    person = course.referral.participant
    job = ReferralFactory(participant=person, status="started", start_date=clock.today() - timedelta(days=2))
    ReferralFactory(participant=person, status="started", start_date=course.referral.start_date - timedelta(days=9))
    ReferralFactory(participant=person, status="started", start_date=clock.today(),
                    opportunity=OpportunityFactory(kind="volunteering"))
    db.session.commit()
    # Only paid work started since the course began is a job it may have led to.
    assert [value for value, _ in operations.work_choices(course.referral)] == [str(job.id), "elsewhere"]
    sign_in_client(client, course.case_manager)
    page = client.get(f"/referrals/{course.referral.id}/steps/move_into_work").data.decode()
    assert f"{job.opportunity.title} at {job.employer.name}, started" in page
    response = client.post_form(f"/referrals/{course.referral.id}/steps/move_into_work", {"work": "elsewhere"})
    assert error_summary(response.data) == {"Enter the date they started work": "#moved_on-day"}
    response = client.post_form(f"/referrals/{course.referral.id}/steps/move_into_work", {"work": str(job.id)})
    assert response.status_code == 302
    referral = db.session.get(Referral, course.referral.id)
    assert (referral.status, referral.work_referral_id, referral.moved_into_work_on) == (
        "moved_into_work", job.id, job.start_date)
    assert not referral.is_open
    page = client.get(f"/referrals/{referral.id}").data.decode()
    assert f'href="/referrals/{job.id}"' in page
    # The course's organisation sees that they moved into work, not where.
    sign_in_client(client, course.employer)
    page = client.get(f"/referrals/{referral.id}").data.decode()
    assert "Moved into work" in page and job.employer.name not in page


def test_an_outcome_recorded_by_mistake_is_corrected_and_cleared(course):
    operations.take_step(course.referral, "move_into_work", course.case_manager,
                         operations.StepDetails(work="elsewhere", moved_on=clock.today()))
    operations.correct_last_step(course.referral, course.case_manager, "Wrong person")
    assert (course.referral.status, course.referral.moved_into_work_on) == ("started", None)
