"""Asking the index: the opportunity search page, and the candidate lists that matching ranks.

Everything here reads the index and then the database: the index finds and orders candidates
quickly, the database has the final word (matching re-checks every hard filter against the rows).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import numpy as np
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from whoosh import highlight as whoosh_highlight
from whoosh import qparser
from whoosh.highlight import ContextFragmenter, HtmlFormatter
from whoosh.query import Every, NullQuery, Or, Term

from marketplace.disclosure.models import CHECK_LEVELS
from marketplace.extensions import db
from marketplace.reference import REGIONS, SECTORS
from marketplace.search import geography
from marketplace.search import index as store
from marketplace.search.arrays import IndexArrays, arrays_for, best
from marketplace.search.matching import OUT_OF_REACH, WEIGHTS, Match, Offer, Seeker, assess, barriers
from marketplace.search.schema import COORDINATE_SCALE, NO_START_DATE, TEXT_ANALYZER, concepts_in

PAGE_SIZE = 20
CANDIDATES = 60  # opportunities re-checked against the database per round of matching
FACETS = ("kind", "sector", "region")
FLAGS = ("paid", "custody_ok", "guarantee")
SEARCHED_FIELDS = ["title", "body"]
KIND_VALUES = ("vacancy", "guaranteed_interview", "work_placement", "training", "volunteering")
FACET_VALUES = {"kind": KIND_VALUES, "sector": SECTORS, "region": REGIONS}


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min)


def _open_mask(view: IndexArrays, today: date) -> np.ndarray:
    """Open, with places left, and not past its closing date (rolling ones close in the far future)."""
    def make():
        closing = view.column("closing")
        return (view.mask("status", "open") & view.mask("has_places", True)
                & (closing >= view.sortable("closing", _start_of(today))))
    return view.cached(("open", today), make)


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


def _coordinates(view: IndexArrays) -> tuple[np.ndarray, np.ndarray]:
    """Every document's latitude and longitude in degrees (NaN where its town is not known)."""
    latitude = view.column("latitude")
    longitude = view.column("longitude")
    known = latitude > 0
    return (np.where(known, latitude / COORDINATE_SCALE - 90, np.nan),
            np.where(known, longitude / COORDINATE_SCALE - 180, np.nan))


def _miles_from(view: IndexArrays, home: tuple[float, float]) -> np.ndarray:
    """Great-circle miles from `home` to every document (NaN where not known), as geography does."""
    lat, lon = (np.radians(values) for values in _coordinates(view))
    home_lat, home_lon = math.radians(home[0]), math.radians(home[1])
    h = np.sin((lat - home_lat) / 2) ** 2 + math.cos(home_lat) * np.cos(lat) * np.sin((lon - home_lon) / 2) ** 2
    return 2 * geography.EARTH_RADIUS_MILES * np.arcsin(np.sqrt(h))


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
    exact: bool = False  # "Search instead for" what was typed: no spelling correction


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
    corrected: bool = False  # the results include the suggestion's words ("Showing results for")
    near_unknown: bool = False


def _parser(schema):
    # The title's weight is the schema's field boost.
    parser = qparser.MultifieldParser(SEARCHED_FIELDS, schema, group=qparser.OrGroup.factory(0.9))
    # People type words, not query syntax: no field names, wildcards or ranges.
    for plugin in (qparser.FieldsPlugin, qparser.WildcardPlugin, qparser.RangePlugin, qparser.BoostPlugin,
                   qparser.PlusMinusPlugin, qparser.GroupPlugin):
        parser.remove_plugin_class(plugin)
    return parser


def _plain_words(text: str):
    """The text as plain words in the searched fields, for text the parser cannot read."""
    parts = [Term(name, word) for word in _terms(text) for name in SEARCHED_FIELDS]
    return Or(parts) if parts else NullQuery


def _user_query(searcher, text: str):
    text = (text or "").strip()[:300]
    if not text:
        return Every(), None
    try:
        parsed = _parser(searcher.schema).parse(text)
    except Exception:  # noqa: BLE001 - Whoosh's parser raises on operator-only input ("NOT AND OR": IndexError)
        parsed = NullQuery
    if parsed is NullQuery or isinstance(parsed, type(NullQuery)):
        # Operators with nothing to join, a lone quote or bracket: people meant words, not syntax.
        parsed = _plain_words(text)
    concepts = [Term("concepts", concept, boost=2.0) for concept in concepts_in(text, query=True)]
    query = Or([parsed, *concepts]) if concepts else parsed
    return query, parsed


