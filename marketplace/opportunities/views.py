from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, or_, select

from marketplace.accounts.forms import ConfirmForm
from marketplace.alliance import levels
from marketplace.core import clock
from marketplace.core.db import writes_to_database
from marketplace.core.filters import days_from, govuk_date, plural
from marketplace.core.forms import record_id
from marketplace.core.roles import EMPLOYING_ROLES, Role, get_visible_or_404, role_required
from marketplace.core.submissions import flash_form_errors, render_form, submit
from marketplace.core.views import home_panel
from marketplace.extensions import db
from marketplace.opportunities import operations
from marketplace.opportunities.forms import STATUS_GROUPS, BrowseForm, OpportunityForm, OursForm
from marketplace.opportunities.models import KINDS, Opportunity, OpportunityStatus
from marketplace.opportunities.workflow import OPPORTUNITY, STATUS_COLOURS
from marketplace.reference import minimum_wage_on
from marketplace.shortlists.operations import shortlisted_ids

bp = Blueprint("opportunities", __name__, url_prefix="/opportunities")

PAGE_SIZE = 20
POSTERS = (Role.EMPLOYER, Role.SOCIAL_ENTERPRISE)
READERS = (Role.CASE_MANAGER, Role.ADMIN, *POSTERS)
S = OpportunityStatus
GROUPS = {"live": (S.OPEN, S.FILLED), "draft": (S.DRAFT,), "closed": (S.CLOSED,), "archived": (S.ARCHIVED,)}


def _actor():
    return current_user._get_current_object()


def template_names() -> dict:
    return {"workflow": OPPORTUNITY, "status_colours": STATUS_COLOURS, "kinds": KINDS}


bp.context_processor(lambda: {"opportunity_names": template_names()})


def _owned_or_404(opportunity_id: int) -> Opportunity:
    opportunity = get_visible_or_404(Opportunity, opportunity_id)
    if not opportunity.can_manage(current_user):
        abort(404)
    return opportunity


# Case managers: browse, open, print ---------------------------------------------------------------------

@bp.get("/")
@role_required(Role.CASE_MANAGER, Role.ADMIN)
def browse():
    """Open opportunities with simple filters; the full search comes with the search feature."""
    form = BrowseForm(request.args)
    if not form.validate():
        form = BrowseForm()
    query = select(Opportunity).where(Opportunity.open_clause())
    if form.kind.data:
        query = query.where(Opportunity.kind == form.kind.data)
    if form.sector.data:
        query = query.where(Opportunity.sector == form.sector.data)
    if form.region.data:
        query = query.where(or_(Opportunity.region == form.region.data, Opportunity.national.is_(True)))
    # Soonest closing first; rolling ones (no closing date) after them, newest first.
    query = query.order_by(Opportunity.rolling, Opportunity.closing_date, Opportunity.published_at.desc(),
                           Opportunity.id.desc())
    page = db.paginate(query, page=request.args.get("page", 1, type=int), per_page=PAGE_SIZE, error_out=False)
    return render_template("opportunities/browse.html", filters=form, page=page)


@bp.get("/<int:opportunity_id>")
@role_required(*READERS)
@writes_to_database
def show(opportunity_id: int):
    opportunity = get_visible_or_404(Opportunity, opportunity_id)
    manage = opportunity.can_manage(current_user)
    person = _person_in_view()
    return render_template("opportunities/show.html", opportunity=opportunity, manage=manage, preview=False,
                           today=clock.today(), related_course=_related_course(opportunity),
                           minimum_wage=minimum_wage_on(clock.today()), person=person,
                           on_shortlist=person is not None and opportunity.id in shortlisted_ids(person))


def _person_in_view():
    """The person whose matches a case manager came from (?participant=), kept in view so they can be
    referred from here; someone the user may not see is a 404, and the view is audited."""
    participant_id = request.args.get("participant", type=record_id)
    if participant_id is None or current_user.role != Role.CASE_MANAGER:
        return None
    from marketplace.participants.models import Participant
    from marketplace.participants.operations import record_view

    participant = get_visible_or_404(Participant, participant_id)
    record_view(participant, _actor(), "opportunity from their matches")
    db.session.commit()
    return participant


@bp.get("/<int:opportunity_id>/print")
@role_required(*READERS)
def print_sheet(opportunity_id: int):
    """A one-page sheet to hand to someone in custody who has no internet."""
    opportunity = get_visible_or_404(Opportunity, opportunity_id)
    return render_template("opportunities/print.html", opportunity=opportunity, today=clock.today(),
                           related_course=_related_course(opportunity))


def _related_course(opportunity: Opportunity) -> Opportunity | None:
    """The organisation's own published course that a guaranteed interview names, to link to it."""
    if not opportunity.required_course:
        return None
    return db.session.scalar(select(Opportunity).where(
        Opportunity.organisation_id == opportunity.organisation_id, Opportunity.kind == "training",
        func.lower(Opportunity.title) == opportunity.required_course.lower(),
        Opportunity.status.in_([S.OPEN, S.FILLED, S.CLOSED])).limit(1))


