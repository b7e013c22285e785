"""An opportunity described as JSON: the shape `opportunities import` reads, one object per line. Parsing
names the field that is wrong; everything else is checked by the same operation as the form."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal, InvalidOperation

from marketplace.opportunities.operations import OpportunityDetails

REQUIRED = ("external_id", "kind", "title", "description", "sector", "region", "places")
TEXT = ("external_id", "kind", "title", "description", "sector", "town", "postcode", "region", "work_pattern",
        "contract_type", "pay_period", "essential_criteria", "desirable_criteria", "how_to_apply", "setting",
        "qualification_subject", "required_course", "check_level")
CODES = ("occupation_group", "qualification_level")  # text, or a number written without quotes
DATES = ("start_date", "end_date", "closing_date")
FLAGS = ("national", "remote", "pays_minimum_wage", "rolling", "involves_children", "involves_vulnerable_adults",
         "custody_ok", "prison_leavers_only", "fidelity_bond", "paid", "is_training", "leads_to_guaranteed_interview")
AMOUNTS = ("hours_per_week", "pay_from", "pay_to")
LISTS = ("minimum_requirements", "documents", "offence_exclusions")
FIELDS = frozenset((*TEXT, *CODES, *DATES, *FLAGS, *AMOUNTS, *LISTS, "places"))


def shown_name(name: str) -> str:
    """A key as an error names it: quoted (JSON-style) unless it is a plain name, so that an empty key,
    or one holding a newline or a colon, cannot blur the `line N: field: message` report."""
    return name if name.isidentifier() and name.isascii() else json.dumps(name)


class FieldError(ValueError):
    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def _date(name: str, value) -> date | None:
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise FieldError(name, "must be a date written YYYY-MM-DD")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise FieldError(name, f"'{value[:20]}' is not a date written YYYY-MM-DD") from None


def _amount(name: str, value) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise FieldError(name, "must be a number, like 12.71")
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        raise FieldError(name, f"'{str(value)[:20]}' is not a number") from None
    if not amount.is_finite():
        raise FieldError(name, "must be a number, like 12.71")
    return amount


def parse(record: object) -> OpportunityDetails:
    """Turn one JSON object into the details the operations take."""
    if not isinstance(record, dict):
        raise FieldError("(line)", "must be a JSON object")
    unknown = sorted(set(record) - FIELDS)
    if unknown:
        raise FieldError(shown_name(unknown[0]), "is not a field of an opportunity")
    for name in REQUIRED:
        if record.get(name) in (None, "", []):
            raise FieldError(name, "is required")
    rolling = record.get("rolling", False)
    if not rolling and record.get("closing_date") in (None, ""):
        raise FieldError("closing_date", "is required unless rolling is true")
    values: dict = {}
    for name in TEXT:
        value = record.get(name)
        if value is not None and not isinstance(value, str):
            raise FieldError(name, "must be text")
        values[name] = value or ""
    for name in CODES:
        value = record.get(name)
        if value is not None and (isinstance(value, bool) or not isinstance(value, str | int)):
            raise FieldError(name, "must be text, like \"8\"")
        values[name] = str(value) if value not in (None, "") else None
    for name in DATES:
        values[name] = _date(name, record.get(name))
    for name in FLAGS:
        value = record.get(name, False)
        if not isinstance(value, bool):
            raise FieldError(name, "must be true or false")
        values[name] = value
    for name in AMOUNTS:
        values[name] = _amount(name, record.get(name))
    for name in LISTS:
        value = record.get(name) or []
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise FieldError(name, "must be a list of text")
        values[name] = value
    places = record.get("places")
    if isinstance(places, bool) or not isinstance(places, int):
        raise FieldError("places", "must be a whole number")
    values["places"] = places
    values["qualification_subject"] = values["qualification_subject"] or None
    return OpportunityDetails(**values)
