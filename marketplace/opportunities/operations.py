"""Every write about opportunities. The form, the import and (later) referrals call these, so a rule (a
closing date in the future, pay at least the minimum wage, a kind the organisation's level allows) is
checked the same way wherever the data comes from. Each operation validates everything before it
changes anything, and every change ends in `touch`."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import func, select

from marketplace.accounts.models import Organisation, User, UserStatus
from marketplace.alliance import levels
from marketplace.alliance.operations import OPEN_POSTING_COUNTERS
from marketplace.core import clock
from marketplace.core.db import lock_for_update
from marketplace.core.exceptions import Problems, Refused
from marketplace.core.links import path_for
from marketplace.core.operations import notify, record_audit
from marketplace.core.postcodes import POSTCODE, REAL_POSTCODE, normalise_postcode
from marketplace.core.reminders import reminder_job
from marketplace.core.roles import EMPLOYING_ROLES
from marketplace.disclosure.models import CHECK_LEVELS
from marketplace.extensions import db
from marketplace.opportunities.models import (
    CONTRACT_TYPES,
    DOCUMENTS,
    KINDS,
    OFFENCE_EXCLUSIONS,
    PAY_PERIODS,
    PLACEMENT_SETTINGS,
    WORK_PATTERNS,
    Opportunity,
    OpportunityStatus,
    money,
)
from marketplace.opportunities.workflow import transition
from marketplace.reference import (
    OCCUPATION_GROUPS,
    QUALIFICATION_LEVELS,
    QUALIFICATION_SUBJECTS,
    REGIONS,
    SECTORS,
    minimum_wage_on,
)

S = OpportunityStatus
MAX_PLACES = 10_000
MAX_HOURS = Decimal("80")
MAX_PAY = Decimal("1000000")
MAX_LIST_ITEMS = 20
MAX_ITEM_LENGTH = 200
WORKING_DAYS_A_WEEK = 5  # to turn a day rate into an hourly one


def touch(opportunity: Opportunity) -> Opportunity:
    """The one place every write to an opportunity ends: it stamps `updated_at`. The search index is
    hooked in here (an index task written in the same transaction), so nothing that changes an
    opportunity can leave the index behind."""
    from marketplace.search.sync import queue

    opportunity.updated_at = clock.now()
    if opportunity.id is None:
        db.session.flush()
    queue("opportunity", opportunity.id)
    return opportunity


# Details and their checks ------------------------------------------------------------------------------

@dataclass
class OpportunityDetails:
    """Everything the form and the import set. Names are the import's field names."""

    kind: str
    title: str
    description: str
    sector: str
    region: str
    places: int | None
    external_id: str | None = None
    occupation_group: str | None = None
    town: str = ""
    postcode: str = ""
    national: bool = False
    remote: bool = False
    hours_per_week: Decimal | None = None
    work_pattern: str = ""
    contract_type: str = ""
    pay_from: Decimal | None = None
    pay_to: Decimal | None = None
    pay_period: str = ""
    pays_minimum_wage: bool = False
    start_date: date | None = None
    end_date: date | None = None
    closing_date: date | None = None
    rolling: bool = False
    essential_criteria: str = ""
    desirable_criteria: str = ""
    minimum_requirements: list[str] = field(default_factory=list)
    documents: list[str] = field(default_factory=list)
    offence_exclusions: list[str] = field(default_factory=list)
    check_level: str = "none"
    involves_children: bool = False
    involves_vulnerable_adults: bool = False
    custody_ok: bool = False
    prison_leavers_only: bool = False
    fidelity_bond: bool = False
    how_to_apply: str = ""
    paid: bool = False
    setting: str = ""
    is_training: bool = False
    qualification_subject: str | None = None
    qualification_level: str | None = None
    leads_to_guaranteed_interview: bool = False
    required_course: str = ""


DETAIL_FIELDS = [item.name for item in fields(OpportunityDetails)]


