"""Builders for convictions in tests: a participant's record as a few readable calls."""

from __future__ import annotations

from datetime import date, timedelta

from marketplace.core import clock
from marketplace.disclosure.models import ConvictionRecord, SentenceRecord
from marketplace.extensions import db


def conviction(participant, *, years_ago: float = 5, on: date | None = None, kind: str = "conviction",
               category: str = "fraud", specified: bool = False, schedule_18: bool = False,
               sentences=(("fine", None, None),)):
    """Add a conviction (or caution) to `participant`; `sentences` are (type, length_months, end_date)."""
    record = ConvictionRecord(
        participant_id=participant.id, participant=participant, kind=kind, offence_category=category,
        specified=specified, schedule_18=schedule_18,
        convicted_on=on or clock.today() - timedelta(days=round(365.25 * years_ago)),
        sentences=[SentenceRecord(position=i, type=t, length_months=length, end_date=end)
                   for i, (t, length, end) in enumerate(sentences)])
    db.session.add(record)
    db.session.flush()
    return record


def spent_fine(participant, category: str = "fraud"):
    """A fine five years ago: spent (after 12 months), still shown on standard checks (not 11 years)."""
    return conviction(participant, years_ago=5, category=category)


def unspent_custody(participant, category: str = "violence"):
    """Two years' custody ending a year ago: unspent for four more years (48 months added)."""
    end = clock.today() - timedelta(days=365)
    return conviction(participant, years_ago=3, category=category, sentences=(("custody", 24, end),))
