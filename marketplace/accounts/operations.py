"""Every write about accounts and organisations. Views, the admin screens and the CLI call these."""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import func, select, update

from marketplace.accounts import registers, sessions
from marketplace.accounts.models import (
    Invitation,
    Organisation,
    OrganisationStatus,
    PasswordResetToken,
    User,
    UserStatus,
)
from marketplace.accounts.passwords import hash_password, password_problem, spend_equal_time, verify_password
from marketplace.accounts.workflow import transition
from marketplace.core import clock, throttle
from marketplace.core.db import lock_for_update
from marketplace.core.exceptions import Problems, Refused
from marketplace.core.links import path_for
from marketplace.core.operations import notify, queue_email, record_audit
from marketplace.core.roles import ROLES_BY_KIND, OrganisationKind, ProviderType, Role
from marketplace.core.tokens import hash_token, new_token
from marketplace.extensions import db
from marketplace.reference import REGIONS

LOGIN_BUCKET = "login-failure"
ADDRESS_BUCKET = "login-failure-address"
RESET_BUCKET = "password-reset"
RESET_EMAILS_PER_HOUR = 3


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def check_password(password: str, user: User | None = None, *, email: str = "", full_name: str = "") -> None:
    """Raise Refused (field `password`) when the password breaks the policy."""
    problem = password_problem(
        password,
        min_length=current_app.config["PASSWORD_MIN_LENGTH"],
        user_inputs=(email or (user.email if user else ""), full_name or (user.full_name if user else ""),
                     "fair chance work"),
    )
    if problem:
        raise Refused(problem, field="password")


def _ensure_email_free(email: str) -> None:
    if find_user_by_email(email) is not None:
        raise Refused("An account with this email address already exists. Sign in, or reset your password",
                      field="email")


# Registration and approval -------------------------------------------------------------------------

@dataclass
class Registration:
    organisation_name: str
    kind: str
    provider_type: str | None
    region: str
    town: str
    website: str
    description: str
    full_name: str
    job_title: str
    email: str
    password: str
    register: str = ""
    register_number: str = ""
    how_to_check: str = ""
    safeguarding_lead_name: str = ""
    safeguarding_lead_email: str = ""


def check_registration(details: Registration) -> None:
    """Raise Refused with every problem of a registration at once (the form's own checks aside).

    Safe to run on what a form could not read (None for a box left empty): it writes nothing, and is
    what the registration form runs beside its field checks so every error shows together."""
    problems = Problems()
    kind = details.kind if details.kind in {k.value for k in OrganisationKind} else None
    if kind == OrganisationKind.PROVIDER:
        problems.check(details.provider_type in {p.value for p in ProviderType},
                       "Select whether you are a prison, probation or an employment programme", field="provider_type")
    problems.check(details.region in REGIONS, "Select the region your organisation works in", field="region")
    register = registers.info(details.register)
    if register is None:
        problems.add("Select the register your organisation is on, or say that it is on none", field="register")
    elif register.has_number:
        problem = registers.number_problem(register.register,
                                           registers.normalise(register.register, details.register_number))
        problems.check(problem is None, problem or "", field=register.field)
    elif register.register == registers.Register.NONE:
        how = (details.how_to_check or "").strip()
        problems.check(bool(how), "Say how we can check your organisation", field="how_to_check")
        problems.check(len(how) <= 1000, "How we can check your organisation must be 1,000 characters or fewer",
                       field="how_to_check")
    if kind is not None and registers.needs_safeguarding_lead(kind):
        name = (details.safeguarding_lead_name or "").strip()
        email = (details.safeguarding_lead_email or "").strip()
        if problems.check(bool(name), "Enter the name of your safeguarding lead", field="safeguarding_lead_name"):
            problems.check(len(name) <= 200, "The safeguarding lead's name must be 200 characters or fewer",
                           field="safeguarding_lead_name")
        if problems.check(bool(email), "Enter your safeguarding lead's email address",
                          field="safeguarding_lead_email"):
            problems.check(len(email) <= 254 and EMAIL.match(email) is not None,
                           "Enter the safeguarding lead's email address in the correct format, like "
                           "name@example.org", field="safeguarding_lead_email")
    if details.password:
        problems.kept(lambda: check_password(details.password, email=normalise_email(details.email or ""),
                                             full_name=details.full_name or ""))
    problems.raise_any()


