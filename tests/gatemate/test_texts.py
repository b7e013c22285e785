"""Release-day texts through GOV.UK Notify, tested with the official client against a local fake of
Notify's API (a real HTTP server in the test that checks what Notify checks: the bearer token signed
with the key's secret, and the body's fields); without a key, nothing is sent and nothing breaks."""

from __future__ import annotations

import json
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
import pytest
from sqlalchemy import select

from marketplace.core.models import OutboxMessage
from marketplace.extensions import db
from marketplace.gatemate.models import TextMessage
from tests.factories import ParticipantFactory, UserFactory
from tests.gatemate.conftest import count, days
from tests.gatemate.test_requests import release_form
from tests.helpers import send_reminders, sign_in_client

SERVICE_ID = str(uuid.uuid4())
SECRET = str(uuid.uuid4())
API_KEY = f"fcw_test-{SERVICE_ID}-{SECRET}"
SMS_TEMPLATE = str(uuid.uuid4())
EMAIL_TEMPLATE = str(uuid.uuid4())


class FakeNotify:
    """Speaks the two endpoints we use of Notify's v2 API: POST /v2/notifications/sms and /email."""

    def __init__(self, fail_with: int | None = None):
        self.received: list[tuple[str, dict]] = []
        self.fail_with = fail_with
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                token = self.headers.get("Authorization", "").removeprefix("Bearer ")
                try:
                    claims = jwt.decode(token, SECRET, algorithms=["HS256"])
                    assert claims["iss"] == SERVICE_ID
                except (jwt.InvalidTokenError, AssertionError, KeyError):
                    return self._answer(403, {"errors": [{"error": "AuthError", "message": "Invalid token"}]})
                if fake.fail_with:
                    return self._answer(fake.fail_with, {"errors": [{"error": "Error", "message": "down"}]})
                kind = self.path.rsplit("/", 1)[-1]
                if self.path not in ("/v2/notifications/sms", "/v2/notifications/email"):
                    return self._answer(404, {"errors": [{"error": "NotFound", "message": self.path}]})
                if body.get("template_id") not in (SMS_TEMPLATE, EMAIL_TEMPLATE):
                    return self._answer(400, {"errors": [{"error": "BadRequestError",
                                                          "message": "Template not found"}]})
                fake.received.append((kind, body))
                self._answer(201, {"id": str(uuid.uuid4()), "reference": body.get("reference"),
                                   "content": {"body": body["personalisation"]["message"]}})

            def _answer(self, status, payload):
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def notify(app):
    with FakeNotify() as fake:
        app.config.update(NOTIFY_API_KEY=API_KEY, NOTIFY_BASE_URL=fake.url, NOTIFY_SMS_TEMPLATE_ID=SMS_TEMPLATE,
                          NOTIFY_EMAIL_TEMPLATE_ID=EMAIL_TEMPLATE)
        yield fake
    app.config.update(NOTIFY_API_KEY=None, NOTIFY_SMS_TEMPLATE_ID="", NOTIFY_EMAIL_TEMPLATE_ID="")


def _release_day(make_mentor, make_request):
    manager = UserFactory(role="case_manager")
    person = ParticipantFactory(case_manager=manager, first_name="Kim", last_name="Doe", release_date=days(0))
    mentor = make_mentor(mobile="07700900123")
    request = make_request(person, status="accepted", mentor_id=mentor.id, release_date=days(0))
    db.session.commit()
    return manager, mentor, request


def test_release_day_changes_go_by_text_and_email_through_notify(client, notify, make_mentor, make_request):
    manager, mentor, request = _release_day(make_mentor, make_request)
    sign_in_client(client, manager)
    response = client.post_form(f"/gatemate/requests/{request.id}/release", release_form(
        request, release_status="delayed", window_start="11:00", window_end="13:00", message="Paperwork is late."))
    assert response.status_code == 302
    kinds = sorted(kind for kind, _body in notify.received)
    assert kinds == ["email", "sms"]
    sms = next(body for kind, body in notify.received if kind == "sms")
    assert sms["phone_number"] == "07700900123" and sms["template_id"] == SMS_TEMPLATE
    assert "Delayed" in sms["personalisation"]["message"] and "Paperwork is late." in sms["personalisation"]["message"]
    assert "Doe" not in sms["personalisation"]["message"]
    email = next(body for kind, body in notify.received if kind == "email")
    assert email["email_address"] == mentor.email and "release day update" in email["personalisation"]["subject"]
    sent = db.session.scalars(select(TextMessage)).all()
    assert all(message.sent_at is not None and message.notify_id for message in sent) and len(sent) == 2
    # Through Notify, not twice: the outbox has no copy of that email.
    assert count(OutboxMessage, OutboxMessage.to_address == mentor.email) == 0


def test_the_day_before_reminder_goes_by_text(app, notify, make_mentor, make_request):
    _manager, mentor, request = _release_day(make_mentor, make_request)
    request.release_date = days(1)
    db.session.commit()
    send_reminders(app)
    texts = [body["personalisation"]["message"] for kind, body in notify.received if kind == "sms"]
    assert texts == [f"Tomorrow: meet Kim D. at HMP Liverpool on {days(1):%A} {days(1).day} {days(1):%B %Y}, "
                     "8am to 10am."]


def test_when_notify_fails_the_change_stands_and_the_text_is_tried_again(app, client, make_mentor, make_request):
    manager, mentor, request = _release_day(make_mentor, make_request)
    with FakeNotify(fail_with=500) as down:
        app.config.update(NOTIFY_API_KEY=API_KEY, NOTIFY_BASE_URL=down.url, NOTIFY_SMS_TEMPLATE_ID=SMS_TEMPLATE,
                          NOTIFY_EMAIL_TEMPLATE_ID=EMAIL_TEMPLATE)
        sign_in_client(client, manager)
        response = client.post_form(f"/gatemate/requests/{request.id}/release",
                                    release_form(request, release_status="delayed"))
        assert response.status_code == 302 and request.release_status == "delayed"
        failed = db.session.scalars(select(TextMessage)).all()
        assert len(failed) == 2 and all(m.sent_at is None and m.last_error.startswith("500") for m in failed)
    try:
        with FakeNotify() as back:
            app.config.update(NOTIFY_BASE_URL=back.url)
            send_reminders(app)
            assert sorted(kind for kind, _ in back.received) == ["email", "sms"]
    finally:
        app.config.update(NOTIFY_API_KEY=None, NOTIFY_SMS_TEMPLATE_ID="", NOTIFY_EMAIL_TEMPLATE_ID="")
    assert all(message.sent_at is not None for message in db.session.scalars(select(TextMessage)))


def test_without_a_key_nothing_is_sent_and_admins_read_the_texts(client, make_mentor, make_request):
    manager, mentor, request = _release_day(make_mentor, make_request)
    sign_in_client(client, manager)
    assert client.post_form(f"/gatemate/requests/{request.id}/release",
                            release_form(request, release_status="delayed")).status_code == 302
    text = db.session.scalar(select(TextMessage))
    assert (text.channel, text.to_address, text.sent_at) == ("sms", "07700900123", None)
    assert count(OutboxMessage, OutboxMessage.to_address == mentor.email) == 1  # email: the outbox, as before
    sign_in_client(client, UserFactory(role="admin"))
    page = client.get("/gatemate/texts").data.decode()
    assert "GOV.UK Notify is not set up" in page and "Text to 07700900123" in page and "Status: Delayed." in page
