"""The contract of `flask disclosure check`: the exact output shape, --today, null for never, and bad
input reported by conviction index and field with a non-zero exit and no traceback."""

from __future__ import annotations

import copy
import json
from datetime import datetime

import pytest
from sqlalchemy import event

from marketplace.core import clock
from marketplace.extensions import db

# Born 15 May 1980. A fine on 10 Jan 2015 (alone: spent 10 Jan 2016) is caught by 12 months' custody on
# 1 Sep 2015 (last day 31 Aug 2016, +1 year -> 31 Aug 2017), so both are spent on 31 Aug 2017. The simple
# caution of 1 Feb 2016 is spent when given and filtered 6 years later, on 1 Feb 2022.
REQUEST = {
    "date_of_birth": "1989-05-15",
    "convictions": [
        {"date": "2024-01-10", "kind": "conviction", "offence_category": "fraud", "specified": False,
         "schedule_18": False,          "sentences": [{"type": "fine"}]},
        {"date": "2024-09-01", "kind": "conviction", "offence_category": "other", "specified": False,
         "schedule_18": False,          "sentences": [{"type": "custody", "length_months": 12}]},
        {"date": "2025-02-01", "kind": "caution", "offence_category": "driving", "specified": False,
         "schedule_18": False,          "sentences": []},
    ],
}
FIELDS = ["index", "spent_date", "filtered_date", "spent", "basic", "standard", "enhanced"]


def run(app, tmp_path, document, *options):
    path = tmp_path / "request.json"
    if isinstance(document, bytes):
        path.write_bytes(document)
    else:
        path.write_text(document if isinstance(document, str) else json.dumps(document), encoding="utf-8")
    return app.test_cli_runner().invoke(args=["disclosure", "check", "--input", str(path), *options])


def row(index, spent_date, spent, basic, standard, enhanced, filtered=None):
    return {"index": index, "spent_date": spent_date, "filtered_date": filtered, "spent": spent, "basic": basic,
            "standard": standard, "enhanced": enhanced}


def test_output_shape_is_exactly_the_contract(app, tmp_path):
    result = run(app, tmp_path, REQUEST, "--today", "2026-06-01", "--format", "json")
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    assert result.stdout.count("\n") == 1 and result.stdout.endswith("\n")
    output = json.loads(result.stdout)
    assert list(output) == ["convictions"]
    assert all(list(entry) == FIELDS for entry in output["convictions"])
    assert output == {"convictions": [
        row(0, "2026-08-31", False, True, True, True, filtered="2035-01-10"),
        row(1, "2026-08-31", False, True, True, True),
        row(2, "2025-02-01", True, False, True, True, filtered="2031-02-01"),
    ]}


def test_today_changes_the_answer(app, tmp_path):
    # On 31 Aug 2017 both convictions are spent; the fine is filtered only 11 years after 10 Jan 2015 and
    # the custody never, so standard and enhanced checks still show them.
    output = json.loads(run(app, tmp_path, REQUEST, "--today", "2026-08-31").stdout)
    assert output["convictions"][:2] == [row(0, "2026-08-31", True, False, True, True, filtered="2035-01-10"),
                                         row(1, "2026-08-31", True, False, True, True)]
    # On 1 Feb 2022 the caution is six years old: filtered.
    later = json.loads(run(app, tmp_path, REQUEST, "--today", "2031-02-01").stdout)
    assert later["convictions"][2] == row(2, "2025-02-01", True, False, False, False, filtered="2031-02-01")


def test_today_defaults_to_the_service_clock(app, tmp_path):
    clock.fix(datetime(2026, 6, 1, 12, 0))
    result = run(app, tmp_path, REQUEST)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["convictions"][0] == row(0, "2026-08-31", False, True, True, True,
                                                              filtered="2035-01-10")


def test_never_spent_is_null(app, tmp_path):
    request = {"date_of_birth": "1989-05-15", "convictions": [
        {"date": "2021-09-01", "kind": "conviction", "offence_category": "violence", "specified": True,
         "schedule_18": True,          "sentences": [{"type": "custody", "length_months": 60}]},
        {"date": "2028-01-10", "kind": "conviction", "offence_category": "fraud", "specified": False,
         "schedule_18": False,          "sentences": [{"type": "compensation_order"}]},
    ]}
    result = run(app, tmp_path, request, "--today", "2039-01-01")
    assert result.exit_code == 0, result.output
    assert '"spent_date": null' in result.stdout
    assert json.loads(result.stdout) == {"convictions": [row(0, None, False, True, True, True),
                                                         row(1, None, False, True, True, True)]}


