"""The session-timeout warning across tabs: an idle tab does not sign out a person busy in another,
"Stay signed in" in one tab reaches the others, and a tab with unsaved typing is not thrown away when
time runs out. The browser's clock is Playwright's fake one and the server's is fixed; the test moves
both on together, so the server's real 30-minute idle limit applies."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from marketplace.core import clock
from marketplace.extensions import db
from tests.browser.conftest import sign_in
from tests.factories import UserFactory
from tests.helpers import TEST_PASSWORD

pytestmark = pytest.mark.browser
WARNING = "You are about to be signed out"


def test_tabs_share_one_deadline_and_typing_is_never_thrown_away(page):
    manager = UserFactory(role="case_manager")
    db.session.commit()
    start = clock.now()
    clock.fix(start)
    elapsed = timedelta()

    def wait(minutes: float) -> None:
        nonlocal elapsed
        elapsed += timedelta(minutes=minutes)
        clock.fix(start + elapsed)
        form_tab.clock.run_for(int(minutes * 60_000))

    page.context.clock.install()
    sign_in(page, manager.email, TEST_PASSWORD)

    form_tab = page
    form_tab.goto("/participants/new")
    form_tab.get_by_label("First name").fill("Jordan")
    busy_tab = page.context.new_page()
    busy_tab.goto("/")

    # 20 minutes on, the person opens a page in the other tab: the session runs 30 minutes from there.
    wait(20)
    busy_tab.reload()
    # 35 minutes after the form tab loaded: without the shared deadline it would have warned at 28 and
    # signed out at 30.
    wait(15)
    expect(form_tab.get_by_role("heading", name=WARNING)).to_be_hidden()
    assert form_tab.url.endswith("/participants/new")

    # 48 minutes: both tabs warn (2 minutes before the shared deadline); staying in one closes both.
    wait(13.5)
    expect(form_tab.get_by_role("heading", name=WARNING)).to_be_visible()
    expect(busy_tab.get_by_role("heading", name=WARNING)).to_be_visible()
    busy_tab.get_by_role("button", name="Stay signed in").click()
    expect(busy_tab.get_by_role("heading", name=WARNING)).to_be_hidden()
    expect(form_tab.get_by_role("heading", name=WARNING)).to_be_hidden()

    # Then nobody does anything for 31 minutes: the tab with nothing typed goes to the sign-in page;
    # the tab with typing stays, says so, and keeps what was typed.
    wait(31)
    expect(busy_tab).to_have_url("/sign-in?reason=idle")
    expect(form_tab.get_by_role("heading", name="You have been signed out")).to_be_visible()
    assert form_tab.url.endswith("/participants/new")
    form_tab.get_by_role("button", name="Close").click()
    expect(form_tab.get_by_label("First name")).to_have_value("Jordan")
