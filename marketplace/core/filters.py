"""Template filters that write dates and numbers the GOV.UK way (25 November 2026, 2:05pm)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import Flask, g

from marketplace.core import audit_words
from marketplace.reference import qualification_words

LONDON = ZoneInfo("Europe/London")


def govuk_date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(LONDON).date() if value.tzinfo else value.date()
    return f"{value.day} {value:%B %Y}"


def govuk_time(value: datetime) -> str:
    local = value.astimezone(LONDON) if value.tzinfo else value
    hour = local.hour % 12 or 12
    suffix = "am" if local.hour < 12 else "pm"
    if local.hour == 12 and local.minute == 0:
        return "midday"
    if local.hour == 0 and local.minute == 0:
        return "midnight"
    return f"{hour}:{local.minute:02d}{suffix}" if local.minute else f"{hour}{suffix}"


def govuk_datetime(value: datetime | None) -> str:
    if value is None:
        return ""
    return f"{govuk_date(value)} at {govuk_time(value)}"


def days_from(value: date | None, today: date) -> str:
    """When `value` is, said as people say it: "today", "tomorrow", "in 3 days", "yesterday",
    "3 days ago" (never "in 0 days")."""
    if value is None:
        return ""
    days = (value - today).days
    if days == 0:
        return "today"
    if days == 1:
        return "tomorrow"
    if days == -1:
        return "yesterday"
    return f"in {plural(days, 'day')}" if days > 0 else f"{plural(-days, 'day')} ago"


def plural_word(count: int, singular: str, plural_form: str | None = None) -> str:
    """The word alone, for where the number is set apart (a big figure in its own <span>)."""
    return singular if count == 1 else (plural_form or singular + "s")


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    return f"{count:,} {plural_word(count, singular, plural_form)}"


def add_weeks(value: date, weeks: int) -> date:
    return value + timedelta(weeks=weeks)


def register(app: Flask) -> None:
    app.add_template_filter(add_weeks, "add_weeks")
    app.add_template_filter(plural_word, "plural_word")
    app.add_template_filter(qualification_words, "qualification_words")
    app.add_template_filter(audit_words.action_words, "audit_action_words")
    app.add_template_filter(audit_words.detail_words, "audit_detail_words")
    app.add_template_global(audit_words.record_words, "audit_record_words")
    app.add_template_filter(govuk_date, "govuk_date")
    app.add_template_filter(govuk_datetime, "govuk_datetime")
    app.add_template_filter(govuk_time, "govuk_time")
    app.add_template_filter(plural, "plural")
    app.add_template_filter(days_from, "days_from")
    app.add_template_global(lambda: g.get("csp_nonce", ""), "csp_nonce")
    from marketplace.core.forms import error_summary_params

    app.add_template_global(error_summary_params, "error_summary_params")
