"""The public nomination: anyone, no sign-in, every error at once, confirmed by email, abuse-resistant."""

from __future__ import annotations

from sqlalchemy import func, select

from marketplace.core.models import Notification, OutboxMessage, ThrottleEvent
from marketplace.extensions import db
from marketplace.payback.models import PaybackProject, Status
from marketplace.payback.operations import NOMINATIONS_PER_ADDRESS
from marketplace.payback.regions import region_for_postcode
from tests.factories import UserFactory
from tests.helpers import location
from tests.payback.records import emailed_path, good_nomination


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_every_problem_is_listed_at_once_and_what_was_typed_is_kept(client):
    data = good_nomination(title="", postcode="EH1 1YZ", rules=["no_profit"], nominator_name="",
                           nominator_email="not-an-email", toilets_nearby="")
    page = client.post_form("/community-payback/nominate", data)

    assert page.status_code == 400
    text = page.get_data(as_text=True)
    for message in ("Enter a name for the project", "Enter a postcode in England or Wales",
                    "Confirm the work meets every rule", "Enter your name",
                    "Enter an email address in the correct format", "Say whether there are toilets nearby"):
        assert message in text, message
    assert "Cut back brambles and pick up litter" in text  # the description typed is still there
    assert 'value="EH1 1YZ"' in text and 'value="not-an-email"' in text
    assert count(PaybackProject) == 0 and count(OutboxMessage) == 0


def test_a_nomination_counts_only_once_the_nominator_confirms_it(client):
    manager = UserFactory(role="payback_manager")
    manager.organisation.region = "Yorkshire and the Humber"
    elsewhere = UserFactory(role="payback_manager")  # North West: not told
    db.session.commit()

    sent = client.post_form("/community-payback/nominate", good_nomination())
    assert sent.status_code == 302 and location(sent).endswith("/community-payback/nominate/sent")
    project = db.session.scalar(select(PaybackProject))
    assert (project.status, project.region, project.postcode) == (Status.UNCONFIRMED, "Yorkshire and the Humber",
                                                                  "LS5 3AA")
    assert db.session.scalar(select(func.count()).select_from(Notification)) == 0

    path = emailed_path("pat@resident.example", "Confirm your Community Payback nomination")
    assert "Confirm nomination" in client.get(path).get_data(as_text=True)  # a GET changes nothing
    db.session.refresh(project)
    assert project.status == Status.UNCONFIRMED

    confirmed = client.post_form(path)
    assert confirmed.status_code == 200
    db.session.refresh(project)
    assert project.status == Status.SUBMITTED and project.confirmed_at is not None
    shown = confirmed.get_data(as_text=True)
    assert f"Your reference<br><strong>{project.reference}</strong>" in shown
    assert "&lt;" not in shown  # the panel once printed its own tags as text
    assert [n.user_id for n in db.session.scalars(select(Notification))] == [manager.id]
    assert elsewhere.id != manager.id
    assert "received" in db.session.scalar(
        select(OutboxMessage.subject).order_by(OutboxMessage.id.desc()))

    again = client.post_form(path)
    assert again.status_code == 404 and "used or has expired" in again.get_data(as_text=True)


def test_the_hidden_field_filled_in_stores_nothing_but_reads_the_same(client):
    sent = client.post_form("/community-payback/nominate", good_nomination(website="http://spam.example"))

    assert sent.status_code == 302 and location(sent).endswith("/nominate/sent")
    assert count(PaybackProject) == 0 and count(OutboxMessage) == 0


def test_nominations_from_one_address_are_limited_per_hour(client):
    for n in range(NOMINATIONS_PER_ADDRESS):
        assert client.post_form("/community-payback/nominate", good_nomination(title=f"Project {n}")).status_code == 302
    refused = client.post_form("/community-payback/nominate", good_nomination(title="One too many"))

    assert refused.status_code == 400
    assert "Try again in an hour" in refused.get_data(as_text=True)
    assert count(PaybackProject) == NOMINATIONS_PER_ADDRESS
    assert count(ThrottleEvent) == NOMINATIONS_PER_ADDRESS


def test_a_form_with_errors_is_not_counted_against_the_address(client):
    for _ in range(NOMINATIONS_PER_ADDRESS + 1):
        assert client.post_form("/community-payback/nominate", good_nomination(title="")).status_code == 400
    assert client.post_form("/community-payback/nominate", good_nomination()).status_code == 302


def test_regions_come_from_the_postcode_area():
    assert region_for_postcode("M1 1AE") == "North West"
    assert region_for_postcode("ME4 4TZ") == "South East"
    assert region_for_postcode("CF10 1EP") == "Wales"
    assert region_for_postcode("SW1A 1AA") == "London"
    assert region_for_postcode("G1 1XQ") is None  # Scotland runs its own community sentences
    assert region_for_postcode("") is None
