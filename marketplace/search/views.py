from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import current_user

from marketplace.core import clock
from marketplace.core.db import writes_to_database
from marketplace.core.roles import EMPLOYING_ROLES, Role, get_visible_or_404, role_required
from marketplace.extensions import db
from marketplace.search import queries
from marketplace.search.forms import KINDS, SORTS, MatchFilterForm, OpportunitySearchForm
from marketplace.search.matching import Seeker

bp = Blueprint("search", __name__, url_prefix="/search")


@bp.get("/")
@role_required(Role.CASE_MANAGER, Role.EMPLOYER, Role.SOCIAL_ENTERPRISE, Role.ADMIN)
def opportunities():
    """Search open opportunities. Employers and social enterprises search only their own."""
    form = OpportunitySearchForm(request.args)
    if not form.validate():
        form = OpportunitySearchForm()
    own_only = current_user.role in EMPLOYING_ROLES
    search = queries.SearchRequest(
        text=form.q.data or "", kinds=form.kind.data or [], sectors=form.sector.data or [],
        regions=form.region.data or [], paid=bool(form.paid.data), custody_ok=bool(form.custody_ok.data),
        guarantee=bool(form.guarantee.data),
        closing_within=int(form.closing_within.data) if (form.closing_within.data or "").strip() else None,
        sort=form.sort.data or "relevance", near=form.near.data or "",
        organisation_id=current_user.organisation_id if own_only else None,
        page=request.args.get("page", 1, type=int) or 1, exact=request.args.get("exact") == "1")
    results = queries.search_opportunities(search, clock.today())
    return render_template("search/opportunities.html", form=None, filters=form, results=results, kinds=KINDS,
                           sorts=SORTS, own_only=own_only)


@bp.get("/participants/<int:participant_id>")
@role_required(Role.CASE_MANAGER, Role.ADMIN)
@writes_to_database
def matches(participant_id: int):
    """Open opportunities a participant can take, best first, each with the reasons."""
    from marketplace.participants.models import Participant
    from marketplace.participants.operations import record_view

    participant = get_visible_or_404(Participant, participant_id)
    record_view(participant, current_user._get_current_object(), "find opportunities")
    db.session.commit()
    form = MatchFilterForm(request.args)
    if not form.validate():
        form = MatchFilterForm()
    today = clock.today()
    found = queries.match_seeker(Seeker.from_participant(participant), today, limit=200)
    if form.sector.data:
        found = [m for m in found if m.offer.sector == form.sector.data]
    if form.kind.data:
        found = [m for m in found if m.offer.kind == form.kind.data]
    from marketplace.referrals.operations import referrals_of
    from marketplace.shortlists.operations import shortlisted_ids

    # Newest first, so each opportunity shows its latest referral.
    referred: dict = {}
    for referral in referrals_of(participant):
        referred.setdefault(referral.opportunity_id, referral)
    return render_template("search/matches.html", participant=participant, matches=found[:50], total=len(found),
                           filters=form, kinds=KINDS, referred=referred, shortlisted=shortlisted_ids(participant),
                           today=today)


@bp.get("/opportunities/<int:opportunity_id>/people")
@role_required(Role.CASE_MANAGER)
def people(opportunity_id: int):
    """People on the case manager's own organisation's caseload who can take an opportunity."""
    from marketplace.opportunities.models import Opportunity

    opportunity = get_visible_or_404(Opportunity, opportunity_id)
    found = queries.people_for(opportunity, current_user.organisation_id, clock.today())
    return render_template("search/people.html", opportunity=opportunity, found=found, kinds=KINDS)
