"""CVs and disclosure letters: PDF or Word by their content, under 5 MB, with a plain file name.
Anything else is refused with a clear error on the form, and nothing is stored: no referral, no
document row, no file."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from marketplace.core.exceptions import Refused
from marketplace.extensions import db
from marketplace.referrals import operations, uploads
from marketplace.referrals.models import Referral, ReferralDocument
from tests import documents
from tests.factories import OpportunityFactory
from tests.helpers import sign_in_client
from tests.referrals.conftest import community_participant, pdf


def docx(macros: bool = False) -> bytes:
    return documents.docx(documents.MACRO_MAIN if macros else documents.WORD_MAIN)


EXECUTABLE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200 + b"This program cannot be run"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100

REFUSED = [
    ("wrong type", PNG, "photo.png", "must be a PDF or a Word document"),
    ("plain text named pdf", b"just some text", "cv.pdf", "must be a PDF or a Word document"),
    ("renamed executable", EXECUTABLE, "cv.pdf", "must be a PDF or a Word document"),
    ("renamed executable as Word", EXECUTABLE, "cv.docx", "must be a PDF or a Word document"),
    ("zip that is not Word", b"PK\x03\x04" + b"\x00" * 60, "cv.docx", "must be a PDF or a Word document"),
    ("macro-enabled Word", docx(macros=True), "cv.docx", "must not contain macros"),
    ("too big", b"%PDF-1.4\n" + b"0" * uploads.MAX_BYTES, "cv.pdf", "smaller than 5 MB"),
    ("empty", b"", "cv.pdf", "is empty"),
    ("PDF named as Word", pdf(), "cv.docx", "name says Word but the file is a PDF"),
    ("parent folders", pdf(), "../../../etc/cron.d/cv.pdf", "plain name"),
    ("absolute path", pdf(), "/var/www/static/cv.pdf", "plain name"),
    ("Windows path", pdf(), "..\\..\\static\\cv.pdf", "plain name"),
    ("hidden file", pdf(), ".htaccess", "plain name"),
    ("NUL byte", pdf(), "cv.pdf\x00.exe", "plain name"),
    # The outside test's hostile uploads (issue 19)
    ("zip bomb", documents.zip_bomb(200 * documents.MEGABYTE), "cv.docx", "too large once unpacked"),
    ("zip bomb in the document", documents.zip_bomb(60 * documents.MEGABYTE, member="word/document.xml"),
     "cv.docx", "too large once unpacked"),
    ("zip bomb with lying sizes", documents.lying_zip_bomb(200 * documents.MEGABYTE), "cv.docx", "damaged"),
    ("encrypted Word", documents.encrypted_docx(), "cv.docx", "password-protected"),
    ("Word with a document inside", documents.docx(extra={"word/embeddings/sheet.xlsx": documents.docx()}),
     "cv.docx", "embedded"),
    *[(f"Word with a {name} archive inside", documents.docx(extra={"word/media/image1.png": archive}), "cv.docx",
       "embedded") for name, archive in documents.NESTED_ARCHIVES.items()],
    ("Word with a VBA project", documents.docx(extra={"word/vbaProject.bin": b"x"}), "cv.docx", "macros"),
    ("Word with an entity bomb", documents.entity_bomb_docx(), "cv.docx", "damaged"),
    ("Word without WordprocessingML", documents.docx(document="<document/>"), "cv.docx", "must be a PDF or a Word"),
    ("fake OLE .doc", documents.FAKE_OLE_DOC, "cv.doc", "damaged"),
    ("OLE without WordDocument", documents.ole_word().replace("WordDocument".encode("utf-16-le"),
                                                              "WordDocumenX".encode("utf-16-le")),
     "cv.doc", "must be a PDF or a Word"),
    (".doc with macros", documents.ole_word(storages={"Macros": {"PROJECT": b"x", "VBA": b"y"}}), "cv.doc", "macros"),
    (".doc with an embedded object", documents.ole_word(storages={"ObjectPool": {"Ole": b"x"}}), "cv.doc",
     "embedded"),
    ("PDF/HTML polyglot", documents.pdf_html_polyglot(), "cv.pdf", "web page code"),
    ("damaged PDF", b"%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n", "cv.pdf", "damaged"),
]


def stored_files(app) -> list:
    """Every file kept, for good or held for a form that came back."""
    return sorted([p.name for p in uploads.upload_dir().iterdir() if p.is_file()] +
                  [f"held/{p.name}" for p in uploads.held_dir().iterdir()])


@pytest.fixture
def referable(app):
    participant = community_participant()
    opportunity = OpportunityFactory()
    db.session.commit()
    return participant, opportunity


def refer(participant, opportunity, **files):
    return operations.create_referral(
        participant, opportunity, participant.case_manager, operations.Sharing(name="Sam", parts=["skills"]),
        consent_confirmed=True, requirements_confirmed=[], **files)


@pytest.mark.parametrize(("label", "content", "filename", "message"), REFUSED, ids=[r[0] for r in REFUSED])
@pytest.mark.parametrize("field", ["cv", "disclosure_letter"])
def test_refused_uploads_store_nothing(app, referable, label, content, filename, message, field):
    before = stored_files(app)
    participant, opportunity = referable
    upload = FileStorage(io.BytesIO(content), filename=filename)
    # A good CV alongside: refusing the second file must also remove the first one's file.
    others = {"cv": FileStorage(io.BytesIO(pdf()), filename="good.pdf")} if field == "disclosure_letter" else {}
    with pytest.raises(Refused, match=message) as refused:
        refer(participant, opportunity, **others, **{field: upload})
    assert refused.value.field == field
    db.session.rollback()
    assert stored_files(app) == before
    assert db.session.scalar(select(func.count()).select_from(Referral)) == 0
    assert db.session.scalar(select(func.count()).select_from(ReferralDocument)) == 0


@pytest.mark.parametrize(("content", "filename", "kept_name", "content_type"), [
    (pdf(), "My CV.pdf", "My_CV.pdf", "application/pdf"),
    (docx(), "cv.docx", "cv.docx",
     "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    (pdf(), "cv", "cv.pdf", "application/pdf"),  # no extension: named after what it is
    (documents.ole_word(streams={"1Table": b"t"}), "old cv.doc", "old_cv.doc", "application/msword"),
])
def test_pdf_and_word_are_stored_outside_the_web_root_under_a_random_name(app, referable, content, filename,
                                                                         kept_name, content_type):
    participant, opportunity = referable
    referral = refer(participant, opportunity, cv=FileStorage(io.BytesIO(content), filename=filename))
    db.session.commit()
    document = referral.documents[0]
    assert (document.filename, document.content_type, document.size) == (kept_name, content_type, len(content))
    assert document.stored_name != filename and len(document.stored_name.split(".")[0]) == 32
    path = uploads.path_of(document.stored_name)
    assert path.read_bytes() == content
    assert "static" not in path.parts and app.static_folder not in str(path)
    assert oct(path.stat().st_mode & 0o777) == "0o600"


def test_the_form_shows_the_refusal_and_stores_nothing(app, referable, client):
    participant, opportunity = referable
    sign_in_client(client, participant.case_manager)
    before = stored_files(app)
    response = client.post_form(
        f"/referrals/new?participant={participant.id}&opportunity={opportunity.id}",
        {"name": "Sam", "parts": ["skills"], "consent": "y", "submit": "Continue",
         "cv": (io.BytesIO(EXECUTABLE), "cv.pdf")}, content_type="multipart/form-data")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "govuk-error-summary" in html
    assert "The CV must be a PDF or a Word document" in html
    assert stored_files(app) == before
    assert db.session.scalar(select(func.count()).select_from(Referral)) == 0
