"""The account commands and the demo seed."""

from __future__ import annotations

from sqlalchemy import func, select

from marketplace.accounts.models import Organisation, User
from marketplace.core.roles import Role
from marketplace.extensions import db
from tests.conftest import empty_all_tables


def test_create_admin(app):
    result = app.test_cli_runner().invoke(args=["users", "create-admin", "--email", "Ops@Service.example",
                                                "--name", "Ops Lead", "--password", "violet-harbour-engine-92"])
    assert result.exit_code == 0, result.output
    assert "Created administrator ops@service.example" in result.output
    user = db.session.scalar(select(User))
    assert user.role == "admin" and user.status == "active"


def test_create_admin_refuses_a_weak_password_clearly(app):
    result = app.test_cli_runner().invoke(args=["users", "create-admin", "--email", "ops@service.example",
                                                "--name", "Ops Lead", "--password", "password1234"])
    assert result.exit_code != 0
    assert "too common" in result.output
    assert "Traceback" not in result.output
    assert db.session.scalar(select(func.count()).select_from(User)) == 0


def _seeded_names(app, seed):
    result = app.test_cli_runner().invoke(args=["seed", "demo", "--seed", str(seed)])
    assert result.exit_code == 0, result.output
    names = db.session.scalars(select(User.full_name).order_by(User.id)).all()
    organisations = db.session.scalars(select(Organisation.name).order_by(Organisation.id)).all()
    return result.output, names, organisations


def test_demo_seed_is_deterministic_and_logins_are_printed(app):
    output, names, organisations = _seeded_names(app, 7)
    assert "seed logins" in output
    logins = app.test_cli_runner().invoke(args=["seed", "logins"]).output
    assert "admin@fairchance.example" in logins and "mentor@fairchance.example" in logins
    assert "lantern-harbour-cobalt" in logins
    assert len(names) > 100
    db.session.remove()
    empty_all_tables()
    _, names_again, organisations_again = _seeded_names(app, 7)
    assert names == names_again and organisations == organisations_again


def test_demo_seed_if_empty_leaves_existing_data(app):
    _seeded_names(app, 1)
    before = db.session.scalar(select(func.count()).select_from(User))
    result = app.test_cli_runner().invoke(args=["seed", "demo", "--if-empty"])
    assert result.exit_code == 0
    assert "skipped" in result.output
    assert db.session.scalar(select(func.count()).select_from(User)) == before


def test_demo_covers_every_role_and_region(app):
    _seeded_names(app, 3)
    roles = set(db.session.scalars(select(User.role).distinct()))
    assert roles == {role.value for role in Role}  # the Virtual Campus person and payback manager included
    regions = set(db.session.scalars(select(Organisation.region).where(Organisation.kind == "provider")))
    assert len(regions) == 10
    pending = db.session.scalar(select(func.count()).select_from(Organisation).where(Organisation.status == "pending"))
    assert pending >= 1