# Employers and social enterprises: their own --------------------------------------------------------------

@bp.get("/ours")
@role_required(*POSTERS)
def ours():
    form = OursForm(request.args)
    if not form.validate():
        form = OursForm()
    show = form.show.data if form.show.data in GROUPS else "live"
    whose = form.whose.data if form.whose.data in ("all", "mine") else "all"
    query = select(Opportunity).where(Opportunity.organisation_id == current_user.organisation_id,
                                      Opportunity.status.in_(GROUPS[show]))
    if whose == "mine":
        query = query.where(Opportunity.created_by_id == current_user.id)
    query = query.order_by(Opportunity.updated_at.desc(), Opportunity.id.desc())
    page = db.paginate(query, page=request.args.get("page", 1, type=int), per_page=PAGE_SIZE, error_out=False)
    return render_template("opportunities/ours.html", filters=form, page=page, show=show, whose=whose,
                           groups=STATUS_GROUPS, today=clock.today(),
                           allowed=[k for k in levels.allowed_kinds(current_user.organisation) if k in KINDS])


def _details_from(form: OpportunityForm) -> operations.OpportunityDetails:
    lines = [line.strip() for line in (form.minimum_requirements.data or "").splitlines() if line.strip()]
    return operations.OpportunityDetails(
        kind=form.kind.data or "", title=form.title.data or "", description=form.description.data or "",
        sector=form.sector.data or "", region=form.region.data or "", places=form.places.data,
        external_id=form.external_id.data or None, occupation_group=form.occupation_group.data or None,
        town=form.town.data or "", postcode=form.postcode.data or "", national=bool(form.national.data),
        remote=bool(form.remote.data), hours_per_week=form.hours_per_week.data,
        work_pattern=form.work_pattern.data or "", contract_type=form.contract_type.data or "",
        pay_from=form.pay_from.data, pay_to=form.pay_to.data, pay_period=form.pay_period.data or "",
        pays_minimum_wage=bool(form.pays_minimum_wage.data), start_date=form.start_date.data,
        end_date=form.end_date.data, closing_date=form.closing_date.data, rolling=bool(form.rolling.data),
        essential_criteria=form.essential_criteria.data or "", desirable_criteria=form.desirable_criteria.data or "",
        minimum_requirements=lines, documents=form.documents.data or [],
        offence_exclusions=form.offence_exclusions.data or [], check_level=form.check_level.data or "none",
        involves_children=bool(form.involves_children.data),
        involves_vulnerable_adults=bool(form.involves_vulnerable_adults.data), custody_ok=bool(form.custody_ok.data),
        prison_leavers_only=bool(form.prison_leavers_only.data), fidelity_bond=bool(form.fidelity_bond.data),
        how_to_apply=form.how_to_apply.data or "", paid=form.paid.data == "yes", setting=form.setting.data or "",
        is_training=bool(form.is_training.data), qualification_subject=form.qualification_subject.data or None,
        qualification_level=form.qualification_level.data or None,
        leads_to_guaranteed_interview=bool(form.leads_to_guaranteed_interview.data),
        required_course=form.required_course.data or "")


def _form_page(form: OpportunityForm, opportunity: Opportunity | None):
    organisation = current_user.organisation
    allowed = [kind for kind in levels.allowed_kinds(organisation) if kind in KINDS]
    form.kind.choices = [(kind, KINDS[kind]) for kind in KINDS if kind in allowed or
                         (opportunity is not None and kind == opportunity.kind)]
    return render_form("opportunities/form.html", form, opportunity=opportunity, allowed=allowed,
                       minimum_wage=minimum_wage_on(clock.today()))


@bp.route("/new", methods=["GET", "POST"])
@role_required(*POSTERS)
def new():
    form = OpportunityForm()
    if not form.is_submitted():
        allowed = [kind for kind in levels.allowed_kinds(current_user.organisation) if kind in KINDS]
        if request.args.get("kind") in allowed:
            form.kind.data = request.args["kind"]
        form.region.data = current_user.organisation.region
    form.submit.label.text = "Save and preview"
    opportunity = submit(form, lambda: operations.create_opportunity(current_user.organisation, _details_from(form),
                                                                     _actor()),
                         check=lambda: operations.check_opportunity(current_user.organisation, _details_from(form)))
    if opportunity:
        flash("Saved as a draft. Check it as case managers will see it, then publish it.", "success")
        return redirect(url_for("opportunities.preview", opportunity_id=opportunity.id))
    return _form_page(form, None)


@bp.route("/<int:opportunity_id>/edit", methods=["GET", "POST"])
@role_required(*POSTERS)
def edit(opportunity_id: int):
    opportunity = _owned_or_404(opportunity_id)
    if opportunity.status == S.ARCHIVED:
        flash("This opportunity is archived, so it cannot be changed. Duplicate it to post it again.", "error")
        return redirect(url_for("opportunities.show", opportunity_id=opportunity.id))
    form = OpportunityForm()
    if not form.is_submitted():
        form.fill_from(opportunity)
    form.submit.label.text = "Save changes"
    if submit(form, lambda: operations.update_opportunity(opportunity.id, _details_from(form), _actor()),
              check=lambda: operations.check_opportunity(opportunity.organisation, _details_from(form), opportunity)):
        flash("Changes saved.", "success")
        if opportunity.status == S.DRAFT:
            return redirect(url_for("opportunities.preview", opportunity_id=opportunity.id))
        return redirect(url_for("opportunities.show", opportunity_id=opportunity.id))
    return _form_page(form, opportunity)


