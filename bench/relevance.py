"""How well matching ranks: nDCG@10 on the labelled evaluation set, for the matcher and for a plain
keyword (BM25) query over the same index. Run: `python -m bench.relevance` (or `make bench`)."""

from __future__ import annotations

from sqlalchemy import select

from bench.common import bench_app


def main() -> None:
    app, workdir, url = bench_app("relevance")
    with app.app_context():
        from marketplace.core import clock
        from marketplace.extensions import db
        from marketplace.participants.models import Participant
        from marketplace.search.matching import Seeker
        from marketplace.search.queries import match_seeker
        from tests.search.eval import load_eval_set, load_into_database, ndcg_at
        from tests.search.test_eval_set import baseline_ranking

        eval_set = load_eval_set()
        load_into_database(eval_set)
        today = clock.today()
        matcher, baseline, wrong = [], [], 0
        for participant in db.session.scalars(select(Participant)):
            judged = eval_set["judgments"][participant.participant_number]
            seeker = Seeker.from_participant(participant)
            ranked = [m.offer.reference for m in match_seeker(seeker, today, limit=50)]
            wrong += len(set(ranked) & set(eval_set["ineligible"][participant.participant_number]))
            matcher.append(ndcg_at(ranked, judged))
            baseline.append(ndcg_at(baseline_ranking(seeker), judged))
        print(f"evaluation set: {len(matcher)} participants, {len(eval_set['opportunities'])} opportunities "
              f"({url.split(':')[0]})")
        print(f"nDCG@10 matcher           {sum(matcher) / len(matcher):.3f}")
        print(f"nDCG@10 BM25 keyword only {sum(baseline) / len(baseline):.3f}")
        print(f"ineligible opportunities returned by the matcher: {wrong}")


if __name__ == "__main__":
    main()
