"""The documents of `flask disclosure check`: the request it reads and the result it prints.

Scripts and tests depend on both shapes, so they change only with care. `read_request` turns the
request into the rules' dataclasses, or raises `InvalidRequest` with one message per problem, each
naming where it is (`convictions[2].sentences[0].length_months: must be a whole number of months`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from marketplace.disclosure.rules import (
    EXTENSION_LONGEST_MONTHS,
    SUSPENDED_LONGEST_MONTHS,
    Assessment,
    Conviction,
    Kind,
    Sentence,
    SentenceType,
    earliest_conviction_date,
)
from marketplace.reference import OFFENCE_CATEGORIES

# The sentence types the command accepts, and which of length_months and end_date each one takes.
NEEDS_LENGTH = frozenset({SentenceType.CUSTODY, SentenceType.SUSPENDED})
NEEDS_LENGTH_OR_END_DATE = frozenset({SentenceType.COMMUNITY_ORDER, SentenceType.CONDITIONAL_DISCHARGE})
MAY_HAVE_END_DATE = frozenset({SentenceType.COMPENSATION_ORDER, SentenceType.CONDITIONAL_CAUTION,
                               SentenceType.ORDER_WITHOUT_END})
# Sentences excluded from rehabilitation (never spent, whatever their length): nothing more to give, except
# an extended sentence, which is its custodial term (length_months) and its extension period.
NEVER_SPENT_TYPES = frozenset({SentenceType.LIFE, SentenceType.PUBLIC_PROTECTION, SentenceType.CUSTODY_FOR_LIFE,
                               SentenceType.DETENTION_AT_PLEASURE, SentenceType.PREVENTIVE_DETENTION})
NEEDS_EXTENSION = frozenset({SentenceType.EXTENDED})
TAKES_NOTHING = frozenset({SentenceType.FINE, SentenceType.ABSOLUTE_DISCHARGE}) | NEVER_SPENT_TYPES
TAKES_LENGTH = NEEDS_LENGTH | NEEDS_LENGTH_OR_END_DATE | NEEDS_EXTENSION
TAKES_END_DATE = NEEDS_LENGTH | NEEDS_LENGTH_OR_END_DATE | MAY_HAVE_END_DATE
SENTENCE_TYPES: tuple[SentenceType, ...] = tuple(
    kind for kind in SentenceType if kind in TAKES_END_DATE | TAKES_NOTHING | NEEDS_EXTENSION)

REQUEST_FIELDS = ("date_of_birth", "convictions")
CONVICTION_FIELDS = ("date", "kind", "offence_category", "specified", "schedule_18", "sentences")
SENTENCE_FIELDS = ("type", "length_months", "end_date", "extension_months")
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class InvalidRequest(ValueError):
    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Request:
    date_of_birth: date
    convictions: tuple[Conviction, ...]


class _Problems:
    """Collects every problem, so one run reports them all."""

    def __init__(self) -> None:
        self.messages: list[str] = []

    def add(self, path: str, message: str) -> None:
        self.messages.append(f"{path}: {message}")


def _where(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _one_of(values: Sequence[str]) -> str:
    return "must be one of " + ", ".join(values)


def read_request(document: object, today: date) -> Request:
    """Check the request document and build the rules' input from it, as of the assessment date `today`."""
    problems = _Problems()
    if not isinstance(document, dict):
        raise InvalidRequest(["input: must be a JSON object with date_of_birth and convictions"])
    _refuse_unknown_fields(document, REQUEST_FIELDS, "", problems)
    date_of_birth = _required_date(document, "date_of_birth", "", problems)
    if date_of_birth is not None and date_of_birth > today:
        problems.add("date_of_birth", f"must not be after the assessment date ({today.isoformat()})")
    convictions: list[Conviction] = []
    entries = document.get("convictions")
    if "convictions" not in document:
        problems.add("convictions", "is required")
    elif not isinstance(entries, list):
        problems.add("convictions", "must be a list")
    else:
        for index, entry in enumerate(entries):
            conviction = _read_conviction(entry, f"convictions[{index}]", date_of_birth, today, problems)
            if conviction is not None:
                convictions.append(conviction)
    if problems.messages or date_of_birth is None:
        raise InvalidRequest(problems.messages)
    return Request(date_of_birth=date_of_birth, convictions=tuple(convictions))


