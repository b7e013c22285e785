"""Every write of Community Payback: nominations made and confirmed, the public text written from
them, assessments, votes.

Public steps (nominate, vote) are throttled per network address with core/throttle.py, refuse what
a form-filling robot sends (the hidden field), and count only once the person confirms by email.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import date, time, timedelta

from flask import current_app
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from marketplace.accounts.models import Organisation, User, UserStatus
from marketplace.core import clock, throttle
from marketplace.core.calendar import bank_holiday_name
from marketplace.core.db import lock_for_update
from marketplace.core.exceptions import Problems, Refused
from marketplace.core.filters import govuk_date
from marketplace.core.links import path_for
from marketplace.core.operations import notify, queue_email, record_audit
from marketplace.core.postcodes import POSTCODE, REAL_POSTCODE, normalise_postcode
from marketplace.core.reminders import reminder_job
from marketplace.core.roles import Role
from marketplace.core.tokens import hash_token, new_token
from marketplace.extensions import db
from marketplace.payback import photos
from marketplace.payback.forms import RULES
from marketplace.payback.models import (
    ABSENT,
    CRITERIA,
    DECLINE_REASONS,
    ETE_CAP_PERCENT,
    HOUR_KINDS,
    MAX_GROUP,
    OUTCOMES,
    PAPER_ETE_CAP_PERCENT,
    SCORES,
    SKILLS,
    YES_NO_UNSURE,
    EteOffer,
    PaybackAllocation,
    PaybackHours,
    PaybackOrder,
    PaybackPhoto,
    PaybackProject,
    PaybackSession,
    PaybackVote,
    RegionEteCap,
    RegionEteCapChange,
    Status,
)
from marketplace.payback.public_text import candidate_words, problems_in
from marketplace.payback.regions import region_for_postcode
from marketplace.payback.workflow import DECISIONS, record_event, transition

NOMINATION_BUCKET = "payback-nomination"
NOMINATIONS_PER_ADDRESS = 5  # per hour
CONFIRMATION_LIFETIME = timedelta(days=7)
REFERENCE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread
THROTTLE_WINDOW = timedelta(hours=1)


@dataclass
class NominationDetails:
    title: str = ""
    description: str = ""
    benefit: str = ""
    town: str = ""
    postcode: str = ""
    toilets_nearby: str = ""
    step_free_access: str = ""
    rules: tuple[str, ...] = ()
    nominator_name: str = ""
    nominator_email: str = ""
    nominator_phone: str = ""
    nominator_organisation: str = ""


# A UK number as people write it: 0 or +44 (with an optional "(0)"), then 9 or 10 more digits with
# spaces or brackets between, e.g. "(0113) 496 0000", "+44 (0)7700 900123".
UK_PHONE = re.compile(r"(?:\+44\s*(?:\(0\)\s*)?|\(?0)(?:[\s()]*\d){9,10}[\s)]*")


def nomination_problems(details: NominationDetails) -> Problems:
    """Every rule a nomination breaks that its form's fields cannot see on their own."""
    problems = Problems()
    postcode = normalise_postcode(details.postcode or "")
    if postcode and POSTCODE.match(postcode):
        problems.check(region_for_postcode(postcode) is not None,
                       "Enter a postcode in England or Wales: Community Payback here covers those two nations",
                       field="postcode")
    elif postcode:
        problems.add(REAL_POSTCODE, field="postcode")
    missing = [label for key, label in RULES.items() if key not in (details.rules or ())]
    if missing:
        problems.add("Confirm the work meets every rule: " + "; ".join(label.lower() for label in missing),
                     field="rules")
    phone = (details.nominator_phone or "").strip()
    if phone:
        problems.check(UK_PHONE.fullmatch(phone) is not None,
                       "Enter a UK phone number using digits, spaces and brackets, starting with 0 or +44, like "
                       "0113 496 0000 or +44 113 496 0000", field="nominator_phone")
    for name in ("toilets_nearby", "step_free_access"):
        value = getattr(details, name)
        if value and value not in YES_NO_UNSURE:
            problems.add("Choose yes, no or not sure", field=name)
    return problems


def check_nomination(details: NominationDetails, uploads=(), held=()) -> list[tuple[bytes, int, int]]:
    """Raise Refused with every problem of a nomination and its photos (writes nothing); returns the
    photos cleaned (payback/photos.py): those `held` from an earlier submit and the new uploads (`held` is
    None when the form carried held photos that are no longer held)."""
    problems = nomination_problems(details)
    if photos.chosen(uploads):  # added to those held (a bad photo's good companions are held)
        kept = list(held or ())
        cleaned = kept + problems.kept(lambda: photos.check_photos(uploads, held=len(kept)), [])
    elif held is None:
        problems.add("The photos you chose earlier are no longer held (they are kept for a day): choose them "
                     "again, or send the nomination without them", field="photos")
        cleaned = []
    else:
        cleaned = list(held)
    problems.raise_any()
    return cleaned


def nominate(details: NominationDetails, address: str, *, robot: bool = False, uploads=(),
             held=()) -> PaybackProject | None:
    """Record a public nomination (with up to 3 photos, images only, checked and stripped of their
    metadata) and email the nominator a link to confirm it; it counts (and a payback manager sees it)
    only once confirmed. Returns None, storing nothing, when the hidden field was filled in (a robot);
    the page then reads as for anyone else."""
    key = address or "unknown"
    cleaned = check_nomination(details, uploads, held)
    # Check and count in one step (throttle.attempt), so nominations raced from several hosts
    # sharing Redis cannot pass the limit between a check and a count.
    if not throttle.attempt(NOMINATION_BUCKET, key, NOMINATIONS_PER_ADDRESS, THROTTLE_WINDOW):
        raise Refused("Several nominations have been sent from your connection in the last hour. "
                      "Try again in an hour.")
    if robot:
        return None
    postcode = normalise_postcode(details.postcode)
    token, token_hash = new_token()
    project = PaybackProject(
        reference=_new_reference(), status=Status.UNCONFIRMED, title=details.title.strip(),
        description=details.description.strip(), benefit=details.benefit.strip(), town=details.town.strip(),
        postcode=postcode, region=region_for_postcode(postcode), toilets_nearby=details.toilets_nearby,
        step_free_access=details.step_free_access, nominator_name=details.nominator_name.strip(),
        nominator_email=details.nominator_email.strip().lower(),
        nominator_phone=(details.nominator_phone or "").strip(),
        nominator_organisation=(details.nominator_organisation or "").strip(), confirm_token_hash=token_hash,
        created_at=clock.now(), scores={})
    db.session.add(project)
    stored = []
    try:
        for data, width, height in cleaned:
            stored.append(photos.store(data))
            project.photos.append(PaybackPhoto(stored_name=stored[-1], width=width, height=height, size=len(data),
                                               public=False, created_at=clock.now()))
        db.session.flush()
    except Exception:
        for name in stored:
            photos.remove(name)
        raise
    record_event(project, "nominate", None)
    link = current_app.config["PUBLIC_URL"] + path_for("payback.confirm_nomination", token=token)
    queue_email(project.nominator_email, f"Confirm your Community Payback nomination {project.reference}",
                f"Dear {project.nominator_name},\n\nThank you for nominating '{project.title}' in {project.town}.\n\n"
                f"Use this link within 7 days to confirm the nomination. It does not count until you do:\n\n{link}\n\n"
                "If you did not nominate a project, ignore this email and nothing will happen.")
    record_audit("payback.nominated", project, detail=project.reference)
    return project


def find_unconfirmed(token: str) -> PaybackProject | None:
    project = db.session.scalar(select(PaybackProject).where(PaybackProject.confirm_token_hash == hash_token(token)))
    if project is None or project.status != Status.UNCONFIRMED:
        return None
    if project.created_at + CONFIRMATION_LIFETIME < clock.now():
        return None
    return project