# A working shape, not RFC 5322: something@something.something with no spaces (the form's own email
# boxes use WTForms' Email validator; this one is checked only when the box is needed).
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def register_organisation(details: Registration) -> User | None:
    """Create a pending organisation and its first user (its administrator); admins are told.

    An email address that already has an account is not revealed: nothing is created, the caller
    shows the same "registration received" page, and the address's owner is emailed instead
    (returns None)."""
    check_registration(details)
    kind = OrganisationKind(details.kind)
    email = normalise_email(details.email)
    existing = find_user_by_email(email)
    if existing is not None:
        # As long as hashing the password for a new account, so the time taken does not tell either.
        spend_equal_time(details.password)
        queue_email(existing.email, "Someone tried to register with your email address",
                    f"Dear {existing.full_name},\n\nSomeone tried to register an organisation with Fair Chance "
                    "Work using this email address, which already has an account. If it was you, sign in "
                    "instead, or reset your password if you have forgotten it. If it was not you, you need do "
                    "nothing: no account was created.")
        record_audit("registration.email_in_use", existing, actor=None)
        return None
    register = registers.Register(details.register)
    lead_needed = registers.needs_safeguarding_lead(kind)
    organisation = Organisation(
        name=details.organisation_name.strip(),
        kind=kind.value,
        provider_type=details.provider_type if kind == OrganisationKind.PROVIDER else None,
        region=details.region,
        town=details.town.strip(),
        website=details.website.strip(),
        description=details.description.strip(),
        register=register.value,
        register_number=registers.normalise(register, details.register_number)
        if registers.REGISTERS[register].has_number else "",
        how_to_check=details.how_to_check.strip() if register == registers.Register.NONE else "",
        safeguarding_lead_name=details.safeguarding_lead_name.strip() if lead_needed else "",
        safeguarding_lead_email=details.safeguarding_lead_email.strip().lower() if lead_needed else "",
        status=OrganisationStatus.PENDING,
        created_at=clock.now(),
    )
    user = User(
        email=email,
        full_name=details.full_name.strip(),
        job_title=details.job_title.strip(),
        password_hash=hash_password(details.password),
        role=ROLES_BY_KIND[kind][0].value,
        organisation=organisation,
        is_org_admin=True,
        status=UserStatus.PENDING,
        created_at=clock.now(),
        password_changed_at=clock.now(),
    )
    db.session.add_all([organisation, user])
    db.session.flush()
    record_audit("organisation.registered", organisation, actor=user)
    queue_email(
        user.email,
        "We have received your registration",
        f"Dear {user.full_name},\n\nThank you for registering {organisation.name} with Fair Chance Work. "
        "An administrator will check the registration, usually within two working days, and we will "
        "email you when it has been decided.",
    )
    for admin in _active_admins():
        notify(admin, f"New registration to review: {organisation.name} ({organisation.kind_label})",
               path_for("admin.registration", organisation_id=organisation.id))
    return user


def _active_admins() -> list[User]:
    return list(db.session.scalars(select(User).where(User.role == Role.ADMIN, User.status == UserStatus.ACTIVE)))


@dataclass
class ApprovalChecks:
    """What the administrator confirmed before approving: the register entry (or however else the
    organisation is checked), the safeguarding lead where one is needed, and a note of what they did."""

    register_checked: bool = False
    safeguarding_checked: bool = False
    note: str = ""


def approval_checks_needed(organisation: Organisation) -> dict[str, str]:
    """The things to confirm before approving this organisation, by form field: the sentence shown (and
    stored when confirmed)."""
    needed = {"register_checked": registers.register_check_label(organisation)}
    if organisation.needs_safeguarding_lead:
        needed["safeguarding_checked"] = registers.safeguarding_check_label(organisation) \
            if organisation.safeguarding_lead_name else \
            f"I found and confirmed who {organisation.name}'s safeguarding lead is (it registered without naming one)"
    return needed


