"""A vote count only for a project put to a public vote (outside test, finding 13): a project
accepted directly never had one, so '0 votes' would say the public turned it down."""

from __future__ import annotations

import re
from datetime import date

from marketplace.extensions import db
from tests.factories import PaybackProjectFactory
from tests.payback.test_votes import shortlisted  # noqa: F401 (fixture)


def test_a_project_accepted_without_a_vote_shows_no_count(client, shortlisted):  # noqa: F811
    direct = PaybackProjectFactory(title="Build raised beds at Ewood allotments", status="accepted",
                                   work_starts_on=date(2027, 3, 15))
    voted = PaybackProjectFactory(title="Clear the canal", status="accepted", work_starts_on=date(2027, 4, 1),
                                  vote_opens_on=date(2027, 2, 1), vote_closes_on=date(2027, 2, 14))
    db.session.commit()

    page = client.get(f"/community-payback/projects/{direct.id}").get_data(as_text=True)
    assert 'id="vote-count"' not in page and "0 votes" not in page
    assert "Build raised beds at Ewood allotments" in page
    assert 'id="vote-count"' in client.get(f"/community-payback/projects/{voted.id}").get_data(as_text=True)
    assert "0 votes" in client.get(f"/community-payback/projects/{shortlisted.id}").get_data(as_text=True)

    listing = client.get("/community-payback/").get_data(as_text=True)
    row = re.search(r"Build raised beds at Ewood allotments</a>.*?</tr>", listing, re.S).group(0)
    assert "Not put to a vote" in row and ">0<" not in row
    voted_row = re.search(r"Clear the canal</a>.*?</tr>", listing, re.S).group(0)
    assert "Not put to a vote" not in voted_row
