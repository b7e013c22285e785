"""The demo world's convictions: some spent, some not, one never spent; checks on opportunities; a letter."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select

from marketplace.accounts.models import User
from marketplace.disclosure import operations
from marketplace.disclosure.models import DisclosureLetter
from marketplace.extensions import db
from marketplace.opportunities.models import Opportunity
from marketplace.participants.models import Participant


def test_the_demo_has_spent_unspent_and_never_spent_convictions(app):
    result = app.test_cli_runner().invoke(args=["seed", "demo", "--seed", "11"])
    assert result.exit_code == 0, result.output
    manager = db.session.scalar(select(User).where(User.email == "case.manager@fairchance.example"))
    states = Counter()
    for participant in db.session.scalars(select(Participant).where(Participant.case_manager_id == manager.id)):
        for row in operations.assess_record(participant):
            states["never" if row.assessment.spent_date is None else
                   "spent" if row.assessment.spent else "unspent"] += 1
    assert states["spent"] and states["unspent"] and states["never"] == 1
    levels = set(db.session.scalars(select(Opportunity.check_level).distinct()))
    assert levels == {"none", "basic", "standard", "enhanced"}
    letter = db.session.scalar(select(DisclosureLetter))
    assert letter.participant.case_manager_id == manager.id
    assert "[" not in letter.body  # the placeholders were written over
