"""Small helpers the tests share."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from html.parser import HTMLParser

from flask import session as flask_session
from sqlalchemy import select

from marketplace.accounts import sessions
from marketplace.accounts.models import UserSession
from marketplace.core import clock
from marketplace.core.db import write_intent
from marketplace.core.exceptions import Refused
from marketplace.core.models import Notification
from marketplace.core.tokens import new_token
from marketplace.extensions import db

TEST_PASSWORD = "quartz-meadow-lantern-7"  # noqa: S105


def sign_in_client(client, user) -> UserSession:
    """Give `client` a real server-side session for `user`, as the sign-in page would."""
    token, token_hash = new_token()
    record = UserSession(token_hash=token_hash, user_id=user.id, created_at=clock.now(), user_agent="test")
    db.session.add(record)
    db.session.commit()
    with client.session_transaction() as session:
        session.clear()
        session["_user_id"] = str(user.id)
        session["_fresh"] = True
        session[sessions.TOKEN_KEY] = token
        session[sessions.LAST_SEEN_KEY] = int(clock.now().timestamp())
    return record


def session_cookie(client, app) -> str:
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"], domain="localhost")
    assert cookie is not None, "the client has no session cookie"
    return cookie.value


def location(response) -> str:
    return response.headers.get("Location", "")


def flask_session_value(key):
    return flask_session.get(key)


def race(app, attempts, labels=None) -> list[str]:
    """Run each `attempt()` in its own thread and application context against the real database, all
    released at once, and return one outcome each: "won" if it committed, else "<label>: <message>"
    for the refusal it raised, labelled by the first class in `labels` ({Refused subclass: label}) it
    is an instance of, else "refused"."""
    barrier = threading.Barrier(len(attempts))

    def run(attempt):
        with app.app_context():
            write_intent()
            barrier.wait(timeout=30)
            try:
                attempt()
                db.session.commit()
                return "won"
            except Refused as refusal:
                db.session.rollback()
                label = next((label for kind, label in (labels or {}).items() if isinstance(refusal, kind)),
                             "refused")
                return f"{label}: {refusal.message}"

    with ThreadPoolExecutor(len(attempts)) as pool:
        outcomes = list(pool.map(run, attempts))
    db.session.rollback()  # end the test's own snapshot and see what the threads committed
    return outcomes


def send_reminders(app) -> str:
    """Run `flask reminders send` once, as cron would, and return what it printed."""
    result = app.test_cli_runner().invoke(args=["reminders", "send"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    return result.output


def told(user) -> list[str]:
    """The texts of `user`'s notifications, oldest first."""
    return list(db.session.scalars(select(Notification.text).where(Notification.user_id == user.id)
                                   .order_by(Notification.id)))


# A good line of each CLI import, for the import tests and the import fuzz test to start from.

def opportunity_import_record() -> dict:
    """A vacancy a level 3 member of the Corporate Alliance may post, as one line of `opportunities import`."""
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


def participant_import_record() -> dict:
    """A person in custody due out in a month, as one line of `participants import`; the optional fields
    are written out as null so that an import is seen to take them."""
    today = clock.today()
    return {
        "participant_number": "A1111AA", "first_name": "Sam", "last_name": "Bell",
        "date_of_birth": (today - timedelta(days=365 * 28)).isoformat(), "location": "custody",
        "prison": "HMP Leeds", "release_date": (today + timedelta(days=30)).isoformat(),
        "release_region": "Yorkshire and the Humber", "release_town": "Leeds", "release_postcode": "LS1 4DY",
        "no_fixed_abode": False, "travel_miles": 10, "rotl_from": None, "skills": ["forklift driving"],
        "qualifications": [{"subject": "engineering", "level": "2", "title": "Forklift"}],
        "work_history": "Warehouse work", "interests": ["Logistics and warehousing", "forklift driver"],
        "goals": "Full-time warehouse job", "offence_categories": ["driving"], "no_work_with_children": False,
        "no_work_with_vulnerable_adults": False, "release_date_confirmed": False, "order_end_date": None,
        "mappa_category": None, "mappa_level": None, "rosh_level": None,
    }


class _ErrorSummary(HTMLParser):
    """Reads the GOV.UK error summary's list: each message and the id its link points at."""

    def __init__(self):
        super().__init__()
        self.depth = 0  # >0 while inside the summary's list
        self.href = None
        self.items: list[tuple[str, str | None]] = []
        self.text = ""

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "ul" and "govuk-error-summary__list" in (attrs.get("class") or ""):
            self.depth = 1
        elif self.depth and tag == "ul":
            self.depth += 1
        elif self.depth and tag == "li":
            self.text, self.href = "", None
        elif self.depth and tag == "a":
            self.href = attrs.get("href")

    def handle_endtag(self, tag):
        if self.depth and tag == "li":
            self.items.append((" ".join(self.text.split()), self.href))
        elif self.depth and tag == "ul":
            self.depth -= 1

    def handle_data(self, data):
        if self.depth:
            self.text += data


def error_summary(page: str | bytes) -> dict[str, str | None]:
    """{message: link target} for every error in the page's GOV.UK error summary, in order."""
    parser = _ErrorSummary()
    parser.feed(page.decode() if isinstance(page, bytes) else page)
    return dict(parser.items)


class _HiddenInputs(HTMLParser):
    def __init__(self):
        super().__init__()
        self.fields: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "input" and attributes.get("type") == "hidden" and attributes.get("name"):
            self.fields.append((attributes["name"], attributes.get("value") or ""))


def hidden_inputs(page: str | bytes) -> dict[str, list[str]]:
    """The hidden inputs of a page, as a browser would post them: {name: [values]}."""
    parser = _HiddenInputs()
    parser.feed(page.decode() if isinstance(page, bytes) else page)
    carried: dict[str, list[str]] = {}
    for name, value in parser.fields:
        carried.setdefault(name, []).append(value)
    return carried


CHECK_HEADING = "Check your answers before sending the referral"


def send_referral(client, path: str, answers: dict, **kwargs):
    """Refer as a person does: the form's "Continue", then "Send referral" on the check page, posting
    exactly what that page carries. Returns the form's response if it came back (with errors), else
    the response to "Send referral"."""
    answers = {name: value for name, value in answers.items() if value is not None and name != "submit"}
    check = client.post_form(path, {**answers, "submit": "Continue"}, **kwargs)
    page = check.get_data(as_text=True)
    if check.status_code != 200 or CHECK_HEADING not in page:
        return check
    return client.post(path, data={**hidden_inputs(page), "send": "Send referral"},
                       headers={"Referer": "https://localhost/"})
