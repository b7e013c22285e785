"""The Virtual Campus CV through the running site (gunicorn, 2 workers): the case manager attaches it with
the person's consent, the PDF made on one worker is what the check page lists and what is sent, and the
employer downloads that same file from every worker."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from pypdf import PdfReader

from marketplace.campus.models import CampusCV
from marketplace.core import clock
from marketplace.extensions import db
from tests.access import build_world
from tests.helpers import CHECK_HEADING, hidden_inputs

pytestmark = pytest.mark.concurrency


def test_the_employer_downloads_the_attached_campus_cv_from_every_worker(served_site):
    world = build_world()
    participant = world.records["participant"]
    participant.location, participant.prison = "community", None
    participant.release_date = clock.today() - timedelta(days=60)
    world.records["referral"].status = "withdrawn"
    db.session.add(CampusCV(participant_id=participant.id, statement="Steady hands and good with people."))
    db.session.commit()
    manager = served_site.signed_in(world.users["case_manager"])
    path = f"/referrals/new?participant={participant.id}&opportunity={world.records['opportunity'].id}"

    check = served_site.post_form(manager, path, {"name": "Sam B.", "consent": "y", "campus_cv": "y",
                                                  "campus_cv_consent": "y", "submit": "Continue"})
    assert check.status_code == 200 and CHECK_HEADING in check.text
    assert "CV from the Virtual Campus: CV_" in check.text
    sent = served_site.post_form(manager, path, {**hidden_inputs(check.text), "send": "Send referral"})
    assert sent.status_code == 200 and "Referral sent to" in sent.text
    link = re.search(r'href="(/referrals/\d+/documents/\d+)">CV: CV_[^<]*Virtual_Campus.pdf</a>', sent.text)
    assert link, "the referral page links to the CV"
    assert 'id="campus-cv-consent"' in sent.text

    employer = served_site.signed_in(world.users["employer"])
    pages = served_site.every_worker(employer, link.group(1))
    assert len(pages) == 2
    contents = {page.content for page in pages.values()}
    assert len(contents) == 1, "every worker serves the one stored file"
    for pid, page in pages.items():
        assert page.status_code == 200 and page.headers["Content-Type"] == "application/pdf", pid
        text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(page.content)).pages)
        assert "Steady hands and good with people." in text, pid
