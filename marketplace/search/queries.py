"""Asking the index: the opportunity search page, and the candidate lists that matching ranks.

Everything here reads the index and then the database: the index finds and orders candidates
quickly, the database has the final word (matching re-checks every hard filter against the rows).
"""

from __future__ import annotations

import dataclasses
import math
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from whoosh import qparser
from whoosh.highlight import ContextFragmenter, HtmlFormatter
from whoosh.query import And, DateRange, Every, NullQuery, NumericRange, Or, Term
from whoosh.query.compound import DefaultOr

from marketplace.extensions import db
from marketplace.reference import REGIONS, SECTORS
from marketplace.search import geography
from marketplace.search import index as store
from marketplace.search.matching import Match, Offer, Seeker, assess, barriers
from marketplace.search.schema import TEXT_ANALYZER, concepts_in

PAGE_SIZE = 20
CANDIDATES = 120
FACETS = ("kind", "sector", "region")
FLAGS = ("paid", "custody_ok", "guarantee")
SEARCHED_FIELDS = ["title", "description", "criteria", "organisation"]


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min)


def _docset(searcher, key, make_query) -> set[int]:
    """The documents a filter query matches, computed once per searcher: a searcher is replaced when
    the index changes, so these sets can never be stale. Filters are the same for every search and
    recomputing them each time costs more than the search itself. Callers combine these sets with
    `&` and `|` (new sets) and never change them in place."""
    cache = getattr(searcher, "_fcw_docsets", None)
    if cache is None:
        cache = searcher._fcw_docsets = {}
    found = cache.get(key)
    if found is None:
        found = cache[key] = set(searcher.docs_for_query(make_query()))
    return found


def _open_docs(searcher, today: date) -> set[int]:
    return _docset(searcher, ("open", today), lambda: _open_filter(today))


def _value_docs(searcher, field_name: str, value) -> set[int]:
    return _docset(searcher, (field_name, value), lambda: Term(field_name, value))


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


def _filter(searcher, request: SearchRequest, today: date) -> set[int]:
    """The documents the page's filters allow, from cached sets."""
    allowed = _open_docs(searcher, today)
    for name, values in (("kind", request.kinds), ("sector", request.sectors), ("region", request.regions)):
        if values:
            chosen = set().union(*(_value_docs(searcher, name, value) for value in values))
            if name == "region":
                chosen |= _value_docs(searcher, "national", True) | _value_docs(searcher, "remote", True)
            allowed = allowed & chosen
    for flag in FLAGS:
        if getattr(request, flag):
            allowed = allowed & _value_docs(searcher, flag, True)
    if request.closing_within:
        end = _start_of(today + timedelta(days=request.closing_within))
        allowed = allowed & _docset(searcher, ("closing", today, end),
                                    lambda: DateRange("closing", _start_of(today), end))
    if request.organisation_id is not None:
        allowed = allowed & _value_docs(searcher, "organisation_id", str(request.organisation_id))
    return allowed


