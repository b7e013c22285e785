"""Every write about referrals: making one (with what is shared and the consent for it), each step
of the workflow, messages, and the reminders that keep referrals moving."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import select

from marketplace.accounts.models import User, UserStatus
from marketplace.core import clock
from marketplace.core.calendar import add_working_days
from marketplace.core.db import lock_for_update
from marketplace.core.exceptions import Problems, Refused
from marketplace.core.filters import govuk_date, govuk_datetime
from marketplace.core.forms import time_of_day
from marketplace.core.links import path_for
from marketplace.core.operations import notify, record_audit
from marketplace.core.reminders import reminder_job, send_once
from marketplace.core.roles import EMPLOYING_ROLES, Role
from marketplace.core.workflow import NotAllowed
from marketplace.extensions import db
from marketplace.participants.export import EXPORT_SECTIONS
from marketplace.participants.operations import ERASURE_HOOKS
from marketplace.referrals import uploads
from marketplace.referrals.models import (
    BEFORE_INTERVIEW,
    DECLINE_REASONS,
    ENDED,
    HOLDS_PLACE,
    LEFT_JOB_REASONS,
    SNAPSHOT_PARTS,
    WITHDRAW_REASONS,
    Referral,
    ReferralDocument,
    ReferralMessage,
    Status,
)
from marketplace.referrals.workflow import transition
from marketplace.search.matching import Offer, Seeker, barriers

GUARANTEE_WORKING_DAYS = 10
LONDON = ZoneInfo("Europe/London")
MAX_TEXT = 3000


@dataclass
class Sharing:
    """What the case manager chose to share with the employer."""

    name: str
    parts: list[str] = field(default_factory=list)
    profile: str = ""
    disclosure: str = ""
    # Disclosure (marketplace.disclosure): the convictions the opportunity's check shows, the saved
    # disclosure letter, and the case manager's confirmation after the warning that the law does not
    # require what they chose to share.
    convictions: bool = False
    letter: bool = False
    beyond_law_confirmed: bool = False


def _snapshot(participant, sharing: Sharing, opportunity=None) -> dict:
    from marketplace.participants.models import READINESS_LABELS, Readiness
    from marketplace.reference import qualification_words

    snapshot: dict = {"name": sharing.name.strip(), "parts": [p for p in SNAPSHOT_PARTS if p in sharing.parts]}
    if "skills" in sharing.parts:
        snapshot["skills"] = list(participant.skills or [])
    if "qualifications" in sharing.parts:
        snapshot["qualifications"] = [qualification_words(q) for q in participant.qualifications or []]
    if "readiness" in sharing.parts:
        snapshot["readiness"] = READINESS_LABELS.get(Readiness(participant.readiness), "")
    # Line ends as one kind: what the check page carries back is then the very text it showed.
    if "profile" in sharing.parts:
        snapshot["profile"] = sharing.profile.strip().replace("\r\n", "\n")
    if "disclosure" in sharing.parts:
        snapshot["disclosure"] = sharing.disclosure.strip().replace("\r\n", "\n")
    if opportunity is not None and (sharing.convictions or sharing.letter):
        from marketplace.disclosure import operations as disclosure

        advice = disclosure.sharing_advice(participant, opportunity)
        snapshot["check_level"] = advice.check_level
        if sharing.convictions:
            # Only what this level of check shows: never a spent conviction for a basic check.
            snapshot["convictions"] = disclosure.shared_convictions(advice)
        if sharing.letter and advice.letter is not None:
            snapshot["letter"] = advice.letter.body
    return snapshot


def _check_disclosure(participant, opportunity, sharing: Sharing) -> None:
    """Refuse a letter that was never written, and sharing what the law does not require unless the
    case manager saw the warning and confirmed it."""
    if not (sharing.convictions or sharing.letter or "disclosure" in sharing.parts):
        return
    from marketplace.disclosure import operations as disclosure

    advice = disclosure.sharing_advice(participant, opportunity)
    if sharing.letter and advice.letter is None:
        raise Refused("Write and save the disclosure letter on their convictions page first, or untick it",
                      field="attach_letter")
    reasons = disclosure.beyond_law_reasons(advice, statement="disclosure" in sharing.parts,
                                            convictions=sharing.convictions, letter=sharing.letter)
    if reasons and not sharing.beyond_law_confirmed:
        raise Refused(" ".join(reasons) + " Untick it, or confirm that they still choose to share it.",
                      field="beyond_law")


def _check_sharing(sharing: Sharing, problems: Problems) -> None:
    problems.check(bool(sharing.name.strip()), "Enter the name to share with the employer", field="name")
    problems.check(len(sharing.name) <= 200, "The name must be 200 characters or fewer", field="name")
    problems.check(not set(sharing.parts) - set(SNAPSHOT_PARTS), "Choose what to share from the list", field="parts")
    if "profile" in sharing.parts:
        problems.check(bool(sharing.profile.strip()), "Write the short profile, or untick it", field="profile")
    if "disclosure" in sharing.parts:
        problems.check(bool(sharing.disclosure.strip()),
                       "Write the disclosure statement with the participant, or untick it", field="disclosure")
    for name in ("profile", "disclosure"):
        problems.check(len(getattr(sharing, name)) <= MAX_TEXT, f"Write {MAX_TEXT:,} characters or fewer", field=name)


def check_can_refer(participant, opportunity, case_manager, today: date | None = None, *,
                    excluding: int | None = None) -> None:
    """Everything that must be true before this person can be put forward for this opportunity."""
    today = today or clock.today()
    if case_manager.role != Role.CASE_MANAGER or case_manager.organisation_id != participant.organisation_id:
        raise Refused("Only a case manager of the person's own organisation can refer them")
    if participant.is_closed:
        raise Refused("This person's case is closed")
    if not participant.may_share_with_employers():
        raise Refused(f"{participant.first_name} has not agreed to share details with employers. Record their "
                      "consent on their page first.")
    problems = barriers(Seeker.from_participant(participant), Offer.from_opportunity(opportunity), today)
    if problems:
        raise Refused("This person cannot be referred here: " + " ".join(problems))
    if existing_referral(participant, opportunity, excluding) is not None:
        raise Refused("This person already has a referral for this opportunity that is still going")


def existing_referral(participant, opportunity, excluding: int | None = None) -> int | None:
    """The id of this person's referral for this opportunity that is still going, if any."""
    return db.session.scalar(select(Referral.id).where(
        Referral.participant_id == participant.id, Referral.opportunity_id == opportunity.id,
        Referral.status.not_in([str(s) for s in ENDED]), Referral.id != (excluding or 0)))