def note_needed(organisation: Organisation) -> bool:
    """Without a register number there is nothing set to look up: the note must say what was checked."""
    info = organisation.register_info
    return info is None or not info.has_number


def approve_organisation(organisation_id: int, actor: User, checks: ApprovalChecks) -> Organisation:
    """Approve a pending registration once the administrator has confirmed every check (all problems at
    once otherwise): what they confirmed is stored with the approval, its users become active and are
    told in the service and by email."""
    organisation = lock_for_update(Organisation, organisation_id)
    needed = approval_checks_needed(organisation)
    note = (checks.note or "").strip()
    if organisation.status == OrganisationStatus.PENDING:  # otherwise the workflow says why not
        problems = Problems()
        problems.check(checks.register_checked, _confirm_message(organisation), field="register_checked")
        if "safeguarding_checked" in needed:
            problems.check(checks.safeguarding_checked, "Confirm that you have checked who the safeguarding lead is",
                           field="safeguarding_checked")
        if note_needed(organisation):
            problems.check(bool(note), "Say what you checked: this organisation has no register number to look up",
                           field="note")
        problems.check(len(note) <= 1000, "The note must be 1,000 characters or fewer", field="note")
        problems.raise_any()
    confirmed = [needed["register_checked"]]
    if "safeguarding_checked" in needed:
        confirmed.append(needed["safeguarding_checked"])
    transition(organisation, "approve", actor, checks=confirmed, note=note)
    for user in organisation.users:
        if user.status == UserStatus.PENDING:
            user.status = UserStatus.ACTIVE
            notify(
                user,
                f"{organisation.name} has been approved. Welcome to Fair Chance Work.",
                path_for("core.home"),
                email_subject="Your registration has been approved",
                email_body=f"Dear {user.full_name},\n\n{organisation.name} has been approved. "
                "You can now sign in.",
            )
    checked = ["register"] + (["safeguarding lead"] if "safeguarding_checked" in needed else [])
    record_audit("organisation.approved", organisation, actor=actor,
                 detail=f"checked {organisation.register or 'no register'} {organisation.register_number}".strip()
                 + "; " + ", ".join(checked) + (f"; note: {note}" if note else ""))
    return organisation


def _confirm_message(organisation: Organisation) -> str:
    info = organisation.register_info
    if info is not None and info.has_number:
        return f"Confirm that you have checked {organisation.register_number} on the register"
    if organisation.register == registers.Register.PUBLIC_BODY:
        return "Confirm that you have checked this is a public body and the email address is its own"
    return "Confirm that you have checked who this organisation is"


def reject_organisation(organisation_id: int, actor: User, reason: str) -> Organisation:
    """Reject a pending registration with a reason the applicant is sent."""
    reason = reason.strip()
    if not reason:
        raise Refused("Enter the reason for not approving this registration", field="reason")
    organisation = lock_for_update(Organisation, organisation_id)
    transition(organisation, "reject", actor, reason)
    for user in organisation.users:
        if user.status == UserStatus.PENDING:
            user.status = UserStatus.REJECTED
            notify(
                user,
                f"The registration of {organisation.name} was not approved: {reason}",
                None,
                email_subject="Your registration was not approved",
                email_body=f"Dear {user.full_name},\n\nThe registration of {organisation.name} was not "
                f"approved, for this reason:\n\n{reason}\n\nIf you think this is wrong, reply to this email.",
            )
    record_audit("organisation.rejected", organisation, actor=actor, detail=reason)
    return organisation


# Signing in and out ---------------------------------------------------------------------------------

def _login_limits() -> tuple[int, object]:
    config = current_app.config
    return config["LOGIN_FAILURE_LIMIT"], config["LOGIN_FAILURE_WINDOW"]


