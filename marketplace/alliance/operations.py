"""Every write about the Corporate Alliance: profiles, applications and decisions, renewals and lapses,
offers of staff time and materials, and bookings on them. Views, the admin queue, the CLI and the
scheduled jobs all call these. Each operation validates everything before it changes anything."""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields
from datetime import date, timedelta

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import func, select

from marketplace.accounts.models import Organisation, OrganisationStatus, OrganisationStatusChange, User, UserStatus
from marketplace.alliance import levels
from marketplace.alliance.models import (
    OFFER_KINDS,
    OFFER_SETTINGS,
    AllianceMembership,
    Booking,
    MemberProfile,
    MembershipChange,
    MembershipStatus,
    Offer,
)
from marketplace.alliance.workflow import transition
from marketplace.core import clock
from marketplace.core.db import lock_for_update
from marketplace.core.exceptions import Problems, Refused
from marketplace.core.filters import govuk_date
from marketplace.core.links import path_for
from marketplace.core.operations import notify, record_audit
from marketplace.core.reminders import reminder_job, send_once
from marketplace.core.roles import EMPLOYING_ROLES, OrganisationKind, ProviderType, Role
from marketplace.extensions import db
from marketplace.participants.models import Participant
from marketplace.participants.operations import ERASURE_HOOKS
from marketplace.reference import FAIR_CHANCE_COMMITMENTS, ORGANISATION_SIZES, PRISONS, REGIONS, SECTORS

MEMBERSHIP_MONTHS = 12
REMINDER_DAYS = 30
RENEWAL_WINDOW_DAYS = 60  # a membership can be renewed from this many days before it expires
WEBSITE = re.compile(r"^https?://[^\s/$.?#][^\s]*\.[^\s]{2,}$", re.IGNORECASE)
PHONE = re.compile(r"^[0-9 +()-]{6,40}$")
MAX_OFFER_PLACES = 500


def add_months(day: date, months: int) -> date:
    """`day` moved on by whole months, on the same day of the month or the last day of a shorter one."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def organisation_contacts(organisation_id: int) -> list[User]:
    """Who hears about the organisation's membership: its active administrators, or, if it has none,
    all its active users."""
    users = list(db.session.scalars(select(User).where(
        User.organisation_id == organisation_id, User.status == UserStatus.ACTIVE).order_by(User.id)))
    admins = [user for user in users if user.is_org_admin]
    return admins or users


def _active_admins() -> list[User]:
    return list(db.session.scalars(select(User).where(User.role == Role.ADMIN, User.status == UserStatus.ACTIVE)))


def _ensure_member_admin(organisation: Organisation | None, actor: User) -> Organisation:
    if organisation is None or organisation.kind not in levels.MEMBER_KINDS:
        raise Refused("Only employers and social enterprises can join the Corporate Alliance")
    if actor.organisation_id != organisation.id or actor.role not in EMPLOYING_ROLES:
        raise Refused("Only people from the organisation itself can do this")
    if not actor.is_org_admin:
        raise Refused("Only your organisation's administrators can manage its alliance membership and profile")
    if not organisation.is_approved:
        raise Refused("Your organisation's registration must be approved first")
    return organisation


# Profiles ---------------------------------------------------------------------------------------------

@dataclass
class ProfileDetails:
    sectors: list[str] = field(default_factory=list)
    regions: list[str] = field(default_factory=list)
    size: str = ""
    what_it_does: str = ""
    website: str = ""
    contact_name: str = ""
    contact_role: str = ""
    contact_email: str = ""
    contact_phone: str = ""
    commitments: list[str] = field(default_factory=list)
    story: str = ""
    social_purpose: str = ""
    profit_reinvestment: str = ""


def profile_of(organisation: Organisation) -> MemberProfile | None:
    return db.session.get(MemberProfile, organisation.id)


def _text(value: str | None, name: str, label: str, limit: int, *, required: bool = False) -> str:
    value = (value or "").strip()
    if required and not value:
        raise Refused(f"Enter {label}", field=name)
    if len(value) > limit:
        raise Refused(f"{label[0].upper()}{label[1:]} must be {limit:,} characters or fewer", field=name)
    return value


def _chosen(values: Iterable[str], allowed, name: str, message: str) -> list[str]:
    values = list(values or [])
    if any(value not in allowed for value in values):
        raise Refused(message, field=name)
    return [value for value in allowed if value in values]


def check_profile(details: ProfileDetails, organisation: Organisation) -> ProfileDetails:
    """Return cleaned profile details, or raise Refused naming the field that is wrong."""
    sectors = _chosen(details.sectors, SECTORS, "sectors", "Select sectors from the list")
    if not sectors:
        raise Refused("Select at least one sector your organisation works in", field="sectors")
    regions = _chosen(details.regions, REGIONS, "regions", "Select regions from the list")
    if not regions:
        raise Refused("Select at least one region your organisation can offer work or support in", field="regions")
    if details.size not in ORGANISATION_SIZES:
        raise Refused("Select how many people your organisation employs", field="size")
    website = _text(details.website, "website", "the website address", 300)
    if website and not WEBSITE.match(website):
        raise Refused("Enter a website address like https://www.example.org", field="website")
    email = _text(details.contact_email, "contact_email", "the contact's email address", 254, required=True)
    try:
        email = validate_email(email, check_deliverability=False).normalized
    except EmailNotValidError:
        raise Refused("Enter an email address in the correct format, like name@example.org",
                      field="contact_email") from None
    phone = _text(details.contact_phone, "contact_phone", "the phone number", 40)
    if phone and not PHONE.match(phone):
        raise Refused("Enter a phone number, like 01632 960 001 or +44 7700 900 982", field="contact_phone")
    social = organisation.kind == OrganisationKind.SOCIAL_ENTERPRISE
    return ProfileDetails(
        sectors=sectors, regions=regions, size=details.size,
        what_it_does=_text(details.what_it_does, "what_it_does", "what your organisation does", 2000, required=True),
        website=website,
        contact_name=_text(details.contact_name, "contact_name", "the name of a contact", 200, required=True),
        contact_role=_text(details.contact_role, "contact_role", "the contact's job title", 200),
        contact_email=email, contact_phone=phone,
        commitments=_chosen(details.commitments, FAIR_CHANCE_COMMITMENTS, "commitments",
                            "Select commitments from the list"),
        story=_text(details.story, "story", "your story", 3000),
        social_purpose=_text(details.social_purpose, "social_purpose", "your social purpose", 2000,
                             required=social) if social else "",
        profit_reinvestment=_text(details.profit_reinvestment, "profit_reinvestment",
                                  "how your profits are reinvested", 2000, required=social) if social else "",
    )


def save_profile(organisation: Organisation, details: ProfileDetails, actor: User) -> MemberProfile:
    """Create or change the organisation's alliance profile (what the public directory shows)."""
    _ensure_member_admin(organisation, actor)
    cleaned = check_profile(details, organisation)
    profile = profile_of(organisation)
    if profile is None:
        profile = MemberProfile(organisation_id=organisation.id)
        db.session.add(profile)
    for item in fields(ProfileDetails):
        setattr(profile, item.name, getattr(cleaned, item.name))
    profile.updated_at = clock.now()
    db.session.flush()
    record_audit("alliance.profile_saved", organisation, actor=actor)
    return profile