def check_referral(participant, opportunity, case_manager, sharing: Sharing, *, consent_confirmed: bool,
                   requirements_confirmed: list[str], problems: Problems | None = None,
                   campus_cv: CampusCVChoice | None = None) -> None:
    """Every rule a referral must meet before it is made, checked all at once: raises Refused naming
    each problem (with any `problems` already found, such as a refused file). Writes nothing."""
    problems = problems if problems is not None else Problems()
    if campus_cv is not None and campus_cv.attach:
        _check_campus_cv(participant, opportunity, campus_cv, problems)
    problems.kept(lambda: check_can_refer(participant, opportunity, case_manager))
    _check_sharing(sharing, problems)
    problems.kept(lambda: _check_disclosure(participant, opportunity, sharing))
    problems.check(consent_confirmed, f"Confirm that {participant.first_name} agreed to share this with "
                   f"{opportunity.organisation.name}", field="consent")
    if opportunity.kind == "guaranteed_interview":
        problems.check(sorted(set(requirements_confirmed)) == sorted(set(opportunity.minimum_requirements or [])),
                       "Confirm that the person meets every minimum requirement", field="requirements")
    problems.raise_any()


@dataclass(frozen=True)
class CampusCVChoice:
    """The case manager's choice to attach the person's Virtual Campus CV, and the person's consent."""

    attach: bool = False
    consent: bool = False
    uploaded_cv: bool = False  # a CV file was chosen as well


def has_campus_cv(participant) -> bool:
    from marketplace.campus.operations import cv_words_of

    return cv_words_of(participant) is not None


def _check_campus_cv(participant, opportunity, choice: CampusCVChoice, problems: Problems) -> None:
    problems.check(has_campus_cv(participant), f"{participant.first_name} has no CV on the Virtual Campus",
                   field="campus_cv")
    problems.check(not choice.uploaded_cv, "Attach one CV: remove the CV file or untick the Virtual Campus CV",
                   field="campus_cv")
    problems.check(choice.consent, f"Confirm that {participant.first_name} agreed to share their CV with "
                   f"{opportunity.organisation.name}", field="campus_cv_consent")


def campus_cv_file(participant):
    """The person's Virtual Campus CV as it is now, as a PDF upload (werkzeug FileStorage) for the
    referral's files, or None if they have none. It is checked and held like any upload, so what the
    check page shows is the file sent: the snapshot at sending, not the CV as it is later."""
    import io

    from werkzeug.datastructures import FileStorage

    from marketplace.campus.cv import build_cv, pdf_bytes
    from marketplace.campus.operations import cv_words_of

    words = cv_words_of(participant)
    if words is None:
        return None
    data = pdf_bytes(build_cv(participant, words))
    return FileStorage(io.BytesIO(data), filename=f"CV {participant.full_name} (Virtual Campus).pdf",
                       content_type="application/pdf")


def hold_documents(owner, participant, opportunity, chosen: dict,
                   removed: tuple[str, ...] = ()) -> tuple[dict[str, uploads.Held], Problems]:
    """The files of a referral form, kept server-side while the form comes back or is checked.

    `chosen` maps each file field to (a new upload or None, the token of a file held before). A new
    file replaces the held one; a refused new file is a problem on its field (and the one held
    before, if any, stays). A field in `removed` lets its held file go (deleted at once): the person
    decided not to send it. Returns the files now held and the problems found."""
    purpose = f"referral:{participant.id}:{opportunity.id}"
    for name in removed:
        upload, token = chosen[name]
        uploads.REFERRALS.let_go(token, name, owner.id, purpose)
        chosen = {**chosen, name: (upload, "")}
    return uploads.REFERRALS.hold_files(owner.id, purpose, chosen)


@dataclass
class Preview:
    """What the employer will see, exactly as it will be sent, and a fingerprint of it that the
    "Send referral" button carries: a referral is sent only as it was checked."""

    snapshot: dict
    documents: list[uploads.Held]
    requirements: list[str]
    fingerprint: str


