"""Every write about participants. The forms, the import command and the admin screens call these,
so a rule (a release date after the date of birth, a known prison, a real postcode) is checked the
same way wherever the data comes from. Each operation validates everything before it changes
anything, so a refusal leaves the record as it was."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields
from datetime import date, timedelta

from sqlalchemy import select

from marketplace.accounts.models import User, UserStatus
from marketplace.core import clock
from marketplace.core.exceptions import Problems, Refused
from marketplace.core.operations import record_audit
from marketplace.core.postcodes import POSTCODE, REAL_POSTCODE, normalise_postcode  # noqa: F401 - used by others
from marketplace.core.roles import Role
from marketplace.extensions import db
from marketplace.participants.models import (
    CLOSURE_REASONS,
    RATINGS,
    READINESS_TASKS,
    TASK_STATES,
    CaseStatus,
    ConsentRecord,
    Location,
    NeedsAssessment,
    Participant,
    Readiness,
)
from marketplace.reference import (
    MAPPA_CATEGORIES,
    MAPPA_LEVELS,
    OFFENCE_CATEGORIES,
    PATHWAYS,
    PRISONS,
    QUALIFICATION_LEVELS,
    QUALIFICATION_SUBJECTS,
    REGIONS,
    ROSH_LEVELS,
)

# UK postcode format, from the government data standards catalogue (BS 7666 pattern).
PARTICIPANT_NUMBER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9/-]{0,19}$")
MAX_TRAVEL_MILES = 300
MAX_LIST_ITEMS = 50
MAX_ITEM_LENGTH = 100


@dataclass
class Details:
    """Everything about a participant that the add and edit forms and the import set."""

    participant_number: str
    first_name: str
    last_name: str
    date_of_birth: date
    location: str
    release_region: str
    prison: str | None = None
    release_date: date | None = None
    release_date_confirmed: bool = False
    order_end_date: date | None = None
    release_town: str = ""
    release_postcode: str = ""
    no_fixed_abode: bool = False
    travel_miles: int | None = None
    rotl_from: date | None = None
    skills: list[str] = field(default_factory=list)
    qualifications: list[dict] = field(default_factory=list)
    work_history: str = ""
    interests: list[str] = field(default_factory=list)
    goals: str = ""


@dataclass
class Restrictions:
    offence_categories: list[str] = field(default_factory=list)
    no_work_with_children: bool = False
    no_work_with_vulnerable_adults: bool = False
    mappa_category: str | None = None
    mappa_level: str | None = None
    rosh_level: str | None = None


DETAIL_FIELDS = [f.name for f in fields(Details)]
RESTRICTION_FIELDS = [f.name for f in fields(Restrictions)]


def _clean_list(values: list[str], name: str) -> list[str]:
    cleaned = []
    for value in values or []:
        value = (value or "").strip()
        if not value:
            continue
        if len(value) > MAX_ITEM_LENGTH:
            raise Refused(f"Each entry must be {MAX_ITEM_LENGTH} characters or fewer", field=name)
        if value not in cleaned:
            cleaned.append(value)
    if len(cleaned) > MAX_LIST_ITEMS:
        raise Refused(f"Enter {MAX_LIST_ITEMS} entries or fewer", field=name)
    return cleaned


def check_details(details: Details, organisation_id: int, participant: Participant | None = None) -> Details:
    """Return cleaned details, or raise Refused naming every field that is wrong (all at once)."""
    problems = Problems()
    today = clock.today()
    number = (details.participant_number or "").strip().upper()
    if problems.check(bool(PARTICIPANT_NUMBER.match(number)),
                      "Participant number must be up to 20 letters, numbers, hyphens or slashes",
                      field="participant_number"):
        duplicate = db.session.scalar(select(Participant.id).where(
            Participant.organisation_id == organisation_id, Participant.participant_number == number))
        problems.check(duplicate is None or (participant is not None and duplicate == participant.id),
                       "Another person on your organisation's caseload has this participant number",
                       field="participant_number")
    for name in ("first_name", "last_name"):
        value = (getattr(details, name) or "").strip()
        if problems.check(bool(value), f"Enter the {name.replace('_', ' ')}", field=name):
            problems.check(len(value) <= 100, f"The {name.replace('_', ' ')} must be 100 characters or fewer",
                           field=name)
    born = details.date_of_birth
    if born is None:
        problems.add("Enter the date of birth", field="date_of_birth")
    elif not (problems.check(born <= today, "Date of birth must be in the past", field="date_of_birth")
              and problems.check(365.25 * 15 <= (today - born).days <= 365.25 * 100,
                                 "Date of birth must be for someone aged between 15 and 100", field="date_of_birth")):
        born = None  # later rules compare other dates with it
    problems.check(details.location in {loc.value for loc in Location},
                   "Select whether the person is in custody or in the community", field="location")
    prison = (details.prison or "").strip() or None
    if details.location == Location.CUSTODY:
        if problems.check(prison is not None, "Select the prison the person is in", field="prison"):
            problems.check(prison in PRISONS, "Select a prison from the list", field="prison")
    else:
        prison = None
    for name in ("release_date", "order_end_date", "rotl_from"):
        value = getattr(details, name)
        if value is not None and born is not None and value <= born:
            label = {"release_date": "Release date", "order_end_date": "Order end date",
                     "rotl_from": "The date they can work on ROTL from"}[name]
            problems.add(f"{label} must be after the date of birth", field=name)
    # A release date already past, typed for someone still in prison, is a mistake; one that has passed
    # since (the record not yet updated) is not refused when something else is changed.
    release_moved = participant is None or details.release_date != participant.release_date
    if (details.location == Location.CUSTODY and details.release_date is not None and details.release_date < today
            and release_moved):
        problems.add("For someone in prison, the release date must be today or in the future. If they have been "
                     "released, choose 'In the community'", field="release_date")
    if details.order_end_date and details.release_date and details.order_end_date < details.release_date:
        problems.add("Order end date must be on or after the release date", field="order_end_date")
    if details.rotl_from is not None:
        if details.location != Location.CUSTODY:
            problems.add("Release on temporary licence only applies to people in custody", field="rotl_from")
        elif details.release_date and details.rotl_from >= details.release_date:
            problems.add("The date they can work on ROTL from must be before the release date", field="rotl_from")
    problems.check(details.release_region in REGIONS, "Select the region the person will live in",
                   field="release_region")
    postcode = normalise_postcode(details.release_postcode)
    if details.no_fixed_abode:
        postcode = ""
    else:
        problems.check(not postcode or bool(POSTCODE.match(postcode)), REAL_POSTCODE,
                       field="release_postcode")
    town = (details.release_town or "").strip()
    problems.check(len(town) <= 100, "Town must be 100 characters or fewer", field="release_town")
    if details.travel_miles is not None:
        problems.check(0 <= details.travel_miles <= MAX_TRAVEL_MILES,
                       f"How far they can travel must be between 0 and {MAX_TRAVEL_MILES} miles", field="travel_miles")
    qualifications = []
    for item in details.qualifications or []:
        subject, level = item.get("subject"), item.get("level")
        title = (item.get("title") or "").strip()
        if not (problems.check(subject in QUALIFICATION_SUBJECTS, "Select the subject area of each qualification",
                               field="qualifications")
                and problems.check(level in QUALIFICATION_LEVELS, "Select the level of each qualification",
                                   field="qualifications")
                and problems.check(len(title) <= MAX_ITEM_LENGTH,
                                   f"Qualification titles must be {MAX_ITEM_LENGTH} characters or fewer",
                                   field="qualifications")):
            break
        qualifications.append({"subject": subject, "level": level, "title": title})
    for name in ("work_history", "goals"):
        problems.check(len(getattr(details, name) or "") <= 5000, "Enter 5,000 characters or fewer", field=name)
    skills = problems.kept(lambda: _clean_list(details.skills, "skills"), [])
    interests = problems.kept(lambda: _clean_list(details.interests, "interests"), [])
    problems.raise_any()
    return Details(
        participant_number=number, first_name=details.first_name.strip(), last_name=details.last_name.strip(),
        date_of_birth=born, location=details.location, prison=prison, release_date=details.release_date,
        release_date_confirmed=bool(details.release_date_confirmed and details.release_date),
        order_end_date=details.order_end_date, release_region=details.release_region, release_town=town,
        release_postcode=postcode, no_fixed_abode=bool(details.no_fixed_abode), travel_miles=details.travel_miles,
        rotl_from=details.rotl_from, skills=skills, qualifications=qualifications,
        work_history=(details.work_history or "").strip(), interests=interests,
        goals=(details.goals or "").strip(),
    )


def check_restrictions(restrictions: Restrictions) -> Restrictions:
    categories = []
    for category in restrictions.offence_categories or []:
        if category not in OFFENCE_CATEGORIES:
            raise Refused("Select offence categories from the list", field="offence_categories")
        if category not in categories:
            categories.append(category)
    for name, allowed in (("mappa_category", MAPPA_CATEGORIES), ("mappa_level", MAPPA_LEVELS),
                          ("rosh_level", ROSH_LEVELS)):
        value = getattr(restrictions, name)
        if value not in (None, "") and value not in allowed:
            raise Refused("Select an option from the list", field=name)
    mappa_category = restrictions.mappa_category or None
    mappa_level = restrictions.mappa_level or None
    if bool(mappa_category) != bool(mappa_level):
        raise Refused("Give both the MAPPA category and the MAPPA level, or neither",
                      field="mappa_level" if mappa_category else "mappa_category")
    return Restrictions(
        offence_categories=[c for c in OFFENCE_CATEGORIES if c in categories],
        no_work_with_children=bool(restrictions.no_work_with_children),
        no_work_with_vulnerable_adults=bool(restrictions.no_work_with_vulnerable_adults),
        mappa_category=mappa_category, mappa_level=mappa_level, rosh_level=restrictions.rosh_level or None,
    )


def _ensure_open(participant: Participant) -> None:
    if participant.is_closed:
        raise Refused("This case is closed, so the record cannot be changed")


def _apply(participant: Participant, values: Details | Restrictions) -> None:
    for f in fields(values):
        setattr(participant, f.name, getattr(values, f.name))
    _changed(participant)


def _changed(participant: Participant) -> None:
    """Every change to a participant passes here: stamp it, and have the search index look again."""
    from marketplace.search.sync import queue

    participant.updated_at = clock.now()
    if participant.id is None:
        db.session.flush()
    queue("participant", participant.id)


def case_managers_of(organisation_id: int) -> list[User]:
    return list(db.session.scalars(select(User).where(
        User.organisation_id == organisation_id, User.role == Role.CASE_MANAGER, User.status == UserStatus.ACTIVE,
    ).order_by(User.full_name)))


def create_participant(details: Details, case_manager: User, restrictions: Restrictions | None = None) -> Participant:
    """Add a person to `case_manager`'s caseload."""
    if case_manager.role != Role.CASE_MANAGER or case_manager.organisation_id is None:
        raise Refused("Only case managers can add people to a caseload")
    cleaned = check_details(details, case_manager.organisation_id)
    checked_restrictions = check_restrictions(restrictions) if restrictions is not None else None
    participant = Participant(organisation_id=case_manager.organisation_id, case_manager_id=case_manager.id,
                              status=CaseStatus.ACTIVE, readiness=Readiness.NOT_READY, readiness_tasks={},
                              created_at=clock.now(), updated_at=clock.now())
    for values in (cleaned, checked_restrictions):
        for f in fields(values) if values is not None else ():
            setattr(participant, f.name, getattr(values, f.name))
    db.session.add(participant)
    db.session.flush()
    _changed(participant)
    record_audit("participant.created", participant, actor=case_manager)
    return participant


