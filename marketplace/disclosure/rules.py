"""When a conviction or caution becomes spent in England and Wales, and what each DBS check shows.

A pure module (no database, no Flask). `assess()` is the entry point; every rule is a function or a
constant of its own with its source beside it. The rehabilitation periods are those of the
Rehabilitation of Offenders Act 1974 (the ROA) as amended by the Police, Crime, Sentencing and Courts
Act 2022 s193 from 28 October 2023; they apply to convictions from any date. The DBS filtering rules are
those in force since 28 October 2023.

Dates. Every date this module returns is the first day on which something holds: `spent_date` is the
first day a conviction is spent, `filtered_date` the first day a standard or enhanced check leaves it
out. The ROA counts periods "beginning with" a day, so that day is the period's first: a fine on
10 January 2024 has a rehabilitation period of 12 months beginning with that day, which ends on
9 January 2025, and the conviction is spent on 10 January 2025 (`months_after`). An `end_date` in the
input is the last day a sentence, order or condition applied (for a compensation order, the day the
last payment was made). The date of conviction is taken as the day sentence was passed; when sentence
came later, or started later, give the end date.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

# The rehabilitation periods and filtering rules here are those in force from this day (PCSC 2022 s193).
RULES_IN_FORCE_FROM = date(2023, 10, 28)


class Kind(StrEnum):
    CONVICTION = "conviction"
    CAUTION = "caution"  # includes youth cautions, reprimands and warnings


class SentenceType(StrEnum):
    CUSTODY = "custody"  # imprisonment, detention in a young offender institution, DTO, detention
    SUSPENDED = "suspended"  # a suspended sentence: the custodial term, not the operational period
    COMMUNITY_ORDER = "community_order"  # or a youth rehabilitation order
    FINE = "fine"
    CONDITIONAL_DISCHARGE = "conditional_discharge"  # or a bind-over or another order with an end date
    ABSOLUTE_DISCHARGE = "absolute_discharge"
    COMPENSATION_ORDER = "compensation_order"
    CONDITIONAL_CAUTION = "conditional_caution"  # adult or youth
    ORDER_WITHOUT_END = "order_without_end"  # made "until further order", e.g. a restraining order or SHPO
    # Sentences excluded from rehabilitation whatever their length or offence (see EXCLUDED_SENTENCES).
    LIFE = "life"
    PREVENTIVE_DETENTION = "preventive_detention"
    DETENTION_AT_PLEASURE = "detention_at_pleasure"
    CUSTODY_FOR_LIFE = "custody_for_life"
    PUBLIC_PROTECTION = "public_protection"
    EXTENDED = "extended"


class CheckLevel(StrEnum):
    BASIC = "basic"
    STANDARD = "standard"
    ENHANCED = "enhanced"


@dataclass(frozen=True)
class Source:
    title: str
    url: str


ROA_SECTION_1 = Source("Rehabilitation of Offenders Act 1974, section 1",
                       "https://www.legislation.gov.uk/ukpga/1974/53/section/1")
ROA_SECTION_4 = Source("Rehabilitation of Offenders Act 1974, section 4 (effect of a spent conviction)",
                       "https://www.legislation.gov.uk/ukpga/1974/53/section/4")
ROA_SECTION_5 = Source("Rehabilitation of Offenders Act 1974, section 5 (rehabilitation periods)",
                       "https://www.legislation.gov.uk/ukpga/1974/53/section/5")
ROA_SECTION_6 = Source("Rehabilitation of Offenders Act 1974, section 6 (several convictions)",
                       "https://www.legislation.gov.uk/ukpga/1974/53/section/6")
ROA_SCHEDULE_2 = Source("Rehabilitation of Offenders Act 1974, schedule 2 (spent cautions)",
                        "https://www.legislation.gov.uk/ukpga/1974/53/schedule/2/paragraph/1")
LASPO_SECTION_139 = Source("Legal Aid, Sentencing and Punishment of Offenders Act 2012, section 139",
                           "https://www.legislation.gov.uk/ukpga/2012/10/section/139")
PCSC_SECTION_193 = Source("Police, Crime, Sentencing and Courts Act 2022, section 193 (the 2023 changes)",
                          "https://www.legislation.gov.uk/ukpga/2022/32/section/193")
GOVUK_PERIODS = Source("GOV.UK: Rehabilitation periods (from 28 October 2023)",
                       "https://www.gov.uk/guidance/rehabilitation-periods")
DBS_FILTERING = Source("GOV.UK: DBS filtering guide (from 28 October 2023)",
                       "https://www.gov.uk/government/publications/dbs-filtering-guidance/dbs-filtering-guide")
POLICE_ACT_113A = Source("Police Act 1997, section 113A (what a standard check shows)",
                         "https://www.legislation.gov.uk/ukpga/1997/50/section/113A")
UNLOCK_LONG_LIST = Source("Unlock: sentences and how long they take to become spent",
                          "https://unlock.org.uk/advice/roa-long-list-of-sentences-and-disposals/")
UNLOCK_DRAG_THROUGH = Source("Unlock: drag-through explained", "https://unlock.org.uk/advice/drag-through-explained/")
UNLOCK_FILTERING = Source("Unlock: which cautions and convictions DBS filters",
                          "https://hub.unlock.org.uk/knowledgebase/what-will-be-filtered-by-dbs/")
SENTENCING_CODE_SCHEDULE_18 = Source(
    "Sentencing Code (Sentencing Act 2020), Schedule 18: specified offences (serious violent, sexual and terrorism)",
    "https://www.legislation.gov.uk/ukpga/2020/17/schedule/18")
SENTENCING_CODE_EXTENDED = Source(
    "Sentencing Code, sections 254, 266 and 279: extended sentences (custodial term plus extension period)",
    "https://www.legislation.gov.uk/ukpga/2020/17/section/279")
DBS_SPECIFIED_LIST = Source(
    "GOV.UK: DBS list of offences that will never be filtered from a criminal record check",
    "https://www.gov.uk/government/publications/dbs-list-of-offences-that-will-never-be-filtered-from-a-criminal-record-check")
SENTENCING_ACADEMY_SUSPENDED = Source(
    "Sentencing Academy: suspended sentences",
    "https://sentencingacademy.org.uk/about-sentencing/sentencing-explained/suspended-sentences/")

SOURCES: tuple[Source, ...] = (
    ROA_SECTION_1, ROA_SECTION_4, ROA_SECTION_5, ROA_SECTION_6, ROA_SCHEDULE_2, LASPO_SECTION_139, PCSC_SECTION_193,
    GOVUK_PERIODS, POLICE_ACT_113A, DBS_FILTERING, UNLOCK_LONG_LIST, UNLOCK_DRAG_THROUGH, UNLOCK_FILTERING,
    SENTENCING_ACADEMY_SUSPENDED, SENTENCING_CODE_SCHEDULE_18, SENTENCING_CODE_EXTENDED, DBS_SPECIFIED_LIST,
)


@dataclass(frozen=True)
class Months:
    """A length that depends on age: `adult` months at 18 or over, `youth` months under 18."""

    adult: int
    youth: int

    def for_youth(self, youth: bool) -> int:
        return self.youth if youth else self.adult


@dataclass(frozen=True)
class CustodyBand:
    """Custodial terms up to `longest_months` (None: any longer term) and the period added after them."""

    longest_months: int | None
    added: Months


# Youth means under 18 on the day of the conviction or caution: ROA s5(2) Table, third column
# ("offenders under 18 at date of conviction"); the DBS filtering guide takes the age "at the time of
# the caution or conviction". A person attains an age at the start of the anniversary of their birth
# (Family Law Reform Act 1969 s9), so someone born on 29 February turns 18 on 1 March in other years.
ADULT_AGE_MONTHS = 18 * 12
# No one under 10 can be guilty of an offence: Children and Young Persons Act 1933 s50.
AGE_OF_CRIMINAL_RESPONSIBILITY_MONTHS = 10 * 12

# ROA s5(2) Table, custodial rows, as amended by PCSC 2022 s193 from 28 October 2023: the period
# begins with the day the sentence, including any licence period, is completed (GOVUK_PERIODS).
CUSTODY_BANDS: tuple[CustodyBand, ...] = (
    CustodyBand(longest_months=12, added=Months(adult=12, youth=6)),
    CustodyBand(longest_months=48, added=Months(adult=48, youth=24)),
    CustodyBand(longest_months=None, added=Months(adult=84, youth=42)),
)
# ROA s5(1)(b) as substituted by PCSC 2022 s193(3): a custodial term of more than 4 years imposed for a
# Schedule 18 offence (Sentencing Code: serious violent, sexual and terrorism offences) is excluded
# from rehabilitation.
SCHEDULE_18_EXCLUDED_OVER_MONTHS = 48
# ROA s5(2) Table, "fine": 12 months beginning with the date of conviction, 6 under 18 (GOVUK_PERIODS).
FINE_PERIOD = Months(adult=12, youth=6)
# ROA Schedule 2 para 1(1)(a) as amended by LASPO 2012 s139(7): a conditional caution is spent at the
# end of 3 months from the day it was given, or when it ceases to have effect if that is earlier.
CONDITIONAL_CAUTION_MONTHS = 3
# ROA s5(3) as substituted by LASPO 2012 s139: an order that makes no provision at all for its last day
# has a period of 24 months beginning with the date of conviction (see order_without_end_spent_date).
UNSTATED_ORDER_MONTHS = 24
# A custodial term can be suspended only when it is at most 2 years (Sentencing Code ss264 and 277;
# SENTENCING_ACADEMY_SUSPENDED).
SUSPENDED_LONGEST_MONTHS = 24

# ROA s5(1)(a), (c)-(f): sentences excluded from rehabilitation, never spent whatever the offence.
EXCLUDED_SENTENCES: dict[SentenceType, str] = {
    SentenceType.LIFE: "imprisonment for life",  # s5(1)(a)
    SentenceType.PREVENTIVE_DETENTION: "preventive detention",  # s5(1)(c)
    SentenceType.DETENTION_AT_PLEASURE: "detention at His Majesty's pleasure or for life",  # s5(1)(d)
    SentenceType.CUSTODY_FOR_LIFE: "custody for life",  # s5(1)(e)
    SentenceType.PUBLIC_PROTECTION: "imprisonment or detention for public protection (IPP or DPP)",  # s5(1)(f)
    SentenceType.EXTENDED: "an extended sentence, including an extended determinate sentence",  # s5(1)(f)
}
# Where each is in ROA s5(1), for the rules page.
EXCLUDED_PARAGRAPHS: dict[SentenceType, str] = {
    SentenceType.LIFE: "5(1)(a)", SentenceType.PREVENTIVE_DETENTION: "5(1)(c)",
    SentenceType.DETENTION_AT_PLEASURE: "5(1)(d)", SentenceType.CUSTODY_FOR_LIFE: "5(1)(e)",
    SentenceType.PUBLIC_PROTECTION: "5(1)(f)", SentenceType.EXTENDED: "5(1)(f)",
}
# An extended sentence is a custodial term followed by an extension period on licence (Sentencing Code
# ss254, 266, 279): up to 5 years for a violent offence and 8 for a sexual or terrorism one.
EXTENSION_LONGEST_MONTHS = 8 * 12
TIMED_CUSTODY = frozenset({SentenceType.CUSTODY, SentenceType.SUSPENDED})
# A suspended sentence counts as a custodial sentence for the DBS rules: "All convictions resulting in
# a custodial sentence, whether or not suspended, will always be disclosed" (DBS_FILTERING).
CUSTODIAL = TIMED_CUSTODY | frozenset(EXCLUDED_SENTENCES)
# Orders that end on a day the order provides for: ROA s5(2) Table, community or youth rehabilitation
# order and "relevant order" (conditional discharge, bind-over and other orders, s5(8)).
ORDERS_WITH_AN_END = frozenset({SentenceType.COMMUNITY_ORDER, SentenceType.CONDITIONAL_DISCHARGE})

# Filtering of spent convictions from standard and enhanced checks: a conviction is protected when it
# is spent, no custodial sentence was imposed, the offence is not a specified ("listed") offence and
# 11 years have passed since the conviction, or 5 years 6 months if the person was under 18 (Police Act
# 1997 s113A, "protected conviction"; DBS_FILTERING). Since 28 November 2020 other convictions no longer
# stop a conviction being filtered (UNLOCK_FILTERING).
CONVICTION_FILTER_PERIOD = Months(adult=11 * 12, youth=5 * 12 + 6)
# An adult caution is protected 6 years after it was given unless the offence is specified (Police Act
# 1997 s113A, "protected caution"; DBS_FILTERING).
ADULT_CAUTION_FILTER_MONTHS = 6 * 12


@dataclass(frozen=True)
class Sentence:
    type: SentenceType
    length_months: int | None = None  # for an extended sentence, the custodial term
    end_date: date | None = None
    extension_months: int | None = None  # an extended sentence's extension period


@dataclass(frozen=True)
class Conviction:
    """A conviction or caution, with two separate facts about its offence:

    `specified`: on the DBS list of specified offences (DBS_SPECIFIED_LIST), which is never filtered
    from standard and enhanced checks; `schedule_18`: a Schedule 18 offence of the Sentencing Code
    (SENTENCING_CODE_SCHEDULE_18), for which custody of more than 4 years is never spent. The lists
    differ: an offence can be on either without the other."""

    date: date
    kind: Kind
    offence_category: str
    specified: bool
    sentences: tuple[Sentence, ...] = ()
    schedule_18: bool = False

    @property
    def is_caution(self) -> bool:
        return self.kind == Kind.CAUTION


@dataclass(frozen=True)
class Assessment:
    """What the law says about one conviction or caution as of `today`. `spent_date` is the first day
    it is spent, None when it never will be (or not until an order without an end date is ended or a
    compensation order is paid); `filtered_date` is the first day standard and enhanced checks leave it
    out, None when they always show it."""

    index: int
    conviction: Conviction
    youth: bool
    spent_date: date | None
    filtered_date: date | None
    today: date

    @property
    def spent(self) -> bool:
        return _on_or_after(self.today, self.spent_date)

    def disclosed(self, level: CheckLevel) -> bool:
        """Whether a check of this level, issued on `today`, would show it."""
        if level == CheckLevel.BASIC:
            return not self.spent
        # Enhanced = standard here: local police information is a matter for the police, not these rules.
        return not _on_or_after(self.today, self.filtered_date)

    @property
    def basic(self) -> bool:
        return self.disclosed(CheckLevel.BASIC)

    @property
    def standard(self) -> bool:
        return self.disclosed(CheckLevel.STANDARD)

    @property
    def enhanced(self) -> bool:
        return self.disclosed(CheckLevel.ENHANCED)


def _on_or_after(day: date, start: date | None) -> bool:
    return start is not None and day >= start


# ----------------------------------------------------------------------------------------------------
# Counting


def months_after(day: date, months: int) -> date:
    """The first day after a period of `months` calendar months beginning with `day`.

    The period ends the day before the same date `months` later; when that month has no such date
    (31 August plus 6 months) it ends on the month's last day, so the next day is the 1st of the month
    after.
    """
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    days_in_month = calendar.monthrange(year, month)[1]
    if day.day <= days_in_month:
        return date(year, month, day.day)
    return date(year, month, days_in_month) + timedelta(days=1)


def is_youth(date_of_birth: date, day: date) -> bool:
    """Under 18 on `day` (see ADULT_AGE_MONTHS)."""
    return day < months_after(date_of_birth, ADULT_AGE_MONTHS)


def earliest_conviction_date(date_of_birth: date) -> date:
    """The 10th birthday: no one younger can be convicted or cautioned."""
    return months_after(date_of_birth, AGE_OF_CRIMINAL_RESPONSIBILITY_MONTHS)


def _later(first: date | None, second: date | None) -> date | None:
    """The later of two end dates, where None is open-ended."""
    if first is None or second is None:
        return None
    return max(first, second)


_NO_PERIOD = date.min  # a part of a rehabilitation period that is absent: later than nothing


# ----------------------------------------------------------------------------------------------------
# One sentence at a time: ROA s5


def is_excluded(conviction: Conviction) -> bool:
    """A sentence excluded from rehabilitation makes the conviction never spent: ROA s1(1)(a) and
    s5(1) (EXCLUDED_SENTENCES; more than 4 years for a Schedule 18 offence)."""
    if any(sentence.type in EXCLUDED_SENTENCES for sentence in conviction.sentences):
        return True
    return conviction.schedule_18 and custodial_term_months(conviction) > SCHEDULE_18_EXCLUDED_OVER_MONTHS


def custodial_term_months(conviction: Conviction) -> int:
    """The single custodial term of a conviction, in months.

    Consecutive terms, and terms wholly or partly concurrent imposed in the same proceedings, are
    treated as a single term: ROA s5(7) as substituted by LASPO 2012 s139. Terms listed separately are
    taken to run one after another and are added up, so concurrent terms must be entered once, as the
    overall term. It is the term the court gave, not the time served, that counts (GOVUK_PERIODS),
    and a suspended sentence counts like any other custodial term (UNLOCK_LONG_LIST).
    """
    return sum(sentence.length_months or 0 for sentence in conviction.sentences if sentence.type in TIMED_CUSTODY)


def custodial_last_day(conviction: Conviction) -> date:
    """The last day of the whole custodial term, licence included: the end date given (the latest, if
    several are), otherwise the day before the term has run from the date of conviction."""
    given = [s.end_date for s in conviction.sentences if s.type in TIMED_CUSTODY and s.end_date is not None]
    if given:
        return max(given)
    return months_after(conviction.date, custodial_term_months(conviction)) - timedelta(days=1)


def custody_added_months(term_months: int, youth: bool) -> int:
    """The period added after a custodial term (CUSTODY_BANDS; ROA s5(2) Table as amended in 2023)."""
    for band in CUSTODY_BANDS:
        if band.longest_months is None or term_months <= band.longest_months:
            return band.added.for_youth(youth)
    raise AssertionError("the last custody band has no upper limit")


def custody_spent_date(conviction: Conviction, youth: bool) -> date:
    """ROA s5(2) Table: the end of the added period beginning with the day the sentence, including any
    licence period, is completed."""
    added = custody_added_months(custodial_term_months(conviction), youth)
    return months_after(custodial_last_day(conviction), added)


def fine_spent_date(conviction: Conviction, youth: bool) -> date:
    """ROA s5(2) Table: 12 months beginning with the date of conviction, 6 under 18 (FINE_PERIOD)."""
    return months_after(conviction.date, FINE_PERIOD.for_youth(youth))


def order_spent_date(conviction: Conviction, sentence: Sentence) -> date:
    """Community order, youth rehabilitation order, conditional discharge, bind-over or other order with
    an end: the period ends on the last day the order has effect, with nothing added since 28 October
    2023 (ROA s5(2) Table as amended by PCSC 2022 s193; GOVUK_PERIODS), so the conviction is spent the
    day after. An order given as a length runs from the date of conviction."""
    if sentence.end_date is not None:
        return sentence.end_date + timedelta(days=1)
    if sentence.length_months is None:
        raise ValueError(f"a {sentence.type} needs an end date or a length")
    return months_after(conviction.date, sentence.length_months)


def absolute_discharge_spent_date(conviction: Conviction) -> date:
    """An absolute discharge has no rehabilitation period (ROA s5(4) as substituted by LASPO 2012 s139):
    the conviction is spent the day it is made."""
    return conviction.date


def compensation_spent_date(sentence: Sentence) -> date | None:
    """ROA s5(2) Table: the period ends on the date the compensation is paid in full, so the conviction is
    spent the day after; unpaid, it is not spent (UNLOCK_LONG_LIST: "when paid in full")."""
    return sentence.end_date + timedelta(days=1) if sentence.end_date is not None else None


def order_without_end_spent_date(sentence: Sentence) -> date | None:
    """An order made "until further order" (a restraining order or sexual harm prevention order, say)
    keeps the conviction unspent until a court ends it or gives it an end date; the conviction is spent
    the day after its last day.

    The ROA's fallback of 24 months from conviction (s5(3) as substituted by LASPO 2012 s139) is for an
    order that says nothing at all about when it ends; DBS treats an order made "until further order" as
    still running and its conviction as unspent (DBS filtering scenarios, 28 October 2023, with the
    DBS_FILTERING guidance). For an order that really is silent about its end, give the end date as 24
    months from the date of conviction, less a day.
    """
    return sentence.end_date + timedelta(days=1) if sentence.end_date is not None else None


def conditional_caution_spent_date(caution: Conviction, sentence: Sentence) -> date:
    """ROA Schedule 2 para 1(1)(a): at the end of 3 months *from* the day it was given (which leaves that
    day out, so the months run from the next day) or, if earlier, when it ceases to have effect (the day
    after its conditions last applied)."""
    three_months = months_after(caution.date + timedelta(days=1), CONDITIONAL_CAUTION_MONTHS)
    if sentence.end_date is None:
        return three_months
    return min(three_months, sentence.end_date + timedelta(days=1))


def caution_spent_date(caution: Conviction) -> date:
    """A simple caution, youth caution, reprimand or warning is spent when given (ROA Schedule 2 para
    1(1)(b)); a conditional caution as `conditional_caution_spent_date`."""
    if not caution.sentences:
        return caution.date
    if len(caution.sentences) == 1 and caution.sentences[0].type == SentenceType.CONDITIONAL_CAUTION:
        return conditional_caution_spent_date(caution, caution.sentences[0])
    raise ValueError("a caution carries nothing (a simple caution) or a single conditional caution")


# ----------------------------------------------------------------------------------------------------
# One conviction: ROA s6(1)-(2)


@dataclass
class _Rehabilitation:
    """A conviction's rehabilitation period while drag-through is worked out. Each end is the first day
    after that part of the period; None is open-ended, _NO_PERIOD is absent.

    `dragging_end` comes from the sentences that can extend other convictions' periods, and from the
    extensions this conviction has received; `order_end` from orders without an end date, which keep
    this conviction unspent but extend no other (ROA s6(5): an order imposing a "disqualification,
    disability, prohibition or other penalty")."""

    start: date
    dragging_end: date | None
    order_end: date | None

    @property
    def end(self) -> date | None:
        return _later(self.dragging_end, self.order_end)

    def covers(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day < self.end)


def rehabilitation_period(conviction: Conviction, youth: bool) -> _Rehabilitation:
    """The period of one conviction before drag-through: where several sentences were imposed, the
    longest of their periods (ROA s6(2))."""
    if not conviction.sentences:
        raise ValueError("a conviction needs at least one sentence")
    dragging_end: date | None = _NO_PERIOD
    order_end: date | None = _NO_PERIOD
    if any(sentence.type in TIMED_CUSTODY for sentence in conviction.sentences):
        dragging_end = custody_spent_date(conviction, youth)
    for sentence in conviction.sentences:
        if sentence.type in TIMED_CUSTODY:
            continue
        if sentence.type == SentenceType.FINE:
            dragging_end = _later(dragging_end, fine_spent_date(conviction, youth))
        elif sentence.type in ORDERS_WITH_AN_END:
            dragging_end = _later(dragging_end, order_spent_date(conviction, sentence))
        elif sentence.type == SentenceType.ABSOLUTE_DISCHARGE:
            dragging_end = _later(dragging_end, absolute_discharge_spent_date(conviction))
        elif sentence.type == SentenceType.COMPENSATION_ORDER:
            dragging_end = _later(dragging_end, compensation_spent_date(sentence))
        elif sentence.type == SentenceType.ORDER_WITHOUT_END:
            order_end = _later(order_end, order_without_end_spent_date(sentence))
        else:
            raise ValueError(f"a conviction cannot carry a {sentence.type}")
    return _Rehabilitation(start=conviction.date, dragging_end=dragging_end, order_end=order_end)


# ----------------------------------------------------------------------------------------------------
# Several convictions: drag-through, ROA s1(1)(b) and s6(4)-(5)


def extend_by_drag_through(periods: Sequence[_Rehabilitation]) -> None:
    """A conviction during another's rehabilitation period keeps both unspent until the later of the two
    periods ends (ROA s6(4); UNLOCK_DRAG_THROUGH). Applied until nothing changes, so chains carry on: a
    third conviction inside the extended period extends all three.

    A conviction whose period has already ended stays spent (s6(4) applies only "during" the period);
    cautions take no part (they fall under Schedule 2, not s6). An order without an end date keeps its
    own conviction unspent and so catches later convictions, but extends none (s6(5)): only
    `dragging_end` is shared.

    Not modelled: s6(6) disregards a later conviction for an offence triable only summarily. The input
    does not say which offences those are, so every later conviction extends the period; that can only
    make a spent date later than the law requires, never earlier.
    """
    changed = True
    while changed:
        changed = False
        for earlier in periods:
            for further in periods:
                if further is earlier or not earlier.covers(further.start):
                    continue
                shared = _later(earlier.dragging_end, further.dragging_end)
                for period in (earlier, further):
                    if period.dragging_end != shared:
                        period.dragging_end = shared
                        changed = True


def is_blocked_by_excluded_sentence(period: _Rehabilitation, excluded_dates: Iterable[date]) -> bool:
    """A sentence excluded from rehabilitation imposed for a later conviction during this conviction's
    period (as extended) means this conviction is never spent either (ROA s1(1)(b); UNLOCK_DRAG_THROUGH).
    A conviction on the same day counts as later. A conviction that can never be spent has no period of
    its own, so it does not catch later ones ("if your original conviction was one that could never
    become spent then further convictions which have a rehabilitation period can still become spent")."""
    return any(period.covers(day) for day in excluded_dates)


def conviction_spent_dates(date_of_birth: date, convictions: Sequence[Conviction]) -> dict[int, date | None]:
    """The spent date of each conviction (not caution), keyed by its index, drag-through included."""
    periods: dict[int, _Rehabilitation] = {}
    excluded_dates: list[date] = []
    for index, conviction in enumerate(convictions):
        if conviction.is_caution:
            continue
        if is_excluded(conviction):
            excluded_dates.append(conviction.date)
        else:
            periods[index] = rehabilitation_period(conviction, is_youth(date_of_birth, conviction.date))
    extend_by_drag_through(list(periods.values()))
    spent_dates: dict[int, date | None] = {}
    for index, conviction in enumerate(convictions):
        if conviction.is_caution:
            continue
        period = periods.get(index)
        if period is None or is_blocked_by_excluded_sentence(period, excluded_dates):
            spent_dates[index] = None
        else:
            spent_dates[index] = period.end
    return spent_dates


# ----------------------------------------------------------------------------------------------------
# Standard and enhanced checks: filtering


def conviction_filtered_date(conviction: Conviction, youth: bool, spent_date: date | None) -> date | None:
    """The first day a conviction is protected, or None if it never will be (CONVICTION_FILTER_PERIOD).
    `specified` here is the DBS list (DBS_SPECIFIED_LIST), not Schedule 18."""
    if conviction.specified or spent_date is None:
        return None
    if any(sentence.type in CUSTODIAL for sentence in conviction.sentences):
        return None
    return max(spent_date, months_after(conviction.date, CONVICTION_FILTER_PERIOD.for_youth(youth)))


def caution_filtered_date(caution: Conviction, youth: bool, spent_date: date) -> date | None:
    """The first day a standard or enhanced check leaves a caution out, or None if it always shows it.

    Youth cautions, reprimands and warnings are not disclosed, whatever the offence; a youth conditional
    caution is, but only while it is unspent (DBS_FILTERING; DBS filtering scenario 2, 28 October 2023).
    An adult caution is protected after 6 years unless the offence is specified (ADULT_CAUTION_FILTER_MONTHS).
    """
    if youth:
        return spent_date
    if caution.specified:
        return None
    return max(spent_date, months_after(caution.date, ADULT_CAUTION_FILTER_MONTHS))


# ----------------------------------------------------------------------------------------------------
# The whole record


def assess(date_of_birth: date, convictions: Sequence[Conviction], today: date) -> list[Assessment]:
    """Assess each conviction and caution, in the order given, as of `today`. Each is judged on the whole
    record, because one conviction can keep another unspent."""
    for conviction in convictions:
        if conviction.date > today:
            raise ValueError(f"a {conviction.kind} dated {conviction.date} is after {today}")
    conviction_dates = conviction_spent_dates(date_of_birth, convictions)
    assessments = []
    for index, conviction in enumerate(convictions):
        youth = is_youth(date_of_birth, conviction.date)
        if conviction.is_caution:
            spent_date: date | None = caution_spent_date(conviction)
            filtered_date = caution_filtered_date(conviction, youth, spent_date)
        else:
            spent_date = conviction_dates[index]
            filtered_date = conviction_filtered_date(conviction, youth, spent_date)
        assessments.append(Assessment(index=index, conviction=conviction, youth=youth, spent_date=spent_date,
                                      filtered_date=filtered_date, today=today))
    return assessments


def next_changes(assessment: Assessment) -> dict[CheckLevel, date | None]:
    """For each check level, the first day after `assessment.today` on which the answer changes, or None
    if it never will (on the record as it stands: a new conviction can change it)."""
    changes: dict[CheckLevel, date | None] = {}
    for level in CheckLevel:
        change = assessment.spent_date if level == CheckLevel.BASIC else assessment.filtered_date
        changes[level] = change if change is not None and change > assessment.today else None
    return changes


# ----------------------------------------------------------------------------------------------------
# The rules in words, for the page that explains them (built from the constants above)


@dataclass(frozen=True)
class PeriodRow:
    disposal: str
    adult: str
    youth: str
    source: Source


@dataclass(frozen=True)
class FilteringRow:
    record: str
    rule: str
    source: Source


NEVER_SPENT = "Never spent"


def describe_months(months: int) -> str:
    """12 -> "1 year", 42 -> "3 years 6 months"."""
    years, rest = divmod(months, 12)
    parts = [f"{years} year{'s' if years != 1 else ''}"] if years else []
    if rest or not parts:
        parts.append(f"{rest} month{'s' if rest != 1 else ''}")
    return " ".join(parts)


def _custody_band_name(position: int) -> str:
    band = CUSTODY_BANDS[position]
    if position == 0:
        return f"{describe_months(band.longest_months or 0)} or less"
    shorter = describe_months(CUSTODY_BANDS[position - 1].longest_months or 0)
    if band.longest_months is None:
        return f"more than {shorter}"
    return f"more than {shorter} and up to {describe_months(band.longest_months)}"


def period_table() -> list[PeriodRow]:
    """How long each kind of sentence takes to become spent, adult and under 18."""
    after_sentence = "after the whole sentence ends, licence included"
    rows = [
        PeriodRow(f"Prison or detention, including a suspended sentence: {_custody_band_name(position)}"
                  + (", not for a Schedule 18 offence" if band.longest_months is None else ""),
                  f"{describe_months(band.added.adult)} {after_sentence}",
                  f"{describe_months(band.added.youth)} {after_sentence}", GOVUK_PERIODS)
        for position, band in enumerate(CUSTODY_BANDS)
    ]
    rows.append(PeriodRow(
        f"Prison or detention of more than {describe_months(SCHEDULE_18_EXCLUDED_OVER_MONTHS)} for a Schedule 18 "
        "offence (serious violent, sexual or terrorism offences; not the same as the DBS list)", NEVER_SPENT,
        NEVER_SPENT, Source(f"{ROA_SECTION_5.title}(1)(b), with {SENTENCING_CODE_SCHEDULE_18.title}",
                            ROA_SECTION_5.url)))
    for sentence, words in EXCLUDED_SENTENCES.items():
        label = words[0].upper() + words[1:]
        if sentence == SentenceType.EXTENDED:
            label += " (a custodial term and an extension period on licence), whatever the length"
        rows.append(PeriodRow(label, NEVER_SPENT, NEVER_SPENT,
                              Source(f"Rehabilitation of Offenders Act 1974, section {EXCLUDED_PARAGRAPHS[sentence]}",
                                     ROA_SECTION_5.url)))
    rows += [
        PeriodRow("Community order or youth rehabilitation order", "The day after the order ends",
                  "The day after the order ends", GOVUK_PERIODS),
        PeriodRow("Fine", f"{describe_months(FINE_PERIOD.adult)} after the conviction",
                  f"{describe_months(FINE_PERIOD.youth)} after the conviction", GOVUK_PERIODS),
        PeriodRow("Conditional discharge, bind-over or another order with an end date", "The day after the order ends",
                  "The day after the order ends", GOVUK_PERIODS),
        PeriodRow("Order made 'until further order', such as a restraining order or sexual harm prevention order",
                  "Not while the order lasts: the day after a court ends it",
                  "Not while the order lasts: the day after a court ends it", DBS_FILTERING),
        PeriodRow("Compensation order", "The day after it is paid in full", "The day after it is paid in full",
                  UNLOCK_LONG_LIST),
        PeriodRow("Absolute discharge", "Straight away", "Straight away", LASPO_SECTION_139),
        PeriodRow("Simple caution, youth caution, reprimand or warning", "Straight away", "Straight away",
                  ROA_SCHEDULE_2),
        PeriodRow("Conditional caution",
                  f"{describe_months(CONDITIONAL_CAUTION_MONTHS)} after it is given, or sooner if the conditions end",
                  f"{describe_months(CONDITIONAL_CAUTION_MONTHS)} after it is given, or sooner if the conditions end",
                  ROA_SCHEDULE_2),
    ]
    return rows


def filtering_table() -> list[FilteringRow]:
    """When standard and enhanced checks stop showing a spent conviction or a caution."""
    return [
        FilteringRow("Conviction of someone 18 or over",
                     f"Left out once it is spent and {describe_months(CONVICTION_FILTER_PERIOD.adult)} have passed "
                     "since the conviction, unless it led to a custodial sentence (suspended or not) or the "
                     "offence is on the DBS list of specified offences", DBS_FILTERING),
        FilteringRow("Conviction of someone under 18",
                     f"Left out once it is spent and {describe_months(CONVICTION_FILTER_PERIOD.youth)} have passed "
                     "since the conviction, unless it led to a custodial sentence (suspended or not) or the "
                     "offence is on the DBS list of specified offences", DBS_FILTERING),
        FilteringRow("Caution of someone 18 or over",
                     f"Left out {describe_months(ADULT_CAUTION_FILTER_MONTHS)} after it was given, unless the "
                     "offence is on the DBS list of specified offences", DBS_FILTERING),
        FilteringRow("Youth caution, reprimand or warning (under 18)",
                     "Never shown, whatever the offence", DBS_FILTERING),
        FilteringRow("Youth conditional caution (under 18)",
                     "Shown only while it is unspent", DBS_FILTERING),
    ]
