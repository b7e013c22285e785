"""The Virtual Campus through the running site (gunicorn, 2 workers): a slip printed through one
worker lets the person in; every worker then shows them their own page, and once their case manager
ends access no worker lets them back."""

from __future__ import annotations

import re

from marketplace.extensions import db
from tests.factories import OpportunityFactory, ParticipantFactory, ReferralFactory, UserFactory

CODE = re.compile(r"data-access-code>([A-Z0-9-]+)<")


def _born(participant) -> dict:
    day = participant.date_of_birth
    return {"date_of_birth": [str(day.day), str(day.month), str(day.year)]}


def test_a_person_started_through_one_worker_is_served_by_every_worker_until_access_ends(served_site):
    manager = UserFactory(role="case_manager")
    participant = ParticipantFactory(case_manager=manager, first_name="Marcus")
    ReferralFactory(participant=participant, opportunity=OpportunityFactory(title="Warehouse operative"))
    db.session.commit()
    staff = served_site.signed_in(manager)
    slip = served_site.post_form(staff, f"/campus/people/{participant.id}/access", {"consent": "y"})
    assert slip.status_code == 200
    code = CODE.search(slip.text).group(1)

    person = served_site.session()
    started = served_site.post_form(person, "/campus/start", {
        "code": code, "participant_number": participant.participant_number,
        "passphrase": "lantern meadow copper violin", "confirm": "lantern meadow copper violin", **_born(participant)})
    assert started.status_code == 200 and "Hello, Marcus" in started.text

    for page in served_site.every_worker(person, "/campus/home").values():
        assert page.status_code == 200
        assert "Warehouse operative" in page.text and "Sent to the employer" in page.text

    ended = served_site.post_form(staff, f"/campus/people/{participant.id}/access/end", {"reason": "consent_withdrawn"})
    assert ended.status_code == 200 and "access has ended" in ended.text
    for page in served_site.every_worker(person, "/campus/home").values():
        assert "Sign in to the Virtual Campus" in page.text and "Warehouse operative" not in page.text