def update_participant(participant: Participant, details: Details, actor: User,
                       case_manager_id: int | None = None, restrictions: Restrictions | None = None) -> Participant:
    """Change a participant's details (and, from the import, their restrictions)."""
    _ensure_open(participant)
    cleaned = check_details(details, participant.organisation_id, participant)
    checked_restrictions = check_restrictions(restrictions) if restrictions is not None else None
    if case_manager_id is not None and case_manager_id != participant.case_manager_id:
        if case_manager_id not in {user.id for user in case_managers_of(participant.organisation_id)}:
            raise Refused("Select a case manager from your organisation", field="case_manager_id")
        participant.case_manager_id = case_manager_id
    _apply(participant, cleaned)
    if checked_restrictions is not None:
        _apply(participant, checked_restrictions)
    record_audit("participant.updated", participant, actor=actor)
    return participant


def update_restrictions(participant: Participant, restrictions: Restrictions, actor: User) -> Participant:
    """Record the offence categories, work restrictions and risk levels (never written to the audit log)."""
    _ensure_open(participant)
    _apply(participant, check_restrictions(restrictions))
    record_audit("participant.restrictions_updated", participant, actor=actor)
    return participant


def update_readiness(participant: Participant, readiness: str, tasks: dict[str, str], actor: User) -> Participant:
    _ensure_open(participant)
    if readiness not in {r.value for r in Readiness}:
        raise Refused("Select how ready the person is to work", field="readiness")
    for task, state in tasks.items():
        if task not in READINESS_TASKS or state not in TASK_STATES:
            raise Refused("Select a state for each task", field=task)
    participant.readiness = readiness
    participant.readiness_tasks = {task: tasks.get(task, "not_started") for task in READINESS_TASKS}
    _changed(participant)
    record_audit("participant.readiness_updated", participant, actor=actor, detail=readiness)
    return participant


