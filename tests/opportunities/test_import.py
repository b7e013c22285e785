"""`flask opportunities import`: good lines are published, known external ids updated, bad lines reported by
line and field with nothing of them written."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import func, select

from marketplace.core import clock
from marketplace.extensions import db
from marketplace.opportunities.models import Opportunity
from tests.factories import OpportunityFactory, member_organisation
from tests.helpers import opportunity_import_record


def line(**changes) -> str:
    return json.dumps({**opportunity_import_record(), **changes})


def run_import(app, tmp_path, lines, organisation="Swiftline Logistics"):
    path = tmp_path / "opportunities.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return app.test_cli_runner().invoke(args=["opportunities", "import", str(path), "--organisation", organisation])


def count() -> int:
    return db.session.scalar(select(func.count()).select_from(Opportunity)) or 0


def test_good_lines_are_published_and_known_external_ids_updated(app, tmp_path):
    organisation = member_organisation(3, name="Swiftline Logistics")
    OpportunityFactory(organisation=organisation, external_id="SW-002", title="Old title", places=4, places_taken=1)
    db.session.commit()
    result = run_import(app, tmp_path, [
        line(),
        line(external_id="SW-002", title="New title"),
        line(external_id="SW-003", kind="guaranteed_interview", title="Guaranteed interview: picker",
             minimum_requirements=["Can work shifts", "Has safety boots"], required_course="Warehouse skills"),
        line(external_id="SW-004", kind="training", title="Forklift course", pay_from=None, pay_to=None,
             pay_period="", rolling=True, closing_date=None, qualification_subject="retail_commercial",
             qualification_level=2, leads_to_guaranteed_interview=True, contract_type=""),
        line(external_id="SW-005", kind="work_placement", title="Day release placement", setting="day_release",
             paid=True, start_date=(clock.today() + timedelta(days=30)).isoformat(),
             end_date=(clock.today() + timedelta(days=72)).isoformat(), pay_from="12.71", pay_to=None,
             custody_ok=False),
    ], organisation="swiftline logistics")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip().splitlines()[-1] == "created 4, updated 1, rejected 0"
    db.session.rollback()
    created = db.session.scalar(select(Opportunity).where(Opportunity.external_id == "SW-001"))
    assert (created.status, created.created_by_id, created.pay_from) == ("open", None, Decimal("13.60"))
    assert created.published_at is not None and created.offence_exclusions == ["case_by_case", "driving"]
    updated = db.session.scalar(select(Opportunity).where(Opportunity.external_id == "SW-002"))
    assert (updated.title, updated.places_taken, updated.places) == ("New title", 1, 2)
    course = db.session.scalar(select(Opportunity).where(Opportunity.external_id == "SW-004"))
    assert course.rolling and course.qualification_level == "2" and course.is_training
    placement = db.session.scalar(select(Opportunity).where(Opportunity.external_id == "SW-005"))
    assert placement.custody_ok, "day release is for people in custody"


def test_each_bad_line_is_reported_with_its_number_and_field_and_nothing_of_it_is_written(app, tmp_path):
    member_organisation(1, name="Swiftline Logistics")
    db.session.commit()
    past = (clock.today() - timedelta(days=1)).isoformat()
    lines = [
        line(external_id="A1", kind="volunteering", pay_from=None, pay_to=None, pay_period="", title="Volunteer"),
        line(external_id="A2"),
        "{not json",
        line(external_id="A4", kind="volunteering", pay_from=None, pay_to=None, pay_period="", closing_date=past),
        line(external_id="A5", kind="volunteering", pay_from=None, pay_to=None, pay_period="", places=0),
        line(external_id="A6", kind="volunteering", pay_from=None, pay_to=None, pay_period="", shoe_size=9),
        line(external_id="A7", kind="volunteering", pay_from=None, pay_to=None, pay_period="", region="Atlantis"),
        "",
        line(external_id="A9", kind="volunteering", pay_from=None, pay_to=None, pay_period="", closing_date=None),
        line(external_id="A10", kind="volunteering", pay_from=None, pay_to=None, pay_period="", places="two"),
        line(external_id="A11", kind="volunteering", pay_from=None, pay_to=None, pay_period="",
             closing_date="25/12/2026"),
        line(external_id="A12", kind="volunteering", pay_from=None, pay_to=None, pay_period="",
             offence_exclusions=["littering"]),
        line(external_id="A13", kind="volunteering", pay_from=None, pay_to=None, pay_period="", remote="yes"),
        line(external_id="", kind="volunteering"),
        line(external_id="A15", kind="volunteering", pay_from=None, pay_to=None, pay_period="", title="Second"),
        line(external_id="A15", kind="volunteering", pay_from=None, pay_to=None, pay_period="", title="Second again",
             start_date="2027-02-01", end_date="2027-01-01"),
    ]
    result = run_import(app, tmp_path, lines)
    assert result.exit_code == 1
    assert result.stdout.strip().splitlines()[-1] == "created 2, updated 0, rejected 13"
    assert result.stderr.splitlines() == [
        "line 2: kind: Your organisation is a level 1 member of the Corporate Alliance, so it cannot post vacancies. "
        "Apply to move up to level 3 first",
        "line 3: (line): not valid JSON (Expecting property name enclosed in double quotes)",
        "line 4: closing_date: The closing date must be today or in the future",
        "line 5: places: The number of places must be 1 or more",
        "line 6: shoe_size: is not a field of an opportunity",
        "line 7: region: Select a region: one of the 9 English regions or Wales",
        "line 9: closing_date: is required unless rolling is true",
        "line 10: places: must be a whole number",
        "line 11: closing_date: '25/12/2026' is not a date written YYYY-MM-DD",
        "line 12: offence_exclusions: Select offence exclusions from the list",
        "line 13: remote: must be true or false",
        "line 14: external_id: is required",
        "line 16: end_date: The end date must be the same as or after the start date",
    ]
    db.session.rollback()
    assert sorted(db.session.scalars(select(Opportunity.external_id))) == ["A1", "A15"]
    assert db.session.scalar(select(Opportunity.title).where(Opportunity.external_id == "A15")) == "Second"


def test_pay_below_the_minimum_wage_is_refused_on_import_too(app, tmp_path):
    member_organisation(3, name="Swiftline Logistics")
    db.session.commit()
    result = run_import(app, tmp_path, [line(pay_from=9.5, pay_to=None)])
    assert result.exit_code == 1
    assert result.stderr.startswith("line 1: pay_from: Pay of £9.50 an hour is below the National Minimum Wage")
    assert count() == 0


def test_the_organisation_must_exist_and_be_able_to_post(app, tmp_path):
    result = run_import(app, tmp_path, [line()], organisation="Nobody Ltd")
    assert result.exit_code != 0 and "No organisation is called Nobody Ltd" in result.output
    member_organisation(None, kind="provider", name="Probation Service, Wales")
    db.session.commit()
    result = run_import(app, tmp_path, [line()], organisation="Probation Service, Wales")
    assert result.exit_code != 0 and "is not an approved employer or social enterprise" in result.output
    assert "Traceback" not in result.output


def test_reimporting_the_same_file_changes_nothing_new(app, tmp_path):
    member_organisation(3, name="Swiftline Logistics")
    db.session.commit()
    lines = [line(), line(external_id="SW-009", title="Picker")]
    assert "created 2, updated 0, rejected 0" in run_import(app, tmp_path, lines).stdout
    assert "created 0, updated 2, rejected 0" in run_import(app, tmp_path, lines).stdout
    db.session.rollback()
    assert count() == 2