@bp.get("/<int:opportunity_id>/preview")
@role_required(*POSTERS)
def preview(opportunity_id: int):
    """The opportunity exactly as case managers see it, with the button to publish a draft."""
    opportunity = _owned_or_404(opportunity_id)
    return render_template("opportunities/show.html", opportunity=opportunity, manage=False, preview=True,
                           today=clock.today(), related_course=_related_course(opportunity),
                           minimum_wage=minimum_wage_on(clock.today()))


def _step(opportunity_id: int, operation, done: str, *, to_preview_on_error: bool = False):
    opportunity = _owned_or_404(opportunity_id)
    form = ConfirmForm()
    if submit(form, lambda: operation(opportunity.id, _actor())):
        flash(done.format(title=opportunity.title), "success")
    else:
        flash_form_errors(form)
        if to_preview_on_error:
            return redirect(url_for("opportunities.preview", opportunity_id=opportunity.id))
    return redirect(url_for("opportunities.show", opportunity_id=opportunity.id))


@bp.post("/<int:opportunity_id>/publish")
@role_required(*POSTERS)
def publish(opportunity_id: int):
    return _step(opportunity_id, operations.publish, "\"{title}\" is published. Case managers can now find it.",
                 to_preview_on_error=True)


@bp.post("/<int:opportunity_id>/close")
@role_required(*POSTERS)
def close(opportunity_id: int):
    return _step(opportunity_id, operations.close, "\"{title}\" is closed. Case managers no longer see it.")


@bp.post("/<int:opportunity_id>/reopen")
@role_required(*POSTERS)
def reopen(opportunity_id: int):
    return _step(opportunity_id, operations.reopen, "\"{title}\" is open again.")


@bp.post("/<int:opportunity_id>/archive")
@role_required(*POSTERS)
def archive(opportunity_id: int):
    opportunity = _owned_or_404(opportunity_id)
    form = ConfirmForm()
    if submit(form, lambda: operations.archive(opportunity.id, _actor())):
        flash(f"\"{opportunity.title}\" is archived.", "success")
        return redirect(url_for("opportunities.ours", show="archived"))
    flash_form_errors(form)
    return redirect(url_for("opportunities.show", opportunity_id=opportunity.id))


@bp.post("/<int:opportunity_id>/duplicate")
@role_required(*POSTERS)
def duplicate(opportunity_id: int):
    opportunity = _owned_or_404(opportunity_id)
    form = ConfirmForm()
    copy = submit(form, lambda: operations.duplicate(opportunity.id, _actor()))
    if copy:
        flash("This is a copy, saved as a draft. Check the dates and places, then publish it.", "success")
        return redirect(url_for("opportunities.edit", opportunity_id=copy.id))
    flash_form_errors(form)
    return redirect(url_for("opportunities.show", opportunity_id=opportunity.id))


# Home pages -------------------------------------------------------------------------------------------------

@home_panel
def poster_home(user) -> dict:
    """An employer's or social enterprise's live opportunities, and those that need attention."""
    if user.role not in EMPLOYING_ROLES or user.organisation_id is None:
        return {}
    today = clock.today()
    mine = select(Opportunity).where(Opportunity.organisation_id == user.organisation_id)
    live = db.session.scalars(mine.where(Opportunity.status.in_([S.OPEN, S.FILLED]))
                              .order_by(Opportunity.updated_at.desc()).limit(6)).all()
    counts = dict(db.session.execute(select(Opportunity.status, func.count()).where(
        Opportunity.organisation_id == user.organisation_id).group_by(Opportunity.status)).all())
    attention = []
    drafts = counts.get(S.DRAFT, 0)
    if drafts:
        attention.append((f"{plural(drafts, 'draft')} not published yet",
                          url_for("opportunities.ours", show="draft")))
    for item in operations.closing_soon(user.organisation_id):
        attention.append((f"\"{item.title}\" closes on {govuk_date(item.closing_date)} "
                          f"({days_from(item.closing_date, today)})",
                          url_for("opportunities.show", opportunity_id=item.id)))
    for item in db.session.scalars(mine.where(Opportunity.status == S.FILLED,
                                              Opportunity.updated_at >= clock.now() - timedelta(days=14))):
        attention.append((f"\"{item.title}\" is filled: add places or close it",
                          url_for("opportunities.show", opportunity_id=item.id)))
    return {"opportunities_home": {"live": live, "open": counts.get(S.OPEN, 0), "filled": counts.get(S.FILLED, 0),
                                   "attention": attention,
                                   "may_post": any(k in KINDS for k in levels.allowed_kinds(user.organisation))}}
