"""Careers information through the running site (gunicorn, 2 workers): a page an administrator publishes
through one worker is on every worker's list for the person on the campus, its link goes out through the
audited redirect to the stored address only, and once taken down no worker shows it."""

from __future__ import annotations

import re

from sqlalchemy import select

from marketplace.core.models import AuditEvent
from marketplace.extensions import db
from tests.factories import ParticipantFactory, UserFactory, campus_person
from tests.helpers import TEST_PASSWORD

OUT = re.compile(r'href="(/careers/out/\d+)"')


def test_a_page_an_admin_publishes_is_seen_by_the_person_on_every_worker(served_site):
    admin = UserFactory(role="admin")
    participant = ParticipantFactory(case_manager=UserFactory(role="case_manager"))
    person = campus_person(participant)
    db.session.commit()

    staff = served_site.signed_in(admin)
    made = served_site.post_form(staff, "/careers/manage/new", {
        "title": "Kitchens and food hygiene", "summary": "Level 2 food hygiene opens most kitchen jobs.",
        "body": "Most kitchens ask for it.\n\nIt takes a day.", "links": "Unlock | https://unlock.org.uk/"})
    assert made.status_code == 200 and "saved as a draft" in made.text
    page_id = int(re.search(r"/careers/manage/(\d+)/publish", made.text).group(1))

    reader = served_site.session()
    signed = served_site.post_form(reader, "/campus/sign-in", {
        "participant_number": participant.participant_number, "passphrase": TEST_PASSWORD,
        "date_of_birth": [str(participant.date_of_birth.day), str(participant.date_of_birth.month),
                          str(participant.date_of_birth.year)]})
    assert signed.status_code == 200, signed.text[:300]
    for page in served_site.every_worker(reader, "/careers/").values():
        assert page.status_code == 200 and "Kitchens and food hygiene" not in page.text

    published = served_site.post_form(staff, f"/careers/manage/{page_id}/publish")
    assert "is published" in published.text
    for page in served_site.every_worker(reader, "/careers/").values():
        assert page.status_code == 200 and "Kitchens and food hygiene" in page.text
    for page in served_site.every_worker(reader, f"/careers/{page_id}").values():
        assert "<span class=\"fcw-preserve\">It takes a day.</span>" in page.text
        out = OUT.search(page.text).group(1)

    followed = served_site.get(reader, out + "?next=https://evil.example/", allow_redirects=False)
    assert followed.status_code == 302 and followed.headers["Location"] == "https://unlock.org.uk/"
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "careers.link_followed",
                                                      AuditEvent.actor_id == person.id)) is not None

    served_site.post_form(staff, f"/careers/manage/{page_id}/unpublish")
    for page in served_site.every_worker(reader, "/careers/").values():
        assert "Kitchens and food hygiene" not in page.text
    for page in served_site.every_worker(reader, f"/careers/{page_id}").values():
        assert page.status_code == 404
