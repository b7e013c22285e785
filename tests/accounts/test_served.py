"""Through the running site (gunicorn, 2 workers): a registration's register number and safeguarding lead
reach the administrator's review page in every worker, an approval is refused until what was checked is
ticked, and then every worker shows what was checked in the organisation's history."""

from __future__ import annotations

import html

from sqlalchemy import select

from marketplace.accounts.models import Organisation, OrganisationStatusChange
from marketplace.extensions import db
from tests.factories import UserFactory


def test_registration_review_and_approval_through_every_worker(served_site):
    admin = UserFactory(role="admin")
    db.session.commit()

    visitor = served_site.session()
    answer = served_site.post_form(visitor, "/register", {
        "organisation_name": "Gatemate Fenland", "kind": "mentoring", "region": "East of England",
        "register": "charity_scotland", "scottish_charity_number": "SC12345", "safeguarding_lead_name": "",
        "full_name": "Dana Whitfield", "email": "dana@fenland-mentors.example",
        "password": "violet-harbour-engine-92", "confirm": "y"})
    text = html.unescape(answer.text)
    assert answer.status_code == 400
    assert "Enter a Scottish charity number of SC and 6 digits" in text
    assert "Enter the name of your safeguarding lead" in text and 'value="SC12345"' in text
    answer = served_site.post_form(visitor, "/register", {
        "organisation_name": "Gatemate Fenland", "kind": "mentoring", "region": "East of England",
        "register": "charity_scotland", "scottish_charity_number": "sc012345",
        "safeguarding_lead_name": "Ruth Okafor", "safeguarding_lead_email": "ruth@fenland-mentors.example",
        "full_name": "Dana Whitfield", "email": "dana@fenland-mentors.example",
        "password": "violet-harbour-engine-92", "confirm": "y"}, allow_redirects=False)
    assert answer.status_code == 302, answer.text[-1500:]
    organisation = db.session.scalar(select(Organisation).where(Organisation.name == "Gatemate Fenland"))
    path = f"/admin/registrations/{organisation.id}"

    browser = served_site.signed_in(admin)
    oscr = "https://www.oscr.org.uk/about-charities/search-the-register/charity-details?number=SC012345"
    for page in served_site.every_worker(browser, path).values():
        assert "SC012345" in page.text and f'href="{oscr}"' in page.text
        assert "Ruth Okafor, ruth@fenland-mentors.example" in page.text

    answer = served_site.post_form(browser, f"{path}/approve", {"register_checked": "y", "note": "Saw OSCR"})
    assert answer.status_code == 400
    assert "Confirm that you have checked who the safeguarding lead is" in html.unescape(answer.text)
    assert "Saw OSCR</textarea>" in answer.text
    answer = served_site.post_form(browser, f"{path}/approve", {
        "register_checked": "y", "safeguarding_checked": "y", "note": "Saw OSCR; phoned Ruth"})
    assert answer.status_code == 200 and "Gatemate Fenland approved" in answer.text

    for page in served_site.every_worker(browser, path).values():
        text = html.unescape(page.text)
        assert "Checked: The Scottish Charity Regulator (OSCR) shows charity SC012345 as Gatemate Fenland" in text
        assert "Checked: Ruth Okafor (ruth@fenland-mentors.example) confirmed" in text
        assert "Note: Saw OSCR; phoned Ruth" in text
    change = db.session.scalar(select(OrganisationStatusChange)
                               .where(OrganisationStatusChange.organisation_id == organisation.id))
    assert change.actor_id == admin.id and len(change.checks) == 2
