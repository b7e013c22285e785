"""Every write of the Virtual Campus: access slips, a person's sign-in, their CV and their messages.

Access codes are stored only as a SHA-256 hash, work once, for 14 days, and are never logged. A
person signs in with their participant number, date of birth and the passphrase they chose; failures
are counted per participant number in their own throttle bucket, apart from staff sign-in.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, timedelta

from flask import current_app
from sqlalchemy import func, select

from marketplace.accounts import sessions
from marketplace.accounts.models import User, UserStatus
from marketplace.accounts.operations import check_password
from marketplace.accounts.passwords import hash_password, spend_equal_time, verify_password
from marketplace.campus import switch
from marketplace.campus.models import (
    AUTO_ACCEPT_END_REASONS,
    AUTOMATIC_END_REASONS,
    END_REASONS,
    MESSAGE_SETTINGS,
    RETURN_REASONS,
    SIGN_IN_METHODS,
    CampusAccess,
    CampusAutoAccept,
    CampusCV,
    CampusInterest,
    CampusMessage,
    MessageStatus,
)
from marketplace.campus.workflow import MESSAGES, open_auto_accept
from marketplace.core import clock, throttle
from marketplace.core.db import lock_for_update
from marketplace.core.exceptions import Problems, Refused
from marketplace.core.filters import govuk_date, govuk_time
from marketplace.core.links import path_for
from marketplace.core.operations import notify, record_audit
from marketplace.core.roles import OrganisationKind, Role
from marketplace.core.tokens import hash_token
from marketplace.extensions import db
from marketplace.participants.export import EXPORT_SECTIONS
from marketplace.participants.models import Participant
from marketplace.participants.operations import CLOSURE_HOOKS, ERASURE_HOOKS

SIGN_IN_BUCKET = "campus-sign-in"
START_BUCKET = "campus-start"
# Letters and digits nobody confuses when copying from paper: no 0/O, 1/I/L, 5/S, 2/Z, 8/B.
CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
CODE_LENGTH = 12
PERSON_EMAIL_DOMAIN = "campus.invalid"  # RFC 2606: can never receive mail
WRONG_DETAILS = "Enter the participant number, date of birth and passphrase exactly as you set them"
WRONG_START = "Check the code on your slip, your participant number and your date of birth"
KIOSK_SLIP = "Your slip is for a prison kiosk: set a PIN on the kiosk's start page instead"
NOT_KIOSK_SLIP = "Your slip is for a passphrase, not a kiosk PIN: set a passphrase on the start page instead"
PIN_BUCKET = "campus-pin"
WRONG_PIN = "Enter your participant number and the PIN you set exactly"
PIN_LENGTH = 6


def _refuse_unless_manager(participant: Participant, actor) -> None:
    if not (actor.is_authenticated and actor.role == Role.CASE_MANAGER
            and actor.organisation_id == participant.organisation_id):
        raise Refused("Only a case manager of this person's organisation can manage their access.")


def normalise_code(code: str) -> str:
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())


def format_code(code: str) -> str:
    """The code as printed: groups of four, easy to read aloud and copy."""
    return "-".join(code[i:i + 4] for i in range(0, len(code), 4))


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def accesses_of(participant: Participant) -> list[CampusAccess]:
    return list(db.session.scalars(select(CampusAccess).where(CampusAccess.participant_id == participant.id)
                                   .order_by(CampusAccess.created_at.desc(), CampusAccess.id.desc())))


def current_access(participant: Participant) -> CampusAccess | None:
    """The newest grant that has not ended (slip waiting to be used, or in use)."""
    for access in accesses_of(participant):
        if access.ended_at is None:
            return access
    return None


def live_access_for(user) -> CampusAccess | None:
    """The access a signed-in person is using now, or None if it has ended (case closed, access ended)."""
    if user is None or not user.is_authenticated or user.role != Role.PERSON:
        return None
    access = db.session.scalar(select(CampusAccess).where(CampusAccess.user_id == user.id,
                                                          CampusAccess.ended_at.is_(None))
                               .order_by(CampusAccess.id.desc()))
    return access if access is not None and access.is_live else None


def _person_user_of(participant: Participant) -> User | None:
    """The person's own account from an earlier grant: a new slip lets them set a new passphrase on it."""
    return db.session.scalar(select(User).join(CampusAccess, CampusAccess.user_id == User.id)
                             .where(CampusAccess.participant_id == participant.id)
                             .order_by(CampusAccess.id.desc()))


ANY_SLIP = object()  # callers that print a slip whatever the page showed (the demo, the command line)


def grant_access_rules(participant: Participant, consent_confirmed: bool,
                       sign_in_method: str = "passphrase", seen_slip=ANY_SLIP) -> None:
    """`seen_slip` is the id of the slip the case manager's page showed (None: no slip). A slip page
    reloaded, or a button pressed twice, posts again: printing another slip then would silently stop
    the code already handed over from working, so it is refused, saying the first still works."""
    problems = Problems()
    current = current_access(participant)
    if seen_slip is not ANY_SLIP and current is not None and current.id != seen_slip:
        problems.add(f"A slip was printed at {govuk_time(current.created_at)} on {govuk_date(current.created_at)}"
                     f"{' by ' + current.created_by.full_name if current.created_by else ''} and its code still "
                     "works. If that slip is lost or did not print, print a new one: its code will then stop "
                     "working.")
    problems.check(sign_in_method in SIGN_IN_METHODS, "Select how they will sign in", "sign_in_method")
    problems.check(not participant.is_closed, "This case is closed, so the person cannot be given access.")
    problems.check(switch.is_on_for(participant), "Your organisation has switched the Virtual Campus off, so no "
                   "access slips can be printed. An administrator of your organisation can switch it back on.")
    problems.check(consent_confirmed, "Confirm that the person agrees to use the Virtual Campus", "consent")
    problems.raise_any()