# Membership --------------------------------------------------------------------------------------------

def membership_in_force(organisation_id: int, today: date | None = None) -> AllianceMembership | None:
    today = today or clock.today()
    return db.session.scalar(select(AllianceMembership).where(
        AllianceMembership.organisation_id == organisation_id, AllianceMembership.status == MembershipStatus.APPROVED,
        AllianceMembership.expires_on > today))


def pending_application(organisation_id: int) -> AllianceMembership | None:
    return db.session.scalar(select(AllianceMembership).where(
        AllianceMembership.organisation_id == organisation_id, AllianceMembership.status == MembershipStatus.APPLIED))


def memberships_of(organisation_id: int) -> list[AllianceMembership]:
    """Every application and membership of the organisation, newest first: its level history."""
    return list(db.session.scalars(select(AllianceMembership).where(
        AllianceMembership.organisation_id == organisation_id)
        .order_by(AllianceMembership.applied_at.desc(), AllianceMembership.id.desc())))


def check_application(organisation: Organisation, level: int | None, pledges: list[str], statement: str,
                      actor: User) -> tuple[list[str], str]:
    """Every rule an application must meet, checked all at once: returns the pledges (in the list's
    order) and the statement, or raises Refused naming each problem. Writes nothing, so the check page
    and a form whose fields fail run it too."""
    _ensure_member_admin(organisation, actor)
    problems = Problems()
    problems.check(profile_of(organisation) is not None, "Fill in your organisation's profile before you apply: the "
                   "administrators and the public directory use it")
    level_known = problems.check(level in levels.LEVELS, "Select the level you are applying for", field="level")
    waiting = pending_application(organisation.id)
    problems.check(waiting is None, f"Your application for level {waiting.level if waiting else ''} is waiting for a "
                   "decision. Withdraw it first if you want to apply for a different level")
    current = membership_in_force(organisation.id)
    if level_known and current is not None and level <= current.level:
        problems.add(f"Your organisation is already a level {current.level} member. Choose a higher level to move up",
                     field="level")
    chosen = list(dict.fromkeys(pledges or []))
    if level_known:
        allowed = levels.pledges_up_to(level)
        if any(pledge not in allowed for pledge in chosen):
            problems.add(f"Choose activities from level {level} or below", field="pledges")
        elif not any(levels.PLEDGES[pledge][0] == level for pledge in chosen):
            problems.add(f"Choose at least one level {level} activity that your organisation will do", field="pledges")
    statement = problems.kept(lambda: _text(statement, "statement", "what your organisation will do", 3000), "")
    problems.raise_any()
    return [code for code in levels.PLEDGES if code in chosen], statement


