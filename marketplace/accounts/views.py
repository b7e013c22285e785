from __future__ import annotations

from flask import Blueprint, abort, flash, g, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from marketplace.accounts import operations, registers, sessions
from marketplace.accounts.forms import (
    AcceptInvitationForm,
    ChangePasswordForm,
    ConfirmForm,
    InviteForm,
    LoginForm,
    RegistrationForm,
    ResetPasswordForm,
    ResetRequestForm,
)
from marketplace.accounts.models import Invitation
from marketplace.core import clock, throttle
from marketplace.core.exceptions import Refused
from marketplace.core.roles import ROLES_BY_KIND, Role, get_visible_or_404, organisation_admin_required
from marketplace.core.security import safe_next_path
from marketplace.core.submissions import attach_refusal, flash_form_errors, render_form, submit
from marketplace.extensions import db

bp = Blueprint("accounts", __name__)

SESSION_END_MESSAGES = {
    "idle": "You were signed out because you had not done anything for 30 minutes. Sign in again.",
    "expired": "You were signed out because you had been signed in for 12 hours. Sign in again.",
    "ended": "Your session has ended. Sign in again.",
}


@bp.route("/sign-in", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("core.home"))
    form = LoginForm()
    next_path = safe_next_path(request.args.get("next"))
    if not form.is_submitted():
        reason = request.args.get("reason")
        if reason in SESSION_END_MESSAGES:
            flash(SESSION_END_MESSAGES[reason], "info")
        return render_template("accounts/login.html", form=form)
    if form.validate():
        try:
            operations.sign_in(form.email.data, form.password.data, request.remote_addr)
        except Refused as refusal:
            # Commit deliberately: the failed attempt and its audit row must be counted.
            db.session.commit()
            attach_refusal(form, refusal)
            status = 429 if isinstance(refusal, throttle.Limited) else 400
            return render_template("accounts/login.html", form=form), status
        db.session.commit()
        return redirect(next_path or url_for("core.home"))
    return render_template("accounts/login.html", form=form), 400


@bp.post("/sign-out")
@login_required
def logout():
    person = current_user.role == Role.PERSON
    # At a prison kiosk the next person signs in with a PIN too (g.campus_access: set by the campus's guard).
    kiosk = person and getattr(g.get("campus_access"), "uses_kiosk_pin", False)
    operations.sign_out(current_user._get_current_object())
    db.session.commit()
    flash("You have signed out.", "success")
    return redirect(url_for("campus.kiosk_sign_in" if kiosk else "campus.sign_in" if person else "accounts.login"))


@bp.post("/session/keep-alive")
@login_required
def keep_alive():
    """Called by the timeout warning's "Stay signed in" button; loading the user refreshed the session."""
    return jsonify(sessions.expiry_times())


@bp.route("/register", methods=["GET", "POST"])
def register():
    if current_user.is_authenticated:
        return redirect(url_for("core.home"))
    form = RegistrationForm()
    details = lambda: _registration(form)  # noqa: E731
    if submit(form, lambda: operations.register_organisation(details()),
              check=lambda: operations.check_registration(details())):
        return redirect(url_for("accounts.registered"))
    return render_form("accounts/register.html", form, registers=registers.REGISTERS)


def _registration(form: RegistrationForm) -> operations.Registration:
    register = registers.info(form.register.data)
    number = getattr(form, register.field).data if register is not None and register.has_number else ""
    return operations.Registration(
        organisation_name=form.organisation_name.data or "", kind=form.kind.data,
        provider_type=form.provider_type.data, region=form.region.data, town=form.town.data or "",
        website=form.website.data or "", description=form.description.data or "",
        full_name=form.full_name.data or "", job_title=form.job_title.data or "", email=form.email.data or "",
        password=form.password.data or "", register=form.register.data or "", register_number=number or "",
        how_to_check=form.how_to_check.data or "", safeguarding_lead_name=form.safeguarding_lead_name.data or "",
        safeguarding_lead_email=form.safeguarding_lead_email.data or "",
    )


