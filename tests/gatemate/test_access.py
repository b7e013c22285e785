"""Who sees which request. Another organisation's request is a 404 on every route, with nothing of it
in the response; mentors see open requests only in their coverage, and their own."""

from __future__ import annotations

import pytest
from flask import url_for

from tests.factories import ParticipantFactory, UserFactory
from tests.helpers import sign_in_client


def request_routes(app):
    return sorted((rule.endpoint, method) for rule in app.url_map.iter_rules()
                  if "request_id" in rule.arguments for method in rule.methods - {"HEAD", "OPTIONS"})


def assert_hidden_everywhere(app, client, request, *, allowed_statuses=(404,)):
    routes = request_routes(app)
    assert len(routes) >= 14
    for endpoint, method in routes:
        with app.test_request_context():
            url = url_for(endpoint, request_id=request.id)
        response = client.post_form(url, {}) if method == "POST" else client.get(url)
        assert response.status_code in allowed_statuses, (endpoint, method, response.status_code)
        html = response.data.decode()
        assert "Hidden" not in html and "Z9999ZZ" not in html and "Secretville" not in html, (endpoint, method)


@pytest.fixture
def hidden(make_request):
    person = ParticipantFactory(first_name="Hidden", last_name="Stranger", participant_number="Z9999ZZ")
    return make_request(person, destination_town="Secretville")


def test_another_organisations_case_manager_gets_404_everywhere(app, client, login_as, hidden):
    login_as("case_manager")
    # Routes for mentors or coordinators answer 403 to a case manager before looking the request up.
    assert_hidden_everywhere(app, client, hidden, allowed_statuses=(403, 404))
    for endpoint in ("show", "edit", "release", "cancel"):
        with app.test_request_context():
            url = url_for(f"gatemate.{endpoint}", request_id=hidden.id)
        assert client.get(url).status_code == 404
    assert hidden.status == "open"
    assert "Hidden" not in client.get("/gatemate/requests?show=all").data.decode()


def test_a_mentor_who_does_not_cover_the_prison_gets_404(app, client, make_mentor, hidden):
    sign_in_client(client, make_mentor(prisons=["HMP Leeds"]))
    assert_hidden_everywhere(app, client, hidden, allowed_statuses=(403, 404))
    assert "Hidden" not in client.get("/gatemate/board").data.decode()
    assert hidden.status == "open"


def test_a_mentor_loses_sight_of_a_request_another_mentor_holds(app, client, make_mentor, hidden):
    mentor = make_mentor(prisons=["HMP Liverpool"])
    sign_in_client(client, mentor)
    assert client.get(f"/gatemate/requests/{hidden.id}").status_code == 200
    hidden.status, hidden.mentor_id = "accepted", make_mentor(prisons=["HMP Liverpool"]).id
    for path in (f"/gatemate/requests/{hidden.id}", f"/gatemate/requests/{hidden.id}/outcome",
                 f"/gatemate/requests/{hidden.id}/hand-back"):
        assert client.get(path).status_code == 404
    assert "Hidden" not in client.get("/gatemate/board").data.decode()


def test_coordinators_see_their_coverage_and_their_mentors_requests_only(app, client, make_mentor, make_request,
                                                                          hidden):
    coordinator = UserFactory(role="coordinator")
    sign_in_client(client, coordinator)
    assert_hidden_everywhere(app, client, hidden, allowed_statuses=(403, 404))
    # Their mentor covers HMP Leeds: still not HMP Liverpool.
    own = make_mentor(organisation=coordinator.organisation, prisons=["HMP Leeds"])
    assert client.get(f"/gatemate/requests/{hidden.id}").status_code == 404
    leeds = make_request(prison="HMP Leeds")
    assert client.get(f"/gatemate/requests/{leeds.id}").status_code == 200
    # Once their mentor holds a request anywhere, they see it.
    hidden.status, hidden.mentor_id = "accepted", own.id
    assert client.get(f"/gatemate/requests/{hidden.id}").status_code == 200
    listing = client.get("/gatemate/requests?show=all").data.decode()
    assert "Hidden S." in listing and f"/gatemate/requests/{leeds.id}" in listing


def test_admins_see_every_request(client, login_as, hidden):
    login_as("admin")
    assert client.get(f"/gatemate/requests/{hidden.id}").status_code == 200
    assert "Hidden Stranger" in client.get("/gatemate/requests?show=all").data.decode()


@pytest.mark.parametrize("role", ["employer", "social_enterprise"])
def test_employers_never_see_requests(app, client, login_as, hidden, role):
    login_as(role)
    assert_hidden_everywhere(app, client, hidden, allowed_statuses=(403,))
    for path in ("/gatemate/requests", "/gatemate/board", "/gatemate/coverage", "/gatemate/mentors"):
        assert client.get(path).status_code == 403


def test_a_request_for_another_organisations_participant_is_a_404(client, login_as):
    login_as("case_manager")
    stranger = ParticipantFactory(first_name="Hidden")
    assert client.get(f"/gatemate/participants/{stranger.id}/request").status_code == 404
    response = client.post_form(f"/gatemate/participants/{stranger.id}/request", {})
    assert response.status_code == 404 and b"Hidden" not in response.data