def apply_to_join(organisation: Organisation, level: int, pledges: list[str], statement: str,
                  actor: User) -> AllianceMembership:
    """Apply to join the alliance at `level`, or, for a member, to move up to a higher level. The
    pledged activities must belong to that level or below, at least one of them to the level itself."""
    _ensure_member_admin(organisation, actor)
    organisation = lock_for_update(Organisation, organisation.id)
    chosen, statement = check_application(organisation, level, pledges, statement, actor)
    current = membership_in_force(organisation.id)
    membership = AllianceMembership(
        organisation_id=organisation.id, level=level, status=MembershipStatus.APPLIED,
        pledges=chosen, statement=statement,
        upgrade_of_id=current.id if current else None, applied_by_id=actor.id, applied_at=clock.now(),
    )
    db.session.add(membership)
    db.session.add(MembershipChange(membership=membership, action="apply", from_status="", to_status="applied",
                                    level=level, actor_id=actor.id, at=membership.applied_at))
    db.session.flush()
    record_audit("alliance.applied", membership, actor=actor, detail=f"level {level}")
    what = f"to move up to level {level}" if current else f"to join at level {level}"
    for admin in _active_admins():
        notify(admin, f"{organisation.name} has applied {what} of the Corporate Alliance",
               path_for("alliance.application", membership_id=membership.id))
    return membership


def approve_application(membership_id: int, actor: User) -> AllianceMembership:
    """Approve an application: the membership runs for 12 months from today. An approved move up
    replaces the organisation's current membership. The organisation is told in the service and by email."""
    membership = lock_for_update(AllianceMembership, membership_id)
    if membership is None:
        raise Refused("This application no longer exists")
    if membership.status == MembershipStatus.APPLIED:
        for previous in db.session.scalars(select(AllianceMembership).where(
                AllianceMembership.organisation_id == membership.organisation_id,
                AllianceMembership.status == MembershipStatus.APPROVED)).all():
            transition(previous, "supersede", None, reason=f"Moved up to level {membership.level}")
        db.session.flush()  # the old membership stops being "approved" before the new one starts
    transition(membership, "approve", actor)
    membership.expires_on = add_months(clock.today(), MEMBERSHIP_MONTHS)
    record_audit("alliance.approved", membership, actor=actor, detail=f"level {membership.level}")
    organisation = membership.organisation
    allowed = ", ".join(levels.POSTING_KINDS[kind].split(" (")[0].lower() for kind in levels.kinds_at(membership.level))
    for user in organisation_contacts(organisation.id):
        notify(user, f"{organisation.name} is now a level {membership.level} member of the Corporate Alliance.",
               path_for("alliance.membership"),
               email_subject=f"Your Corporate Alliance membership: level {membership.level} approved",
               email_body=f"Dear {user.full_name},\n\n{organisation.name} is now a level {membership.level} member "
               f"of the Corporate Alliance, until {govuk_date(membership.expires_on)}. You can now post: {allowed}.")
    return membership


def reject_application(membership_id: int, actor: User, reason: str) -> AllianceMembership:
    """Turn down an application with a reason the organisation is sent."""
    reason = (reason or "").strip()
    if not reason:
        raise Refused("Enter the reason for not approving this application", field="reason")
    if len(reason) > 1000:
        raise Refused("The reason must be 1,000 characters or fewer", field="reason")
    membership = lock_for_update(AllianceMembership, membership_id)
    if membership is None:
        raise Refused("This application no longer exists")
    transition(membership, "reject", actor, reason)
    record_audit("alliance.rejected", membership, actor=actor, detail=reason)
    organisation = membership.organisation
    for user in organisation_contacts(organisation.id):
        notify(user, f"The application for level {membership.level} of the Corporate Alliance was not approved: "
               f"{reason}", path_for("alliance.membership"),
               email_subject="Your Corporate Alliance application was not approved",
               email_body=f"Dear {user.full_name},\n\nThe application by {organisation.name} to join level "
               f"{membership.level} of the Corporate Alliance was not approved, for this reason:\n\n{reason}\n\n"
               "You can apply again when you are ready.")
    return membership