def _filter(view: IndexArrays, request: SearchRequest, today: date, *, leave_out: str | None = None) -> np.ndarray:
    """The documents the page's filters allow (all but `leave_out`'s, for that facet's counts)."""
    allowed = _open_mask(view, today)
    for name in FACETS:
        values = getattr(request, _PLURALS[name])
        if values and name != leave_out:
            chosen = view.any_of(name, values)
            if name == "region":
                chosen |= view.mask("national", True) | view.mask("remote", True)
            allowed = allowed & chosen
    for flag in FLAGS:
        if getattr(request, flag):
            allowed = allowed & view.mask(flag, True)
    if request.closing_within:
        end = view.sortable("closing", _start_of(today + timedelta(days=request.closing_within)))
        allowed = allowed & (view.column("closing") <= end)
    if request.organisation_id is not None:
        allowed = allowed & view.mask("organisation_id", str(request.organisation_id))
    return allowed


_PLURALS = {"kind": "kinds", "sector": "sectors", "region": "regions"}


def search_opportunities(request: SearchRequest, today: date) -> SearchResults | None:
    """One page of the search: the hits, the total, and a count beside each filter value. Returns
    None when the index is missing (the page then says search is unavailable)."""
    searcher = _searcher("opportunities")
    if searcher is None:
        return None
    view = arrays_for(searcher)
    suggestion = _did_you_mean(searcher, request.text) if (request.text or "").strip() else None
    corrected = suggestion is not None and not request.exact
    # A misspelt word is kept and its correction searched beside it, so "forklfit driver" finds
    # forklift drivers rather than only drivers.
    query, parsed = _user_query(searcher, f"{request.text} {suggestion}" if corrected else request.text)
    matched, scores = view.evaluate(query)
    allowed = _filter(view, request, today)
    found = matched & allowed
    candidates = np.flatnonzero(found)
    total = len(candidates)
    home = geography.coordinates(request.near) if request.near else None
    page = max(1, request.page)
    miles = _miles_from(view, home) if home is not None else None
    if request.sort == "distance" and miles is not None:
        keys = [np.nan_to_num(miles[candidates], nan=np.inf)]
    elif request.sort == "closing":
        keys = [view.column("closing")[candidates]]
    elif request.sort == "newest" or parsed is None:
        keys = [-view.column("published")[candidates]]
    else:
        keys = [-scores[candidates]]
    chosen = best(candidates, keys, page * PAGE_SIZE)[(page - 1) * PAGE_SIZE:]
    highlight_terms = {text for name, text in query.iter_all_terms() if name in ("title", "body")} \
        if parsed is not None else set()
    hits = [_hit(searcher.stored_fields(int(docnum)), highlight_terms,
                 None if miles is None or np.isnan(miles[docnum]) else float(miles[docnum])) for docnum in chosen]
    facet_counts = {}
    for name in FACETS:
        # Counted within the other filters, so ticking more values of the same filter is informative.
        within = found if not getattr(request, _PLURALS[name]) else matched & _filter(view, request, today,
                                                                                          leave_out=name)
        counted = [(value, int(np.count_nonzero(within & view.mask(name, value)))) for value in FACET_VALUES[name]]
        facet_counts[name] = sorted(((v, n) for v, n in counted if n), key=lambda item: (-item[1], item[0]))
    flag_counts = {name: int(np.count_nonzero(found & view.mask(name, True))) for name in FLAGS}
    return SearchResults(hits=hits, total=total, page=page, pages=max(1, math.ceil(total / PAGE_SIZE)),
                         facets=facet_counts, flags=flag_counts, suggestion=suggestion, corrected=corrected,
                         near_unknown=bool(request.near) and home is None)


def _hit(stored: dict, terms: set[str], miles: float | None) -> Hit:
    highlight = None
    if terms:
        # Whoosh escapes the text it quotes and adds only its own <mark> tags.
        fragment = whoosh_highlight.highlight(
            stored.get("description") or "", frozenset(terms), TEXT_ANALYZER,
            ContextFragmenter(maxchars=160, surround=50),
            HtmlFormatter(tagname="mark", classname="fcw-match", between=" … "), top=2)
        highlight = Markup(fragment) if fragment else None  # noqa: S704 - Whoosh escapes it (tested)  # nosec B704
    closing = stored.get("closing")
    return Hit(id=stored["id"], title=stored["title"], organisation=stored.get("organisation", ""),
               kind=stored["kind"], sector=stored["sector"], region=stored["region"], town=stored.get("town") or "",
               closing=None if closing is None or closing.year == 9999 else closing, highlight=highlight,
               miles=miles)


