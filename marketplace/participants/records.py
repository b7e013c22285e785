"""A participant described as JSON: the shape `participants import` reads, one object per line, and
that `match --participant` reads too. Parsing names the field that is wrong."""

from __future__ import annotations

from marketplace.core.records import FieldError, read_date, read_flag, read_object, read_text, read_text_list
from marketplace.participants.operations import Details, Restrictions

REQUIRED = ("participant_number", "first_name", "last_name", "date_of_birth", "location", "release_region")
TEXT = ("participant_number", "first_name", "last_name", "location", "prison", "release_region", "release_town",
        "release_postcode", "work_history", "goals", "mappa_category", "mappa_level", "rosh_level")
DATES = ("date_of_birth", "release_date", "order_end_date", "rotl_from")
FLAGS = ("release_date_confirmed", "no_fixed_abode", "no_work_with_children", "no_work_with_vulnerable_adults")
LISTS = ("skills", "interests", "offence_categories")
FIELDS = frozenset((*TEXT, *DATES, *FLAGS, *LISTS, "travel_miles", "qualifications"))


def parse(record: object, *, required: tuple[str, ...] = REQUIRED) -> tuple[Details, Restrictions]:
    """Turn one JSON object into the details and restrictions the operations take."""
    record = read_object(record, FIELDS, required, "a participant")
    values: dict = {}
    for name in TEXT:
        values[name] = read_text(record, name)
    for name in DATES:
        values[name] = read_date(record, name)
    for name in FLAGS:
        values[name] = read_flag(record, name)
    for name in LISTS:
        values[name] = read_text_list(record, name)
    travel = record.get("travel_miles")
    if travel is not None and (isinstance(travel, bool) or not isinstance(travel, int)):
        raise FieldError("travel_miles", "must be a whole number of miles")
    qualifications = record.get("qualifications") or []
    if not isinstance(qualifications, list) or not all(isinstance(q, dict) for q in qualifications):
        raise FieldError("qualifications", 'must be a list of objects like {"subject": "health_care", "level": "2"}')
    for item in qualifications:
        extra = set(item) - {"subject", "level", "title"}
        if extra:
            raise FieldError("qualifications", f"unknown key '{sorted(extra)[0]}' (use subject, level, title)")
    details = Details(
        participant_number=values["participant_number"] or "", first_name=values["first_name"] or "",
        last_name=values["last_name"] or "", date_of_birth=values["date_of_birth"],
        location=values["location"] or "", release_region=values["release_region"] or "",
        prison=values["prison"], release_date=values["release_date"],
        release_date_confirmed=values["release_date_confirmed"], order_end_date=values["order_end_date"],
        release_town=values["release_town"] or "", release_postcode=values["release_postcode"] or "",
        no_fixed_abode=values["no_fixed_abode"], travel_miles=travel, rotl_from=values["rotl_from"],
        skills=values["skills"], qualifications=[dict(q) for q in qualifications],
        work_history=values["work_history"] or "", interests=values["interests"], goals=values["goals"] or "",
    )
    restrictions = Restrictions(
        offence_categories=values["offence_categories"], no_work_with_children=values["no_work_with_children"],
        no_work_with_vulnerable_adults=values["no_work_with_vulnerable_adults"],
        mappa_category=values["mappa_category"], mappa_level=values["mappa_level"], rosh_level=values["rosh_level"],
    )
    return details, restrictions