def preview_referral(participant, opportunity, sharing: Sharing, documents: dict[str, uploads.Held]) -> Preview:
    import hashlib
    import json

    snapshot = _snapshot(participant, sharing, opportunity)
    requirements = list(opportunity.minimum_requirements or []) if opportunity.kind == "guaranteed_interview" else []
    files = [documents[name] for name in ("cv", "campus_cv", "disclosure_letter") if name in documents]
    seen = json.dumps({"snapshot": snapshot, "requirements": requirements,
                       "documents": [(f.field, f.filename, f.size, f.stored_name) for f in files]},
                      sort_keys=True, default=str)
    return Preview(snapshot, files, requirements, hashlib.sha256(seen.encode()).hexdigest())


def create_referral(participant, opportunity, case_manager, sharing: Sharing, *, consent_confirmed: bool,
                    requirements_confirmed: list[str], cv=None, disclosure_letter=None,
                    submit: bool = True, campus_cv=None, campus_cv_consent: bool = False) -> Referral:
    """Make a referral (a draft, or submitted straight away). Files are an upload (checked in full
    before anything is written) or a file held from the form (uploads.Held); if the referral is
    refused after all, new files are removed and held ones go back to being held. `campus_cv` is the
    held PDF of the person's Virtual Campus CV (campus_cv_file): stored as the referral's CV, with who
    recorded the person's consent to share it, and when."""
    choice = CampusCVChoice(attach=campus_cv is not None, consent=campus_cv_consent,
                            uploaded_cv=cv is not None and bool(getattr(cv, "filename", "")))
    check_referral(participant, opportunity, case_manager, sharing, consent_confirmed=consent_confirmed,
                   requirements_confirmed=requirements_confirmed, campus_cv=choice)
    cv = campus_cv if campus_cv is not None else cv
    guaranteed = opportunity.kind == "guaranteed_interview"
    requirements = list(opportunity.minimum_requirements or []) if guaranteed else []
    referral = Referral(
        participant_id=participant.id, opportunity_id=opportunity.id,
        provider_organisation_id=participant.organisation_id, employer_organisation_id=opportunity.organisation_id,
        case_manager_id=case_manager.id, status=Status.DRAFT, snapshot=_snapshot(participant, sharing, opportunity),
        consent_confirmed_at=clock.now(), requirements_confirmed=requirements, guaranteed=guaranteed,
        created_at=clock.now(), updated_at=clock.now(), status_changed_at=clock.now(),
    )
    db.session.add(referral)
    stored, claimed = [], []
    try:
        for upload, kind, label in ((cv, "cv", "CV"), (disclosure_letter, "disclosure_letter", "disclosure letter")):
            if isinstance(upload, uploads.Held):
                details = uploads.claim(upload)
                claimed.append(details["stored_name"])
            elif upload is not None and getattr(upload, "filename", ""):
                details = uploads.check_and_store(upload, label)
                stored.append(details["stored_name"])
            else:
                continue
            db.session.add(ReferralDocument(referral=referral, kind=kind, uploaded_by_id=case_manager.id,
                                            uploaded_at=clock.now(), **details))
        if campus_cv is not None:
            referral.campus_cv_consent_by_id = case_manager.id
            referral.campus_cv_consent_at = clock.now()
        db.session.flush()
        record_audit("referral.created", referral, actor=case_manager)
        if campus_cv is not None:
            record_audit("referral.campus_cv_attached", referral, actor=case_manager)
        record_audit("participant.shared", participant, actor=case_manager, detail=f"referral {referral.id}")
        if submit:
            submit_referral(referral, case_manager)
    except Exception:
        for name in stored:
            uploads.remove(name)
        for name in claimed:
            uploads.give_back(name)
        raise
    return referral


def submit_referral(referral: Referral, actor) -> Referral:
    referral = lock_for_update(Referral, referral.id) or referral
    transition(referral, "submit", actor)
    # A draft saved earlier: the hard filters are checked again when it is sent (a refusal rolls
    # the step back with everything else).
    check_can_refer(referral.participant, referral.opportunity, actor, excluding=referral.id)
    if "convictions" in (referral.snapshot or {}):
        from marketplace.disclosure.operations import still_shown

        # A draft may wait while a conviction becomes spent: send only what the check shows today.
        referral.snapshot = still_shown(referral.snapshot, referral.participant, referral.opportunity)
    referral.submitted_at = clock.now()
    if referral.guaranteed:
        referral.guarantee_due_on = add_working_days(clock.today(), GUARANTEE_WORKING_DAYS)
    _tell_next(referral, f"New referral: {referral.shared_name} for {referral.opportunity.title}", actor)
    return referral


# Steps ---------------------------------------------------------------------------------------------

@dataclass
class StepDetails:
    reason_code: str = ""
    note: str = ""
    interview_date: date | None = None
    interview_time: str = ""
    interview_place: str = ""
    interview_bring: str = ""
    start_date: date | None = None
    # The outcomes of a course, volunteering or unpaid placement (see workflow.NOT_PAID_STEPS).
    completed_on: date | None = None
    qualification_title: str = ""
    qualification_level: str = ""
    qualification_on: date | None = None
    work: str = ""  # the id of the person's paid referral they started, or "elsewhere"
    moved_on: date | None = None  # for work found elsewhere
    offer_start_date: date | None = None
    offer_hours: Decimal | None = None
    offer_pay: Decimal | None = None
    offer_pay_period: str = ""


