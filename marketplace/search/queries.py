"""Asking the index: the opportunity search page, and the candidate lists that matching ranks.

Everything here reads the index and then the database: the index finds and orders candidates
quickly, the database has the final word (matching re-checks every hard filter against the rows).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from whoosh import qparser, sorting
from whoosh.highlight import ContextFragmenter, HtmlFormatter
from whoosh.query import And, DateRange, Every, NullQuery, NumericRange, Or, Term

from marketplace.extensions import db
from marketplace.search import geography
from marketplace.search import index as store
from marketplace.search.matching import Match, Offer, Seeker, assess, barriers
from marketplace.search.schema import TEXT_ANALYZER, concepts_in

PAGE_SIZE = 20
CANDIDATES = 300
FACETS = ("kind", "sector", "region")
FLAGS = ("paid", "custody_ok", "guarantee")
SEARCHED_FIELDS = ["title", "description", "criteria", "organisation"]


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min)


def _open_filter(today: date):
    """Open, with places left, and not past its closing date (rolling ones close in the far future)."""
    return And([Term("status", "open"), Term("has_places", True), DateRange("closing", _start_of(today), None)])


def _terms(text: str, limit: int = 40) -> list[str]:
    """The distinct stemmed words of `text`, in order, for building a query without parser syntax."""
    seen: list[str] = []
    for token in TEXT_ANALYZER(text or ""):
        if token.text not in seen:
            seen.append(token.text)
        if len(seen) >= limit:
            break
    return seen


def text_query(text: str, fields: dict[str, float]):
    """Any of the words, in any of the fields (weighted), or any synonym group the text mentions."""
    parts = [Term(name, word, boost=boost) for word in _terms(text) for name, boost in fields.items()]
    parts += [Term("concepts", concept, boost=1.5) for concept in concepts_in(text)]
    return Or(parts) if parts else NullQuery


# The search page ------------------------------------------------------------------------------------------

@dataclass
class SearchRequest:
    text: str = ""
    kinds: list[str] = field(default_factory=list)
    sectors: list[str] = field(default_factory=list)
    regions: list[str] = field(default_factory=list)
    paid: bool = False
    custody_ok: bool = False
    guarantee: bool = False
    closing_within: int | None = None
    sort: str = "relevance"
    near: str = ""
    organisation_id: int | None = None
    page: int = 1


@dataclass
class Hit:
    id: int
    title: str
    organisation: str
    kind: str
    sector: str
    region: str
    town: str
    closing: datetime | None
    highlight: Markup | None
    miles: float | None = None


@dataclass
class SearchResults:
    hits: list[Hit]
    total: int
    page: int
    pages: int
    facets: dict[str, list[tuple[str, int]]]
    flags: dict[str, int]
    suggestion: str | None = None
    near_unknown: bool = False


def _parser(schema):
    parser = qparser.MultifieldParser(SEARCHED_FIELDS, schema, fieldboosts={"title": 3.0, "organisation": 0.5},
                                      group=qparser.OrGroup.factory(0.9))
    # People type words, not query syntax: no field names, wildcards or ranges.
    for plugin in (qparser.FieldsPlugin, qparser.WildcardPlugin, qparser.RangePlugin, qparser.BoostPlugin,
                   qparser.PlusMinusPlugin, qparser.GroupPlugin):
        parser.remove_plugin_class(plugin)
    return parser


def _user_query(searcher, text: str):
    text = (text or "").strip()[:300]
    if not text:
        return Every(), None
    parsed = _parser(searcher.schema).parse(text)
    concepts = [Term("concepts", concept, boost=2.0) for concept in concepts_in(text)]
    query = Or([parsed, *concepts]) if concepts else parsed
    return query, parsed


def _filter(request: SearchRequest, today: date, *, leave_out: str | None = None):
    parts = [_open_filter(today)]
    for name, values in (("kind", request.kinds), ("sector", request.sectors), ("region", request.regions)):
        if values and name != leave_out:
            if name == "region":
                parts.append(Or([Term("region", v) for v in values] + [Term("national", True), Term("remote", True)]))
            else:
                parts.append(Or([Term(name, v) for v in values]))
    for flag in FLAGS:
        if getattr(request, flag):
            parts.append(Term(flag, True))
    if request.closing_within:
        parts.append(DateRange("closing", _start_of(today), _start_of(today + timedelta(days=request.closing_within))))
    if request.organisation_id is not None:
        parts.append(Term("organisation_id", str(request.organisation_id)))
    return And(parts)


def search_opportunities(request: SearchRequest, today: date) -> SearchResults | None:
    """The search page: keywords with stemming and synonyms, filters and their counts, highlights,
    four orders, pages, and a "did you mean" for misspellings. None when there is no index yet."""
    searcher = _searcher("opportunities")
    if searcher is None:
        return None
    query, parsed = _user_query(searcher, request.text)
    filter_query = _filter(request, today)
    facets = {name: sorting.FieldFacet(name, maptype=sorting.Count) for name in (*FACETS, *FLAGS)}
    home = geography.coordinates(request.near) if request.near else None
    page = max(1, request.page)
    if request.sort == "distance" and home is not None:
        everything = searcher.search(query, filter=filter_query, limit=1000, groupedby=facets)
        ordered = sorted(everything, key=lambda hit: _miles(home, hit) if _miles(home, hit) is not None else 1e9)
        total = len(everything)
        chosen = ordered[(page - 1) * PAGE_SIZE: page * PAGE_SIZE]
        groups_from = everything
    else:
        sortedby = {"closing": "closing", "newest": "published"}.get(request.sort)
        reverse = request.sort == "newest"
        results = searcher.search_page(query, page, pagelen=PAGE_SIZE, filter=filter_query, groupedby=facets,
                                       sortedby=sortedby, reverse=reverse, terms=True)
        total = results.total
        chosen = list(results)
        groups_from = results.results
    formatter = HtmlFormatter(tagname="mark", classname="fcw-match", between=" … ")
    hits = []
    for hit in chosen:
        highlight = None
        if parsed is not None:
            hit.results.formatter = formatter
            hit.results.fragmenter = ContextFragmenter(maxchars=160, surround=50)
            # Whoosh escapes the text it quotes and adds only its own <mark> tags.
            fragment = hit.highlights("description", top=2)
            highlight = Markup(fragment) if fragment else None  # noqa: S704 - escaped by Whoosh (tested)
        closing = hit.get("closing")
        hits.append(Hit(id=hit["id"], title=hit["title"], organisation=hit.get("organisation", ""),
                        kind=hit["kind"], sector=hit["sector"], region=hit["region"], town=hit.get("town") or "",
                        closing=None if closing is None or closing.year == 9999 else closing,
                        highlight=highlight, miles=_miles(home, hit) if home else None))
    facet_counts = {name: sorted(groups_from.groups(name).items(), key=lambda item: (-item[1], item[0]))
                    for name in FACETS}
    # Whoosh keeps booleans as the terms 't' and 'f'.
    flag_counts = {name: dict(groups_from.groups(name)).get("t", 0) for name in FLAGS}
    suggestion = _did_you_mean(searcher, request.text) if parsed is not None and total == 0 else None
    return SearchResults(hits=hits, total=total, page=page, pages=max(1, math.ceil(total / PAGE_SIZE)),
                         facets=facet_counts, flags=flag_counts, suggestion=suggestion,
                         near_unknown=bool(request.near) and home is None)


def _did_you_mean(searcher, text: str) -> str | None:
    """The query with each word the index has never seen replaced by the closest word it has."""
    corrector = searcher.corrector("spell")
    reader = searcher.reader()
    changed = False
    words = []
    for word in re.findall(r"\w+", text.lower())[:10]:
        if len(word) > 2 and (("spell", word) not in reader):
            suggestions = corrector.suggest(word, limit=1, maxdist=2)
            if suggestions:
                word, changed = suggestions[0], True
        words.append(word)
    return " ".join(words) if changed else None


def _searcher(name: str):
    """This thread's searcher, building the index first if the deployment has none yet."""
    searcher = store.searcher(name)
    if searcher is None:
        from marketplace.search.sync import ensure_index

        ensure_index()
        searcher = store.searcher(name)
    return searcher