def withdraw_membership(membership_id: int, actor: User) -> AllianceMembership:
    """Withdraw an application that is waiting, or leave the alliance. Sessions and opportunities
    already posted stay until they end or close; nothing new can be posted."""
    membership = lock_for_update(AllianceMembership, membership_id)
    if membership is None or membership.organisation_id != actor.organisation_id:
        raise Refused("This membership is not your organisation's")
    _ensure_member_admin(membership.organisation, actor)
    transition(membership, "withdraw", actor)
    record_audit("alliance.withdrawn", membership, actor=actor, detail=f"level {membership.level}")
    return membership


def renewal_opens_on(membership: AllianceMembership) -> date | None:
    return membership.expires_on - timedelta(days=RENEWAL_WINDOW_DAYS) if membership.expires_on else None


def renew_membership(membership_id: int, actor: User) -> AllianceMembership:
    """Renew a membership for another 12 months from its expiry date, confirming the same pledges.
    Possible from 60 days before it expires."""
    membership = lock_for_update(AllianceMembership, membership_id)
    if membership is None or membership.organisation_id != actor.organisation_id:
        raise Refused("This membership is not your organisation's")
    _ensure_member_admin(membership.organisation, actor)
    if membership.status == MembershipStatus.APPROVED and not membership.is_in_force():
        raise Refused("This membership has expired. Apply to join again")
    opens = renewal_opens_on(membership)
    if membership.status == MembershipStatus.APPROVED and opens and clock.today() < opens:
        raise Refused(f"You can renew from {govuk_date(opens)}, 60 days before the membership expires")
    transition(membership, "renew", actor)
    membership.expires_on = add_months(membership.expires_on, MEMBERSHIP_MONTHS)
    membership.renewed_at = clock.now()
    record_audit("alliance.renewed", membership, actor=actor, detail=f"until {membership.expires_on.isoformat()}")
    return membership


@reminder_job("alliance-renewal-reminders")
def send_renewal_reminders() -> int:
    """Remind each organisation 30 days before its membership expires (once per expiry date)."""
    today = clock.today()
    due = db.session.scalars(select(AllianceMembership).where(
        AllianceMembership.status == MembershipStatus.APPROVED, AllianceMembership.expires_on > today,
        AllianceMembership.expires_on <= today + timedelta(days=REMINDER_DAYS))).all()
    sent = 0
    for membership in due:
        organisation = membership.organisation
        expires = govuk_date(membership.expires_on)
        sent += send_once(
            f"alliance-renewal:{membership.id}:{membership.expires_on.isoformat()}",
            organisation_contacts(organisation.id),
            f"{organisation.name}'s level {membership.level} Corporate Alliance membership expires on {expires}. "
            "Renew it to keep posting.", path_for("alliance.membership"),
            email_subject="Renew your Corporate Alliance membership",
            email_body=f"{organisation.name}'s level {membership.level} membership of the Corporate Alliance "
            f"expires on {expires}. Sign in and renew it from your membership page to keep posting sessions "
            "and opportunities.")
    return sent


@reminder_job("alliance-lapse")
def lapse_expired_memberships() -> int:
    """Mark memberships past their expiry date as lapsed, and tell the organisation."""
    today = clock.today()
    expired = db.session.scalars(select(AllianceMembership.id).where(
        AllianceMembership.status == MembershipStatus.APPROVED, AllianceMembership.expires_on <= today)).all()
    for membership_id in expired:
        membership = lock_for_update(AllianceMembership, membership_id)
        if membership.status != MembershipStatus.APPROVED:
            continue
        transition(membership, "lapse", None, reason="Not renewed within 12 months")
        record_audit("alliance.lapsed", membership, actor=None, detail=f"level {membership.level}")
        organisation = membership.organisation
        for user in organisation_contacts(organisation.id):
            notify(user, f"{organisation.name}'s Corporate Alliance membership has lapsed because it was not renewed. "
                   "Apply again to post new sessions and opportunities.", path_for("alliance.membership"),
                   email_subject="Your Corporate Alliance membership has lapsed")
    return len(expired)


def count_waiting_applications() -> int:
    return db.session.scalar(select(func.count()).select_from(AllianceMembership)
                             .where(AllianceMembership.status == MembershipStatus.APPLIED)) or 0


# Scripted set-up -----------------------------------------------------------------------------------------