WORK_ELSEWHERE = "elsewhere"
STARTED_PAID = (Status.STARTED, Status.SUSTAINED_13, Status.SUSTAINED_26, Status.LEFT_JOB)


def paid_starts_of(referral: Referral) -> list[Referral]:
    """The person's referrals to paid work that they started, on or after this one's start: the jobs
    a course, volunteering or unpaid placement may have led to."""
    from marketplace.opportunities.models import Opportunity

    if referral.start_date is None:
        return []
    return list(db.session.scalars(
        select(Referral).join(Opportunity, Opportunity.id == Referral.opportunity_id)
        .where(Referral.participant_id == referral.participant_id, Referral.id != referral.id,
               Referral.status.in_([str(s) for s in STARTED_PAID]), Opportunity.is_paid_work,
               Referral.start_date >= referral.start_date)
        .order_by(Referral.start_date, Referral.id)))


def work_choices(referral: Referral) -> list[tuple[str, str]]:
    """The answers to "which work did they move into?": each paid job they started through this
    service since, then work found elsewhere."""
    return [(str(job.id), f"{job.opportunity.title} at {job.employer.name}, started {govuk_date(job.start_date)}")
            for job in paid_starts_of(referral)] + [(WORK_ELSEWHERE, "Work found outside this service")]


def _check_outcome(action: str, details: StepDetails, referral: Referral | None, problems: Problems) -> Referral | None:
    """The date (and qualification, and work) of a course's, volunteering's or unpaid placement's
    outcome: on or after the start, never in the future. Returns the paid referral moved into, if any."""
    from marketplace.reference import QUALIFICATION_LEVELS

    today = clock.today()
    started = referral.start_date if referral is not None else None

    def in_time(day: date | None, field: str, missing: str, called: str) -> None:
        if problems.check(day is not None, missing, field=field):
            problems.check(day <= today, f"{called} must be today or in the past", field=field)
            if started is not None:
                problems.check(day >= started, f"{called} must be on or after the day they started "
                               f"({govuk_date(started)})", field=field)

    if action == "complete":
        in_time(details.completed_on, "completed_on", "Enter the date they completed it", "The date they completed it")
    if action == "gain_qualification":
        title = (details.qualification_title or "").strip()
        problems.check(bool(title), "Enter the qualification's title", field="qualification_title")
        problems.check(len(title) <= 200, "The title must be 200 characters or fewer", field="qualification_title")
        problems.check(details.qualification_level in QUALIFICATION_LEVELS, "Select the qualification's level",
                       field="qualification_level")
        in_time(details.qualification_on, "qualification_on", "Enter the date it was awarded",
                "The date it was awarded")
    job = None
    if action == "move_into_work":
        choices = dict(work_choices(referral)) if referral is not None else {WORK_ELSEWHERE: ""}
        if problems.check(details.work in choices, "Select the work they moved into", field="work"):
            if details.work == WORK_ELSEWHERE:
                in_time(details.moved_on, "moved_on", "Enter the date they started work", "The date they started work")
            else:
                job = db.session.get(Referral, int(details.work))
    return job


MAX_OFFER_AHEAD = timedelta(days=365)


def describe_offer(start: date | None, hours: Decimal | None, pay: Decimal | None, period: str) -> str:
    """A job offer in words, as the timeline and the referral page say it: "Starting 1 June 2027 · 37.5
    hours a week · £12.71 an hour"."""
    from marketplace.opportunities.models import PAY_PERIODS, money

    parts = []
    if start is not None:
        parts.append(f"Starting {govuk_date(start)}")
    if hours is not None:
        parts.append(f"{hours.normalize() if hours % 1 else int(hours)} hours a week")
    if pay is not None:
        parts.append(f"{money(pay)} {PAY_PERIODS.get(period, '')}".strip())
    return " · ".join(parts)


def _check_offer(details: StepDetails, referral: Referral | None, problems: Problems) -> None:
    """A job offer names its start date, hours and pay, all checked at once; paid work must pay at least
    the National Minimum Wage in force on the start date (unless the placement is training)."""
    from marketplace.opportunities.models import PAY_PERIODS, money
    from marketplace.opportunities.operations import MAX_HOURS, MAX_PAY, hourly_pay
    from marketplace.reference import minimum_wage_on

    today = clock.today()
    opportunity = referral.opportunity if referral is not None else None
    paid = opportunity is None or bool(opportunity.is_paid_work)
    start = details.offer_start_date
    if problems.check(start is not None, "Enter the date they would start", field="offer_start_date"):
        problems.check(start >= today, "The start date must be today or later", field="offer_start_date")
        problems.check(start <= today + MAX_OFFER_AHEAD, "The start date must be within the next year",
                       field="offer_start_date")
    hours, pay, period = details.offer_hours, details.offer_pay, details.offer_pay_period or ""
    hours_ok = problems.check(hours is not None or not paid, "Enter the hours per week", field="offer_hours") and (
        hours is None or problems.check(Decimal("0") < hours <= MAX_HOURS,
                                        f"Hours per week must be more than 0 and no more than {MAX_HOURS}",
                                        field="offer_hours"))
    pay_ok = problems.check(pay is not None or not paid, "Enter the pay", field="offer_pay") and (
        pay is None or problems.check(Decimal("0") < pay < MAX_PAY, "Enter the pay as an amount, like 12.71",
                                      field="offer_pay"))
    period_ok = problems.check(period in PAY_PERIODS or (pay is None and not period),
                               "Select whether the pay is by the hour, day, week, month or year",
                               field="offer_pay_period")
    if not (paid and hours_ok and pay_ok and period_ok and pay is not None):
        return
    hourly = hourly_pay(pay, period, hours)
    minimum = minimum_wage_on(start if start is not None and start >= today else today,
                              apprenticeship=opportunity is not None and opportunity.contract_type == "apprenticeship")
    if hourly is not None and hourly < minimum and not (opportunity is not None and opportunity.is_training):
        problems.add(f"Pay of {money(hourly)} an hour is below the National Minimum Wage of {money(minimum)} an hour",
                     field="offer_pay")


