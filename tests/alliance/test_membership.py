"""Profiles, applying at a level, the admins' decisions, moving up, renewing, leaving and lapsing."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from marketplace.alliance import operations
from marketplace.alliance.models import AllianceMembership, MemberProfile, MembershipChange
from marketplace.core import clock
from marketplace.core.exceptions import Refused
from marketplace.core.models import Notification, OutboxMessage, ReminderSent
from marketplace.core.workflow import NotAllowed
from marketplace.extensions import db
from tests.factories import (
    AllianceMembershipFactory,
    OrganisationFactory,
    UserFactory,
    member_organisation,
)
from tests.helpers import error_summary, hidden_inputs, location

PROFILE = {
    "what_it_does": "Warehousing for retailers", "sectors": ["Logistics and warehousing", "Retail"],
    "regions": ["North West", "Wales"], "size": "large", "website": "https://www.swift.example",
    "contact_name": "Dana Whitfield", "contact_role": "Head of people", "contact_email": "Dana@Swift.example",
    "contact_phone": "01632 960 001", "commitments": ["no_tick_box", "case_by_case"],
    "story": "We have hired from HMP Liverpool for five years.",
}


def count(model, *criteria) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*criteria)) or 0


# Profiles -----------------------------------------------------------------------------------------------

def test_an_employer_fills_in_its_profile(client, login_as):
    user = login_as("employer")
    response = client.post_form("/alliance/profile", PROFILE)
    assert response.status_code == 302 and location(response) == "/alliance/membership"
    profile = db.session.get(MemberProfile, user.organisation_id)
    assert profile.sectors == ["Logistics and warehousing", "Retail"]
    assert profile.regions == ["North West", "Wales"]
    assert profile.contact_email == "Dana@swift.example"
    assert profile.commitments == ["no_tick_box", "case_by_case"]
    assert profile.social_purpose == ""


def test_the_profile_form_starts_from_the_registration(client, login_as):
    user = login_as("employer", full_name="Dana Whitfield")
    user.organisation.description = "Warehousing for retailers"
    page = client.get("/alliance/profile").data.decode()
    assert "Warehousing for retailers" in page and 'value="Dana Whitfield"' in page


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"sectors": []}, "sectors", "Select at least one sector"),
    ({"sectors": ["Piracy"]}, "sectors", "Select sectors from the list"),
    ({"regions": []}, "regions", "Select at least one region"),
    ({"size": ""}, "size", "Select how many people"),
    ({"what_it_does": " "}, "what_it_does", "Enter what your organisation does"),
    ({"contact_name": ""}, "contact_name", "Enter the name of a contact"),
    ({"contact_email": "not an email"}, "contact_email", "Enter an email address in the correct format"),
    ({"contact_phone": "call me"}, "contact_phone", "Enter a phone number"),
    ({"website": "www"}, "website", "Enter a website address like"),
    ({"commitments": ["free_lunch"]}, "commitments", "Select commitments from the list"),
])
def test_profile_mistakes_are_named(client, login_as, changes, field, message):
    user = login_as("employer")
    response = client.post_form("/alliance/profile", {**PROFILE, **changes})
    assert response.status_code == 400
    assert message in response.data.decode()
    assert db.session.get(MemberProfile, user.organisation_id) is None


def test_a_social_enterprise_must_say_its_purpose_and_how_it_reinvests(client, login_as):
    user = login_as("social_enterprise")
    response = client.post_form("/alliance/profile", PROFILE)
    assert response.status_code == 400 and "Enter your social purpose" in response.data.decode()
    response = client.post_form("/alliance/profile", {**PROFILE, "social_purpose": "Training cooks",
                                                      "profit_reinvestment": "Into the training kitchen"})
    assert response.status_code == 302
    assert db.session.get(MemberProfile, user.organisation_id).profit_reinvestment == "Into the training kitchen"


# Applying ------------------------------------------------------------------------------------------------

def test_applying_needs_a_profile(client, login_as):
    login_as("employer")
    response = client.post_form("/alliance/apply", {"level": "1", "pledges": ["mock_interviews"]})
    assert response.status_code == 400 and "Fill in your organisation&#39;s profile" in response.data.decode()
    assert count(AllianceMembership) == 0


def test_an_employer_applies_and_admins_are_told(client, login_as):
    admin = UserFactory(role="admin")
    user = login_as("employer", organisation=member_organisation(None))
    answers = {"level": "2", "pledges": ["mock_interviews", "paid_placements"],
               "statement": "Placements at our Warrington site"}
    check = client.post_form("/alliance/apply", {**answers, "submit": "Continue"})
    assert check.status_code == 200 and "Check your application before sending it" in check.data.decode()
    assert count(AllianceMembership) == 0  # nothing is sent from the form itself
    response = client.post_form("/alliance/apply", {**hidden_inputs(check.data), "send": "Send application"})
    assert response.status_code == 302
    membership = db.session.scalar(select(AllianceMembership))
    assert (membership.level, membership.status, membership.applied_by_id) == (2, "applied", user.id)
    assert membership.pledges == ["mock_interviews", "paid_placements"]
    assert [c.action for c in membership.history] == ["apply"]
    note = db.session.scalar(select(Notification).where(Notification.user_id == admin.id))
    assert "has applied to join at level 2" in note.text and note.link == f"/alliance/applications/{membership.id}"


@pytest.mark.parametrize(("data", "message"), [
    ({"level": "2", "pledges": ["mock_interviews"]}, "Choose at least one level 2 activity"),
    ({"level": "1", "pledges": ["recruit_prison"]}, "Choose activities from level 1 or below"),
    ({"level": "1"}, "Choose at least one level 1 activity"),
    ({"pledges": ["mock_interviews"]}, "Select the level you are applying for"),
    ({"level": "4", "pledges": ["mock_interviews"]}, "Not a valid choice"),
])
def test_application_mistakes_are_named(client, login_as, data, message):
    login_as("employer", organisation=member_organisation(None))
    response = client.post_form("/alliance/apply", data)
    assert response.status_code == 400 and message in response.data.decode()
    assert count(AllianceMembership) == 0


def test_the_check_page_shows_the_application_and_change_keeps_every_answer(client, login_as):
    login_as("employer", organisation=member_organisation(None))
    answers = {"level": "2", "pledges": ["mock_interviews", "paid_placements"], "statement": "Warrington\r\nand Wigan"}
    page = client.post_form("/alliance/apply", {**answers, "submit": "Continue"}).data.decode()
    shown = page.split('id="application"')[1].split("</dl>")[0]
    assert "Level 2: training and work placements" in shown
    assert "Give staff time for mock interviews and interview training" in shown
    assert "Offer paid work placements" in shown
    assert "Warrington" in shown and 'name="change" value="pledges"' in shown
    back = client.post_form("/alliance/apply", {**hidden_inputs(page), "change": "pledges"})
    form = back.data.decode()
    assert back.status_code == 200 and "govuk-error-summary" not in form
    assert re.search(r'value="paid_placements"[^>]*checked', form) and re.search(r'value="2"[^>]*checked', form)
    assert re.search(r">Warrington\r?\nand Wigan</textarea>", form)
    assert count(AllianceMembership) == 0


def test_every_application_mistake_is_listed_at_once(client, login_as):
    login_as("employer", organisation=member_organisation(None))
    response = client.post_form("/alliance/apply", {"level": "1", "pledges": ["recruit_prison"],
                                                    "statement": "x" * 3001, "submit": "Continue"})
    assert response.status_code == 400
    errors = error_summary(response.data)
    assert set(errors.values()) == {"#pledges", "#statement"}, errors
    assert count(AllianceMembership) == 0


def test_one_application_at_a_time():
    organisation = member_organisation(None)
    user = UserFactory(role="employer", organisation=organisation)
    operations.apply_to_join(organisation, 1, ["mock_interviews"], "", user)
    with pytest.raises(Refused, match="waiting for a decision"):
        operations.apply_to_join(organisation, 2, ["paid_placements"], "", user)


def test_a_member_can_only_apply_to_move_up():
    organisation = member_organisation(2)
    user = UserFactory(role="employer", organisation=organisation)
    with pytest.raises(Refused, match="already a level 2 member"):
        operations.apply_to_join(organisation, 2, ["paid_placements"], "", user)
    application = operations.apply_to_join(organisation, 3, ["recruit_prison"], "", user)
    assert application.upgrade_of_id is not None


def test_people_outside_the_organisation_cannot_apply_for_it():
    organisation = member_organisation(None)
    stranger = UserFactory(role="employer")
    with pytest.raises(Refused, match="Only people from the organisation"):
        operations.apply_to_join(organisation, 1, ["mock_interviews"], "", stranger)
    provider = OrganisationFactory(kind="provider")
    with pytest.raises(Refused, match="Only employers and social enterprises"):
        operations.apply_to_join(provider, 1, ["mock_interviews"], "", UserFactory(organisation=provider))


# Deciding -------------------------------------------------------------------------------------------------

def test_approving_starts_a_12_month_membership_and_tells_the_organisation(client, login_as):
    clock.fix(datetime(2026, 11, 25, 10, 0))
    organisation = member_organisation(None)
    applicant = UserFactory(role="employer", organisation=organisation, email="dana@swift.example")
    application = AllianceMembershipFactory(organisation=organisation, level=2, status="applied")
    admin = login_as("admin")
    assert "Approve level 2" in client.get(f"/alliance/applications/{application.id}").data.decode()
    response = client.post_form(f"/alliance/applications/{application.id}/approve")
    assert response.status_code == 302
    db.session.refresh(application)
    assert (application.status, application.decided_by_id) == ("approved", admin.id)
    assert application.expires_on == date(2027, 11, 25)
    assert [c.action for c in application.history] == ["apply", "approve"]
    email = db.session.scalar(select(OutboxMessage).where(OutboxMessage.to_address == applicant.email))
    assert "level 2 approved" in email.subject and "25 November 2027" in email.body
    assert count(Notification, Notification.user_id == applicant.id) == 1


def test_rejecting_needs_a_reason_which_the_organisation_is_sent(client, login_as):
    organisation = member_organisation(None)
    applicant = UserFactory(role="employer", organisation=organisation)
    application = AllianceMembershipFactory(organisation=organisation, level=3, status="applied")
    login_as("admin")
    response = client.post_form(f"/alliance/applications/{application.id}/reject", {"reason": ""})
    assert response.status_code == 400 and "Enter the reason" in response.data.decode()
    response = client.post_form(f"/alliance/applications/{application.id}/reject",
                                {"reason": "Add a named contact for recruitment"})
    assert response.status_code == 302
    db.session.refresh(application)
    assert (application.status, application.reason) == ("rejected", "Add a named contact for recruitment")
    email = db.session.scalar(select(OutboxMessage).where(OutboxMessage.to_address == applicant.email))
    assert "not approved" in email.subject and "Add a named contact for recruitment" in email.body


def test_approving_a_move_up_replaces_the_current_membership_and_keeps_the_history():
    admin = UserFactory(role="admin")
    organisation = member_organisation(1)
    user = UserFactory(role="employer", organisation=organisation)
    current = operations.membership_in_force(organisation.id)
    application = operations.apply_to_join(organisation, 3, ["recruit_prison"], "", user)
    operations.approve_application(application.id, admin)
    db.session.flush()
    assert current.status == "superseded" and current.ended_at is not None
    assert operations.membership_in_force(organisation.id).id == application.id
    history = operations.memberships_of(organisation.id)
    assert [(m.level, m.status) for m in history] == [(3, "approved"), (1, "superseded")]
    assert count(MembershipChange) == 5  # apply and approve level 1; apply, supersede, approve level 3


def test_a_decided_application_cannot_be_decided_again():
    admin = UserFactory(role="admin")
    application = AllianceMembershipFactory(status="applied")
    operations.reject_application(application.id, admin, "No")
    with pytest.raises(NotAllowed):
        operations.approve_application(application.id, admin)


def test_the_review_queue_lists_applications_oldest_first(client, login_as):
    AllianceMembershipFactory(organisation=OrganisationFactory(name="Newer Ltd"), status="applied",
                              applied_at=clock.now() - timedelta(days=1))
    AllianceMembershipFactory(organisation=OrganisationFactory(name="Older Ltd"), status="applied",
                              applied_at=clock.now() - timedelta(days=5))
    AllianceMembershipFactory(organisation=OrganisationFactory(name="Member Ltd"))
    login_as("admin")
    page = client.get("/alliance/applications").data.decode()
    assert page.index("Older Ltd") < page.index("Newer Ltd") and "Member Ltd" not in page
    assert "Member Ltd" in client.get("/alliance/applications?status=approved").data.decode()


# Renewing, leaving, lapsing ------------------------------------------------------------------------------------

def test_renewal_opens_60_days_before_expiry_and_adds_12_months(client, login_as):
    organisation = member_organisation(None)
    membership = AllianceMembershipFactory(organisation=organisation, level=2,
                                           expires_on=clock.today() + timedelta(days=90))
    user = login_as("employer", organisation=organisation)
    response = client.post_form(f"/alliance/membership/{membership.id}/renew")
    assert response.status_code == 302
    assert db.session.get(AllianceMembership, membership.id).expires_on == clock.today() + timedelta(days=90)
    clock.fix(clock.now() + timedelta(days=20))
    with pytest.raises(Refused, match="You can renew from"):
        operations.renew_membership(membership.id, user)
    clock.fix(clock.now() + timedelta(days=15))
    expires = membership.expires_on
    operations.renew_membership(membership.id, user)
    assert membership.expires_on == operations.add_months(expires, 12)
    assert membership.history[-1].action == "renew"


def test_withdrawing_an_application_and_leaving(client, login_as):
    organisation = member_organisation(1)
    login_as("employer", organisation=organisation)
    current = operations.membership_in_force(organisation.id)
    application = AllianceMembershipFactory(organisation=organisation, level=2, status="applied")
    client.post_form(f"/alliance/membership/{application.id}/withdraw")
    assert db.session.get(AllianceMembership, application.id).status == "withdrawn"
    client.post_form(f"/alliance/membership/{current.id}/withdraw")
    assert db.session.get(AllianceMembership, current.id).status == "withdrawn"
    assert operations.membership_in_force(organisation.id) is None


def test_another_organisations_membership_is_a_404(client, login_as):
    login_as("employer", organisation=member_organisation(1))
    other = AllianceMembershipFactory()
    assert client.post_form(f"/alliance/membership/{other.id}/withdraw").status_code == 404
    assert db.session.get(AllianceMembership, other.id).status == "approved"


def run_reminders(app):
    result = app.test_cli_runner().invoke(args=["reminders", "send"])
    assert result.exit_code == 0, result.output
    db.session.rollback()
    return result.output


def test_the_organisation_is_reminded_30_days_before_expiry_once(app):
    clock.fix(datetime(2026, 11, 25, 9, 0))
    organisation = member_organisation(None)
    admin_user = UserFactory(role="employer", organisation=organisation, email="boss@swift.example")
    UserFactory(role="employer", organisation=organisation, is_org_admin=False, email="staff@swift.example")
    membership = AllianceMembershipFactory(organisation=organisation, expires_on=date(2026, 12, 26))
    db.session.commit()
    assert "alliance-renewal-reminders: 0" in run_reminders(app)
    clock.fix(datetime(2026, 11, 26, 9, 0))
    assert "alliance-renewal-reminders: 1" in run_reminders(app)
    assert "alliance-renewal-reminders: 0" in run_reminders(app)
    emails = db.session.scalars(select(OutboxMessage)).all()
    assert [e.to_address for e in emails] == [admin_user.email]
    assert "26 December 2026" in emails[0].body
    assert db.session.scalar(select(ReminderSent.key)) == f"alliance-renewal:{membership.id}:2026-12-26"


def test_a_membership_not_renewed_lapses_on_its_expiry_date(app):
    clock.fix(datetime(2026, 12, 25, 23, 0))
    organisation = member_organisation(None)
    UserFactory(role="employer", organisation=organisation)
    membership = AllianceMembershipFactory(organisation=organisation, level=3, expires_on=date(2026, 12, 26))
    membership_id = membership.id
    db.session.commit()
    assert "alliance-lapse: 0" in run_reminders(app)
    clock.fix(datetime(2026, 12, 26, 0, 5))
    assert "alliance-lapse: 1" in run_reminders(app)
    lapsed = db.session.get(AllianceMembership, membership_id)
    assert lapsed.status == "lapsed" and lapsed.history[-1].actor_id is None
    subjects = db.session.scalars(select(OutboxMessage.subject)).all()
    assert "Your Corporate Alliance membership has lapsed" in subjects
    assert "alliance-lapse: 0" in run_reminders(app)


def test_the_membership_page_shows_level_history_and_what_the_next_level_adds(client, login_as):
    organisation = member_organisation(2)
    login_as("employer", organisation=organisation)
    page = client.get("/alliance/membership").data.decode()
    assert "Level 2: training and work placements" in page
    assert "Level 3 would add" in page and "Guaranteed interviews" in page and "Vacancies" in page
    assert "Apply to move up to level 3" in page
    assert "Level history" in page and "Approved" in page
