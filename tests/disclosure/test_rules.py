"""Worked cases for the disclosure rules, each expected value worked out by hand from the rules.

Conventions used in the arithmetic (see marketplace/disclosure/rules.py): a date is the first day
something holds; "N months from D" ends on the day before the same date N months later (or at the end
of a month that has no such date); a custodial term's last day is the day before the term has run from
the conviction date, and the added period begins with that last day.
"""

from __future__ import annotations

from datetime import date

import pytest

from marketplace.disclosure.rules import (
    CheckLevel,
    Conviction,
    Kind,
    Sentence,
    SentenceType,
    assess,
    describe_months,
    months_after,
    next_changes,
)

ADULT = date(1980, 5, 15)  # an adult in every case that uses this date of birth
YOUTH = date(2000, 7, 1)  # 18 on 1 July 2018
TEEN = date(2004, 9, 9)  # 18 on 9 September 2022


def d(text: str) -> date:
    return date.fromisoformat(text)


def conviction(day: str, *sentences: Sentence, specified: bool = False, schedule_18: bool = False,
               category: str = "other") -> Conviction:
    return Conviction(date=d(day), kind=Kind.CONVICTION, offence_category=category, specified=specified,
                      sentences=sentences, schedule_18=schedule_18)


def caution(day: str, *sentences: Sentence, specified: bool = False, category: str = "other") -> Conviction:
    return Conviction(date=d(day), kind=Kind.CAUTION, offence_category=category, specified=specified,
                      sentences=sentences)


def custody(months: int, end: str | None = None) -> Sentence:
    return Sentence(SentenceType.CUSTODY, length_months=months, end_date=d(end) if end else None)


def suspended(months: int) -> Sentence:
    return Sentence(SentenceType.SUSPENDED, length_months=months)


def community(months: int | None = None, end: str | None = None) -> Sentence:
    return Sentence(SentenceType.COMMUNITY_ORDER, length_months=months, end_date=d(end) if end else None)


def discharge(months: int) -> Sentence:
    return Sentence(SentenceType.CONDITIONAL_DISCHARGE, length_months=months)


def fine() -> Sentence:
    return Sentence(SentenceType.FINE)


def absolute() -> Sentence:
    return Sentence(SentenceType.ABSOLUTE_DISCHARGE)


def compensation(paid: str | None = None) -> Sentence:
    return Sentence(SentenceType.COMPENSATION_ORDER, end_date=d(paid) if paid else None)


def open_order(end: str | None = None) -> Sentence:
    return Sentence(SentenceType.ORDER_WITHOUT_END, end_date=d(end) if end else None)


def conditional(end: str | None = None) -> Sentence:
    return Sentence(SentenceType.CONDITIONAL_CAUTION, end_date=d(end) if end else None)


def life() -> Sentence:
    return Sentence(SentenceType.LIFE)


def shows(spent: str | None, *, basic: bool, standard: bool, enhanced: bool) -> tuple:
    """Expected: the spent date (None: never) and whether each check shows it."""
    return (d(spent) if spent else None, basic, standard, enhanced)


def case(case_id: str, date_of_birth: date, record: list[Conviction], today: str, *expected: tuple):
    return pytest.param(date_of_birth, record, d(today), list(expected), id=case_id)