def _miles(home, hit) -> float | None:
    lat, lon = hit.get("lat"), hit.get("lon")
    if home is None or lat is None or lon is None:
        return None
    return geography.miles_between(home, (lat, lon))


# Matching ---------------------------------------------------------------------------------------------------

SEEKER_FIELDS = {"title": 3.0, "description": 1.0, "criteria": 1.5}


def _place_filter(seeker: Seeker):
    """Where an opportunity must be for this person, coarsely: their region, national or remote, or
    (when they can travel a known distance from a known town) inside a box around home. Matching
    then checks the exact distance."""
    parts = [Term("national", True), Term("remote", True), Term("region", seeker.release_region)]
    home = seeker.home
    if home is not None and seeker.travel_miles:
        south, north, west, east = geography.bounding_box(home, seeker.travel_miles)
        parts.append(And([NumericRange("lat", south, north), NumericRange("lon", west, east)]))
    return Or(parts)


def opportunity_candidates(seeker: Seeker, today: date, limit: int = CANDIDATES) -> list[tuple[int, float]]:
    """(opportunity id, relevance scaled 0 to 1) for the open opportunities that might suit the person."""
    searcher = _searcher("opportunities")
    if searcher is None:
        return []
    interests = "\n".join(seeker.interests)
    query = text_query(seeker.query_text(), SEEKER_FIELDS)
    if interests:
        query = Or([query, text_query(interests, {"title": 4.0, "description": 1.0})])
    filter_query = And([_open_filter(today), _place_filter(seeker)])
    # Everything the person could take is a candidate; their words put the closest fits first.
    query = Every() if query is NullQuery else Or([query, Every(boost=0.001)])
    results = searcher.search(query, filter=filter_query, limit=limit)
    best = max((hit.score for hit in results), default=0) or 1.0
    return [(hit["id"], (hit.score or 0) / best) for hit in results]