def grant_access(participant: Participant, actor, *, consent_confirmed: bool,
                 sign_in_method: str = "passphrase", seen_slip=ANY_SLIP) -> tuple[CampusAccess, str]:
    """Print a new access slip: a one-time code for the person, valid for the configured days, with
    which they set a passphrase or, where a prison kiosk is their device, a PIN. Any earlier grant
    ends (its sessions too). Returns the access and the code, which is shown once."""
    _refuse_unless_manager(participant, actor)
    grant_access_rules(participant, consent_confirmed, sign_in_method, seen_slip)
    for earlier in accesses_of(participant):
        if earlier.ended_at is None:
            _end(earlier, actor, "replaced")
    earlier = accesses_of(participant)
    code = _new_code()
    now = clock.now()
    access = CampusAccess(participant=participant, code_hash=hash_token(code), sign_in_method=sign_in_method,
                          messages_stopped=earlier[0].messages_stopped if earlier else "",
                          code_expires_at=now + current_app.config["CAMPUS_CODE_LIFETIME"],
                          consent_confirmed_at=now, created_by_id=actor.id, created_at=now)
    db.session.add(access)
    db.session.flush()
    record_audit("campus.access_granted", participant, actor=actor, detail=sign_in_method)
    return access, code


def _end(access: CampusAccess, actor, reason: str) -> None:
    access.ended_at = clock.now()
    access.ended_reason = reason
    access.ended_by_id = getattr(actor, "id", None)
    if access.user is not None:
        sessions.end_all(access.user, "campus access ended")
    if reason != "replaced":  # a new slip carries on the same access; its auto-accepts carry on too
        end_auto_accepts(access.participant, actor,
                         "consent_withdrawn" if reason == "consent_withdrawn" else "access_ended")
    record_audit("campus.access_ended", access.participant, actor=actor, detail=reason)


def end_access(access: CampusAccess, actor, reason: str) -> None:
    """End the person's access now: the slip stops working and every session they have ends."""
    _refuse_unless_manager(access.participant, actor)
    if reason not in END_REASONS or reason in AUTOMATIC_END_REASONS:
        raise Refused("Select why access is ending", field="reason")
    if access.ended_at is not None:
        raise Refused("This access has already ended.")
    _end(access, actor, reason)


def set_messages(access: CampusAccess, actor, setting: str) -> None:
    """Turn the person's messages to employers on or off (MAPPA, a no-contact condition, other). It
    holds for every later slip too, until a case manager turns messages back on."""
    _refuse_unless_manager(access.participant, actor)
    if setting not in MESSAGE_SETTINGS:
        raise Refused("Select whether they can write to employers", field="setting")
    if access.ended_at is not None:
        raise Refused("This access has ended.")
    access.messages_stopped = "" if setting == "allowed" else setting
    if setting != "allowed":
        end_auto_accepts(access.participant, actor, "messages_stopped")
    record_audit("campus.messages_on" if setting == "allowed" else "campus.messages_off", access.participant,
                 actor=actor, detail=setting)


@dataclass
class FirstSignIn:
    code: str
    participant_number: str
    date_of_birth: date | None
    passphrase: str
    confirm: str


def _attempt(bucket: str, key: str) -> bool:
    """Count this try before the secret is checked, in one atomic step across every worker and host
    (throttle.attempt), so however many tries arrive at once at most the limit are ever checked.
    False: the limit is reached and nothing is checked. The right answer clears the count."""
    config = current_app.config
    return throttle.attempt(bucket, key, config["CAMPUS_SIGN_IN_FAILURE_LIMIT"],
                            config["CAMPUS_SIGN_IN_FAILURE_WINDOW"])


def _clear(bucket: str, key: str) -> None:
    config = current_app.config
    throttle.clear(bucket, key, config["CAMPUS_SIGN_IN_FAILURE_LIMIT"], config["CAMPUS_SIGN_IN_FAILURE_WINDOW"])


