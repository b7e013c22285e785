"""Every write about convictions, cautions and disclosure letters, and the reads other features use
to ask what the law says about a participant's record (referrals, matching).

Each conviction is checked with the same rules as `flask disclosure check` (contract.read_request),
against the whole record, before anything is written; a refusal leaves the record as it was."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from marketplace.core import clock
from marketplace.core.exceptions import Problems, Refused
from marketplace.core.operations import record_audit
from marketplace.disclosure import contract, rules
from marketplace.disclosure.models import (
    CHECK_LEVELS,
    CHECK_PHRASES,
    ConvictionRecord,
    DisclosureLetter,
    SentenceRecord,
    rules_level,
)
from marketplace.extensions import db
from marketplace.reference import OFFENCE_CATEGORIES

MAX_SENTENCES = 3
MAX_LETTER = 5000


@dataclass
class SentenceDetails:
    type: str
    length_months: int | None = None
    end_date: date | None = None
    extension_months: int | None = None


@dataclass
class ConvictionDetails:
    kind: str
    convicted_on: date | None
    offence_category: str
    specified: bool = False
    sentences: list[SentenceDetails] = field(default_factory=list)
    schedule_18: bool = False


# Reading ---------------------------------------------------------------------------------------------

def convictions_of(participant) -> list[ConvictionRecord]:
    return convictions_of_many([participant.id]).get(participant.id, [])


def convictions_of_many(participant_ids) -> dict[int, list[ConvictionRecord]]:
    """Each participant's convictions, oldest first, with their sentences: two queries however many
    people (matching a whole caseload would otherwise ask once per person and once per conviction)."""
    records: dict[int, list[ConvictionRecord]] = {}
    ids = list(participant_ids)
    if not ids:
        return records
    query = (select(ConvictionRecord).where(ConvictionRecord.participant_id.in_(ids))
             .options(selectinload(ConvictionRecord.sentences))
             .order_by(ConvictionRecord.convicted_on, ConvictionRecord.id))
    for record in db.session.scalars(query):
        records.setdefault(record.participant_id, []).append(record)
    return records


@dataclass(frozen=True)
class Row:
    """A conviction with what the law says about it today."""

    record: ConvictionRecord
    assessment: rules.Assessment
    changes: dict[rules.CheckLevel, date | None]

    def disclosed(self, check_level: str | None) -> bool:
        return self.assessment.disclosed(rules_level(check_level))

    def shown_until(self, level: rules.CheckLevel) -> date | None:
        """The last day a check of this level shows it, when that day is known and still to come."""
        change = self.changes.get(level)
        return change - timedelta(days=1) if change is not None else None


def assess_record(participant, today: date | None = None,
                  records: list[ConvictionRecord] | None = None) -> list[Row]:
    """Each of the participant's convictions and cautions, oldest first, judged on the whole record."""
    today = today or clock.today()
    records = convictions_of(participant) if records is None else records
    if not records:
        return []
    assessments = rules.assess(participant.date_of_birth, [r.as_rule() for r in records], today)
    return [Row(record=r, assessment=a, changes=rules.next_changes(a))
            for r, a in zip(records, assessments, strict=True)]


def disclosable(participant, check_level: str | None, today: date | None = None) -> list[Row]:
    """The convictions a check of this level would show today: all the law asks the person to disclose."""
    return [row for row in assess_record(participant, today) if row.disclosed(check_level)]


def categories_by_level(participant, today: date | None = None,
                        records: list[ConvictionRecord] | None = None) -> dict[str, list[str]] | None:
    """For matching: per check level, the offence categories a check of that level would show today.
    None when no conviction is recorded (matching then uses the participant's offence categories).
    Categories on the participant's list with no conviction recorded count as shown at every level.
    `records`, when the caller loaded them already (convictions_of_many), saves a query."""
    rows = assess_record(participant, today, records)
    if not rows:
        return None
    recorded = {row.record.offence_category for row in rows}
    unrecorded = [c for c in participant.offence_categories or [] if c not in recorded]
    result = {}
    for level in CHECK_LEVELS:
        shown = sorted({row.record.offence_category for row in rows if row.disclosed(level)})
        result[level] = sorted(set(shown) | set(unrecorded))
    return result


def letter_of(participant) -> DisclosureLetter | None:
    return db.session.scalar(select(DisclosureLetter).where(DisclosureLetter.participant_id == participant.id))


# Convictions -----------------------------------------------------------------------------------------

# Where each of the contract's fields is on the form.
_FIELD_FOR = {"date": "convicted_on", "kind": "kind", "offence_category": "offence_category",
              "specified": "specified", "schedule_18": "schedule_18", "sentences": "sentence_1_type", "type": "type",
              "length_months": "length", "end_date": "end", "extension_months": "extension"}


