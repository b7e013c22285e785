"""The Virtual Campus pages: the person's own (signed in with the `person` role) and the case
manager's page for giving and ending access."""

from __future__ import annotations

import io
from functools import wraps

from flask import Blueprint, abort, flash, g, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from werkzeug.utils import secure_filename

from marketplace.accounts import sessions
from marketplace.campus import operations, own, switch
from marketplace.campus.cv import build_cv, docx_bytes, pdf_bytes
from marketplace.campus.forms import (
    AutoAcceptOffForm,
    AutoAcceptOnForm,
    CampusSignInForm,
    ChangePinForm,
    CVForm,
    EndAccessForm,
    GrantAccessForm,
    KioskSignInForm,
    KioskStartForm,
    MessageForm,
    MessageSettingForm,
    ReturnMessageForm,
    SendMessageForm,
    StartForm,
    UnlockPinForm,
)
from marketplace.campus.models import END_REASONS, CampusMessage, MessageStatus
from marketplace.campus.workflow import ACTION_LABELS
from marketplace.core import clock, throttle
from marketplace.core.db import writes_to_database
from marketplace.core.exceptions import Refused
from marketplace.core.roles import Role, get_visible_or_404, role_required
from marketplace.core.submissions import attach_refusal, flash_form_errors, submit
from marketplace.core.views import home_panel
from marketplace.extensions import db
from marketplace.participants.models import READINESS_TASKS, TASK_STATES, Participant
from marketplace.participants.operations import record_view
from marketplace.reference import QUALIFICATION_LEVELS, QUALIFICATION_SUBJECTS
from marketplace.referrals.models import SNAPSHOT_PARTS
from marketplace.referrals.operations import referrals_of
from marketplace.search.matching import KIND_LABELS

bp = Blueprint("campus", __name__, url_prefix="/campus")

# Outside the campus a signed-in person may reach only these: public pages, signing out, and keeping
# their session alive. Everything else is a 403, whatever its own checks would say.
PERSON_ELSEWHERE = frozenset({
    "static", "core.start", "core.home", "core.notifications", "core.accessibility", "core.privacy",
    "core.cookies", "core.health", "accounts.login", "accounts.logout", "accounts.keep_alive",
    "disclosure.rules", "alliance.directory", "alliance.member",
    # Careers information (marketplace/careers/): its list, pages and audited links out.
    "careers.index", "careers.page", "careers.out",
})

CV_FIELDS = ("statement", "experience", "training", "interests", "contact")
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

# Where each referral stands, said to the person.
REFERRAL_WORDS = {
    "draft": "Your case manager is getting this ready. The employer has not seen it yet.",
    "submitted": "Sent to the employer. They have not replied yet.",
    "acknowledged": "The employer has seen it and is looking at it.",
    "interview_offered": "The employer wants to interview you. Your case manager will arrange it.",
    "interview_booked": "Your interview is booked.",
    "interviewed": "You have had your interview. Waiting for the employer's decision.",
    "offer_made": "The employer has offered you the place.",
    "offer_accepted": "You have accepted the offer.",
    "start_agreed": "You have agreed a start date.",
    "started": "You have started.",
    "sustained_13": "You have been there 13 weeks.",
    "sustained_26": "You have been there 26 weeks.",
    "declined": "The employer said no this time.",
    "withdrawn": "This was stopped before the employer decided.",
    "unsuccessful": "Not successful this time.",
    "offer_declined": "You said no to the offer.",
    "no_show": "The interview did not happen.",
    "left_job": "You have left.",
}


def shared_parts(referral) -> list[str]:
    """What the employer was shown about the person on this referral, in words (never the content of
    a conviction: only that the convictions the check shows were shared)."""
    snapshot = referral.snapshot or {}
    words = [f"the name {snapshot['name']}" if snapshot.get("name") else "your name"]
    words += [SNAPSHOT_PARTS[part].lower() for part in snapshot.get("parts", []) if part in SNAPSHOT_PARTS]
    if "convictions" in snapshot:
        words.append("the convictions that their criminal record check would show")
    if "letter" in snapshot:
        words.append("your disclosure letter")
    return words