def _text(value: str | None, name: str, label: str, limit: int, *, required: bool = False) -> str:
    value = (value or "").strip()
    if required and not value:
        raise Refused(f"Enter {label}", field=name)
    if len(value) > limit:
        raise Refused(f"{label[0].upper()}{label[1:]} must be {limit:,} characters or fewer", field=name)
    return value


def _choice(value: str | None, allowed: dict, name: str, message: str) -> str:
    value = (value or "").strip()
    if value and value not in allowed:
        raise Refused(message, field=name)
    return value


def _codes(values, allowed: dict, name: str, message: str) -> list[str]:
    values = list(values or [])
    if any(value not in allowed for value in values):
        raise Refused(message, field=name)
    return [code for code in allowed if code in values]


def _lines(values, name: str, label: str) -> list[str]:
    cleaned = []
    for value in values or []:
        value = (value or "").strip()
        if not value:
            continue
        if len(value) > MAX_ITEM_LENGTH:
            raise Refused(f"Each {label} must be {MAX_ITEM_LENGTH} characters or fewer", field=name)
        if value not in cleaned:
            cleaned.append(value)
    if len(cleaned) > MAX_LIST_ITEMS:
        raise Refused(f"Give {MAX_LIST_ITEMS} {label}s or fewer", field=name)
    return cleaned


def hourly_pay(amount: Decimal, period: str, hours_per_week: Decimal | None) -> Decimal | None:
    """`amount` a `period` as an hourly rate, or None when it needs the hours and they are not given. A
    day is taken as one of five working days; a year as 52 weeks; a month as a twelfth of a year."""
    if period == "hour":
        return amount
    if not hours_per_week:
        return None
    weekly = {"day": amount * WORKING_DAYS_A_WEEK, "week": amount, "month": amount * 12 / 52,
              "year": amount / 52}[period]
    return (weekly / hours_per_week).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _check_pay(details: OpportunityDetails, hours: Decimal | None, training: bool, problems: Problems) -> tuple:
    """Return (pay_from, pay_to, pay_period, pays_minimum_wage), adding to `problems` what is wrong."""
    pay_from, pay_to, period = details.pay_from, details.pay_to, (details.pay_period or "").strip()
    unpaid = details.kind == "volunteering" or (details.kind == "work_placement" and not details.paid)
    if unpaid:
        if pay_from is not None or pay_to is not None:
            what = "Volunteering is unpaid" if details.kind == "volunteering" else "This placement is unpaid"
            problems.add(f"{what}: leave the pay empty (expenses can go in the description)", field="pay_from")
        if details.kind == "work_placement" and not training:
            problems.add("A placement that is not training must be paid at least the National Minimum Wage. Make it "
                         "paid, or say that it is training", field="paid")
        return None, None, "", False
    if pay_from is None:
        if pay_to is not None:
            problems.add("Enter the pay from, as well as the pay to", field="pay_from")
        elif details.kind == "work_placement":
            problems.add("Enter the pay for a paid placement", field="pay_from")
        return None, None, "", bool(details.pays_minimum_wage) and not training
    amounts_ok = True
    for name, amount in (("pay_from", pay_from), ("pay_to", pay_to)):
        if amount is not None and not Decimal("0") < amount < MAX_PAY:
            amounts_ok = problems.check(False, "Enter pay as an amount of money, like 12.71", field=name)
    if amounts_ok and pay_to is not None:
        problems.check(pay_from <= pay_to, "Pay from must not be more than pay to", field="pay_to")
    if not problems.check(period in PAY_PERIODS, "Select whether the pay is by the hour, day, week, month or year",
                          field="pay_period") or not amounts_ok:
        return pay_from, pay_to, period, False
    hourly = hourly_pay(pay_from, period, hours)
    if hourly is None:
        problems.add("Enter the hours per week, so the pay can be checked against the National Minimum Wage",
                     field="hours_per_week")
        return pay_from, pay_to, period, False
    minimum = minimum_wage_on(clock.today(), apprenticeship=details.contract_type == "apprenticeship")
    meets = hourly >= minimum
    if not meets and not training:
        who = "apprentices" if details.contract_type == "apprenticeship" else "people aged 21 and over"
        problems.add(f"Pay of {money(hourly)} an hour is below the National Minimum Wage of {money(minimum)} an hour "
                     f"for {who}. Pay at least that, or, for a placement that is training, say so", field="pay_from")
    elif details.pays_minimum_wage and not meets:
        problems.add(f"You said it pays at least the National Minimum Wage, but {money(hourly)} an hour is below "
                     f"{money(minimum)}", field="pays_minimum_wage")
    return pay_from, pay_to, period, meets


