"""Through the running site (gunicorn, 2 workers): a course's completion recorded by its organisation
shows on the referral page and in the Training and volunteering outcomes table from every worker; a
completion dated before the start is refused on the form with what was typed kept."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta

import pytest

from marketplace.core import clock
from marketplace.extensions import db
from tests.factories import OpportunityFactory, ReferralFactory, UserFactory
from tests.referrals.conftest import community_participant

pytestmark = pytest.mark.concurrency


def test_a_course_completed_shows_on_every_worker(served_site):
    start = clock.today() - timedelta(weeks=6)
    course = OpportunityFactory(kind="training", qualification_subject="construction", region="North West")
    employer = UserFactory(role="employer", organisation=course.organisation)
    referrals = [ReferralFactory(participant=community_participant(), opportunity=course, status="started",
                                 start_date=start) for _ in range(6)]
    admin = UserFactory(role="admin")
    db.session.commit()
    browser = served_site.signed_in(employer)
    path = f"/referrals/{referrals[0].id}/steps/complete"
    early = start - timedelta(days=1)
    answer = served_site.post_form(browser, path, {"completed_on": _day(early), "note": "All units signed off"})
    assert answer.status_code == 400
    assert f"The date they completed it must be on or after the day they started ({start:%-d %B %Y})" in answer.text
    assert "All units signed off" in answer.text
    for referral in referrals:
        answer = served_site.post_form(browser, f"/referrals/{referral.id}/steps/complete",
                                       {"completed_on": _day(clock.today())})
        assert answer.status_code == 200 and "Recorded that they completed it." in answer.text
    for page in served_site.every_worker(browser, f"/referrals/{referrals[0].id}").values():
        assert page.status_code == 200
        text = re.sub(r"\s+", " ", page.text)
        assert "Completed" in text and f"{clock.today():%-d %B %Y}" in text and "13-week check" not in text
    admin_browser = served_site.signed_in(admin)
    year = date.today().year
    query = (f"/reports/outcomes.csv?table=training&period_from=1&period_from=1&period_from={year - 1}"
             f"&period_to=31&period_to=12&period_to={year}")
    for page in served_site.every_worker(admin_browser, query).values():
        assert page.status_code == 200
        lines = list(csv.reader(io.StringIO(page.text)))
        assert lines[0][:5] == ["Kind of opportunity", "Started", "Completed", "Qualification gained",
                                "Moved into work"]
        assert lines[1][:5] == ["Training course", "6", "6", "0", "0"]


def _day(day: date) -> list[str]:
    return [str(day.day), str(day.month), str(day.year)]