@bp.before_app_request
def keep_people_in_their_own_pages():
    """A person sees only their own record: outside the campus they reach only public pages, and once
    their access ends (case closed, consent withdrawn, ended by the case manager) they are signed out."""
    if not current_user.is_authenticated or current_user.role != Role.PERSON:
        return None
    access = operations.live_access_for(current_user)
    if access is None:
        sessions.end_current("campus access ended")
        db.session.commit()
        flash("Your Virtual Campus access has ended. Ask your case manager if you think this is wrong.", "info")
        return redirect(url_for("campus.sign_in"))
    if not switch.is_on_for(access.participant):
        sessions.end_current("campus switched off")
        db.session.commit()
        flash(switch.SWITCHED_OFF_FOR_PERSON, "info")
        return redirect(url_for("campus.sign_in"))
    g.campus_access = access
    if request.endpoint in ("core.home", "core.start"):
        return redirect(url_for("campus.home"))
    if request.blueprint != bp.name and request.endpoint not in PERSON_ELSEWHERE:
        abort(403)
    return None


@home_panel
def campus_checks_waiting(user) -> dict:
    if user.role != Role.CASE_MANAGER:
        return {}
    return {"campus_checks_waiting": len(operations.check_queue(user))}


@bp.app_template_global()
def passphrase_input(autocomplete: str) -> dict:
    """Params for a passphrase box: its show/hide button says "passphrase", as the form does, not
    the design system's default "password"."""
    return {"autocomplete": autocomplete, "showPasswordAriaLabelText": "Show passphrase",
            "hidePasswordAriaLabelText": "Hide passphrase",
            "passwordShownAnnouncementText": "Your passphrase is visible",
            "passwordHiddenAnnouncementText": "Your passphrase is hidden"}


@bp.app_template_global()
def campus_access_of(participant):
    return operations.current_access(participant)


@bp.app_template_global()
def campus_pin_locked(access) -> bool:
    return operations.pin_locked(access)


@bp.app_template_global()
def campus_interests_of(participant):
    return operations.interests_of(participant)


def person_required(view):
    """A campus page for the signed-in person; `access` (theirs, live) is passed to the view."""

    @wraps(view)
    @role_required(Role.PERSON)
    def wrapper(*args, **kwargs):
        return view(g.campus_access, *args, **kwargs)

    return wrapper


def _opened(access, page: str):
    operations.record_own_view(access, page)
    db.session.commit()


# The person's way in --------------------------------------------------------------------------------

# Why a person's session ended, said on the sign-in page they are sent to. "ended" is also a case
# manager ending their access or printing a new slip: the page could not tell which (the session,
# and with it who they are, is gone), so it says where to ask.
SIGNED_OUT_BECAUSE = {
    "idle": "You were signed out because you had not done anything for 15 minutes. Sign in again.",
    "expired": "You were signed out because you had been signed in for 12 hours. Sign in again.",
    "ended": "You have been signed out. If your case manager has ended your Virtual Campus access or printed "
             "you a new slip, talk to them before you sign in again.",
}

@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in():
    if current_user.is_authenticated:
        return redirect(url_for("core.home"))
    form = CampusSignInForm()
    if not form.is_submitted():
        reason = SIGNED_OUT_BECAUSE.get(request.args.get("reason", ""))
        if reason:
            flash(reason, "info")
        return render_template("campus/sign_in.html", form=form)
    if form.validate():
        try:
            operations.sign_in(form.participant_number.data, form.date_of_birth.data, form.passphrase.data)
        except Refused as refusal:
            db.session.commit()  # the failed try and its audit row must be counted
            attach_refusal(form, refusal)
            status = 429 if isinstance(refusal, throttle.Limited) else 400
            return render_template("campus/sign_in.html", form=form), status
        db.session.commit()
        return redirect(url_for("campus.home"))
    return render_template("campus/sign_in.html", form=form), 400


@bp.route("/start", methods=["GET", "POST"])
def start():
    if current_user.is_authenticated:
        return redirect(url_for("core.home"))
    form = StartForm()
    details = lambda: operations.FirstSignIn(  # noqa: E731
        code=form.code.data or "", participant_number=form.participant_number.data or "",
        date_of_birth=form.date_of_birth.data, passphrase=form.passphrase.data or "", confirm=form.confirm.data)
    if not form.is_submitted():
        return render_template("campus/start.html", form=form)
    if not form.validate():
        try:
            operations.check_first_sign_in(details())
        except Refused as refusal:
            attach_refusal(form, refusal)
        return render_template("campus/start.html", form=form), 400
    try:
        operations.start(details())
    except Refused as refusal:
        # Keep the counted failure; a refused passphrase counts nothing and writes nothing else.
        db.session.commit()
        attach_refusal(form, refusal)
        return render_template("campus/start.html", form=form), 429 if isinstance(refusal, throttle.Limited) else 400
    db.session.commit()
    flash("Your passphrase is set. Next time, sign in with your participant number, date of birth and passphrase.",
          "success")
    return redirect(url_for("campus.home"))