# Enhanced and standard checks are only lawful for roles the Rehabilitation of Offenders Act 1974
# (Exceptions) Order 1975 lists: for this service, work with children or vulnerable adults.
CHECKS_NEEDING_GROUNDS = {"standard", "enhanced"}


def check_details(details: OpportunityDetails, organisation: Organisation,
                  opportunity: Opportunity | None = None) -> OpportunityDetails:
    """Return cleaned details, or raise Refused naming every field that is wrong (all at once, so a
    form shows every error in one go). `opportunity` is the one being changed, if any."""
    problems = Problems()
    today = clock.today()
    kind = details.kind
    if not problems.check(kind in KINDS, "Select what kind of opportunity this is", field="kind"):
        kind = ""
    external_id = problems.kept(lambda: _text(details.external_id, "external_id", "your reference", 100)) or None
    if external_id is not None:
        clash = db.session.scalar(select(Opportunity.id).where(
            Opportunity.organisation_id == organisation.id, Opportunity.external_id == external_id))
        problems.check(clash is None or (opportunity is not None and clash == opportunity.id),
                       "Your organisation already has an opportunity with this reference", field="external_id")
    title = problems.kept(lambda: _text(details.title, "title", "a title", 200, required=True), "")
    description = problems.kept(lambda: _text(details.description, "description", "a description", 10_000,
                                              required=True), "")
    problems.check(details.sector in SECTORS, "Select a sector from the list", field="sector")
    occupation_group = str(details.occupation_group or "").strip() or None
    problems.check(occupation_group is None or occupation_group in OCCUPATION_GROUPS,
                   "Select an occupation group from the list (SOC 2020 major groups 1 to 9)", field="occupation_group")
    problems.check(details.region in REGIONS, "Select a region: one of the 9 English regions or Wales",
                   field="region")
    town = problems.kept(lambda: _text(details.town, "town", "the town", 100), "")
    postcode = normalise_postcode(details.postcode or "")
    problems.check(not postcode or bool(POSTCODE.match(postcode)), REAL_POSTCODE,
                   field="postcode")
    hours = details.hours_per_week
    if hours is not None and not problems.check(Decimal("0") < hours <= MAX_HOURS,
                                                f"Hours per week must be more than 0 and no more than {MAX_HOURS}",
                                                field="hours_per_week"):
        hours = None
    work_pattern = problems.kept(lambda: _choice(details.work_pattern, WORK_PATTERNS, "work_pattern",
                                                 "Select a work pattern from the list"), "")
    contract_type = problems.kept(lambda: _choice(details.contract_type, CONTRACT_TYPES, "contract_type",
                                                  "Select a contract type from the list"), "")

    # Kind by kind ---------------------------------------------------------------------------------
    placement, course, interview = kind == "work_placement", kind == "training", kind == "guaranteed_interview"
    setting = (details.setting or "").strip()
    if placement:
        problems.check(setting in PLACEMENT_SETTINGS,
                       "Select where the placement is: a prison workshop, day release or the community",
                       field="setting")
        problems.check(details.start_date is not None, "Enter the start date of the placement", field="start_date")
        problems.check(details.end_date is not None, "Enter the end date of the placement", field="end_date")
    elif setting:
        problems.add("Only work placements have a setting", field="setting")
    training = course or (placement and bool(details.is_training))
    subject = (details.qualification_subject or "").strip() or None
    level = str(details.qualification_level or "").strip() or None
    if course:
        known = problems.check(subject is None or subject in QUALIFICATION_SUBJECTS,
                               "Select the subject area of the qualification", field="qualification_subject")
        known = problems.check(level is None or level in QUALIFICATION_LEVELS,
                               "Select the level of the qualification", field="qualification_level") and known
        if known and bool(subject) != bool(level):
            problems.add("Give both the subject area and the level of the qualification",
                         field="qualification_level" if subject else "qualification_subject")
        elif known and not subject and not details.leads_to_guaranteed_interview:
            problems.add("Say what the course leads to: a qualification (subject area and level), a guaranteed "
                         "interview, or both", field="qualification_subject")
    elif subject or level or details.leads_to_guaranteed_interview:
        problems.add("Only training courses lead to a qualification or a guaranteed interview",
                     field="qualification_subject")
    requirements = problems.kept(lambda: _lines(details.minimum_requirements, "minimum_requirements",
                                                "minimum requirement"), [])
    if interview and not requirements:
        problems.add("Add at least one minimum requirement: the employer interviews everyone who meets them",
                     field="minimum_requirements")
    if requirements and kind and not interview:
        problems.add("Minimum requirements are only for guaranteed interviews: put what you look for in the "
                     "essential criteria", field="minimum_requirements")
    required_course = problems.kept(lambda: _text(details.required_course, "required_course", "the course", 200), "")
    if required_course and kind and not interview:
        problems.add("Only guaranteed interviews can require a course first", field="required_course")

    pay_from, pay_to, pay_period, meets = _check_pay(details, hours, training, problems)

    # Dates and places -----------------------------------------------------------------------------
    # A start date already past is a mistake when it is typed, not when an open opportunity grows older.
    start_moved = opportunity is None or details.start_date != opportunity.start_date
    if details.start_date is not None and details.start_date < today and start_moved:
        problems.add("The start date must be today or in the future", field="start_date")
    if details.start_date and details.end_date and details.end_date < details.start_date:
        problems.add("The end date must be the same as or after the start date", field="end_date")
    closing = details.closing_date
    if details.rolling and closing is not None:
        problems.add("Leave the closing date empty for a rolling opportunity", field="closing_date")
    if not details.rolling and closing is None:
        problems.add("Enter a closing date, or say that it is rolling (open until you close it)",
                     field="closing_date")
    live = opportunity is None or opportunity.status in (S.DRAFT, S.OPEN, S.FILLED)
    moved = opportunity is None or closing != opportunity.closing_date
    if closing is not None and closing < today and (live or moved):
        problems.add("The closing date must be today or in the future", field="closing_date")
    places = details.places
    if places is None or places < 1:
        problems.add("The number of places must be 1 or more", field="places")
    elif places > MAX_PLACES:
        problems.add(f"The number of places must be {MAX_PLACES:,} or fewer", field="places")
    elif opportunity is not None and places < opportunity.places_taken:
        problems.add(f"{opportunity.places_taken} places are already taken, so there cannot be fewer than "
                     f"{opportunity.places_taken}", field="places")

    # Who can apply --------------------------------------------------------------------------------
    exclusions = problems.kept(lambda: _codes(details.offence_exclusions, OFFENCE_EXCLUSIONS, "offence_exclusions",
                                              "Select offence exclusions from the list"), [])
    if "none" in exclusions and len(exclusions) > 1:
        problems.add("You said no offences are excluded, so do not select any others", field="offence_exclusions")
    documents = problems.kept(lambda: _codes(details.documents, DOCUMENTS, "documents",
                                             "Select documents from the list"), [])
    check_level = details.check_level or "none"
    if not problems.check(check_level in CHECK_LEVELS, "Select the criminal record check you do",
                          field="check_level"):
        check_level = "none"
    if check_level in CHECKS_NEEDING_GROUNDS and not (details.involves_children or details.involves_vulnerable_adults):
        problems.add(f"{CHECK_LEVELS[check_level]} checks are only allowed for roles that involve working with "
                     "children or vulnerable adults. Choose a basic check (or none), or say which the role involves",
                     field="check_level")
    problems.raise_any()
    return OpportunityDetails(
        kind=kind, external_id=external_id, title=title, description=description, sector=details.sector,
        occupation_group=occupation_group, town=town, postcode=postcode, region=details.region,
        national=bool(details.national), remote=bool(details.remote), hours_per_week=hours,
        work_pattern=work_pattern, contract_type=contract_type, pay_from=pay_from, pay_to=pay_to,
        pay_period=pay_period, pays_minimum_wage=meets, start_date=details.start_date, end_date=details.end_date,
        closing_date=closing, rolling=bool(details.rolling), places=places,
        essential_criteria=_text(details.essential_criteria, "essential_criteria", "the essential criteria", 5000),
        desirable_criteria=_text(details.desirable_criteria, "desirable_criteria", "the desirable criteria", 5000),
        minimum_requirements=requirements, documents=documents, offence_exclusions=exclusions,
        check_level=check_level,
        involves_children=bool(details.involves_children),
        involves_vulnerable_adults=bool(details.involves_vulnerable_adults),
        # In a prison workshop or on day release the person is, by definition, still in custody.
        custody_ok=bool(details.custody_ok) or setting in ("prison_workshop", "day_release"),
        prison_leavers_only=bool(details.prison_leavers_only), fidelity_bond=bool(details.fidelity_bond),
        how_to_apply=_text(details.how_to_apply, "how_to_apply", "how to apply", 2000),
        paid=(placement and bool(details.paid)) or kind in ("vacancy", "guaranteed_interview"),
        setting=setting, is_training=training, qualification_subject=subject, qualification_level=level,
        leads_to_guaranteed_interview=course and bool(details.leads_to_guaranteed_interview),
        required_course=required_course,
    )


