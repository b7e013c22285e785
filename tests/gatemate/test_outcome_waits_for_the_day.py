"""Before release day a mentor is told when they can record how it went, instead of being given a
form that is refused only once filled in (the outside tester filled it in, then read the date)."""

from __future__ import annotations

from marketplace.extensions import db
from marketplace.gatemate.operations import day_text
from tests.factories import ParticipantFactory, UserFactory
from tests.gatemate.conftest import days
from tests.helpers import sign_in_client


def test_before_the_day_the_mentor_reads_when_and_gets_no_form(client, make_mentor, make_request):
    manager = UserFactory(role="case_manager")
    person = ParticipantFactory(case_manager=manager, prison="HMP Buckley Hall", release_date=days(10))
    mentor = make_mentor(prisons=["HMP Buckley Hall"])
    request = make_request(person, status="accepted", mentor_id=mentor.id, release_date=days(10))
    db.session.commit()
    sign_in_client(client, mentor)
    sentence = f"You can record what happened on or after the release day, {day_text(days(10))}."
    page = client.get(f"/gatemate/requests/{request.id}/outcome").get_data(as_text=True)
    assert sentence in page
    assert "/outcome/met" not in page and "/outcome/not-met" not in page and "hours_spent" not in page
    shown = client.get(f"/gatemate/requests/{request.id}").get_data(as_text=True)
    assert "Record how release day went" not in shown
    assert f"You can record how release day went on or after the day, {day_text(days(10))}." in shown


def test_on_the_day_the_form_is_there(client, make_mentor, make_request):
    manager = UserFactory(role="case_manager")
    person = ParticipantFactory(case_manager=manager, prison="HMP Buckley Hall", release_date=days(0))
    mentor = make_mentor(prisons=["HMP Buckley Hall"])
    request = make_request(person, status="accepted", mentor_id=mentor.id, release_date=days(0))
    db.session.commit()
    sign_in_client(client, mentor)
    page = client.get(f"/gatemate/requests/{request.id}/outcome").get_data(as_text=True)
    assert "/outcome/met" in page and "on or after the release day" not in page
    assert "Record how release day went" in client.get(f"/gatemate/requests/{request.id}").get_data(as_text=True)


def test_before_the_day_every_worker_says_when_and_shows_no_form(served_site, make_mentor, make_request):
    manager = UserFactory(role="case_manager")
    person = ParticipantFactory(case_manager=manager, prison="HMP Buckley Hall", release_date=days(10))
    mentor = make_mentor(prisons=["HMP Buckley Hall"])
    request = make_request(person, status="accepted", mentor_id=mentor.id, release_date=days(10))
    db.session.commit()
    browser = served_site.signed_in(mentor)
    for page in served_site.every_worker(browser, f"/gatemate/requests/{request.id}/outcome").values():
        assert f"on or after the release day, {day_text(days(10))}." in page.text
        assert "/outcome/met" not in page.text
