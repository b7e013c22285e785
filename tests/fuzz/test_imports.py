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


# Budgets (issue 21): a file imported whole or not at all, from the page or `flask funding import-budgets`.
# Hostile files: NUL bytes, huge lines, bytes that are not UTF-8 (Latin-1, UTF-16, random), wrong and
# missing columns, a CSV whose header is data, JSON lines that are not objects. Never a server error;
# either everything imports or nothing does and every error names its line and field.
BUDGET_FIELDS = ("organisation", "region", "purpose", "year", "amount", "request_limit", "person_limit",
                 "second_approval_above")
FILE_LEVEL = {"Choose a CSV or JSON Lines file of budgets", "The file must be smaller than 1 MB"}


def _budget_lines(year: int):
    good = {"region": "London", "purpose": "travel", "year": str(year), "amount": "1000", "request_limit": "50",
            "person_limit": "100", "second_approval_above": ""}
    value = st.one_of(st.sampled_from(["", "North West", "Narnia", "equipment", "2026", "٣٣", "²⁰²⁶", "5,000.00",
                                       "-1", "1e9", "£", "\x00", "x\x00y", "a" * 5000, '"', "=cmd()"]),
                      st.text(max_size=30))
    column = st.one_of(st.sampled_from(BUDGET_FIELDS), st.sampled_from(["colour", "", " amount ", "AMOUNT"]))
    record = st.fixed_dictionaries({}, optional={name: value for name in BUDGET_FIELDS}).map(
        lambda extra: {**good, **extra})
    mangled = st.tuples(record, st.lists(column, max_size=2)).map(
        lambda pair: {**pair[0], **{name: "1" for name in pair[1]}})
    return good, mangled


def _budget_files(year: int):
    good, mangled = _budget_lines(year)

    def as_csv(records, header):
        import csv
        import io

        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=header, extrasaction="ignore", restval="")
        writer.writeheader()
        for item in records:
            writer.writerow(item)
        return out.getvalue()

    records = st.lists(mangled, min_size=1, max_size=4)
    header = st.one_of(st.just(list(BUDGET_FIELDS)), st.lists(st.sampled_from([*BUDGET_FIELDS, "colour", ""]),
                                                              min_size=1, max_size=9, unique=True))
    csv_text = st.builds(as_csv, records, header)
    jsonl_text = records.map(lambda items: "\n".join(json.dumps(item) for item in items) + "\n")
    not_objects = st.lists(st.sampled_from(["[1, 2]", "null", "{", '"text"', "{}", "\x00", "1e999"]),
                           min_size=1, max_size=3).map("\n".join)
    text = st.tuples(st.one_of(csv_text, jsonl_text, not_objects), st.sampled_from(["budgets.csv", "budgets.jsonl"]))

    def to_bytes(pair, damage, at):
        content, filename = pair
        data = content.encode("utf-8")
        cut = min(at, len(data))
        if damage == "nul":
            data = data[:cut] + b"\x00" + data[cut:]
        elif damage == "latin1":
            data = data[:cut] + "caf\u00e9".encode("latin-1") + data[cut:]
        elif damage == "utf16":
            data = content.encode("utf-16")
        elif damage == "huge":
            data = data[:cut] + b"x" * 200_000 + data[cut:]
        elif damage == "bom":
            data = b"\xef\xbb\xbf" + data
        elif damage == "crlf":
            data = data.replace(b"\n", b"\r\n")
        return data, filename

    damages = st.sampled_from(["none", "none", "nul", "latin1", "utf16", "huge", "bom", "crlf"])
    return st.one_of(st.builds(to_bytes, text, damages, st.integers(0, 400)),
                     st.tuples(st.binary(max_size=300), st.sampled_from(["budgets.csv", "budgets.jsonl"])))


def _check_errors(errors: list[str], data: bytes) -> None:
    lines = len(re.split(rb"\r\n|\r|\n", data))
    for error in errors:
        match = ERROR_LINE.match(error)
        assert match, f"not 'line N: field: message': {error!r}"
        assert 1 <= int(match.group(1)) <= lines, (error, lines)
        assert match.group(2), error


@pytest.mark.parametrize("via", ["page", "command"])
def test_hostile_budget_files(app, client, tmp_path, monkeypatch, via):
    import io

    from marketplace.core import clock
    from marketplace.funding.models import FundingBudget, financial_year
    from tests.factories import UserFactory
    from tests.helpers import error_summary, sign_in_client

    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", False)
    manager = UserFactory(role="funding_manager")
    db.session.commit()
    sign_in_client(client, manager)
    runner = app.test_cli_runner()
    path = tmp_path / "budgets"

    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                     HealthCheck.data_too_large])
    @given(_budget_files(financial_year(clock.today())))
    def run(upload):
        data, filename = upload
        before = _count(FundingBudget)
        if via == "page":
            response = client.post("/funding/budgets/import", data={"file": (io.BytesIO(data), filename)},
                                   content_type="multipart/form-data")
            body = response.get_data(as_text=True)
            assert response.status_code in (302, 400), (upload, body[-1500:])
            assert "Traceback" not in body
            db.session.rollback()
            if response.status_code == 400:
                errors = [e for e in error_summary(body) if e not in FILE_LEVEL
                          and not e.startswith("Nothing was imported: ")]
                _check_errors(errors, data)
                assert _count(FundingBudget) == before, f"a refused file wrote budgets: {upload}"
            return
        target = path.with_suffix(".csv" if filename.endswith(".csv") else ".jsonl")
        target.write_bytes(data)
        result = runner.invoke(args=["funding", "import-budgets", str(target), "--by", manager.email])
        db.session.rollback()
        assert result.exception is None or isinstance(result.exception, SystemExit), (upload, result.output)
        assert "Traceback" not in result.output
        assert result.exit_code in (0, 1), (upload, result.output)
        if result.exit_code == 1:
            _check_errors([line for line in result.stderr.splitlines() if line.strip()], data)
            assert _count(FundingBudget) == before, f"a refused file wrote budgets: {upload}"

    run()
