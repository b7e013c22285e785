"""An employer archives an opportunity in one browser; a case manager who had found it in another
browser searches for it again and never sees it (axe-core on every page of both)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from marketplace.extensions import db
from marketplace.search import sync
from tests.browser.conftest import sign_in
from tests.factories import OpportunityFactory, UserFactory, member_organisation
from tests.helpers import TEST_PASSWORD

pytestmark = pytest.mark.browser


def test_an_opportunity_archived_in_one_browser_is_never_found_again_in_another(page, new_page):
    employer = UserFactory(role="employer", organisation=member_organisation(3))
    manager = UserFactory(role="case_manager")
    archived = OpportunityFactory(organisation=employer.organisation, title="Bakery assistant",
                                  description="Baking bread and serving customers.")
    OpportunityFactory(organisation=employer.organisation, title="Bakery cleaner",
                       description="Cleaning the bakery after the bread is baked.")
    employer_email, manager_email, archived_id = employer.email, manager.email, archived.id
    db.session.commit()
    sync.reindex()

    searching = new_page()
    sign_in(searching, manager_email, TEST_PASSWORD)
    searching.goto("/search/?q=bakery")
    expect(searching.get_by_role("link", name="Bakery assistant", exact=True)).to_be_visible()
    expect(searching.get_by_role("link", name="Bakery cleaner", exact=True)).to_be_visible()

    sign_in(page, employer_email, TEST_PASSWORD)
    page.goto(f"/opportunities/{archived_id}")
    page.get_by_role("button", name="Close it").click()
    expect(page.get_by_text(re.compile("closed", re.IGNORECASE)).first).to_be_visible()
    page.goto(f"/opportunities/{archived_id}")
    page.get_by_role("button", name="Archive").click()
    expect(page.get_by_text('"Bakery assistant" is archived.')).to_be_visible()

    for query in ("bakery", "bakery assistant", "baking bread"):
        searching.goto(f"/search/?q={query.replace(' ', '+')}")
        expect(searching.get_by_role("link", name="Bakery assistant", exact=True)).to_have_count(0)
    searching.goto("/search/?q=bakery")
    expect(searching.get_by_role("link", name="Bakery cleaner", exact=True)).to_have_count(1)
    searching.reload()
    expect(searching.get_by_role("link", name="Bakery assistant", exact=True)).to_have_count(0)
