"""`flask organisations create`: approved organisations (and memberships) for scripted set-up."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from marketplace.accounts.models import Organisation
from marketplace.alliance import levels
from marketplace.alliance.models import AllianceMembership
from marketplace.extensions import db


def create(app, *args):
    return app.test_cli_runner().invoke(args=["organisations", "create", *args])


@pytest.mark.parametrize(("kind", "level"), [("employer", "3"), ("social_enterprise", "1")])
def test_creates_an_approved_member_and_prints_only_its_id(app, kind, level):
    result = create(app, "Swiftline Logistics", "--kind", kind, "--level", level, "--region", "Wales")
    assert result.exit_code == 0, result.output
    db.session.rollback()
    organisation = db.session.scalar(select(Organisation))
    assert result.stdout.strip() == str(organisation.id)
    assert (organisation.kind, organisation.status, organisation.region) == (kind, "approved", "Wales")
    assert organisation.history[0].reason == "Created from the command line"
    membership = db.session.scalar(select(AllianceMembership))
    assert (membership.level, membership.status) == (int(level), "approved")
    assert levels.level_of(organisation.id) == int(level)
    assert [change.action for change in membership.history] == ["apply", "approve"]


def test_providers_and_mentoring_organisations_without_a_level(app):
    result = create(app, "Probation Service, Wales", "--kind", "provider")
    assert result.exit_code == 0, result.output
    db.session.rollback()
    organisation = db.session.scalar(select(Organisation))
    assert (organisation.provider_type, organisation.region) == ("probation", "London")
    assert db.session.scalar(select(AllianceMembership)) is None


@pytest.mark.parametrize(("args", "message"), [
    (["--kind", "pirate"], "--kind must be one of: employer, social_enterprise, provider, mentoring"),
    (["--kind", "employer", "--level", "4"], "--level must be 1, 2 or 3"),
    (["--kind", "employer", "--level", "two"], "--level must be 1, 2 or 3"),
    (["--kind", "provider", "--level", "2"], "A level is only for employers and social enterprises"),
    (["--kind", "mentoring", "--level", "1"], "A level is only for employers and social enterprises"),
    (["--kind", "employer", "--region", "Atlantis"], "Region must be one of"),
    (["--level", "1"], "Missing option '--kind'"),
])
def test_bad_input_is_a_clear_error_and_writes_nothing(app, args, message):
    result = create(app, "Acme", *args)
    assert result.exit_code != 0
    assert message in result.output and "Traceback" not in result.output
    db.session.rollback()
    assert db.session.scalar(select(Organisation)) is None


def test_a_duplicate_name_is_refused(app):
    assert create(app, "Acme Ltd", "--kind", "employer").exit_code == 0
    result = create(app, "ACME LTD", "--kind", "employer")
    assert result.exit_code != 0 and "An organisation called ACME LTD already exists" in result.output