def confirm_nomination(token: str) -> PaybackProject:
    """The nominator's emailed link: the nomination now counts. Tells them its reference and the
    payback managers of its region that it waits for them."""
    project = find_unconfirmed(token)
    if project is None:
        raise Refused("This link has been used or has expired. Nominate the project again if you need to.")
    transition(project, "confirm", None)
    project.confirmed_at = clock.now()
    project.confirm_token_hash = None
    queue_email(project.nominator_email, f"Nomination {project.reference} received",
                f"Dear {project.nominator_name},\n\nYour nomination '{project.title}' is confirmed. Its reference "
                f"is {project.reference}.\n\nA payback manager for {project.region} will assess it against the "
                "published criteria. We will email you whether the work can be done and when it could start.")
    link = path_for("payback.nomination", project_id=project.id)
    for manager in _managers_in(project.region):
        notify(manager, f"New Community Payback nomination {project.reference}: {project.title}", link)
    record_audit("payback.confirmed", project, detail=project.reference)
    return project


@dataclass
class Assessment:
    decision: str = ""
    scores: dict | None = None
    reason: str = ""
    note: str = ""
    vote_opens_on: date | None = None
    vote_closes_on: date | None = None


def assessment_problems(project: PaybackProject, assessment: Assessment) -> Problems:
    problems = Problems()
    scores = assessment.scores or {}
    decision = assessment.decision
    if decision in ("shortlist", "accept"):
        for name, label in CRITERIA.items():
            if scores.get(name) not in SCORES:
                problems.add(f"Score '{label.split(':')[0]}' from 1 to 5", field=f"score_{name}")
    if decision == "decline" and problems.check(assessment.reason in DECLINE_REASONS,
                                                "Choose the reason for declining", field="reason"):
        problems.check(assessment.reason != "other" or bool((assessment.note or "").strip()),
                       "Explain the reason in the note to the nominator", field="note")
    if decision == "shortlist":
        today = clock.today()
        opens, closes = assessment.vote_opens_on, assessment.vote_closes_on
        if problems.check(opens is not None, "Enter the date the vote opens", field="vote_opens_on"):
            problems.check(opens >= today, "The vote cannot open before today", field="vote_opens_on")
        if problems.check(closes is not None, "Enter the date the vote closes", field="vote_closes_on"):
            problems.check(opens is None or closes >= opens, "The vote must close on or after the day it opens",
                           field="vote_closes_on")
    if decision and decision not in DECISIONS:
        problems.add("Choose a decision", field="decision")
    elif decision in ("shortlist", "accept") and project.public_text_at is None:
        problems.add("Write the text the public will see, and check it names nobody, before you shortlist or "
                     "accept the project", field="decision")
    return problems


def check_assessment(project: PaybackProject, assessment: Assessment) -> None:
    assessment_problems(project, assessment).raise_any()


def assess(project: PaybackProject, manager: User, assessment: Assessment) -> PaybackProject:
    """A payback manager's decision on a nomination: scores, then shortlist (with the vote's dates),
    accept, or decline with a coded reason. The nominator is told by email."""
    check_assessment(project, assessment)
    reason = assessment.reason if assessment.decision == "decline" else ""
    note = (assessment.note or "").strip()
    transition(project, assessment.decision, manager, reason=reason, note=note)
    if assessment.decision != "decline":
        project.scores = {name: assessment.scores[name] for name in CRITERIA}
    if assessment.decision == "shortlist":
        project.vote_opens_on, project.vote_closes_on = assessment.vote_opens_on, assessment.vote_closes_on
    project.decision_reason = reason
    project.decision_note = note
    project.decided_at = clock.now()
    queue_email(project.nominator_email, f"Your Community Payback nomination {project.reference}",
                _outcome_email(project))
    record_audit(f"payback.{assessment.decision}", project, actor=manager, detail=reason)
    return project


@dataclass
class PublicText:
    title: str = ""
    description: str = ""
    benefit: str = ""
    checked: bool = False
    public_photo_ids: tuple[int, ...] = ()


def _public_fields(text: PublicText) -> dict[str, str]:
    return {"public_title": (text.title or "").strip(), "public_description": (text.description or "").strip(),
            "public_benefit": (text.benefit or "").strip()}


def _people_named_in(texts: dict[str, str], manager: User) -> list[tuple[str, str]]:
    """The people on the manager's provider's caseload both of whose names appear in the text, so
    the check can tell whether the text names one of them (nobody else's caseload is consulted, so
    the check says nothing about people the manager cannot already see)."""
    from marketplace.participants.models import Participant

    words = candidate_words(texts)
    if not words or manager.organisation_id is None:
        return []
    return list(db.session.execute(
        select(Participant.first_name, Participant.last_name)
        .where(Participant.organisation_id == manager.organisation_id,
               func.lower(Participant.first_name).in_(words), func.lower(Participant.last_name).in_(words))))


def public_text_problems(project: PaybackProject, manager: User, text: PublicText) -> Problems:
    """Every reason the public text cannot go public: the nominator's name or contact details, any
    email address, phone number or full postcode, a person on the caseload named, or not checked."""
    texts = _public_fields(text)
    problems = problems_in(texts, nominator_name=project.nominator_name,
                           nominator_email=project.nominator_email, nominator_phone=project.nominator_phone,
                           people=_people_named_in(texts, manager))
    problems.check(bool(text.checked), "Confirm you have read the public text and it names nobody and gives "
                                       "nobody's contact details", field="checked")
    problems.check(set(text.public_photo_ids) <= {photo.id for photo in project.photos},
                   "Choose photos sent with this nomination", field="public_photos")
    return problems


def check_public_text(project: PaybackProject, manager: User, text: PublicText) -> None:
    public_text_problems(project, manager, text).raise_any()


def write_public_text(project: PaybackProject, manager: User, text: PublicText) -> PaybackProject:
    """The payback manager's version of the nomination for the public pages: title, the work and who
    it helps, checked to name nobody. Only this text is ever shown publicly; the nominator's own words
    stay with the payback managers. Writing it is the step that lets a project be shortlisted or
    accepted; it may be corrected later, and the public pages change with it."""
    check_public_text(project, manager, text)
    transition(project, "review_public_text", manager)
    texts = _public_fields(text)
    project.public_title = texts["public_title"]
    project.public_description = texts["public_description"]
    project.public_benefit = texts["public_benefit"]
    project.public_text_at = clock.now()
    for photo in project.photos:
        photo.public = photo.id in set(text.public_photo_ids)
    record_audit("payback.public_text_written", project, actor=manager, detail=project.reference)
    return project


def vote_rivals(project: PaybackProject) -> list[tuple[PaybackProject, int]]:
    """The other projects of the same public vote (the region's projects shortlisted with the same
    closing day), with their votes, the most voted first."""
    if project.vote_closes_on is None:
        return []
    others = db.session.scalars(select(PaybackProject).where(
        PaybackProject.region == project.region, PaybackProject.vote_closes_on == project.vote_closes_on,
        PaybackProject.id != project.id, PaybackProject.status.in_([Status.SHORTLISTED, Status.ACCEPTED]))).all()
    votes = vote_counts([project.id] + [other.id for other in others])
    return sorted(((other, votes.get(other.id, 0)) for other in others), key=lambda pair: (-pair[1], pair[0].id))


@dataclass
class Schedule:
    starts_on: date | None = None
    note: str = ""


def schedule_problems(project: PaybackProject, schedule: Schedule) -> Problems:
    """The winner of a public vote goes first: a project from a vote cannot be scheduled before the
    vote closes, while a project with more votes waits for a decision, or to start before one."""
    problems = Problems()
    today = clock.today()
    starts_on = schedule.starts_on
    if starts_on is not None:
        problems.check(starts_on >= today, "Work cannot start in the past", field="starts_on")
    if project.vote_closes_on is not None and project.vote_closes_on >= today:
        problems.add(f"The public vote closes on {govuk_date(project.vote_closes_on)}. Schedule the work once it "
                     "has closed, so the project with the most votes goes first")
        return problems
    own = vote_counts([project.id]).get(project.id, 0)
    for rival, votes in vote_rivals(project):
        if votes <= own:
            continue
        name = rival.public_title or rival.title
        if rival.status == Status.SHORTLISTED:
            problems.add(f"'{name}' had more votes ({votes} to {own}): accept or decline it first")
        elif rival.work_starts_on is None:
            problems.add(f"'{name}' had more votes ({votes} to {own}): schedule its work first")
        elif starts_on is not None and starts_on < rival.work_starts_on:
            problems.add(f"'{name}' had more votes ({votes} to {own}) and starts on "
                         f"{govuk_date(rival.work_starts_on)}: this project cannot start before it", field="starts_on")
    return problems


