"""Every CLI import, fuzzed: 1,000 hostile files each (good records with fields replaced by hostile
values, dropped or added, and lines that are not JSON objects). The command never crashes; every bad
line is reported with its line number and field; the summary adds up; rows are written only for the
lines it accepted, and a file whose every line is refused writes nothing at all."""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from marketplace.extensions import db
from tests.fuzz.strategies import import_line
from tests.helpers import opportunity_import_record, participant_import_record

pytestmark = pytest.mark.fuzz

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "200"))  # make test: 200 each; make fuzz: 1,000
ERROR_LINE = re.compile(r'^line (\d+): ("(?:[^"\\]|\\.)*"|[^:"]+): (.+)$')
SUMMARY = re.compile(r"created (\d+), updated (\d+), rejected (\d+)")


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
    Importer("participants", _participants_world, participant_import_record, _participant_fields,
             "participants.Participant", ("participants.Participant", "core.AuditEvent", "search.IndexTask")),
    Importer("opportunities", _opportunities_world, opportunity_import_record, _opportunity_fields,
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
