"""Careers information: pages an administrator writes and publishes for people on the Virtual Campus
(and their case managers), each with a list of outside links.

A person never follows an outside link directly: every link is /careers/out/<link id>, which records
who followed it and then sends them to the address an administrator stored (never one taken from the
request, so the route cannot be used as an open redirect).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.core import clock
from marketplace.core.db import UTCDateTime
from marketplace.extensions import db


class CareersPage(db.Model):
    __tablename__ = "careers_pages"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(120))
    summary: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text, default="")
    # None while it is a draft or after it is taken down: only published pages are shown.
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    links: Mapped[list[CareersLink]] = relationship(back_populates="page", order_by="CareersLink.position",
                                                    cascade="all, delete-orphan")

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    @property
    def paragraphs(self) -> list[str]:
        """The body as written: a blank line starts a new paragraph."""
        text = (self.body or "").replace("\r\n", "\n")
        return [part.strip() for part in text.split("\n\n") if part.strip()]


class CareersLink(db.Model):
    __tablename__ = "careers_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    page_id: Mapped[int] = mapped_column(ForeignKey("careers_pages.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    text: Mapped[str] = mapped_column(String(200))
    url: Mapped[str] = mapped_column(String(500))

    page: Mapped[CareersPage] = relationship(back_populates="links")

    @property
    def host(self) -> str:
        from urllib.parse import urlsplit

        return urlsplit(self.url).hostname or ""