def sign_in(email: str, password: str, address: str | None = None) -> User:
    """Check the credentials and start a session, or raise Refused with what to tell the user
    (throttle.Limited when a limit is reached).

    Every attempt on an account is counted before its password is checked, in one atomic step
    across every worker (throttle.attempt), so however many arrive at once at most the limit are
    ever checked; the right password clears the count. Once the limit is reached even the right
    password is refused until the window has passed or the owner resets their password. Failures
    from one network address are limited too, across accounts. The account's state is revealed only
    to someone who knows its password.
    """
    email = normalise_email(email)
    limit, window = _login_limits()
    minutes = int(window.total_seconds() // 60)
    address_limit = current_app.config["LOGIN_ADDRESS_FAILURE_LIMIT"]
    if address and throttle.is_blocked(ADDRESS_BUCKET, address, address_limit, window):
        record_audit("login.blocked", subject_type="email", subject_id=None, detail="too many failures from address")
        raise throttle.Limited(f"There have been too many failed sign-ins from your network. Wait {minutes} "
                               "minutes, then try again.")
    if not throttle.attempt(LOGIN_BUCKET, email, limit, window):
        record_audit("login.blocked", subject_type="email", subject_id=None, detail="too many failures")
        raise throttle.Limited(f"You have entered the wrong password too many times. Wait {minutes} minutes, "
                               "then try again, or reset your password.")
    user = find_user_by_email(email)
    if user is None:
        spend_equal_time(password)
    if user is None or not verify_password(user.password_hash, password):
        if address:
            throttle.attempt(ADDRESS_BUCKET, address, address_limit, window)
        record_audit("login.failed", user, subject_type="users", actor=user if user else None,
                     detail="" if user else "unknown email")
        raise Refused("Enter a correct email address and password", field="email")
    throttle.clear(LOGIN_BUCKET, email, limit, window)
    if user.status == UserStatus.PENDING:
        raise Refused("Your organisation's registration is waiting for approval. We will email you when "
                      "it has been approved.")
    if user.status == UserStatus.REJECTED:
        reason = user.organisation.decision_reason if user.organisation else ""
        raise Refused(f"Your organisation's registration was not approved: {reason}")
    if user.status == UserStatus.DISABLED:
        raise Refused("This account has been disabled. Contact your organisation's administrator "
                      "or the service team.")
    user.last_login_at = clock.now()
    sessions.begin(user)
    record_audit("login.succeeded", user, actor=user)
    return user


def sign_out(user: User) -> None:
    record_audit("logout", user, actor=user)
    sessions.end_current("logout")


# Passwords -------------------------------------------------------------------------------------------

def change_password(user: User, current_password: str, new_password: str) -> None:
    """Change the password, end every session of the user (all copies of every cookie), and start a
    fresh one for this browser."""
    if not verify_password(user.password_hash, current_password):
        raise Refused("Your current password is not correct", field="current_password")
    check_password(new_password, user)
    user.password_hash = hash_password(new_password)
    user.password_changed_at = clock.now()
    _end_reset_links(user)
    sessions.end_all(user, "password changed")
    sessions.begin(user)
    record_audit("password.changed", user, actor=user)
    notify(user, "Your password was changed.", None, email_subject="Your password was changed",
           email_body="Your Fair Chance Work password was changed. If this was not you, reset your "
           "password now and tell your organisation's administrator.")


def request_password_reset(email: str) -> None:
    """Email a one-time reset link if an active account has this address. The caller shows the
    same message either way, so the form does not reveal who has an account."""
    email = normalise_email(email)
    user = find_user_by_email(email)
    if user is None or user.status != UserStatus.ACTIVE:
        return
    window = current_app.config["RESET_TOKEN_LIFETIME"]
    if not throttle.attempt(RESET_BUCKET, email, RESET_EMAILS_PER_HOUR, window):
        return
    _end_reset_links(user)  # only the newest link works
    token, token_hash = new_token()
    db.session.add(PasswordResetToken(user_id=user.id, token_hash=token_hash, created_at=clock.now(),
                                      expires_at=clock.now() + window))
    link = current_app.config["PUBLIC_URL"] + path_for("accounts.reset_password", token=token)
    minutes = int(window.total_seconds() // 60)
    queue_email(user.email, "Reset your password",
                f"Dear {user.full_name},\n\nUse this link to choose a new password. It works once, for "
                f"{minutes} minutes:\n\n{link}\n\nIf you did not ask for this, ignore this email.")
    record_audit("password.reset_requested", user, actor=user)


def _end_reset_links(user: User) -> None:
    """Spend every unused reset link of the user: after a new link or a new password, none of the
    older links may work."""
    db.session.execute(update(PasswordResetToken)
                       .where(PasswordResetToken.user_id == user.id, PasswordResetToken.used_at.is_(None))
                       .values(used_at=clock.now()))


def find_reset_token(token: str) -> PasswordResetToken | None:
    record = db.session.scalar(select(PasswordResetToken).where(PasswordResetToken.token_hash == hash_token(token)))
    if record is None or record.used_at is not None or record.expires_at <= clock.now():
        return None
    if record.user.status != UserStatus.ACTIVE:
        return None
    # A link asked for before the password last changed (by any route) belongs to the old password.
    if record.user.password_changed_at and record.created_at < record.user.password_changed_at:
        return None
    return record


def reset_password(token: str, new_password: str) -> User:
    record = find_reset_token(token)
    if record is None:
        raise Refused("This link has expired or has already been used. Ask for a new one.")
    user = record.user
    check_password(new_password, user)
    # Spend the link in one conditional write, so two submissions at once cannot both use it.
    spent = db.session.execute(update(PasswordResetToken)
                               .where(PasswordResetToken.id == record.id, PasswordResetToken.used_at.is_(None))
                               .values(used_at=clock.now())).rowcount
    if spent != 1:
        raise Refused("This link has expired or has already been used. Ask for a new one.")
    user.password_hash = hash_password(new_password)
    user.password_changed_at = clock.now()
    _end_reset_links(user)
    sessions.end_all(user, "password reset")
    throttle.clear(LOGIN_BUCKET, user.email, *_login_limits())
    record_audit("password.reset", user, actor=user)
    return user


# Invitations ----------------------------------------------------------------------------------------

def invite_colleague(inviter: User, email: str, role: str, make_org_admin: bool) -> Invitation:
    """Email a one-time link that lets a colleague join the inviter's approved organisation."""
    organisation = inviter.organisation
    if organisation is None or not inviter.is_org_admin:
        raise Refused("Only your organisation's administrators can invite colleagues")
    if not organisation.is_approved:
        raise Refused("Your organisation must be approved before you can invite colleagues")
    allowed_roles = {r.value for r in ROLES_BY_KIND[organisation.kind_enum]}
    if role not in allowed_roles:
        raise Refused("Select a role that your organisation's users can have", field="role")
    email = normalise_email(email)
    _ensure_email_free(email)
    # Only the newest invitation to an address works: the older links end now.
    db.session.execute(update(Invitation)
                       .where(Invitation.organisation_id == organisation.id, Invitation.email == email,
                              Invitation.accepted_at.is_(None), Invitation.revoked_at.is_(None))
                       .values(revoked_at=clock.now()))
    token, token_hash = new_token()
    lifetime = current_app.config["INVITATION_LIFETIME"]
    invitation = Invitation(
        organisation_id=organisation.id, email=email, role=role, make_org_admin=make_org_admin,
        token_hash=token_hash, invited_by_id=inviter.id, created_at=clock.now(),
        expires_at=clock.now() + lifetime,
    )
    db.session.add(invitation)
    db.session.flush()
    link = current_app.config["PUBLIC_URL"] + path_for("accounts.accept_invitation", token=token)
    queue_email(email, f"{inviter.full_name} has invited you to join {organisation.name}",
                f"{inviter.full_name} has invited you to join {organisation.name} on Fair Chance Work as "
                f"{Role(role).label.lower()}.\n\nUse this link to set up your account. It works once and "
                f"expires in {lifetime.days} days:\n\n{link}")
    record_audit("invitation.sent", invitation, actor=inviter)
    return invitation


def find_invitation(token: str) -> Invitation | None:
    invitation = db.session.scalar(select(Invitation).where(Invitation.token_hash == hash_token(token)))
    if invitation is None or not invitation.is_open:
        return None
    return invitation


def accept_invitation(token: str, full_name: str, job_title: str, password: str) -> User:
    invitation = find_invitation(token)
    if invitation is None:
        raise Refused("This invitation has expired or has already been used. Ask your colleague to send a new one.")
    _ensure_email_free(invitation.email)
    check_password(password, email=invitation.email, full_name=full_name)
    spent = db.session.execute(update(Invitation)
                               .where(Invitation.id == invitation.id, Invitation.accepted_at.is_(None),
                                      Invitation.revoked_at.is_(None))
                               .values(accepted_at=clock.now())).rowcount
    if spent != 1:
        raise Refused("This invitation has expired or has already been used. Ask your colleague to send a new one.")
    user = User(
        email=invitation.email, full_name=full_name.strip(), job_title=job_title.strip(),
        password_hash=hash_password(password), role=invitation.role,
        organisation_id=invitation.organisation_id, is_org_admin=invitation.make_org_admin,
        status=UserStatus.ACTIVE, created_at=clock.now(), password_changed_at=clock.now(),
    )
    db.session.add(user)
    db.session.flush()
    record_audit("invitation.accepted", invitation, actor=user)
    sessions.begin(user)
    record_audit("login.succeeded", user, actor=user)
    if invitation.invited_by is not None:
        notify(invitation.invited_by, f"{user.full_name} has joined {invitation.organisation.name}.",
               path_for("accounts.organisation"))
    return user


def revoke_invitation(invitation: Invitation, actor: User) -> None:
    if not invitation.is_open:
        raise Refused("This invitation has already been used, revoked or has expired")
    invitation.revoked_at = clock.now()
    record_audit("invitation.revoked", invitation, actor=actor)


# Administration of accounts ------------------------------------------------------------------------------

def disable_user(user_id: int, actor: User, reason: str) -> User:
    """Disable an account; every open session of it stops working at once."""
    reason = reason.strip()
    if not reason:
        raise Refused("Enter the reason for disabling this account", field="reason")
    user = lock_for_update(User, user_id)
    if user.id == actor.id:
        raise Refused("You cannot disable your own account")
    if user.status != UserStatus.ACTIVE:
        raise Refused("Only an active account can be disabled")
    user.status = UserStatus.DISABLED
    user.disabled_at = clock.now()
    user.disabled_reason = reason
    sessions.end_all(user, "account disabled")
    record_audit("user.disabled", user, actor=actor, detail=reason)
    for hook in DISABLE_HOOKS:
        hook(user, actor)
    return user


# Other features register here what follows from an account disabled, in the same transaction
# (Gatemate puts a disabled mentor's requests back on the board).
DISABLE_HOOKS: list = []


def enable_user(user_id: int, actor: User) -> User:
    user = lock_for_update(User, user_id)
    if user.status != UserStatus.DISABLED:
        raise Refused("Only a disabled account can be enabled")
    user.status = UserStatus.ACTIVE
    user.disabled_at = None
    user.disabled_reason = ""
    record_audit("user.enabled", user, actor=actor)
    return user


def create_admin(email: str, full_name: str, password: str) -> User:
    """Create a service administrator (from the CLI, for the first admin of a deployment)."""
    email = normalise_email(email)
    _ensure_email_free(email)
    check_password(password, email=email, full_name=full_name)
    user = User(email=email, full_name=full_name.strip(), password_hash=hash_password(password),
                role=Role.ADMIN.value, status=UserStatus.ACTIVE, created_at=clock.now(),
                password_changed_at=clock.now())
    db.session.add(user)
    db.session.flush()
    record_audit("user.created_admin", user, actor=None)
    return user


def count_pending_registrations() -> int:
    return db.session.scalar(
        select(func.count()).select_from(Organisation).where(Organisation.status == OrganisationStatus.PENDING)
    ) or 0
