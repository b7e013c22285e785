"""Registering an organisation, and an admin approving or rejecting it."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from marketplace.accounts.models import Organisation, OrganisationStatusChange, User
from marketplace.core.models import AuditEvent, Notification, OutboxMessage
from marketplace.extensions import db
from tests.factories import OrganisationFactory, UserFactory
from tests.helpers import location

GOOD = {
    "organisation_name": "Harbour Kitchens Ltd", "kind": "employer", "region": "North West",
    "town": "Preston", "website": "https://www.harbour.example", "description": "Restaurants",
    "full_name": "Dana Whitfield", "job_title": "Head of people", "email": "Dana@Harbour.example",
    "password": "violet-harbour-engine-92", "confirm": "y", "register": "companies_house",
    "company_number": "01234567",
}


def register(client, **changes):
    data = {**GOOD, **changes}
    return client.post_form("/register", {k: v for k, v in data.items() if v is not None})


def count(model, *criteria):
    return db.session.scalar(select(func.count()).select_from(model).where(*criteria))


def test_registration_creates_a_pending_organisation_and_administrator(client):
    admin = UserFactory(role="admin")
    response = register(client)
    assert response.status_code == 302
    assert location(response) == "/register/done"
    organisation = db.session.scalar(select(Organisation))
    assert organisation.status == "pending"
    user = organisation.users[0]
    assert user.email == "dana@harbour.example"
    assert user.status == "pending" and user.is_org_admin and user.role == "employer"
    assert user.password_hash.startswith("scrypt:")
    assert count(OutboxMessage, OutboxMessage.to_address == "dana@harbour.example") == 1
    assert count(Notification, Notification.user_id == admin.id) == 1
    assert count(AuditEvent, AuditEvent.action == "organisation.registered") == 1


def test_provider_must_say_which_service(client):
    response = register(client, kind="provider", safeguarding_lead_name="Sam Reid",
                        safeguarding_lead_email="sam@harbour.example")
    assert response.status_code == 400
    assert b"Select whether you are a prison, probation or an employment programme" in response.data
    assert count(Organisation) == 0


def test_provider_registration_records_its_type(client):
    assert register(client, kind="provider", provider_type="prison", register="public_body",
                    safeguarding_lead_name="Sam Reid", safeguarding_lead_email="sam@harbour.example").status_code == 302
    assert db.session.scalar(select(Organisation.provider_type)) == "prison"


@pytest.mark.parametrize(("changes", "message"), [
    ({"organisation_name": ""}, b"Enter your organisation&#39;s name"),
    ({"kind": None}, b"Select what kind of organisation it is"),
    ({"kind": "casino"}, b"Not a valid choice"),
    ({"region": "Narnia"}, b"Not a valid choice"),
    ({"email": "not-an-email"}, b"Enter an email address in the correct format"),
    ({"password": "short"}, b"Password must be 12 characters or more"),
    ({"password": "passwordpassword"}, b"Password is too"),
    ({"password": "whitfieldharbour"}, b"Password is too easy to guess"),
    ({"confirm": None}, b"Confirm that you are authorised"),
    ({"website": "not a url"}, b"Enter a website address"),
])
def test_bad_registration_shows_the_error_summary_and_writes_nothing(client, changes, message):
    response = register(client, **changes)
    assert response.status_code == 400
    assert b"govuk-error-summary" in response.data
    assert message in response.data
    assert count(Organisation) == 0 and count(User) == 0


def test_registration_with_an_email_in_use_looks_the_same_and_emails_the_owner(client):
    fresh = register(client, email="someone.new@harbour.example")
    existing = UserFactory(email="dana@harbour.example", role="employer")
    db.session.commit()
    organisations = count(Organisation)
    response = register(client)
    assert (response.status_code, response.headers["Location"]) == (fresh.status_code, fresh.headers["Location"])
    assert b"already exists" not in client.get(response.headers["Location"]).data
    assert count(Organisation) == organisations  # nothing created
    message = db.session.scalars(select(OutboxMessage).where(OutboxMessage.to_address == existing.email)).one()
    assert "already has an account" in message.body


def test_pending_user_cannot_sign_in_yet(client):
    register(client)
    response = client.post_form("/sign-in", {"email": GOOD["email"], "password": GOOD["password"]})
    assert response.status_code == 400
    assert b"waiting for approval" in response.data


def _admin_client(app):
    from tests.helpers import sign_in_client

    admin = UserFactory(role="admin")
    admin_client = app.test_client()
    sign_in_client(admin_client, admin)
    return admin_client, admin


def test_admin_approves_and_the_user_is_told_and_can_sign_in(app, client):
    register(client)
    organisation = db.session.scalar(select(Organisation))
    admin_client, admin = _admin_client(app)
    queue = admin_client.get("/admin/registrations")
    assert b"Harbour Kitchens Ltd" in queue.data
    response = admin_client.post_form(f"/admin/registrations/{organisation.id}/approve",
                                      {"register_checked": "y", "note": "Checked the register"})
    assert response.status_code == 302
    db.session.refresh(organisation)
    assert organisation.status == "approved"
    assert organisation.decided_by_id == admin.id
    user = organisation.users[0]
    assert user.status == "active"
    assert count(Notification, Notification.user_id == user.id) == 1
    subjects = db.session.scalars(select(OutboxMessage.subject).where(OutboxMessage.to_address == user.email)).all()
    assert "Your registration has been approved" in subjects
    history = db.session.scalars(select(OrganisationStatusChange)).all()
    assert [(h.from_status, h.to_status, h.actor_id) for h in history] == [("pending", "approved", admin.id)]
    assert history[0].checks == ["Companies House shows company 01234567 as Harbour Kitchens Ltd, and it is "
                                 "active (not dissolved)"]
    assert history[0].note == "Checked the register"
    assert count(AuditEvent, AuditEvent.action == "organisation.approved") == 1
    signed_in = client.post_form("/sign-in", {"email": GOOD["email"], "password": GOOD["password"]})
    assert location(signed_in) == "/home"
    home = client.get("/home")
    assert b"has been approved" in home.data


def test_rejection_needs_a_reason_and_the_user_is_told_it(app, client):
    register(client)
    organisation = db.session.scalar(select(Organisation))
    admin_client, _ = _admin_client(app)
    response = admin_client.post_form(f"/admin/registrations/{organisation.id}/reject", {"reason": ""})
    assert response.status_code == 400
    assert b"Enter the reason" in response.data
    response = admin_client.post_form(f"/admin/registrations/{organisation.id}/reject",
                                      {"reason": "We could not verify this organisation"})
    assert response.status_code == 302
    db.session.refresh(organisation)
    assert organisation.status == "rejected"
    email = db.session.scalar(
        select(OutboxMessage).where(OutboxMessage.subject == "Your registration was not approved"))
    assert "We could not verify this organisation" in email.body
    login = client.post_form("/sign-in", {"email": GOOD["email"], "password": GOOD["password"]})
    assert b"was not approved: We could not verify this organisation" in login.data


def test_a_decided_registration_cannot_be_decided_again(app):
    organisation = OrganisationFactory(status="approved")
    admin_client, _ = _admin_client(app)
    response = admin_client.post_form(f"/admin/registrations/{organisation.id}/reject", {"reason": "Changed mind"},
                                      follow_redirects=True)
    assert b"You cannot reject when the registration is approved" in response.data
    db.session.refresh(organisation)
    assert organisation.status == "approved"


def test_an_address_in_use_costs_the_same_password_hashing_as_a_new_one(client, monkeypatch):
    """The same page either way is not enough if the answer comes 25 times sooner: a new address's
    password is hashed (scrypt), so the path for an address in use hashes too (issue 19, finding 6).
    Counted in scrypt calls, not timed."""
    import hashlib

    from marketplace.accounts.passwords import spend_equal_time

    UserFactory(email="dana@harbour.example", role="employer")
    db.session.commit()
    spend_equal_time("warm the decoy hash")  # made once per process
    calls = []
    scrypt = hashlib.scrypt
    monkeypatch.setattr(hashlib, "scrypt", lambda *args, **kwargs: calls.append(1) or scrypt(*args, **kwargs))
    register(client, email="someone.new@harbour.example")
    new_address = len(calls)
    register(client)
    assert new_address == 1 and len(calls) - new_address == 1
