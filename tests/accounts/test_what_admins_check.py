"""Who gets in (issue 19, finding 8): registration asks for what an administrator can check, the review
page shows it with where to check it, and approval records what was checked."""

from __future__ import annotations

import html

import pytest
from sqlalchemy import func, select

from marketplace.accounts.models import Organisation, OrganisationStatusChange, User
from marketplace.accounts.registers import Register, normalise, number_problem
from marketplace.core.models import AuditEvent
from marketplace.extensions import db
from tests.accounts.test_registration import GOOD, _admin_client, register
from tests.factories import OrganisationFactory, UserFactory

MENTORING = {**GOOD, "organisation_name": "Gatemate Fenland", "kind": "mentoring", "register": "charity_england_wales",
             "company_number": None, "charity_number": "1187342", "safeguarding_lead_name": "Ruth Okafor",
             "safeguarding_lead_email": "Ruth.Okafor@fenland-mentors.example", "email": "dana@fenland-mentors.example"}


def count(model, *criteria):
    return db.session.scalar(select(func.count()).select_from(model).where(*criteria))


# The shapes of the registers' numbers ------------------------------------------------------------------

@pytest.mark.parametrize(("register", "typed", "stored"), [
    (Register.COMPANIES_HOUSE, "01234567", "01234567"),
    (Register.COMPANIES_HOUSE, "445790", "00445790"),        # leading zeros dropped, as people write them
    (Register.COMPANIES_HOUSE, "sc 123456", "SC123456"),     # Scottish company
    (Register.COMPANIES_HOUSE, "NI612345", "NI612345"),      # Northern Ireland company
    (Register.COMPANIES_HOUSE, "OC301234", "OC301234"),      # limited liability partnership
    (Register.COMPANIES_HOUSE, "R0000123", "R0000123"),      # pre-partition Northern Ireland company
    (Register.COMPANIES_HOUSE, "IP00123R", "IP00123R"),      # a registered society ending in a letter
    (Register.CHARITY_ENGLAND_WALES, "202918", "202918"),    # a six-digit number from before the 1990s
    (Register.CHARITY_ENGLAND_WALES, "1 123 456", "1123456"),
    (Register.CHARITY_SCOTLAND, "sc012345", "SC012345"),
    (Register.CHARITY_NORTHERN_IRELAND, "NIC100002", "NIC100002"),
    (Register.CHARITY_NORTHERN_IRELAND, "100002", "NIC100002"),
])
def test_numbers_in_each_registers_shape_are_accepted_as_the_register_writes_them(register, typed, stored):
    assert normalise(register, typed) == stored
    assert number_problem(register, stored) is None


@pytest.mark.parametrize(("register", "typed"), [
    (Register.COMPANIES_HOUSE, "123456789"),     # nine digits
    (Register.COMPANIES_HOUSE, "XY123456"),      # no such prefix
    (Register.COMPANIES_HOUSE, "SC12345"),       # seven characters
    (Register.COMPANIES_HOUSE, "1123456-1"),
    (Register.CHARITY_ENGLAND_WALES, "12345"),
    (Register.CHARITY_ENGLAND_WALES, "12345678"),
    (Register.CHARITY_ENGLAND_WALES, "SC012345"),
    (Register.CHARITY_SCOTLAND, "SC123456"),     # a Scottish company's shape, not a charity's
    (Register.CHARITY_SCOTLAND, "012345"),
    (Register.CHARITY_NORTHERN_IRELAND, "NIC12345"),
    (Register.CHARITY_NORTHERN_IRELAND, "NI612345"),
    (Register.CHARITY_ENGLAND_WALES, "１２３４５６"),  # full-width digits are not the register's
])
def test_numbers_out_of_shape_are_refused(register, typed):
    assert number_problem(register, normalise(register, typed)) is not None


# Registration ------------------------------------------------------------------------------------------

