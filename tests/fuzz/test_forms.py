"""Every form, fuzzed: at least 1,000 hostile posts each (the GET filter forms through their query
strings). No post may cause a server error or a stack trace; a refused post writes nothing; stored
values always come back escaped.

Each target runs in the access matrix's world (tests/access.py: one user per role, each feature's
records), built once and reused by every example; `prepare` puts a record into the state its form
needs, and `renew` replaces a record an accepted post used up (a cancelled request, a declined
referral) so that later examples still reach the operation.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict
from wtforms import DateField, SelectFieldBase, SelectMultipleField

from marketplace.core import clock
from marketplace.extensions import db
from tests.access import World, build_world
from tests.fuzz.strategies import XSS_MARKER, FieldSpec, payload
from tests.helpers import sign_in_client

pytestmark = pytest.mark.fuzz

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "200"))  # make test: 200 each; make fuzz: 1,000


def _none(world):
    return None


@dataclass
class Target:
    name: str
    role: str | None
    path: Callable[[World], str]
    form: Callable[[], type]
    tables: Callable[[], list] = field(default_factory=lambda: (lambda: []))
    # Pages that show what the form stored, to check it comes back escaped.
    shows: Callable[[World], list[str]] = field(default_factory=lambda: (lambda world: []))
    method: str = "POST"
    prepare: Callable[[World], None] = _none
    renew: Callable[[World], None] = _none
    # Values the view offers that the form class cannot know (its choices are set per request).
    choices: Callable[[World], dict[str, list[str]]] = field(default_factory=lambda: (lambda world: {}))
    # For a form the view builds from records (attendance: one question per booking).
    form_of_world: Callable[[World], type] | None = None


def _forms(feature: str):
    import importlib

    return importlib.import_module(f"marketplace.{feature}.forms")


def _model(dotted: str):
    import importlib

    module, name = dotted.rsplit(".", 1)
    return getattr(importlib.import_module(f"marketplace.{module}.models"), name)


def _tables(*names: str) -> Callable[[], list]:
    """The tables a target could write, and the records every operation leaves (audit, notices)."""
    common = ("core.AuditEvent", "core.Notification", "core.OutboxMessage")
    return lambda: [_model(name) for name in (*names, *common)]


def _records(world: World, name: str):
    return world.records[name]


def _participant(world: World):
    return world.records["participant"]


def _participant_path(suffix: str):
    return lambda w: f"/participants/{_participant(w).id}{suffix}"


def _request_path(suffix: str):
    return lambda w: f"/gatemate/requests/{w.records['gatemate_request'].id}{suffix}"


def _referral_path(suffix: str):
    return lambda w: f"/referrals/{w.records['referral'].id}{suffix}"


def _show_participant(w):
    return [f"/participants/{_participant(w).id}"]


def _show_request(w):
    return [f"/gatemate/requests/{w.records['gatemate_request'].id}"]


def _show_referral(w):
    return [f"/referrals/{w.records['referral'].id}"]


def _show_offer(w):
    return [f"/alliance/offers/{w.records['offer'].id}"]


# --- states the forms need ---------------------------------------------------------------------------

def _fresh_gate_request(world: World, *, held: bool = False) -> None:
    """A new open request (or one the world's mentor holds, on its release day) for a person of the
    case manager's, replacing the world's request."""
    from tests.factories import GatemateRequestFactory, ParticipantFactory

    person = ParticipantFactory(case_manager=world.users["case_manager"], prison="HMP Liverpool")
    fields = {"status": "accepted", "mentor_id": world.users["mentor"].id,
              "release_date": clock.today()} if held else {}
    world.records["gatemate_request"] = GatemateRequestFactory(participant=person, **fields)
    db.session.commit()


def _held_gate_request(world: World) -> None:
    _fresh_gate_request(world, held=True)


def _signoff_gate_request(world: World) -> None:
    """A request for a MAPPA case, waiting for the world's coordinator (whose mentor covers the prison)."""
    from tests.factories import GatemateRequestFactory, ParticipantFactory

    person = ParticipantFactory(case_manager=world.users["case_manager"], prison="HMP Liverpool", mappa_level="2")
    world.records["gatemate_request"] = GatemateRequestFactory(participant=person, status="awaiting_signoff",
                                                               safety_arrangements="Two mentors.")
    db.session.commit()


def _pending_organisation(world: World) -> None:
    """A new registration waiting for approval (an approval uses one up), on a register, with a lead."""
    from tests.factories import OrganisationFactory, UserFactory

    pending = OrganisationFactory(status="pending", kind="mentoring", register="companies_house",
                                  register_number="01234567", safeguarding_lead_name="Ruth Okafor",
                                  safeguarding_lead_email="ruth@example.org")
    UserFactory(role="coordinator", organisation=pending, status="pending", is_org_admin=True)
    world.records["pending_organisation"] = pending
    db.session.commit()


def _fresh_referral(status: str = "submitted"):
    def renew(world: World) -> None:
        from tests.factories import ReferralFactory

        world.records["referral"] = ReferralFactory(
            participant=world.records["participant"], opportunity=world.records["opportunity"], status=status)
        db.session.commit()

    return renew


def _referrable(world: World) -> None:
    """The world's participant is in the community, consents, and has no referral going yet."""
    participant = world.records["participant"]
    participant.location = "community"
    participant.prison = None
    participant.release_date = clock.today() - timedelta(days=60)
    world.records["referral"].status = "withdrawn"
    db.session.commit()


def _fresh_offer(world: World) -> None:
    from tests.factories import OfferFactory

    world.records["offer"] = OfferFactory(organisation=world.users["employer"].organisation)
    db.session.commit()


def _no_application(world: World) -> None:
    """The employer's waiting application is withdrawn, so that it may apply again."""
    world.records["application"].status = "withdrawn"
    db.session.commit()


def _mentor_choices(world: World) -> dict[str, list[str]]:
    return {"mentor_id": [str(world.users["mentor"].id)]}


def _booking_choices(world: World) -> dict[str, list[str]]:
    return {"participant_id": [str(world.records["participant"].id)]}


def _referral_new_path(world: World) -> str:
    return (f"/referrals/new?participant={world.records['participant'].id}"
            f"&opportunity={world.records['opportunity'].id}")


def _steps(action: str, role: str, status: str) -> Target:
    return Target(f"referral step {action}", role, _referral_path(f"/steps/{action}"),
                  lambda: _forms("referrals").StepForm, _tables("referrals.Referral", "referrals.ReferralEvent"),
                  _show_referral, prepare=_fresh_referral(status), renew=_fresh_referral(status),
                  choices=lambda w: _step_reasons(action))


def _step_reasons(action: str) -> dict[str, list[str]]:
    from marketplace.referrals.forms import REASONS_BY_ACTION

    return {"reason_code": list(REASONS_BY_ACTION.get(action, {}))}


TARGETS = [
    # Accounts and admin
    Target("register", None, lambda w: "/register", lambda: _forms("accounts").RegistrationForm,
           _tables("accounts.Organisation", "accounts.User")),
    Target("sign in", None, lambda w: "/sign-in", lambda: _forms("accounts").LoginForm),
    Target("password reset request", None, lambda w: "/password-reset", lambda: _forms("accounts").ResetRequestForm),
    Target("change password", "employer", lambda w: "/account/password", lambda: _forms("accounts").ChangePasswordForm),
    Target("invite", "employer", lambda w: "/organisation/invite", lambda: _forms("accounts").InviteForm,
           _tables("accounts.Invitation")),
    Target("approve registration", "admin",
           lambda w: f"/admin/registrations/{w.records['pending_organisation'].id}/approve",
           lambda: _forms("accounts").ApprovalForm,
           _tables("accounts.Organisation", "accounts.OrganisationStatusChange", "accounts.User"),
           lambda w: [f"/admin/registrations/{w.records['pending_organisation'].id}"],
           prepare=lambda w: _pending_organisation(w), renew=lambda w: _pending_organisation(w)),
    Target("reject registration", "admin",
           lambda w: f"/admin/registrations/{w.records['pending_organisation'].id}/reject",
           lambda: _forms("accounts").ReasonForm),
    Target("disable user", "admin", lambda w: f"/admin/users/{w.records['other_user'].id}/disable",
           lambda: _forms("accounts").ReasonForm),
    Target("reset password", None, lambda w: f"/password-reset/{w.records['reset_token']}",
           lambda: _forms("accounts").ResetPasswordForm, _tables("accounts.PasswordResetToken"),
           prepare=lambda w: _reset_token(w), renew=lambda w: _reset_token(w)),
    Target("accept invitation", None, lambda w: f"/invitation/{w.records['invitation_token']}",
           lambda: _forms("accounts").AcceptInvitationForm, _tables("accounts.User", "accounts.Invitation"),
           prepare=lambda w: _invitation(w), renew=lambda w: _invitation(w)),
    # Participants
    Target("add participant", "case_manager", lambda w: "/participants/new",
           lambda: _forms("participants").ParticipantForm, _tables("participants.Participant"),
           lambda w: ["/participants/?window=all"]),
    Target("edit participant", "case_manager", _participant_path("/edit"),
           lambda: _forms("participants").ParticipantForm, _tables("participants.Participant"), _show_participant),
    Target("restrictions", "case_manager", _participant_path("/restrictions"),
           lambda: _forms("participants").RestrictionsForm, shows=_show_participant),
    Target("readiness", "case_manager", _participant_path("/readiness"), lambda: _forms("participants").ReadinessForm,
           shows=_show_participant),
    Target("assessment", "case_manager", _participant_path("/assessments/new"),
           lambda: _forms("participants").AssessmentForm, _tables("participants.NeedsAssessment"), _show_participant),
    Target("consent", "case_manager", _participant_path("/consent"), lambda: _forms("participants").ConsentForm,
           _tables("participants.ConsentRecord"), _show_participant),
    Target("close case", "case_manager", _participant_path("/close"), lambda: _forms("participants").CloseForm,
           _tables("participants.Participant"), _show_participant,
           renew=lambda w: _reopen(w)),
    # Corporate Alliance
    Target("alliance profile", "employer", lambda w: "/alliance/profile", lambda: _forms("alliance").ProfileForm,
           _tables("alliance.MemberProfile"), lambda w: [f"/alliance/directory/{w.users['employer'].organisation_id}"]),
    Target("alliance application", "employer", lambda w: "/alliance/apply", lambda: _forms("alliance").ApplicationForm,
           _tables("alliance.AllianceMembership"), lambda w: ["/alliance/membership"],
           prepare=_no_application, renew=_no_application, choices=lambda w: {"level": ["3"]}),
    Target("alliance new offer", "employer", lambda w: "/alliance/offers/new", lambda: _forms("alliance").OfferForm,
           _tables("alliance.Offer"), lambda w: ["/alliance/our-offers"]),
    Target("alliance edit offer", "employer", lambda w: f"/alliance/offers/{w.records['offer'].id}/edit",
           lambda: _forms("alliance").OfferForm, _tables("alliance.Offer"), _show_offer),
    Target("alliance cancel offer", "employer", lambda w: f"/alliance/offers/{w.records['offer'].id}/cancel",
           lambda: _forms("alliance").CancelOfferForm, _tables("alliance.Offer", "alliance.Booking"), _show_offer,
           renew=_fresh_offer),
    Target("alliance booking", "case_manager", lambda w: f"/alliance/offers/{w.records['offer'].id}/book",
           lambda: _forms("alliance").BookingForm, _tables("alliance.Booking"), _show_offer,
           prepare=lambda w: _cancel_booking(w), renew=lambda w: _cancel_booking(w), choices=_booking_choices),
    Target("alliance attendance", "employer", lambda w: f"/alliance/offers/{w.records['offer'].id}/attendance",
           lambda: None, _tables("alliance.Booking"), _show_offer, prepare=lambda w: _session_held(w),
           form_of_world=lambda w: _attendance_form(w)),
    # Opportunities
    Target("new opportunity", "employer", lambda w: "/opportunities/new",
           lambda: _forms("opportunities").OpportunityForm,
           _tables("opportunities.Opportunity", "search.IndexTask"), lambda w: ["/opportunities/ours"]),
    Target("edit opportunity", "employer", lambda w: f"/opportunities/{w.records['opportunity'].id}/edit",
           lambda: _forms("opportunities").OpportunityForm, _tables("opportunities.Opportunity", "search.IndexTask"),
           lambda w: [f"/opportunities/{w.records['opportunity'].id}"]),
    # Disclosure
    Target("add conviction", "case_manager",
           lambda w: f"/disclosure/participants/{_participant(w).id}/convictions/new",
           lambda: _forms("disclosure").ConvictionForm, _tables("disclosure.ConvictionRecord"),
           lambda w: [f"/disclosure/participants/{_participant(w).id}"]),
    Target("disclosure letter", "case_manager", lambda w: f"/disclosure/participants/{_participant(w).id}/letter",
           lambda: _forms("disclosure").LetterForm, _tables("disclosure.DisclosureLetter"),
           lambda w: [f"/disclosure/participants/{_participant(w).id}"]),
    # Gatemate
    Target("gatemate request", "case_manager", lambda w: f"/gatemate/participants/{_participant(w).id}/request",
           lambda: _forms("gatemate").RequestForm, _tables("gatemate.GatemateRequest", "gatemate.RequestEvent"),
           lambda w: ["/gatemate/requests?show=all"], prepare=lambda w: _in_custody(w), renew=lambda w: _no_request(w)),
    Target("gatemate edit", "case_manager", _request_path("/edit"), lambda: _forms("gatemate").EditDetailsForm,
           _tables("gatemate.GatemateRequest", "gatemate.RequestEvent"), _show_request),
    Target("gatemate release", "case_manager", _request_path("/release"), lambda: _forms("gatemate").ReleaseForm,
           _tables("gatemate.GatemateRequest", "gatemate.RequestEvent"), _show_request),
    Target("gatemate cancel", "case_manager", _request_path("/cancel"), lambda: _forms("gatemate").CancelForm,
           _tables("gatemate.GatemateRequest", "gatemate.RequestEvent"), _show_request, renew=_fresh_gate_request),
    Target("gatemate assign", "coordinator", _request_path("/assign"), lambda: _forms("gatemate").AssignForm,
           _tables("gatemate.GatemateRequest", "gatemate.RequestEvent"), _show_request, renew=_fresh_gate_request,
           choices=_mentor_choices),
    Target("gatemate hand back", "mentor", _request_path("/hand-back"), lambda: _forms("gatemate").HandBackForm,
           _tables("gatemate.GatemateRequest", "gatemate.RequestEvent"), prepare=_held_gate_request,
           renew=_held_gate_request),
    Target("gatemate met", "mentor", _request_path("/outcome/met"), lambda: _forms("gatemate").MetForm,
           _tables("gatemate.GatemateRequest", "gatemate.RequestEvent"), _show_request, prepare=_held_gate_request,
           renew=_held_gate_request),
    Target("gatemate not met", "mentor", _request_path("/outcome/not-met"), lambda: _forms("gatemate").NotMetForm,
           _tables("gatemate.GatemateRequest", "gatemate.RequestEvent"), _show_request, prepare=_held_gate_request,
           renew=_held_gate_request),
    Target("gatemate consent", "case_manager", lambda w: f"/gatemate/participants/{_participant(w).id}/consent",
           lambda: _forms("gatemate").GatemateConsentForm,
           _tables("participants.ConsentRecord", "gatemate.GatemateRequest"), _show_participant),
    Target("gatemate sign-off", "coordinator", _request_path("/sign-off"), lambda: _forms("gatemate").SignoffForm,
           _tables("gatemate.GatemateRequest", "gatemate.RequestEvent", "gatemate.Signoff"), _show_request,
           prepare=_signoff_gate_request, renew=_signoff_gate_request),
    Target("gatemate mentor profile", "coordinator", lambda w: f"/gatemate/mentors/{w.users['mentor'].id}/profile",
           lambda: _forms("gatemate").MentorProfileForm, _tables("gatemate.MentorProfile"),
           lambda w: ["/gatemate/mentors"]),
    # Referrals
    Target("new referral", "case_manager", _referral_new_path, lambda: _forms("referrals").ReferralForm,
           _tables("referrals.Referral", "referrals.ReferralDocument", "referrals.ReferralEvent"),
           lambda w: ["/referrals/?view=all"], prepare=_referrable, renew=lambda w: _withdraw_referrals(w)),
    _steps("offer_interview", "employer", "submitted"),
    _steps("decline", "employer", "submitted"),
    _steps("start", "case_manager", "offer_accepted"),
    _steps("left_job", "case_manager", "started"),
    Target("referral message", "employer", _referral_path("/messages"), lambda: _forms("referrals").MessageForm,
           _tables("referrals.ReferralMessage"), _show_referral),
]


# Community Payback (issue 22): the public nomination, and a payback manager's assessment of a fresh project.
def _payback_person(world: World, suffix: str) -> str:
    return f"/community-payback/people/{world.records['payback_person'].id}{suffix}"


def _fresh_payback_project(world: World) -> None:
    from tests.factories import PaybackProjectFactory

    world.records["payback_project"] = PaybackProjectFactory(
        region=world.users["payback_manager"].organisation.region)
    db.session.commit()


def _accepted_payback_project(world: World) -> None:
    from tests.factories import PaybackProjectFactory

    world.records["payback_accepted"] = PaybackProjectFactory(
        region=world.users["payback_manager"].organisation.region, status="accepted")
    db.session.commit()


TARGETS += [
    Target("payback nomination", None, lambda w: "/community-payback/nominate",
           lambda: _forms("payback").NominationForm,
           _tables("payback.PaybackProject", "payback.ProjectEvent", "core.ThrottleEvent")),
    Target("payback assessment", "payback_manager",
           lambda w: f"/community-payback/nominations/{w.records['payback_project'].id}/assess",
           lambda: _forms("payback").AssessmentForm, _tables("payback.PaybackProject", "payback.ProjectEvent"),
           lambda w: [f"/community-payback/nominations/{w.records['payback_project'].id}"],
           renew=_fresh_payback_project),
    Target("payback public text", "payback_manager",
           lambda w: f"/community-payback/nominations/{w.records['payback_project'].id}/public-text",
           lambda: _forms("payback").PublicTextForm, _tables("payback.PaybackProject", "payback.ProjectEvent"),
           lambda w: [f"/community-payback/nominations/{w.records['payback_project'].id}",
                      f"/community-payback/projects/{w.records['payback_project'].id}"],
           renew=_fresh_payback_project),
    Target("payback schedule", "payback_manager",
           lambda w: f"/community-payback/nominations/{w.records['payback_accepted'].id}/schedule",
           lambda: _forms("payback").ScheduleForm, _tables("payback.PaybackProject", "payback.ProjectEvent"),
           lambda w: [f"/community-payback/nominations/{w.records['payback_accepted'].id}"],
           prepare=_accepted_payback_project, renew=_accepted_payback_project),
    Target("payback session", "payback_manager",
           lambda w: f"/community-payback/nominations/{w.records['payback_accepted'].id}/sessions",
           lambda: _forms("payback").SessionForm, _tables("payback.PaybackSession", "payback.ProjectEvent"),
           lambda w: [f"/community-payback/nominations/{w.records['payback_accepted'].id}/sessions"],
           prepare=_accepted_payback_project,
           choices=lambda w: {"supervisor_id": [str(w.users["payback_manager"].id)]}),
    Target("payback order", "payback_manager", lambda w: _payback_person(w, "/order"),
           lambda: _forms("payback").OrderForm, _tables("payback.PaybackOrder"), lambda w: [_payback_person(w, "")]),
    Target("payback hours", "payback_manager", lambda w: _payback_person(w, "/hours"),
           lambda: _forms("payback").HoursForm, _tables("payback.PaybackHours"), lambda w: [_payback_person(w, "")],
           choices=lambda w: {"project_id": [str(w.records["payback_project"].id)]}),
    Target("payback vote", None, lambda w: f"/community-payback/projects/{w.records['payback_project'].id}",
           lambda: _forms("payback").VoteForm, _tables("payback.PaybackVote", "core.ThrottleEvent")),
]


def _reset_token(world: World) -> None:
    from marketplace.core.tokens import new_token
    from tests.factories import PasswordResetTokenFactory

    token, token_hash = new_token()
    PasswordResetTokenFactory(user=world.records["other_user"], token_hash=token_hash)
    world.records["reset_token"] = token
    db.session.commit()


def _invitation(world: World) -> None:
    from marketplace.core.tokens import new_token
    from tests.factories import InvitationFactory

    token = new_token()[0]
    InvitationFactory(organisation=world.users["employer"].organisation, token=token)
    world.records["invitation_token"] = token
    db.session.commit()


def _session_held(world: World) -> None:
    """The world's offer took place yesterday, with the world's booking on it."""
    offer = world.records["offer"]
    offer.starts_on = offer.ends_on = clock.today() - timedelta(days=1)
    db.session.commit()


def _attendance_form(world: World):
    from marketplace.alliance.forms import attendance_form

    return lambda **kwargs: attendance_form([world.records["booking"]])  # it builds the form itself


def _reopen(world: World) -> None:
    participant = world.records["participant"]
    participant.status = "active"
    participant.closed_at = None
    db.session.commit()


def _cancel_booking(world: World) -> None:
    from marketplace.alliance.models import Booking

    for booking in db.session.scalars(select(Booking).where(Booking.cancelled_at.is_(None))):
        booking.cancelled_at = clock.now()
    db.session.commit()


def _in_custody(world: World) -> None:
    participant = world.records["participant"]
    participant.location = "custody"
    participant.prison = "HMP Liverpool"
    participant.release_date = clock.today() + timedelta(weeks=6)
    db.session.commit()


def _no_request(world: World) -> None:
    from marketplace.gatemate.models import GatemateRequest

    for gate_request in db.session.scalars(select(GatemateRequest).where(
            GatemateRequest.participant_id == world.records["participant"].id)):
        gate_request.status = "cancelled"
    db.session.commit()


def _withdraw_referrals(world: World) -> None:
    from marketplace.referrals.models import Referral

    for referral in db.session.scalars(select(Referral).where(
            Referral.participant_id == world.records["participant"].id)):
        referral.status = "withdrawn"
    db.session.commit()


# GET forms: filters and searches, fuzzed through the query string. They write nothing.
SEARCHES = [
    ("alliance directory", None, "/alliance/directory", "alliance", "DirectoryFilterForm"),
    ("alliance offers", "case_manager", "/alliance/offers", "alliance", "OfferFilterForm"),
    ("gatemate coverage", "coordinator", "/gatemate/coverage", "gatemate", "CoverageFilterForm"),
    ("gatemate requests", "case_manager", "/gatemate/requests", "gatemate", "RequestListForm"),
    ("browse opportunities", "case_manager", "/opportunities/", "opportunities", "BrowseForm"),
    ("our opportunities", "employer", "/opportunities/ours", "opportunities", "OursForm"),
    ("caseload", "case_manager", "/participants/", "participants", "CaseloadFilterForm"),
    ("referral inbox", "employer", "/referrals/inbox", "referrals", "InboxFilterForm"),
    ("referral caseload", "case_manager", "/referrals/", "referrals", "ReferralListFilterForm"),
    ("search opportunities", "case_manager", "/search/", "search", "OpportunitySearchForm"),
    ("matches", "case_manager", None, "search", "MatchFilterForm"),
    ("audit search", "admin", "/admin/audit", "admin", "AuditSearchForm"),
    ("user search", "admin", "/admin/users", "admin", "UserSearchForm"),
]
TARGETS += [
    Target(name, role, (lambda w, p=path: p) if path else (lambda w: f"/search/participants/{_participant(w).id}"),
           lambda feature=feature, form=form: getattr(_forms(feature), form), method="GET")
    for name, role, path, feature, form in SEARCHES
]


# --- Virtual Campus (issue 20) --------------------------------------------------------------------------

def _campus_message(world: World) -> None:
    """A fresh message waiting for the case manager's check."""
    from marketplace.campus import operations as campus
    from marketplace.campus.models import CampusAccess
    from marketplace.core import throttle

    access = db.session.query(CampusAccess).filter_by(user_id=world.users["person"].id).one()
    throttle.clear(campus.MESSAGE_BUCKET, str(access.participant_id), 5, timedelta(days=1))  # a new day's allowance
    world.records["campus_message"] = campus.write_message(access, world.records["referral"], "Can I start at 8?")
    db.session.commit()


def _campus_auto_accept(world: World, *, on: bool) -> None:
    """The world's message checked and sent, and auto-accept for the person and that employer off (or on)."""
    from marketplace.campus import operations as campus
    from marketplace.campus.models import MessageStatus

    message, manager = world.records["campus_message"], world.users["case_manager"]
    if message.status == MessageStatus.AWAITING_CHECK:
        campus.send_message(message, manager)
    setting = campus.open_auto_accept(message.participant_id, message.referral.employer_organisation_id)
    if setting is not None and not on:
        campus.turn_off_auto_accept(message, manager, "fuzz: off again")
    elif setting is None and on:
        campus.turn_on_auto_accept(message, manager, "fuzz: on again")
    db.session.commit()


TARGETS += [
    # Refused sign-ins write their counted failure and audit row on purpose, like staff sign-in.
    Target("campus start", None, lambda w: "/campus/start", lambda: _forms("campus").StartForm,
           lambda: [_model("campus.CampusAccess")]),
    Target("campus sign in", None, lambda w: "/campus/sign-in", lambda: _forms("campus").CampusSignInForm,
           lambda: [_model("campus.CampusAccess")]),
    Target("campus kiosk start", None, lambda w: "/campus/kiosk/start", lambda: _forms("campus").KioskStartForm,
           lambda: [_model("campus.CampusAccess")]),
    Target("campus kiosk sign in", None, lambda w: "/campus/kiosk", lambda: _forms("campus").KioskSignInForm,
           lambda: [_model("campus.CampusAccess")]),
    Target("campus CV", "person", lambda w: "/campus/cv", lambda: _forms("campus").CVForm,
           _tables("campus.CampusCV"), lambda w: ["/campus/cv"]),
    Target("campus message", "person", lambda w: f"/campus/messages/new/{w.records['referral'].id}",
           lambda: _forms("campus").MessageForm, _tables("campus.CampusMessage", "campus.CampusMessageEvent"),
           lambda w: ["/campus/messages"]),
    Target("campus access slip", "case_manager", lambda w: f"/campus/people/{_participant(w).id}/access",
           lambda: _forms("campus").GrantAccessForm,
           _tables("campus.CampusAccess")),
    Target("campus messages setting", "case_manager",
           lambda w: f"/campus/people/{_participant(w).id}/access/messages",
           lambda: _forms("campus").MessageSettingForm, _tables("campus.CampusAccess")),
    # The provider's switch: the world's case manager administers their organisation.
    Target("campus switch", "case_manager", lambda w: "/campus/setting", lambda: _forms("campus").CampusSwitchForm,
           _tables("accounts.Organisation"), lambda w: ["/campus/setting", "/organisation"]),
    Target("campus end access", "case_manager", lambda w: f"/campus/people/{_participant(w).id}/access/end",
           lambda: _forms("campus").EndAccessForm, _tables("campus.CampusAccess")),
    Target("campus return message", "case_manager",
           lambda w: f"/campus/checks/{w.records['campus_message'].id}/return",
           lambda: _forms("campus").ReturnMessageForm, _tables("campus.CampusMessage", "campus.CampusMessageEvent"),
           lambda w: ["/campus/messages"], renew=_campus_message),
    Target("campus auto-accept on", "case_manager",
           lambda w: f"/campus/checks/{w.records['campus_message'].id}/auto-accept",
           lambda: _forms("campus").AutoAcceptOnForm, _tables("campus.CampusAutoAccept"),
           lambda w: [f"/campus/checks/{w.records['campus_message'].id}",
                      f"/campus/people/{_participant(w).id}/access"],
           prepare=lambda w: _campus_auto_accept(w, on=False), renew=lambda w: _campus_auto_accept(w, on=False)),
    Target("campus auto-accept off", "case_manager",
           lambda w: f"/campus/checks/{w.records['campus_message'].id}/auto-accept/off",
           lambda: _forms("campus").AutoAcceptOffForm, _tables("campus.CampusAutoAccept"),
           lambda w: [f"/campus/checks/{w.records['campus_message'].id}",
                      f"/campus/people/{_participant(w).id}/access"],
           prepare=lambda w: _campus_auto_accept(w, on=True), renew=lambda w: _campus_auto_accept(w, on=True)),
]


# Careers information (issue 20, marketplace/careers/): an administrator writes and changes pages; what
# was stored shows on the list, the page itself (its paragraphs and links) and the readers' list.
_CAREERS_TABLES = ("careers.CareersPage", "careers.CareersLink")
TARGETS += [
    Target("careers new page", "admin", lambda w: "/careers/manage/new", lambda: _forms("careers").PageForm,
           _tables(*_CAREERS_TABLES), lambda w: ["/careers/manage", "/careers/"]),
    Target("careers edit page", "admin", lambda w: f"/careers/manage/{w.records['careers_page'].id}/edit",
           lambda: _forms("careers").PageForm, _tables(*_CAREERS_TABLES),
           lambda w: [f"/careers/{w.records['careers_page'].id}", "/careers/", "/careers/manage"]),
]


# Discretionary funding (issue 21): asking, deciding, paying, answering, and setting a budget.
def _funding_request(world: World, **fields) -> None:
    from tests.factories import FundingRequestFactory

    world.records["funding_request"] = FundingRequestFactory(
        participant=world.records["participant"], referral=world.records["referral"],
        requested_by=world.users["case_manager"], **fields)
    db.session.commit()


def _approved_funding_request(world: World) -> None:
    from marketplace.funding.models import FundingBudget

    budget = db.session.scalar(select(FundingBudget).where(
        FundingBudget.organisation_id == world.users["case_manager"].organisation_id))
    _funding_request(world, status="approved", approved_pence=8500, budget=budget, decided_at=clock.now())


def _funding_path(suffix: str) -> Callable[[World], str]:
    return lambda w: f"/funding/{w.records['funding_request'].id}{suffix}"


def _funding_years(world: World) -> dict[str, list[str]]:
    from marketplace.funding.models import financial_year

    year = financial_year(clock.today())
    return {"year": [str(year), str(year + 1)]}


_FUNDING_TABLES = ("funding.FundingRequest", "funding.FundingEvent", "funding.FundingBudget")
TARGETS += [
    Target("funding request", "case_manager", lambda w: f"/funding/new?participant={_participant(w).id}",
           lambda: _forms("funding").AskForm, _tables(*_FUNDING_TABLES), lambda w: ["/funding/?view=all"],
           choices=lambda w: {"referral": [str(w.records["referral"].id), "0"]}),
    Target("funding decision", "funding_manager", _funding_path("/decide"), lambda: _forms("funding").DecisionForm,
           _tables(*_FUNDING_TABLES), lambda w: [f"/funding/{w.records['funding_request'].id}"],
           renew=_funding_request),
    Target("funding payment", "funding_manager", _funding_path("/pay"), lambda: _forms("funding").PaymentForm,
           _tables(*_FUNDING_TABLES), lambda w: [f"/funding/{w.records['funding_request'].id}"],
           prepare=_approved_funding_request, renew=_approved_funding_request),
    Target("funding information", "case_manager", _funding_path("/steps/resubmit"),
           lambda: _forms("funding").NoteForm, _tables(*_FUNDING_TABLES),
           lambda w: [f"/funding/{w.records['funding_request'].id}"],
           prepare=lambda w: _funding_request(w, status="more_information"),
           renew=lambda w: _funding_request(w, status="more_information")),
    Target("funding change", "case_manager", _funding_path("/edit"), lambda: _forms("funding").EditForm,
           _tables(*_FUNDING_TABLES), lambda w: [f"/funding/{w.records['funding_request'].id}"],
           choices=lambda w: {"referral": [str(w.records["referral"].id), "0"]}),
    Target("funding evidence", "case_manager", _funding_path("/evidence/new"),
           lambda: _forms("funding").EvidenceForm, _tables(*_FUNDING_TABLES, "funding.FundingDocument"),
           lambda w: [f"/funding/{w.records['funding_request'].id}"],
           choices=lambda w: {"kind": ["quote", "offer_letter", "invoice", "receipt"]}),
    Target("funding budget", "funding_manager", lambda w: "/funding/budgets/set", lambda: _forms("funding").BudgetForm,
           _tables(*_FUNDING_TABLES), lambda w: ["/funding/budgets"], choices=_funding_years),
    Target("funding requests", "case_manager", lambda w: "/funding/", lambda: _forms("funding").ListFilterForm,
           method="GET"),
]


# Employer fidelity bonds: asked for by the employer once the job is offered, decided by a funding
# manager of the person's provider, withdrawn by the employer while it waits.
def _no_bond(world: World) -> None:
    """The world's job offered and no bond asked for yet, so the next ask reaches the operation."""
    from marketplace.funding.models import FidelityBond

    db.session.query(FidelityBond).delete()
    world.records["referral"].status = "offer_made"
    db.session.commit()


def _asked_bond(world: World) -> None:
    """A fresh bond, asked for by the world's employer and waiting, in place of one a post used up."""
    from marketplace.funding import operations

    _no_bond(world)
    world.records["fidelity_bond"] = operations.ask_for_bond(
        world.records["referral"], world.users["employer"],
        operations.Bond(provider="Unlock Bonds CIC", cover_pence=500_000, months="6"))
    db.session.commit()


def _bond_path(step: str) -> Callable[[World], str]:
    return lambda w: f"/funding/bonds/{w.records['fidelity_bond'].id}/{step}"


_BOND_TABLES = ("funding.FidelityBond", "funding.FidelityBondEvent")
TARGETS += [
    Target("fidelity bond", "employer", lambda w: f"/funding/bonds/new/{w.records['referral'].id}",
           lambda: _forms("funding").BondForm, _tables(*_BOND_TABLES), _show_referral, prepare=_no_bond,
           renew=_no_bond),
    Target("fidelity bond decision", "funding_manager", _bond_path("decide"),
           lambda: _forms("funding").BondDecisionForm, _tables(*_BOND_TABLES), _show_referral, prepare=_asked_bond,
           renew=_asked_bond),
    Target("fidelity bond withdrawal", "employer", _bond_path("withdraw"), lambda: _forms("funding").BondWithdrawForm,
           _tables(*_BOND_TABLES), _show_referral, prepare=_asked_bond, renew=_asked_bond),
]



# --- Shortlists (issue 16) ------------------------------------------------------------------------------

def _shortlist_path(step: str) -> Callable[[World], str]:
    return lambda w: f"/shortlists/{_participant(w).id}/{step}"


def _empty_shortlist(world: World) -> None:
    """Take the saved opportunity off again, so the next example's save reaches the operation."""
    from marketplace.shortlists.models import ShortlistEntry

    db.session.query(ShortlistEntry).delete()
    db.session.commit()


def _saved_shortlist(world: World) -> None:
    from marketplace.shortlists.models import ShortlistEntry

    _empty_shortlist(world)
    db.session.add(ShortlistEntry(participant_id=_participant(world).id,
                                  opportunity_id=world.records["opportunity"].id))
    db.session.commit()


def _shortlist_choices(world: World) -> dict[str, list[str]]:
    return {"opportunity": [str(world.records["opportunity"].id), "0"], "back": ["matches", "opportunity", "shortlist"]}


TARGETS += [
    Target(f"shortlist {step}", "case_manager", _shortlist_path(step), lambda: _forms("shortlists").ShortlistForm,
           _tables("shortlists.ShortlistEntry"), lambda w: [f"/shortlists/{_participant(w).id}"],
           prepare=prepare, renew=prepare, choices=_shortlist_choices)
    for step, prepare in (("add", _empty_shortlist), ("remove", _saved_shortlist))
]

def field_specs(app, form_class, extra_choices: dict[str, list[str]]) -> list[FieldSpec]:
    """Every input name the form reads, including the parts of date inputs and repeated sub-forms,
    with the values it accepts."""
    with app.test_request_context():
        form = form_class(meta={"csrf": False})
        leaves = []
        for form_field in form:
            entries = getattr(form_field, "entries", None)
            leaves += [sub for entry in entries for sub in entry.form] if entries is not None else [form_field]
        specs = []
        for leaf in leaves:
            if leaf.type in ("SubmitField", "CSRFTokenField"):
                specs.append(FieldSpec(leaf.name, choices=("y",)))
                continue
            offered = extra_choices.get(leaf.short_name)
            if offered is None and isinstance(leaf, SelectFieldBase) and leaf.choices:
                offered = [str(value) for value, *_ in leaf.choices if str(value)]
            if offered is None and leaf.type == "BooleanField":
                offered = ["y"]
            specs.append(FieldSpec(leaf.name, tuple(offered or ()), date=isinstance(leaf, DateField),
                                   multiple=isinstance(leaf, SelectMultipleField)))
        return specs


def unescaped_markup(body: str) -> bool:
    """True when a hostile payload came back as live markup rather than escaped text."""
    return f"<script>{XSS_MARKER}" in body or f"<img src=x onerror={XSS_MARKER}" in body


def _counts(tables) -> tuple:
    return tuple(db.session.scalar(select(func.count()).select_from(table)) for table in tables)


SETTINGS = settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                           HealthCheck.data_too_large, HealthCheck.filter_too_much])