@bp.route("/kiosk", methods=["GET", "POST"])
def kiosk_sign_in():
    """Sign-in at a prison kiosk: participant number and PIN, with the PIN's own lockout."""
    if current_user.is_authenticated:
        return redirect(url_for("core.home"))
    form = KioskSignInForm()
    if not form.is_submitted():
        reason = SIGNED_OUT_BECAUSE.get(request.args.get("reason", ""))
        if reason:
            flash(reason, "info")
        return render_template("campus/kiosk_sign_in.html", form=form)
    if form.validate():
        try:
            operations.sign_in_with_pin(form.participant_number.data, form.pin.data)
        except Refused as refusal:
            db.session.commit()  # the counted try and its audit rows must stay
            attach_refusal(form, refusal)
            status = 429 if isinstance(refusal, throttle.Limited) else 400
            return render_template("campus/kiosk_sign_in.html", form=form), status
        db.session.commit()
        return redirect(url_for("campus.home"))
    return render_template("campus/kiosk_sign_in.html", form=form), 400


@bp.route("/kiosk/start", methods=["GET", "POST"])
def kiosk_start():
    """First use of a kiosk slip: the code, participant number and date of birth, and a new PIN."""
    if current_user.is_authenticated:
        return redirect(url_for("core.home"))
    form = KioskStartForm()
    details = lambda: operations.KioskStart(  # noqa: E731
        code=form.code.data or "", participant_number=form.participant_number.data or "",
        date_of_birth=form.date_of_birth.data, pin=form.pin.data or "", confirm=form.confirm_pin.data)
    if not form.is_submitted():
        return render_template("campus/kiosk_start.html", form=form)
    if not form.validate():
        try:
            operations.check_pin(operations.PinChoice(form.pin.data or "", form.confirm_pin.data))
        except Refused as refusal:
            attach_refusal(form, refusal)
        return render_template("campus/kiosk_start.html", form=form), 400
    try:
        operations.start_with_pin(details())
    except Refused as refusal:
        db.session.commit()  # keep the counted try; a refused PIN counts nothing and writes nothing else
        attach_refusal(form, refusal)
        status = 429 if isinstance(refusal, throttle.Limited) else 400
        return render_template("campus/kiosk_start.html", form=form), status
    db.session.commit()
    flash("Your PIN is set. Next time, sign in at the kiosk with your participant number and PIN.", "success")
    return redirect(url_for("campus.home"))


# The person's own pages ------------------------------------------------------------------------------

@bp.get("/home")
@person_required
@writes_to_database
def home(access):
    participant = access.participant
    referrals = referrals_of(participant)
    matches = operations.matches_for(participant)
    interested = {i.opportunity_id for i in operations.interests_of(participant)}
    _opened(access, "home")
    return render_template(
        "campus/home.html", participant=participant, referrals=referrals, referral_words=REFERRAL_WORDS,
        shared_parts=shared_parts, matches=matches, interested=interested, kinds=KIND_LABELS,
        readiness_tasks=READINESS_TASKS, task_states=TASK_STATES,
        qualification_subjects=QUALIFICATION_SUBJECTS, qualification_levels=QUALIFICATION_LEVELS,
        today=clock.today(), booked=own.booked_for(participant), booked_kinds=own.KIND_WORDS,
        plan=own.release_plan(participant), payback_hours=own.payback_hours(participant))


@bp.get("/disclosure")
@person_required
@writes_to_database
def disclosure(access):
    """The person's own disclosure page: always their own record (no id in the address)."""
    record = own.disclosure_page(access.participant)
    _opened(access, "disclosure")
    return render_template("campus/disclosure.html", record=record, levels=own.LEVELS)


@bp.get("/unpaid-work")
@person_required
@writes_to_database
def payback_hours(access):
    """The person's own Community Payback hours: always their own order (no id in the address)."""
    hours = own.payback_hours(access.participant)
    _opened(access, "unpaid work")
    return render_template("campus/payback.html", hours=hours, today=clock.today())