@bp.get("/register/done")
def registered():
    return render_template("accounts/registered.html")


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if submit(form, lambda: operations.change_password(current_user._get_current_object(),
                                                       form.current_password.data, form.password.data)):
        flash("Your password has been changed. Any other devices have been signed out.", "success")
        return redirect(url_for("accounts.account"))
    return render_form("accounts/change_password.html", form)


@bp.get("/account")
@login_required
def account():
    return render_template("accounts/account.html", user=current_user, confirm_form=ConfirmForm())


@bp.route("/password-reset", methods=["GET", "POST"])
def request_reset():
    form = ResetRequestForm()
    if submit(form, lambda: operations.request_password_reset(form.email.data)):
        return render_template("accounts/reset_sent.html", email=form.email.data)
    return render_form("accounts/reset_request.html", form)


@bp.route("/password-reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    if operations.find_reset_token(token) is None:
        return render_template("accounts/link_expired.html", what="password reset"), 404
    form = ResetPasswordForm()
    if submit(form, lambda: operations.reset_password(token, form.password.data)):
        flash("Your password has been reset. Sign in with your new password.", "success")
        return redirect(url_for("accounts.login"))
    return render_form("accounts/reset_password.html", form)


@bp.route("/invitation/<token>", methods=["GET", "POST"])
def accept_invitation(token: str):
    invitation = operations.find_invitation(token)
    if invitation is None:
        return render_template("accounts/link_expired.html", what="invitation"), 404
    if current_user.is_authenticated:
        sessions.end_current("switched account")
    form = AcceptInvitationForm()
    if submit(form, lambda: operations.accept_invitation(token, form.full_name.data, form.job_title.data or "",
                                                         form.password.data)):
        flash(f"Welcome to {invitation.organisation.name}.", "success")
        return redirect(url_for("core.home"))
    return render_form("accounts/accept_invitation.html", form, invitation=invitation)


@bp.get("/organisation")
@login_required
def organisation():
    organisation = current_user.organisation
    if organisation is None:
        abort(404)
    invitations = []
    if current_user.is_org_admin:
        invitations = db.session.scalars(
            select(Invitation).where(Invitation.organisation_id == organisation.id,
                                     Invitation.accepted_at.is_(None), Invitation.revoked_at.is_(None),
                                     Invitation.expires_at > clock.now())
            .order_by(Invitation.created_at.desc())
        ).all()
    return render_template("accounts/organisation.html", organisation=organisation,
                           invitations=invitations, confirm_form=ConfirmForm())


@bp.route("/organisation/invite", methods=["GET", "POST"])
@organisation_admin_required
def invite():
    organisation = current_user.organisation
    form = InviteForm()
    form.role.choices = [(role.value, role.label) for role in ROLES_BY_KIND[organisation.kind_enum]]
    if not form.is_submitted() and len(form.role.choices) == 1:
        form.role.data = form.role.choices[0][0]
    invitation = submit(form, lambda: operations.invite_colleague(
        current_user._get_current_object(), form.email.data, form.role.data, bool(form.make_org_admin.data)))
    if invitation:
        flash(f"Invitation sent to {invitation.email}.", "success")
        return redirect(url_for("accounts.organisation"))
    return render_form("accounts/invite.html", form, organisation=organisation)


@bp.post("/organisation/invitations/<int:invitation_id>/revoke")
@organisation_admin_required
def revoke_invitation(invitation_id: int):
    invitation = get_visible_or_404(Invitation, invitation_id)
    form = ConfirmForm()
    if submit(form, lambda: operations.revoke_invitation(invitation, current_user._get_current_object())):
        flash(f"Invitation to {invitation.email} revoked.", "success")
    else:
        flash_form_errors(form)
    return redirect(url_for("accounts.organisation"))


def unauthorised_redirect():
    """Where Flask-Login sends someone who needs to sign in: the sign-in page, explaining why."""
    reason = g.get("session_end_reason")
    params = {}
    if reason in SESSION_END_MESSAGES:
        params["reason"] = reason
    if request.method == "GET":
        params["next"] = request.full_path.rstrip("?")
    if request.blueprint == "campus":  # the Virtual Campus has its own sign-in, for people, not staff
        return redirect(url_for("campus.sign_in", reason=params.get("reason")))
    return redirect(url_for("accounts.login", **params))