def test_every_sentence_type_is_accepted(app, tmp_path):
    sentences = [{"type": "custody", "length_months": 3, "end_date": "2029-04-30"},
                 {"type": "suspended", "length_months": 6},
                 {"type": "community_order", "end_date": "2030-01-31"},
                 {"type": "fine"},
                 {"type": "conditional_discharge", "length_months": 12},
                 {"type": "absolute_discharge"},
                 {"type": "compensation_order", "end_date": "2029-06-30"},
                 {"type": "order_without_end", "end_date": "2031-02-01"}]
    request = {"date_of_birth": "1989-05-15", "convictions": [
        {"date": "2029-02-01", "kind": "conviction", "offence_category": "other", "specified": False,
         "schedule_18": False,          "sentences": [sentence]} for sentence in sentences
    ] + [{"date": "2029-02-01", "kind": "caution", "offence_category": "other", "specified": False,
         "schedule_18": False,           "sentences": [{"type": "conditional_caution", "end_date": "2029-03-01"}]}]}
    result = run(app, tmp_path, request, "--today", "2033-01-01")
    assert result.exit_code == 0, result.output
    assert [entry["index"] for entry in json.loads(result.stdout)["convictions"]] == list(range(9))


def _set(path, value):
    """A change to the valid request: set the field at `path` (a list of keys and indexes) to `value`."""
    def change(document):
        target = document
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = value
    return change


def _remove(path):
    def change(document):
        target = document
        for step in path[:-1]:
            target = target[step]
        del target[path[-1]]
    return change


SENTENCE = ["convictions", 1, "sentences", 0]
BAD_INPUT = [
    (_set(SENTENCE + ["length_months"], 6.5),
     "convictions[1].sentences[0].length_months: must be a whole number of months"),
    (_set(SENTENCE + ["length_months"], "12"),
     "convictions[1].sentences[0].length_months: must be a whole number of months"),
    (_set(SENTENCE + ["length_months"], True),
     "convictions[1].sentences[0].length_months: must be a whole number of months"),
    (_set(SENTENCE + ["length_months"], 0), "convictions[1].sentences[0].length_months: must be at least 1"),
    (_remove(SENTENCE + ["length_months"]), "convictions[1].sentences[0].length_months: is required for custody"),
    (_set(SENTENCE, {"type": "suspended", "length_months": 30}),
     "convictions[1].sentences[0].length_months: a suspended sentence is at most 24 months"),
    (_set(SENTENCE, {"type": "community_order"}),
     "convictions[1].sentences[0]: community_order needs an end_date or a length_months"),
    (_set(["convictions", 0, "sentences", 0, "length_months"], 12),
     "convictions[0].sentences[0].length_months: is not used for fine; leave it out"),
    (_set(SENTENCE, {"type": "absolute_discharge", "end_date": "2025-01-01"}),
     "convictions[1].sentences[0].end_date: is not used for absolute_discharge; leave it out"),
    (_set(SENTENCE + ["end_date"], "2024-08-31"),
     "convictions[1].sentences[0].end_date: must not be before the date of the conviction or caution"),
    (_set(SENTENCE + ["end_date"], "31/08/2016"),
     "convictions[1].sentences[0].end_date: must be a date written YYYY-MM-DD"),
    (_set(SENTENCE + ["type"], "prison"),
     "convictions[1].sentences[0].type: must be one of custody, suspended, community_order, fine, "
     "conditional_discharge, absolute_discharge, compensation_order, conditional_caution, order_without_end, life, "
     "preventive_detention, detention_at_pleasure, custody_for_life, public_protection, extended"),
    (_set(SENTENCE + ["type"], "death"), "convictions[1].sentences[0].type: must be one of custody,"),
    (_remove(SENTENCE + ["type"]), "convictions[1].sentences[0].type: is required"),
    (_set(SENTENCE, "custody"), "convictions[1].sentences[0]: must be an object"),
    (_set(["convictions", 1, "date"], "01/09/2015"), "convictions[1].date: must be a date written YYYY-MM-DD"),
    (_set(["convictions", 1, "date"], 20150901), "convictions[1].date: must be a date written YYYY-MM-DD"),
    (_set(["convictions", 1, "date"], "2024-02-30"), "convictions[1].date: is not a real date"),
    (_set(["convictions", 1, "date"], "2026-06-02"),
     "convictions[1].date: must not be after the assessment date (2026-06-01)"),
    (_set(["convictions", 1, "date"], "1999-05-14"),
     "convictions[1].date: must be on or after the person's 10th birthday (1999-05-15)"),
    (_remove(["convictions", 1, "date"]), "convictions[1].date: is required"),
    (_set(["convictions", 1, "kind"], "arrest"), "convictions[1].kind: must be one of conviction, caution"),
    (_set(["convictions", 1, "offence_category"], "theft"),
     "convictions[1].offence_category: must be one of arson, driving, sexual, violence, terrorism, fraud, other"),
    (_remove(["convictions", 1, "offence_category"]), "convictions[1].offence_category: is required"),
    (_set(["convictions", 1, "specified"], "no"), "convictions[1].specified: must be true or false"),
    (_set(["convictions", 1, "specified"], 0), "convictions[1].specified: must be true or false"),
    (_remove(["convictions", 1, "specified"]), "convictions[1].specified: is required"),
    (_remove(["convictions", 1, "sentences"]), "convictions[1].sentences: is required"),
    (_set(["convictions", 1, "sentences"], {"type": "fine"}), "convictions[1].sentences: must be a list"),
    (_set(["convictions", 1, "sentences"], []), "convictions[1].sentences: a conviction needs at least one sentence"),
    (_set(SENTENCE, {"type": "conditional_caution"}),
     "convictions[1].sentences[0].type: a conditional_caution belongs to a caution, not a conviction"),
    (_set(["convictions", 2, "sentences"], [{"type": "fine"}]),
     "convictions[2].sentences: a caution has no sentences (a simple caution) or a single conditional_caution"),
    (_set(["convictions", 2, "sentences"], [{"type": "conditional_caution"}, {"type": "conditional_caution"}]),
     "convictions[2].sentences: a caution has no sentences (a simple caution) or a single conditional_caution"),
    (_set(["convictions", 1], ["2024-09-01"]), "convictions[1]: must be an object"),
    (_set(["convictions"], {}), "convictions: must be a list"),
    (_remove(["convictions"]), "convictions: is required"),
    (_remove(["date_of_birth"]), "date_of_birth: is required"),
    (_set(["date_of_birth"], "2026-06-02"), "date_of_birth: must not be after the assessment date (2026-06-01)"),
]


