"""Every form, fuzzed: at least 1,000 hostile posts each. No post may cause a server error or a
stack trace; a refused post writes nothing; stored values always come back escaped."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from hypothesis import HealthCheck, given, settings
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from marketplace.extensions import db
from tests.fuzz.strategies import XSS_MARKER, payload
from tests.helpers import sign_in_client

pytestmark = pytest.mark.fuzz

EXAMPLES = 1000


@dataclass
class Target:
    name: str
    role: str | None
    path: Callable[[dict], str]
    form: Callable[[], type]
    tables: Callable[[], list] = field(default_factory=lambda: (lambda: []))
    # Pages that show what the form stored, to check it comes back escaped.
    shows: Callable[[dict], list[str]] = field(default_factory=lambda: (lambda world: []))


def _accounts_forms():
    from marketplace.accounts import forms

    return forms


def _participant_forms():
    from marketplace.participants import forms

    return forms


def _disclosure_forms():
    from marketplace.disclosure import forms

    return forms


def _disclosure_models():
    from marketplace.disclosure import models

    return models


def _models():
    from marketplace.accounts.models import Invitation, Organisation, User
    from marketplace.participants.models import ConsentRecord, NeedsAssessment, Participant

    return {"Organisation": Organisation, "User": User, "Invitation": Invitation, "Participant": Participant,
            "NeedsAssessment": NeedsAssessment, "ConsentRecord": ConsentRecord}


def _participant_path(suffix: str):
    return lambda world: f"/participants/{world['participant'].id}{suffix}"


TARGETS = [
    Target("register", None, lambda w: "/register", lambda: _accounts_forms().RegistrationForm,
           lambda: [_models()["Organisation"], _models()["User"]]),
    Target("sign in", None, lambda w: "/sign-in", lambda: _accounts_forms().LoginForm),
    Target("password reset request", None, lambda w: "/password-reset", lambda: _accounts_forms().ResetRequestForm),
    Target("change password", "employer", lambda w: "/account/password", lambda: _accounts_forms().ChangePasswordForm),
    Target("invite", "employer", lambda w: "/organisation/invite", lambda: _accounts_forms().InviteForm,
           lambda: [_models()["Invitation"]]),
    Target("reject registration", "admin", lambda w: f"/admin/registrations/{w['pending'].id}/reject",
           lambda: _accounts_forms().ReasonForm),
    Target("disable user", "admin", lambda w: f"/admin/users/{w['other'].id}/disable",
           lambda: _accounts_forms().ReasonForm),
    Target("add participant", "case_manager", lambda w: "/participants/new",
           lambda: _participant_forms().ParticipantForm, lambda: [_models()["Participant"]],
           lambda w: ["/participants/?window=all"]),
    Target("edit participant", "case_manager", _participant_path("/edit"),
           lambda: _participant_forms().ParticipantForm, lambda: [_models()["Participant"]],
           lambda w: [f"/participants/{w['participant'].id}"]),
    Target("restrictions", "case_manager", _participant_path("/restrictions"),
           lambda: _participant_forms().RestrictionsForm, shows=lambda w: [f"/participants/{w['participant'].id}"]),
    Target("readiness", "case_manager", _participant_path("/readiness"), lambda: _participant_forms().ReadinessForm,
           shows=lambda w: [f"/participants/{w['participant'].id}"]),
    Target("assessment", "case_manager", _participant_path("/assessments/new"),
           lambda: _participant_forms().AssessmentForm, lambda: [_models()["NeedsAssessment"]],
           lambda w: [f"/participants/{w['participant'].id}"]),
    Target("consent", "case_manager", _participant_path("/consent"), lambda: _participant_forms().ConsentForm,
           lambda: [_models()["ConsentRecord"]], lambda w: [f"/participants/{w['participant'].id}"]),
    Target("add conviction", "case_manager",
           lambda w: f"/disclosure/participants/{w['participant'].id}/convictions/new",
           lambda: _disclosure_forms().ConvictionForm, lambda: [_disclosure_models().ConvictionRecord],
           lambda w: [f"/disclosure/participants/{w['participant'].id}"]),
    Target("disclosure letter", "case_manager", lambda w: f"/disclosure/participants/{w['participant'].id}/letter",
           lambda: _disclosure_forms().LetterForm, lambda: [_disclosure_models().DisclosureLetter],
           lambda w: [f"/disclosure/participants/{w['participant'].id}"]),
]


def field_names(app, form_class) -> list[str]:
    """Every input name the form reads, including the parts of date inputs and repeated sub-forms."""
    with app.test_request_context():
        form = form_class(meta={"csrf": False})
        names = []
        for form_field in form:
            subfields = getattr(form_field, "entries", None)
            if subfields is not None:
                names += [sub.name for entry in subfields for sub in entry.form]
            else:
                names.append(form_field.name)
        return names


def _world(role):
    from tests.factories import OrganisationFactory, ParticipantFactory, UserFactory

    world = {"pending": OrganisationFactory(status="pending"), "other": UserFactory(role="case_manager")}
    if role is not None:
        world["user"] = UserFactory(role=role)
        if role == "case_manager":
            world["participant"] = ParticipantFactory(case_manager=world["user"])
    db.session.commit()
    return world


def unescaped_markup(body: str) -> bool:
    """True when a hostile payload came back as live markup rather than escaped text."""
    return f"<script>{XSS_MARKER}" in body or f"<img src=x onerror={XSS_MARKER}" in body


def _counts(tables) -> tuple:
    return tuple(db.session.scalar(select(func.count()).select_from(table)) for table in tables)


@pytest.mark.parametrize("target", TARGETS, ids=[t.name for t in TARGETS])
def test_hostile_posts(app, monkeypatch, target):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", False)
    world = _world(target.role)
    client = app.test_client()
    if target.role is not None:
        sign_in_client(client, world["user"])
    path = target.path(world)
    tables = target.tables()
    names = field_names(app, target.form())

    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                     HealthCheck.data_too_large])
    @given(payload(names))
    def post(data):
        before = _counts(tables)
        response = client.post(path, data=MultiDict([(k, v) for k, values in data.items() for v in values]))
        body = response.get_data(as_text=True)
        assert response.status_code < 500, (data, body[-2000:])
        assert "Traceback" not in body
        assert not unescaped_markup(body), data
        db.session.rollback()
        if response.status_code >= 400:
            assert _counts(tables) == before, f"a refused post wrote rows: {data}"
        else:
            for page in target.shows(world):
                shown = client.get(page).get_data(as_text=True)
                assert not unescaped_markup(shown), (page, data)
            if target.role is not None and client.get("/home").status_code != 200:
                # The post changed the account itself (a new password): sign back in for the next example.
                sign_in_client(client, world["user"])

    post()