def test_registration_keeps_the_register_and_the_number_as_the_register_writes_it(client):
    assert register(client, company_number=" sc 123456 ").status_code == 302
    organisation = db.session.scalar(select(Organisation))
    assert (organisation.register, organisation.register_number) == ("companies_house", "SC123456")
    assert organisation.safeguarding_lead_name == ""  # an employer is not asked for one


def test_a_mentoring_organisation_names_its_safeguarding_lead(client):
    assert register(client, **MENTORING).status_code == 302
    organisation = db.session.scalar(select(Organisation))
    assert (organisation.register, organisation.register_number) == ("charity_england_wales", "1187342")
    assert (organisation.safeguarding_lead_name, organisation.safeguarding_lead_email) == (
        "Ruth Okafor", "ruth.okafor@fenland-mentors.example")


def test_every_problem_shows_at_once_and_what_was_typed_is_kept(client):
    response = register(client, **{**MENTORING, "organisation_name": "", "charity_number": "12-34",
                                   "safeguarding_lead_name": "", "safeguarding_lead_email": "ruth at fenland",
                                   "password": "short"})
    assert response.status_code == 400
    page = html.unescape(response.get_data(as_text=True))
    summary = page[page.index("govuk-error-summary"):page.index("</div>", page.index("govuk-error-summary__list"))]
    for message in ("Enter your organisation's name",
                    "Enter a registered charity number of 6 or 7 digits, like 1123456",
                    "Enter the name of your safeguarding lead",
                    "Enter the safeguarding lead's email address in the correct format",
                    "Password must be 12 characters or more"):
        assert message in summary, message
    assert 'value="12-34"' in page and 'value="ruth at fenland"' in page
    assert count(Organisation) == 0 and count(User) == 0


@pytest.mark.parametrize(("changes", "message"), [
    ({"register": None, "company_number": None}, "Select the register your organisation is on"),
    ({"company_number": ""}, "Enter your company number"),
    ({"company_number": "SC12345X9"}, "Enter a company number of 8 characters"),
    ({"register": "charity_scotland", "scottish_charity_number": "SC123456"}, "Enter a Scottish charity number"),
    ({"register": "charity_northern_ireland", "ni_charity_number": "12345"}, "Enter a Northern Ireland charity number"),
    ({"register": "none"}, "Say how we can check your organisation"),
    ({"kind": "provider", "provider_type": "probation", "register": "public_body"},
     "Enter the name of your safeguarding lead"),
])
def test_what_an_admin_needs_is_required(client, changes, message):
    response = register(client, **changes)
    assert response.status_code == 400
    assert message in html.unescape(response.get_data(as_text=True))
    assert count(Organisation) == 0


def test_an_organisation_on_no_register_says_how_to_check_it(client):
    how = "Sole trader: VAT number GB 284 6193 57; Derby City Council's employment team knows us."
    assert register(client, register="none", company_number=None, how_to_check=how).status_code == 302
    organisation = db.session.scalar(select(Organisation))
    assert (organisation.register, organisation.register_number, organisation.how_to_check) == ("none", "", how)


# Review and approval ---------------------------------------------------------------------------------------

def test_the_review_page_shows_what_to_check_and_where(app, client):
    register(client, **MENTORING)
    organisation = db.session.scalar(select(Organisation))
    admin_client, _ = _admin_client(app)
    page = html.unescape(admin_client.get(f"/admin/registrations/{organisation.id}").get_data(as_text=True))
    assert "The Charity Commission for England and Wales</dd>" in page.replace("\n", "").replace("  ", "")
    assert "1187342" in page
    assert "Ruth Okafor, ruth.okafor@fenland-mentors.example" in page
    assert 'href="https://register-of-charities.charitycommission.gov.uk/charity-search"' in page
    assert "Search the Charity Commission's register for 1187342" in page
    assert "The Charity Commission for England and Wales shows charity 1187342 as Gatemate Fenland" in page
    assert "Ruth Okafor (ruth.okafor@fenland-mentors.example) confirmed that they are Gatemate Fenland's " \
           "safeguarding lead" in page