def _interview_moment(day: date, at: str) -> datetime:
    at_time = time_of_day(at)
    if at_time is None:
        raise Refused("Enter the time like 10:30, 2pm or 14:00", field="interview_time")
    return datetime.combine(day, at_time, LONDON).astimezone(UTC)


def step_for_date(action: str, start_date: date | None) -> str:
    """Recording a job start: a date still to come is a start agreed, a date reached is a start."""
    if action in ("start", "agree_start") and start_date is not None:
        return "agree_start" if start_date > clock.today() else "start"
    return action


def _offer_made_on(referral: Referral) -> date | None:
    made = [event.at for event in referral.events if event.action == "make_offer"]
    return max(made).astimezone(LONDON).date() if made else None


def check_step(action: str, details: StepDetails, referral: Referral | None = None) -> tuple[str, str, datetime | None]:
    """What a step needs (a reason, the interview's date, time and place, a start date), checked all
    at once: returns (note, reason code, interview moment) or raises Refused naming every problem.
    Writes nothing, so a form whose fields fail runs it too."""
    problems = Problems()
    today = clock.today()
    note = (details.note or "").strip()
    problems.check(len(note) <= MAX_TEXT, f"Write {MAX_TEXT:,} characters or fewer", field="note")
    reason = details.reason_code or ""
    codes = {"decline": DECLINE_REASONS, "withdraw": WITHDRAW_REASONS, "left_job": LEFT_JOB_REASONS}.get(action)
    if codes is not None and problems.check(reason in codes, "Select a reason", field="reason_code") \
            and reason == "other":
        problems.check(bool(note), "Say what the reason is", field="note")
    if action == "reject":
        reason = "not_successful"
    moment = None
    if action == "offer_interview":
        day = details.interview_date
        if problems.check(day is not None, "Enter the date of the interview", field="interview_date"):
            problems.check(day >= today, "The interview date must be today or later", field="interview_date")
        problems.check(bool((details.interview_place or "").strip()),
                       "Enter where the interview is, or the link to join it", field="interview_place")
        moment = problems.kept(lambda: _interview_moment(day or today, details.interview_time or ""))
        if moment is not None and day is not None and day == today and moment < clock.now():
            problems.add("The interview time must be later than now", field="interview_time")
    if action == "make_offer":
        _check_offer(details, referral, problems)
    if action in ("start", "agree_start") and problems.check(details.start_date is not None,
                                                             "Enter the date they start or started work",
                                                             field="start_date"):
        problems.check(details.start_date <= today + timedelta(days=60),
                       "The start date must be within the next 60 days", field="start_date")
        offered = _offer_made_on(referral) if referral is not None else None
        problems.check(offered is None or details.start_date >= offered,
                       f"The start date must be on or after the day the job was offered ({govuk_date(offered)})",
                       field="start_date")
    _check_outcome(action, details, referral, problems)
    problems.raise_any()
    return note, reason, moment


def take_step(referral: Referral, action: str, actor, details: StepDetails) -> Referral:
    """Apply one step with what it needs (a reason, interview details, a start date), then tell
    whoever must act next."""
    from marketplace.opportunities.operations import release_place, take_place

    # Hold the referral's row while its step is checked and applied: two people taking a step on the
    # same referral at once (two accepts of one offer) cannot both pass the workflow check.
    referral = lock_for_update(Referral, referral.id) or referral
    if action == "accept_offer" and referral.status in HOLDS_PLACE:
        # A double click: the first click won the place; the second must not say there are none left.
        raise NotAllowed("This offer is already recorded as accepted: the place is theirs.")
    action = step_for_date(action, details.start_date)
    note, reason, moment = check_step(action, details, referral)
    held_place = referral.status in HOLDS_PLACE
    if action == "accept_offer":
        # Takes one of the opportunity's places, or refuses when none is left (race-safe).
        take_place(referral.opportunity_id)
    event = transition(referral, action, actor, reason_code=reason, note=note)
    if action == "offer_interview":
        referral.interview_at = moment
        referral.interview_place = details.interview_place.strip()[:300]
        referral.interview_bring = (details.interview_bring or "").strip()[:500]
        event.detail = f"Interview {govuk_datetime(moment)}, {referral.interview_place}"[:300]
    elif action == "record_interview":
        referral.interviewed_at = clock.now()
    elif action == "make_offer":
        referral.offer_start_date = details.offer_start_date
        referral.offer_hours_per_week = details.offer_hours
        referral.offer_pay = details.offer_pay
        referral.offer_pay_period = details.offer_pay_period if details.offer_pay is not None else ""
        event.detail = describe_offer(referral.offer_start_date, referral.offer_hours_per_week, referral.offer_pay,
                                      referral.offer_pay_period)
    elif action in ("start", "agree_start"):
        referral.start_date = details.start_date
        event.detail = f"{'Starts' if action == 'agree_start' else 'Started'} {govuk_date(details.start_date)}"
    elif action == "complete":
        referral.completed_on = details.completed_on
    elif action == "gain_qualification":
        referral.qualification_title = details.qualification_title.strip()
        referral.qualification_level = details.qualification_level
        referral.qualification_on = details.qualification_on
    elif action == "move_into_work":
        job = _check_outcome(action, details, referral, Problems())
        referral.work_referral_id = job.id if job is not None else None
        referral.moved_into_work_on = job.start_date if job is not None else details.moved_on
    if action == "withdraw" and held_place:
        release_place(referral.opportunity_id)
    record_audit(f"referral.{action}", referral, actor=actor, detail=reason)
    _tell_next(referral, f"{referral.shared_name} — {referral.opportunity.title}: {referral.label.lower()}", actor)
    if action == "accept_offer" and referral.opportunity.status == "filled":
        _tell_others_filled(referral)
    return referral


