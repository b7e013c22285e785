"""Subject access: everything held about one participant, including who viewed the record and when."""

from __future__ import annotations

from sqlalchemy import select

from marketplace.core import clock
from marketplace.core.models import AuditEvent
from marketplace.extensions import db
from marketplace.participants.models import (
    CLOSURE_REASONS,
    RATINGS,
    READINESS_LABELS,
    READINESS_TASKS,
    TASK_STATES,
    Participant,
)
from marketplace.reference import (
    MAPPA_CATEGORIES,
    MAPPA_LEVELS,
    OFFENCE_CATEGORIES,
    PATHWAYS,
    QUALIFICATION_LEVELS,
    QUALIFICATION_SUBJECTS,
    ROSH_LEVELS,
)

# Other features add what they hold about a participant (referrals, gate requests, ...): each entry
# is a function taking the participant and returning (section name, JSON-ready value).
EXPORT_SECTIONS: list = []
# What the codes in each section mean, for the readable export (participants/readable.py):
# section name -> {field: {code: words}}; a field's words also name the keys of a dict under it.
EXPORT_WORDS: dict[str, dict[str, dict[str, str]]] = {
    "participant": {
        "location": {"custody": "In custody", "community": "In the community"},
        "status": {"active": "Open", "closed": "Closed"},
        "readiness": {str(code): words for code, words in READINESS_LABELS.items()},
        "readiness_tasks": {**READINESS_TASKS, **TASK_STATES},
        "offence_categories": OFFENCE_CATEGORIES,
        "mappa_category": MAPPA_CATEGORIES,
        "mappa_level": MAPPA_LEVELS,
        "rosh_level": ROSH_LEVELS,
        "closed_reason": CLOSURE_REASONS,
        "subject": QUALIFICATION_SUBJECTS,
        "level": QUALIFICATION_LEVELS,
    },
    "needs_assessments": {"ratings": {**PATHWAYS, **RATINGS}},
}


def _date(value):
    return value.isoformat() if value is not None else None


def subject_access_export(participant: Participant) -> dict:
    record = {
        "exported_at": clock.now().isoformat(),
        "participant": {
            "participant_number": participant.participant_number,
            "first_name": participant.first_name,
            "last_name": participant.last_name,
            "date_of_birth": _date(participant.date_of_birth),
            "organisation": participant.organisation.name,
            "case_manager": participant.case_manager.full_name if participant.case_manager else None,
            "location": participant.location,
            "prison": participant.prison,
            "release_date": _date(participant.release_date),
            "release_date_confirmed": participant.release_date_confirmed,
            "order_end_date": _date(participant.order_end_date),
            "release_region": participant.release_region,
            "release_town": participant.release_town,
            "release_postcode": participant.release_postcode,
            "no_fixed_abode": participant.no_fixed_abode,
            "travel_miles": participant.travel_miles,
            "rotl_from": _date(participant.rotl_from),
            "skills": participant.skills,
            "qualifications": participant.qualifications,
            "work_history": participant.work_history,
            "interests": participant.interests,
            "goals": participant.goals,
            "readiness": participant.readiness,
            "readiness_tasks": participant.readiness_tasks,
            "offence_categories": participant.offence_categories,
            "no_work_with_children": participant.no_work_with_children,
            "no_work_with_vulnerable_adults": participant.no_work_with_vulnerable_adults,
            "mappa_category": participant.mappa_category,
            "mappa_level": participant.mappa_level,
            "rosh_level": participant.rosh_level,
            "status": participant.status,
            "closed_at": _date(participant.closed_at),
            "closed_reason": participant.closed_reason or None,
            "created_at": _date(participant.created_at),
            "updated_at": _date(participant.updated_at),
        },
        "needs_assessments": [
            {"assessed_on": _date(a.assessed_on), "assessed_by": a.assessed_by.full_name if a.assessed_by else None,
             "ratings": a.ratings, "notes": a.notes}
            for a in participant.assessments
        ],
        "consent": [
            {"given_on": _date(c.given_on), "employers": c.employers, "mentors": c.mentors, "purpose": c.purpose,
             "recorded_by": c.recorded_by.full_name if c.recorded_by else None, "recorded_at": _date(c.recorded_at)}
            for c in participant.consents
        ],
    }
    for section in EXPORT_SECTIONS:
        name, value = section(participant)
        record[name] = value
    record["access_log"] = [
        {"at": _date(event.at), "who": event.actor_email, "action": event.action, "detail": event.detail}
        for event in db.session.scalars(select(AuditEvent).where(
            AuditEvent.subject_type == "participants", AuditEvent.subject_id == str(participant.id))
            .order_by(AuditEvent.at, AuditEvent.id))
    ]
    return record