@bp.post("/interested/<int:opportunity_id>")
@person_required
def interested(access, opportunity_id):
    try:
        operations.say_interested(access, opportunity_id)
    except Refused as refusal:
        db.session.rollback()
        flash(refusal.message, "error")
        return redirect(url_for("campus.home", _anchor="matches"))
    db.session.commit()
    flash("Your case manager has been told you are interested. They will talk to you about it.", "success")
    return redirect(url_for("campus.home", _anchor="matches"))


@bp.route("/cv", methods=["GET", "POST"])
@person_required
@writes_to_database
def cv(access):
    participant = access.participant
    saved = operations.cv_words_of(participant)
    form = CVForm(obj=saved)
    words = lambda: operations.CVWords(**{name: getattr(form, name).data or "" for name in CV_FIELDS})  # noqa: E731
    if submit(form, lambda: operations.save_cv(access, words())):
        flash("Your CV is saved.", "success")
        return redirect(url_for("campus.cv"))
    if not form.is_submitted():
        _opened(access, "cv")
    return render_template("campus/cv.html", form=form, cv=build_cv(participant, saved), saved=saved), \
        400 if form.is_submitted() else 200


@bp.route("/pin", methods=["GET", "POST"])
@person_required
def change_pin(access):
    """The person's own page for choosing a new kiosk PIN (only where their device is a kiosk)."""
    if not access.uses_kiosk_pin:
        abort(404)
    form = ChangePinForm()
    if not form.is_submitted():
        return render_template("campus/pin.html", form=form)
    choice = operations.PinChoice(form.pin.data or "", form.confirm_pin.data)
    if not form.validate():
        try:
            operations.check_pin(choice)
        except Refused as refusal:
            attach_refusal(form, refusal)
        return render_template("campus/pin.html", form=form), 400
    try:
        operations.change_pin(access, form.current_pin.data, choice)
    except Refused as refusal:
        db.session.commit()  # a wrong current PIN is counted toward the lockout, with its audit row
        attach_refusal(form, refusal)
        return render_template("campus/pin.html", form=form), 429 if isinstance(refusal, throttle.Limited) else 400
    db.session.commit()
    flash("Your new PIN is set. Use it next time you sign in at the kiosk.", "success")
    return redirect(url_for("campus.home"))


@bp.get("/cv.docx")
@person_required
@writes_to_database
def cv_download(access):
    content = docx_bytes(operations.cv_for_download(access))
    db.session.commit()
    name = secure_filename(f"CV {access.participant.full_name}.docx") or "CV.docx"
    return send_file(io.BytesIO(content), as_attachment=True, download_name=name, mimetype=DOCX_TYPE)


@bp.get("/cv.pdf")
@person_required
@writes_to_database
def cv_download_pdf(access):
    content = pdf_bytes(operations.cv_for_download(access, "pdf"))
    db.session.commit()
    name = secure_filename(f"CV {access.participant.full_name}.pdf") or "CV.pdf"
    return send_file(io.BytesIO(content), as_attachment=True, download_name=name, mimetype="application/pdf")


@bp.get("/messages")
@person_required
@writes_to_database
def messages(access):
    participant = access.participant
    referrals = operations.messageable_referrals(participant)
    sent = operations.messages_of(participant)
    about = {m.referral_id for m in sent} | {r.id for r in referrals}
    replies = {referral.id: operations.employer_replies(referral)
               for referral in referrals_of(participant) if referral.id in about}
    _opened(access, "messages")
    return render_template("campus/messages.html", referrals=referrals, messages=sent, replies=replies,
                           stopped=bool(access.messages_stopped),
                           all_referrals={r.id: r for r in referrals_of(participant)})


@bp.route("/messages/new/<int:referral_id>", methods=["GET", "POST"])
@person_required
@writes_to_database
def write_message(access, referral_id):
    referral = next((r for r in operations.messageable_referrals(access.participant) if r.id == referral_id), None)
    if referral is None:
        abort(404)
    form = MessageForm()
    if not operations.is_verified_recipient(referral.employer):
        # Said on the page, and refused on a post too: a person writes only to a verified organisation.
        if not form.is_submitted():
            _opened(access, "write message")
        return render_template("campus/write.html", form=form, referral=referral,
                               unverified=operations.unverified_words(referral.employer)), \
            400 if form.is_submitted() else 200
    written = submit(form, lambda: operations.write_message(access, referral, form.body.data or ""),
                     check=lambda: operations.check_message(access, referral, form.body.data or ""))
    if written:
        if written.status == MessageStatus.SENT:  # their case manager's auto-accept for this employer is on
            flash(f"Your message was sent to {referral.employer.name}.", "success")
        else:
            flash("Your message has gone to your case manager to check. You will see here when it is sent.",
                  "success")
        return redirect(url_for("campus.messages"))
    if not form.is_submitted():
        _opened(access, "write message")
    return render_template("campus/write.html", form=form, referral=referral), 400 if form.is_submitted() else 200