def _form_field(path: str) -> str | None:
    """`convictions[0].sentences[1].length_months` -> `sentence_2_length`."""
    parts = path.split(".")[1:]
    if not parts:
        return None
    if parts[0].startswith("sentences["):
        number = int(parts[0][len("sentences["):-1]) + 1
        suffix = _FIELD_FOR.get(parts[1], "type") if len(parts) > 1 else "length"
        return f"sentence_{number}_{suffix}"
    return _FIELD_FOR.get(parts[0])


def _plain(message: str) -> str:
    """The contract's message, for a person rather than a script."""
    replacements = (
        ("is required for custody", "Enter the length of the custodial sentence in months"),
        ("is required for extended", "Enter the custodial term of the extended sentence in months"),
        ("an extension period is", f"An extension period is 1 to {rules.EXTENSION_LONGEST_MONTHS} months"),
        ("is required for suspended", "Enter the length of the suspended sentence in months"),
        ("needs an end_date or a length_months", "Enter the date the order ends, or its length in months"),
        ("must be on or after the person's 10th birthday", "The date must be on or after their 10th birthday"),
        ("must not be after the assessment date", "The date must be today or in the past"),
        ("a caution has no sentences", "A caution has no sentence, or only a conditional caution"),
        ("a conviction needs at least one sentence", "Choose the sentence or disposal"),
        ("a conditional_caution belongs to a caution", "A conditional caution is for a caution, not a conviction"),
        ("is not used for", "Leave this empty for this kind of sentence"),
        ("a suspended sentence is at most", f"A suspended sentence is at most {rules.SUSPENDED_LONGEST_MONTHS} months"),
        ("must not be before the date", "The end date must be on or after the date of the conviction or caution"),
        ("must be at least 1", "The length must be at least 1 month"),
    )
    for start, plain in replacements:
        if start in message:
            return plain
    return message[:1].upper() + message[1:]


def _document(details: ConvictionDetails) -> dict:
    sentences = []
    for sentence in details.sentences:
        entry: dict = {"type": sentence.type}
        if sentence.length_months is not None:
            entry["length_months"] = sentence.length_months
        if sentence.end_date is not None:
            entry["end_date"] = sentence.end_date.isoformat()
        if sentence.extension_months is not None:
            entry["extension_months"] = sentence.extension_months
        sentences.append(entry)
    return {"date": details.convicted_on.isoformat() if details.convicted_on else None, "kind": details.kind,
            "offence_category": details.offence_category, "specified": bool(details.specified),
            "schedule_18": bool(details.schedule_18), "sentences": sentences}


def check_conviction(participant, details: ConvictionDetails, today: date | None = None) -> rules.Conviction:
    """Refuse a conviction the rules cannot judge, naming every problem at once, each on its form
    field (the contract reports them all); else the rules' conviction. Writes nothing, so the form
    runs it even when its own fields fail (submit's check=)."""
    today = today or clock.today()
    problems = Problems()
    problems.check(details.kind in {k.value for k in rules.Kind}, "Select conviction or caution", field="kind")
    problems.check(details.offence_category in OFFENCE_CATEGORIES, "Select the offence category",
                   field="offence_category")
    problems.check(details.convicted_on is not None, "Enter the date of the conviction or caution",
                   field="convicted_on")
    if not problems.check(len(details.sentences) <= MAX_SENTENCES, f"Enter at most {MAX_SENTENCES} sentences",
                          field="sentence_1_type"):
        problems.raise_any()
    named = {field for field, _message in problems.items}
    document = {"date_of_birth": participant.date_of_birth.isoformat(), "convictions": [_document(details)]}
    try:
        request = contract.read_request(document, today)
    except contract.InvalidRequest as invalid:
        for problem in invalid.problems:
            path, _, message = problem.partition(": ")
            field = _form_field(path)
            if field in named:  # already said in the form's words (a missing kind or date)
                continue
            plain = ("Enter the extension period of the extended sentence in months"
                     if path.endswith("extension_months") and "is required" in message else _plain(message))
            if (field, plain) not in problems.items:
                problems.add(plain, field=field)
        problems.raise_any()
        raise Refused("The conviction cannot be judged as entered.") from None  # every problem was a duplicate
    problems.raise_any()
    return request.convictions[0]