def _locked_out() -> throttle.Limited:
    minutes = int(current_app.config["CAMPUS_SIGN_IN_FAILURE_WINDOW"].total_seconds() // 60)
    return throttle.Limited(f"There have been too many tries. Wait {minutes} minutes, then try again, or ask "
                            "your case manager for help.")


def check_first_sign_in(details: FirstSignIn) -> None:
    """The rules that need no code lookup, so they show beside the form's own errors."""
    problems = Problems()
    if details.passphrase:
        # Length and common passphrases need no code lookup, so they show with a wrong date or a typo
        # in the second box (outside check: only one error at a time). Whether it holds the person's
        # own name is checked once the slip says who they are (set_up_account).
        try:
            check_password(details.passphrase)
        except Refused as refusal:
            problems.add(_as_passphrase(refusal.message), "passphrase")
    if details.passphrase and details.confirm is not None and details.passphrase != details.confirm:
        problems.add("The two passphrases are not the same", "confirm")
    problems.raise_any()


def _as_passphrase(message: str) -> str:
    """The staff password rules, in the words of the campus form, which asks for a passphrase."""
    return message.replace("Password", "Passphrase").replace("a password", "a passphrase")


def set_up_account(access: CampusAccess, passphrase: str) -> User:
    """Spend the slip: the person's account (new, or theirs from an earlier slip) gets `passphrase`
    and this access. Raises Refused (field `passphrase`) when the passphrase is too weak."""
    participant = access.participant
    user = _person_user_of(participant)
    try:
        check_password(passphrase, user, email=user.email if user else "", full_name=participant.full_name)
    except Refused as refusal:
        raise Refused(_as_passphrase(refusal.message), field="passphrase") from None
    now = clock.now()
    if user is None:
        user = User(email=f"person-{secrets.token_hex(12)}@{PERSON_EMAIL_DOMAIN}", full_name=participant.full_name,
                    role=Role.PERSON.value, organisation_id=None, is_org_admin=False, status=UserStatus.ACTIVE,
                    created_at=now, password_hash="")
        db.session.add(user)
    else:
        sessions.end_all(user, "new access slip")
        user.status = UserStatus.ACTIVE
    user.password_hash = hash_password(passphrase)
    user.password_changed_at = now
    user.last_login_at = now
    db.session.flush()
    access.user_id = user.id
    access.activated_at = now
    return user


def _redeem(code: str, participant_number: str, date_of_birth: date | None) -> CampusAccess:
    """The slip's access, if its code, the participant number and the date of birth all match and the
    code is still usable. Failures are counted per participant number and locked out."""
    number = (participant_number or "").strip().upper()
    if not _attempt(START_BUCKET, number):
        record_audit("campus.start_blocked", subject_type="participant_number", detail="too many failures")
        raise _locked_out()
    access = db.session.scalar(select(CampusAccess).where(CampusAccess.code_hash == hash_token(normalise_code(code))))
    participant = access.participant if access is not None else None
    if (access is None or not access.code_usable or participant.participant_number.upper() != number
            or participant.date_of_birth != date_of_birth):
        record_audit("campus.start_failed", subject_type="participant_number")
        raise Refused(WRONG_START, field="code")
    _clear(START_BUCKET, number)
    return access


def start(details: FirstSignIn) -> User:
    """The person's first sign-in: the slip's code, with their participant number and date of birth,
    lets them set a passphrase. The code is then spent. Failures are counted and locked out."""
    check_first_sign_in(details)  # a passphrase refused for its own sake is not a try at the code
    access = _redeem(details.code, details.participant_number, details.date_of_birth)
    if access.uses_kiosk_pin:
        raise Refused(KIOSK_SLIP, field="code")
    switch.refuse_person_if_off(access.participant)  # the slip is not spent: it works once switched back on
    user = set_up_account(access, details.passphrase)
    sessions.begin(user)
    record_audit("campus.started", access.participant, actor=user)
    return user


def sign_in(participant_number: str, date_of_birth: date | None, passphrase: str) -> User:
    """Sign a person in with their participant number, date of birth and passphrase."""
    number = (participant_number or "").strip().upper()
    if not _attempt(SIGN_IN_BUCKET, number):
        record_audit("campus.login_blocked", subject_type="participant_number", detail="too many failures")
        raise _locked_out()
    candidates = db.session.scalars(
        select(CampusAccess).join(Participant, Participant.id == CampusAccess.participant_id)
        .where(func.upper(Participant.participant_number) == number, Participant.date_of_birth == date_of_birth,
               CampusAccess.ended_at.is_(None), CampusAccess.user_id.is_not(None))).all()
    live = [access for access in candidates if access.is_live and access.user.is_active]
    if not live:
        spend_equal_time(passphrase)
    found = next((access for access in live if verify_password(access.user.password_hash, passphrase)), None)
    if found is None:
        record_audit("campus.login_failed", subject_type="participant_number")
        raise Refused(WRONG_DETAILS, field="participant_number")
    user = found.user
    _clear(SIGN_IN_BUCKET, number)
    switch.refuse_person_if_off(found.participant, user)
    user.last_login_at = clock.now()
    sessions.begin(user)
    record_audit("campus.login", found.participant, actor=user)
    return user


# The kiosk PIN ------------------------------------------------------------------------------------------

@dataclass
class PinChoice:
    pin: str
    confirm: str | None


def check_pin(choice: PinChoice) -> None:
    """A PIN is 6 digits, not one digit six times, not a run up or down (123456, 987654), typed the
    same twice. Every problem is reported at once."""
    problems = Problems()
    pin = choice.pin or ""
    if not (len(pin) == PIN_LENGTH and pin.isascii() and pin.isdigit()):
        problems.add(f"Your PIN must be {PIN_LENGTH} numbers", "pin")
    elif len(set(pin)) == 1:
        problems.add("Your PIN cannot be one number repeated, like 111111", "pin")
    elif pin in "0123456789" or pin in "9876543210":
        problems.add("Your PIN cannot be numbers in order, like 123456", "pin")
    if pin and choice.confirm is not None and pin != choice.confirm:
        problems.add("The two PINs are not the same", "confirm_pin")
    problems.raise_any()


@dataclass
class KioskStart:
    code: str
    participant_number: str
    date_of_birth: date | None
    pin: str
    confirm: str | None


def start_with_pin(details: KioskStart) -> User:
    """The person's first sign-in at a prison kiosk: the slip's code, with their participant number and
    date of birth, lets them set a PIN. The code is then spent. Their account gets no passphrase anyone
    knows, so the PIN is their only way in until a new slip."""
    check_pin(PinChoice(details.pin, details.confirm))  # a refused PIN is not a try at the code
    access = _redeem(details.code, details.participant_number, details.date_of_birth)
    if not access.uses_kiosk_pin:
        raise Refused(NOT_KIOSK_SLIP, field="code")
    switch.refuse_person_if_off(access.participant)
    user = _person_user_of(access.participant)
    now = clock.now()
    if user is None:
        user = User(email=f"person-{secrets.token_hex(12)}@{PERSON_EMAIL_DOMAIN}",
                    full_name=access.participant.full_name, role=Role.PERSON.value, organisation_id=None,
                    is_org_admin=False, status=UserStatus.ACTIVE, created_at=now, password_hash="")
        db.session.add(user)
    else:
        sessions.end_all(user, "new access slip")
        user.status = UserStatus.ACTIVE
    user.password_hash = hash_password(secrets.token_urlsafe(32))  # no passphrase: nobody knows this one
    user.password_changed_at = now
    user.last_login_at = now
    db.session.flush()
    access.user_id = user.id
    access.activated_at = now
    access.pin_hash = hash_password(details.pin)
    _clear_pin_lock(access.participant)
    sessions.begin(user)
    record_audit("campus.started", access.participant, actor=user, detail="kiosk_pin")
    return user


def change_pin(access: CampusAccess, current_pin: str, choice: PinChoice) -> None:
    """The signed-in person chooses a new kiosk PIN from their own page, giving their current one: a
    kiosk is shared, and a session left open must not let the next person take the account over.
    A wrong current PIN counts toward the same lockout as kiosk sign-in, so this page is no way
    round it. The caller commits even when this refuses, to keep the count."""
    if not access.uses_kiosk_pin:
        raise Refused("Your case manager set you up with a passphrase, not a kiosk PIN.")
    number = _pin_key(access.participant.participant_number)
    limit, lock = _pin_limits()
    if not throttle.attempt(PIN_BUCKET, number, limit, lock):
        record_audit("campus.pin_change_blocked", access.participant, actor=access.user, detail="PIN locked")
        raise _pin_locked_out()
    problems = Problems()
    if verify_password(access.pin_hash, current_pin or ""):
        throttle.clear(PIN_BUCKET, number, limit, lock)
    else:
        record_audit("campus.pin_change_failed", access.participant, actor=access.user)
        problems.add("Your current PIN is not right", "current_pin")
    problems.kept(lambda: check_pin(choice))
    problems.raise_any()
    access.pin_hash = hash_password(choice.pin)
    record_audit("campus.pin_changed", access.participant, actor=access.user)


def _pin_limits() -> tuple[int, object]:
    config = current_app.config
    return config["CAMPUS_PIN_FAILURE_LIMIT"], config["CAMPUS_PIN_LOCK"]


def _pin_key(participant_number: str) -> str:
    return (participant_number or "").strip().upper()


def _pin_locked_out() -> throttle.Limited:
    hours = int(current_app.config["CAMPUS_PIN_LOCK"].total_seconds() // 3600)
    return throttle.Limited(f"PIN sign-in is locked after {current_app.config['CAMPUS_PIN_FAILURE_LIMIT']} wrong "
                            f"PINs. Ask your case manager to unlock it, or try again in {hours} hours.")


def pin_locked(access: CampusAccess) -> bool:
    """Kiosk sign-in is locked for this person: shown to their case manager, who can unlock it."""
    if not access.uses_kiosk_pin:
        return False
    return throttle.is_blocked(PIN_BUCKET, _pin_key(access.participant.participant_number), *_pin_limits(),
                               lock=False)


def _clear_pin_lock(participant: Participant) -> None:
    throttle.clear(PIN_BUCKET, _pin_key(participant.participant_number), *_pin_limits())


def sign_in_with_pin(participant_number: str, pin: str) -> User:
    """Sign a person in at a prison kiosk with their participant number and PIN.

    Wrong PINs are counted per participant number in their own bucket, apart from the passphrase
    sign-in's: the try is counted before the PIN is checked, in one atomic step across workers
    (throttle.attempt), so however many arrive at once no more than the limit are ever checked. At the
    limit, kiosk sign-in stays locked until the case manager unlocks it or the lock time passes."""
    number = _pin_key(participant_number)
    limit, lock = _pin_limits()
    if not throttle.attempt(PIN_BUCKET, number, limit, lock):
        record_audit("campus.pin_login_blocked", subject_type="participant_number", detail="PIN sign-in locked")
        raise _pin_locked_out()
    candidates = db.session.scalars(
        select(CampusAccess).join(Participant, Participant.id == CampusAccess.participant_id)
        .where(func.upper(Participant.participant_number) == number, CampusAccess.ended_at.is_(None),
               CampusAccess.user_id.is_not(None), CampusAccess.sign_in_method == "kiosk_pin",
               CampusAccess.pin_hash != "")).all()
    live = [access for access in candidates if access.is_live and access.user.is_active]
    if not live:
        spend_equal_time(pin)
    found = next((access for access in live if verify_password(access.pin_hash, pin)), None)
    if found is None:
        record_audit("campus.pin_login_failed", subject_type="participant_number")
        if throttle.is_blocked(PIN_BUCKET, number, limit, lock):
            if live:
                record_audit("campus.pin_locked", live[0].participant, detail=f"{limit} wrong PINs")
            else:
                record_audit("campus.pin_locked", subject_type="participant_number", detail=f"{limit} wrong PINs")
        raise Refused(WRONG_PIN, field="participant_number")
    user = found.user
    throttle.clear(PIN_BUCKET, number, limit, lock)
    switch.refuse_person_if_off(found.participant, user)
    user.last_login_at = clock.now()
    sessions.begin(user)
    record_audit("campus.pin_login", found.participant, actor=user)
    return user


def unlock_pin(access: CampusAccess, actor) -> None:
    """The case manager unlocks the person's kiosk sign-in after too many wrong PINs (audited)."""
    _refuse_unless_manager(access.participant, actor)
    if not access.uses_kiosk_pin:
        raise Refused("This person signs in with a passphrase, not a kiosk PIN.")
    if access.ended_at is not None:
        raise Refused("This access has ended.")
    _clear_pin_lock(access.participant)
    record_audit("campus.pin_unlocked", access.participant, actor=actor)


def record_own_view(access: CampusAccess, page: str) -> None:
    """Every page a person opens about themselves is in the audit log, like every staff view."""
    record_audit("campus.viewed", access.participant, actor=access.user, detail=page)


# The CV -----------------------------------------------------------------------------------------------

@dataclass
class CVWords:
    statement: str = ""
    experience: str = ""
    training: str = ""
    interests: str = ""
    contact: str = ""


def cv_words_of(participant: Participant) -> CampusCV | None:
    return db.session.scalar(select(CampusCV).where(CampusCV.participant_id == participant.id))


def save_cv(access: CampusAccess, words: CVWords) -> CampusCV:
    """Keep the person's own words for their CV (the rest is read from their record)."""
    participant = access.participant
    cv = cv_words_of(participant)
    if cv is None:
        cv = CampusCV(participant_id=participant.id)
        db.session.add(cv)
    for name in ("statement", "experience", "training", "interests", "contact"):
        setattr(cv, name, (getattr(words, name) or "").strip())
    cv.updated_at = clock.now()
    db.session.flush()
    record_audit("campus.cv_saved", participant, actor=access.user)
    return cv


def cv_for_download(access: CampusAccess, kind: str = "docx"):
    """The person's whole CV (record and own words), for the Word or PDF download; the download is
    audited with its kind."""
    from marketplace.campus.cv import build_cv

    record_audit("campus.cv_downloaded", access.participant, actor=access.user, detail=kind)
    return build_cv(access.participant, cv_words_of(access.participant))


# Checked messages -------------------------------------------------------------------------------------

MESSAGE_BUCKET = "campus-message"
MESSAGE_MAX = 2500  # leaves room, within a referral message, for the line saying who it is from


def messageable_referrals(participant: Participant) -> list:
    """The referrals a person may write about: ones the employer has received and that are still open."""
    from marketplace.referrals.operations import referrals_of

    return [r for r in referrals_of(participant) if r.submitted_at is not None and r.status != "draft" and r.is_open]


def messages_of(participant: Participant) -> list[CampusMessage]:
    return list(db.session.scalars(select(CampusMessage).where(CampusMessage.participant_id == participant.id)
                                   .order_by(CampusMessage.created_at.desc(), CampusMessage.id.desc())))


def _message_limit() -> tuple[int, timedelta]:
    return current_app.config["CAMPUS_MESSAGES_PER_DAY"], timedelta(days=1)


def check_message(access: CampusAccess, referral, body: str) -> None:
    """Every rule of a new message, each problem once: the referral, the length, today's limit."""
    problems = Problems()
    if access.messages_stopped:
        raise Refused("Your case manager has turned off messages to employers for now. Talk to them about it.")
    problems.check(referral is not None and referral in messageable_referrals(access.participant),
                   "You can write only about a job or course you have been put forward for and that is still open")
    if referral is not None:
        problems.check(is_verified_recipient(referral.employer), unverified_words(referral.employer))
    text = (body or "").strip()
    problems.check(bool(text), "Write your message", "body")
    problems.check(len(text) <= MESSAGE_MAX, f"Your message must be {MESSAGE_MAX:,} characters or fewer", "body")
    limit, window = _message_limit()
    problems.check(not throttle.is_blocked(MESSAGE_BUCKET, str(access.participant_id), limit, window),
                   f"You have sent {limit} messages in the last 24 hours. You can send another tomorrow.")
    problems.raise_any()


def write_message(access: CampusAccess, referral, body: str) -> CampusMessage:
    """The person writes to the employer on one of their referrals. The message goes to their case
    manager to check: the employer sees nothing until it is sent on."""
    check_message(access, referral, body)
    limit, window = _message_limit()
    # Checked above for the error summary; counted here in one atomic step, so messages sent at
    # once from two tabs or hosts cannot pass the day's limit together.
    if not throttle.attempt(MESSAGE_BUCKET, str(access.participant_id), limit, window):
        raise throttle.Limited(f"You have sent {limit} messages in the last 24 hours. You can send another "
                               "tomorrow.")
    now = clock.now()
    message = CampusMessage(participant_id=access.participant_id, referral_id=referral.id, author_id=access.user_id,
                            body=body.strip(), status=MessageStatus.DRAFTED, created_at=now, updated_at=now)
    db.session.add(message)
    db.session.flush()
    MESSAGES.record(message, "draft", access.user)
    participant = access.participant
    setting = open_auto_accept(participant.id, referral.employer_organisation_id)
    on_behalf = _auto_accept_author(referral, setting, participant) if setting is not None else None
    if on_behalf is not None:
        _auto_accept(message, access, setting, on_behalf)
        return message
    MESSAGES.apply(message, "send_for_check", access.user)
    link = path_for("campus.check", campus_message_id=message.id)
    for checker in _checkers(participant):
        notify(checker, f"{participant.full_name} wrote to {referral.employer.name}: check the message", link,
               email_subject="A message to check")
    record_audit("campus.message_written", message, actor=access.user)
    return message


def _checkers(participant: Participant) -> list[User]:
    """Their case manager; without one, every active case manager of their organisation."""
    if participant.case_manager is not None and participant.case_manager.is_active:
        return [participant.case_manager]
    return list(db.session.scalars(select(User).where(
        User.organisation_id == participant.organisation_id, User.role == Role.CASE_MANAGER,
        User.status == UserStatus.ACTIVE)))


def check_queue(case_manager) -> list[CampusMessage]:
    """Messages waiting for a check from the case manager's organisation, theirs first, oldest first."""
    messages = db.session.scalars(
        select(CampusMessage).join(Participant, Participant.id == CampusMessage.participant_id)
        .where(Participant.organisation_id == case_manager.organisation_id,
               CampusMessage.status == MessageStatus.AWAITING_CHECK)
        .order_by(CampusMessage.created_at, CampusMessage.id)).all()
    return sorted(messages, key=lambda m: m.participant.case_manager_id != case_manager.id)


def send_message(message: CampusMessage, actor) -> CampusMessage:
    """The case manager has checked the message: it goes on the referral's thread, marked as the
    person's, and the employer is told. The person is told it was sent."""
    from marketplace.referrals.operations import post_message

    MESSAGES.apply(message, "send", actor)
    message.updated_at = clock.now()
    name = (message.referral.shared_name or message.participant.first_name)
    post_message(message.referral, actor,
                 f"From {name} (written by them on the Virtual Campus, checked by their case manager):\n\n"
                 f"{message.body}")
    _tell_person(message, f"Your message to {message.referral.employer.name} was checked and sent.")
    record_audit("campus.message_sent", message, actor=actor)
    return message


def _auto_accept_author(referral, setting: CampusAutoAccept, participant: Participant) -> User | None:
    """Who the auto-accepted message is posted as on the referral's thread, which only the case manager's
    and the employer's sides write on: the case manager who set auto-accept while they still can write
    there, else the person's case manager. None (nobody can): the message is checked as usual."""
    candidates = [setting.set_by] if setting.set_by is not None else []
    candidates += _checkers(participant)
    return next((user for user in candidates if user.is_active and referral.side_of(user) == "provider"), None)


def _auto_accept(message: CampusMessage, access: CampusAccess, setting: CampusAutoAccept, on_behalf: User) -> None:
    """The case manager's auto-accept for this person and employer is on: the message goes straight to
    the referral's thread, its history naming the setting, and the case manager is told it went."""
    from marketplace.referrals.operations import post_message

    MESSAGES.apply(message, "auto_accept", access.user, auto_accept_id=setting.id)
    message.updated_at = clock.now()
    participant = access.participant
    name = message.referral.shared_name or participant.first_name
    post_message(message.referral, on_behalf,
                 f"From {name} (written by them on the Virtual Campus; their case manager lets their messages to "
                 f"you through without a check):\n\n{message.body}")
    link = path_for("campus.check", campus_message_id=message.id)
    for checker in _checkers(participant):
        notify(checker, f"{participant.full_name}'s message to {message.referral.employer.name} went without a "
                        "check (auto-accept)", link)
    _tell_person(message, f"Your message to {message.referral.employer.name} was sent.")
    record_audit("campus.message_auto_accepted", message, actor=access.user, detail=f"auto-accept {setting.id}")


# Verified recipients and auto-accept -------------------------------------------------------------------

def is_verified_recipient(organisation) -> bool:
    """A person writes only to an organisation the service has verified: approved by an administrator, and
    either a social enterprise or a Corporate Alliance member whose membership is in force (not lapsed,
    withdrawn or waiting)."""
    from marketplace.alliance.operations import membership_in_force

    if organisation is None or not organisation.is_approved:
        return False
    return organisation.kind == OrganisationKind.SOCIAL_ENTERPRISE or membership_in_force(organisation.id) is not None


def unverified_words(organisation) -> str:
    return (f"You cannot write to {organisation.name} here: they are not a verified Corporate Alliance member or "
            "social enterprise at the moment. Ask your case manager about it.")


AUTO_ACCEPT_REASON_MAX = 1000


def auto_accepts_of(participant: Participant) -> list[CampusAutoAccept]:
    """Every auto-accept period for the person, newest first: the history on their access page."""
    return list(db.session.scalars(select(CampusAutoAccept).where(CampusAutoAccept.participant_id == participant.id)
                                   .order_by(CampusAutoAccept.set_at.desc(), CampusAutoAccept.id.desc())))


def has_sent_to(participant: Participant, employer_organisation_id: int) -> bool:
    """At least one of the person's messages to this employer organisation was checked and sent."""
    from marketplace.referrals.models import Referral

    return db.session.scalar(select(func.count()).select_from(CampusMessage)
                             .join(Referral, Referral.id == CampusMessage.referral_id)
                             .where(CampusMessage.participant_id == participant.id,
                                    CampusMessage.status == MessageStatus.SENT,
                                    Referral.employer_organisation_id == employer_organisation_id)) > 0


def auto_accept_reason_rules(reason: str) -> None:
    problems = Problems()
    text = (reason or "").strip()
    problems.check(bool(text), "Say why, for the history", "reason")
    problems.check(len(text) <= AUTO_ACCEPT_REASON_MAX, "The reason must be 1,000 characters or fewer", "reason")
    problems.raise_any()


def _hold_person(message: CampusMessage, actor) -> CampusAccess:
    """Check the actor may change the person's settings, and hold their access row for this transaction,
    so two case managers changing auto-accept at once are taken one after the other."""
    _refuse_unless_manager(message.participant, actor)
    access = current_access(message.participant)
    if access is None or not access.is_live:
        raise Refused(f"{message.participant.first_name} has no Virtual Campus access in use.")
    return lock_for_update(CampusAccess, access.id)


def turn_on_auto_accept(message: CampusMessage, actor, reason: str) -> CampusAutoAccept:
    """From now on the person's messages to this message's employer organisation go straight to the
    employer. Only after one of their messages to that employer was checked and sent, while their access
    is in use and messages are on; the reason is kept in the history."""
    auto_accept_reason_rules(reason)
    access = _hold_person(message, actor)
    participant, employer_id = message.participant, message.referral.employer_organisation_id
    if access.messages_stopped:
        raise Refused("Messages to employers are turned off for this person.")
    if not has_sent_to(participant, employer_id):
        raise Refused("Auto-accept can be turned on only after you have checked and sent one of their messages "
                      "to this employer.")
    if not is_verified_recipient(message.referral.employer):
        raise Refused(unverified_words(message.referral.employer))
    if open_auto_accept(participant.id, employer_id) is not None:
        raise Refused("Auto-accept is already on for this person and employer.")
    setting = CampusAutoAccept(participant_id=participant.id, employer_organisation_id=employer_id,
                               set_by_id=actor.id, set_at=clock.now(), set_reason=reason.strip())
    db.session.add(setting)
    db.session.flush()
    record_audit("campus.auto_accept_on", participant, actor=actor, detail=f"employer {employer_id}")
    return setting


def turn_off_auto_accept(message: CampusMessage, actor, reason: str) -> CampusAutoAccept:
    """The case manager checks this person's messages to this employer again; the reason is kept."""
    auto_accept_reason_rules(reason)
    _refuse_unless_manager(message.participant, actor)
    access = current_access(message.participant)
    if access is not None:
        lock_for_update(CampusAccess, access.id)
    setting = open_auto_accept(message.participant_id, message.referral.employer_organisation_id)
    if setting is None:
        raise Refused("Auto-accept is already off for this person and employer.")
    _close(setting, actor, "turned_off", reason.strip())
    record_audit("campus.auto_accept_off", message.participant, actor=actor,
                 detail=f"employer {setting.employer_organisation_id}")
    return setting


def _close(setting: CampusAutoAccept, actor, cause: str, reason: str = "") -> None:
    setting.ended_at = clock.now()
    setting.ended_by_id = getattr(actor, "id", None)
    setting.ended_cause = cause
    setting.ended_reason = reason
    db.session.flush()


def end_auto_accepts(participant: Participant, actor, cause: str) -> None:
    """Access ended, consent withdrawn or messages turned off: every auto-accept for the person ends,
    and the history says why."""
    assert cause in AUTO_ACCEPT_END_REASONS
    for setting in auto_accepts_of(participant):
        if setting.is_on:
            _close(setting, actor, cause)


def return_rules(reason: str, note: str) -> None:
    problems = Problems()
    problems.check(reason in RETURN_REASONS, "Select why the message is not being sent", "reason")
    problems.check(reason != "other" or bool((note or "").strip()), "Say why, so they can write again", "note")
    problems.check(len(note or "") <= 1000, "The note must be 1,000 characters or fewer", "note")
    problems.raise_any()


def return_message(message: CampusMessage, actor, reason: str, note: str) -> CampusMessage:
    """The case manager does not send the message: the person is told why, from the coded list. A
    returned message can never later reach the employer (the workflow has no step out of it)."""
    return_rules(reason, note)
    note = (note or "").strip()
    MESSAGES.apply(message, "return_message", actor, reason_code=reason, note=note)
    message.return_reason = reason
    message.return_note = note
    message.updated_at = clock.now()
    _tell_person(message, f"Your message to {message.referral.employer.name} was not sent. See why.")
    record_audit("campus.message_returned", message, actor=actor, detail=reason)
    return message


def _tell_person(message: CampusMessage, text: str) -> None:
    # In the service only: a person's account has no email address to write to.
    if message.author is not None:
        notify(message.author, text, path_for("campus.messages", _anchor=f"message-{message.id}"))


def employer_replies(referral) -> list:
    """What the employer wrote on the referral's thread: it reaches the person directly."""
    return [m for m in referral.messages
            if m.author is not None and m.author.organisation_id == referral.employer_organisation_id]


# Erasure and subject access ---------------------------------------------------------------------------

def erase_campus_of(participant: Participant) -> None:
    """On erasure of a participant: their Virtual Campus account goes too (their access, CV and messages
    go with the record)."""
    user = _person_user_of(participant)
    if user is not None:
        db.session.delete(user)


def subject_access_section(participant: Participant) -> tuple[str, dict]:
    """What the Virtual Campus holds about the person, for a subject access export."""
    words = cv_words_of(participant)
    return "virtual_campus", {
        "access": [{"slip_printed": a.created_at.isoformat(), "state": a.state_label,
                    "first_signed_in": a.activated_at.isoformat() if a.activated_at else None,
                    "signs_in_with": "kiosk PIN" if a.uses_kiosk_pin else "passphrase"}  # never the PIN's hash
                   for a in accesses_of(participant)],
        "cv": {name: getattr(words, name) for name in ("statement", "experience", "training", "interests",
                                                       "contact")} if words else None,
        "interested_in": [{"at": i.created_at.isoformat(), "opportunity": i.opportunity.title}
                          for i in interests_of(participant)],
        "messages": [{"written": m.created_at.isoformat(), "to": m.referral.employer.name, "body": m.body,
                      "status": m.status, "return_reason": m.return_reason, "return_note": m.return_note,
                      "steps": [{"at": h.at.isoformat(), "action": h.action} for h in m.history]}
                     for m in messages_of(participant)],
    }


def end_campus_on_closure(participant: Participant, actor) -> None:
    """Closing the case ends the person's access (their sessions too) and every auto-accept, with the
    reason written down, rather than leaving them shown as in force on a closed record."""
    access = current_access(participant)
    if access is not None:
        _end(access, actor, "case_closed")


ERASURE_HOOKS.append(erase_campus_of)
CLOSURE_HOOKS.append(end_campus_on_closure)
EXPORT_SECTIONS.append(subject_access_section)


# Matches and "I'm interested" --------------------------------------------------------------------------

def matches_for(participant: Participant, limit: int = 10) -> list:
    """The open opportunities the person can take, best first, each with its reasons (the same matching
    their case manager sees), said to them."""
    from marketplace.search.matching import Seeker
    from marketplace.search.queries import match_seeker

    found = match_seeker(Seeker.from_participant(participant), clock.today(), limit=limit)
    for match in found:
        match.reasons = [_to_you(reason) for reason in match.reasons]
    return found


def _to_you(reason: str) -> str:
    return (reason.replace("the job they want", "the job you want").replace("their release area", "where you will live")
            .replace("matches interest", "work you are interested in").replace("matches skill", "a skill you have")
            .replace("matches qualification", "a qualification you have")
            .replace("from the jobs they want", "from the jobs you want").replace("their goal (", "your goal ("))


def interests_of(participant: Participant) -> list[CampusInterest]:
    return list(db.session.scalars(select(CampusInterest).where(CampusInterest.participant_id == participant.id)
                                   .order_by(CampusInterest.created_at.desc(), CampusInterest.id.desc())))


def say_interested(access: CampusAccess, opportunity_id: int) -> CampusInterest:
    """The person is interested in one of their matches: their case manager is told and sees it on their
    record. Only an opportunity matched to them now counts; saying it twice changes nothing."""
    participant = access.participant
    match = next((m for m in matches_for(participant, limit=50) if m.offer.id == opportunity_id), None)
    if match is None:
        raise Refused("This job or course is not one of your matches any more.")
    existing = db.session.scalar(select(CampusInterest).where(CampusInterest.participant_id == participant.id,
                                                              CampusInterest.opportunity_id == opportunity_id))
    if existing is not None:
        return existing
    interest = CampusInterest(participant_id=participant.id, opportunity_id=opportunity_id, created_at=clock.now())
    db.session.add(interest)
    db.session.flush()
    link = path_for("participants.show", participant_id=participant.id, _anchor="campus")
    for checker in _checkers(participant):
        notify(checker, f"{participant.full_name} is interested in {match.offer.title}", link)
    record_audit("campus.interested", participant, actor=access.user, detail=f"opportunity {opportunity_id}")
    return interest


def _export_words() -> None:
    from marketplace.campus.models import MESSAGE_STATUS_LABELS
    from marketplace.participants.export import EXPORT_WORDS

    EXPORT_WORDS["virtual_campus"] = {
        "status": {str(code): words for code, words in MESSAGE_STATUS_LABELS.items()},
        "return_reason": RETURN_REASONS, "reason": END_REASONS}


_export_words()
