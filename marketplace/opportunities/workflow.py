"""An opportunity's status, as a table.

draft → open (publish) → closed (by hand, or on its closing date) or filled (its last place taken)
→ archived. A filled opportunity opens again when a place is released before its closing date. A
closed one can be reopened by hand while its closing date has not passed (an employer who closed it
early, or who moved the closing date on); one whose date has passed needs a new closing date first,
which editing gives it. A draft can be archived (thrown away). SYSTEM steps are taken by the service:
the closing-date job, the places operations and the import.
"""

from __future__ import annotations

from marketplace.core.roles import Role
from marketplace.core.workflow import SYSTEM, Workflow
from marketplace.opportunities.models import Opportunity, OpportunityStatus, OpportunityStatusChange

S = OpportunityStatus
POSTERS = {Role.EMPLOYER, Role.SOCIAL_ENTERPRISE}

OPPORTUNITY = Workflow(
    "opportunity",
    {
        (S.DRAFT, "publish"): (S.OPEN, POSTERS | {SYSTEM}),
        (S.DRAFT, "archive"): (S.ARCHIVED, POSTERS),
        (S.OPEN, "close"): (S.CLOSED, POSTERS),
        (S.OPEN, "expire"): (S.CLOSED, {SYSTEM}),
        (S.OPEN, "fill"): (S.FILLED, {SYSTEM}),
        (S.FILLED, "release_place"): (S.OPEN, {SYSTEM}),
        (S.FILLED, "close"): (S.CLOSED, POSTERS),
        (S.FILLED, "expire"): (S.CLOSED, {SYSTEM}),
        (S.FILLED, "archive"): (S.ARCHIVED, POSTERS),
        (S.CLOSED, "reopen"): (S.OPEN, POSTERS),
        (S.CLOSED, "archive"): (S.ARCHIVED, POSTERS),
    },
    labels={S.DRAFT: "Draft", S.OPEN: "Open", S.CLOSED: "Closed", S.FILLED: "Filled", S.ARCHIVED: "Archived"},
    history=OpportunityStatusChange,
    subject="opportunity",
)

STATUS_COLOURS = {S.DRAFT: "grey", S.OPEN: "green", S.CLOSED: "orange", S.FILLED: "blue", S.ARCHIVED: "grey"}


def transition(opportunity: Opportunity, action: str, actor=None, reason: str = "") -> OpportunityStatusChange:
    """Apply one step of the opportunity workflow and record it, or raise NotAllowed. `actor` None is
    the service itself."""
    change = OPPORTUNITY.apply(opportunity, action, actor, reason=reason)
    if opportunity.status == S.OPEN:
        opportunity.closed_at = None
        if opportunity.published_at is None:
            opportunity.published_at = change.at
    elif opportunity.status in (S.CLOSED, S.FILLED):
        opportunity.closed_at = change.at
    return change
