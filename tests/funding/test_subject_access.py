"""A person's subject access export holds their funding: what was asked for them and why, what was
decided and paid, each step and who took it, the evidence held, and who opened each request; the
readable page says it all in words and pounds."""

from __future__ import annotations

import json
import re

from marketplace.core import clock
from marketplace.extensions import db
from marketplace.funding import operations
from tests.factories import funding_document
from tests.helpers import sign_in_client


def paid_request(provider):
    request = provider.request()
    funding_document(request, kind="quote")
    db.session.commit()
    operations.decide(request.id, provider.manager, "part_approve", amount_pence=6000)
    db.session.commit()
    operations.mark_paid(request, provider.manager, operations.Payment(
        method="supplier_invoice", reference="INV-2041", paid_on=clock.today()))
    db.session.commit()
    return request


def test_the_export_holds_each_request_its_steps_evidence_and_who_opened_it(client, provider):
    request = paid_request(provider)
    sign_in_client(client, provider.manager)
    client.get(f"/funding/{request.id}")
    sign_in_client(client, provider.case_manager)
    record = json.loads(client.get(f"/participants/{request.participant_id}/export").data)
    [funding] = record["funding_requests"]
    assert (funding["purpose"], funding["amount_asked"], funding["amount_approved"], funding["status"]) == (
        "equipment", "£85.00", "£60.00", "paid")
    assert funding["to_be_paid_to"] == "Site Boots Ltd" and funding["payment_reference"] == "INV-2041"
    assert funding["other_sources_checked"] == ["flexible_support_fund", "employer"]
    assert [(step["step"], step["amount"]) for step in funding["steps"]] == [
        ("Approved part of it", "£60.00"), ("Paid", "£60.00")]
    assert funding["steps"][0]["by"] == provider.manager.full_name
    assert [(e["kind"], e["filename"]) for e in funding["evidence"]] == [("quote", "quote.pdf")]
    assert [(v["who"], v["action"]) for v in funding["access_log"]] == [
        (provider.manager.email, "funding.approved"), (provider.manager.email, "funding.paid"),
        (provider.manager.email, "funding.viewed")]


def test_the_readable_export_says_the_funding_in_words(client, provider):
    request = paid_request(provider)
    sign_in_client(client, provider.case_manager)
    page = client.get(f"/participants/{request.participant_id}/export/readable")
    main = page.get_data(as_text=True).split("<main", 1)[1].split("</main>", 1)[0]
    text = " ".join(re.sub(r"<[^>]+>", " ", main).split())
    part = text.split("Funding requests", 1)[1]
    for words in ("Work equipment and clothing", "£85.00", "£60.00", "Site Boots Ltd", "Invoice paid to the supplier",
                  "Flexible Support Fund (Jobcentre Plus)", "Quote or price", "quote.pdf", "Paid"):
        assert words in part, words
    assert not re.search(r"\d{4}-\d{2}-\d{2}", text), "a date left as the computer writes it"
    assert not re.search(r"\b[a-z]+_[a-z_]+\b", text), "a code left unread"