def check_schedule(project: PaybackProject, schedule: Schedule) -> None:
    schedule_problems(project, schedule).raise_any()


def schedule_work(project: PaybackProject, manager: User, schedule: Schedule) -> PaybackProject:
    """Set (or move) the day an accepted project's work starts, and tell the nominator whether and
    when it can start: the promise of gov.uk's nomination form."""
    check_schedule(project, schedule)
    note = (schedule.note or "").strip()
    moved = project.work_starts_on is not None
    transition(project, "schedule", manager, note=note)
    project.work_starts_on = schedule.starts_on
    text = (f"Dear {project.nominator_name},\n\nThe work you nominated, '{project.title}', can go ahead. "
            f"{'It will now start' if moved else 'It will start'} on {govuk_date(project.work_starts_on)}, done by "
            "people on community orders under a supervisor.")
    if note:
        text += f"\n\n{note}"
    subject = f"Community Payback {project.reference}: work starts {govuk_date(project.work_starts_on)}"
    queue_email(project.nominator_email, subject, f"{text}\n\nReference: {project.reference}")
    record_audit("payback.scheduled", project, actor=manager, detail=str(project.work_starts_on))
    return project


def _outcome_email(project: PaybackProject) -> str:
    opening = f"Dear {project.nominator_name},\n\n"
    if project.status == Status.SHORTLISTED:
        text = (f"'{project.title}' has been shortlisted. The public can vote for it from "
                f"{govuk_date(project.vote_opens_on)} to {govuk_date(project.vote_closes_on)}; the projects with "
                f"the most votes are done first. On the public pages it is called '{project.public_title}' "
                "(we write the public description ourselves, so that nobody is named in it).")
    elif project.status == Status.ACCEPTED:
        text = (f"'{project.title}' has been accepted. A payback manager will arrange supervised sessions; "
                "we will tell you when work starts.")
    else:
        text = (f"We cannot take on '{project.title}': {DECLINE_REASONS[project.decision_reason].lower()}.")
    note = f"\n\n{project.decision_note}" if project.decision_note else ""
    return f"{opening}{text}{note}\n\nReference: {project.reference}"


def _managers_in(region: str) -> list[User]:
    return list(db.session.scalars(
        select(User).join(Organisation, User.organisation_id == Organisation.id)
        .where(User.role == Role.PAYBACK_MANAGER, User.status == UserStatus.ACTIVE, Organisation.region == region)
    ))


def _new_reference() -> str:
    while True:
        reference = "CP-" + "".join(secrets.choice(REFERENCE_LETTERS) for _ in range(6))
        if db.session.scalar(select(PaybackProject.id).where(PaybackProject.reference == reference)) is None:
            return reference


def voter_hash(email: str) -> str:
    """A keyed hash of an email address: the same person always gets the same value, and the value
    cannot be turned back into the address without the server's secret key."""
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, email.strip().lower().encode(), hashlib.sha256).hexdigest()


VOTE_ADDRESS_BUCKET = "payback-vote-address"
VOTES_PER_ADDRESS = 10  # per hour: a household or a library computer may vote for several people
VOTE_VOTER_BUCKET = "payback-vote-voter"
LINKS_PER_VOTER = 3  # per project per hour: nobody's inbox can be filled with our emails


def request_vote(project: PaybackProject, email: str, address: str, *, robot: bool = False) -> None:
    """Email a link that casts one vote for `project` from `email`. Until the link is used nothing
    is counted; asking again sends a fresh link for the same single vote; a person who has already
    voted is told so by email (the page reads the same, so it does not reveal who has voted).

    The per-voter throttle key is taken before the vote is looked for, so two requests for the same
    person at once are answered one after the other (on PostgreSQL an advisory lock, on SQLite the
    write lock) and can never make two votes; the unique key on (project, voter) backs that up."""
    today = clock.today()
    if not project.voting_open(today):
        raise Refused("Voting on this project is not open.")
    address_key = address or "unknown"
    # Each limit is checked and counted in one step (throttle.attempt), so no race between hosts
    # sharing Redis slips past it; in the database the key stays locked until the commit.
    if not throttle.attempt(VOTE_ADDRESS_BUCKET, address_key, VOTES_PER_ADDRESS, THROTTLE_WINDOW):
        raise Refused("Many votes have been sent from your connection in the last hour. Try again in an hour.")
    voter = voter_hash(email)
    voter_key = f"{project.id}:{voter}"
    if not throttle.attempt(VOTE_VOTER_BUCKET, voter_key, LINKS_PER_VOTER, THROTTLE_WINDOW):
        raise Refused("We have already sent this address several links for this project in the last hour. "
                      "Use the newest one.", field="email")
    if robot:
        return
    vote = db.session.scalar(select(PaybackVote).where(PaybackVote.project_id == project.id,
                                                       PaybackVote.voter_hash == voter))
    address_to = email.strip()
    if vote is not None and vote.confirmed_at is not None:
        queue_email(address_to, f"You have already voted for '{project.public_title}'",
                    f"Someone asked to vote for '{project.public_title}' with this email address. You voted for it on "
                    f"{govuk_date(vote.confirmed_at)}, and each person has one vote per project, so nothing "
                    "has changed.")
        return
    token, token_hash = new_token()
    if vote is None:
        vote = PaybackVote(project_id=project.id, voter_hash=voter, created_at=clock.now())
        db.session.add(vote)
    vote.token_hash = token_hash
    db.session.flush()
    link = current_app.config["PUBLIC_URL"] + path_for("payback.confirm_vote", token=token)
    queue_email(address_to, f"Confirm your vote for '{project.public_title}'",
                f"Use this link to confirm your vote for '{project.public_title}' in {project.town}. "
                f"The vote closes on "
                f"{govuk_date(project.vote_closes_on)}.\n\n{link}\n\nIf you did not ask to vote, ignore this email: "
                "nothing is counted until the link is used.")


def find_vote(token: str) -> PaybackVote | None:
    return db.session.scalar(select(PaybackVote).where(PaybackVote.token_hash == hash_token(token)))


def confirm_vote(token: str) -> PaybackVote:
    """Count the vote whose link this is, while the vote is open. Using the link twice counts once."""
    vote = find_vote(token)
    if vote is None:
        raise Refused("This link is not valid. Use the newest link we sent you.")
    vote = lock_for_update(PaybackVote, vote.id)
    project = vote.project
    if not project.voting_open(clock.today()):
        raise Refused(f"Voting on '{project.public_title or 'this project'}' has closed, so this vote cannot be "
                      "counted.")
    if vote.confirmed_at is None:
        vote.confirmed_at = clock.now()
    return vote


def vote_counts(project_ids) -> dict[int, int]:
    """Confirmed votes per project. Small counts are shown as they are: a count of votes says
    nothing about any one person."""
    rows = db.session.execute(
        select(PaybackVote.project_id, func.count()).where(PaybackVote.project_id.in_(list(project_ids)),
                                                           PaybackVote.confirmed_at.is_not(None))
        .group_by(PaybackVote.project_id))
    return {project_id: total for project_id, total in rows}


# ----------------------------------------------------------------------------------------------------
# Hours and the road to work

MAX_ORDER_HOURS = 300  # the law's range for unpaid work: 40 to 300 hours
MIN_ORDER_HOURS = 40
MAX_DAY_MINUTES = 10 * 60


