from datetime import date

from marketplace.core.calendar import add_working_days, is_working_day, working_days_between


def test_weekends_and_bank_holidays_are_not_working_days():
    assert not is_working_day(date(2026, 11, 28))  # Saturday
    assert not is_working_day(date(2026, 12, 25))  # Christmas Day
    assert not is_working_day(date(2026, 12, 28))  # Boxing Day (substitute)
    assert is_working_day(date(2026, 11, 25))


def test_ten_working_days_over_christmas():
    # From Wednesday 16 December 2026: 17, 18, 21, 22, 23, 24, 29, 30, 31 December, 4 January (1 Jan is a holiday).
    assert add_working_days(date(2026, 12, 16), 10) == date(2027, 1, 4)
    assert working_days_between(date(2026, 12, 16), date(2027, 1, 4)) == 10
