"""The index as arrays: filters as masks, facet counts as sums, relevance as vectorised BM25.

Whoosh answers a query by walking its posting lists one document at a time in Python. At 100,000
opportunities that costs tens of milliseconds per question, and the search page asks many questions
of the same data: which documents match, how many, how many per facet value, which are best. So
here each term's posting list is read once into NumPy arrays, a block at a time, and kept for as
long as its segment lives. A Whoosh segment never changes once written: an update adds a new
segment and marks the old document deleted, so a segment's arrays stay true until a merge replaces
the segment. Deletions are applied per searcher, from the segments' deletion sets.

Whoosh still owns the index — its analysers, its query parser, its segments and their deletions,
its spelling corrector and its highlighter. Scores are BM25 with no length normalisation (Whoosh's
BM25F with B=0): job adverts are of similar length, and it lets a term's score be computed from the
posting weights alone.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict

import numpy as np
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.matching.wrappers import FilterMatcher
from whoosh.query import And, AndMaybe, AndNot, Every, Not, NullQuery, Or, Term
from whoosh.reading import TermNotFound

K1 = 1.2  # BM25's term-frequency saturation, Whoosh's default
MAX_SEGMENTS = 64  # segments whose arrays are kept; an index has a handful, plus recently merged ones
MAX_TERMS = 20_000  # posting lists kept per segment, least recently used dropped first
MAX_MASKS = 300  # masks kept per searcher, each one byte per document (30 MB at 100,000)

_EMPTY_IDS = np.zeros(0, dtype=np.int64)
_EMPTY_WEIGHTS = np.zeros(0, dtype=np.float32)


class _SegmentArrays:
    """One segment's posting lists and columns, read on first use."""

    def __init__(self) -> None:
        self.postings: OrderedDict[tuple[str, object], tuple[np.ndarray, np.ndarray]] = OrderedDict()
        self.columns: dict[str, np.ndarray] = {}
        self.lock = threading.Lock()


_segments: OrderedDict[str, _SegmentArrays] = OrderedDict()
_segments_lock = threading.Lock()


def _segment_arrays(reader) -> _SegmentArrays:
    # Segment ids are random, so segments of different index directories never share an entry.
    key = reader.segment().segment_id()
    with _segments_lock:
        found = _segments.get(key)
        if found is None:
            found = _segments[key] = _SegmentArrays()
            while len(_segments) > MAX_SEGMENTS:
                _segments.popitem(last=False)
        else:
            _segments.move_to_end(key)
        return found


def read_postings(reader, field: str, text) -> tuple[np.ndarray, np.ndarray]:
    """Every document number (within the segment, deleted ones included) holding the term, and the
    term's weight (frequency) in each."""
    try:
        matcher = reader.postings(field, text)
    except TermNotFound:
        return _EMPTY_IDS, _EMPTY_WEIGHTS
    if isinstance(matcher, FilterMatcher):  # the reader's own deletion filter: deletions are applied later
        matcher = matcher.child
    ids: list = []
    weights: list = []
    if isinstance(matcher, W3LeafMatcher) and not matcher._byteids:
        # A block (up to 128 postings) at a time through the block reader of the pinned
        # whoosh-reloaded; tests/search/test_arrays.py checks it against the one-at-a-time path.
        while matcher.is_active():
            matcher._read_ids()
            matcher._read_weights()
            ids.append(np.asarray(matcher._ids, dtype=np.int64))
            weights.append(np.asarray(matcher._weights, dtype=np.float32))
            matcher._next_block()
        if not ids:
            return _EMPTY_IDS, _EMPTY_WEIGHTS
        return np.concatenate(ids), np.concatenate(weights)
    return read_postings_slowly(matcher)


def read_postings_slowly(matcher) -> tuple[np.ndarray, np.ndarray]:
    """The same, one posting at a time through Whoosh's public matcher interface."""
    ids, weights = [], []
    while matcher.is_active():
        ids.append(matcher.id())
        weights.append(matcher.weight())
        matcher.next()
    return np.asarray(ids, dtype=np.int64), np.asarray(weights, dtype=np.float32)