# The case manager's side ------------------------------------------------------------------------------

@bp.get("/checks")
@role_required(Role.CASE_MANAGER)
def checks():
    return render_template("campus/checks.html", queue=operations.check_queue(current_user))


def _check_page(message, return_form, status=200, *, on_form=None, off_form=None):
    participant, employer_id = message.participant, message.referral.employer_organisation_id
    return render_template(
        "campus/check.html", message=message, return_form=return_form, action_labels=ACTION_LABELS,
        auto_accept=operations.open_auto_accept(participant.id, employer_id),
        may_auto_accept=operations.has_sent_to(participant, employer_id),
        on_form=on_form or AutoAcceptOnForm(formdata=None), off_form=off_form or AutoAcceptOffForm(formdata=None),
    ), status


@bp.get("/checks/<int:campus_message_id>")
@role_required(Role.CASE_MANAGER)
@writes_to_database
def check(campus_message_id):
    message = get_visible_or_404(CampusMessage, campus_message_id)
    record_view(message.participant, current_user._get_current_object(), "campus message check")
    db.session.commit()
    return _check_page(message, ReturnMessageForm(formdata=None))


@bp.post("/checks/<int:campus_message_id>/send")
@role_required(Role.CASE_MANAGER)
def send(campus_message_id):
    message = get_visible_or_404(CampusMessage, campus_message_id)
    form = SendMessageForm()
    if submit(form, lambda: operations.send_message(message, current_user._get_current_object())):
        flash(f"Sent to {message.referral.employer.name} on the referral.", "success")
        return redirect(url_for("campus.checks"))
    flash_form_errors(form)
    return redirect(url_for("campus.check", campus_message_id=message.id))


@bp.post("/checks/<int:campus_message_id>/return")
@role_required(Role.CASE_MANAGER)
def return_message(campus_message_id):
    message = get_visible_or_404(CampusMessage, campus_message_id)
    form = ReturnMessageForm()
    if submit(form, lambda: operations.return_message(message, current_user._get_current_object(),
                                                      form.reason.data, form.note.data or ""),
              check=lambda: operations.return_rules(form.reason.data or "", form.note.data or "")):
        flash(f"Returned to {message.participant.first_name} with your reason. It will not be sent.", "success")
        return redirect(url_for("campus.checks"))
    return _check_page(message, form, 400)


@bp.post("/checks/<int:campus_message_id>/auto-accept")
@role_required(Role.CASE_MANAGER)
def auto_accept_on(campus_message_id):
    message = get_visible_or_404(CampusMessage, campus_message_id)
    form = AutoAcceptOnForm()
    if submit(form, lambda: operations.turn_on_auto_accept(message, current_user._get_current_object(),
                                                           form.reason.data or ""),
              check=lambda: operations.auto_accept_reason_rules(form.reason.data or "")):
        flash(f"Auto-accept is on: {message.participant.first_name}'s messages to {message.referral.employer.name} "
              "now go without a check.", "success")
        return redirect(url_for("campus.check", campus_message_id=message.id))
    return _check_page(message, ReturnMessageForm(formdata=None), 400, on_form=form)


@bp.post("/checks/<int:campus_message_id>/auto-accept/off")
@role_required(Role.CASE_MANAGER)
def auto_accept_off(campus_message_id):
    message = get_visible_or_404(CampusMessage, campus_message_id)
    form = AutoAcceptOffForm()
    if submit(form, lambda: operations.turn_off_auto_accept(message, current_user._get_current_object(),
                                                            form.reason.data or ""),
              check=lambda: operations.auto_accept_reason_rules(form.reason.data or "")):
        flash(f"Auto-accept is off: you check {message.participant.first_name}'s messages to "
              f"{message.referral.employer.name} again.", "success")
        return redirect(url_for("campus.check", campus_message_id=message.id))
    return _check_page(message, ReturnMessageForm(formdata=None), 400, off_form=form)


def _participant_for_manager(participant_id: int) -> Participant:
    participant = get_visible_or_404(Participant, participant_id)
    if participant.organisation_id != current_user.organisation_id:
        abort(404)
    return participant


