"""One test per bug the fuzzing found, named after what went wrong (each was a 500 or a blurred report)."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from marketplace.alliance.models import Booking
from marketplace.extensions import db
from tests.access import build_world
from tests.helpers import sign_in_client

TOO_LARGE = "99999999999999999999"  # more than PostgreSQL's integer, and than SQLite's 64 bits


@pytest.fixture
def world(app, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", False)
    return build_world()


def test_a_forged_participant_too_large_for_the_database_is_a_form_error_on_the_booking_form(client, world):
    sign_in_client(client, world.users["case_manager"])
    response = client.post(f"/alliance/offers/{world.records['offer'].id}/book", data={"participant_id": TOO_LARGE})
    assert response.status_code == 400
    assert "govuk-error-summary" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Booking)) == 1  # the world's own


def test_a_forged_mentor_too_large_for_the_database_is_a_form_error_on_the_assign_form(client, world):
    sign_in_client(client, world.users["coordinator"])
    response = client.post(f"/gatemate/requests/{world.records['gatemate_request'].id}/assign",
                           data={"mentor_id": TOO_LARGE})
    assert response.status_code == 400


@pytest.mark.parametrize("path", [f"/participants/{TOO_LARGE}", "/participants/2147483648",
                                  f"/referrals/{TOO_LARGE}", f"/gatemate/requests/{TOO_LARGE}/edit"])
def test_an_id_too_large_for_the_database_in_the_address_is_not_found(client, world, path):
    sign_in_client(client, world.users["case_manager"])
    assert client.get(path).status_code == 404


def test_ids_too_large_for_the_database_in_the_referral_address_are_not_found(client, world):
    sign_in_client(client, world.users["case_manager"])
    participant, opportunity = world.records["participant"].id, world.records["opportunity"].id
    assert client.get(f"/referrals/new?participant={TOO_LARGE}&opportunity={opportunity}").status_code == 404
    assert client.get(f"/referrals/new?participant={participant}&opportunity={TOO_LARGE}").status_code == 404


@pytest.mark.parametrize(("role", "path"), [
    ("case_manager", "/participants/"), ("case_manager", "/opportunities/"), ("employer", "/referrals/inbox"),
    ("case_manager", "/gatemate/requests"), ("admin", "/admin/audit"), ("admin", "/admin/users"),
    ("case_manager", "/alliance/bookings"),
])
def test_a_page_number_too_large_for_the_database_shows_an_empty_page(client, world, role, path):
    sign_in_client(client, world.users[role])
    assert client.get(f"{path}?page={TOO_LARGE}").status_code == 200


@pytest.mark.parametrize("key", ["", "a\nline 2: first_name: is required", "note: x"])
def test_an_import_key_that_is_empty_or_holds_a_newline_or_colon_is_reported_quoted(app, tmp_path, key):
    from tests.factories import UserFactory

    manager = UserFactory(role="case_manager")
    db.session.commit()
    path = tmp_path / "caseload.jsonl"
    path.write_text(json.dumps({key: 1}) + "\n", encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["participants", "import", str(path), "--case-manager", manager.email])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [f"line 1: {json.dumps(key)}: is not a field of a participant"]


@pytest.mark.parametrize("value", ["\r", " ", "\t"])
def test_a_blank_closing_within_on_the_search_page_means_any_time(client, world, value):
    # Optional() passes a whitespace-only choice through as valid; int() of it was a 500.
    sign_in_client(client, world.users["case_manager"])
    assert client.get("/search/", query_string={"closing_within": value}).status_code == 200


def test_a_month_too_large_for_a_date_is_an_error_on_the_date_not_a_server_error(app):
    # date() raises OverflowError, not ValueError, for a month or day beyond a C int.
    from werkzeug.datastructures import MultiDict

    from marketplace.core.forms import Form, GovDateField

    class DateForm(Form):
        class Meta:
            csrf = False

        day = GovDateField("Start date")

    with app.test_request_context(method="POST"):
        form = DateForm(formdata=MultiDict([("day", "31"), ("day", "2147483648"), ("day", "2026")]))
        assert not form.validate()
        assert form.day.errors == ["Start date must be a real date"]