def record_assessment(participant: Participant, assessed_on: date, ratings: dict[str, str], notes: str,
                      actor: User) -> NeedsAssessment:
    """Add a red/amber/green needs assessment over the ten pathways."""
    _ensure_open(participant)
    if assessed_on is None:
        raise Refused("Enter the date of the assessment", field="assessed_on")
    if assessed_on > clock.today():
        raise Refused("The date of the assessment must be today or in the past", field="assessed_on")
    if assessed_on < participant.date_of_birth:
        raise Refused("The date of the assessment must be after the date of birth", field="assessed_on")
    for pathway in PATHWAYS:
        if ratings.get(pathway) not in RATINGS:
            raise Refused(f"Select a rating for {PATHWAYS[pathway].lower()}", field=pathway)
    if len(notes or "") > 5000:
        raise Refused("Notes must be 5,000 characters or fewer", field="notes")
    assessment = NeedsAssessment(participant=participant, assessed_on=assessed_on, assessed_by_id=actor.id,
                                 ratings={p: ratings[p] for p in PATHWAYS}, notes=(notes or "").strip(),
                                 created_at=clock.now())
    db.session.add(assessment)
    participant.updated_at = clock.now()
    db.session.flush()
    record_audit("participant.assessed", participant, actor=actor)
    return assessment


