"""An organisation's administrator invites colleagues with a one-time link."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from marketplace.accounts.models import Invitation, User
from marketplace.core import clock
from marketplace.core.models import OutboxMessage
from marketplace.extensions import db
from tests.factories import OrganisationFactory, UserFactory
from tests.helpers import location

LINK = re.compile(r"https://fairchance\.test(/invitation/[\w-]+)")


def _invite(client, email="new.colleague@test.example", role="employer", admin="y"):
    data = {"email": email, "role": role}
    if admin:
        data["make_org_admin"] = admin
    return client.post_form("/organisation/invite", data)


def _link_for(email):
    message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.to_address == email))
    return LINK.search(message.body).group(1)


def test_invited_colleague_sets_up_an_account_once(app, client, login_as):
    inviter = login_as("employer")
    response = _invite(client)
    assert response.status_code == 302
    path = _link_for("new.colleague@test.example")
    newcomer = app.test_client()
    page = newcomer.get(path)
    assert page.status_code == 200
    assert inviter.organisation.name.encode() in page.data
    response = newcomer.post_form(path, {"full_name": "Sam Okoro", "job_title": "Recruiter",
                                         "password": "violet-harbour-engine-92"})
    assert location(response) == "/home"
    user = db.session.scalar(select(User).where(User.email == "new.colleague@test.example"))
    assert user.organisation_id == inviter.organisation_id
    assert user.status == "active" and user.is_org_admin and user.role == "employer"
    assert newcomer.get("/home").status_code == 200
    again = app.test_client().get(path)
    assert again.status_code == 404
    assert b"expired or has already been used" in again.data


def test_mentoring_organisation_can_invite_a_mentor_but_not_an_employer(client, login_as):
    login_as("coordinator")
    assert _invite(client, role="employer").status_code == 400
    assert _invite(client, role="mentor", admin=None).status_code == 302
    invitation = db.session.scalar(select(Invitation))
    assert invitation.role == "mentor" and not invitation.make_org_admin


def test_staff_who_are_not_organisation_admins_cannot_invite(client, login_as):
    login_as("employer", is_org_admin=False)
    assert client.get("/organisation/invite").status_code == 403
    assert _invite(client).status_code == 403
    assert db.session.scalar(select(Invitation)) is None


def test_pending_organisation_cannot_invite(client):
    from tests.helpers import sign_in_client

    organisation = OrganisationFactory(status="pending")
    user = UserFactory(role="employer", organisation=organisation)
    sign_in_client(client, user)
    response = _invite(client)
    assert response.status_code == 400
    assert b"must be approved before you can invite" in response.data


def test_expired_invitation_cannot_be_used(app, client, login_as):
    login_as("employer")
    _invite(client)
    path = _link_for("new.colleague@test.example")
    clock.fix(clock.now() + timedelta(days=8))
    assert app.test_client().get(path).status_code == 404


def test_revoked_invitation_cannot_be_used(app, client, login_as):
    login_as("employer")
    _invite(client)
    path = _link_for("new.colleague@test.example")
    invitation = db.session.scalar(select(Invitation))
    assert client.post_form(f"/organisation/invitations/{invitation.id}/revoke").status_code == 302
    assert app.test_client().get(path).status_code == 404


def test_inviting_an_existing_account_is_refused(client, login_as):
    login_as("employer")
    UserFactory(email="taken@test.example", role="employer")
    response = _invite(client, email="taken@test.example")
    assert response.status_code == 400
    assert b"already exists" in response.data


def test_a_new_invitation_to_the_same_address_ends_the_older_link(app, client, login_as):
    login_as("employer")
    assert _invite(client).status_code == 302
    first = _link_for("new.colleague@test.example")
    db.session.execute(OutboxMessage.__table__.delete())
    assert _invite(client).status_code == 302
    second = _link_for("new.colleague@test.example")
    assert first != second
    assert app.test_client().get(first).status_code == 404
    assert app.test_client().get(second).status_code == 200
