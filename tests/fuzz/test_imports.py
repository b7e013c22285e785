"""Every CLI import, fuzzed: 1,000 hostile files each (good records with fields replaced by hostile
values, dropped or added, and lines that are not JSON objects). The command never crashes; every bad
line is reported with its line number and field; the summary adds up; rows are written only for the
lines it accepted, and a file whose every line is refused writes nothing at all."""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from marketplace.core import clock
from marketplace.extensions import db
from tests.fuzz.strategies import import_line

pytestmark = pytest.mark.fuzz

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "1000"))
ERROR_LINE = re.compile(r'^line (\d+): ("(?:[^"\\]|\\.)*"|[^:"]+): (.+)$')
SUMMARY = re.compile(r"created (\d+), updated (\d+), rejected (\d+)")


def _participant_record() -> dict:
    today = clock.today()
    return {
        "participant_number": "A1111AA", "first_name": "Sam", "last_name": "Bell",
        "date_of_birth": (today - timedelta(days=365 * 28)).isoformat(), "location": "custody",
        "prison": "HMP Leeds", "release_date": (today + timedelta(days=30)).isoformat(),
        "release_region": "Yorkshire and the Humber", "release_town": "Leeds", "release_postcode": "LS1 4DY",
        "no_fixed_abode": False, "travel_miles": 10, "rotl_from": None, "skills": ["forklift driving"],
        "qualifications": [{"subject": "engineering", "level": "2", "title": "Forklift"}],
        "work_history": "Warehouse work", "interests": ["Logistics and warehousing"], "goals": "Warehouse job",
        "offence_categories": ["driving"], "no_work_with_children": False, "no_work_with_vulnerable_adults": False,
        "release_date_confirmed": False, "order_end_date": None, "mappa_category": None, "mappa_level": None,
        "rosh_level": None,
    }


def _opportunity_record() -> dict:
    return {
        "external_id": "SW-001", "kind": "vacancy", "title": "Forklift driver", "description": "Counterbalance work.",
        "sector": "Logistics and warehousing", "occupation_group": "8", "town": "Warrington", "postcode": "WA1 1AA",
        "region": "North West", "national": False, "remote": False, "hours_per_week": 40, "work_pattern": "shifts",
        "contract_type": "permanent", "pay_from": 13.6, "pay_to": 14.2, "pay_period": "hour",
        "pays_minimum_wage": True, "start_date": None, "end_date": None,
        "closing_date": (clock.today() + timedelta(days=20)).isoformat(), "rolling": False, "places": 2,
        "essential_criteria": "Counterbalance licence", "desirable_criteria": "", "minimum_requirements": [],
        "documents": ["cv"], "offence_exclusions": ["case_by_case", "driving"], "involves_children": False,
        "involves_vulnerable_adults": False, "custody_ok": True, "prison_leavers_only": False, "fidelity_bond": True,
        "how_to_apply": "Referral",
    }


def _participants_world() -> list[str]:
    from tests.factories import UserFactory

    manager = UserFactory(role="case_manager")
    db.session.commit()
    return ["participants", "import", "--case-manager", manager.email]


def _opportunities_world() -> list[str]:
    from tests.factories import member_organisation

    organisation = member_organisation(3, name="Swiftline Logistics")
    db.session.commit()
    return ["opportunities", "import", "--organisation", organisation.name]


def _participant_fields() -> list[str]:
    from marketplace.participants.records import FIELDS

    return sorted(FIELDS)


def _opportunity_fields() -> list[str]:
    from marketplace.opportunities.records import FIELDS

    return sorted(FIELDS)


@dataclass
class Importer:
    name: str
    world: callable
    good: callable
    fields: callable
    table: str  # the model its lines create, "feature.Model"
    written: tuple[str, ...]  # every model an accepted line may write


IMPORTERS = [
    Importer("participants", _participants_world, _participant_record, _participant_fields,
             "participants.Participant", ("participants.Participant", "core.AuditEvent", "search.IndexTask")),
    Importer("opportunities", _opportunities_world, _opportunity_record, _opportunity_fields,
             "opportunities.Opportunity", ("opportunities.Opportunity", "opportunities.OpportunityStatusChange",
                                           "core.AuditEvent", "search.IndexTask")),
]


def _model(dotted: str):
    import importlib

    module, name = dotted.rsplit(".", 1)
    return getattr(importlib.import_module(f"marketplace.{module}.models"), name)


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def _file(importer: Importer):
    good = importer.good()
    fields = importer.fields()
    # A second good record with a key of its own, so that a file can create two and update one.
    key = "participant_number" if "participant_number" in good else "external_id"
    other = {**good, key: good[key][:-1] + "Z"}
    line = st.one_of(import_line(good, fields), import_line(other, fields), st.sampled_from(["", "   "]))
    return st.lists(line, min_size=1, max_size=4)


@pytest.mark.parametrize("importer", IMPORTERS, ids=[i.name for i in IMPORTERS])
def test_hostile_import_files(app, tmp_path, importer):
    command = importer.world()
    runner = app.test_cli_runner()
    path = tmp_path / "import.jsonl"
    written = [_model(name) for name in importer.written]
    fields = set(importer.fields())

    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                     HealthCheck.data_too_large])
    @given(_file(importer))
    def run(lines):
        content = "\n".join(lines) + "\n"
        path.write_text(content, encoding="utf-8")
        with open(path, encoding="utf-8") as handle:  # as the command reads it: universal newlines
            numbered = [(n, text) for n, text in enumerate(handle.read().splitlines(), start=1) if text.strip()]
        before = [_count(model) for model in written]
        result = runner.invoke(args=[*command[:2], str(path), *command[2:]])
        db.session.rollback()
        assert result.exception is None or isinstance(result.exception, SystemExit), (lines, result.output)
        assert "Traceback" not in result.output, result.output
        summary = SUMMARY.search(result.stdout)
        assert summary, (lines, result.output)
        created, updated, rejected = (int(value) for value in summary.groups())
        assert created + updated + rejected == len(numbered), (lines, result.output)
        assert result.exit_code == (1 if rejected else 0), (lines, result.output)
        errors = [line for line in result.stderr.splitlines() if line.strip()]
        assert len(errors) == rejected, (lines, result.stderr)
        line_numbers = {n for n, _ in numbered}
        texts = dict(numbered)
        for error in errors:
            match = ERROR_LINE.match(error)
            assert match, f"not 'line N: field: message': {error!r}"
            number, field = int(match.group(1)), match.group(2)
            if field.startswith('"'):
                field = json.loads(field)
            assert number in line_numbers, (error, numbered)
            try:
                keys = set(json.loads(texts[number]))
            except (ValueError, TypeError):
                keys = set()
            assert field in fields | keys | {"(line)"}, (error, texts[number])
        after = [_count(model) for model in written]
        assert after[0] - before[0] == created, (lines, result.output)
        if rejected == len(numbered):
            assert after == before, f"an import that refused every line wrote rows: {lines}"

    run()
