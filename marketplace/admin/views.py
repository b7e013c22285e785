from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, or_, select

from marketplace.accounts import operations as account_operations
from marketplace.accounts import registers
from marketplace.accounts.forms import ApprovalForm, ConfirmForm, ReasonForm
from marketplace.accounts.models import Organisation, OrganisationStatus, User, UserSession, UserStatus
from marketplace.accounts.workflow import REGISTRATION
from marketplace.admin.forms import AuditSearchForm, UserSearchForm
from marketplace.core.logs import without_link_secrets
from marketplace.core.models import AuditEvent, OutboxMessage
from marketplace.core.roles import Role, get_visible_or_404, role_required
from marketplace.core.submissions import flash_form_errors, render_form, submit
from marketplace.extensions import db

bp = Blueprint("admin", __name__, url_prefix="/admin")

PAGE_SIZE = 50


def _page() -> int:
    return request.args.get("page", 1, type=int) or 1


@bp.get("/")
@bp.get("/dashboard")
@role_required(Role.ADMIN)
def dashboard():
    counts = {
        "pending": account_operations.count_pending_registrations(),
        "organisations": db.session.scalar(select(func.count()).select_from(Organisation)
                                           .where(Organisation.status == OrganisationStatus.APPROVED)),
        "users": db.session.scalar(select(func.count()).select_from(User).where(User.status == UserStatus.ACTIVE)),
        "unsent": db.session.scalar(select(func.count()).select_from(OutboxMessage)
                                    .where(OutboxMessage.sent_at.is_(None))),
    }
    by_kind = db.session.execute(
        select(Organisation.kind, func.count()).where(Organisation.status == OrganisationStatus.APPROVED)
        .group_by(Organisation.kind)
    ).all()
    from marketplace.referrals.views import referral_counts

    counts.update(referral_counts(current_user))
    recent = db.session.scalars(select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(10)).all()
    return render_template("admin/dashboard.html", counts=counts, by_kind=dict(by_kind), recent=recent)


@bp.get("/registrations")
@role_required(Role.ADMIN)
def registrations():
    status = request.args.get("status", OrganisationStatus.PENDING)
    if status not in {s.value for s in OrganisationStatus}:
        status = OrganisationStatus.PENDING
    query = select(Organisation).where(Organisation.status == status).order_by(Organisation.created_at)
    page = db.paginate(query, page=_page(), per_page=PAGE_SIZE, error_out=False)
    return render_template("admin/registrations.html", page=page, status=status, workflow=REGISTRATION)


@bp.get("/registrations/<int:organisation_id>")
@role_required(Role.ADMIN)
def registration(organisation_id: int):
    organisation = get_visible_or_404(Organisation, organisation_id)
    return render_template("admin/registration.html", **_review(organisation))


def _review(organisation: Organisation, *, approve_form=None, reject_form=None) -> dict:
    """What the review page shows: the organisation, where to check it, and the two decisions."""
    return dict(organisation=organisation, workflow=REGISTRATION, where_to_check=registers.where_to_check(organisation),
                checks_needed=account_operations.approval_checks_needed(organisation),
                note_needed=account_operations.note_needed(organisation),
                applicant_domain=registers.applicant_domain,
                approve_form=approve_form or ApprovalForm(), reject_form=reject_form or ReasonForm())


@bp.post("/registrations/<int:organisation_id>/approve")
@role_required(Role.ADMIN)
def approve(organisation_id: int):
    organisation = get_visible_or_404(Organisation, organisation_id)
    form = ApprovalForm()
    actor = current_user._get_current_object()
    checks = account_operations.ApprovalChecks(register_checked=bool(form.register_checked.data),
                                               safeguarding_checked=bool(form.safeguarding_checked.data),
                                               note=form.note.data or "")
    if submit(form, lambda: account_operations.approve_organisation(organisation.id, actor, checks)):
        flash(f"{organisation.name} approved. Its users have been told.", "success")
        return redirect(url_for("admin.registrations"))
    return render_form("admin/registration.html", form, **_review(organisation, approve_form=form))


@bp.post("/registrations/<int:organisation_id>/reject")
@role_required(Role.ADMIN)
def reject(organisation_id: int):
    organisation = get_visible_or_404(Organisation, organisation_id)
    form = ReasonForm()
    if submit(form, lambda: account_operations.reject_organisation(
            organisation.id, current_user._get_current_object(), form.reason.data)):
        flash(f"{organisation.name} not approved. Its users have been told why.", "success")
        return redirect(url_for("admin.registrations"))
    return render_form("admin/registration.html", form, **_review(organisation, reject_form=form))