def create_member_organisation(name: str, kind: str, level: int | None, region: str,
                               provider_type: str | None = None) -> Organisation:
    """Create an approved organisation (from the command line); for an employer or social enterprise
    with a level, also an approved membership at that level for 12 months."""
    name = (name or "").strip()
    if not name or len(name) > 200:
        raise Refused("The name must be between 1 and 200 characters", field="name")
    kinds = {k.value for k in OrganisationKind}
    if kind not in kinds:
        raise Refused(f"Kind must be one of {', '.join(sorted(kinds))}", field="kind")
    if level is not None:
        if kind not in levels.MEMBER_KINDS:
            raise Refused("A level is only for employers and social enterprises", field="level")
        if level not in levels.LEVELS:
            raise Refused("Level must be 1, 2 or 3", field="level")
    if region not in REGIONS:
        raise Refused(f"Region must be one of: {', '.join(REGIONS)}", field="region")
    if kind == OrganisationKind.PROVIDER:
        provider_type = provider_type or ProviderType.PROBATION.value
        if provider_type not in {p.value for p in ProviderType}:
            raise Refused("Provider type must be prison, probation or employment_programme", field="provider_type")
    else:
        provider_type = None
    existing = db.session.scalar(select(Organisation.id).where(func.lower(Organisation.name) == name.lower()))
    if existing is not None:
        raise Refused(f"An organisation called {name} already exists (id {existing})", field="name")
    now = clock.now()
    organisation = Organisation(name=name, kind=kind, provider_type=provider_type, region=region,
                                status=OrganisationStatus.APPROVED, created_at=now, decided_at=now)
    db.session.add(organisation)
    db.session.add(OrganisationStatusChange(organisation=organisation, action="approve", from_status="pending",
                                            to_status="approved", at=now, reason="Created from the command line"))
    db.session.flush()
    record_audit("organisation.created", organisation, actor=None, detail="command line")
    if level is not None:
        membership = AllianceMembership(organisation_id=organisation.id, level=level, status=MembershipStatus.APPLIED,
                                        pledges=list(levels.pledges_up_to(level)), applied_at=now)
        db.session.add(membership)
        db.session.add(MembershipChange(membership=membership, action="apply", from_status="", to_status="applied",
                                        level=level, at=now, reason="Created from the command line"))
        db.session.flush()
        # Approved by the person running the command, who has no account: recorded as the system.
        transition(membership, "approve", None, reason="Created from the command line")
        membership.expires_on = add_months(clock.today(), MEMBERSHIP_MONTHS)
        record_audit("alliance.approved", membership, actor=None, detail=f"level {level}, command line")
    return organisation


# Offers of staff time and materials ------------------------------------------------------------------

@dataclass
class OfferDetails:
    kind: str
    title: str
    starts_on: date | None
    setting: str
    places: int | None
    suits: str
    description: str = ""
    ends_on: date | None = None
    times: str = ""
    prison: str | None = None
    town: str = ""
    region: str | None = None


def check_offer(details: OfferDetails, offer: Offer | None = None) -> OfferDetails:
    """Return cleaned offer details, or raise Refused naming every field that is wrong (all at once)."""
    problems = Problems()
    today = clock.today()
    problems.check(details.kind in OFFER_KINDS, "Select what you are offering", field="kind")
    title = problems.kept(lambda: _text(details.title, "title", "a title", 200, required=True), "")
    description = problems.kept(lambda: _text(details.description, "description", "the description", 5000), "")
    starts_on = details.starts_on
    ends_on = details.ends_on or starts_on
    if problems.check(starts_on is not None, "Enter the date it starts", field="starts_on"):
        moved = offer is None or starts_on != offer.starts_on
        problems.check(not moved or starts_on >= today, "The start date must be today or in the future",
                       field="starts_on")
        if problems.check(ends_on >= starts_on, "The end date must be the same as or after the start date",
                          field="ends_on"):
            problems.check((ends_on - starts_on).days <= 366,
                           "An offer can run for a year at most. Post it again for the next year", field="ends_on")
    times = problems.kept(lambda: _text(details.times, "times", "the times", 200), "")
    problems.check(details.setting in OFFER_SETTINGS, "Select where it takes place", field="setting")
    prison, town, region = None, "", None
    if details.setting == "prison":
        prison = (details.prison or "").strip()
        if problems.check(prison in PRISONS, "Select the prison from the list", field="prison"):
            region = PRISONS[prison]
    elif details.setting == "community":
        town = problems.kept(lambda: _text(details.town, "town", "the town", 100, required=True), "")
        if problems.check(details.region in REGIONS, "Select the region", field="region"):
            region = details.region
    places = details.places
    if places is None or places < 1:
        problems.add("The number of places must be 1 or more", field="places")
    elif places > MAX_OFFER_PLACES:
        problems.add(f"The number of places must be {MAX_OFFER_PLACES} or fewer", field="places")
    elif offer is not None and places < offer.places_taken:
        problems.add(f"{offer.places_taken} places are already booked, so there cannot be fewer than "
                     f"{offer.places_taken}", field="places")
    suits = problems.kept(lambda: _text(details.suits, "suits", "who it suits", 2000, required=True), "")
    problems.raise_any()
    return OfferDetails(kind=details.kind, title=title, description=description, starts_on=starts_on,
                        ends_on=ends_on, times=times, setting=details.setting, prison=prison, town=town,
                        region=region, places=places, suits=suits)