def correct_last_step(referral: Referral, actor, reason: str) -> Referral:
    """Undo the actor's own last step (within the window), with a reason kept on the timeline: the
    place taken by an accepted offer is given back, a start or interview date recorded is cleared."""
    from marketplace.opportunities.operations import release_place
    from marketplace.referrals.workflow import correctable_step, undo

    referral = lock_for_update(Referral, referral.id) or referral
    reason = (reason or "").strip()
    problems = Problems()
    problems.check(bool(reason), "Say what was wrong", field="reason")
    problems.check(len(reason) <= MAX_TEXT, f"Write {MAX_TEXT:,} characters or fewer", field="reason")
    problems.raise_any()
    last = correctable_step(referral, actor)
    if last is None:
        raise Refused("There is no step of yours from the last 24 hours to correct.")
    action, before = last.action, last.from_status
    undo(referral, actor, reason)
    if action == "accept_offer":
        release_place(referral.opportunity_id)
    elif action == "record_interview":
        referral.interviewed_at = None
    elif action in ("start", "agree_start") and before == Status.OFFER_ACCEPTED:
        referral.start_date = None
    elif action == "make_offer":
        referral.offer_start_date = referral.offer_hours_per_week = referral.offer_pay = None
        referral.offer_pay_period = ""
    if action in ("reject", "left_job"):
        referral.reason_code = ""
    elif action == "complete":
        referral.completed_on = None
    elif action == "gain_qualification":
        referral.qualification_title, referral.qualification_level, referral.qualification_on = "", "", None
    elif action == "move_into_work":
        referral.work_referral_id, referral.moved_into_work_on = None, None
    record_audit("referral.corrected", referral, actor=actor, detail=action)
    _tell_next(referral, f"{referral.shared_name} — {referral.opportunity.title}: a step was corrected, "
               f"now {referral.label.lower()}", actor)
    return referral


def post_message(referral: Referral, author, body: str) -> ReferralMessage:
    """A plain-text message on the referral; the other side is told."""
    body = (body or "").strip()
    if not body:
        raise Refused("Write a message", field="body")
    if len(body) > MAX_TEXT:
        raise Refused(f"Write {MAX_TEXT:,} characters or fewer", field="body")
    if referral.side_of(author) not in ("provider", "employer"):
        raise Refused("Only the case manager's and the employer's organisations can write here")
    message = ReferralMessage(referral=referral, author_id=author.id, body=body, created_at=clock.now())
    db.session.add(message)
    db.session.flush()
    others = _employer_users(referral) if referral.side_of(author) == "provider" else _provider_users(referral)
    link = path_for("referrals.show", referral_id=referral.id, _anchor="messages")
    for user in others:
        notify(user, f"New message about {referral.shared_name} — {referral.opportunity.title}", link,
               email_subject="New message about a referral")
    return message


# Who is told what ------------------------------------------------------------------------------------

def _employer_users(referral: Referral) -> list[User]:
    return list(db.session.scalars(select(User).where(
        User.organisation_id == referral.employer_organisation_id, User.status == UserStatus.ACTIVE,
        User.role.in_([str(r) for r in EMPLOYING_ROLES]))))


def _provider_users(referral: Referral) -> list[User]:
    if referral.case_manager is not None and referral.case_manager.status == UserStatus.ACTIVE:
        return [referral.case_manager]
    return list(db.session.scalars(select(User).where(
        User.organisation_id == referral.provider_organisation_id, User.status == UserStatus.ACTIVE,
        User.role == Role.CASE_MANAGER, User.is_org_admin.is_(True))))


def next_roles(status: str, paid_work: bool | None = None) -> set:
    """Who must act next on a referral in `status`: the roles of its onward steps. Withdrawing (always
    open to the case manager) and changing an interview already offered are not what is awaited; nor,
    when `paid_work` is known, the steps of the other kind (job checks or a course's outcomes)."""
    from marketplace.referrals.workflow import NOT_PAID_STEPS, REFERRALS

    other_kind = set() if paid_work is None else NOT_PAID_STEPS if paid_work else {"sustain_13", "sustain_26"}
    return {role for (state, action), step in REFERRALS.table.items()
            if state == status and action != "withdraw" and step.to != state and action not in other_kind
            for role in step.roles}