CASES = [
    # --- Custody, adult ------------------------------------------------------------------------------
    # 6 months from 10 Mar 2018: last day 9 Sep 2018; 1 year or less adds 1 year -> 9 Sep 2019.
    # Custodial, so standard and enhanced always show it.
    case("custody-6-months", ADULT, [conviction("2018-03-10", custody(6))], "2024-01-01",
         shows("2019-09-09", basic=False, standard=True, enhanced=True)),
    # 12 months from 10 Jan 2020: last day 9 Jan 2021; 12 months is "1 year or less" -> +1 year = 9 Jan 2022.
    case("custody-12-months-day-before", ADULT, [conviction("2020-01-10", custody(12))], "2022-01-08",
         shows("2022-01-09", basic=True, standard=True, enhanced=True)),
    # Same record on the spent date itself: spent, so off a basic check.
    case("custody-12-months-on-the-day", ADULT, [conviction("2020-01-10", custody(12))], "2022-01-09",
         shows("2022-01-09", basic=False, standard=True, enhanced=True)),
    # 13 months from 1 Apr 2019: 1 May 2020 less a day = 30 Apr 2020; more than 1 year adds 4 years -> 30 Apr 2024.
    case("custody-13-months", ADULT, [conviction("2019-04-01", custody(13))], "2024-04-29",
         shows("2024-04-30", basic=True, standard=True, enhanced=True)),
    # 48 months from 15 Jun 2010: last day 14 Jun 2014; up to 4 years adds 4 years -> 14 Jun 2018.
    case("custody-48-months", ADULT, [conviction("2010-06-15", custody(48))], "2020-01-01",
         shows("2018-06-14", basic=False, standard=True, enhanced=True)),
    # 49 months from 1 Feb 2005: 1 Mar 2009 less a day = 28 Feb 2009; over 4 years, not Schedule 18,
    # adds 7 years -> 28 Feb 2016. The day before, still unspent.
    case("custody-49-months-not-schedule-18", ADULT, [conviction("2005-02-01", custody(49))], "2016-02-27",
         shows("2016-02-28", basic=True, standard=True, enhanced=True)),
    # 60 months for a specified (Schedule 18) offence: over 4 years, excluded -> never spent.
    case("custody-60-months-schedule-18", ADULT,
         [conviction("2012-09-01", custody(60), specified=True, schedule_18=True, category="violence")], "2030-01-01",
         shows(None, basic=True, standard=True, enhanced=True)),
    # 48 months for a specified offence is not *over* 4 years: last day 31 Dec 2015, +4 years -> 31 Dec
    # 2019. Specified and custodial: never filtered.
    case("custody-48-months-specified", ADULT,
         [conviction("2012-01-01", custody(48), specified=True, schedule_18=True, category="violence")], "2024-01-01",
         shows("2019-12-31", basic=False, standard=True, enhanced=True)),
    # --- Custody, under 18 ---------------------------------------------------------------------------
    # Aged 15. 12 months from 1 Jul 2015: last day 30 Jun 2016; youth adds 6 months -> 30 Dec 2016.
    case("youth-custody-12-months", YOUTH, [conviction("2015-07-01", custody(12))], "2017-01-01",
         shows("2016-12-30", basic=False, standard=True, enhanced=True)),
    # Aged 15. 24 months from 10 Feb 2016: last day 9 Feb 2018; youth, over 1 year, adds 2 years -> 9 Feb 2020.
    case("youth-custody-24-months", YOUTH, [conviction("2016-02-10", custody(24))], "2020-02-08",
         shows("2020-02-09", basic=True, standard=True, enhanced=True)),
    # Aged 17. 60 months from 20 Nov 2017: last day 19 Nov 2022; youth, over 4 years, adds 42 months ->
    # 19 May 2026.
    case("youth-custody-60-months", YOUTH, [conviction("2017-11-20", custody(60))], "2025-01-01",
         shows("2026-05-19", basic=True, standard=True, enhanced=True)),
    # --- Licence and suspended sentences -------------------------------------------------------------
    # The whole sentence with its licence ended 4 May 2019 (a year after the 24-month term would have);
    # 24 months is over 1 year, so +4 years from that day -> 4 May 2023.
    case("licence-end-date", ADULT, [conviction("2016-05-05", custody(24, end="2019-05-04"))], "2023-05-03",
         shows("2023-05-04", basic=True, standard=True, enhanced=True)),
    # Suspended 6 months from 15 Mar 2021: last day 14 Sep 2021, +1 year -> 14 Sep 2022. A suspended
    # sentence is custodial: never filtered.
    case("suspended-6-months", ADULT, [conviction("2021-03-15", suspended(6))], "2024-01-01",
         shows("2022-09-14", basic=False, standard=True, enhanced=True)),
    # Suspended 24 months from 31 Aug 2019: last day 30 Aug 2021; over 1 year adds 4 years -> 30 Aug 2025.
    case("suspended-24-months", ADULT, [conviction("2019-08-31", suspended(24))], "2025-08-29",
         shows("2025-08-30", basic=True, standard=True, enhanced=True)),
    # --- Community orders, youth rehabilitation orders, discharges -----------------------------------
    # 12 months from 20 Jun 2017: the order's last day is 19 Jun 2018 -> spent 20 Jun 2018. Filtered
    # only 11 years after conviction (20 Jun 2028).
    case("community-order-by-length", ADULT, [conviction("2017-06-20", community(months=12))], "2024-01-01",
         shows("2018-06-20", basic=False, standard=True, enhanced=True)),
    # Last day 4 Jul 2011 -> spent 5 Jul 2011; filtered from the later of that and 5 Jan 2021 (11 years).
    case("community-order-filtered-after-11-years", ADULT,
         [conviction("2010-01-05", community(end="2011-07-04"))], "2022-01-01",
         shows("2011-07-05", basic=False, standard=False, enhanced=False)),
    # Aged 14. YRO ends 31 Jan 2020 -> spent 1 Feb 2020. Youth filter: 5 years 6 months after 1 Feb 2019
    # = 1 Aug 2024; on 31 Jul 2024 still shown.
    case("youth-rehabilitation-order-before-5-and-a-half-years", TEEN,
         [conviction("2019-02-01", community(end="2020-01-31"))], "2024-07-31",
         shows("2020-02-01", basic=False, standard=True, enhanced=True)),
    case("youth-rehabilitation-order-at-5-and-a-half-years", TEEN,
         [conviction("2019-02-01", community(end="2020-01-31"))], "2024-08-01",
         shows("2020-02-01", basic=False, standard=False, enhanced=False)),
    # 24 months from 30 Nov 2018: last day 29 Nov 2020 -> spent 30 Nov 2020.
    case("conditional-discharge", ADULT, [conviction("2018-11-30", discharge(24))], "2020-11-29",
         shows("2020-11-30", basic=True, standard=True, enhanced=True)),
    # No rehabilitation period: spent the day it is made; filtered only after 11 years (4 Apr 2034).
    case("absolute-discharge", ADULT, [conviction("2023-04-04", absolute())], "2023-04-04",
         shows("2023-04-04", basic=False, standard=True, enhanced=True)),
    # --- Fines ---------------------------------------------------------------------------------------
    # 12 months from 31 Aug 2020 -> spent 31 Aug 2021.
    case("fine-adult", ADULT, [conviction("2020-08-31", fine())], "2021-08-30",
         shows("2021-08-31", basic=True, standard=True, enhanced=True)),
    # Aged 17. 6 months from 31 Aug 2020: February has no 31st, so the period ends 28 Feb 2021 -> 1 Mar 2021.
    case("fine-youth-month-end", date(2003, 1, 1), [conviction("2020-08-31", fine())], "2021-02-28",
         shows("2021-03-01", basic=True, standard=True, enhanced=True)),
    # Spent 1 Mar 2013; filtered 11 years after conviction, 1 Mar 2023.
    case("fine-filtered-after-11-years", ADULT, [conviction("2012-03-01", fine())], "2023-03-01",
         shows("2013-03-01", basic=False, standard=False, enhanced=False)),
    # Spent 5 May 2006, but a specified offence is never filtered.
    case("fine-specified-offence", ADULT, [conviction("2005-05-05", fine(), specified=True, category="sexual")],
         "2024-01-01", shows("2006-05-05", basic=False, standard=True, enhanced=True)),
    # --- Compensation and orders without an end date -------------------------------------------------
    # Not paid: never spent (yet), so every check shows it.
    case("compensation-unpaid", ADULT, [conviction("2019-01-10", compensation())], "2024-01-01",
         shows(None, basic=True, standard=True, enhanced=True)),
    # Paid in full 31 Mar 2020 -> spent 1 Apr 2020; filtered 10 Jan 2030.
    case("compensation-paid", ADULT, [conviction("2019-01-10", compensation(paid="2020-03-31"))], "2024-01-01",
         shows("2020-04-01", basic=False, standard=True, enhanced=True)),
    # The fine alone would be spent 24 Jul 2002, but the order "until further order" still runs.
    case("order-without-end", ADULT, [conviction("2001-07-24", fine(), open_order())], "2024-01-01",
         shows(None, basic=True, standard=True, enhanced=True)),
    # The court ended the order on 30 Jun 2015 -> spent 1 Jul 2015; 11 years passed on 24 Jul 2012, so
    # filtered from 1 Jul 2015.
    case("order-ended-by-court", ADULT, [conviction("2001-07-24", fine(), open_order(end="2015-06-30"))],
         "2016-01-01", shows("2015-07-01", basic=False, standard=False, enhanced=False)),
    # --- Several sentences from one hearing ----------------------------------------------------------
    # 6 + 6 months consecutive = a single 12-month term: last day 31 Jan 2021, +1 year -> 31 Jan 2022.
    case("consecutive-terms-add-up", ADULT, [conviction("2020-02-01", custody(6), custody(6))], "2022-01-30",
         shows("2022-01-31", basic=True, standard=True, enhanced=True)),
    # 8 + 8 = 16 months, over 1 year: last day 14 May 2019, +4 years -> 14 May 2023 (each term alone
    # would have added only 1 year).
    case("consecutive-terms-cross-a-band", ADULT, [conviction("2018-01-15", custody(8), custody(8))],
         "2023-05-13", shows("2023-05-14", basic=True, standard=True, enhanced=True)),
    # Fine -> 10 Apr 2017; 18-month community order -> 10 Oct 2017; the longer wins.
    case("fine-and-community-order-longest-wins", ADULT, [conviction("2016-04-10", fine(), community(months=18))],
         "2017-10-09", shows("2017-10-10", basic=True, standard=True, enhanced=True)),
    # --- Drag-through --------------------------------------------------------------------------------
    # Fine -> 10 Jan 2016. Custody 12 months from 1 Sep 2015 -> 31 Aug 2017. The custody came during the
    # fine's period, so both end 31 Aug 2017.
    case("drag-through-later-longer", ADULT,
         [conviction("2015-01-10", fine()), conviction("2015-09-01", custody(12))], "2017-06-01",
         shows("2017-08-31", basic=True, standard=True, enhanced=True),
         shows("2017-08-31", basic=True, standard=True, enhanced=True)),
    # Custody 36 months from 1 Jan 2010: last day 31 Dec 2012, +4 years -> 31 Dec 2016. The fine on
    # 1 Jan 2011 (alone 1 Jan 2012) falls inside, so it waits until 31 Dec 2016 too.
    case("drag-through-later-shorter", ADULT,
         [conviction("2010-01-01", custody(36)), conviction("2011-01-01", fine())], "2015-01-01",
         shows("2016-12-31", basic=True, standard=True, enhanced=True),
         shows("2016-12-31", basic=True, standard=True, enhanced=True)),
    # Fines: 10 Jan 2015 (-> 10 Jan 2016); 1 Dec 2015 falls inside (both -> 1 Dec 2016); 1 Nov 2016 falls
    # inside that extended period (all three -> 1 Nov 2017).
    case("drag-through-chain", ADULT,
         [conviction("2015-01-10", fine()), conviction("2015-12-01", fine()), conviction("2016-11-01", fine())],
         "2017-10-31",
         shows("2017-11-01", basic=True, standard=True, enhanced=True),
         shows("2017-11-01", basic=True, standard=True, enhanced=True),
         shows("2017-11-01", basic=True, standard=True, enhanced=True)),
    # The fine was spent 10 Jan 2016, before the custody on 1 Mar 2016, so it stays spent (filtered only
    # in 2026). Custody: last day 28 Feb 2017, +1 year -> 28 Feb 2018.
    case("already-spent-stays-spent", ADULT,
         [conviction("2015-01-10", fine()), conviction("2016-03-01", custody(12))], "2017-01-01",
         shows("2016-01-10", basic=False, standard=True, enhanced=True),
         shows("2018-02-28", basic=True, standard=True, enhanced=True)),
    # The second fine is on the very day the first is spent (1 Jan 2001): no drag. First filtered 1 Jan
    # 2011, second (spent 1 Jan 2002) 1 Jan 2012: more than one conviction no longer blocks filtering.
    case("conviction-on-the-spent-day-and-no-multiple-conviction-rule", ADULT,
         [conviction("2000-01-01", fine()), conviction("2001-01-01", fine())], "2013-01-01",
         shows("2001-01-01", basic=False, standard=False, enhanced=False),
         shows("2002-01-01", basic=False, standard=False, enhanced=False)),
    # The discharge would be spent 1 Sep 2022, but on 1 Mar 2022 a Schedule 18 term over 4 years was
    # imposed: neither can ever be spent.
    case("later-never-spent-sentence", ADULT,
         [conviction("2021-09-01", discharge(12)),
          conviction("2022-03-01", custody(60), specified=True, schedule_18=True, category="sexual")], "2030-01-01",
         shows(None, basic=True, standard=True, enhanced=True),
         shows(None, basic=True, standard=True, enhanced=True)),
    # A life sentence has no rehabilitation period, so it catches nothing: the later fine is spent
    # 1 Jan 2016 as usual (filtered 2026).
    case("earlier-never-spent-sentence", ADULT,
         [conviction("2000-01-01", life()), conviction("2015-01-01", fine())], "2017-01-01",
         shows(None, basic=True, standard=True, enhanced=True),
         shows("2016-01-01", basic=False, standard=True, enhanced=True)),
    # The fine runs to 1 May 2020. The conditional caution (3 months from 1 Oct 2019 run 2 Oct - 1 Jan)
    # is spent 2 Jan 2020 though inside the fine's period, and does not extend it. Adult caution filtered
    # 6 years later, 1 Oct 2025.
    case("caution-does-not-drag", ADULT,
         [conviction("2019-05-01", fine()), caution("2019-10-01", conditional())], "2020-03-01",
         shows("2020-05-01", basic=True, standard=True, enhanced=True),
         shows("2020-01-02", basic=False, standard=True, enhanced=True)),
    # DBS filtering scenario 3. 2001: community order (-> 24 Jul 2002) and an order until further order:
    # never spent. 2009: community order -> 23 Apr 2010; it falls inside the 2001 period but the open
    # order extends nothing, and the 2001 community order ended long before. 11 years from 23 Apr 2009
    # passed on 23 Apr 2020, so the 2009 conviction is filtered.
    case("order-without-end-does-not-drag-others", ADULT,
         [conviction("2001-07-24", community(months=12), open_order()),
          conviction("2009-04-23", community(months=12))], "2023-11-01",
         shows(None, basic=True, standard=True, enhanced=True),
         shows("2010-04-23", basic=False, standard=False, enhanced=False)),
    # Custody 60 months from 1 Jun 2005: last day 31 May 2010, +7 years -> 31 May 2017. The fine of
    # 1 Mar 2005 (alone 1 Mar 2006) is dragged to 31 May 2017; its 11 years passed on 1 Mar 2016, so it
    # is filtered the day it becomes spent. The custody is never filtered.
    case("filtering-waits-for-drag-through", ADULT,
         [conviction("2005-03-01", fine()), conviction("2005-06-01", custody(60))], "2017-05-31",
         shows("2017-05-31", basic=False, standard=False, enhanced=False),
         shows("2017-05-31", basic=False, standard=True, enhanced=True)),
    # --- Cautions ------------------------------------------------------------------------------------
    # Simple caution: spent when given. Adult: filtered 6 years later, 1 Jun 2023.
    case("adult-caution-before-6-years", ADULT, [caution("2017-06-01")], "2023-05-31",
         shows("2017-06-01", basic=False, standard=True, enhanced=True)),
    case("adult-caution-at-6-years", ADULT, [caution("2017-06-01")], "2023-06-01",
         shows("2017-06-01", basic=False, standard=False, enhanced=False)),
    # Adult caution for a specified offence: always shown on standard and enhanced.
    case("adult-caution-specified", ADULT, [caution("2010-01-01", specified=True, category="violence")],
         "2024-01-01", shows("2010-01-01", basic=False, standard=True, enhanced=True)),
    # Aged 14. A youth caution is never shown, even for a specified offence.
    case("youth-caution-specified", TEEN, [caution("2019-05-05", specified=True, category="sexual")],
         "2019-05-05", shows("2019-05-05", basic=False, standard=False, enhanced=False)),
    # Aged 15. Youth conditional caution: 3 months from 15 Jan run 16 Jan - 15 Apr -> spent 16 Apr 2020;
    # shown on every check while unspent.
    case("youth-conditional-caution-unspent", TEEN, [caution("2020-01-15", conditional())], "2020-04-15",
         shows("2020-04-16", basic=True, standard=True, enhanced=True)),
    # Conditions last applied 1 Feb 2020 -> spent 2 Feb, earlier than 16 Apr; spent, so not shown.
    case("youth-conditional-caution-ended-early", TEEN, [caution("2020-01-15", conditional(end="2020-02-01"))],
         "2020-02-02", shows("2020-02-02", basic=False, standard=False, enhanced=False)),
    # 3 months from 30 Nov 2021 run 1 Dec - 28 Feb -> spent 1 Mar 2022.
    case("adult-conditional-caution-month-end", ADULT, [caution("2021-11-30", conditional())], "2022-02-28",
         shows("2022-03-01", basic=True, standard=True, enhanced=True)),
    # --- Age at conviction ---------------------------------------------------------------------------
    # Convicted on the 18th birthday: adult, 12 months -> 10 Jun 2021 (the youth 6 months would have ended
    # 10 Dec 2020).
    case("convicted-on-18th-birthday", date(2002, 6, 10), [conviction("2020-06-10", fine())], "2021-01-01",
         shows("2021-06-10", basic=True, standard=True, enhanced=True)),
    # The day before: youth, 6 months -> 9 Dec 2020; youth filter 5 years 6 months later (9 Dec 2025).
    case("convicted-day-before-18th-birthday", date(2002, 6, 10), [conviction("2020-06-09", fine())],
         "2021-01-01", shows("2020-12-09", basic=False, standard=True, enhanced=True)),
    # Born 29 Feb 2004: turns 18 on 1 Mar 2022, so still a youth on 28 Feb 2022: 6 months -> 28 Aug 2022.
    case("born-on-29-february", date(2004, 2, 29), [conviction("2022-02-28", fine())], "2022-08-28",
         shows("2022-08-28", basic=False, standard=True, enhanced=True)),
]


