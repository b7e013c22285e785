"""What goes into the index for each kind of record, and which records belong there."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, time

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from marketplace.search.schema import NO_START_DATE, concepts_in, coordinate_value

BATCH = 500


@dataclass(frozen=True)
class Source:
    index: str
    entity: str
    indexable: Callable  # a SQL criterion: the rows that belong in the index
    model: Callable[[], type]
    to_document: Callable[[object], dict]
    # Loader options so that making a batch's documents asks nothing more of the database.
    load_options: Callable[[], tuple] = tuple

    def documents(self, session: Session, ids: list[int]) -> dict[int, dict | None]:
        """The document for each id, or None when the record is gone or must leave the index."""
        model = self.model()
        found = {row.id: self.to_document(row) for row in session.scalars(
            select(model).where(model.id.in_(ids), self.indexable()).options(*self.load_options()))}
        return {record_id: found.get(record_id) for record_id in ids}

    def all_documents(self, session: Session, low: int | None = None, high: int | None = None) -> Iterator[dict]:
        """Every record's document in id order, or those with ids from `low` to `high`, in batches."""
        model = self.model()
        last = low - 1 if low is not None else 0
        upper = (model.id <= high,) if high is not None else ()
        while True:
            rows = session.scalars(select(model).where(self.indexable(), model.id > last, *upper)
                                   .options(*self.load_options()).order_by(model.id).limit(BATCH)).all()
            if not rows:
                return
            for row in rows:
                yield self.to_document(row)
            last = rows[-1].id
            session.expunge_all()

    def documents_of(self, session: Session, ids: list[int]) -> Iterator[dict]:
        """The documents of these records (found by a query with `indexable` just before), read by
        primary key in batches. `indexable` is not asked again: on SQLite, with it in the query, the
        planner scans the status index and sorts for every batch, which grows with the square of the
        table; a record changed since is put right by the catch-up after the rebuild (its task is
        newer than the rebuild's start)."""
        model = self.model()
        for first in range(0, len(ids), BATCH):
            rows = session.scalars(select(model).where(model.id.in_(ids[first:first + BATCH]))
                                   .options(*self.load_options()).order_by(model.id)).all()
            for row in rows:
                yield self.to_document(row)
            session.expunge_all()

    def count(self, session: Session) -> int:
        model = self.model()
        return session.scalar(select(func.count()).select_from(model).where(self.indexable())) or 0


def _participant_model():
    from marketplace.participants.models import Participant

    return Participant


def _participant_indexable():
    from marketplace.participants.models import CaseStatus, Participant

    return Participant.status == CaseStatus.ACTIVE


def participant_document(participant) -> dict:
    from marketplace.reference import QUALIFICATION_SUBJECTS

    qualifications = [" ".join(filter(None, (q.get("title"), QUALIFICATION_SUBJECTS.get(q.get("subject"), ""))))
                      for q in participant.qualifications or []]
    profile = "\n".join([*participant.skills, *qualifications, participant.work_history or "", participant.goals or ""])
    interests = "\n".join(participant.interests or [])
    return {
        "key": f"participant:{participant.id}",
        "id": participant.id,
        "organisation_id": str(participant.organisation_id),
        "status": participant.status,
        "region": participant.release_region,
        "profile": profile,
        "interests": interests,
        "concepts": " ".join(concepts_in(f"{profile}\n{interests}")),
    }


def _opportunity_model():
    from marketplace.opportunities.models import Opportunity

    return Opportunity


def _opportunity_load_options() -> tuple:
    from sqlalchemy.orm import joinedload

    from marketplace.opportunities.models import Opportunity

    return (joinedload(Opportunity.organisation),)


def _opportunity_indexable():
    from marketplace.opportunities.models import Opportunity, OpportunityStatus

    return Opportunity.status == OpportunityStatus.OPEN


FAR_FUTURE = datetime(9999, 12, 31)


def opportunity_document(opportunity) -> dict:
    from marketplace.search.geography import coordinates

    criteria = "\n".join(filter(None, [opportunity.essential_criteria, opportunity.desirable_criteria,
                                        *(opportunity.minimum_requirements or []), opportunity.required_course]))
    text = f"{opportunity.title}\n{opportunity.description}\n{criteria}\n{opportunity.sector}"
    place = coordinates(opportunity.town)
    organisation = opportunity.organisation.name if opportunity.organisation else ""
    closing = (datetime.combine(opportunity.closing_date, time.min) if opportunity.closing_date and
               not opportunity.rolling else FAR_FUTURE)
    document = {
        "key": f"opportunity:{opportunity.id}",
        "id": opportunity.id,
        "organisation_id": str(opportunity.organisation_id),
        "title": opportunity.title,
        "description": opportunity.description,
        "body": f"{text}\n{organisation}",
        "organisation": organisation,
        "concepts": " ".join(concepts_in(text)),
        "spell": f"{opportunity.title}\n{opportunity.description}\n{opportunity.sector}",
        "kind": opportunity.kind,
        "sector": opportunity.sector,
        "region": opportunity.region,
        "town": opportunity.town,
        "status": opportunity.status,
        "national": bool(opportunity.national),
        "remote": bool(opportunity.remote),
        "paid": bool(opportunity.pay_from) or bool(opportunity.paid) or bool(opportunity.pays_minimum_wage),
        "custody_ok": bool(opportunity.custody_ok),
        "has_places": opportunity.places_taken < opportunity.places,
        "exclusions": ",".join(opportunity.offence_exclusions or []),
        "check_level": opportunity.check_level or "none",
        "children": bool(opportunity.involves_children),
        "vulnerable_adults": bool(opportunity.involves_vulnerable_adults),
        "leavers_only": bool(opportunity.prison_leavers_only),
        "qualification_subject": opportunity.qualification_subject or "",
        "guarantee": opportunity.kind == "guaranteed_interview" or bool(opportunity.leads_to_guaranteed_interview),
        "closing": closing,
        "starts": datetime.combine(opportunity.start_date, time.min) if opportunity.start_date else NO_START_DATE,
        "published": (opportunity.published_at or opportunity.created_at).replace(tzinfo=None),
    }
    if place is not None:
        document["lat"], document["lon"] = place
        document["latitude"] = coordinate_value(place[0], 90)
        document["longitude"] = coordinate_value(place[1], 180)
    return document


SOURCES: dict[str, Source] = {
    "opportunity": Source("opportunities", "opportunity", _opportunity_indexable, _opportunity_model,
                          opportunity_document, _opportunity_load_options),
    "participant": Source("participants", "participant", _participant_indexable, _participant_model,
                          participant_document),
}


def source_for_index(name: str) -> list[Source]:
    return [source for source in SOURCES.values() if source.index == name]
