"""An index rebuilt with nothing in it (Whoosh hands back an EmptyReader with no segment) answers
matching with nothing, not an error: the case manager's matches page and the person's Virtual Campus
page both ask it."""

from marketplace.core import clock
from marketplace.extensions import db
from marketplace.search import sync
from marketplace.search.matching import Seeker
from marketplace.search.queries import match_seeker
from tests.factories import ParticipantFactory


def test_matching_against_an_empty_rebuilt_index_finds_nothing(app):
    participant = ParticipantFactory(skills=["Forklift driving"])
    db.session.commit()
    sync.reindex()
    assert match_seeker(Seeker.from_participant(participant), clock.today()) == []