@pytest.mark.parametrize("target", TARGETS, ids=[t.name for t in TARGETS])
def test_hostile_posts(app, monkeypatch, target):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", False)
    world = build_world()
    target.prepare(world)
    client = app.test_client()
    if target.role is not None:
        sign_in_client(client, world.users[target.role])
    tables = target.tables()
    form_class = target.form_of_world(world) if target.form_of_world else target.form()
    specs = field_specs(app, form_class, target.choices(world))

    answers = Counter()

    @SETTINGS
    @given(payload(specs))
    def post(data):
        path = target.path(world)
        items = [(k, v) for k, values in data.items() for v in values]
        before = _counts(tables)
        if target.method == "GET":
            response = client.get(path, query_string=MultiDict(items))
        else:
            response = client.post(path, data=MultiDict(items))
        body = response.get_data(as_text=True)
        assert response.status_code < 500, (data, body[-2000:])
        assert "Traceback" not in body
        assert not unescaped_markup(body), data
        db.session.rollback()
        answers[response.status_code] += 1
        if response.status_code >= 400:
            assert _counts(tables) == before, f"a refused post wrote rows: {data}"
        elif target.method == "POST" and _counts(tables) != before:
            for page in target.shows(world):
                shown = client.get(page)
                assert shown.status_code < 500, (page, data)
                assert not unescaped_markup(shown.get_data(as_text=True)), (page, data)
            target.renew(world)
            if target.role is None:
                with client.session_transaction() as session:  # signed in by the post: a visitor again
                    session.clear()
        if target.role is not None and target.name == "change password" and client.get("/home").status_code != 200:
            # The post changed the account itself (a new password): sign back in for the next example.
            sign_in_client(client, world.users[target.role])

    post()
    print(f"{target.name}: answered {dict(sorted(answers.items()))}")  # with -s: how many posts got through
