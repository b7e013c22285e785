"""Through the running site (gunicorn, 2 workers): the vacancy with six mistakes gets every error in
one answer, nothing is saved, and the fixed form is saved and seen by every worker."""

from __future__ import annotations

from datetime import timedelta

from marketplace.core import clock
from marketplace.extensions import db
from tests.factories import UserFactory, member_organisation
from tests.helpers import error_summary
from tests.opportunities.helpers import date_parts, form_data


def test_every_error_at_once_through_the_running_site(served_site):
    employer = UserFactory(role="employer", organisation=member_organisation(3))
    db.session.commit()
    browser = served_site.signed_in(employer)
    wrong = form_data(hours_per_week="200", pay_from="9.50", pay_to="8", places="0",
                      closing_date=date_parts(clock.today() - timedelta(days=3)),
                      offence_exclusions=["none", "arson"], title="Night prep cook")
    answer = served_site.post_form(browser, "/opportunities/new", wrong, allow_redirects=False)
    assert answer.status_code == 400
    assert len(error_summary(answer.text)) == 6
    assert 'value="Night prep cook"' in answer.text
    for page in served_site.every_worker(browser, "/opportunities/ours?show=draft").values():
        assert "Night prep cook" not in page.text

    fixed = form_data(title="Night prep cook")
    answer = served_site.post_form(browser, "/opportunities/new", fixed, allow_redirects=False)
    assert answer.status_code == 302
    for page in served_site.every_worker(browser, "/opportunities/ours?show=draft").values():
        assert "Night prep cook" in page.text
