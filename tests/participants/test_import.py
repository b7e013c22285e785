"""`flask participants import`: good lines are written, bad lines are reported by line and field."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import func, select

from marketplace.core import clock
from marketplace.extensions import db
from marketplace.participants.models import Participant
from tests.factories import ParticipantFactory, UserFactory
from tests.helpers import participant_import_record


def line(**changes) -> str:
    return json.dumps({**participant_import_record(), **changes})


def run_import(app, tmp_path, lines, email):
    path = tmp_path / "caseload.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return app.test_cli_runner().invoke(
        args=["participants", "import", str(path), "--case-manager", email])


def count():
    return db.session.scalar(select(func.count()).select_from(Participant))


def test_good_lines_are_created_and_known_numbers_updated(app, tmp_path):
    manager = UserFactory(role="case_manager")
    ParticipantFactory(case_manager=manager, participant_number="A2222BB", first_name="Old")
    email = manager.email
    db.session.commit()
    result = run_import(app, tmp_path, [line(), line(participant_number="a2222bb", first_name="New")], email)
    assert result.exit_code == 0, result.output
    assert "created 1, updated 1, rejected 0" in result.stdout
    db.session.rollback()
    updated = db.session.scalar(select(Participant).where(Participant.participant_number == "A2222BB"))
    assert updated.first_name == "New" and updated.offence_categories == ["driving"]
    created = db.session.scalar(select(Participant).where(Participant.participant_number == "A1111AA"))
    assert created.qualifications == [{"subject": "engineering", "level": "2", "title": "Forklift"}]
    assert created.case_manager_id == manager.id


def test_each_bad_line_is_reported_with_its_number_and_field_and_nothing_of_it_is_written(app, tmp_path):
    email = UserFactory(role="case_manager").email
    db.session.commit()
    today = clock.today()
    lines = [
        line(participant_number="A0001AA"),
        line(participant_number="A0002AA", release_postcode="NOT A POSTCODE"),
        line(participant_number="A0003AA", prison="HMP Atlantis"),
        "{not json",
        line(participant_number="A0005AA", release_date=(today - timedelta(days=365 * 40)).isoformat()),
        line(participant_number="A0006AA", date_of_birth="12/03/1990"),
        line(participant_number="A0007AA", shoe_size=9),
        line(participant_number="A0008AA", offence_categories=["littering"]),
        "",
        line(participant_number="A0010AA", travel_miles="far"),
        line(participant_number="A0011AA"),
    ]
    result = run_import(app, tmp_path, lines, email)
    assert result.exit_code == 1
    assert "created 2, updated 0, rejected 8" in result.stdout
    assert result.stderr.splitlines() == [
        "line 2: release_postcode: Enter a real postcode, like M1 1AE",
        "line 3: prison: Select a prison from the list",
        "line 4: (line): not valid JSON (Expecting property name enclosed in double quotes)",
        "line 5: release_date: Release date must be after the date of birth",
        "line 6: date_of_birth: '12/03/1990' is not a date written YYYY-MM-DD",
        "line 7: shoe_size: is not a field of a participant",
        "line 8: offence_categories: Select offence categories from the list",
        "line 10: travel_miles: must be a whole number of miles",
    ]
    db.session.rollback()
    numbers = set(db.session.scalars(select(Participant.participant_number)))
    assert numbers == {"A0001AA", "A0011AA"}


def test_unknown_case_manager_is_a_clear_error(app, tmp_path):
    result = run_import(app, tmp_path, [line()], "nobody@test.example")
    assert result.exit_code != 0
    assert "No active case manager has the email address nobody@test.example" in result.stderr
    assert count() == 0