@pytest.mark.parametrize(("change", "message"), BAD_INPUT, ids=[message for _, message in BAD_INPUT])
def test_bad_input_names_the_conviction_and_the_field(app, tmp_path, change, message):
    document = copy.deepcopy(REQUEST)
    change(document)
    result = run(app, tmp_path, document, "--today", "2026-06-01")
    assert result.exit_code != 0
    assert message in result.stderr
    assert result.stdout == ""
    assert "Traceback" not in result.output


@pytest.mark.parametrize(("path", "field", "message"), [
    ([], "notes", "notes: unknown field"),
    (["convictions", 0], "court", "convictions[0].court: unknown field"),
    (["convictions", 1, "sentences", 0], "licence_months", "convictions[1].sentences[0].licence_months: unknown field"),
])
def test_unknown_fields_are_refused_by_name(app, tmp_path, path, field, message):
    document = copy.deepcopy(REQUEST)
    target = document
    for step in path:
        target = target[step]
    target[field] = "anything"
    result = run(app, tmp_path, document, "--today", "2026-06-01")
    assert result.exit_code != 0
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_every_problem_is_reported_at_once(app, tmp_path):
    document = copy.deepcopy(REQUEST)
    document["convictions"][0]["offence_category"] = "theft"
    document["convictions"][1]["sentences"][0]["length_months"] = 1.5
    result = run(app, tmp_path, document, "--today", "2026-06-01")
    assert result.exit_code != 0
    assert "convictions[0].offence_category: must be one of" in result.stderr
    assert "convictions[1].sentences[0].length_months: must be a whole number of months" in result.stderr