def check_opportunity(organisation: Organisation, details: OpportunityDetails,
                      opportunity: Opportunity | None = None) -> OpportunityDetails:
    """Every rule an opportunity's form must meet, raising one Refused naming all that fail, or the
    cleaned details. Writes nothing: a form whose fields fail runs it too, so rule errors show beside
    the field errors; saving runs it, so the level and the details are refused together."""
    problems = Problems()
    problems.kept(lambda: levels.check_may_post(organisation, details.kind))
    cleaned = problems.kept(lambda: check_details(details, organisation, opportunity))
    problems.raise_any()
    return cleaned


# Creating, changing, publishing ----------------------------------------------------------------------------

def _ensure_poster(organisation: Organisation | None, actor: User | None) -> Organisation:
    """The organisation must be an employer or social enterprise, and a user must belong to it (the
    import has no user: it runs for the organisation named on the command line)."""
    if organisation is None or organisation.kind not in levels.MEMBER_KINDS or not organisation.is_approved:
        raise Refused("Only approved employers and social enterprises can post opportunities")
    if actor is not None and (actor.organisation_id != organisation.id or actor.role not in EMPLOYING_ROLES):
        raise Refused("Only people from the organisation itself can post its opportunities")
    return organisation


def _apply(opportunity: Opportunity, cleaned: OpportunityDetails) -> None:
    for name in DETAIL_FIELDS:
        setattr(opportunity, name, getattr(cleaned, name))


