"""On a 375 px phone the referral lists scroll sideways inside a named, focusable region that says so
(a shadow at the edge and the words "Scroll sideways to see the whole table."), and a status tag
wraps between words, never inside one (the outside tester saw tags cut mid-word)."""

from __future__ import annotations

from playwright.sync_api import expect

from marketplace.extensions import db
from tests.browser.conftest import sign_in
from tests.factories import OpportunityFactory, ReferralFactory, UserFactory
from tests.helpers import TEST_PASSWORD

TAG_WORDS_WHOLE = """() => [...document.querySelectorAll(".govuk-table .govuk-tag")].every(tag => {
  const range = document.createRange(); range.selectNodeContents(tag);
  const words = tag.textContent.trim().split(/\\s+/);
  const lines = new Set([...range.getClientRects()].map(r => Math.round(r.top))).size;
  return lines <= words.length;
})"""


def test_the_inbox_at_375_px_says_it_scrolls_and_keeps_tags_whole(page):
    opportunity = OpportunityFactory(title="Warehouse operative with a long title for a narrow screen")
    employer = UserFactory(role="employer", organisation=opportunity.organisation)
    for status in ("acknowledged", "interview_offered", "submitted"):
        ReferralFactory(opportunity=opportunity, status=status)
    db.session.commit()
    page.set_viewport_size({"width": 375, "height": 700})
    sign_in(page, employer.email, TEST_PASSWORD)
    page.goto("/referrals/inbox?view=open")
    region = page.locator(".fcw-table-scroll")
    assert region.get_attribute("role") == "region" and region.get_attribute("tabindex") == "0"
    assert region.get_attribute("aria-label")
    hint = page.get_by_text("Scroll sideways to see the whole table.")
    assert hint.is_visible() and region.get_attribute("aria-describedby") == hint.get_attribute("id")
    assert "radial-gradient" in region.evaluate("r => getComputedStyle(r).backgroundImage")
    assert page.evaluate(TAG_WORDS_WHOLE)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.set_viewport_size({"width": 1200, "height": 700})
    page.wait_for_function("() => document.querySelector('.fcw-scroll-hint').hidden")


def test_the_account_links_keep_to_one_line_on_a_360_px_phone(page):
    """Seen by an outside check: "Sign out" wrapped onto a line of its own. On a phone the header says
    the first name only; on a wide screen the whole name."""
    case_manager = UserFactory(role="case_manager", full_name="Amanda Adams-Whitworth")
    db.session.commit()
    page.set_viewport_size({"width": 360, "height": 700})
    sign_in(page, case_manager.email, TEST_PASSWORD)
    account = page.get_by_role("navigation", name="Account")
    expect(account.get_by_role("button", name="Sign out")).to_be_visible()  # signed in: the page has loaded
    tops = account.locator("li").evaluate_all(
        "items => items.map(item => Math.round(item.getBoundingClientRect().top))")
    assert len(tops) == 3 and len(set(tops)) == 1
    assert account.get_by_role("link", name="Amanda", exact=True).is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.set_viewport_size({"width": 1200, "height": 700})
    assert account.get_by_role("link", name="Amanda Adams-Whitworth", exact=True).is_visible()