def _hours_label(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    return f"{hours}" if not rest else f"{hours}.{rest * 100 // 60:02d}".rstrip("0")


@dataclass
class OrderDetails:
    hours_ordered: int | None = None
    made_on: date | None = None


def order_problems(participant, details: OrderDetails) -> Problems:
    problems = Problems()
    hours = details.hours_ordered
    if hours is not None:
        problems.check(MIN_ORDER_HOURS <= hours <= MAX_ORDER_HOURS,
                       f"Hours ordered must be from {MIN_ORDER_HOURS} to {MAX_ORDER_HOURS}: the range a court "
                       "can order",
                       field="hours_ordered")
        order = _order_of(participant)
        if order is not None and hours * 60 < order.minutes_done:
            problems.add(f"{_hours_label(order.minutes_done)} hours are already recorded: the order cannot be "
                         "for fewer", field="hours_ordered")
    if details.made_on is not None:
        problems.check(details.made_on <= clock.today(), "The order cannot be made in the future", field="made_on")
    return problems


def check_order(participant, details: OrderDetails) -> None:
    order_problems(participant, details).raise_any()


def set_order(participant, manager: User, details: OrderDetails) -> PaybackOrder:
    """Record (or correct) the unpaid work a person's order requires. A new order takes its region's
    ETE cap as it stands that day and keeps it: see order_region_cap."""
    check_order(participant, details)
    order = _order_of(participant)
    if order is None:
        order = PaybackOrder(participant_id=participant.id, created_at=clock.now(),
                             ete_cap_percent=order_region_cap(participant))
        db.session.add(order)
    else:
        order = lock_for_update(PaybackOrder, order.id)
    order.hours_ordered = details.hours_ordered
    order.made_on = details.made_on
    order.recorded_by_id = manager.id
    db.session.flush()
    _recount_ete(order)  # fewer hours ordered means a smaller cap
    record_audit("payback.order_recorded", participant, actor=manager, detail=f"{order.hours_ordered} hours")
    return order


def _order_of(participant) -> PaybackOrder | None:
    return db.session.scalar(select(PaybackOrder).where(PaybackOrder.participant_id == participant.id))


@dataclass
class HoursDetails:
    kind: str = ""
    worked_on: date | None = None
    minutes: int | None = None
    outcome: str = ""
    project_id: int | None = None
    skills: tuple[str, ...] = ()
    activity: str = ""


def projects_to_work_on(region: str) -> list[PaybackProject]:
    return list(db.session.scalars(select(PaybackProject).where(
        PaybackProject.region == region, PaybackProject.status == Status.ACCEPTED).order_by(PaybackProject.title)))


def hours_problems(participant, manager: User, details: HoursDetails, order: PaybackOrder | None) -> Problems:
    problems = Problems()
    if order is None:
        problems.add("Record the person's order before their hours")
        return problems
    if details.worked_on is not None:
        problems.check(details.worked_on <= clock.today(), "The day cannot be in the future", field="worked_on")
        problems.check(details.worked_on >= order.made_on, "The day cannot be before the order was made, on "
                       f"{govuk_date(order.made_on)}", field="worked_on")
    minutes = details.minutes
    if minutes is not None and details.outcome:
        if details.outcome in ABSENT:
            problems.check(minutes == 0, "An absence credits no hours: enter 0", field="minutes")
        elif details.outcome in OUTCOMES:
            problems.check(0 < minutes <= MAX_DAY_MINUTES, "Enter the hours credited, more than 0 and up to 10",
                           field="minutes")
    if details.outcome and details.outcome not in OUTCOMES:
        problems.add("Choose what happened", field="outcome")
    # Nothing was practised on a day not worked: an absence, or being sent home with no hours.
    if details.skills and (details.outcome in ABSENT or (details.outcome == "sent_home" and minutes == 0)):
        problems.add("No skills are practised on a day not worked (an absence, or sent home with no hours): "
                     "untick the skills", field="skills")
    if details.kind == "work":
        accepted = {project.id: project for project in projects_to_work_on(manager.organisation.region)}
        project = accepted.get(details.project_id)
        if problems.check(project is not None, "Choose the project the work was on", field="project_id"):
            starts = project.work_starts_on
            problems.check(details.worked_on is None or starts is None or details.worked_on >= starts,
                           f"Work on this project starts on {govuk_date(starts)}: the day cannot be before then",
                           field="worked_on")
    elif details.kind == "ete":
        # ETE past the cap is recorded as attended and does not count (_recount_ete): never refused.
        problems.check(bool((details.activity or "").strip()), "Say what the ETE activity was", field="activity")
    elif details.kind:
        problems.add("Choose the kind of hours", field="kind")
    if minutes and details.kind != "ete" and minutes > order.minutes_left:
        problems.add(f"Only {_hours_label(order.minutes_left)} hours are left on the order", field="minutes")
    unknown = [skill for skill in details.skills if skill not in SKILLS]
    problems.check(not unknown, "Choose skills from the list", field="skills")
    return problems


def check_hours(participant, manager: User, details: HoursDetails) -> None:
    hours_problems(participant, manager, details, _order_of(participant)).raise_any()


def record_hours(participant, manager: User, details: HoursDetails) -> PaybackHours:
    """Record one day's attendance and the hours it credits. The order row is locked first, so two
    supervisors recording at once cannot take the hours (or the ETE share) past what is ordered."""
    order = _order_of(participant)
    if order is not None:
        order = lock_for_update(PaybackOrder, order.id)
    hours_problems(participant, manager, details, order).raise_any()
    project_id = details.project_id if details.kind == "work" else None
    row = PaybackHours(participant_id=participant.id, project_id=project_id,
                       kind=details.kind, worked_on=details.worked_on, minutes=details.minutes,
                       counted_minutes=details.minutes if details.kind == "work" else 0,
                       outcome=details.outcome, skills=list(details.skills),
                       activity=(details.activity or "").strip()[:200], recorded_by_id=manager.id,
                       created_at=clock.now())
    was_complete = order.minutes_done >= order.hours_ordered * 60
    db.session.add(row)
    db.session.flush()
    if row.kind == "ete":
        _recount_ete(order)
    db.session.expire(order, ["hours"])
    record_audit("payback.hours_recorded", participant, actor=manager,
                 detail=f"{details.kind} {details.minutes} minutes {details.outcome}")
    _tell_of_offers_on_completion(participant, was_complete)
    return row


def _recount_ete(order: PaybackOrder) -> None:
    """Share the order's ETE cap out over its ETE hours, oldest day first: each row counts what fits
    under the cap and under the hours ordered less the work done; the rest stays recorded as attended
    and counts for nothing. Called with the order row locked (lock_for_update), so two attendances
    recorded at once are counted one after the other and can never take the ETE past the cap."""
    rows = db.session.scalars(select(PaybackHours).where(PaybackHours.participant_id == order.participant_id)
                              .order_by(PaybackHours.worked_on, PaybackHours.id)).all()
    work = sum(row.minutes for row in rows if row.kind != "ete")
    cap_left = order.ete_cap_hours * 60
    order_left = max(0, order.hours_ordered * 60 - work)
    for row in rows:
        if row.kind != "ete":
            continue
        counted = min(row.minutes, cap_left, order_left)
        if row.counted_minutes != counted:
            row.counted_minutes = counted
        cap_left -= counted
        order_left -= counted
    db.session.flush()
    db.session.expire(order, ["hours"])


# ETE caps per region -----------------------------------------------------------------------------------

def region_ete_cap(region: str | None) -> int:
    """The ETE cap a region sets today: its own if a payback manager or admin set one, else the
    national 30%."""
    row = db.session.get(RegionEteCap, region) if region else None
    return row.percent if row is not None else ETE_CAP_PERCENT


def order_region_cap(participant) -> int:
    # The order takes the cap of its region on the day it is recorded and keeps it, rather than
    # following later changes live: an order's terms are read to the person when it starts, and a
    # probation officer would not expect ETE hours already counted to stop counting (or the share
    # to grow) part-way through because the region changed its policy afterwards.
    organisation = participant.organisation
    return region_ete_cap(organisation.region if organisation is not None else None)


def regions_managed_by(user: User) -> list[str]:
    """Admins set any region's cap; a payback manager only their organisation's region."""
    from marketplace.reference import REGIONS

    if user.role == Role.ADMIN:
        return list(REGIONS)
    if user.role == Role.PAYBACK_MANAGER and user.organisation is not None and user.organisation.region:
        return [user.organisation.region]
    return []


@dataclass
class CapDetails:
    region: str = ""
    percent: int | None = None
    note: str = ""


def cap_problems(actor: User, details: CapDetails) -> Problems:
    problems = Problems()
    problems.check(details.region in regions_managed_by(actor), "Choose a region you manage", field="region")
    if details.percent is not None:
        problems.check(0 <= details.percent <= ETE_CAP_PERCENT,
                       f"The ETE cap must be from 0 to {ETE_CAP_PERCENT}%: the national rule is the most it can be "
                       f"(the seed paper said up to {PAPER_ETE_CAP_PERCENT}%)", field="percent")
    problems.check(len((details.note or "").strip()) <= 500, "The note must be 500 characters or fewer", field="note")
    return problems


def check_cap(actor: User, details: CapDetails) -> None:
    cap_problems(actor, details).raise_any()


def set_region_ete_cap(actor: User, details: CapDetails) -> RegionEteCap:
    """Set a region's ETE cap. Orders recorded from now on take it; orders already recorded keep
    theirs. The change is in the region's cap history and the audit log, with who and when."""
    check_cap(actor, details)
    row = db.session.get(RegionEteCap, details.region, with_for_update=True, populate_existing=True)
    before = row.percent if row is not None else ETE_CAP_PERCENT
    if row is None:
        row = RegionEteCap(region=details.region, percent=details.percent)
        db.session.add(row)
    row.percent = details.percent
    row.set_by_id = actor.id
    row.set_at = clock.now()
    db.session.add(RegionEteCapChange(region=details.region, from_percent=before, to_percent=details.percent,
                                      actor_id=actor.id, at=clock.now(), note=(details.note or "").strip()))
    db.session.flush()
    record_audit("payback.ete_cap_set", subject_type="payback_region_ete_caps", subject_id=details.region,
                 actor=actor, detail=f"{details.region}: {before}% to {details.percent}%")
    return row


def cap_history(regions: list[str]) -> list[RegionEteCapChange]:
    return list(db.session.scalars(select(RegionEteCapChange).where(RegionEteCapChange.region.in_(regions))
                                   .order_by(RegionEteCapChange.at.desc(), RegionEteCapChange.id.desc())))


# ETE sessions: Corporate Alliance sessions that count toward an order ------------------------------------

def ete_offer_candidates(manager: User) -> list:
    """Alliance sessions (offers by members and social enterprises) a payback manager may mark as
    ETE: not cancelled, ended no more than 30 days ago, in the community in their region or online
    (a person on a community order is not in prison)."""
    from marketplace.alliance.models import Offer

    region = manager.organisation.region if manager.organisation is not None else None
    return list(db.session.scalars(select(Offer).where(
        Offer.cancelled_at.is_(None), Offer.ends_on >= clock.today() - timedelta(days=30),
        ((Offer.setting == "community") & (Offer.region == region)) | (Offer.setting == "online"))
        .order_by(Offer.starts_on, Offer.title)))


def ete_offers(offer_ids) -> dict[int, EteOffer]:
    ids = list(offer_ids)
    if not ids:
        return {}
    return {row.offer_id: row for row in db.session.scalars(select(EteOffer).where(EteOffer.offer_id.in_(ids)))}


def mark_ete_offer(offer_id: int | None, manager: User, minutes: int | None) -> EteOffer:
    """Mark an alliance session as ETE: each person on an order recorded as attending it is credited
    `minutes` of ETE (counted up to their order's cap). Changing the minutes applies to attendance
    recorded from then on."""
    problems = Problems()
    offer = next((o for o in ete_offer_candidates(manager) if o.id == offer_id), None)
    problems.check(offer is not None, "Choose a session in your region or online", field="offer_id")
    if problems.check(minutes is not None, "Enter the hours each attendance counts for", field="minutes"):
        problems.check(0 < minutes <= MAX_DAY_MINUTES, "Enter the hours, more than 0 and up to 10", field="minutes")
    problems.raise_any()
    row = db.session.get(EteOffer, offer.id)
    if row is None:
        row = EteOffer(offer_id=offer.id)
        db.session.add(row)
    row.minutes = minutes
    row.region = manager.organisation.region
    row.marked_by_id = manager.id
    row.marked_at = clock.now()
    db.session.flush()
    record_audit("payback.ete_offer_marked", offer, actor=manager, detail=f"{minutes} minutes")
    return row


def credit_ete_attendance(booking, actor: User) -> PaybackHours | None:
    """Called by the alliance when a booking's attendance is recorded. If its session is marked ETE
    and the person has an order made by that day, their attendance is recorded as ETE hours (an
    attendance corrected to 'did not attend' takes them away again) and the order's ETE is counted
    again under the order's lock. Those past the cap stay recorded and do not count."""
    ete = db.session.get(EteOffer, booking.offer_id)
    if ete is None:
        return None
    order = _order_of(booking.participant)
    if order is None:
        return None
    order = lock_for_update(PaybackOrder, order.id)
    existing = db.session.scalar(select(PaybackHours).where(PaybackHours.booking_id == booking.id))
    offer = booking.offer
    if not booking.attended:
        if existing is not None:
            db.session.delete(existing)
            db.session.flush()
            _recount_ete(order)
            record_audit("payback.ete_attendance_removed", booking.participant, actor=actor,
                         detail=f"offer {offer.id}")
        return None
    if existing is not None or offer.starts_on < order.made_on:
        return existing
    row = PaybackHours(participant_id=order.participant_id, kind="ete", worked_on=offer.starts_on,
                       minutes=ete.minutes, counted_minutes=0, outcome="acceptable", skills=["cv_interview"]
                       if offer.kind in ("mock_interviews", "cv_workshop") else [],
                       activity=f"{offer.title}, {offer.organisation.name}"[:200], booking_id=booking.id,
                       recorded_by_id=actor.id, created_at=clock.now())
    db.session.add(row)
    db.session.flush()
    _recount_ete(order)
    record_audit("payback.ete_attendance", booking.participant, actor=actor,
                 detail=f"offer {offer.id}: {row.minutes} minutes, {row.counted_minutes} counted")
    return row


def _register_attendance_hook() -> None:
    from marketplace.alliance.operations import ATTENDANCE_HOOKS

    if credit_ete_attendance not in ATTENDANCE_HOOKS:
        ATTENDANCE_HOOKS.append(credit_ete_attendance)


_register_attendance_hook()


# The person's own hours -------------------------------------------------------------------------------

@dataclass(frozen=True)
class HoursSummary:
    hours_ordered: int
    minutes_done: int
    minutes_left: int
    ete_cap_percent: int
    ete_cap_hours: int
    ete_minutes: int
    ete_minutes_left: int
    ete_past_cap_minutes: int
    next_sessions: list


def hours_summary(participant, today: date | None = None) -> HoursSummary | None:
    """A person's order in numbers (hours ordered, done, ETE counted and left, ETE attended past the cap)
    and their next allocated work sessions: for their own campus page and their case manager. None
    without an order."""
    order = _order_of(participant)
    if order is None:
        return None
    today = today or clock.today()
    sessions = db.session.scalars(
        select(PaybackSession).join(PaybackAllocation).where(
            PaybackAllocation.participant_id == participant.id, PaybackAllocation.hours_id.is_(None),
            PaybackSession.day >= today)
        .order_by(PaybackSession.day, PaybackSession.starts_at, PaybackSession.id).limit(5)).all()  # cancelled: marked
    return HoursSummary(
        hours_ordered=order.hours_ordered, minutes_done=order.minutes_done, minutes_left=order.minutes_left,
        ete_cap_percent=order.ete_cap_percent, ete_cap_hours=order.ete_cap_hours, ete_minutes=order.ete_minutes,
        ete_minutes_left=order.ete_minutes_left,
        ete_past_cap_minutes=order.ete_attended_minutes - order.ete_minutes, next_sessions=list(sessions))


def paid_work_near(participant) -> list:
    """Open paid work (Opportunity.is_paid_work) in the person's region or national: the road from
    payback to a job."""
    from marketplace.opportunities.models import Opportunity

    return list(db.session.scalars(
        select(Opportunity).where(Opportunity.open_clause(), Opportunity.is_paid_work,
                                  (Opportunity.region == participant.release_region) | Opportunity.national.is_(True))
        .order_by(Opportunity.closing_date.is_(None), Opportunity.closing_date, Opportunity.title).limit(20)))


def suggest_paid_work(participant, opportunity, manager: User) -> None:
    """Tell the person's case manager about paid work that fits what they did on payback, with a link
    that starts the referral (which needs the person's consent, checked there)."""
    if opportunity not in paid_work_near(participant):
        raise Refused("That opportunity is not open paid work near the person.")
    case_manager = participant.case_manager
    if case_manager is None:
        raise Refused("The person has no case manager to pass this to.")
    link = path_for("referrals.new", participant=participant.id, opportunity=opportunity.id)
    notify(case_manager, f"{manager.full_name} suggests {opportunity.title} for {participant.full_name} after "
                         "their Community Payback hours", link)
    record_audit("payback.paid_work_suggested", participant, actor=manager, detail=f"opportunity {opportunity.id}")


def hours_delivered_by_region(start: date | None = None, end: date | None = None) -> dict[str, int]:
    """Minutes of unpaid work done on each region's projects (ETE hours are not work the public
    sees, so they are left out), all of them or those worked from `start` to `end`."""
    query = (select(PaybackProject.region, func.sum(PaybackHours.minutes))
             .join(PaybackHours, PaybackHours.project_id == PaybackProject.id)
             .where(PaybackHours.kind == "work").group_by(PaybackProject.region))
    if start is not None:
        query = query.where(PaybackHours.worked_on >= start)
    if end is not None:
        query = query.where(PaybackHours.worked_on <= end)
    return {region: int(minutes or 0) for region, minutes in db.session.execute(query)}


def value_at_minimum_wage(minutes: int, day: date):
    """What `minutes` of work are worth at the hourly minimum wage in force on `day`
    (reference.minimum_wage_on): the figure the public pages and the report both give."""
    from decimal import Decimal

    from marketplace.reference import minimum_wage_on

    return Decimal(minutes) / 60 * minimum_wage_on(day)


# ----------------------------------------------------------------------------------------------------
# Work sessions: supervised days on an accepted project, with room for so many people

@dataclass
class SessionDetails:
    day: date | None = None
    starts_at: time | None = None
    ends_at: time | None = None
    place: str = ""
    supervisor_id: int | None = None
    capacity: int | None = None


def supervisors_for(manager: User) -> list[User]:
    """Who may supervise a session: the active payback managers of the manager's own provider."""
    return list(db.session.scalars(select(User).where(
        User.organisation_id == manager.organisation_id, User.role == Role.PAYBACK_MANAGER,
        User.status == UserStatus.ACTIVE).order_by(User.full_name)))


def session_problems(project: PaybackProject, manager: User, details: SessionDetails,
                     current: PaybackSession | None = None) -> Problems:
    """Every rule a new session (or `current` changed to `details`) breaks, all at once."""
    problems = Problems()
    problems.check(project.status == Status.ACCEPTED, "Only an accepted project has work sessions")
    today = clock.today()
    moved = current is None or (details.day, details.starts_at, details.ends_at, (details.place or "").strip()) != (
        current.day, current.starts_at, current.ends_at, current.place)
    if current is not None:
        problems.check(not current.is_cancelled, "This session is cancelled: it cannot be changed")
        if moved and current.attendance_recorded:
            problems.add("Attendance has been recorded for this session: its day, times and place cannot change",
                         field="day")
        elif moved and current.day < today:
            problems.add("This session has already happened: its day, times and place cannot change", field="day")
        if details.capacity is not None and details.capacity < current.places_taken:
            people = "1 person is" if current.places_taken == 1 else f"{current.places_taken} people are"
            problems.add(f"{people} already allocated: the places cannot be fewer than {current.places_taken}",
                         field="capacity")
    day_changes = current is None or details.day != current.day
    if details.day is not None and day_changes and problems.check(
            details.day >= today, "The session cannot be in the past" if current is None else
            "A session cannot be moved into the past", field="day"):
        problems.check(project.work_starts_on is None or details.day >= project.work_starts_on,
                       f"The work starts on {govuk_date(project.work_starts_on)}: the session cannot be before then",
                       field="day")
        # Probation offices are closed then, so no supervisor or duty cover (England and Wales only).
        holiday = bank_holiday_name(details.day)
        problems.check(holiday is None, f"{govuk_date(details.day)} is a bank holiday ({holiday}): sessions are not "
                                        "run on bank holidays. Choose another day", field="day")
    if details.starts_at is not None and details.ends_at is not None:
        minutes = (details.ends_at.hour * 60 + details.ends_at.minute) - (
            details.starts_at.hour * 60 + details.starts_at.minute)
        if problems.check(minutes > 0, "The session must end after it starts", field="ends_at"):
            problems.check(minutes <= MAX_DAY_MINUTES, "A session can be 10 hours at most", field="ends_at")
    if details.capacity is not None:
        problems.check(1 <= details.capacity <= MAX_GROUP,
                       f"A session takes from 1 to {MAX_GROUP} people: one supervisor's group", field="capacity")
    if details.supervisor_id is not None:
        problems.check(details.supervisor_id in {user.id for user in supervisors_for(manager)},
                       "Choose a supervisor from your organisation", field="supervisor_id")
    return problems


def check_session(project: PaybackProject, manager: User, details: SessionDetails,
                  current: PaybackSession | None = None) -> None:
    session_problems(project, manager, details, current).raise_any()


def add_session(project: PaybackProject, manager: User, details: SessionDetails) -> PaybackSession:
    """A supervised session of work on an accepted project: day, times, where to meet, the supervisor
    and how many people it takes."""
    check_session(project, manager, details)
    session = PaybackSession(project_id=project.id, day=details.day, starts_at=details.starts_at,
                             ends_at=details.ends_at, place=details.place.strip()[:200],
                             supervisor_id=details.supervisor_id, capacity=details.capacity, places_taken=0,
                             created_by_id=manager.id, created_at=clock.now())
    db.session.add(session)
    db.session.flush()
    record_event(project, "add_session", manager, note=f"{govuk_date(session.day)}, {session.capacity} places")
    record_audit("payback.session_added", project, actor=manager, detail=f"session {session.id}")
    return session


def _locked_session(session: PaybackSession) -> PaybackSession:
    """The session row held for this transaction, read afresh with its allocations: an allocation or
    an attendance record at the same moment waits for us (PostgreSQL: FOR UPDATE; SQLite: the write
    lock), or we see what it committed."""
    session = lock_for_update(PaybackSession, session.id)
    db.session.expire(session, ["allocations"])
    return session


def _when(session: PaybackSession) -> str:
    return f"{govuk_date(session.day)}, {session.starts_at:%H:%M} to {session.ends_at:%H:%M}, at {session.place}"


def _people_to_tell(session: PaybackSession, also: tuple = ()) -> list[User]:
    """The case managers of the people on the session and its supervisor (each once)."""
    users: dict[int, User] = {}
    for allocation in session.allocations:
        case_manager = allocation.participant.case_manager
        if case_manager is not None:
            users.setdefault(case_manager.id, case_manager)
    for user in (session.supervisor, *also):
        if user is not None:
            users.setdefault(user.id, user)
    return list(users.values())


def change_session(session: PaybackSession, manager: User, details: SessionDetails) -> PaybackSession:
    """Change a session's day, times, place, supervisor or places. The places can never go below the
    people already allocated, even against an allocation made at the same moment (the row is locked,
    and the table's CHECK backs it up); a session cannot be moved into the past, nor moved once
    attendance is recorded. If the day, times or place change, the case managers of the people on it
    and the supervisors (old and new) are told, in the service and by email."""
    session = _locked_session(session)
    check_session(session.project, manager, details, current=session)
    before = _when(session)
    old_supervisor = session.supervisor
    session.day, session.starts_at, session.ends_at = details.day, details.starts_at, details.ends_at
    session.place = details.place.strip()[:200]
    session.supervisor_id, session.capacity = details.supervisor_id, details.capacity
    db.session.flush()
    db.session.expire(session, ["supervisor"])
    after = _when(session)
    if after != before or session.supervisor is not old_supervisor:
        link = path_for("payback.work_session", session_id=session.id)
        text = (f"Community Payback session on '{session.project.title}' changed: now {after} "
                f"(was {before}). Supervisor: {session.supervisor.full_name if session.supervisor else 'none'}")
        for user in _people_to_tell(session, also=(old_supervisor,)):
            notify(user, text, _link_for(user, session, link), email_subject="Community Payback session changed")
    record_event(session.project, "change_session", manager, note=f"{after}, {session.capacity} places")
    record_audit("payback.session_changed", session.project, actor=manager, detail=f"session {session.id}")
    return session


def _link_for(user: User, session: PaybackSession, session_link: str) -> str:
    """Payback managers open the session; a case manager opens their person's page (one of them)."""
    if user.role == Role.PAYBACK_MANAGER:
        return session_link
    for allocation in session.allocations:
        if allocation.participant.case_manager_id == user.id:
            return path_for("participants.show", participant_id=allocation.participant_id)
    return session_link


MAX_CANCEL_REASON = 500


def cancel_problems(session: PaybackSession, reason: str) -> Problems:
    problems = Problems()
    reason = (reason or "").strip()
    if problems.check(bool(reason), "Say why the session is cancelled", field="reason"):
        problems.check(len(reason) <= MAX_CANCEL_REASON,
                       f"The reason must be {MAX_CANCEL_REASON} characters or fewer", field="reason")
    problems.check(not session.is_cancelled, "This session is already cancelled")
    problems.check(not session.attendance_recorded,
                   "Attendance has been recorded for this session: it cannot be cancelled")
    return problems


def check_cancel(session: PaybackSession, reason: str) -> None:
    cancel_problems(session, reason).raise_any()


def cancel_session(session: PaybackSession, manager: User, reason: str) -> PaybackSession:
    """Cancel a session, with the reason. It stays listed, marked cancelled, with the people who were
    on it; nobody more can be allocated and no attendance recorded. Their case managers and the
    supervisor are told, in the service and by email."""
    session = _locked_session(session)
    check_cancel(session, reason)
    reason = reason.strip()
    session.cancelled_at, session.cancelled_by_id, session.cancel_reason = clock.now(), manager.id, reason
    link = path_for("payback.work_session", session_id=session.id)
    text = f"Community Payback session on '{session.project.title}' on {_when(session)} is cancelled: {reason}"
    for user in _people_to_tell(session):
        notify(user, text, _link_for(user, session, link), email_subject="Community Payback session cancelled")
    record_event(session.project, "cancel_session", manager, note=f"{govuk_date(session.day)}: {reason}")
    record_audit("payback.session_cancelled", session.project, actor=manager, detail=f"session {session.id}")
    return session


def allocatable_people(session: PaybackSession, manager: User) -> list:
    """People on the manager's provider's caseload, in the community, with unpaid work hours left on
    their order, not already on this session."""
    from marketplace.participants.models import CaseStatus, Participant

    taken = {allocation.participant_id for allocation in session.allocations}
    rows = db.session.execute(
        select(Participant, PaybackOrder).join(PaybackOrder, PaybackOrder.participant_id == Participant.id)
        .where(Participant.organisation_id == manager.organisation_id, Participant.status == CaseStatus.ACTIVE,
               Participant.location == "community")
        .order_by(Participant.last_name, Participant.first_name)).all()
    return [person for person, order in rows if person.id not in taken and order.minutes_left > 0]


def allocate(session: PaybackSession, manager: User, participant_id: int | None) -> PaybackAllocation:
    """Put a person on an order on a session. The place is taken with one conditional UPDATE of the
    session row (places_taken < capacity), backed by the table's CHECK, so allocations at the same
    moment never fill a session past its capacity; the person's case manager is told."""
    if session.is_cancelled:
        raise Refused("This session is cancelled")
    if session.day < clock.today():
        raise Refused("This session has already happened")
    people = {person.id: person for person in allocatable_people(session, manager)}
    person = people.get(participant_id)
    if person is None:
        already = next((a.participant for a in session.allocations if a.participant_id == participant_id), None)
        if already is not None:  # allocated a moment ago, in another browser
            raise Refused(f"{already.full_name} is already on this session", field="participant_id")
        raise Refused("Choose someone on your caseload with unpaid work hours left", field="participant_id")
    try:
        with db.session.begin_nested():
            taken = db.session.execute(
                update(PaybackSession)
                .where(PaybackSession.id == session.id, PaybackSession.places_taken < PaybackSession.capacity,
                       PaybackSession.cancelled_at.is_(None))
                .values(places_taken=PaybackSession.places_taken + 1)
                .execution_options(synchronize_session=False))
            if taken.rowcount != 1:
                db.session.refresh(session)  # changed or cancelled a moment ago: say what it is now
                if session.is_cancelled:
                    raise Refused("This session is cancelled")
                raise Refused(f"The session is full: its {session.capacity} places are taken")
            allocation = PaybackAllocation(session_id=session.id, participant_id=person.id,
                                           allocated_by_id=manager.id, created_at=clock.now())
            db.session.add(allocation)
            db.session.flush()
    except IntegrityError:  # the same person allocated a moment ago by someone else
        raise Refused(f"{person.full_name} is already on this session", field="participant_id") from None
    db.session.expire(session)
    if person.case_manager is not None:
        left = minutes_left_short_of(session, person)
        finish = "" if left is None else (f". Only {_hours_label(left)} hours are left on their order, so they "
                                          f"finish it at {finish_time(session, left):%H:%M}")
        notify(person.case_manager, f"{person.full_name} is on Community Payback on {govuk_date(session.day)}, "
                                    f"{session.starts_at:%H:%M} to {session.ends_at:%H:%M}, at {session.place}: "
                                    f"'{session.project.title}' in {session.project.town}{finish}",
               path_for("participants.show", participant_id=person.id))
    record_audit("payback.allocated", person, actor=manager, detail=f"session {session.id}")
    return allocation


def minutes_left_short_of(session: PaybackSession, participant) -> int | None:
    """The minutes left on the person's order when fewer than the session lasts, else None.

    Such a person is still allocated, with a warning: the last hours of an order seldom fill a whole
    session, and refusing would leave someone with 6 hours left no session to finish on. They finish
    their order part way through (finish_time), and their attendance is offered at what is left."""
    order = _order_of(participant)
    if order is None or order.minutes_left >= session.minutes:
        return None
    return order.minutes_left


def short_of_session(session: PaybackSession, participant) -> str | None:
    """What the supervisor is told when the person has fewer hours left than the session lasts."""
    left = minutes_left_short_of(session, participant)
    if left is None:
        return None
    return (f"{participant.full_name} has only {_hours_label(left)} hours left on their order, less than this "
            f"session's {_hours_label(session.minutes)} hours: they finish their order at "
            f"{finish_time(session, left):%H:%M} and leave then. Record {_hours_label(left)} hours for them.")


def finish_time(session: PaybackSession, minutes: int) -> time:
    start = session.starts_at.hour * 60 + session.starts_at.minute + minutes
    return time(start // 60, start % 60)


def record_attendance(allocation: PaybackAllocation, manager: User, outcome: str, minutes: int | None,
                      skills: tuple[str, ...] = ()) -> PaybackHours:
    """The supervisor's record of one person on one session: the outcome code and the hours, credited
    to their order through record_hours (its cap on hours and its lock apply). The session row is locked
    first, so a change or cancellation at the same moment is seen (or waits for this)."""
    session = lock_for_update(PaybackSession, allocation.session_id)
    if session.is_cancelled:
        raise Refused("This session is cancelled: no attendance is recorded for it")
    if session.day > clock.today():
        raise Refused(f"Attendance is recorded on or after the day of the session ({govuk_date(session.day)})")
    if allocation.hours_id is not None:
        raise Refused("Attendance on this session is already recorded")
    row = record_hours(allocation.participant, manager, HoursDetails(
        kind="work", worked_on=session.day, minutes=minutes, outcome=outcome, project_id=session.project_id,
        skills=tuple(skills)))
    allocation.hours_id = row.id
    return row


# ----------------------------------------------------------------------------------------------------
# A social enterprise's offer on completion: a guaranteed interview or a job for those who finish

OFFER_KINDS = ("guaranteed_interview", "vacancy")
OFFER_WORDS = {"guaranteed_interview": "a guaranteed interview", "vacancy": "a job"}


@dataclass
class OfferDetails:
    run_by_id: int | None = None
    opportunity_id: int | None = None


def social_enterprises() -> list[Organisation]:
    """Approved social enterprises, any of which may run a payback project."""
    from marketplace.accounts.models import OrganisationStatus
    from marketplace.core.roles import OrganisationKind

    return list(db.session.scalars(select(Organisation).where(
        Organisation.kind == OrganisationKind.SOCIAL_ENTERPRISE, Organisation.status == OrganisationStatus.APPROVED)
        .order_by(Organisation.name)))


def offers_open() -> list:
    """Open guaranteed interviews and vacancies of approved social enterprises: what a project they run
    may offer on completion."""
    from marketplace.opportunities.models import Opportunity

    ids = [organisation.id for organisation in social_enterprises()]
    return list(db.session.scalars(select(Opportunity).where(
        Opportunity.organisation_id.in_(ids), Opportunity.kind.in_(OFFER_KINDS), Opportunity.open_clause())
        .order_by(Opportunity.title)))


def offer_problems(project: PaybackProject, details: OfferDetails) -> Problems:
    from marketplace.opportunities.models import Opportunity

    problems = Problems()
    problems.check(project.status == Status.ACCEPTED, "Only an accepted project can have an offer on completion")
    enterprises = {organisation.id: organisation for organisation in social_enterprises()}
    run_by = enterprises.get(details.run_by_id) if details.run_by_id is not None else None
    if details.run_by_id is not None:
        problems.check(run_by is not None, "Choose a social enterprise from the list", field="run_by_id")
    if details.opportunity_id is None:
        return problems
    opportunity = db.session.get(Opportunity, details.opportunity_id)
    if not problems.check(opportunity is not None and opportunity in offers_open(),
                          "Choose an open guaranteed interview or vacancy from the list", field="opportunity_id"):
        return problems
    if details.run_by_id is None:
        problems.add("Only a project a social enterprise runs can offer one of its opportunities: choose who runs "
                     "it", field="run_by_id")
    elif run_by is not None:
        problems.check(opportunity.organisation_id == run_by.id,
                       f"Choose one of {run_by.name}'s own opportunities: '{opportunity.title}' is "
                       f"{opportunity.organisation.name}'s", field="opportunity_id")
    return problems


def check_offer(project: PaybackProject, details: OfferDetails) -> None:
    offer_problems(project, details).raise_any()


def set_offer(project: PaybackProject, manager: User, details: OfferDetails) -> PaybackProject:
    """Say which social enterprise (if any) runs an accepted project and which of its guaranteed
    interviews or vacancies (if any) it offers to the people who complete their order on it. Their case
    managers see the offer on each person's page once their hours are done, and refer them through the
    usual referral (consent and every other rule unchanged)."""
    check_offer(project, details)
    project.run_by_id, project.offer_opportunity_id = details.run_by_id, details.opportunity_id
    db.session.flush()
    db.session.expire(project, ["run_by", "offer_opportunity"])
    note = (f"Run by {project.run_by.name}" if project.run_by else "Not run by a social enterprise") + (
        f"; offers {project.offer_opportunity.title}" if project.offer_opportunity else "")
    record_event(project, "set_offer", manager, note=note)
    record_audit("payback.offer_set", project, actor=manager, detail=note[:200])
    return project


def order_complete(participant) -> bool:
    order = _order_of(participant)
    return order is not None and order.minutes_done >= order.hours_ordered * 60


def completion_offers(participant) -> list[tuple[PaybackProject, object]]:
    """(project, opportunity) for each project the person worked on whose social enterprise offers an
    open guaranteed interview or job on completion, once the hours done reach the hours ordered."""
    from marketplace.opportunities.models import Opportunity

    if not order_complete(participant):
        return []
    worked_on = select(PaybackHours.project_id).where(PaybackHours.participant_id == participant.id,
                                                      PaybackHours.kind == "work")
    rows = db.session.execute(
        select(PaybackProject, Opportunity).join(Opportunity, Opportunity.id == PaybackProject.offer_opportunity_id)
        .where(PaybackProject.id.in_(worked_on), PaybackProject.run_by_id == Opportunity.organisation_id,
               Opportunity.open_clause())
        .order_by(PaybackProject.title)).all()
    seen, offers = set(), []
    for project, opportunity in rows:
        if opportunity.id not in seen:
            seen.add(opportunity.id)
            offers.append((project, opportunity))
    return offers


def _tell_of_offers_on_completion(participant, was_complete: bool) -> None:
    """The hours just recorded complete the order: the case manager hears of any offer on completion."""
    case_manager = participant.case_manager
    if was_complete or case_manager is None:
        return
    for project, opportunity in completion_offers(participant):
        notify(case_manager, f"{participant.full_name} has completed their unpaid work. {project.run_by.name} "
                             f"offers {OFFER_WORDS[opportunity.kind]} on completion: {opportunity.title}",
               path_for("participants.show", participant_id=participant.id) + "#payback-offers")


@reminder_job("held nomination photos past their time")
def remove_lapsed_photos() -> int:
    """Photos held for a nomination form that was never sent: removed once their tokens have lapsed."""
    return photos.remove_lapsed_held()


# Subject access --------------------------------------------------------------------------------------
def subject_access_section(participant) -> tuple[str, dict | None]:
    """The person's Community Payback for a subject access export: the unpaid work order, each day's
    hours with their outcome and skills, and each session they were allocated to (whether attendance
    was recorded for it). None when they have no order and were never allocated or credited."""
    order = db.session.scalar(select(PaybackOrder).where(PaybackOrder.participant_id == participant.id))
    hours = db.session.scalars(select(PaybackHours).where(PaybackHours.participant_id == participant.id)
                               .order_by(PaybackHours.worked_on, PaybackHours.id)).all()
    allocations = db.session.scalars(
        select(PaybackAllocation).join(PaybackSession).where(PaybackAllocation.participant_id == participant.id)
        .order_by(PaybackSession.day, PaybackAllocation.id)).all()
    if order is None and not hours and not allocations:
        return "community_payback", None
    return "community_payback", {
        "order": None if order is None else {
            "hours_ordered": order.hours_ordered, "made_on": order.made_on.isoformat(),
            "share_that_may_be_education_training_or_employment": f"{order.ete_cap_percent}%",
            "recorded_by": _name_of(order.recorded_by_id)},
        "hours": [{"worked_on": row.worked_on.isoformat(), "minutes": row.minutes,
                   "minutes_counted_toward_the_order": row.counted_minutes, "kind": row.kind,
                   "outcome": row.outcome, "skills": list(row.skills or []), "activity": row.activity or None,
                   "project": row.project.title if row.project else None,
                   "recorded_by": row.recorded_by.full_name if row.recorded_by else None,
                   "recorded_at": row.created_at.isoformat()} for row in hours],
        "sessions": [{"day": a.session.day.isoformat(), "from": f"{a.session.starts_at:%H:%M}",
                      "to": f"{a.session.ends_at:%H:%M}", "place": a.session.place,
                      "project": a.session.project.title, "attendance_recorded": a.hours_id is not None,
                      "cancelled": a.session.is_cancelled,
                      "allocated_at": a.created_at.isoformat()} for a in allocations],
    }


def _name_of(user_id: int | None) -> str | None:
    user = db.session.get(User, user_id) if user_id is not None else None
    return user.full_name if user else None


def _export_words() -> None:
    from marketplace.participants.export import EXPORT_SECTIONS, EXPORT_WORDS

    EXPORT_WORDS["community_payback"] = {"kind": HOUR_KINDS, "outcome": OUTCOMES, "skills": SKILLS}
    if subject_access_section not in EXPORT_SECTIONS:
        EXPORT_SECTIONS.append(subject_access_section)


_export_words()