def _seen_slip(posted: str | None) -> int | None:
    """The slip id the grant form was printed against; anything unreadable counts as "no slip seen"."""
    return int(posted) if (posted or "").isdigit() else None


def _access_page(participant, grant_form, end_form, status=200, code=None, setting_form=None):
    current = operations.current_access(participant)
    # The grant form always names the slip shown now, so pressing again after a refusal is deliberate.
    grant_form.seen_slip.data = str(current.id) if current else ""
    if setting_form is None:
        setting = (current.messages_stopped if current else "") or "allowed"
        setting_form = MessageSettingForm(formdata=None, setting=setting)
    organisation = participant.organisation
    return render_template("campus/access.html", participant=participant, grant_form=grant_form,
                           campus_on=switch.is_on(organisation), switchers=switch.switchers(organisation),
                           end_form=end_form, setting_form=setting_form, current=current,
                           accesses=operations.accesses_of(participant), end_reasons=END_REASONS, code=code,
                           auto_accepts=operations.auto_accepts_of(participant),
                           pin_locked=bool(current and operations.pin_locked(current)),
                           unlock_form=UnlockPinForm(formdata=None),
                           format_code=operations.format_code), status


@bp.route("/people/<int:participant_id>/access", methods=["GET", "POST"])
@role_required(Role.CASE_MANAGER)
def access(participant_id):
    participant = _participant_for_manager(participant_id)
    form = GrantAccessForm()
    method = lambda: form.sign_in_method.data or ""  # noqa: E731
    seen = _seen_slip(form.seen_slip.data)
    granted = submit(form, lambda: operations.grant_access(participant, current_user._get_current_object(),
                                                           consent_confirmed=bool(form.consent.data),
                                                           sign_in_method=method(), seen_slip=seen),
                     check=lambda: operations.grant_access_rules(participant, bool(form.consent.data), method(),
                                                                 seen))
    if granted:
        access, code = granted
        # The code is shown on this response only: never stored, never in an address or a log.
        return render_template("campus/slip.html", participant=participant, access=access,
                               code=operations.format_code(code))
    status = 400 if form.is_submitted() else 200
    return _access_page(participant, form, EndAccessForm(formdata=None), status)


@bp.post("/people/<int:participant_id>/access/messages")
@role_required(Role.CASE_MANAGER)
def message_setting(participant_id):
    participant = _participant_for_manager(participant_id)
    form = MessageSettingForm()
    current = operations.current_access(participant)
    if current is None:
        flash("There is no access to change.", "error")
        return redirect(url_for("campus.access", participant_id=participant.id))
    if submit(form, lambda: operations.set_messages(current, current_user._get_current_object(), form.setting.data)):
        flash("Saved.", "success")
        return redirect(url_for("campus.access", participant_id=participant.id))
    return _access_page(participant, GrantAccessForm(formdata=None), EndAccessForm(formdata=None), 400,
                        setting_form=form)


@bp.post("/people/<int:participant_id>/access/end")
@role_required(Role.CASE_MANAGER)
def end_access(participant_id):
    participant = _participant_for_manager(participant_id)
    form = EndAccessForm()
    current = operations.current_access(participant)
    if current is None:
        flash("There is no access to end.", "error")
        return redirect(url_for("campus.access", participant_id=participant.id))
    if submit(form, lambda: operations.end_access(current, current_user._get_current_object(), form.reason.data)):
        flash(f"{participant.first_name}'s Virtual Campus access has ended.", "success")
        return redirect(url_for("campus.access", participant_id=participant.id))
    return _access_page(participant, GrantAccessForm(formdata=None), form, 400)


@bp.post("/people/<int:participant_id>/access/pin-unlock")
@role_required(Role.CASE_MANAGER)
def unlock_pin(participant_id):
    participant = _participant_for_manager(participant_id)
    form = UnlockPinForm()
    current = operations.current_access(participant)
    if current is None:
        flash("There is no access to unlock.", "error")
        return redirect(url_for("campus.access", participant_id=participant.id))
    if submit(form, lambda: operations.unlock_pin(current, current_user._get_current_object())):
        flash(f"{participant.first_name} can sign in at the kiosk with their PIN again.", "success")
    else:
        flash_form_errors(form)
    return redirect(url_for("campus.access", participant_id=participant.id))


# The provider's switch (campus/switch.py); its pages are in switch_views.py, on this blueprint.
from marketplace.campus import switch_views  # noqa: E402, F401