@pytest.mark.parametrize(("register_name", "number", "link"), [
    ("companies_house", "SC123456", "https://find-and-update.company-information.service.gov.uk/company/SC123456"),
    ("charity_scotland", "SC012345",
     "https://www.oscr.org.uk/about-charities/search-the-register/charity-details?number=SC012345"),
    ("charity_northern_ireland", "NIC100002",
     "https://www.charitycommissionni.org.uk/charity-details/?regId=100002&amp;subId=0"),
])
def test_the_review_page_links_to_the_registers_own_record(app, register_name, number, link):
    organisation = OrganisationFactory(status="pending", register=register_name, register_number=number)
    admin_client, _ = _admin_client(app)
    page = admin_client.get(f"/admin/registrations/{organisation.id}").get_data(as_text=True)
    assert f'href="{link}"' in page


def test_approval_needs_every_check_ticked_all_at_once_and_keeps_the_note(app, client):
    register(client, **MENTORING)
    organisation = db.session.scalar(select(Organisation))
    admin_client, _ = _admin_client(app)
    response = admin_client.post_form(f"/admin/registrations/{organisation.id}/approve",
                                      {"note": "Looked at the register entry"})
    assert response.status_code == 400
    page = html.unescape(response.get_data(as_text=True))
    assert "Confirm that you have checked 1187342 on the register" in page
    assert "Confirm that you have checked who the safeguarding lead is" in page
    assert "Looked at the register entry</textarea>" in page
    db.session.refresh(organisation)
    assert organisation.status == "pending" and count(OrganisationStatusChange) == 0


def test_approval_records_what_was_checked_and_the_page_shows_it(app, client):
    register(client, **MENTORING)
    organisation = db.session.scalar(select(Organisation))
    admin_client, admin = _admin_client(app)
    response = admin_client.post_form(f"/admin/registrations/{organisation.id}/approve", {
        "register_checked": "y", "safeguarding_checked": "y",
        "note": "Register shows Gatemate Fenland, registered 2019; phoned Ruth, saw the policy"})
    assert response.status_code == 302
    change = db.session.scalar(select(OrganisationStatusChange))
    assert change.actor_id == admin.id and change.to_status == "approved"
    assert change.checks == [
        "The Charity Commission for England and Wales shows charity 1187342 as Gatemate Fenland, and it is "
        "registered (not removed)",
        "Ruth Okafor (ruth.okafor@fenland-mentors.example) confirmed that they are Gatemate Fenland's "
        "safeguarding lead",
    ]
    assert change.note == "Register shows Gatemate Fenland, registered 2019; phoned Ruth, saw the policy"
    audit = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "organisation.approved"))
    assert "charity_england_wales 1187342" in audit.detail and "safeguarding lead" in audit.detail
    page = html.unescape(admin_client.get(f"/admin/registrations/{organisation.id}").get_data(as_text=True))
    assert "Checked: The Charity Commission for England and Wales shows charity 1187342" in page
    assert "Note: Register shows Gatemate Fenland, registered 2019; phoned Ruth, saw the policy" in page


@pytest.mark.parametrize("register_name", ["none", "public_body", ""])
def test_without_a_number_to_look_up_the_note_must_say_what_was_checked(app, register_name):
    organisation = OrganisationFactory(status="pending", kind="employer", register=register_name)
    UserFactory(role="employer", organisation=organisation, status="pending", is_org_admin=True)
    admin_client, _ = _admin_client(app)
    path = f"/admin/registrations/{organisation.id}/approve"
    response = admin_client.post_form(path, {"register_checked": "y"})
    assert response.status_code == 400
    assert "Say what you checked" in html.unescape(response.get_data(as_text=True))
    assert admin_client.post_form(path, {"register_checked": "y", "note": "Rang the council"}).status_code == 302
    db.session.refresh(organisation)
    assert organisation.status == "approved"
    assert db.session.scalar(select(OrganisationStatusChange.note)) == "Rang the council"
