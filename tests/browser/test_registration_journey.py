"""Register an organisation, approve it as an admin, sign in as the new user, sign out."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.factories import UserFactory
from tests.helpers import TEST_PASSWORD

pytestmark = pytest.mark.browser

PASSWORD = "violet-harbour-engine-92"


def test_register_approve_sign_in_sign_out(page, new_page):
    admin = UserFactory(role="admin", full_name="Asha Admin")
    admin_email = admin.email
    from marketplace.extensions import db

    db.session.commit()

    # A visitor registers a probation service.
    page.goto("/register")
    page.get_by_label("Organisation name").fill("Lancashire Probation Delivery Unit")
    page.get_by_label("Case management provider").check()
    page.get_by_label("Probation service").check()
    page.get_by_label("Region").select_option("North West")
    page.get_by_label("Full name").fill("Priya Natarajan")
    page.get_by_label("Your work email address").fill("priya@lancs-probation.example")
    page.get_by_label("Create a password").fill(PASSWORD)
    page.get_by_label("I am authorised").check()
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_role("heading", name="Registration received")).to_be_visible()

    # The administrator approves it.
    admin_page = new_page()
    sign_in(admin_page, admin_email, TEST_PASSWORD)
    expect(admin_page.get_by_role("heading", name="Service dashboard")).to_be_visible()
    admin_page.get_by_role("link", name="Registrations", exact=True).click()
    admin_page.get_by_role("link", name="Lancashire Probation Delivery Unit").click()
    admin_page.get_by_role("button", name="Approve registration").click()
    expect(admin_page.get_by_text("Lancashire Probation Delivery Unit approved")).to_be_visible()

    # The new user signs in, sees the approval, and signs out.
    sign_in(page, "priya@lancs-probation.example", PASSWORD)
    expect(page.get_by_role("heading", name=re.compile("Welcome, Priya Natarajan"))).to_be_visible()
    expect(page.get_by_text("has been approved")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("You have signed out")).to_be_visible()
    page.goto("/home")
    expect(page).to_have_url(re.compile(r"/sign-in"))


def test_a_form_with_mistakes_shows_the_error_summary(page):
    page.goto("/register")
    page.get_by_role("button", name="Register").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link", name="Enter your organisation's name")).to_be_visible()
    summary.get_by_role("link", name="Enter your full name").click()
    expect(page.get_by_label("Full name")).to_be_focused()
    expect(page).to_have_title(re.compile(r"^Error: "))


def test_pages_work_without_javascript(browser, live_server):
    context = browser.new_context(base_url=live_server, java_script_enabled=False)
    try:
        no_js = context.new_page()
        no_js.goto("/register")
        # Without JavaScript the conditional question is simply shown.
        expect(no_js.get_by_label("Probation service")).to_be_visible()
        no_js.get_by_role("button", name="Register").click()
        expect(no_js.locator(".govuk-error-summary")).to_be_visible()
    finally:
        context.close()
