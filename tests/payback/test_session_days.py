"""The session form (outside test, findings 15 and 17): the end time's error gives the hint's example,
and a session on a bank holiday in England and Wales is refused by name, with every other error."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import func, select

from marketplace.core import clock
from marketplace.extensions import db
from marketplace.payback.models import PaybackSession
from tests.factories import PaybackProjectFactory
from tests.payback.test_sessions import manager  # noqa: F401 (fixture)


def sessions_path(manager):  # noqa: F811
    project = PaybackProjectFactory(status="accepted", work_starts_on=date(2026, 12, 14))
    db.session.commit()
    return f"/community-payback/nominations/{project.id}/sessions"


def test_the_end_times_error_gives_the_example_its_hint_gives(client, manager):  # noqa: F811
    text = client.post_form(sessions_path(manager), {"starts_at": "9am", "ends_at": "3pm"}).get_data(as_text=True)
    assert "24-hour clock, like 15:30" in text  # the hint
    assert "Enter end time on the 24-hour clock, like 15:30" in text
    assert "Enter start time on the 24-hour clock, like 09:00" in text
    assert "like 09:30" not in text


def test_a_session_on_a_bank_holiday_is_refused_by_name_with_every_other_error(client, manager):  # noqa: F811
    clock.fix(datetime(2026, 12, 7, 10, 0, tzinfo=UTC))
    path = sessions_path(manager)
    form = {"day": ["25", "12", "2026"], "starts_at": "9:00", "ends_at": "15:30", "place": "Park gate on Grange Road",
            "supervisor_id": str(manager.id), "capacity": "20"}
    page = client.post_form(path, form)
    text = page.get_data(as_text=True)
    assert page.status_code == 400 and "govuk-error-summary" in text
    assert ("25 December 2026 is a bank holiday (Christmas Day): sessions are not run on bank holidays. "
            "Choose another day") in text
    assert "A session takes from 1 to 12 people" in text
    assert 'value="Park gate on Grange Road"' in text and 'value="25"' in text  # what was typed is kept

    text = client.post_form(path, {**form, "day": ["28", "12", "2026"], "capacity": "6"}).get_data(as_text=True)
    assert "28 December 2026 is a bank holiday (Boxing Day" in text  # the holiday moved off the Saturday
    assert db.session.scalar(select(func.count()).select_from(PaybackSession)) == 0

    assert client.post_form(path, {**form, "day": ["29", "12", "2026"], "capacity": "6"}).status_code == 302