@pytest.mark.parametrize(("date_of_birth", "record", "today", "expected"), CASES)
def test_worked_case(date_of_birth, record, today, expected):
    results = assess(date_of_birth, record, today)
    assert [(r.spent_date, r.basic, r.standard, r.enhanced) for r in results] == expected
    assert [r.spent for r in results] == [not row[1] for row in expected]


def test_next_change_dates_per_level():
    # Community order ending 4 Jul 2011: spent 5 Jul 2011, filtered 5 Jan 2021 (11 years after 5 Jan 2010).
    record = [conviction("2010-01-05", community(end="2011-07-04"))]
    before = next_changes(assess(ADULT, record, d("2011-01-01"))[0])
    assert before == {CheckLevel.BASIC: d("2011-07-05"), CheckLevel.STANDARD: d("2021-01-05"),
                      CheckLevel.ENHANCED: d("2021-01-05")}
    between = next_changes(assess(ADULT, record, d("2015-01-01"))[0])
    assert between == {CheckLevel.BASIC: None, CheckLevel.STANDARD: d("2021-01-05"),
                       CheckLevel.ENHANCED: d("2021-01-05")}
    after = next_changes(assess(ADULT, record, d("2021-01-05"))[0])
    assert after == dict.fromkeys(CheckLevel)