def _did_you_mean(searcher, text: str) -> str | None:
    """The query with each word the index has never seen replaced by the closest word it has, or
    None when every word is known (or nothing close is)."""
    corrector = searcher.corrector("spell")
    reader = searcher.reader()
    changed = False
    words = []
    for word in re.findall(r"\w+", text.lower())[:10]:
        # A trade's abbreviation ("flt", "cscs") is a word people mean, even where no advert uses it.
        if len(word) > 2 and not word.isdigit() and ("spell", word) not in reader and not concepts_in(word):
            candidates = corrector.suggest(word, limit=8, maxdist=2)
            if candidates:
                word, changed = min(candidates, key=lambda known: _closeness(word, known, reader)), True
        words.append(word)
    return " ".join(words) if changed else None


def _closeness(typed: str, known: str, reader) -> tuple:
    """How likely `known` is what was meant by `typed`: fewest edits counting a swap of two letters
    as one ("forklfit"), then a word the typing left letters out of ("cleanr" is in "cleaner", not in
    "clear": dropped letters are the commonest slip), then the word more documents use."""
    return (_edits(typed, known), not _letters_in_order(typed, known), -reader.doc_frequency("spell", known), known)


def _letters_in_order(typed: str, known: str) -> bool:
    letters = iter(known)
    return all(letter in letters for letter in typed)