@bp.get("/users")
@role_required(Role.ADMIN)
def users():
    form = UserSearchForm(request.args)
    query = select(User).outerjoin(Organisation, User.organisation_id == Organisation.id).order_by(User.full_name)
    if form.validate():
        if form.q.data:
            needle = f"%{form.q.data.strip().lower()}%"
            query = query.where(or_(func.lower(User.full_name).like(needle), User.email.like(needle),
                                    func.lower(Organisation.name).like(needle)))
        if form.role.data:
            query = query.where(User.role == form.role.data)
        if form.status.data:
            query = query.where(User.status == form.status.data)
    page = db.paginate(query, page=_page(), per_page=PAGE_SIZE, error_out=False)
    return render_template("admin/users.html", form=form, page=page)


@bp.get("/users/<int:user_id>")
@role_required(Role.ADMIN)
def user(user_id: int):
    account = get_visible_or_404(User, user_id)
    open_sessions = db.session.scalar(
        select(func.count()).select_from(UserSession)
        .where(UserSession.user_id == account.id, UserSession.ended_at.is_(None))
    )
    events = db.session.scalars(
        select(AuditEvent).where(or_(AuditEvent.actor_id == account.id,
                                     (AuditEvent.subject_type == "users") & (AuditEvent.subject_id == str(account.id))))
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(20)
    ).all()
    return render_template("admin/user.html", account=account, open_sessions=open_sessions, events=events,
                           disable_form=ReasonForm(), enable_form=ConfirmForm())


@bp.post("/users/<int:user_id>/disable")
@role_required(Role.ADMIN)
def disable_user(user_id: int):
    account = get_visible_or_404(User, user_id)
    form = ReasonForm()
    if submit(form, lambda: account_operations.disable_user(account.id, current_user._get_current_object(),
                                                            form.reason.data)):
        flash(f"{account.full_name}'s account is disabled and signed out everywhere.", "success")
        return redirect(url_for("admin.user", user_id=account.id))
    return render_form("admin/user.html", form, account=account, open_sessions=None, events=[],
                       disable_form=form, enable_form=ConfirmForm())


@bp.post("/users/<int:user_id>/enable")
@role_required(Role.ADMIN)
def enable_user(user_id: int):
    account = get_visible_or_404(User, user_id)
    form = ConfirmForm()
    if submit(form, lambda: account_operations.enable_user(account.id, current_user._get_current_object())):
        flash(f"{account.full_name}'s account is enabled again.", "success")
    else:
        flash_form_errors(form)
    return redirect(url_for("admin.user", user_id=account.id))


@bp.get("/audit")
@role_required(Role.ADMIN)
def audit():
    form = AuditSearchForm(request.args)
    query = select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    searched = bool(request.args)
    if searched and form.validate():
        if form.actor.data:
            query = query.where(AuditEvent.actor_email.like(f"%{form.actor.data.strip().lower()}%"))
        if form.action.data:
            query = query.where(AuditEvent.action.like(f"{form.action.data.strip()}%"))
        if form.subject_type.data:
            query = query.where(AuditEvent.subject_type == form.subject_type.data.strip())
        if form.subject_id.data:
            query = query.where(AuditEvent.subject_id == form.subject_id.data.strip())
        if form.date_from.data:
            query = query.where(AuditEvent.at >= datetime.combine(form.date_from.data, time.min, UTC))
        if form.date_to.data:
            query = query.where(AuditEvent.at < datetime.combine(form.date_to.data + timedelta(days=1), time.min, UTC))
    page = db.paginate(query, page=_page(), per_page=PAGE_SIZE, error_out=False)
    status = 400 if form.errors else 200
    return render_template("admin/audit.html", form=form, page=page), status


@bp.get("/outbox")
@role_required(Role.ADMIN)
def outbox():
    query = select(OutboxMessage).order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
    to = request.args.get("to", "").strip().lower()
    if to:
        query = query.where(OutboxMessage.to_address.like(f"%{to}%"))
    page = db.paginate(query, page=_page(), per_page=PAGE_SIZE, error_out=False)
    return render_template("admin/outbox.html", page=page, to=to)


@bp.get("/outbox/<int:message_id>")
@role_required(Role.ADMIN)
def outbox_message(message_id: int):
    message = db.get_or_404(OutboxMessage, message_id)
    body = message.body if current_app.config["OUTBOX_SHOWS_LINK_SECRETS"] else without_link_secrets(message.body)
    return render_template("admin/outbox_message.html", message=message, body=body)