def _fill(record: ConvictionRecord, details: ConvictionDetails) -> None:
    record.kind = details.kind
    record.convicted_on = details.convicted_on
    record.offence_category = details.offence_category
    record.specified = bool(details.specified)
    record.schedule_18 = bool(details.schedule_18)
    record.sentences = [SentenceRecord(position=index, type=s.type, length_months=s.length_months, end_date=s.end_date,
                                       extension_months=s.extension_months)
                        for index, s in enumerate(details.sentences)]
    record.updated_at = clock.now()


def _changed(participant) -> None:
    """Matching reads the record: have the search index look at the participant again."""
    from marketplace.search.sync import queue

    queue("participant", participant.id)


def _ensure_open(participant) -> None:
    if participant.is_closed:
        raise Refused("This case is closed, so the record cannot be changed.")


def add_conviction(participant, details: ConvictionDetails, actor) -> ConvictionRecord:
    """Record a conviction or caution, checked against the rules and the whole record."""
    _ensure_open(participant)
    check_conviction(participant, details)
    record = ConvictionRecord(participant_id=participant.id, participant=participant, recorded_by_id=actor.id,
                              created_at=clock.now())
    _fill(record, details)
    db.session.add(record)
    _check_whole_record(participant)
    record_audit("conviction.added", participant, actor=actor, detail=f"conviction {record.id}")
    _changed(participant)
    return record


def update_conviction(record: ConvictionRecord, details: ConvictionDetails, actor) -> ConvictionRecord:
    participant = record.participant
    _ensure_open(participant)
    check_conviction(participant, details)
    _fill(record, details)
    _check_whole_record(participant)
    record_audit("conviction.updated", participant, actor=actor, detail=f"conviction {record.id}")
    _changed(participant)
    return record


def remove_conviction(record: ConvictionRecord, actor) -> None:
    participant = record.participant
    _ensure_open(participant)
    record_audit("conviction.removed", participant, actor=actor, detail=f"conviction {record.id}")
    db.session.delete(record)
    db.session.flush()
    _changed(participant)


def _check_whole_record(participant) -> None:
    """The rules judge each conviction on the whole record; refuse one they cannot judge with it (the
    caller's rollback then leaves the record as it was)."""
    db.session.flush()
    try:
        assess_record(participant)
    except ValueError as problem:
        raise Refused(f"The record cannot be judged as it stands: {problem}") from None


# Letters ---------------------------------------------------------------------------------------------