def test_never_spent_has_no_next_change():
    record = [conviction("2012-09-01", custody(60), specified=True, schedule_18=True)]
    assert next_changes(assess(ADULT, record, d("2020-01-01"))[0]) == dict.fromkeys(CheckLevel)


def test_a_record_dated_after_today_is_refused():
    with pytest.raises(ValueError, match="after"):
        assess(ADULT, [conviction("2024-01-02", fine())], d("2024-01-01"))


def test_a_conviction_needs_a_sentence():
    with pytest.raises(ValueError, match="at least one sentence"):
        assess(ADULT, [conviction("2020-01-01")], d("2024-01-01"))


@pytest.mark.parametrize(("start", "months", "expected"), [
    ("2019-01-10", 12, "2020-01-10"),  # same date a year on
    ("2020-08-31", 6, "2021-03-01"),  # no 31 February: the period ends 28 February
    ("2020-01-31", 1, "2020-03-01"),  # no 31 February in a leap year either: ends 29 February
    ("2004-02-29", 216, "2022-03-01"),  # an 18th birthday for someone born on 29 February
    ("2023-12-15", 0, "2023-12-15"),
])
def test_months_after(start, months, expected):
    assert months_after(d(start), months) == d(expected)


@pytest.mark.parametrize(("months", "words"), [(6, "6 months"), (12, "1 year"), (42, "3 years 6 months"),
                                               (66, "5 years 6 months"), (132, "11 years"), (1, "1 month")])