def _settle_places(opportunity: Opportunity) -> None:
    """Keep the status true to the places: filled when none are left, open again when some are."""
    if opportunity.status == S.OPEN and opportunity.places_left == 0:
        transition(opportunity, "fill", None)
    elif opportunity.status == S.FILLED and opportunity.places_left > 0 and opportunity.can_reopen_by_date():
        transition(opportunity, "release_place", None)


def create_opportunity(organisation: Organisation, details: OpportunityDetails, actor: User | None,
                       *, publish: bool = False) -> Opportunity:
    """Save a new opportunity as a draft (or, for the import, published at once)."""
    _ensure_poster(organisation, actor)
    cleaned = check_opportunity(organisation, details)
    opportunity = Opportunity(organisation_id=organisation.id, created_by_id=actor.id if actor else None,
                              status=S.DRAFT, places_taken=0, created_at=clock.now())
    _apply(opportunity, cleaned)
    db.session.add(opportunity)
    db.session.flush()
    record_audit("opportunity.created", opportunity, actor=actor, detail=opportunity.kind)
    if publish:
        transition(opportunity, "publish", actor)
    touch(opportunity)
    return opportunity


def update_opportunity(opportunity_id: int, details: OpportunityDetails, actor: User | None) -> Opportunity:
    """Change an opportunity's details. Its status follows its places (filled or open again)."""
    opportunity = lock_for_update(Opportunity, opportunity_id)
    if opportunity is None:
        raise Refused("This opportunity no longer exists")
    _ensure_poster(opportunity.organisation, actor)
    if actor is not None and actor.organisation_id != opportunity.organisation_id:
        raise Refused("This opportunity is not your organisation's")
    if opportunity.status == S.ARCHIVED:
        raise Refused("This opportunity is archived, so it cannot be changed. Duplicate it to post it again")
    cleaned = check_opportunity(opportunity.organisation, details, opportunity)
    _apply(opportunity, cleaned)
    _settle_places(opportunity)
    record_audit("opportunity.updated", opportunity, actor=actor)
    touch(opportunity)
    return opportunity


