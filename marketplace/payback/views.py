"""Community Payback pages: public ones (nominate, confirm, see projects) need no sign-in; the
assessment pages are for payback managers of the project's region."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from marketplace.core import clock
from marketplace.core.db import writes_to_database
from marketplace.core.forms import record_id
from marketplace.core.operations import record_audit
from marketplace.core.roles import Role, get_visible_or_404, role_required
from marketplace.core.submissions import render_form, submit
from marketplace.extensions import db
from marketplace.payback import operations
from marketplace.payback.forms import AssessmentForm, ConfirmForm, ConfirmVoteForm, NominationForm, VoteForm
from marketplace.payback.models import CRITERIA, DECLINE_REASONS, YES_NO_UNSURE, PaybackProject, Status
from marketplace.payback.workflow import ACTION_LABELS, PROJECT
from marketplace.reference import REGIONS

bp = Blueprint("payback", __name__, url_prefix="/community-payback")

PUBLIC_STATUSES = (Status.SHORTLISTED, Status.ACCEPTED)


@bp.get("/")
def index():
    """Every shortlisted and accepted project by region, the most voted first: the public results."""
    projects = db.session.scalars(
        select(PaybackProject).where(PaybackProject.status.in_(PUBLIC_STATUSES))
    ).all()
    votes = operations.vote_counts(project.id for project in projects)
    by_region: dict[str, list] = {}
    for project in sorted(projects, key=lambda p: (p.status != Status.SHORTLISTED, -votes.get(p.id, 0), p.title)):
        by_region.setdefault(project.region, []).append(project)
    regions = [(region, by_region[region]) for region in REGIONS if region in by_region]
    return render_template("payback/index.html", regions=regions, votes=votes, today=clock.today())


def _public_project_or_404(project_id: int) -> PaybackProject:
    project = db.session.get(PaybackProject, record_id(project_id))
    if project is None or project.status not in PUBLIC_STATUSES:
        abort(404)
    return project


@bp.route("/projects/<int:project_id>", methods=["GET", "POST"])
def project(project_id):
    project = _public_project_or_404(project_id)
    form = VoteForm()
    robot = bool((form.website.data or "").strip())
    if submit(form, lambda: operations.request_vote(project, form.email.data, request.remote_addr or "",
                                                    robot=robot)) is not None:
        return redirect(url_for(".vote_sent", project_id=project.id))
    votes = operations.vote_counts([project.id]).get(project.id, 0)
    return render_form("payback/project.html", form, project=project, votes=votes,
                       voting_open=project.voting_open(clock.today()), today=clock.today())


@bp.get("/projects/<int:project_id>/vote-sent")
def vote_sent(project_id):
    return render_template("payback/vote_sent.html", project=_public_project_or_404(project_id))


@bp.route("/votes/<token>", methods=["GET", "POST"])
def confirm_vote(token):
    vote = operations.find_vote(token)
    if vote is None:
        return render_template("payback/link_expired.html"), 404
    form = ConfirmVoteForm()
    if (counted := submit(form, lambda: operations.confirm_vote(token))) is not None:
        votes = operations.vote_counts([counted.project_id]).get(counted.project_id, 0)
        return render_template("payback/vote_counted.html", project=counted.project, votes=votes)
    return render_form("payback/confirm_vote.html", form, project=vote.project)


@bp.route("/nominate", methods=["GET", "POST"])
def nominate():
    form = NominationForm()
    details = operations.NominationDetails(**{
        name: (getattr(form, name).data or ("" if name != "rules" else ()))
        for name in operations.NominationDetails.__dataclass_fields__
    }) if form.is_submitted() else None
    robot = bool((form.website.data or "").strip())
    result = submit(form, lambda: operations.nominate(details, request.remote_addr or "", robot=robot),
                    check=lambda: operations.check_nomination(details))
    if result is not None:
        return redirect(url_for(".nomination_sent"))
    return render_form("payback/nominate.html", form)


@bp.get("/nominate/sent")
def nomination_sent():
    return render_template("payback/nomination_sent.html")


@bp.route("/confirm/<token>", methods=["GET", "POST"])
def confirm_nomination(token):
    project = operations.find_unconfirmed(token)
    if project is None:
        return render_template("payback/link_expired.html"), 404
    form = ConfirmForm()
    if (confirmed := submit(form, lambda: operations.confirm_nomination(token))) is not None:
        return render_template("payback/nomination_confirmed.html", project=confirmed)
    return render_form("payback/confirm_nomination.html", form, project=project)


@bp.get("/nominations")
@role_required(Role.PAYBACK_MANAGER)
def nominations():
    region = current_user.organisation.region if current_user.organisation else ""
    status = request.args.get("status", "")
    query = select(PaybackProject).where(PaybackProject.region == region,
                                         PaybackProject.status != Status.UNCONFIRMED)
    if status in Status.__members__.values() and status != Status.UNCONFIRMED:
        query = query.where(PaybackProject.status == status)
    projects = db.session.scalars(query.order_by(PaybackProject.confirmed_at.desc())).all()
    return render_template("payback/nominations.html", projects=projects, region=region, status=status,
                           statuses=[s for s in Status if s != Status.UNCONFIRMED], regions=REGIONS)


@bp.get("/nominations/<int:project_id>")
@role_required(Role.PAYBACK_MANAGER)
@writes_to_database
def nomination(project_id):
    project = get_visible_or_404(PaybackProject, record_id(project_id))
    # The nominator's contact details are personal data: each look at them is recorded.
    record_audit("payback.nomination_viewed", project)
    db.session.commit()
    return render_template("payback/nomination.html", project=project, criteria=CRITERIA,
                           reasons=DECLINE_REASONS, answers=YES_NO_UNSURE, action_labels=ACTION_LABELS,
                           can_assess=bool(PROJECT.available(project, current_user)))


@bp.route("/nominations/<int:project_id>/assess", methods=["GET", "POST"])
@role_required(Role.PAYBACK_MANAGER)
def assess(project_id):
    project = get_visible_or_404(PaybackProject, record_id(project_id))
    if not PROJECT.available(project, current_user):
        flash(f"This nomination is {project.status_label.lower()}: there is nothing to decide.", "error")
        return redirect(url_for(".nomination", project_id=project.id))
    form = AssessmentForm()
    form.decision.choices = [(value, label) for value, label in form.decision.choices
                             if value in PROJECT.available(project, current_user)]

    def assessment():
        return operations.Assessment(decision=form.decision.data or "", scores=form.scores(),
                                     reason=form.reason.data or "", note=form.note.data or "",
                                     vote_opens_on=form.vote_opens_on.data, vote_closes_on=form.vote_closes_on.data)

    if submit(form, lambda: operations.assess(project, current_user, assessment()),
              check=lambda: operations.check_assessment(project, assessment())) is not None:
        flash(f"Decision saved: {project.status_label.lower()}. The nominator has been emailed.", "success")
        return redirect(url_for(".nomination", project_id=project.id))
    return render_form("payback/assess.html", form, project=project)
