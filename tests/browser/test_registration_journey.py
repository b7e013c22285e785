"""Register an organisation, approve it as an admin after checking its register entry and safeguarding
lead, sign in as the new user, sign out."""

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

    # A visitor registers a probation service. A mistyped charity number, a missing safeguarding lead
    # and a missing name are all reported at once, and what was typed is kept.
    page.goto("/register")
    page.get_by_label("Case management provider").check()
    page.get_by_label("Employment programme", exact=True).check()
    page.get_by_label("Region").select_option("North West")
    page.get_by_label("Charity Commission for England and Wales").check()
    page.get_by_label("Registered charity number").fill("11873")
    page.get_by_label("Full name", exact=True).fill("Priya Natarajan")
    page.get_by_label("Your work email address").fill("priya@lancs-pathways.example")
    page.get_by_label("Create a password").fill(PASSWORD)
    page.get_by_label("I am authorised").check()
    page.get_by_role("button", name="Register").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    for message in ("Enter your organisation's name", "Enter a registered charity number of 6 or 7 digits",
                    "Enter the name of your safeguarding lead", "Enter your safeguarding lead's email address"):
        expect(summary.get_by_role("link", name=re.compile(re.escape(message)))).to_be_visible()
    expect(page.get_by_label("Registered charity number")).to_have_value("11873")
    expect(page.get_by_label("Full name", exact=True)).to_have_value("Priya Natarajan")
    page.get_by_label("Organisation name").fill("Lancashire Pathways to Work")
    page.get_by_label("Registered charity number").fill("1187342")
    page.get_by_label("Safeguarding lead's full name").fill("Ruth Okafor")
    page.get_by_label("Safeguarding lead's email address").fill("ruth.okafor@lancs-pathways.example")
    page.get_by_label("Create a password").fill(PASSWORD)
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_role("heading", name="Registration received")).to_be_visible()

    # The administrator sees what to check and where, must confirm it, and the approval keeps it.
    admin_page = new_page()
    sign_in(admin_page, admin_email, TEST_PASSWORD)
    expect(admin_page.get_by_role("heading", name="Service dashboard")).to_be_visible()
    admin_page.get_by_role("link", name="Registrations", exact=True).click()
    admin_page.get_by_role("link", name="Lancashire Pathways to Work").click()
    expect(admin_page.get_by_text("Ruth Okafor, ruth.okafor@lancs-pathways.example")).to_be_visible()
    register_link = admin_page.get_by_role("link", name=re.compile("Charity Commission's register for 1187342"))
    expect(register_link).to_have_attribute("href",
                                            "https://register-of-charities.charitycommission.gov.uk/charity-search")
    admin_page.get_by_role("button", name="Approve registration").click()
    summary = admin_page.locator(".govuk-error-summary")
    expect(summary.get_by_role("link", name="Confirm that you have checked 1187342 on the register")).to_be_visible()
    expect(summary.get_by_role("link", name="Confirm that you have checked who the safeguarding lead is")) \
        .to_be_visible()
    admin_page.get_by_label(re.compile("shows charity 1187342 as Lancashire Pathways to Work")).check()
    admin_page.get_by_label(re.compile("Ruth Okafor .* confirmed that they are")).check()
    admin_page.get_by_label("What you checked").fill("Register entry matches; phoned Ruth Okafor")
    admin_page.get_by_role("button", name="Approve registration").click()
    expect(admin_page.get_by_text("Lancashire Pathways to Work approved")).to_be_visible()
    admin_page.goto("/admin/registrations?status=approved")
    admin_page.get_by_role("link", name="Lancashire Pathways to Work").click()
    history = admin_page.locator("h2:has-text('History') + ul")
    expect(history).to_contain_text("Checked: The Charity Commission for England and Wales shows charity 1187342")
    expect(history).to_contain_text("Note: Register entry matches; phoned Ruth Okafor")

    # The new user signs in, sees the approval, and signs out.
    sign_in(page, "priya@lancs-pathways.example", PASSWORD)
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
    expect(page.get_by_label("Full name", exact=True)).to_be_focused()
    expect(page).to_have_title(re.compile(r"^Error: "))


def test_pages_work_without_javascript(browser, live_server):
    context = browser.new_context(base_url=live_server, java_script_enabled=False)
    try:
        no_js = context.new_page()
        no_js.goto("/register")
        # Without JavaScript the conditional question is simply shown.
        expect(no_js.get_by_label("Probation service", exact=True)).to_be_visible()
        no_js.get_by_role("button", name="Register").click()
        expect(no_js.locator(".govuk-error-summary")).to_be_visible()
    finally:
        context.close()
