"""An opportunity described as JSON: the shape `opportunities import` reads, one object per line. Parsing
names the field that is wrong; everything else is checked by the same operation as the form."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from marketplace.core.records import FieldError, read_date, read_flag, read_object, read_text, read_text_list
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


def _amount(name: str, value) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise FieldError(name, "must be a number, like 12.71")
    text = str(value).strip()
    if isinstance(value, str) and not re.fullmatch(r"-?([0-9]+(\.[0-9]*)?|\.[0-9]+)", text):
        raise FieldError(name, f"'{text[:20]}' is not a number")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise FieldError(name, f"'{str(value)[:20]}' is not a number") from None
    if not amount.is_finite():
        raise FieldError(name, "must be a number, like 12.71")
    return amount


def parse(record: object) -> OpportunityDetails:
    """Turn one JSON object into the details the operations take."""
    record = read_object(record, FIELDS, REQUIRED, "an opportunity")
    rolling = record.get("rolling", False)
    if not rolling and record.get("closing_date") in (None, ""):
        raise FieldError("closing_date", "is required unless rolling is true")
    values: dict = {}
    for name in TEXT:
        values[name] = read_text(record, name) or ""
    for name in CODES:
        value = record.get(name)
        if value is not None and (isinstance(value, bool) or not isinstance(value, str | int)):
            raise FieldError(name, "must be text, like \"8\"")
        values[name] = str(value) if value not in (None, "") else None
    for name in DATES:
        values[name] = read_date(record, name)
    for name in FLAGS:
        values[name] = read_flag(record, name)
    for name in AMOUNTS:
        values[name] = _amount(name, record.get(name))
    for name in LISTS:
        values[name] = read_text_list(record, name)
    places = record.get("places")
    if isinstance(places, bool) or not isinstance(places, int):
        raise FieldError("places", "must be a whole number")
    values["places"] = places
    values["qualification_subject"] = values["qualification_subject"] or None
    return OpportunityDetails(**values)