def _ensure_may_offer(organisation: Organisation | None, actor: User) -> Organisation:
    if organisation is None or actor.organisation_id != organisation.id or actor.role not in EMPLOYING_ROLES:
        raise Refused("Only employers and social enterprises can offer sessions")
    try:
        levels.check_may_post(organisation, "session")
    except Refused as refusal:
        raise Refused(refusal.message) from None  # about the organisation, not the form's "kind" question
    return organisation


def create_offer(organisation: Organisation, details: OfferDetails, actor: User) -> Offer:
    """Publish an offer of staff time or materials (level 1 and above)."""
    _ensure_may_offer(organisation, actor)
    cleaned = check_offer(details)
    offer = Offer(organisation_id=organisation.id, created_by_id=actor.id, places_taken=0,
                  created_at=clock.now(), updated_at=clock.now())
    for item in fields(OfferDetails):
        setattr(offer, item.name, getattr(cleaned, item.name))
    db.session.add(offer)
    db.session.flush()
    record_audit("alliance.offer_created", offer, actor=actor)
    return offer


def _booking_managers(offer: Offer) -> list[User]:
    managers = {}
    for booking in offer.live_bookings:
        if booking.booked_by is not None and booking.booked_by.status == UserStatus.ACTIVE:
            managers[booking.booked_by.id] = booking.booked_by
    return list(managers.values())


def update_offer(offer_id: int, details: OfferDetails, actor: User) -> Offer:
    """Change an offer. Case managers with bookings on it are told when its date, time or place changes."""
    offer = lock_for_update(Offer, offer_id)
    if offer is None or not offer.can_manage(actor):
        raise Refused("This offer is not your organisation's")
    _ensure_may_offer(offer.organisation, actor)
    if offer.is_cancelled:
        raise Refused("This offer has been cancelled, so it cannot be changed")
    if offer.is_past():
        raise Refused("This offer has already happened, so it cannot be changed")
    cleaned = check_offer(details, offer)
    before = (offer.starts_on, offer.ends_on, offer.times, offer.place_text)
    for item in fields(OfferDetails):
        setattr(offer, item.name, getattr(cleaned, item.name))
    offer.updated_at = clock.now()
    record_audit("alliance.offer_updated", offer, actor=actor)
    if before != (offer.starts_on, offer.ends_on, offer.times, offer.place_text):
        for manager in _booking_managers(offer):
            notify(manager, f"{offer.organisation.name} changed the date, time or place of \"{offer.title}\": now "
                   f"{offer.dates_text}{', ' + offer.times if offer.times else ''}, {offer.place_text}.",
                   path_for("alliance.offer", offer_id=offer.id),
                   email_subject=f"A session you booked has changed: {offer.title}")
    return offer


def cancel_offer(offer_id: int, actor: User, reason: str) -> Offer:
    """Cancel an offer; case managers with bookings are told why, in the service and by email."""
    reason = (reason or "").strip()
    if not reason:
        raise Refused("Enter why the session is cancelled: case managers with bookings are sent it", field="reason")
    if len(reason) > 1000:
        raise Refused("The reason must be 1,000 characters or fewer", field="reason")
    offer = lock_for_update(Offer, offer_id)
    if offer is None or not offer.can_manage(actor):
        raise Refused("This offer is not your organisation's")
    if offer.is_cancelled:
        raise Refused("This offer has already been cancelled")
    if offer.is_past():
        raise Refused("This offer has already happened")
    offer.cancelled_at = clock.now()
    offer.cancelled_reason = reason
    offer.updated_at = clock.now()
    record_audit("alliance.offer_cancelled", offer, actor=actor, detail=reason)
    for manager in _booking_managers(offer):
        notify(manager, f"{offer.organisation.name} has cancelled \"{offer.title}\" on {offer.dates_text}: {reason}",
               path_for("alliance.offer", offer_id=offer.id),
               email_subject=f"A session you booked has been cancelled: {offer.title}")
    return offer