def search_opportunities(request: SearchRequest, today: date) -> SearchResults | None:
    """The search page: keywords with stemming and synonyms, filters and their counts, highlights,
    four orders, pages, and a "did you mean" for misspellings. None when there is no index yet."""
    searcher = _searcher("opportunities")
    if searcher is None:
        return None
    query, parsed = _user_query(searcher, request.text)
    allowed = _filter(searcher, request, today)
    home = geography.coordinates(request.near) if request.near else None
    page = max(1, request.page)
    if request.sort == "distance" and home is not None:
        everything = searcher.search(query, filter=allowed, limit=1000, terms=True)
        ordered = sorted(everything, key=lambda hit: _miles(home, hit) if _miles(home, hit) is not None else 1e9)
        chosen = ordered[(page - 1) * PAGE_SIZE: page * PAGE_SIZE]
        matched = set(hit.docnum for hit in everything) if parsed is not None else allowed
    else:
        sortedby = {"closing": "closing", "newest": "published"}.get(request.sort)
        results = searcher.search(query, filter=allowed, limit=page * PAGE_SIZE, sortedby=sortedby,
                                  reverse=request.sort == "newest", terms=True)
        chosen = list(results)[(page - 1) * PAGE_SIZE:]
        # Every document the query matches within the filters, for the counts beside each filter.
        matched = allowed if parsed is None else set(results.docs())
    total = len(matched)
    hits = [_hit(hit, parsed, home) for hit in chosen]
    facet_counts = {}
    for name in FACETS:
        values = {"kind": KIND_VALUES, "sector": SECTORS, "region": REGIONS}[name]
        # Counts within the other filters, so ticking more values of the same filter is informative.
        within = matched if not getattr(request, _PLURALS[name]) else _without(searcher, request, today, name,
                                                                                parsed, query)
        counted = [(value, len(within & _value_docs(searcher, name, value))) for value in values]
        facet_counts[name] = sorted(((v, n) for v, n in counted if n), key=lambda item: (-item[1], item[0]))
    flag_counts = {name: len(matched & _value_docs(searcher, name, True)) for name in FLAGS}
    suggestion = _did_you_mean(searcher, request.text) if parsed is not None and total == 0 else None
    return SearchResults(hits=hits, total=total, page=page, pages=max(1, math.ceil(total / PAGE_SIZE)),
                         facets=facet_counts, flags=flag_counts, suggestion=suggestion,
                         near_unknown=bool(request.near) and home is None)


_PLURALS = {"kind": "kinds", "sector": "sectors", "region": "regions"}
KIND_VALUES = ("vacancy", "guaranteed_interview", "work_placement", "training", "volunteering")


def _without(searcher, request: SearchRequest, today: date, facet: str, parsed, query) -> set[int]:
    """What the query matches with every filter except `facet`'s own."""
    loosened = dataclasses.replace(request, **{_PLURALS[facet]: []})
    allowed = _filter(searcher, loosened, today)
    if parsed is None:
        return allowed
    return allowed & set(searcher.docs_for_query(query))


def _hit(hit, parsed, home) -> Hit:
    highlight = None
    if parsed is not None:
        hit.results.formatter = HtmlFormatter(tagname="mark", classname="fcw-match", between=" … ")
        hit.results.fragmenter = ContextFragmenter(maxchars=160, surround=50)
        fragment = hit.highlights("description", top=2)
        highlight = Markup(fragment) if fragment else None  # noqa: S704 - escaped by Whoosh (tested)
    closing = hit.get("closing")
    return Hit(id=hit["id"], title=hit["title"], organisation=hit.get("organisation", ""), kind=hit["kind"],
               sector=hit["sector"], region=hit["region"], town=hit.get("town") or "",
               closing=None if closing is None or closing.year == 9999 else closing, highlight=highlight,
               miles=_miles(home, hit) if home else None)


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

def _seeker_docs(searcher, seeker: Seeker, today: date) -> set[int]:
    """Open opportunities where this person could work, coarsely: their region, national or remote,
    or (when they can travel a known distance from a known town) inside a box around home. Matching
    then checks the exact distance against the database."""
    places = (_value_docs(searcher, "region", seeker.release_region) | _value_docs(searcher, "national", True)
              | _value_docs(searcher, "remote", True))
    home = seeker.home
    if home is not None and seeker.travel_miles:
        south, north, west, east = geography.bounding_box(home, seeker.travel_miles)
        places = places | _docset(searcher, ("box", home, seeker.travel_miles), lambda: And([
            NumericRange("lat", south, north), NumericRange("lon", west, east)]))
    return _open_docs(searcher, today) & places


def _seeker_query(seeker: Seeker):
    """The person's own words, what they want weighted above what they have done."""
    wanted = _terms("\n".join(seeker.interests), limit=8)
    bring = [word for word in _terms(seeker.query_text(), limit=20) if word not in wanted][:8]
    parts = [Term(name, word, boost=boost) for word in wanted for name, boost in (("title", 3.0), ("body", 1.0))]
    parts += [Term("body", word, boost=0.6) for word in bring]
    parts += [Term("concepts", concept, boost=2.0) for concept in concepts_in(seeker.query_text())]
    return Or(parts) if parts else NullQuery


