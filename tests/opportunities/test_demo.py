"""The demo opportunities: a few hundred open ones of every kind across regions and sectors, each valid
by the same rules as the form and allowed by its organisation's level."""

from __future__ import annotations

from sqlalchemy import select

from marketplace.alliance import levels
from marketplace.alliance import operations as alliance_operations
from marketplace.extensions import db
from marketplace.opportunities import operations
from marketplace.opportunities.models import KINDS, Opportunity
from marketplace.reference import REGIONS


def test_demo_opportunities(app):
    result = app.test_cli_runner().invoke(args=["seed", "demo", "--seed", "5"])
    assert result.exit_code == 0, result.output
    live = db.session.scalars(select(Opportunity).where(Opportunity.open_clause())).all()
    assert len(live) >= 200
    assert {o.kind for o in live} == set(KINDS)
    assert {o.region for o in live} == set(REGIONS)
    assert len({o.sector for o in live}) >= 12
    statuses = set(db.session.scalars(select(Opportunity.status).distinct()))
    assert statuses == {"draft", "open", "closed", "filled", "archived"}
    for opportunity in db.session.scalars(select(Opportunity).where(Opportunity.status.in_(["open", "draft"]))):
        levels.check_may_post(opportunity.organisation, opportunity.kind)
        operations.check_details(operations.details_of(opportunity), opportunity.organisation, opportunity)
        assert opportunity.places_taken < opportunity.places or opportunity.status == "draft"
    for opportunity in db.session.scalars(select(Opportunity).where(Opportunity.status == "filled")):
        assert opportunity.places_taken == opportunity.places
    # The public directory counts each member's open opportunities with its sessions that have places.
    for entry in alliance_operations.directory(level=3)[:3]:
        own = sum(1 for o in live if o.organisation_id == entry.organisation.id)
        sessions = alliance_operations._open_offer_counts([entry.organisation.id]).get(entry.organisation.id, 0)
        assert entry.open_count == own + sessions and own > 0