def _read_conviction(entry: object, path: str, date_of_birth: date | None, today: date,
                     problems: _Problems) -> Conviction | None:
    if not isinstance(entry, dict):
        problems.add(path, "must be an object")
        return None
    before = len(problems.messages)
    _refuse_unknown_fields(entry, CONVICTION_FIELDS, path, problems)
    day = _required_date(entry, "date", path, problems)
    if day is not None and day > today:
        problems.add(_where(path, "date"), f"must not be after the assessment date ({today.isoformat()})")
    if day is not None and date_of_birth is not None and day < earliest_conviction_date(date_of_birth):
        problems.add(_where(path, "date"), "must be on or after the person's 10th birthday "
                     f"({earliest_conviction_date(date_of_birth).isoformat()}), the age of criminal responsibility")
    kind = _required_choice(entry, "kind", [kind.value for kind in Kind], path, problems)
    category = _required_choice(entry, "offence_category", list(OFFENCE_CATEGORIES), path, problems)
    specified = entry.get("specified")
    if "specified" not in entry:
        problems.add(_where(path, "specified"), "is required")
    elif not isinstance(specified, bool):
        problems.add(_where(path, "specified"), "must be true or false")
    schedule_18 = entry.get("schedule_18")
    if "schedule_18" not in entry:
        problems.add(_where(path, "schedule_18"), "is required")
    elif not isinstance(schedule_18, bool):
        problems.add(_where(path, "schedule_18"), "must be true or false")
    sentences = _read_sentences(entry, path, day, problems)
    if sentences is not None and kind is not None:
        _check_sentences_fit_kind(Kind(kind), sentences, path, problems)
    if len(problems.messages) > before:
        return None
    return Conviction(date=day, kind=Kind(kind), offence_category=category, specified=specified,
                      schedule_18=schedule_18, sentences=tuple(sentences))


def _read_sentences(entry: dict, path: str, conviction_date: date | None,
                    problems: _Problems) -> list[Sentence] | None:
    where = _where(path, "sentences")
    if "sentences" not in entry:
        problems.add(where, "is required (an empty list for a simple caution)")
        return None
    if not isinstance(entry["sentences"], list):
        problems.add(where, "must be a list")
        return None
    sentences = [_read_sentence(raw, f"{where}[{index}]", conviction_date, problems)
                 for index, raw in enumerate(entry["sentences"])]
    if any(sentence is None for sentence in sentences):
        return None  # already reported; checking the rest against the kind would only add noise
    return sentences


def _check_sentences_fit_kind(kind: Kind, sentences: list[Sentence], path: str, problems: _Problems) -> None:
    where = _where(path, "sentences")
    if kind == Kind.CAUTION:
        if len(sentences) > 1 or any(s.type != SentenceType.CONDITIONAL_CAUTION for s in sentences):
            problems.add(where, "a caution has no sentences (a simple caution) or a single conditional_caution")
        return
    if not sentences:
        problems.add(where, "a conviction needs at least one sentence")
    for index, sentence in enumerate(sentences):
        if sentence.type == SentenceType.CONDITIONAL_CAUTION:
            problems.add(f"{where}[{index}].type", "a conditional_caution belongs to a caution, not a conviction")


def _read_sentence(raw: object, path: str, conviction_date: date | None, problems: _Problems) -> Sentence | None:
    if not isinstance(raw, dict):
        problems.add(path, "must be an object")
        return None
    before = len(problems.messages)
    _refuse_unknown_fields(raw, SENTENCE_FIELDS, path, problems)
    type_name = _required_choice(raw, "type", [kind.value for kind in SENTENCE_TYPES], path, problems)
    if type_name is None:
        return None
    kind = SentenceType(type_name)
    length = _read_length(raw, kind, path, problems)
    end_date = _read_end_date(raw, kind, path, conviction_date, problems)
    if kind in NEEDS_LENGTH | NEEDS_EXTENSION and raw.get("length_months") is None:
        problems.add(_where(path, "length_months"), f"is required for {kind.value}")
    extension = _read_extension(raw, kind, path, problems)
    if kind in NEEDS_LENGTH_OR_END_DATE and raw.get("length_months") is None and raw.get("end_date") is None:
        problems.add(path, f"{kind.value} needs an end_date or a length_months")
    if len(problems.messages) > before:
        return None
    return Sentence(type=kind, length_months=length, end_date=end_date, extension_months=extension)


