from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.core import clock
from marketplace.core.db import UTCDateTime
from marketplace.extensions import db


class IndexTask(db.Model):
    """One entry in the ordered log of changes the search index must follow: "look again at this
    record". The id is the log position; an index remembers the last position it applied."""

    __tablename__ = "index_tasks"
    __table_args__ = (Index("ix_index_tasks_entity_id", "entity", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    entity: Mapped[str] = mapped_column(String(30))
    entity_id: Mapped[int] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, index=True)
