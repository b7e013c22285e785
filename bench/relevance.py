"""How well matching ranks: nDCG@10 on the labelled evaluation set, for the matcher and for a plain
keyword (BM25) query over the same index, and the same for the same people's profiles typed in a
hurry (tests/search/eval/hurried_set.json: shorthand, slang, typos, goals in a sentence), each
judged as their clean twin. Run: `python -m bench.relevance` (or `make bench`)."""

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
        from tests.search.eval import load_eval_set, load_hurried_set, load_into_database, ndcg_at
        from tests.search.test_eval_set import baseline_ranking

        eval_set, hurried_set = load_eval_set(), load_hurried_set()
        load_into_database(eval_set, hurried_set)
        today = clock.today()
        twin = {**{number: number for number in eval_set["judgments"]}, **hurried_set["twin"]}
        scores = {"clean": ([], []), "hurried": ([], [])}
        wrong = {"clean": 0, "hurried": 0}
        for participant in db.session.scalars(select(Participant).order_by(Participant.participant_number)):
            number = twin[participant.participant_number]
            which = "clean" if number == participant.participant_number else "hurried"
            judged = eval_set["judgments"][number]
            seeker = Seeker.from_participant(participant)
            ranked = [m.offer.reference for m in match_seeker(seeker, today, limit=50)]
            wrong[which] += len(set(ranked) & set(eval_set["ineligible"][number]))
            scores[which][0].append(ndcg_at(ranked, judged))
            scores[which][1].append(ndcg_at(baseline_ranking(seeker), judged))
        print(f"evaluation set: {len(scores['clean'][0])} participants (and the same people typed in a hurry), "
              f"{len(eval_set['opportunities'])} opportunities ({url.split(':')[0]})")
        print("nDCG@10                   clean profiles   hurried profiles")
        for label, column in (("matcher", 0), ("BM25 keyword only", 1)):
            clean, hurried = scores["clean"][column], scores["hurried"][column]
            print(f"{label:<25} {sum(clean) / len(clean):>14.3f}   {sum(hurried) / len(hurried):>16.3f}")
        print(f"ineligible opportunities returned by the matcher: {wrong['clean']} (clean), "
              f"{wrong['hurried']} (hurried)")


if __name__ == "__main__":
    main()