def default_display_name(participant: Participant) -> str:
    """What an employer sees unless the case manager chooses otherwise: first name and last initial."""
    initial = (participant.last_name or "").strip()[:1].upper()
    return f"{participant.first_name.strip()} {initial}." if initial else participant.first_name.strip()


def bookable_participants(case_manager: User) -> list[Participant]:
    """The people a case manager may book a place for: open cases on their organisation's caseload who
    agree to share details with employers."""
    people = db.session.scalars(select(Participant).where(
        Participant.organisation_id == case_manager.organisation_id, Participant.status == "active")
        .order_by(Participant.last_name, Participant.first_name)).all()
    return [person for person in people if person.may_share_with_employers()]


def book_place(offer_id: int, participant_id: int | None, display_name: str, note: str, actor: User) -> Booking:
    """Book a place on an offer for someone on the case manager's organisation's caseload.

    The person must agree to share details with employers. The employer sees only `display_name`
    (by default first name and last initial) and `note`. The offer's row is locked while its places are
    counted, so concurrent bookings never take more places than there are."""
    if actor.role != Role.CASE_MANAGER or actor.organisation_id is None:
        raise Refused("Only case managers can book places")
    participant = db.session.get(Participant, participant_id) if participant_id else None
    if participant is None or participant.organisation_id != actor.organisation_id:
        raise Refused("Select someone on your organisation's caseload", field="participant_id")
    if participant.is_closed:
        raise Refused(f"{participant.full_name}'s case is closed", field="participant_id")
    if not participant.may_share_with_employers():
        raise Refused(f"{participant.full_name} has not agreed to share details with employers. Record their "
                      "consent before booking", field="participant_id")
    display_name = (display_name or "").strip() or default_display_name(participant)
    if len(display_name) > 60:
        raise Refused("The name the employer sees must be 60 characters or fewer", field="display_name")
    note = _text(note, "note", "the note", 500)
    offer = lock_for_update(Offer, offer_id)
    if offer is None:
        raise Refused("This session no longer exists")
    if offer.is_cancelled:
        raise Refused("This session has been cancelled")
    if offer.is_past():
        raise Refused("This session has already happened")
    already = db.session.scalar(select(Booking.id).where(
        Booking.offer_id == offer.id, Booking.participant_id == participant.id, Booking.cancelled_at.is_(None)))
    if already is not None:
        raise Refused(f"{participant.full_name} already has a place on this session", field="participant_id")
    if offer.places_taken >= offer.places:
        raise Refused("There are no places left on this session")
    booking = Booking(offer=offer, participant_id=participant.id, organisation_id=actor.organisation_id,
                      booked_by_id=actor.id, display_name=display_name, note=note, created_at=clock.now())
    db.session.add(booking)
    offer.places_taken += 1
    db.session.flush()
    record_audit("alliance.place_booked", booking, actor=actor, detail=f"offer {offer.id}")
    if offer.created_by is not None and offer.created_by.status == UserStatus.ACTIVE:
        notify(offer.created_by, f"A place was booked on \"{offer.title}\" ({offer.dates_text}): {display_name}. "
               f"{offer.places_left} left.", path_for("alliance.offer", offer_id=offer.id))
    return booking


def cancel_booking(booking_id: int, actor: User) -> Booking:
    """Cancel a booking and free its place. Case managers of the booking organisation only."""
    booking = db.session.get(Booking, booking_id)
    if booking is None or not booking.can_view(actor) or actor.role != Role.CASE_MANAGER:
        raise Refused("This booking is not your organisation's")
    offer = lock_for_update(Offer, booking.offer_id)
    db.session.refresh(booking)
    if booking.cancelled_at is not None:
        raise Refused("This booking has already been cancelled")
    if offer.is_past():
        raise Refused("This session has already happened, so the booking cannot be cancelled")
    booking.cancelled_at = clock.now()
    booking.cancelled_by_id = actor.id
    offer.places_taken = max(offer.places_taken - 1, 0)
    record_audit("alliance.booking_cancelled", booking, actor=actor, detail=f"offer {offer.id}")
    if offer.created_by is not None and offer.created_by.status == UserStatus.ACTIVE and not offer.is_cancelled:
        notify(offer.created_by, f"A booking on \"{offer.title}\" ({offer.dates_text}) was cancelled: "
               f"{booking.display_name}. {offer.places_left} places left.",
               path_for("alliance.offer", offer_id=offer.id))
    return booking


