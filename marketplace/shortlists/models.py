"""A shortlist is no more than which opportunities were saved for whom, by whom and when: what the list
shows about each one (open or not, why it fits) is read from the opportunity every time, so a closed or
archived opportunity stays on the list, marked, rather than vanishing."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.core import clock
from marketplace.core.db import UTCDateTime
from marketplace.extensions import db


class ShortlistEntry(db.Model):
    __tablename__ = "shortlist_entries"
    # One row per person and opportunity: saving it twice (a double click, two tabs) keeps one.
    __table_args__ = (UniqueConstraint("participant_id", "opportunity_id",
                                       name="uq_shortlist_entries_participant_opportunity"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"))
    opportunity_id: Mapped[int] = mapped_column(ForeignKey("opportunities.id", ondelete="CASCADE"), index=True)
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    participant = relationship("Participant")
    opportunity = relationship("Opportunity")
    added_by = relationship("User")