def _tell_next(referral: Referral, text: str, actor=None) -> None:
    """Tell whoever must act next, in the service and by email; when the referral ends, both sides.
    The person who took the step is not told about it."""
    roles = next_roles(referral.status, referral.opportunity.is_paid_work)
    recipients: list[User] = []
    if roles & EMPLOYING_ROLES or (referral.status in ENDED and referral.submitted_at is not None):
        recipients += _employer_users(referral)
    if Role.CASE_MANAGER in roles or referral.status in ENDED:
        recipients += _provider_users(referral)
    link = path_for("referrals.show", referral_id=referral.id)
    for user in recipients:
        if actor is not None and user.id == actor.id:
            continue
        notify(user, text, link, email_subject="A referral needs your attention" if referral.is_open
               else "A referral has ended")


def _tell_others_filled(referral: Referral) -> None:
    others = db.session.scalars(select(Referral).where(
        Referral.opportunity_id == referral.opportunity_id, Referral.id != referral.id,
        Referral.status.not_in([str(s) for s in (*ENDED, *HOLDS_PLACE)]))).all()
    for other in others:
        for user in _provider_users(other):
            notify(user, f"{other.opportunity.title} is now filled: no places are left for {other.shared_name}.",
                   path_for("referrals.show", referral_id=other.id), email_subject="An opportunity has been filled")


# Reminders -------------------------------------------------------------------------------------------

def _open_referrals(*statuses):
    return db.session.scalars(select(Referral).where(Referral.status.in_([str(s) for s in statuses]))).all()


@reminder_job("held uploads past their time")
def remove_lapsed_uploads() -> int:
    """Files held for a referral form that was never sent: removed once their tokens have lapsed."""
    return uploads.remove_lapsed_held()


@reminder_job("referral interview reminders")
def remind_interviews() -> int:
    tomorrow = clock.today() + timedelta(days=1)
    sent = 0
    for referral in _open_referrals(Status.INTERVIEW_BOOKED):
        if referral.interview_at is None or referral.interview_at.astimezone(LONDON).date() != tomorrow:
            continue
        text = (f"Interview tomorrow: {referral.shared_name} for {referral.opportunity.title}, "
                f"{referral.interview_place}")
        sent += send_once(f"referral-interview:{referral.id}:{tomorrow.isoformat()}",
                          _provider_users(referral) + _employer_users(referral), text,
                          path_for("referrals.show", referral_id=referral.id), email_subject="Interview tomorrow")
    return sent


@reminder_job("agreed job starts")
def start_agreed_jobs() -> int:
    """On the agreed start date a "start agreed" becomes "started work" (the service takes the step),
    and both sides are told; the 13- and 26-week checks count from that day."""
    today = clock.today()
    started = 0
    for referral in _open_referrals(Status.START_AGREED):
        if referral.start_date is None or referral.start_date > today:
            continue
        referral = lock_for_update(Referral, referral.id)
        if referral.status != Status.START_AGREED:
            continue
        transition(referral, "start", None, note=f"Started on the agreed date, {govuk_date(referral.start_date)}.")
        text = (f"{referral.shared_name} — {referral.opportunity.title}: started work on "
                f"{govuk_date(referral.start_date)}")
        link = path_for("referrals.show", referral_id=referral.id)
        for user in _provider_users(referral) + _employer_users(referral):
            notify(user, text, link)
        started += 1
    return started


@reminder_job("referral outcome checks")
def remind_outcome_checks() -> int:
    today = clock.today()
    sent = 0
    for referral in _open_referrals(Status.STARTED, Status.SUSTAINED_13):
        weeks = 13 if referral.status == Status.STARTED else 26
        if not referral.opportunity.is_paid_work:
            continue
        if referral.start_date is None or today < referral.start_date + timedelta(weeks=weeks):
            continue
        text = f"Is {referral.shared_name} still in work at {referral.opportunity.organisation.name}? " \
               f"The {weeks}-week check is due."
        sent += send_once(f"referral-check-{weeks}:{referral.id}", _provider_users(referral), text,
                          path_for("referrals.show", referral_id=referral.id),
                          email_subject=f"{weeks}-week job check due")
    return sent


@reminder_job("guaranteed interviews overdue")
def flag_overdue_guarantees() -> int:
    today = clock.today()
    admins = list(db.session.scalars(select(User).where(User.role == Role.ADMIN, User.status == UserStatus.ACTIVE)))
    sent = 0
    for referral in _open_referrals(Status.SUBMITTED, Status.ACKNOWLEDGED):
        if not referral.guarantee_overdue(today):
            continue
        text = (f"Guarantee overdue: {referral.employer.name} has not offered {referral.shared_name} an interview "
                f"for {referral.opportunity.title} (due {govuk_date(referral.guarantee_due_on)}).")
        sent += send_once(f"referral-guarantee-overdue:{referral.id}", _employer_users(referral) + admins, text,
                          path_for("referrals.show", referral_id=referral.id),
                          email_subject="Guaranteed interview overdue")
    return sent