@pytest.mark.parametrize(("document", "message"), [
    ("{not json", "input: not valid JSON"),
    ("[]", "input: must be a JSON object with date_of_birth and convictions"),
    ('{"date_of_birth": "1989-05-15", "convictions": [{"date": "2024-01-10", "kind": "conviction", '
     '"offence_category": "fraud", "specified": true, "specified": false, "sentences": [{"type": "fine"}]}]}',
     'input: the field "specified" appears twice in one object'),
    (b'{"date_of_birth": "1989-05-15", "convictions": ["\xff"]}', "input: not UTF-8 text"),
])
def test_unreadable_input_is_refused(app, tmp_path, document, message):
    result = run(app, tmp_path, document, "--today", "2026-06-01")
    assert result.exit_code != 0
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_only_json_output_is_offered(app, tmp_path):
    result = run(app, tmp_path, REQUEST, "--today", "2026-06-01", "--format", "csv")
    assert result.exit_code == 2
    assert "Invalid value for '--format'" in result.output


def test_a_malformed_today_is_refused(app, tmp_path):
    result = run(app, tmp_path, REQUEST, "--today", "01/06/2026")
    assert result.exit_code == 2
    assert "Invalid value for '--today'" in result.output


def test_input_is_required(app):
    result = app.test_cli_runner().invoke(args=["disclosure", "check"])
    assert result.exit_code == 2
    assert "Missing option '--input'" in result.output


def test_check_does_not_touch_the_database(app, tmp_path):
    statements = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        result = run(app, tmp_path, REQUEST, "--today", "2026-06-01")
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assert result.exit_code == 0, result.output
    assert statements == []


def test_a_today_before_the_2023_rules_is_refused(app, tmp_path):
    result = run(app, tmp_path, REQUEST, "--today", "2023-10-27")
    assert result.exit_code != 0
    assert "--today: the rules applied are those in force from 28 October 2023" in result.output
    assert "Traceback" not in result.output
    earlier = {"date_of_birth": "1980-05-15", "convictions": [
        {"date": "2020-01-10", "kind": "conviction", "offence_category": "fraud", "specified": False,
         "schedule_18": False, "sentences": [{"type": "fine"}]}]}
    assert run(app, tmp_path, earlier, "--today", "2023-10-28").exit_code == 0


def test_extended_life_and_ipp_sentences_are_never_spent(app, tmp_path):
    request = {"date_of_birth": "1980-05-15", "convictions": [
        {"date": "2019-06-03", "kind": "conviction", "offence_category": "violence", "specified": True,
         "schedule_18": True, "sentences": [{"type": "extended", "length_months": 36, "extension_months": 48}]},
        {"date": "2005-01-01", "kind": "conviction", "offence_category": "other", "specified": False,
         "schedule_18": False, "sentences": [{"type": "life"}]},
        {"date": "2008-01-01", "kind": "conviction", "offence_category": "other", "specified": False,
         "schedule_18": False, "sentences": [{"type": "public_protection"}]},
    ]}
    result = run(app, tmp_path, request, "--today", "2040-01-01")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["convictions"] == [row(i, None, False, True, True, True) for i in range(3)]
    missing = copy.deepcopy(request)
    del missing["convictions"][0]["sentences"][0]["extension_months"]
    missing["convictions"][1]["sentences"][0]["length_months"] = 12
    result = run(app, tmp_path, missing, "--today", "2040-01-01")
    assert "convictions[0].sentences[0].extension_months: is required for extended" in result.output
    assert "convictions[1].sentences[0].length_months: is not used for life; leave it out" in result.output


def test_the_dbs_list_without_schedule_18_is_spent_for_a_basic_check(app, tmp_path):
    # 60 months from 1 Jan 2019 (last day 31 Dec 2023), on the DBS list but not Schedule 18: spent 7 years
    # later, 31 Dec 2030; standard and enhanced checks show it for ever (custodial, and on the DBS list).
    request = {"date_of_birth": "1980-05-15", "convictions": [
        {"date": "2019-01-01", "kind": "conviction", "offence_category": "violence", "specified": True,
         "schedule_18": False, "sentences": [{"type": "custody", "length_months": 60}]}]}
    output = json.loads(run(app, tmp_path, request, "--today", "2031-01-01").stdout)
    assert output["convictions"] == [row(0, "2030-12-31", True, False, True, True)]


def test_help_shows_the_input_format_with_an_example(app):
    result = app.test_cli_runner().invoke(args=["disclosure", "check", "--help"])
    assert result.exit_code == 0
    for text in ('"date_of_birth": "YYYY-MM-DD"', '"schedule_18"', '"extension_months"', "Example:",
                 '"filtered_date"', "2023-10-28"):
        assert text in result.output