def test_describe_months(months, words):
    assert describe_months(months) == words


def test_the_dbs_list_and_schedule_18_are_two_facts():
    """Over 4 years' custody for an offence on the DBS list but not in Schedule 18 is spent after 7 years
    (a basic check stops showing it), though standard and enhanced checks always show it."""
    dbs_only = [conviction("2010-01-01", custody(60), specified=True, schedule_18=False, category="violence")]
    # Last day 31 Dec 2014; over 4 years, not Schedule 18: 7 years -> spent 31 Dec 2021.
    assessment = assess(ADULT, dbs_only, d("2024-01-01"))[0]
    assert assessment.spent_date == d("2021-12-31")
    assert (assessment.basic, assessment.standard, assessment.enhanced) == (False, True, True)
    assert assessment.filtered_date is None
    schedule_only = [conviction("2010-01-01", custody(60), specified=False, schedule_18=True, category="violence")]
    assert assess(ADULT, schedule_only, d("2024-01-01"))[0].spent_date is None
    # A fine for a Schedule 18 offence not on the DBS list is filtered in the usual way after 11 years.
    fine_only = [conviction("2005-05-05", fine(), schedule_18=True, category="violence")]
    assert assess(ADULT, fine_only, d("2024-01-01"))[0].filtered_date == d("2016-05-05")


@pytest.mark.parametrize("kind", [SentenceType.EXTENDED, SentenceType.LIFE, SentenceType.PUBLIC_PROTECTION,
                                  SentenceType.CUSTODY_FOR_LIFE, SentenceType.DETENTION_AT_PLEASURE,
                                  SentenceType.PREVENTIVE_DETENTION])
def test_sentences_excluded_from_rehabilitation_are_never_spent_or_filtered(kind):
    extended = kind == SentenceType.EXTENDED
    sentence = Sentence(kind, length_months=24, extension_months=36) if extended else Sentence(kind)
    # Even a short extended sentence, for an offence on neither list: never spent, never filtered.
    assessment = assess(ADULT, [conviction("2005-01-01", sentence)], d("2030-01-01"))[0]
    assert (assessment.spent_date, assessment.filtered_date) == (None, None)
    assert (assessment.basic, assessment.standard, assessment.enhanced) == (True, True, True)
