"""The shortlist through the running site (gunicorn, 2 workers): saved from the person's matches on one
worker, it is on the list every worker serves at once, and each page view of the person is audited."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from marketplace.core.models import AuditEvent
from marketplace.extensions import db
from marketplace.search import sync
from tests.factories import OpportunityFactory, UserFactory
from tests.referrals.conftest import community_participant


def test_saved_from_the_matches_every_worker_serves_it_on_the_shortlist(served_site):
    person = community_participant(first_name="Robin", release_town="Warrington")
    OpportunityFactory(title="Forklift driver", town="Warrington")
    OpportunityFactory(title="Warehouse picker", town="Warrington")
    db.session.commit()
    sync.reindex()
    browser = served_site.signed_in(person.case_manager)

    matches = served_site.get(browser, f"/search/participants/{person.id}")
    saved = dict(re.findall(r'name="opportunity" value="(\d+)">.*?: ([^<]+)</span>', matches.text, re.S))
    assert sorted(saved.values()) == ["Forklift driver", "Warehouse picker"]
    for opportunity_id in saved:
        answer = served_site.post_form(browser, f"/shortlists/{person.id}/add",
                                       {"opportunity": opportunity_id, "back": "matches"})
        assert answer.status_code == 200 and "is on Robin&#39;s shortlist" in answer.text

    before = db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "participant.viewed", AuditEvent.detail == "shortlist"))
    pages = served_site.every_worker(browser, f"/shortlists/{person.id}")
    assert len(pages) == 2
    for page in pages.values():
        assert page.status_code == 200 and "2 opportunities saved" in page.text
        assert "Forklift driver" in page.text and "Warehouse picker" in page.text
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "participant.viewed", AuditEvent.detail == "shortlist")) == before + 2
    for page in served_site.every_worker(browser, f"/shortlists/{person.id}/print").values():
        assert "Jobs and courses for Robin" in page.text and "Forklift driver" in page.text

    stranger = served_site.signed_in(UserFactory(role="case_manager"))
    assert served_site.get(stranger, f"/shortlists/{person.id}").status_code == 404