def _read_extension(raw: dict, kind: SentenceType, path: str, problems: _Problems) -> int | None:
    value = raw.get("extension_months")
    where = _where(path, "extension_months")
    if value is None:
        if kind in NEEDS_EXTENSION:
            problems.add(where, f"is required for {kind.value}")
        return None
    if kind not in NEEDS_EXTENSION:
        problems.add(where, f"is not used for {kind.value}; leave it out")
        return None
    if isinstance(value, bool) or not (isinstance(value, int) or (isinstance(value, float) and value.is_integer())):
        problems.add(where, "must be a whole number of months")
        return None
    if not 1 <= int(value) <= EXTENSION_LONGEST_MONTHS:
        problems.add(where, f"an extension period is 1 to {EXTENSION_LONGEST_MONTHS} months")
    return int(value)


def _read_length(raw: dict, kind: SentenceType, path: str, problems: _Problems) -> int | None:
    value = raw.get("length_months")
    where = _where(path, "length_months")
    if value is None:
        return None
    if kind not in TAKES_LENGTH:
        problems.add(where, f"is not used for {kind.value}; leave it out")
        return None
    whole = isinstance(value, int) or (isinstance(value, float) and value.is_integer())
    if isinstance(value, bool) or not whole:
        problems.add(where, "must be a whole number of months")
        return None
    months = int(value)
    if months < 1:
        problems.add(where, "must be at least 1")
    elif kind == SentenceType.SUSPENDED and months > SUSPENDED_LONGEST_MONTHS:
        problems.add(where, f"a suspended sentence is at most {SUSPENDED_LONGEST_MONTHS} months")
    return months


def _read_end_date(raw: dict, kind: SentenceType, path: str, conviction_date: date | None,
                   problems: _Problems) -> date | None:
    if raw.get("end_date") is None:
        return None
    if kind not in TAKES_END_DATE:
        problems.add(_where(path, "end_date"), f"is not used for {kind.value}; leave it out")
        return None
    end_date = _required_date(raw, "end_date", path, problems)
    if end_date is not None and conviction_date is not None and end_date < conviction_date:
        problems.add(_where(path, "end_date"), "must not be before the date of the conviction or caution")
    return end_date


def _refuse_unknown_fields(entry: dict, known: Sequence[str], path: str, problems: _Problems) -> None:
    for name in sorted(set(entry) - set(known)):
        problems.add(_where(path, name), "unknown field")


def _required_date(entry: dict, name: str, path: str, problems: _Problems) -> date | None:
    where = _where(path, name)
    if entry.get(name) is None:
        problems.add(where, "is required")
        return None
    value = entry[name]
    if not isinstance(value, str) or not ISO_DATE.fullmatch(value):
        problems.add(where, "must be a date written YYYY-MM-DD")
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        problems.add(where, "is not a real date")
        return None


def _required_choice(entry: dict, name: str, choices: list[str], path: str, problems: _Problems) -> str | None:
    where = _where(path, name)
    if entry.get(name) is None:
        problems.add(where, "is required")
        return None
    if entry[name] not in choices:
        problems.add(where, _one_of(choices))
        return None
    return entry[name]


def result_document(assessments: Sequence[Assessment]) -> dict:
    """The printed result: for each conviction or caution, in the order given, its spent date (null for
    never), the first day standard and enhanced checks leave it out (null for never), whether it is
    spent, and whether each level of check would show it today."""
    return {"convictions": [
        {
            "index": assessment.index,
            "spent_date": assessment.spent_date.isoformat() if assessment.spent_date is not None else None,
            "filtered_date": assessment.filtered_date.isoformat() if assessment.filtered_date is not None else None,
            "spent": assessment.spent,
            "basic": assessment.basic,
            "standard": assessment.standard,
            "enhanced": assessment.enhanced,
        }
        for assessment in assessments
    ]}
