"""The subject access export as the person reads it: the same record as the JSON file, with every
field and code in words and every date as a person says it, on a page they can print.

It is made from the JSON record itself (`subject_access_export`), never from a second query, so the
two can never disagree. Features say what their codes mean in EXPORT_WORDS, beside their
EXPORT_SECTIONS entry; a code nobody named still reads as words ("support_needed" → "Support needed")."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from marketplace.core.filters import govuk_date, govuk_datetime
from marketplace.participants.export import EXPORT_WORDS

# Field names whose words are not just the name with spaces.
FIELD_WORDS = {
    "participant": "Your record",
    "needs_assessments": "Needs assessments",
    "consent": "What you agreed we may share",
    "access_log": "Who opened the record, and when",
    "exported_at": "Exported",
    "participant_number": "Participant number",
    "dob": "Date of birth",
    "rotl_from": "Release on temporary licence from",
    "travel_miles": "How far you can travel (miles)",
    "mappa_category": "MAPPA category",
    "mappa_level": "MAPPA level",
    "rosh_level": "Risk of serious harm (RoSH)",
    "status": "Status",
    "who": "Who",
    "at": "When",
    "ete": "Education, training and employment",
    "cv": "CV",
    "virtual_campus": "Virtual Campus",
    "gatemate_requests": "Meeting at the prison gate (Gatemate)",
    "community_payback": "Community Payback (unpaid work)",
    "share_that_may_be_education_training_or_employment": "Share of the hours that may be education, training "
                                                          "or employment",
    "length_months": "Length (months)",
    "specified": "Specified offence",
}

# Values shown exactly as stored, never read as a code ("quote.pdf" is a file name, not "Quote pdf").
AS_WRITTEN = {"filename"}

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
ISO_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}.*")
# A code: one lower-case word, or several joined by _ or . ("draft", "support_needed", "referral.viewed").
CODE = re.compile(r"[a-z][a-z0-9]*(?:[_.][a-z0-9]+)*")
NOT_RECORDED = "Not recorded"


@dataclass
class Text:
    text: str


@dataclass
class Words:
    """A list of short values, shown as a bulleted list."""
    items: list[str]


@dataclass
class Rows:
    """Field and value pairs, shown as a GOV.UK summary list."""
    rows: list[tuple[str, object]]


@dataclass
class Items:
    """Several records of the same kind (each referral, each assessment)."""
    items: list[object]


def field_words(name: str, codes: dict[str, str] | None = None) -> str:
    if codes and name in codes:
        return codes[name]
    return FIELD_WORDS.get(name) or name.replace("_", " ").replace(".", " ").strip().capitalize()


def _scalar(value, codes: dict[str, str]) -> str:
    if value is None or value == "":
        return NOT_RECORDED
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if str(value) in codes:
        return codes[str(value)]
    if isinstance(value, int | float):
        return f"{value:,}"
    text = str(value)
    if ISO_MOMENT.fullmatch(text):
        return govuk_datetime(datetime.fromisoformat(text))
    if ISO_DATE.fullmatch(text):
        return govuk_date(date.fromisoformat(text))
    if CODE.fullmatch(text):
        return field_words(text)
    return text


def _node(value, fields: dict[str, dict[str, str]], codes: dict[str, str]):
    if isinstance(value, dict):
        if not value:
            return Text(NOT_RECORDED)
        return Rows([(field_words(key, codes), Text(str(item)) if key in AS_WRITTEN and item else
                      _node(item, fields, fields.get(key, codes))) for key, item in value.items()])
    if isinstance(value, list):
        if not value:
            return Text("None")
        if all(not isinstance(item, dict | list) for item in value):
            return Words([_scalar(item, codes) for item in value])
        return Items([_node(item, fields, codes) for item in value])
    return Text(_scalar(value, codes))


def readable(record: dict) -> list[tuple[str, object]]:
    """Each section of the export as (heading, what to show), in the export's order."""
    sections = []
    for name, value in record.items():
        if name == "exported_at":
            continue
        fields = EXPORT_WORDS.get(name, {})
        sections.append((field_words(name), _node(value, fields, {})))
    return sections