def _edits(a: str, b: str) -> int:
    """Damerau-Levenshtein distance (optimal string alignment)."""
    previous_row = None
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        before, previous_row, row = previous_row, row, [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            row[j] = min(previous_row[j] + 1, row[j - 1] + 1, previous_row[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                row[j] = min(row[j], before[j - 2] + 1)
    return row[len(b)]


def _searcher(name: str):
    """This thread's searcher, building the index first if the deployment has none yet."""
    searcher = store.searcher(name)
    if searcher is None:
        from marketplace.search.sync import ensure_index

        ensure_index()
        searcher = store.searcher(name)
    return searcher


# Matching ---------------------------------------------------------------------------------------------------

def _seeker_mask(view: IndexArrays, seeker: Seeker, today: date) -> np.ndarray:
    """Open opportunities this person could take, as far as the index can tell: in their release
    region, national or remote, or within their travel distance of home; none of their offence
    categories excluded; no work with children or vulnerable adults if they are barred from it; and
    "prison leavers only" respected. The database then checks every hard filter again."""
    allowed = _open_mask(view, today)
    places = view.mask("region", seeker.release_region) | view.mask("national", True) | view.mask("remote", True)
    home = seeker.home
    if home is not None and seeker.travel_miles:
        places = places | view.cached(("within", home, seeker.travel_miles),
                                      lambda: _miles_from(view, home) <= seeker.travel_miles)
    allowed = allowed & places
    if seeker.in_custody(today):
        allowed = allowed & view.cached(("timing", seeker.release_date, seeker.rotl_from, today),
                                        lambda: _timing_mask(view, seeker, today))
    if seeker.check_sensitive:
        # Per check level, only the offences that check would show count against the person.
        for level in CHECK_LEVELS:
            shown = seeker.offence_categories_for(level)
            if shown:
                allowed = allowed & ~(view.mask("check_level", level)
                                      & view.any_of("exclusions", [c.lower() for c in shown]))
    elif seeker.offence_categories:
        allowed = allowed & ~view.any_of("exclusions", [c.lower() for c in seeker.offence_categories])
    if seeker.no_work_with_children:
        allowed = allowed & ~view.mask("children", True)
    if seeker.no_work_with_vulnerable_adults:
        allowed = allowed & ~view.mask("vulnerable_adults", True)
    if not seeker.prison_leaver:
        allowed = allowed & ~view.mask("leavers_only", True)
    return allowed


def _timing_mask(view: IndexArrays, seeker: Seeker, today: date) -> np.ndarray:
    """For someone still in prison, as `matching.barriers` decides it: the opportunity starts after
    their release (or, with no start date, is still open on that day), or they can take it on ROTL
    by the time it starts and it accepts people in custody."""
    starts, closing = view.column("starts"), view.column("closing")
    has_start = starts > view.sortable("starts", NO_START_DATE)
    release = seeker.release_date
    if release is None:
        after_release = np.zeros(view.size, dtype=bool)
    else:
        on_release = _start_of(release)
        after_release = np.where(has_start, starts >= view.sortable("starts", on_release),
                                 closing >= view.sortable("closing", on_release))
    if seeker.rotl_from is None:
        return after_release
    rotl_by_start = (seeker.rotl_from <= today) | (
        has_start & (starts >= view.sortable("starts", _start_of(seeker.rotl_from))))
    return after_release | (view.mask("custody_ok", True) & rotl_by_start)


def _seeker_query(seeker: Seeker):
    """The person's own words, what they want weighted above what they have done."""
    wanted = _terms("\n".join(seeker.interests), limit=8)
    bring = [word for word in _terms(seeker.query_text(), limit=20) if word not in wanted][:8]
    parts = [Term(name, word, boost=boost) for word in wanted for name, boost in (("title", 1.0), ("body", 1.0))]
    parts += [Term("body", word, boost=0.6) for word in bring]
    parts += [Term("concepts", concept, boost=2.0) for concept in concepts_in(seeker.query_text())]
    return Or(parts) if parts else NullQuery


# `assess` finds skills and qualifications named anywhere in an opportunity's text; the index sees
# whole words. The rare phrase found inside other words ("art" in "start") can lift a score above its
# estimate by at most this much before the rounds stop.
ESTIMATE_SLACK = 0.02


def _all_words(view: IndexArrays, field: str, phrase: str) -> np.ndarray:
    words = _terms(phrase, limit=6)
    if not words:
        return np.zeros(view.size, dtype=bool)
    return np.logical_and.reduce([view.mask(field, word) for word in words])


def _seeker_estimate(view: IndexArrays, seeker: Seeker, relevance: np.ndarray) -> np.ndarray:
    """For every document at once, at least the score `matching.assess` will give it (weights as in
    matching.WEIGHTS), so candidates are read from the database best first and the rounds can stop
    once no later one could beat the matches found."""
    size = view.size
    estimate = WEIGHTS["text"] * np.clip(relevance, 0.0, 1.0)
    if seeker.sectors:
        estimate += WEIGHTS["sector"] * view.any_of("sector", seeker.sectors)
    job = np.zeros(size, dtype=bool)
    for name, concepts in seeker.job_concepts.items():
        job |= view.any_of("concepts", sorted(concepts)) | _all_words(view, "title", name)
    estimate += WEIGHTS["job"] * job
    # assess gives full marks for two matched skills and half for one: count them per document.
    skills = np.zeros(size, dtype=np.int16)
    for name, concepts in seeker.skill_concepts.items():
        skills += view.any_of("concepts", sorted(concepts)) | _all_words(view, "body", name)
    estimate += WEIGHTS["skills"] * np.minimum(1.0, skills / 2)
    qualification = np.zeros(size, dtype=bool)
    for held in seeker.qualifications:  # named by the opportunity only, as matching.assess
        if held.get("title"):
            qualification |= _all_words(view, "body", held["title"])
    estimate += WEIGHTS["qualification"] * qualification
    goal = np.zeros(size, dtype=bool)
    if seeker.goal_sectors:
        goal |= view.any_of("sector", seeker.goal_sectors)
    if seeker.goal_concepts:
        goal |= view.any_of("concepts", sorted(seeker.goal_concepts))
    estimate += WEIGHTS["goal"] * goal
    estimate += _place_scores(view, seeker)
    return estimate + WEIGHTS["guarantee"] * view.mask("kind", "guaranteed_interview")


def _place_scores(view: IndexArrays, seeker: Seeker) -> np.ndarray:
    """`matching.reach` for every document at once."""
    remote, national = view.mask("remote", True), view.mask("national", True)
    in_region = view.mask("region", seeker.release_region)
    local = np.where(in_region, WEIGHTS["place"] / 2, 0.0)
    national_reach = np.where(in_region, WEIGHTS["place"] / 2, OUT_OF_REACH)
    home = seeker.home
    if home is not None:
        miles = _miles_from(view, home)
        closeness = (np.clip(1 - miles / max(1, seeker.travel_miles), 0.0, 1.0) if seeker.travel_miles
                     else np.ones(view.size))
        local = np.where(np.isnan(miles), local, WEIGHTS["place"] * np.nan_to_num(closeness))
        if seeker.travel_miles is None:
            within = ~np.isnan(miles)
        else:
            within = np.nan_to_num(miles, nan=np.inf) <= seeker.travel_miles
        national_reach = np.where(np.isnan(miles), national_reach,
                                  np.where(within, WEIGHTS["place"] / 2, OUT_OF_REACH))
    return np.where(remote, WEIGHTS["place"], np.where(national, national_reach, local))


@dataclass
class CandidateRound:
    opportunities: list[tuple[int, float]]  # (id, relevance scaled 0 to 1)
    ceiling: float  # no opportunity in this round or later can score above this


def opportunity_candidates(seeker: Seeker, today: date) -> Iterator[CandidateRound]:
    """Rounds of the open opportunities that might suit the person, most promising first. Every
    opportunity the index allows comes in some round, so a caller that keeps asking never misses a
    possible fit."""
    searcher = _searcher("opportunities")
    if searcher is None:
        return
    view = arrays_for(searcher)
    candidates = np.flatnonzero(_seeker_mask(view, seeker, today))
    if not len(candidates):
        return
    query = _seeker_query(seeker)
    text = view.evaluate(query)[1] if query is not NullQuery else np.zeros(view.size)
    relevance = text / (text[candidates].max(initial=0.0) or 1.0)
    estimate = _seeker_estimate(view, seeker, relevance)
    order = best(candidates, [-estimate[candidates]], len(candidates))
    for start in range(0, len(order), CANDIDATES):
        chunk = order[start:start + CANDIDATES]
        yield CandidateRound([(searcher.stored_fields(int(docnum))["id"], float(relevance[docnum]))
                              for docnum in chunk], float(estimate[chunk[0]]) + ESTIMATE_SLACK)


def match_seeker(seeker: Seeker, today: date, limit: int = 20) -> list[Match]:
    """The opportunities this person can take, best first, each with its reasons. The index proposes
    candidates in rounds; the database has the final word on every hard filter."""
    from marketplace.opportunities.models import Opportunity

    matches: list[Match] = []
    for candidates in opportunity_candidates(seeker, today):
        if len(matches) >= limit and candidates.ceiling < matches[limit - 1].score:
            break
        relevance = dict(candidates.opportunities)
        rows = db.session.scalars(select(Opportunity).options(selectinload(Opportunity.organisation))
                                  .where(Opportunity.id.in_(relevance))).all()
        for opportunity in rows:
            offer = Offer.from_opportunity(opportunity)
            if not barriers(seeker, offer, today):
                matches.append(assess(seeker, offer, relevance[opportunity.id], today))
        matches.sort(key=lambda m: (-m.score, m.offer.closing_date or date.max, m.offer.id))
    return matches[:limit]


PARTICIPANT_FIELDS = {"interests": 2.0, "profile": 1.0}


def people_for(opportunity, organisation_id: int, today: date, limit: int = 50) -> list[tuple[object, Match]]:
    """The people on one organisation's open caseload who can take `opportunity`, best first."""
    from marketplace.disclosure.operations import convictions_of_many
    from marketplace.participants.models import CaseStatus, Participant

    searcher = _searcher("participants")
    if searcher is None:
        return []
    offer = Offer.from_opportunity(opportunity)
    view = arrays_for(searcher)
    candidates = np.flatnonzero(view.mask("organisation_id", str(organisation_id)) & view.mask("status", "active"))
    if not len(candidates):
        return []
    wanted = text_query(f"{offer.title}\n{offer.sector}\n{offer.criteria}", PARTICIPANT_FIELDS)
    text = view.evaluate(wanted)[1] if wanted is not NullQuery else np.zeros(view.size)
    # A caseload is at most a few hundred people: every one of them is checked.
    relevance = {searcher.stored_fields(int(docnum))["id"]: float(text[docnum])
                 for docnum in best(candidates, [-text[candidates]], len(candidates))}
    top = max(relevance.values(), default=0.0) or 1.0
    relevance = {person_id: score / top for person_id, score in relevance.items()}
    # The database has the final word, as for opportunities: a case closed a moment ago may still be
    # in an index that has not yet applied the change.
    rows = db.session.scalars(select(Participant).where(
        Participant.id.in_(relevance), Participant.organisation_id == organisation_id,
        Participant.status == CaseStatus.ACTIVE)).all()
    convictions = convictions_of_many(person.id for person in rows)
    found = []
    for person in rows:
        seeker = Seeker.from_participant(person, convictions.get(person.id, []))
        if barriers(seeker, offer, today):
            continue
        found.append((person, assess(seeker, offer, relevance[person.id], today)))
    found.sort(key=lambda pair: (-pair[1].score, pair[0].release_date or date.max))
    return found[:limit]
