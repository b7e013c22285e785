"""Reading one JSON object field by field, for the records.py of each feature that takes JSON (the
imports and `match --participant`). Every problem is a FieldError naming the field, so that an import
can report it as `line N: field: message`."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date


class FieldError(ValueError):
    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def shown_name(name: str) -> str:
    """A key as an error names it: quoted (JSON-style) unless it is a plain name, so that an empty key,
    or one holding a newline or a colon, cannot blur the `line N: field: message` report."""
    return name if name.isidentifier() and name.isascii() else json.dumps(name)


def read_object(record: object, fields: frozenset[str], required: Iterable[str], what: str) -> dict:
    """`record` itself once it is an object with only `fields` as keys and every `required` one filled in;
    `what` names the thing in the error for a key it does not have ("an opportunity")."""
    if not isinstance(record, dict):
        raise FieldError("(line)", "must be a JSON object")
    unknown = sorted(set(record) - fields)
    if unknown:
        raise FieldError(shown_name(unknown[0]), f"is not a field of {what}")
    for name in required:
        if record.get(name) in (None, "", []):
            raise FieldError(name, "is required")
    return record


def read_text(record: dict, name: str) -> str | None:
    value = record.get(name)
    if value is not None and not isinstance(value, str):
        raise FieldError(name, "must be text")
    return value


def read_date(record: dict, name: str) -> date | None:
    value = record.get(name)
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise FieldError(name, "must be a date written YYYY-MM-DD")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise FieldError(name, f"'{value[:20]}' is not a date written YYYY-MM-DD") from None


def read_flag(record: dict, name: str) -> bool:
    """A missing flag is false; a null or a quoted "true" is an error, not a guess."""
    value = record.get(name, False)
    if not isinstance(value, bool):
        raise FieldError(name, "must be true or false")
    return value


def read_text_list(record: dict, name: str) -> list[str]:
    value = record.get(name) or []
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise FieldError(name, "must be a list of text")
    return value