def _fill(searcher, ranked: list[tuple[int, float]], allowed: set[int], limit: int) -> list[tuple[int, float]]:
    """Everything allowed is a candidate; the words only order them. When fewer than `limit` matched
    the words, add other allowed documents (with no word score) so no possible fit is missed."""
    if len(ranked) >= limit:
        return ranked
    seen = {record_id for record_id, _score in ranked}
    for docnum in sorted(allowed):
        record_id = searcher.stored_fields(docnum)["id"]
        if record_id not in seen:
            ranked.append((record_id, 0.0))
            if len(ranked) >= limit:
                break
    return ranked


def _scores(searcher, query, docnums: list[int]) -> dict[int, float]:
    """The relevance of `query` for just these documents: each segment's matcher skips from one to the
    next instead of walking every posting, which is what makes scoring a few hundred fast on a large
    index."""
    scores: dict[int, float] = {}
    wanted = sorted(docnums)
    context = searcher.context()
    if isinstance(query, Or):
        # A plain union of matchers that skip; Whoosh's default for big ORs preloads every posting
        # of the rarer words into arrays, which costs more than the few documents we score.
        query = DefaultOr(query.subqueries, boost=query.boost)
    for leaf, offset in searcher.leaf_searchers():
        end = offset + leaf.doc_count_all()
        local = [docnum - offset for docnum in wanted if offset <= docnum < end]
        if not local:
            continue
        matcher = query.matcher(leaf, context)
        for docnum in local:
            if not matcher.is_active():
                break
            if matcher.id() < docnum:
                matcher.skip_to(docnum)
                if not matcher.is_active():
                    break
            if matcher.id() == docnum:
                scores[docnum + offset] = matcher.score()
    return scores


def opportunity_candidates(seeker: Seeker, today: date, limit: int = CANDIDATES) -> list[tuple[int, float]]:
    """(opportunity id, relevance scaled 0 to 1) for the open opportunities that might suit the person.

    Candidates come first from what the person wants (their sectors, and the synonym groups of the jobs
    and skills they name), found by set arithmetic on cached filters; only those are scored against
    the person's words. If that gives too few, the best of everything else allowed is added."""
    searcher = _searcher("opportunities")
    if searcher is None:
        return []
    allowed = _seeker_docs(searcher, seeker, today)
    if not allowed:
        return []
    focus: set[int] = set()
    for sector in seeker.sectors:
        focus = focus | _value_docs(searcher, "sector", sector)
    for concepts in (*seeker.job_concepts.values(), *seeker.skill_concepts.values()):
        for concept in concepts:
            focus = focus | _value_docs(searcher, "concepts", concept)
    pool = allowed & focus
    query = _seeker_query(seeker)
    scores = _scores(searcher, query, list(pool)) if query is not NullQuery else {}
    ranked_docs = sorted(pool, key=lambda docnum: (-scores.get(docnum, 0.0), docnum))[:limit]
    if len(ranked_docs) < limit and query is not NullQuery:
        rest = allowed - pool
        for hit in searcher.search(query, filter=rest, limit=limit - len(ranked_docs)):
            scores[hit.docnum] = hit.score
            ranked_docs.append(hit.docnum)
    best = max((scores.get(docnum, 0.0) for docnum in ranked_docs), default=0.0) or 1.0
    ranked = [(searcher.stored_fields(docnum)["id"], scores.get(docnum, 0.0) / best) for docnum in ranked_docs]
    return _fill(searcher, ranked, allowed, limit)


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
    allowed = _value_docs(searcher, "organisation_id", str(organisation_id)) & _value_docs(searcher, "status", "active")
    wanted = text_query(f"{offer.title}\n{offer.sector}\n{offer.criteria}", PARTICIPANT_FIELDS)
    ranked: list[tuple[int, float]] = []
    if wanted is not NullQuery and allowed:
        results = searcher.search(wanted, filter=allowed, limit=CANDIDATES)
        best = max((hit.score for hit in results), default=0) or 1.0
        ranked = [(hit["id"], (hit.score or 0) / best) for hit in results]
    relevance = dict(_fill(searcher, ranked, allowed, CANDIDATES))
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