def record_consent(participant: Participant, employers: bool, mentors: bool, given_on: date, purpose: str,
                   actor: User) -> ConsentRecord:
    """Record what the participant agreed may be shared. The newest record replaces the one in force."""
    _ensure_open(participant)
    if given_on is None:
        raise Refused("Enter the date the person gave or refused consent", field="given_on")
    if given_on > clock.today():
        raise Refused("The date of consent must be today or in the past", field="given_on")
    if len(purpose or "") > 1000:
        raise Refused("What they agreed to must be 1,000 characters or fewer", field="purpose")
    record = ConsentRecord(participant=participant, employers=bool(employers), mentors=bool(mentors),
                           given_on=given_on, purpose=(purpose or "").strip(), recorded_by_id=actor.id,
                           recorded_at=clock.now())
    db.session.add(record)
    participant.updated_at = clock.now()
    db.session.flush()
    record_audit("participant.consent_recorded", participant, actor=actor,
                 detail=f"employers={'yes' if employers else 'no'} mentors={'yes' if mentors else 'no'}")
    for hook in CONSENT_HOOKS:
        hook(participant, record, actor)
    return record


# Other features register here what follows from consent recorded (Gatemate ends its requests when
# consent to share with mentors is withdrawn), in the same transaction as the consent itself.
CONSENT_HOOKS: list = []


