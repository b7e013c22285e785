"""Form helpers shared by every feature: GOV.UK widgets, a date field that speaks GOV.UK, and the
error summary's links."""

from __future__ import annotations

import re
from datetime import date, time

from flask_wtf import FlaskForm
from govuk_frontend_wtf.main import wtforms_errors
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxesInput, GovDateInput, GovRadioInput, GovSubmitInput
from wtforms import DateField, Field, IntegerField, SubmitField
from wtforms.validators import StopValidation

from marketplace.core.postcodes import REAL_POSTCODE, is_real_postcode

# PostgreSQL cannot store a NUL character in text, and no person types one: a value carrying one is
# refused with an error on its field, before any query sees it (SQLite would have stored it silently).
NUL = "\x00"

# Ids are PostgreSQL integers; a larger number sent for one (a forged choice, an edited address) would
# reach a query that SQLite and PostgreSQL refuse with an error instead of finding nothing.
MAX_RECORD_ID = 2**31 - 1


WHOLE_NUMBER = re.compile(r"-?[0-9]+")  # ASCII digits only: int() would also take "٣" and choke on "²"


def ascii_whole_number(text: str) -> bool:
    return WHOLE_NUMBER.fullmatch(text) is not None


# The GOV.UK date input pattern: accept a month written as a word or an abbreviation ("May",
# "sept", "Dec.") as well as its number. Any 3 or more letters that begin a month's name count.
MONTH_NAMES = ("january", "february", "march", "april", "may", "june", "july", "august", "september",
               "october", "november", "december")


def month_number(text: str) -> int | None:
    """1-12 for "5", "05", "May", "may", "Sept" or "September"; None for anything else."""
    text = text.strip().lower().rstrip(".")
    if WHOLE_NUMBER.fullmatch(text) and not text.startswith("-"):
        return int(text) if len(text) <= 2 else None
    if len(text) < 3 or not text.isascii() or not text.isalpha():
        return None
    found = [number for number, name in enumerate(MONTH_NAMES, 1) if name.startswith(text)]
    return found[0] if len(found) == 1 else None


TIME_OF_DAY = re.compile(r"(?P<hour>[0-9]{1,2})(?:[:.](?P<minute>[0-9]{2}))?(?P<half>am|pm)?")
TIME_WORDS = {"midday": time(12), "noon": time(12), "12noon": time(12), "midnight": time(0),
              "12midnight": time(0)}


def time_of_day(text: str) -> time | None:
    """A time as people write it: "14:00", "2pm", "2:30pm", "2.30 p.m.", "9am", "midday", "noon".

    A bare hour ("2") is refused: it is as likely to mean 2pm as 2am (GOV.UK's guidance on times
    asks services to accept what people write, but not to guess)."""
    text = re.sub(r"\s+", "", text.strip().lower()).replace("a.m.", "am").replace("p.m.", "pm").rstrip(".")
    if text in TIME_WORDS:
        return TIME_WORDS[text]
    match = TIME_OF_DAY.fullmatch(text)
    if match is None:
        return None
    hour, minute, half = int(match["hour"]), int(match["minute"] or 0), match["half"]
    if half:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if half == "pm" else 0)
    elif match["minute"] is None:
        return None
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


def record_id(value) -> int:
    """`int(value)` for a number that can be a record's id; ValueError otherwise. A `coerce` for
    choices of records, and a `type` for ids in the query string."""
    if isinstance(value, str) and not ascii_whole_number(value.strip()):
        raise ValueError("not a record id")
    number = int(value)
    if not 0 <= number <= MAX_RECORD_ID:
        raise ValueError("not a record id")
    return number


def _leaf_fields(fields):
    for field in fields:
        if hasattr(field, "entries"):  # FieldList
            yield from _leaf_fields(field.entries)
        elif hasattr(field, "form") and isinstance(getattr(field, "form", None), FlaskForm):  # FormField
            yield from _leaf_fields(field.form)
        else:
            yield field


def holds_nul_character(form) -> bool:
    """True if any field's submitted value holds a NUL character."""
    return any(isinstance(value, str) and NUL in value
               for field in _leaf_fields(form) for value in (field.raw_data or []))


def refuse_nul_characters(form) -> bool:
    """Give every field whose submitted value holds a NUL character an error. True if none did."""
    clean = True
    for field in _leaf_fields(form):
        if any(isinstance(value, str) and NUL in value for value in (field.raw_data or [])):
            field.errors = [*field.errors, f"{field.label.text or 'This answer'} must not contain control characters"]
            clean = False
    return clean


class Form(FlaskForm):
    """Base form: CSRF-protected (Flask-WTF) like every form in the service."""

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        return refuse_nul_characters(self) and valid


class SearchForm(FlaskForm):
    """A GET form for filters: nothing is written, so it needs no CSRF token in the URL."""

    class Meta:
        csrf = False

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        return refuse_nul_characters(self) and valid