def _erase_bookings(participant: Participant) -> None:
    """When a participant's record is erased, their bookings go too, and live ones give their place back."""
    for booking in db.session.scalars(select(Booking).where(Booking.participant_id == participant.id)).all():
        if booking.cancelled_at is None:
            offer = lock_for_update(Offer, booking.offer_id)
            offer.places_taken = max(offer.places_taken - 1, 0)
        db.session.delete(booking)


ERASURE_HOOKS.append(_erase_bookings)


# Features that act on attendance register here (Community Payback credits ETE hours for sessions it
# has marked as ETE): each is called with the booking and the actor, under the offer's lock, in the same
# transaction as the attendance it follows.
ATTENDANCE_HOOKS: list[Callable[[Booking, User], object]] = []


def record_attendance(offer_id: int, outcomes: dict[int, bool | None], actor: User) -> int:
    """Record who came (True), who did not (False); None leaves a booking unrecorded. Once the session
    has started, by the offering organisation. Returns how many were recorded."""
    offer = lock_for_update(Offer, offer_id)
    if offer is None or not offer.can_manage(actor):
        raise Refused("This offer is not your organisation's")
    if offer.is_cancelled:
        raise Refused("This session was cancelled")
    if not offer.has_started():
        raise Refused("You can record attendance once the session has started")
    live = {booking.id: booking for booking in offer.live_bookings}
    if any(booking_id not in live for booking_id in outcomes):
        raise Refused("Record attendance only for the people booked on this session")
    recorded = 0
    for booking_id, attended in outcomes.items():
        if attended is None:
            continue
        booking = live[booking_id]
        booking.attended = attended
        booking.attendance_recorded_at = clock.now()
        booking.attendance_recorded_by_id = actor.id
        recorded += 1
        for hook in ATTENDANCE_HOOKS:
            hook(booking, actor)
    if not recorded:
        raise Refused("Select attended or did not attend for at least one person")
    record_audit("alliance.attendance_recorded", offer, actor=actor, detail=f"{recorded} recorded")
    return recorded


# The public directory --------------------------------------------------------------------------------------

# Features that post opportunities register here how many each organisation has open, so the directory
# can say how much a member offers: each takes organisation ids and returns {organisation id: count}.
OPEN_POSTING_COUNTERS: list[Callable[[list[int]], dict[int, int]]] = []


def _open_offer_counts(organisation_ids: list[int]) -> dict[int, int]:
    if not organisation_ids:
        return {}
    rows = db.session.execute(select(Offer.organisation_id, func.count()).where(
        Offer.organisation_id.in_(organisation_ids), Offer.cancelled_at.is_(None), Offer.ends_on >= clock.today(),
        Offer.places_taken < Offer.places).group_by(Offer.organisation_id)).all()
    return dict(rows)


OPEN_POSTING_COUNTERS.append(_open_offer_counts)


def open_posting_counts(organisation_ids: list[int]) -> dict[int, int]:
    totals: dict[int, int] = dict.fromkeys(organisation_ids, 0)
    for counter in OPEN_POSTING_COUNTERS:
        for organisation_id, count in counter(organisation_ids).items():
            totals[organisation_id] = totals.get(organisation_id, 0) + count
    return totals


@dataclass
class DirectoryEntry:
    organisation: Organisation
    membership: AllianceMembership
    profile: MemberProfile | None
    open_count: int = 0


def directory(level: int | None = None, sector: str | None = None, region: str | None = None,
              kind: str | None = None) -> list[DirectoryEntry]:
    """Alliance members in force, highest level first then by name, filtered by level, sector, region
    served and kind. Filtering by sector and region happens here rather than in SQL: they are JSON lists,
    and the directory holds at most a few hundred members."""
    query = (select(AllianceMembership, Organisation, MemberProfile)
             .join(Organisation, Organisation.id == AllianceMembership.organisation_id)
             .outerjoin(MemberProfile, MemberProfile.organisation_id == Organisation.id)
             .where(AllianceMembership.status == MembershipStatus.APPROVED,
                    AllianceMembership.expires_on > clock.today(),
                    Organisation.status == OrganisationStatus.APPROVED)
             .order_by(AllianceMembership.level.desc(), Organisation.name))
    if level:
        query = query.where(AllianceMembership.level == level)
    if kind:
        query = query.where(Organisation.kind == kind)
    entries = []
    for membership, organisation, profile in db.session.execute(query).all():
        if sector and (profile is None or sector not in (profile.sectors or [])):
            continue
        if region and (profile is None or region not in (profile.regions or [])) and organisation.region != region:
            continue
        entries.append(DirectoryEntry(organisation, membership, profile))
    counts = open_posting_counts([entry.organisation.id for entry in entries])
    for entry in entries:
        entry.open_count = counts.get(entry.organisation.id, 0)
    return entries