def _owned(opportunity_id: int, actor: User) -> Opportunity:
    opportunity = lock_for_update(Opportunity, opportunity_id)
    if opportunity is None or not opportunity.can_manage(actor):
        raise Refused("This opportunity is not your organisation's")
    return opportunity


def publish(opportunity_id: int, actor: User) -> Opportunity:
    """Publish a draft: checked again, since a closing date may have passed or a level lapsed since."""
    opportunity = _owned(opportunity_id, actor)
    levels.check_may_post(opportunity.organisation, opportunity.kind)
    check_details(details_of(opportunity), opportunity.organisation, opportunity)
    transition(opportunity, "publish", actor)
    record_audit("opportunity.published", opportunity, actor=actor)
    touch(opportunity)
    return opportunity


def close(opportunity_id: int, actor: User) -> Opportunity:
    """Close an opportunity by hand: case managers stop seeing it."""
    opportunity = _owned(opportunity_id, actor)
    transition(opportunity, "close", actor)
    record_audit("opportunity.closed", opportunity, actor=actor)
    touch(opportunity)
    return opportunity


def reopen(opportunity_id: int, actor: User) -> Opportunity:
    """Open a closed opportunity again, while its closing date has not passed and it has places left."""
    opportunity = _owned(opportunity_id, actor)
    if not opportunity.can_reopen_by_date():
        raise Refused("The closing date has passed. Change the closing date first, then reopen it")
    if opportunity.places_left == 0:
        raise Refused("No places are left. Add places first, then reopen it")
    levels.check_may_post(opportunity.organisation, opportunity.kind)
    transition(opportunity, "reopen", actor)
    record_audit("opportunity.reopened", opportunity, actor=actor)
    touch(opportunity)
    return opportunity


def archive(opportunity_id: int, actor: User) -> Opportunity:
    """Put away a draft, or a closed or filled opportunity: it leaves the organisation's lists."""
    opportunity = _owned(opportunity_id, actor)
    transition(opportunity, "archive", actor)
    record_audit("opportunity.archived", opportunity, actor=actor)
    touch(opportunity)
    return opportunity


def details_of(opportunity: Opportunity) -> OpportunityDetails:
    return OpportunityDetails(**{name: getattr(opportunity, name) for name in DETAIL_FIELDS})