def match_seeker(seeker: Seeker, today: date, limit: int = 20) -> list[Match]:
    """The opportunities this person can take, best first, each with its reasons."""
    from marketplace.opportunities.models import Opportunity

    candidates = opportunity_candidates(seeker, today)
    if not candidates:
        return []
    relevance = dict(candidates)
    rows = db.session.scalars(select(Opportunity).options(selectinload(Opportunity.organisation))
                              .where(Opportunity.id.in_(relevance))).all()
    matches = []
    for opportunity in rows:
        offer = Offer.from_opportunity(opportunity)
        if barriers(seeker, offer, today):
            continue
        matches.append(assess(seeker, offer, relevance.get(opportunity.id, 0.0), today))
    matches.sort(key=lambda m: (-m.score, m.offer.closing_date or date.max, m.offer.id))
    return matches[:limit]


PARTICIPANT_FIELDS = {"interests": 2.0, "profile": 1.0}


def people_for(opportunity, organisation_id: int, today: date, limit: int = 50) -> list[tuple[object, Match]]:
    """The people on one organisation's open caseload who can take `opportunity`, best first."""
    from marketplace.participants.models import Participant

    searcher = _searcher("participants")
    if searcher is None:
        return []
    offer = Offer.from_opportunity(opportunity)
    wanted = text_query(f"{offer.title}\n{offer.sector}\n{offer.criteria}", PARTICIPANT_FIELDS)
    query = Or([wanted, Every(boost=0.001)]) if wanted is not NullQuery else Every()
    filter_query = And([Term("organisation_id", str(organisation_id)), Term("status", "active")])
    results = searcher.search(query, filter=filter_query, limit=CANDIDATES)
    best = max((hit.score for hit in results), default=0) or 1.0
    relevance = {hit["id"]: (hit.score or 0) / best for hit in results}
    if not relevance:
        return []
    rows = db.session.scalars(select(Participant).where(
        Participant.id.in_(relevance), Participant.organisation_id == organisation_id)).all()
    found = []
    for person in rows:
        seeker = Seeker.from_participant(person)
        if barriers(seeker, offer, today):
            continue
        found.append((person, assess(seeker, offer, relevance[person.id], today)))
    found.sort(key=lambda pair: (-pair[1].score, pair[0].release_date or date.max))
    return found[:limit]
