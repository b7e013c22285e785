"""Evidence on a funding request (a quote, an offer letter, an invoice): through the upload rules every
feature shares (core/uploads.py), kept when the form comes back, shown to the funding managers who
decide, downloadable only by the provider's people and admins, each download in the audit log."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from marketplace.core.models import AuditEvent
from marketplace.extensions import db
from marketplace.funding import operations
from marketplace.funding.models import FundingDocument, FundingEvent, FundingRequest
from marketplace.participants.operations import erase_participant
from tests.documents import pdf
from tests.factories import UserFactory, funding_document
from tests.helpers import error_summary, hidden_inputs, sign_in_client

QUOTE = pdf("Site Boots Ltd quote: safety boots £85")


@pytest.fixture(autouse=True)
def nothing_held(app):
    for left in operations.EVIDENCE.held_dir().iterdir():  # the uploads folder outlives each test
        left.unlink()


def count(model, *where):
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def with_file(data: dict, content: bytes = QUOTE, filename: str = "quote.pdf") -> dict:
    return {**data, "evidence": (io.BytesIO(content), filename)}


def ask_answers(referral) -> dict:
    return {"purpose": "equipment", "amount": "85", "description": "Safety boots for a CSCS labouring job",
            "supplier": "Site Boots Ltd", "referral": str(referral.id), "other_sources": ["employer"]}


def test_evidence_sent_with_the_request_is_shown_to_the_funding_manager_and_each_download_audited(client, provider):
    referral = provider.referral()
    db.session.commit()
    sign_in_client(client, provider.case_manager)
    response = client.post_form(f"/funding/new?participant={referral.participant_id}",
                                with_file({**ask_answers(referral), "evidence_kind": "quote"}),
                                content_type="multipart/form-data")
    assert response.status_code == 302, response.data[-2000:]
    request = db.session.scalars(select(FundingRequest)).one()
    document = db.session.scalars(select(FundingDocument)).one()
    assert (document.request_id, document.kind, document.filename, document.size) == (
        request.id, "quote", "quote.pdf", len(QUOTE))
    assert operations.EVIDENCE.path_of(document.stored_name).read_bytes() == QUOTE
    assert list(operations.EVIDENCE.held_dir().iterdir()) == []  # moved out of held/, not copied
    assert [event.action for event in request.events] == ["ask", "add_evidence"]

    sign_in_client(client, provider.manager)
    for page in (f"/funding/{request.id}", f"/funding/{request.id}/decide"):
        html = client.get(page).get_data(as_text=True)
        assert "Quote or price" in html and f"/funding/{request.id}/evidence/{document.id}" in html
    download = client.get(f"/funding/{request.id}/evidence/{document.id}")
    assert download.status_code == 200 and download.data == QUOTE
    assert download.headers["Cache-Control"] == "no-store"
    assert "attachment" in download.headers["Content-Disposition"]
    rows = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "funding.evidence_downloaded")).all()
    assert [(row.actor_id, row.subject_id, row.detail) for row in rows] == [
        (provider.manager.id, str(request.id), f"quote document {document.id}")]


def test_a_file_chosen_on_a_form_that_comes_back_is_held_and_used_once(client, provider):
    referral = provider.referral()
    db.session.commit()
    sign_in_client(client, provider.case_manager)
    path = f"/funding/new?participant={referral.participant_id}"
    first = client.post_form(path, with_file({**ask_answers(referral), "amount": "", "evidence_kind": "quote"}),
                             content_type="multipart/form-data")
    page = first.get_data(as_text=True)
    assert first.status_code == 400
    assert list(error_summary(page)) == ["Enter the amount in pounds and pence, like 85.00"]
    assert "quote.pdf uploaded</strong>" in page and len(list(operations.EVIDENCE.held_dir().iterdir())) == 1
    assert count(FundingDocument) == 0
    token = hidden_inputs(page)["evidence_held"][0]
    # Sent again with the amount and no new file: the held file is the request's evidence.
    again = client.post_form(path, {**ask_answers(referral), "evidence_kind": "quote", "evidence_held": token})
    assert again.status_code == 302, again.data[-1500:]
    document = db.session.scalars(select(FundingDocument)).one()
    assert operations.EVIDENCE.path_of(document.stored_name).read_bytes() == QUOTE
    # The token cannot attach the same file to a second request.
    third = client.post_form(path, {**ask_answers(referral), "evidence_kind": "quote", "evidence_held": token})
    assert third.status_code == 400 and "no longer held" in third.get_data(as_text=True)
    assert count(FundingRequest) == 1


def test_a_refused_file_is_listed_with_every_other_problem(client, provider):
    referral = provider.referral()
    db.session.commit()
    sign_in_client(client, provider.case_manager)
    response = client.post_form(f"/funding/new?participant={referral.participant_id}",
                                with_file({"referral": str(referral.id)}, b"MZ\x90\x00 not a document", "quote.exe"),
                                content_type="multipart/form-data")
    assert response.status_code == 400
    errors = error_summary(response.get_data(as_text=True))
    assert errors["The evidence must be a PDF or a Word document"] == "#evidence"
    assert {"Choose what the money is for", "Enter who will be paid: the supplier, landlord or course provider",
            "Say which other sources of money you checked first"} <= set(errors)
    assert count(FundingRequest) == 0 and list(operations.EVIDENCE.held_dir().iterdir()) == []


def test_evidence_needs_to_say_what_it_is(client, provider):
    referral = provider.referral()
    db.session.commit()
    sign_in_client(client, provider.case_manager)
    response = client.post_form(f"/funding/new?participant={referral.participant_id}",
                                with_file(ask_answers(referral)), content_type="multipart/form-data")
    assert response.status_code == 400
    assert list(error_summary(response.get_data(as_text=True))) == ["Choose what the evidence is"]


def test_the_case_manager_adds_evidence_while_it_waits_and_the_funding_manager_an_invoice_once_approved(
        client, provider):
    request = provider.request()
    db.session.commit()
    sign_in_client(client, provider.case_manager)
    path = f"/funding/{request.id}/evidence/new"
    empty = client.post_form(path, {})
    assert empty.status_code == 400
    assert list(error_summary(empty.get_data(as_text=True))) == ["Choose what the evidence is",
                                                                 "Choose the file to upload"]
    added = client.post_form(path, with_file({"kind": "offer_letter"}, filename="offer.pdf"),
                             content_type="multipart/form-data")
    assert added.status_code == 302
    assert [(d.kind, d.filename) for d in db.session.get(FundingRequest, request.id).documents] == [
        ("offer_letter", "offer.pdf")]
    # A funding manager cannot add to what they are about to decide.
    sign_in_client(client, provider.manager)
    assert client.get(path).status_code == 302
    refused = client.post_form(path, with_file({"kind": "invoice"}), content_type="multipart/form-data")
    assert refused.status_code == 302 and count(FundingDocument) == 1

    operations.decide(request.id, provider.manager, "approve")
    db.session.commit()
    page = client.get(path).get_data(as_text=True)
    assert "Invoice" in page and "Quote or price" not in page  # only what they pay against
    wrong = client.post_form(path, with_file({"kind": "quote"}), content_type="multipart/form-data")
    assert wrong.status_code == 400 and "Choose what the evidence is" in wrong.get_data(as_text=True)
    invoice = client.post_form(path, with_file({"kind": "invoice"}, filename="INV-2041.pdf"),
                               content_type="multipart/form-data")
    assert invoice.status_code == 302
    # ... and the case manager no longer can: what was approved is what was seen.
    sign_in_client(client, provider.case_manager)
    assert client.get(path).status_code == 302
    assert [d.kind for d in db.session.get(FundingRequest, request.id).documents] == ["offer_letter", "invoice"]
    assert count(FundingEvent, FundingEvent.action == "add_evidence") == 2


def test_other_providers_never_see_the_evidence(client, provider):
    request = provider.request()
    document = funding_document(request)
    elsewhere = UserFactory(role="funding_manager")
    other_request = provider.request()
    db.session.commit()
    sign_in_client(client, elsewhere)
    assert client.get(f"/funding/{request.id}/evidence/{document.id}").status_code == 404
    sign_in_client(client, provider.manager)
    # A document of one request is not reachable through another.
    assert client.get(f"/funding/{other_request.id}/evidence/{document.id}").status_code == 404
    assert count(AuditEvent, AuditEvent.action == "funding.evidence_downloaded") == 0


def test_erasing_the_person_removes_their_evidence_files(app, provider):
    request = provider.request()
    document = funding_document(request)
    path = operations.EVIDENCE.path_of(document.stored_name)
    db.session.commit()
    assert path.is_file()
    erase_participant(request.participant, UserFactory(role="admin"), "asked to be forgotten")
    db.session.commit()
    assert not path.exists() and count(FundingDocument) == 0
