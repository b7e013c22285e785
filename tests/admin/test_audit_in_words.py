"""The admin pages read the audit log in words (the outside tester saw 'funding.paid 12000p
supplier_invoice' and 'login.succeeded users 1'); the raw code stays in each cell's title."""

from __future__ import annotations

from marketplace.core.audit_words import action_words, detail_words, record_words
from marketplace.core.models import AuditEvent
from marketplace.extensions import db
from tests.factories import UserFactory
from tests.helpers import sign_in_client


def test_codes_in_words():
    assert action_words("funding.paid") == "Funding request: paid"
    assert action_words("funding.ask_information") == "Funding request: more information asked for"
    assert action_words("login.succeeded") == "Signed in"
    assert action_words("participant.consent_recorded") == "Participant: consent recorded"
    assert action_words("something.new_here") == "Something: new here"
    assert detail_words("12000p supplier_invoice") == "£120.00 supplier invoice"
    assert detail_words("5p") == "£0.05" and detail_words("123456p") == "£1,234.56"
    assert record_words("users", "1") == "User 1" and record_words("funding_requests", "7") == "Funding request 7"
    assert record_words(None, None) == ""


def test_the_audit_page_and_the_dashboard_show_words_with_the_code_in_the_title(client):
    admin = UserFactory(role="admin")
    db.session.add(AuditEvent(actor_id=admin.id, actor_email=admin.email, action="funding.paid",
                              subject_type="funding_requests", subject_id="7", detail="12000p supplier_invoice"))
    db.session.commit()
    sign_in_client(client, admin)
    for path in ("/admin/audit", "/admin/dashboard"):
        page = client.get(path).get_data(as_text=True)
        assert "Funding request: paid" in page and "£120.00 supplier invoice" in page, path
        assert 'title="funding.paid"' in page and ">funding.paid<" not in page, path
        assert "Funding request 7" in page and "12000p supplier_invoice<" not in page, path


def test_a_users_recent_activity_reads_in_words(client):
    admin = UserFactory(role="admin")
    person = UserFactory(role="employer")
    db.session.add(AuditEvent(actor_id=person.id, actor_email=person.email, action="login.succeeded",
                              subject_type="users", subject_id=str(person.id)))
    db.session.commit()
    sign_in_client(client, admin)
    page = client.get(f"/admin/users/{person.id}").get_data(as_text=True)
    assert "Signed in" in page and f"User {person.id}" in page and ">login.succeeded<" not in page
