"""Budgets from a file: `flask funding import-budgets FILE --by EMAIL`, or the "Import budgets" page.

CSV (with a header row) or JSON Lines (one object a line), one budget per record:

    organisation, region, purpose, year, amount, request_limit, person_limit, second_approval_above

`organisation` is the provider's name (an admin must give it; a funding manager may leave it out, and
may name only their own); `region` is the region the pot is for, one of the nine English regions or
Wales as the product spells them (reference.REGIONS, any case), or empty for the provider-wide pot that
people of every other region draw on (operations.pot_for); `year` is the financial year by
the year it starts (2026 for April 2026 to March 2027: this year or the next); amounts are in pounds
("5000", "5,000.00"); `second_approval_above` may be empty. A budget that exists is updated. Each
record goes through the same checks as the budget form (operations.check_budget / set_budget), and the
file is imported whole or not at all (core/importing.import_whole): one bad line and nothing is
written, with every bad line reported as `line N: field: message`.
"""

from __future__ import annotations

import re

from sqlalchemy import func, select

from marketplace.core import importing
from marketplace.core.records import FieldError, shown_name
from marketplace.core.roles import OrganisationKind, Role
from marketplace.extensions import db
from marketplace.funding import operations
from marketplace.funding.money import NotAnAmount, parse_pounds
from marketplace.reference import REGIONS

FIELDS = ("organisation", "region", "purpose", "year", "amount", "request_limit", "person_limit",
          "second_approval_above")
REQUIRED_AMOUNTS = ("amount", "request_limit", "person_limit")


def import_budgets(text: str, filename: str, actor) -> importing.ImportReport:
    return importing.import_whole(importing.numbered_records(text, filename),
                                  lambda record: _import_budget(record, actor))


def import_budget_file(data: bytes, filename: str, actor) -> importing.ImportReport:
    """A budgets file as it arrives (the page's upload, the command's file): UTF-8 (a byte-order mark
    allowed), else nothing is imported and the line of the first byte that is not is reported."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[:error.start].count(b"\n") + 1
        return importing.ImportReport(errors=[
            f"line {line}: (line): is not UTF-8 text: save the file as CSV UTF-8 or JSON Lines"])
    return import_budgets(text, filename, actor)


def _text(record: dict, name: str) -> str:
    value = record.get(name)
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise FieldError(name, "must be text or a number")
    text = str(value).strip()
    if "\x00" in text:  # never typed by a person, and PostgreSQL refuses it in text outright
        raise FieldError(name, "holds a NUL character")
    return text


def _pence(record: dict, name: str) -> int | None:
    text = _text(record, name)
    if not text:
        if name in REQUIRED_AMOUNTS:
            raise FieldError(name, "is required (an amount in pounds, like 5000.00)")
        return None
    try:
        return parse_pounds(text)
    except NotAnAmount as error:
        raise FieldError(name, str(error)) from None


def _organisation(record: dict, actor):
    from marketplace.accounts.models import Organisation

    name = _text(record, "organisation")
    if actor.role != Role.ADMIN:
        own = actor.organisation
        if name and name.casefold() != own.name.casefold():
            raise FieldError("organisation", "you can import budgets only for your own organisation")
        return own
    if not name:
        raise FieldError("organisation", "is required: the provider's name")
    found = db.session.scalars(select(Organisation).where(
        func.lower(Organisation.name) == name.casefold(), Organisation.kind == OrganisationKind.PROVIDER)).all()
    if len(found) != 1:
        raise FieldError("organisation", "no provider has this name" if not found else
                         "several providers have this name")
    return found[0]


def _region(record: dict) -> str:
    typed = _text(record, "region")
    if not typed:
        return ""
    for region in REGIONS:
        if region.casefold() == typed.casefold():
            return region
    raise FieldError("region", "is not a region: give one of the nine English regions or Wales (like "
                     "\"North West\"), or leave it empty for all regions")


def _import_budget(record, actor) -> str:
    if not isinstance(record, dict):
        raise FieldError("(line)", "must be an object with the budget's fields")
    for key in record:
        if key not in FIELDS:
            raise FieldError(shown_name(str(key)), "is not a field of a budget")
    organisation = _organisation(record, actor)
    region = _region(record)
    year_text = _text(record, "year")
    if not re.fullmatch(r"[0-9]{4}", year_text):
        raise FieldError("year", "must be the year the financial year starts, like 2026")
    details = operations.BudgetDetails(
        purpose=_text(record, "purpose"), year=int(year_text), region=region, amount_pence=_pence(record, "amount"),
        request_limit_pence=_pence(record, "request_limit"), person_limit_pence=_pence(record, "person_limit"),
        second_approval_above_pence=_pence(record, "second_approval_above"))
    existing = operations.check_budget(organisation.id, details)
    operations.set_budget(organisation, actor, details)
    return "updated" if existing is not None else "created"