class IndexArrays:
    """Arrays over every document of one searcher (global document numbers, as Whoosh's)."""

    def __init__(self, searcher) -> None:
        self.searcher = searcher
        self.schema = searcher.schema
        self.size = searcher.doc_count_all()
        self._parts = []
        live = np.ones(self.size, dtype=bool)
        for leaf, offset in searcher.leaf_searchers():
            reader = leaf.reader()
            if reader.segment() is None:  # an index emptied by a reindex: Whoosh's EmptyReader, no documents
                continue
            self._parts.append((reader, offset, _segment_arrays(reader)))
            deleted = reader.deleted_docs_set
            if deleted:
                live[np.fromiter(deleted, dtype=np.int64, count=len(deleted)) + offset] = False
        self.live = live
        self.live_count = int(live.sum())
        self._postings: dict[tuple[str, object], tuple[np.ndarray, np.ndarray]] = {}
        self._masks: dict[object, np.ndarray] = {}
        self._columns: dict[str, np.ndarray] = {}
        self._lock = threading.Lock()

    # Reading -------------------------------------------------------------------------------------------

    def postings(self, field: str, text) -> tuple[np.ndarray, np.ndarray]:
        """Live documents holding the term, and its weight in each."""
        key = (field, text)
        found = self._postings.get(key)
        if found is not None:
            return found
        ids, weights = [], []
        for reader, offset, cached in self._parts:
            with cached.lock:
                part = cached.postings.get(key)
                if part is None:
                    part = cached.postings[key] = read_postings(reader, field, text)
                    while len(cached.postings) > MAX_TERMS:
                        cached.postings.popitem(last=False)
                else:
                    cached.postings.move_to_end(key)
            ids.append(part[0] + offset)
            weights.append(part[1])
        all_ids = np.concatenate(ids) if ids else _EMPTY_IDS
        all_weights = np.concatenate(weights) if weights else _EMPTY_WEIGHTS
        keep = self.live[all_ids]
        found = (all_ids[keep], all_weights[keep])
        with self._lock:
            if len(self._postings) >= MAX_TERMS:  # a searcher that lives long and sees many words
                self._postings.clear()
            self._postings[key] = found
        return found

    def mask(self, field: str, value) -> np.ndarray:
        """Live documents whose `field` holds `value`. Shared: never change it in place."""
        key = (field, value)
        found = self._masks.get(key)
        if found is None:
            found = np.zeros(self.size, dtype=bool)
            found[self.postings(field, value)[0]] = True
            self._remember(key, found)
        return found

    def any_of(self, field: str, values) -> np.ndarray:
        found = np.zeros(self.size, dtype=bool)
        for value in values:
            found |= self.mask(field, value)
        return found

    def cached(self, key, make) -> np.ndarray:
        """A mask worked out once per searcher by `make()`, e.g. "open on this day"."""
        found = self._masks.get(key)
        if found is None:
            found = make()
            self._remember(key, found)
        return found

    def _remember(self, key, mask: np.ndarray) -> None:
        with self._lock:
            if len(self._masks) >= MAX_MASKS:
                self._masks.clear()
            self._masks[key] = mask

    def column(self, field: str) -> np.ndarray:
        """A sortable field's value for every document as floats (NaN where a document has none).
        Dates come back as Whoosh's sortable numbers: compare them with `sortable(field, value)`."""
        found = self._columns.get(field)
        if found is not None:
            return found
        parts = []
        for reader, _offset, cached in self._parts:
            with cached.lock:
                part = cached.columns.get(field)
                if part is None:
                    part = cached.columns[field] = self._read_column(reader, field)
            parts.append(part)
        found = np.concatenate(parts) if parts else np.zeros(0)
        with self._lock:
            self._columns[field] = found
        return found

    def _read_column(self, reader, field: str) -> np.ndarray:
        count = reader.doc_count_all()
        if not reader.has_column(field):
            return np.full(count, np.nan)
        field_type = self.schema[field]
        translate = getattr(field_type, "numtype", None) is float
        values = reader.column_reader(field, translate=translate)
        found = np.fromiter((np.nan if value is None else value for value in values), dtype=np.float64, count=count)
        missing = getattr(field_type, "column_missing", None)
        if missing is not None:
            found[found == missing] = np.nan
        return found

    def sortable(self, field: str, value) -> float:
        return float(self.schema[field].to_column_value(value))

    # Queries ---------------------------------------------------------------------------------------------

    def idf(self, document_frequency: int) -> float:
        return math.log(1 + (self.live_count - document_frequency + 0.5) / (document_frequency + 0.5))

    def term_scores(self, field: str, text, boost: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
        ids, weights = self.postings(field, text)
        if not len(ids):
            return ids, weights
        boost *= getattr(self.schema[field], "field_boost", 1.0) if field in self.schema else 1.0
        return ids, (self.idf(len(ids)) * boost) * (weights * (K1 + 1) / (weights + K1))

    def evaluate(self, query) -> tuple[np.ndarray, np.ndarray]:
        """The live documents `query` matches (a mask) and their scores."""
        matched = np.zeros(self.size, dtype=bool)
        scores = np.zeros(self.size, dtype=np.float64)
        self._add(query, matched, scores)
        return matched, scores

    def _add(self, query, matched: np.ndarray, scores: np.ndarray) -> None:
        """Add `query`'s matches to `matched` and its scores to `scores`, in place."""
        if isinstance(query, Term):
            ids, values = self.term_scores(query.fieldname, query.text, query.boost)
            matched[ids] = True
            scores[ids] += values
        elif isinstance(query, Or):
            for sub in query.subqueries:
                self._add(sub, matched, scores)
        elif isinstance(query, And):
            parts = [self.evaluate(sub) for sub in query.subqueries]
            both = np.logical_and.reduce([mask for mask, _ in parts]) if parts else np.zeros(self.size, bool)
            matched |= both
            for _mask, part_scores in parts:
                scores += np.where(both, part_scores, 0.0)
        elif isinstance(query, AndNot):
            positive, positive_scores = self.evaluate(query.a)
            negative, _ = self.evaluate(query.b)
            keep = positive & ~negative
            matched |= keep
            scores += np.where(keep, positive_scores, 0.0)
        elif isinstance(query, AndMaybe):
            required, required_scores = self.evaluate(query.a)
            _optional, optional_scores = self.evaluate(query.b)
            matched |= required
            scores += np.where(required, required_scores + optional_scores, 0.0)
        elif isinstance(query, Not):
            inner, _ = self.evaluate(query.query)
            matched |= self.live & ~inner
        elif isinstance(query, Every):
            matched |= self.live
        elif query is NullQuery or isinstance(query, type(NullQuery)):
            return
        else:
            # Phrases and anything else the parser makes: Whoosh finds the documents, each scores its boost.
            ids = np.fromiter(self.searcher.docs_for_query(query), dtype=np.int64)
            ids = ids[self.live[ids]]
            matched[ids] = True
            scores[ids] += getattr(query, "boost", 1.0)


def arrays_for(searcher) -> IndexArrays:
    """The arrays of a searcher, made once: a searcher is replaced when its index changes."""
    found = getattr(searcher, "_fcw_arrays", None)
    if found is None:
        found = searcher._fcw_arrays = IndexArrays(searcher)
    return found


def best(candidates: np.ndarray, keys: list[np.ndarray], count: int) -> np.ndarray:
    """The `count` best of `candidates` (document numbers), ordered by `keys` — each an array over
    the candidates, lowest first, the first key deciding most — and then by document number, so
    pages never overlap. Only the few that can make the cut are fully sorted."""
    if len(candidates) > count and count > 0:
        first = keys[0]
        cut = np.partition(first, count - 1)[count - 1]
        keep = first <= cut
        candidates = candidates[keep]
        keys = [key[keep] for key in keys]
    order = np.lexsort([candidates, *reversed(keys)])
    return candidates[order][:count]