def submit(label: str) -> SubmitField:
    return SubmitField(label, widget=GovSubmitInput())


class _LegendFromLabel:
    """govuk-frontend-wtf leaves radios and checkbox groups without a legend unless the template
    passes one; a question without its text is no use, so the field's label becomes the legend."""

    def map_gov_params(self, field, **kwargs):
        params = super().map_gov_params(field, **kwargs)
        legend = params.setdefault("fieldset", {}).setdefault("legend", {})
        legend.setdefault("text", field.label.text)
        legend.setdefault("classes", "govuk-fieldset__legend--s")
        if params.get("hint") and not params["hint"].get("text") and not params["hint"].get("html"):
            params["hint"] = None
        return params


class Radios(_LegendFromLabel, GovRadioInput):
    """Radios for a RadioField, with the label as the legend."""


class Checkboxes(_LegendFromLabel, GovCheckboxesInput):
    """Checkboxes for a SelectMultipleField, with the label as the legend."""


class _DateWidget(GovDateInput):
    """govuk-frontend-wtf's date input, made safe for submissions with missing or extra parts."""

    def map_gov_params(self, field, **kwargs):
        original = field.raw_data
        if original is not None and len(original) != 3:
            field.raw_data = None if not original else (list(original) + ["", "", ""])[:3]
        try:
            params = super().map_gov_params(field, **kwargs)
        finally:
            field.raw_data = original
        # A template that styles the legend must not lose its text (the question itself).
        params["fieldset"].setdefault("legend", {}).setdefault("text", field.label.text)
        return params


class GovDateField(DateField):
    """Day, month and year boxes with the GOV.UK error messages ("Date of birth must include a month",
    "must be a real date"). `called` is how messages refer to the date."""

    widget = _DateWidget()

    def __init__(self, label: str, *, called: str | None = None, required: bool = False, **kwargs):
        super().__init__(label, format="%d %m %Y", **kwargs)
        self.error_name = called or label
        self.required = required

    def process_formdata(self, valuelist):
        self.data = None
        if not valuelist or all(not (value or "").strip() for value in valuelist):
            return
        if len(valuelist) != 3:
            raise ValueError(f"{self.error_name} must be a real date")
        day, month, year = (value.strip() for value in valuelist)
        missing = [part for part, value in (("day", day), ("month", month), ("year", year)) if not value]
        if missing:
            raise ValueError(f"{self.error_name} must include a {' and a '.join(missing)}")
        month_as_number = month_number(month)
        if month_as_number is None or not all(WHOLE_NUMBER.fullmatch(part) and not part.startswith("-")
                                              for part in (day, year)):
            raise ValueError(f"{self.error_name} must be a real date")
        if len(year) != 4:
            raise ValueError("Year must include 4 numbers")
        try:
            self.data = date(int(year), month_as_number, int(day))
        except (ValueError, OverflowError):  # OverflowError: a month or day of 2147483648
            raise ValueError(f"{self.error_name} must be a real date") from None

    def pre_validate(self, form):
        if self.required and self.data is None and not self.process_errors:
            raise StopValidation(f"Enter {self.error_name[0].lower()}{self.error_name[1:]}")


class RealPostcode:
    """The one postcode check for every postcode box: "NOTAPOSTCODE" is not a real postcode, which
    says more than that it is too long (the same check the operations make, core/postcodes.py)."""

    def __call__(self, form, field):
        if (field.data or "").strip() and not is_real_postcode(field.data):
            raise StopValidation(REAL_POSTCODE)


class WholeNumberField(IntegerField):
    """A number box whose error says what to type, instead of WTForms' "Not a valid integer value"."""

    def __init__(self, label: str, *, message: str, **kwargs):
        super().__init__(label, **kwargs)
        self.message = message

    def process_formdata(self, valuelist):
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        text = valuelist[0].strip().replace(",", "")
        if not ascii_whole_number(text) or len(text) > 9:
            self.data = None
            raise ValueError(self.message)
        self.data = int(text)


def error_summary_params(form) -> dict:
    """Parameters for govukErrorSummary, each link pointing at the input to fix.

    govuk-frontend-wtf links every error to the field's id; a date input has no element with that
    id (its first input is `<id>-day`), so those links are corrected here.
    """
    params = wtforms_errors(form)
    date_ids = {field.id for field in form if isinstance(field, DateField)}
    for item in params["errorList"]:
        field_id = item["href"].lstrip("#")
        if field_id in date_ids:
            item["href"] = f"#{field_id}-day"
    form_errors = getattr(form, "form_errors", [])
    params["errorList"] = [{"text": message} for message in form_errors] + [
        item for item in params["errorList"] if item["text"] not in form_errors
    ]
    return params


def field_has_value(field: Field) -> bool:
    return field.data not in (None, "", [])