def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _day(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def _month(day: date) -> str:
    return f"{day:%B %Y}"


def draft_letter(participant, check_level: str, today: date | None = None) -> str:
    """A first draft from what must be disclosed for this level of check, for the participant to put in
    their own words. It names only what the check would show; nothing spent or filtered."""
    rows = disclosable(participant, check_level, today)
    check = CHECK_PHRASES.get(check_level, check_level)
    lines = ["Dear hiring manager,", ""]
    if not rows:
        lines += [f"For a {check}, I have no conviction or caution that I must tell you about. "
                  "Anything older is spent (or filtered), so the law does not ask me to disclose it.", ""]
    else:
        lines += ["I want to be open with you about my criminal record, so that you hear it from me.", ""]
        for row in rows:
            record = row.record
            sentences = "; ".join(_lower_first(s.describe()) for s in record.sentences)
            what = "was cautioned" if record.kind == rules.Kind.CAUTION else "was convicted"
            outcome = f" and received: {sentences}" if sentences else ""
            lines.append(f"- In {_month(record.convicted_on)} I {what} ({record.offence_label.lower()}){outcome}.")
        lines += ["", "[In your own words: what happened, and what has changed since.]", "",
                  "[What you have done since: work, training, courses, volunteering.]", ""]
    lines += ["I would be glad to talk about this at interview.", "", "Yours sincerely,", participant.first_name]
    return "\n".join(lines)


def save_letter(participant, check_level: str, body: str, actor) -> DisclosureLetter:
    """Save the participant's letter in the words they agreed with the case manager."""
    _ensure_open(participant)
    if check_level not in CHECK_LEVELS:
        raise Refused("Select the kind of check the letter is for", field="check_level")
    body = (body or "").strip()
    if not body:
        raise Refused("Write the letter, or start from the draft", field="body")
    if len(body) > MAX_LETTER:
        raise Refused(f"The letter must be {MAX_LETTER:,} characters or fewer", field="body")
    letter = letter_of(participant)
    if letter is None:
        letter = DisclosureLetter(participant_id=participant.id)
        db.session.add(letter)
    letter.check_level = check_level
    letter.body = body
    letter.updated_by_id = actor.id
    letter.updated_at = clock.now()
    db.session.flush()
    record_audit("disclosure_letter.saved", participant, actor=actor)
    return letter


# Referrals -------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class SharingAdvice:
    """What the law asks this person to disclose for this opportunity, and what it does not."""

    check_level: str
    required: list[Row]
    protected: list[Row]  # recorded, but not shown by this level of check: never shared
    letter: DisclosureLetter | None
    letter_beyond_law: bool  # the letter was written for a check that shows more than this one

    @property
    def has_records(self) -> bool:
        return bool(self.required or self.protected)

    @property
    def check_levels(self) -> dict[str, str]:
        return CHECK_PHRASES


def sharing_advice(participant, opportunity, today: date | None = None) -> SharingAdvice:
    level = getattr(opportunity, "check_level", None) or "none"
    rows = assess_record(participant, today)
    required = [row for row in rows if row.disclosed(level)]
    letter = letter_of(participant)
    beyond = False
    if letter is not None:
        shown_by_letter = {row.record.id for row in rows if row.disclosed(letter.check_level)}
        beyond = bool(shown_by_letter - {row.record.id for row in required})
    return SharingAdvice(check_level=level, required=required,
                         protected=[row for row in rows if not row.disclosed(level)], letter=letter,
                         letter_beyond_law=beyond)


def shared_convictions(advice: SharingAdvice) -> list[dict]:
    """The convictions that may go into a referral: only those this level of check shows."""
    return [{"kind": row.record.kind_label, "date": _day(row.record.convicted_on),
             "offence": row.record.offence_label,
             "sentences": [s.describe() for s in row.record.sentences]} for row in advice.required]


def still_shown(snapshot: dict, participant, opportunity, today: date | None = None) -> dict:
    """A referral's snapshot with only those of its convictions that the check still shows: a draft
    sent later never carries one that has since become spent (or filtered)."""
    key = lambda item: (item["kind"], item["date"], item["offence"])  # noqa: E731
    shown = {key(item) for item in shared_convictions(sharing_advice(participant, opportunity, today))}
    return {**snapshot, "convictions": [item for item in snapshot.get("convictions", []) if key(item) in shown]}


def beyond_law_reasons(advice: SharingAdvice, *, statement: bool, convictions: bool, letter: bool) -> list[str]:
    """Why what the case manager chose to share goes beyond what the law requires (empty if it does not)."""
    reasons = []
    nothing_required = advice.has_records and not advice.required
    check = CHECK_PHRASES.get(advice.check_level, advice.check_level)
    # Sharing the convictions shares only what the check shows, so on its own it never goes beyond the law.
    if nothing_required and (statement or letter):
        reasons.append(f"For a {check} the law does not require them to disclose any conviction "
                       "or caution on their record.")
    if letter and advice.letter_beyond_law:
        reasons.append(f"The disclosure letter was written for a "
                       f"{CHECK_PHRASES.get(advice.letter.check_level, '')}, which shows more than a {check}.")
    return reasons


# Subject access and erasure --------------------------------------------------------------------------

def subject_access_section(participant) -> tuple[str, dict]:
    """What the service holds about the person's convictions, with the dates it works out from them."""
    rows = assess_record(participant)
    letter = letter_of(participant)
    return "disclosure", {
        "convictions": [
            {"kind": row.record.kind, "date": row.record.convicted_on.isoformat(),
             "offence_category": row.record.offence_category, "specified": row.record.specified,
             "sentences": [{"type": s.type, "length_months": s.length_months,
                            "end_date": s.end_date.isoformat() if s.end_date else None}
                           for s in row.record.sentences],
             "spent_date": row.assessment.spent_date.isoformat() if row.assessment.spent_date else None}
            for row in rows],
        "letter": {"check_level": letter.check_level, "body": letter.body} if letter else None,
    }


def erase_disclosure_of(participant) -> None:
    """Erasure removes the convictions and the letter with the participant (the database would cascade;
    deleting here keeps the session's view of them true too)."""
    for record in convictions_of(participant):
        db.session.delete(record)
    letter = letter_of(participant)
    if letter is not None:
        db.session.delete(letter)


def _register() -> None:
    from marketplace.disclosure.models import KIND_LABELS, SENTENCE_LABELS
    from marketplace.participants.export import EXPORT_SECTIONS, EXPORT_WORDS
    from marketplace.participants.operations import ERASURE_HOOKS

    EXPORT_WORDS["disclosure"] = {"kind": {str(code): words for code, words in KIND_LABELS.items()},
                                  "type": SENTENCE_LABELS, "offence_category": OFFENCE_CATEGORIES,
                                  "check_level": CHECK_LEVELS}

    if subject_access_section not in EXPORT_SECTIONS:
        EXPORT_SECTIONS.append(subject_access_section)
    if erase_disclosure_of not in ERASURE_HOOKS:
        ERASURE_HOOKS.append(erase_disclosure_of)


_register()
