"""Whoosh schemas and analysis.

Text fields use a stemming analyser ("cooking" finds "cook"). Synonyms from `reference.SYNONYMS` are
handled by concept tokens: when a document's text contains any phrase of a synonym group, the
group's name is added to its `concepts` field; when a query contains one, the concept is searched
too. That copes with multi-word synonyms ("reach truck", "class 2") that a token filter cannot.
"""

from __future__ import annotations

import re
from datetime import datetime
from functools import cache

from whoosh.analysis import StandardAnalyzer, StemmingAnalyzer
from whoosh.fields import BOOLEAN, DATETIME, ID, KEYWORD, NUMERIC, STORED, TEXT, Schema

from marketplace.reference import ACRONYMS, SYNONYMS

TEXT_ANALYZER = StemmingAnalyzer()


@cache
def _phrase_patterns() -> list[tuple[str, re.Pattern]]:
    patterns = []
    for concept, phrases in SYNONYMS.items():
        alternatives = "|".join(re.escape(p) for p in sorted(phrases, key=len, reverse=True))
        patterns.append((concept, re.compile(rf"(?<![\w+])(?:{alternatives})(?![\w+])", re.IGNORECASE)))
    return patterns


@cache
def _acronym_patterns() -> list[tuple[str, str, re.Pattern]]:
    return [(acronym, concept, re.compile(rf"(?<![\w+]){re.escape(acronym)}(?![\w+])"))
            for acronym, concept in ACRONYMS.items()]


def concepts_in(text: str, *, query: bool = False) -> list[str]:
    """The synonym groups whose phrases appear in `text`. In a search (`query`), an abbreviation
    that is also a word ("it") counts however it is typed when it is the whole search."""
    if not text:
        return []
    found = [concept for concept, pattern in _phrase_patterns() if pattern.search(text)]
    for acronym, concept, pattern in _acronym_patterns():
        if concept not in found and (pattern.search(text) or (query and text.strip().lower() == acronym.lower())):
            found.append(concept)
    return found


# Bump when a schema changes: an index built with another version is rebuilt on first use.
SCHEMA_VERSION = "9"
# Whoosh columns have no "missing" for dates: this stands for "no start date given".
NO_START_DATE = datetime(1900, 1, 1)

# Coordinates as whole numbers of 1/100,000 degree, offset to be positive, so Whoosh can keep them
# in a column (its float columns cannot be written); 0 means "not known".
COORDINATE_SCALE = 100_000


def coordinate_value(degrees: float, offset: int) -> int:
    return round((degrees + offset) * COORDINATE_SCALE)


def _one_term_per_value(schema: Schema) -> Schema:
    """Index each number and date as one term, not one per precision tier (Whoosh's default, for
    range queries): filters, sorting and distances read the columns (search/arrays.py), the query
    parser's field and range syntax is off, and the tiers were a third of an opportunity's postings,
    written at every rebuild and every change (search/build.py)."""
    for _name, field in schema.items():
        if hasattr(field, "shift_step"):
            field.shift_step = 0
    return schema


def opportunity_schema() -> Schema:
    return _one_term_per_value(Schema(
        key=ID(unique=True, stored=True),
        id=NUMERIC(stored=True, numtype=int, bits=64),
        organisation_id=ID(stored=True),
        # What people search: the title (weighted) and everything else about the opportunity in one
        # field, so each word asks one question of the index rather than one per field.
        title=TEXT(analyzer=TEXT_ANALYZER, stored=True, field_boost=3.0),
        body=TEXT(analyzer=TEXT_ANALYZER),
        description=STORED(),  # shown, with the words found highlighted
        organisation=STORED(),
        concepts=KEYWORD(lowercase=True, scorable=True),
        # Whole words as written (not stemmed), for "did you mean" suggestions people can read.
        spell=TEXT(analyzer=StandardAnalyzer(), spelling=True, phrase=False),
        kind=ID(stored=True),
        sector=ID(stored=True),
        region=ID(stored=True),
        town=STORED(),
        status=ID(stored=True),
        national=BOOLEAN(stored=True),
        remote=BOOLEAN(stored=True),
        paid=BOOLEAN(stored=True),
        custody_ok=BOOLEAN(stored=True),
        has_places=BOOLEAN(stored=True),
        exclusions=KEYWORD(lowercase=True, commas=True, stored=True),
        check_level=ID(stored=True),  # the employer's criminal record check: which convictions count
        children=BOOLEAN(),
        vulnerable_adults=BOOLEAN(),
        leavers_only=BOOLEAN(),
        qualification_subject=ID(),
        guarantee=BOOLEAN(stored=True),
        closing=DATETIME(stored=True, sortable=True),
        starts=DATETIME(sortable=True),  # NO_START_DATE when the opportunity names none
        published=DATETIME(stored=True, sortable=True),
        lat=STORED(),
        lon=STORED(),
        latitude=NUMERIC(numtype=int, bits=32, signed=False, sortable=True, default=0),
        longitude=NUMERIC(numtype=int, bits=32, signed=False, sortable=True, default=0),
    ))


def participant_schema() -> Schema:
    """Only what matching needs: no names, no dates of birth, no offence details."""
    return _one_term_per_value(Schema(
        key=ID(unique=True, stored=True),
        id=NUMERIC(stored=True, numtype=int, bits=64),
        organisation_id=ID(stored=True),
        status=ID(stored=True),
        region=ID(stored=True),
        profile=TEXT(analyzer=TEXT_ANALYZER),
        interests=TEXT(analyzer=TEXT_ANALYZER, field_boost=2.0),
        concepts=KEYWORD(lowercase=True, scorable=True),
    ))


SCHEMAS = {"opportunities": opportunity_schema, "participants": participant_schema}