@reminder_job("gate mentor prompts")
def prompt_gate_mentors() -> int:
    """A person in custody with an interview or offer who is released within 14 days: prompt the
    case manager to ask for a Gatemate mentor to meet them at the gate."""
    today = clock.today()
    sent = 0
    for referral in _open_referrals(Status.INTERVIEW_OFFERED, Status.INTERVIEW_BOOKED, Status.INTERVIEWED,
                                    Status.OFFER_MADE, Status.OFFER_ACCEPTED):
        person = referral.participant
        if not (person.in_custody and person.release_date and today <= person.release_date
                <= today + timedelta(days=14)):
            continue
        text = (f"{person.full_name} is released on {govuk_date(person.release_date)} and has an interview or offer "
                "lined up. Ask a Gatemate mentor to meet them at the gate.")
        sent += send_once(f"referral-gatemate:{referral.id}", _provider_users(referral), text,
                          path_for("participants.show", participant_id=person.id), email_subject="Release day support")
    return sent


def near_release(referral: Referral, today: date | None = None) -> bool:
    today = today or clock.today()
    person = referral.participant
    return bool(referral.status in (Status.INTERVIEW_OFFERED, Status.INTERVIEW_BOOKED, Status.INTERVIEWED,
                                    Status.OFFER_MADE, Status.OFFER_ACCEPTED)
                and person.in_custody and person.release_date
                and today <= person.release_date <= today + timedelta(days=14))


def erase_referrals_of(participant) -> None:
    """On erasure of a participant: remove their referrals' files too (the rows go with the record)."""
    for referral in db.session.scalars(select(Referral).where(Referral.participant_id == participant.id)):
        for document in referral.documents:
            uploads.remove(document.stored_name)


def subject_access_section(participant) -> tuple[str, list]:
    """The participant's referrals for a subject access export: what was shared, the steps and the
    messages, and who opened each referral."""
    from marketplace.core.models import AuditEvent

    referrals = db.session.scalars(select(Referral).where(Referral.participant_id == participant.id)
                                   .order_by(Referral.created_at)).all()
    section = []
    for referral in referrals:
        views = db.session.scalars(select(AuditEvent).where(
            AuditEvent.subject_type == "referrals", AuditEvent.subject_id == str(referral.id))
            .order_by(AuditEvent.at)).all()
        section.append({
            "opportunity": referral.opportunity.title, "employer": referral.employer.name, "status": referral.status,
            "shared": referral.snapshot,
            "documents": [{"kind": d.kind, "filename": d.filename} for d in referral.documents],
            "steps": [{"at": e.at.isoformat(), "to": e.to_status, "reason": e.reason_code, "note": e.note,
                       "detail": e.detail} for e in referral.events],
            "job_offer": {"start_date": referral.offer_start_date.isoformat() if referral.offer_start_date else "",
                          "hours": referral.offer_hours_text, "pay": referral.offer_pay_text},
            "messages": [{"at": m.created_at.isoformat(), "body": m.body} for m in referral.messages],
            "access_log": [{"at": v.at.isoformat(), "who": v.actor_email, "action": v.action} for v in views],
        })
    return "referrals", section


ERASURE_HOOKS.append(erase_referrals_of)
EXPORT_SECTIONS.append(subject_access_section)


def referrals_of(participant) -> list[Referral]:
    """One participant's referrals, newest first: for the person's own Virtual Campus page."""
    return list(db.session.scalars(select(Referral).where(Referral.participant_id == participant.id)
                                   .order_by(Referral.created_at.desc(), Referral.id.desc())))


def guarantee_record(today, organisation_id: int | None = None) -> tuple[list[dict], list[Referral]]:
    """Per employer (or only `organisation_id`'s): guaranteed-interview referrals sent, offered in time,
    offered late, overdue now and still waiting in time; and the overdue referrals themselves."""
    query = select(Referral).where(Referral.guaranteed.is_(True), Referral.submitted_at.is_not(None))
    if organisation_id is not None:
        query = query.where(Referral.employer_organisation_id == organisation_id)
    rows = db.session.scalars(query).all()
    record: dict[int, dict] = {}
    for referral in rows:
        entry = record.setdefault(referral.employer_organisation_id, {
            "employer": referral.employer, "due": 0, "kept": 0, "late": 0, "overdue": 0, "waiting": 0})
        entry["due"] += 1
        offered = next((e.at.date() for e in referral.events if e.action == "offer_interview"), None)
        if offered is not None:
            entry["kept" if offered <= referral.guarantee_due_on else "late"] += 1
        elif referral.guarantee_overdue(today):
            entry["overdue"] += 1
        elif referral.status in BEFORE_INTERVIEW:
            entry["waiting"] += 1
    ordered = sorted(record.values(), key=lambda e: (-e["overdue"], -e["late"], e["employer"].name))
    return ordered, [referral for referral in rows if referral.guarantee_overdue(today)]


def _export_words() -> None:
    from marketplace.participants.export import EXPORT_WORDS
    from marketplace.referrals.models import STATUS_LABELS

    statuses = {str(code): words for code, words in STATUS_LABELS.items()}
    EXPORT_WORDS["referrals"] = {"status": statuses, "to": statuses, "parts": SNAPSHOT_PARTS,
                                 "reason": {**DECLINE_REASONS, **WITHDRAW_REASONS, **LEFT_JOB_REASONS}}


_export_words()