def duplicate(opportunity_id: int, actor: User) -> Opportunity:
    """Copy an opportunity into a new draft, without its reference, places taken or history. A closing
    date already past is left empty for the employer to choose."""
    original = db.session.get(Opportunity, opportunity_id)
    if original is None or not original.can_manage(actor):
        raise Refused("This opportunity is not your organisation's")
    _ensure_poster(original.organisation, actor)
    levels.check_may_post(original.organisation, original.kind)
    copy = Opportunity(organisation_id=original.organisation_id, created_by_id=actor.id, status=S.DRAFT,
                       places_taken=0, created_at=clock.now())
    _apply(copy, details_of(original))
    copy.external_id = None
    copy.minimum_requirements = list(original.minimum_requirements or [])
    copy.documents = list(original.documents or [])
    copy.offence_exclusions = list(original.offence_exclusions or [])
    if copy.closing_date is not None and copy.closing_date < clock.today():
        copy.closing_date = None
    db.session.add(copy)
    db.session.flush()
    record_audit("opportunity.duplicated", copy, actor=actor, detail=f"from {original.id}")
    touch(copy)
    return copy


# Places: taken and released by referrals ---------------------------------------------------------------------

def take_place(opportunity_id: int) -> Opportunity:
    """Take one place (for a referral that was accepted), or raise Refused when none is left or the
    opportunity is not open. The row is locked while the places are counted, so places are never taken
    twice; the last place marks the opportunity filled."""
    opportunity = lock_for_update(Opportunity, opportunity_id)
    if opportunity is None:
        raise Refused("This opportunity no longer exists")
    if opportunity.status == S.FILLED or (opportunity.is_open() and opportunity.places_left == 0):
        raise Refused("No places are left on this opportunity")
    if not opportunity.is_open():
        raise Refused("This opportunity is not open")
    opportunity.places_taken += 1
    _settle_places(opportunity)
    touch(opportunity)
    return opportunity


def release_place(opportunity_id: int) -> Opportunity:
    """Give a place back (a referral withdrawn or a person who did not start). A filled opportunity
    opens again if its closing date has not passed."""
    opportunity = lock_for_update(Opportunity, opportunity_id)
    if opportunity is None:
        raise Refused("This opportunity no longer exists")
    if opportunity.places_taken <= 0:
        raise Refused("No places have been taken on this opportunity")
    opportunity.places_taken -= 1
    _settle_places(opportunity)
    touch(opportunity)
    return opportunity


# Dates ---------------------------------------------------------------------------------------------------------

@reminder_job("opportunities-closing-date")
def close_past_closing_date() -> int:
    """Close every open or filled opportunity whose closing date has passed, and tell whoever posted it."""
    today = clock.today()
    due = db.session.scalars(select(Opportunity.id).where(
        Opportunity.status.in_([S.OPEN, S.FILLED]), Opportunity.rolling.is_(False),
        Opportunity.closing_date < today)).all()
    for opportunity_id in due:
        opportunity = lock_for_update(Opportunity, opportunity_id)
        if opportunity.status not in (S.OPEN, S.FILLED):
            continue
        transition(opportunity, "expire", None, reason="Closing date passed")
        touch(opportunity)
        poster = opportunity.created_by
        if poster is not None and poster.status == UserStatus.ACTIVE:
            notify(poster, f"\"{opportunity.title}\" closed: its closing date has passed.",
                   path_for("opportunities.show", opportunity_id=opportunity.id))
    return len(due)


# Queries --------------------------------------------------------------------------------------------------------

def _open_counts(organisation_ids: list[int]) -> dict[int, int]:
    if not organisation_ids:
        return {}
    rows = db.session.execute(select(Opportunity.organisation_id, func.count()).where(
        Opportunity.organisation_id.in_(organisation_ids), Opportunity.open_clause())
        .group_by(Opportunity.organisation_id)).all()
    return dict(rows)


OPEN_POSTING_COUNTERS.append(_open_counts)


def closing_soon(organisation_id: int, days: int = 7) -> list[Opportunity]:
    today = clock.today()
    return list(db.session.scalars(select(Opportunity).where(
        Opportunity.organisation_id == organisation_id, Opportunity.open_clause(today),
        Opportunity.closing_date <= today + timedelta(days=days)).order_by(Opportunity.closing_date)))
