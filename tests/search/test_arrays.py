"""The index as arrays must agree with Whoosh itself: the same documents for every query, none that
is deleted, and the same postings whichever way they are read."""

from __future__ import annotations

import random

import numpy as np
import pytest
from whoosh import index as whoosh_index
from whoosh import qparser
from whoosh.fields import BOOLEAN, ID, TEXT, Schema
from whoosh.query import And, AndNot, Every, Not, Or, Phrase, Term

from marketplace.search.arrays import arrays_for, best, read_postings, read_postings_slowly
from marketplace.search.schema import TEXT_ANALYZER

WORDS = ["chef", "kitchen", "porter", "forklift", "warehouse", "cleaner", "labourer", "barista", "welder", "driver",
         "retail", "care", "security", "painter", "decorator", "gardener", "caretaker", "cook", "catering",
         "logistics", "picker", "packer"]


@pytest.fixture
def index(tmp_path):
    """An index of three segments (never merged), with deletions and an updated document."""
    schema = Schema(key=ID(unique=True, stored=True), body=TEXT(analyzer=TEXT_ANALYZER), region=ID(stored=True),
                    paid=BOOLEAN(stored=True))
    ix = whoosh_index.create_in(str(tmp_path), schema)
    rng = random.Random(7)
    number = 0
    for _segment in range(3):
        writer = ix.writer()
        for _ in range(400):  # more than one posting block (128) for the common words
            words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 12)))
            writer.add_document(key=str(number), body=words, region=rng.choice(["North West", "London"]),
                                paid=rng.random() < 0.5)
            number += 1
        writer.commit(merge=False)
    writer = ix.writer()
    for key in ("3", "450", "999"):
        writer.delete_by_term("key", key)
    writer.update_document(key="10", body=" ".join(["forklift"] * 8), region="London", paid=True)
    writer.commit(merge=False)
    return ix


def test_the_block_reader_reads_what_the_matcher_interface_reads(index):
    with index.searcher() as searcher:
        for leaf, _offset in searcher.leaf_searchers():
            reader = leaf.reader()
            for word in ("forklift", "chef", "porter", "nosuchword"):  # stems already
                ids, weights = read_postings(reader, "body", word)
                slow_ids, slow_weights = (read_postings_slowly(reader.postings("body", word))
                                          if ("body", word) in reader else (np.zeros(0), np.zeros(0)))
                # The slow path is filtered by the reader's deletions; the block reader keeps them.
                deleted = reader.deleted_docs_set
                kept = np.array([docnum not in deleted for docnum in ids], dtype=bool)
                assert ids[kept].tolist() == slow_ids.tolist()
                assert weights[kept].tolist() == slow_weights.tolist()


def whoosh_docs(searcher, query) -> list[int]:
    return sorted(searcher.docs_for_query(query))


@pytest.mark.parametrize("text", ["forklift", "chef OR porter", "chef AND porter", "warehouse NOT picker",
                                  '"kitchen porter"', "cooking", "nosuchword", "chef porter welder"])
def test_arrays_find_the_documents_whoosh_finds(index, text):
    with index.searcher() as searcher:
        parser = qparser.QueryParser("body", index.schema)
        query = parser.parse(text)
        matched, scores = arrays_for(searcher).evaluate(query)
        assert np.flatnonzero(matched).tolist() == whoosh_docs(searcher, query)
        assert (scores[matched] > 0).all() or text == "nosuchword"


def test_filters_and_structure(index):
    with index.searcher() as searcher:
        view = arrays_for(searcher)
        london, chef = Term("region", "London"), Term("body", "chef")
        for query in (And([london, Term("paid", True)]), Or([london, chef]), Not(london), Every(),
                      Phrase("body", ["kitchen", "porter"])):
            assert np.flatnonzero(view.evaluate(query)[0]).tolist() == whoosh_docs(searcher, query), query
        # Whoosh's own AndNot matcher (whoosh-reloaded 2.7.5) returns a London document here when the
        # segments are not merged, so the expectation is worked out from the two terms instead.
        expected = sorted(set(whoosh_docs(searcher, chef)) - set(whoosh_docs(searcher, london)))
        assert np.flatnonzero(view.evaluate(AndNot(chef, london))[0]).tolist() == expected
        assert view.live_count == searcher.doc_count() == 1200 - 3
        assert np.count_nonzero(view.mask("region", "London")) == len(whoosh_docs(searcher, Term("region", "London")))


def test_deleted_and_replaced_documents_never_come_back(index):
    with index.searcher() as searcher:
        view = arrays_for(searcher)
        keys = {searcher.stored_fields(int(d))["key"] for d in np.flatnonzero(view.evaluate(Every())[0])}
        assert {"3", "450", "999"}.isdisjoint(keys)
        forklift = [searcher.stored_fields(int(d))["key"] for d in np.flatnonzero(view.mask("body", "forklift"))]
        assert forklift.count("10") == 1  # the new version only


def test_relevance_puts_the_document_with_more_of_the_word_and_rarer_words_first(index):
    with index.searcher() as searcher:
        view = arrays_for(searcher)
        matched, scores = view.evaluate(Term("body", "forklift"))
        top = best(np.flatnonzero(matched), [-scores[matched]], 1)[0]
        assert searcher.stored_fields(int(top))["key"] == "10"  # eight times: more than any random one


def test_best_orders_by_keys_then_document_number_and_pages_never_overlap():
    candidates = np.arange(50)
    keys = [np.array([i % 5 for i in range(50)], dtype=float)]
    first = best(candidates, keys, 10).tolist()
    both = best(candidates, keys, 20).tolist()
    assert first == [0, 5, 10, 15, 20, 25, 30, 35, 40, 45]
    assert both[:10] == first and len(set(both)) == 20
