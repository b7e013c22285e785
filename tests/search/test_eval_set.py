"""Matching against the labelled evaluation set: it never returns an opportunity a hard filter rules
out, and it ranks the right ones clearly better than a plain keyword (BM25) query does."""

from __future__ import annotations

from sqlalchemy import select

from marketplace.core import clock
from marketplace.extensions import db
from marketplace.participants.models import Participant
from marketplace.search.matching import Seeker
from marketplace.search.queries import match_seeker
from tests.search.eval import load_eval_set, load_into_database, ndcg_at


def baseline_ranking(seeker: Seeker, limit: int = 10) -> list[str]:
    """What an engineer might do instead: the person's words as a keyword query, BM25, no filters."""
    from whoosh import qparser
    from whoosh.query import Term

    from marketplace.opportunities.models import Opportunity
    from marketplace.search import index as store

    searcher = store.searcher("opportunities")
    parser = qparser.MultifieldParser(["title", "body"], searcher.schema, group=qparser.OrGroup)
    words = " ".join(seeker.interests + seeker.skills).replace(":", " ")
    hits = searcher.search(parser.parse(words), filter=Term("status", "open"), limit=limit)
    ids = [hit["id"] for hit in hits]
    references = dict(db.session.execute(select(Opportunity.id, Opportunity.external_id)
                                         .where(Opportunity.id.in_(ids))).all())
    return [references[i] for i in ids]


def test_no_ineligible_opportunity_is_ever_returned_and_the_matcher_beats_bm25(app):
    eval_set = load_eval_set()
    load_into_database(eval_set)
    today = clock.today()
    matcher_scores, baseline_scores = [], []
    for participant in db.session.scalars(select(Participant)):
        number = participant.participant_number
        seeker = Seeker.from_participant(participant)
        ranked = [m.offer.reference for m in match_seeker(seeker, today, limit=50)]
        ruled_out = set(ranked) & set(eval_set["ineligible"][number])
        assert not ruled_out, f"{number} was matched to ineligible {sorted(ruled_out)}"
        judged = eval_set["judgments"][number]
        matcher_scores.append(ndcg_at(ranked, judged))
        baseline_scores.append(ndcg_at(baseline_ranking(seeker), judged))
    matcher = sum(matcher_scores) / len(matcher_scores)
    baseline = sum(baseline_scores) / len(baseline_scores)
    assert matcher >= baseline + 0.15, (matcher, baseline)


def test_matching_in_small_rounds_finds_what_checking_every_candidate_finds(app, monkeypatch):
    # match_seeker stops reading candidates once no later round could beat the matches it has; the
    # estimate behind that must never be below a real score, or a better fit would be skipped.
    from marketplace.search import queries

    load_into_database(load_eval_set())
    today = clock.today()
    people = list(db.session.scalars(select(Participant)))

    def best_ten():
        return {person.id: [(m.offer.id, m.score) for m in match_seeker(Seeker.from_participant(person), today, 10)]
                for person in people}

    monkeypatch.setattr(queries, "CANDIDATES", 5)
    rounds_of_five = best_ten()
    monkeypatch.setattr(queries, "CANDIDATES", 1_000_000)
    everything = best_ten()
    assert any(rounds_of_five.values())
    assert rounds_of_five == everything


def test_the_index_never_rules_out_an_opportunity_the_hard_filters_allow(app):
    # The index narrows the candidates before the database checks every hard filter: if it ever
    # dropped one that the filters allow, matching would silently miss a fit.
    from marketplace.opportunities.models import Opportunity
    from marketplace.search import index as store
    from marketplace.search.arrays import arrays_for
    from marketplace.search.matching import Offer, barriers
    from marketplace.search.queries import _seeker_mask

    load_into_database(load_eval_set())
    today = clock.today()
    searcher = store.searcher("opportunities")
    view = arrays_for(searcher)
    docnum = {searcher.stored_fields(n)["id"]: n for n in range(view.size) if view.live[n]}
    offers = [Offer.from_opportunity(o) for o in db.session.scalars(select(Opportunity))]
    checked = 0
    for person in db.session.scalars(select(Participant)):
        seeker = Seeker.from_participant(person)
        allowed = _seeker_mask(view, seeker, today)
        for offer in offers:
            if not barriers(seeker, offer, today):
                checked += 1
                assert allowed[docnum[offer.id]], (person.participant_number, offer.reference)
    assert checked


def test_profiles_typed_in_a_hurry_are_still_matched_safely_and_better_than_bm25(app):
    """The hurried set: the same people in shorthand, slang and typos, judged as their clean twins.
    bench/relevance.py prints its nDCG@10 beside the clean set's."""
    from tests.search.eval import load_hurried_set

    eval_set, hurried_set = load_eval_set(), load_hurried_set()
    assert set(hurried_set["twin"].values()) == set(eval_set["judgments"])
    load_into_database(eval_set, hurried_set)
    today = clock.today()
    matcher_scores, baseline_scores = [], []
    for participant in db.session.scalars(select(Participant).where(Participant.participant_number.like("H%"))):
        twin = hurried_set["twin"][participant.participant_number]
        seeker = Seeker.from_participant(participant)
        assert seeker.sectors == []  # no sector was picked from the list
        ranked = [m.offer.reference for m in match_seeker(seeker, today, limit=50)]
        ruled_out = set(ranked) & set(eval_set["ineligible"][twin])
        assert not ruled_out, f"{participant.participant_number} was matched to ineligible {sorted(ruled_out)}"
        matcher_scores.append(ndcg_at(ranked, eval_set["judgments"][twin]))
        baseline_scores.append(ndcg_at(baseline_ranking(seeker), eval_set["judgments"][twin]))
    assert len(matcher_scores) == 40
    matcher = sum(matcher_scores) / len(matcher_scores)
    baseline = sum(baseline_scores) / len(baseline_scores)
    assert matcher >= baseline + 0.15, (matcher, baseline)
