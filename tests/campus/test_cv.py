"""The person's CV: built from their record and their own words, every error shown at once with
nothing typed lost, and downloaded as a Word document that holds what the page shows."""

from __future__ import annotations

import io

import pytest
from docx import Document
from pypdf import PdfReader
from sqlalchemy import select

from marketplace.campus.cv import printable
from marketplace.campus.models import CampusCV
from marketplace.core.models import AuditEvent
from marketplace.extensions import db
from tests.factories import ParticipantFactory, UserFactory, campus_person
from tests.helpers import sign_in_client


@pytest.fixture
def person(client):
    participant = ParticipantFactory(
        case_manager=UserFactory(role="case_manager"), first_name="Dana", last_name="Okafor",
        skills=["Forklift driving", "Food hygiene"], interests=["Construction"],
        qualifications=[{"title": "CSCS card", "subject": "construction", "level": "1"}],
        work_history="Kitchen orderly, HMP Altcourse")
    user = campus_person(participant)
    db.session.commit()
    sign_in_client(client, user)
    return participant


def _docx_text(data: bytes) -> str:
    document = Document(io.BytesIO(data))
    return "\n".join(paragraph.text for paragraph in document.paragraphs)


def test_the_cv_joins_the_record_and_the_persons_words_and_downloads_as_word(client, person):
    page = client.get("/campus/cv")
    assert page.status_code == 200
    assert b"Forklift driving" in page.data and b"Kitchen orderly, HMP Altcourse" in page.data

    saved = client.post_form("/campus/cv", {
        "statement": "I am reliable and want to work outdoors.",
        "experience": "- Wing cleaner, 2 years\n- Servery worker",
        "training": "Level 1 food hygiene", "interests": "Five-a-side football", "contact": ""})
    assert saved.status_code == 302
    download = client.get("/campus/cv.docx")
    assert download.status_code == 200
    assert download.headers["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in download.headers["Content-Disposition"]
    text = _docx_text(download.data)
    for expected in ("Dana Okafor", "I am reliable and want to work outdoors.", "Wing cleaner, 2 years",
                     "Servery worker", "Forklift driving", "CSCS card", "Level 1 food hygiene",
                     "Five-a-side football", "Construction"):
        assert expected in text, expected
    # The person's own words about their work come before (and here instead of) the record's summary.
    assert "Kitchen orderly" not in text
    actions = [e.action for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]
    assert {"campus.viewed", "campus.cv_saved", "campus.cv_downloaded"} <= set(actions)


def test_every_error_at_once_and_nothing_typed_is_lost(client, person):
    too_long = "x" * 4001
    response = client.post_form("/campus/cv", {"statement": too_long, "experience": "Painter and decorator",
                                               "training": too_long, "contact": "y" * 301})
    assert response.status_code == 400
    for message in (b"About me must be 4,000 characters or fewer", b"Training and courses must be 4,000",
                    b"Contact details must be 300 characters or fewer"):
        assert message in response.data
    assert b"Painter and decorator" in response.data and too_long.encode() in response.data
    assert db.session.scalar(select(CampusCV)) is None


def test_text_word_cannot_hold_is_dropped_not_a_500(client, person):
    assert client.post_form("/campus/cv", {"statement": "Tab\tand bell\x07 and form feed\x0c"}).status_code == 302
    download = client.get("/campus/cv.docx")
    assert download.status_code == 200 and "Tab\tand bell and form feed" in _docx_text(download.data)


def test_a_person_sees_only_their_own_cv(client, person):
    other = ParticipantFactory(first_name="Quentin", skills=["Secret skill"])
    db.session.add(CampusCV(participant_id=other.id, statement="Not yours"))
    db.session.commit()
    page = client.get("/campus/cv")
    assert b"Secret skill" not in page.data and b"Not yours" not in page.data
    assert "Secret skill" not in _docx_text(client.get("/campus/cv.docx").data)


def _pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_the_pdf_holds_the_same_cv_as_the_word_document(client, person):
    client.post_form("/campus/cv", {"statement": "I am reliable and want to work outdoors.",
                                    "experience": "- Wing cleaner, 2 years", "training": "Level 1 food hygiene"})
    download = client.get("/campus/cv.pdf")
    assert download.status_code == 200
    assert download.headers["Content-Type"] == "application/pdf"
    assert download.headers["Content-Disposition"] == "attachment; filename=CV_Dana_Okafor.pdf"
    text = _pdf_text(download.data)
    words = _docx_text(client.get("/campus/cv.docx").data)
    for expected in ("Dana Okafor", "I am reliable and want to work outdoors.", "Wing cleaner, 2 years",
                     "Forklift driving", "CSCS card", "Level 1 food hygiene", "Construction", "Skills"):
        assert expected in text, expected
        assert expected in words, expected
    assert PdfReader(io.BytesIO(download.data)).metadata.title == "CV: Dana Okafor"
    details = [e.detail for e in db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "campus.cv_downloaded").order_by(AuditEvent.id))]
    assert details == ["pdf", "docx"]


def test_the_pdf_prints_accents_and_other_alphabets_and_leaves_out_what_the_font_cannot_draw(client, person):
    person.first_name, person.last_name = "Łukasz", "Nguyễn"
    db.session.commit()
    client.post_form("/campus/cv", {"statement": "Zażółć gęślą jaźń. Привет. Café crème 👍🏽 done\tand bell\x07.",
                                    "experience": "Ελληνικά 🚀"})
    download = client.get("/campus/cv.pdf")
    assert download.status_code == 200
    text = _pdf_text(download.data)
    for expected in ("Łukasz Nguyễn", "Zażółć gęślą jaźń.", "Привет.", "Café crème", "Ελληνικά"):
        assert expected in text, expected
    assert "👍" not in text and "🚀" not in text and "done and bell." in text


def test_printable_keeps_what_the_font_has_and_reduces_the_rest():
    assert printable("Ünïcødé ẞ") == "Ünïcødé ẞ"
    assert printable("a 🚀 b") == "a b"
    assert printable("😀") == "😀"  # DejaVu Sans draws the emoticons block: kept
    assert printable("tab\there") == "tab here"
    assert printable("\u4e2d") == ""  # no CJK in DejaVu Sans: left out rather than an empty box