def record_release(participant: Participant, released_on: date, actor: User, *,
                   no_fixed_abode: bool | None = None) -> Participant:
    """Release day as it happened (from Gatemate's release day): the person is in the community,
    released on `released_on`, confirmed; optionally now of no fixed abode (they went nowhere)."""
    _ensure_open(participant)
    participant.location = Location.COMMUNITY
    participant.prison = None
    participant.rotl_from = None
    participant.release_date, participant.release_date_confirmed = released_on, True
    if no_fixed_abode is not None:
        participant.no_fixed_abode = no_fixed_abode
        if no_fixed_abode:
            participant.release_postcode = ""
    _changed(participant)
    record_audit("participant.released", participant, actor=actor, detail=released_on.isoformat())
    return participant


def record_not_released(participant: Participant, due_on: date, actor: User) -> Participant:
    """Not released on the day the record says (from Gatemate's release day): they are still in custody
    and that date no longer holds, so it stops being "confirmed" until the case manager sets the new one."""
    _ensure_open(participant)
    if participant.location == Location.CUSTODY and participant.release_date == due_on:
        participant.release_date_confirmed = False
        _changed(participant)
        record_audit("participant.not_released", participant, actor=actor, detail=due_on.isoformat())
    return participant


def close_case(participant: Participant, reason: str, note: str, actor: User) -> Participant:
    """Close the case; the record becomes read-only and is erased after the retention period."""
    _ensure_open(participant)
    if reason not in CLOSURE_REASONS:
        raise Refused("Select why the case is closing", field="reason")
    if reason == "other" and not (note or "").strip():
        raise Refused("Say why the case is closing", field="note")
    if len(note or "") > 1000:
        raise Refused("The note must be 1,000 characters or fewer", field="note")
    participant.status = CaseStatus.CLOSED
    participant.closed_at = clock.now()
    participant.closed_reason = reason
    participant.closed_note = (note or "").strip()
    participant.closed_by_id = actor.id
    for hook in CLOSURE_HOOKS:
        hook(participant, actor)
    _changed(participant)
    record_audit("participant.closed", participant, actor=actor, detail=reason)
    return participant


def record_view(participant: Participant, actor: User, page: str) -> None:
    """Every view of a participant's record is written to the audit log: one row per page view."""
    record_audit("participant.viewed", participant, actor=actor, detail=page)


def erase_participant(participant: Participant, actor: User | None = None, reason: str = "retention") -> None:
    """Erase a participant's record and everything that hangs off it. The audit rows stay (they hold
    only the record's id), so the log of who saw the record survives its erasure."""
    from marketplace.search.sync import queue

    for hook in ERASURE_HOOKS:
        hook(participant)
    queue("participant", participant.id)
    record_audit("participant.erased", subject_type="participants", subject_id=participant.id, actor=actor,
                 detail=reason)
    db.session.delete(participant)


# Other features register here what they must remove when a participant is erased (search index
# entries, referrals' private copies, ...), so erasure stays one operation.
ERASURE_HOOKS: list = []
# What other features end when a case closes (hook(participant, actor)): the Virtual Campus access
# and its auto-accepts, so nothing about a closed case is still shown as running.
CLOSURE_HOOKS: list = []


def purge_expired(retention_years: int) -> int:
    """Erase participants whose cases closed more than `retention_years` ago. Returns how many."""
    cutoff = clock.now() - timedelta(days=round(365.25 * retention_years))
    expired = db.session.scalars(select(Participant).where(
        Participant.status == CaseStatus.CLOSED, Participant.closed_at < cutoff)).all()
    for participant in expired:
        erase_participant(participant)
    return len(expired)
