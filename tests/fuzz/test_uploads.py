"""Hostile uploads on the referral form (CV and disclosure letter): oversize, wrong type, type-confused
files and path tricks in names are refused with a clear error, or stored safely under a name of ours;
a refused upload leaves no row and no file behind."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path

import pytest
from markupsafe import escape
from sqlalchemy import func, select

from marketplace.core import clock
from marketplace.extensions import db
from marketplace.referrals.models import Referral, ReferralDocument
from tests import documents
from tests.access import build_world
from tests.helpers import CHECK_HEADING, hidden_inputs, sign_in_client

PDF = documents.pdf()


def docx(main: str = documents.WORD_MAIN) -> bytes:
    return documents.docx(main)


@pytest.fixture
def referring(app, client, monkeypatch):
    """The case manager, signed in, about to refer the world's participant (in the community, consenting,
    with no referral going) to the world's opportunity."""
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", False)
    world = build_world()
    participant = world.records["participant"]
    participant.location, participant.prison = "community", None
    participant.release_date = clock.today() - timedelta(days=60)
    world.records["referral"].status = "withdrawn"
    db.session.commit()
    sign_in_client(client, world.users["case_manager"])
    path = f"/referrals/new?participant={participant.id}&opportunity={world.records['opportunity'].id}"
    return world, path


def upload_dir(app) -> Path:
    return Path(app.config["UPLOAD_DIR"]) / "referrals"


def files_in(app) -> set[str]:
    directory = upload_dir(app)
    return {p.name for p in directory.iterdir() if p.is_file()} if directory.exists() else set()


def held_in(app) -> set[str]:
    """Files held for a form that came back (a good file beside a refused one is kept for the next try)."""
    directory = upload_dir(app) / "held"
    return {p.name for p in directory.iterdir()} if directory.exists() else set()


def counts() -> tuple[int, int]:
    return (db.session.scalar(select(func.count()).select_from(Referral)),
            db.session.scalar(select(func.count()).select_from(ReferralDocument)))


def post(client, path, **files):
    data = {"name": "Sam B.", "consent": "y", "submit": "y"}
    data.update({field: (io.BytesIO(content), name) for field, (content, name) in files.items()})
    return client.post(path, data=data, content_type="multipart/form-data")


def send(client, path, **files):
    """The form, then "Send referral" on the check page with what it carries (the held files' tokens)."""
    check = post(client, path, **files)
    assert check.status_code == 200 and CHECK_HEADING in check.get_data(as_text=True), check.status_code
    return client.post(path, data={**hidden_inputs(check.get_data(as_text=True)), "send": "y"})


REFUSED = [
    pytest.param({"cv": (PDF + b"\0" * (5 * 1024 * 1024), "cv.pdf")}, "The CV must be smaller than 5 MB",
                 id="oversize"),
    pytest.param({"cv": (b"", "cv.pdf")}, "The CV file is empty", id="empty"),
    pytest.param({"cv": (b"MZ\x90\x00 this program", "cv.exe")}, "The CV must be a PDF or a Word document",
                 id="executable"),
    pytest.param({"cv": (b"<html><script>alert(1)</script></html>", "cv.pdf")},
                 "The CV must be a PDF or a Word document", id="html-named-pdf"),
    pytest.param({"cv": (b"GIF89a" + PDF, "cv.pdf")}, "The CV must be a PDF or a Word document",
                 id="pdf-after-an-image-header"),
    pytest.param({"cv": (docx(), "cv.pdf")}, "The CV's name says PDF but the file is a Word document",
                 id="word-named-pdf"),
    pytest.param({"cv": (PDF, "cv.docx")}, "The CV's name says Word but the file is a PDF document",
                 id="pdf-named-word"),
    pytest.param({"cv": (docx(documents.MACRO_MAIN), "cv.docx")},
                 "The CV must not contain macros", id="macro-enabled-word"),
    pytest.param({"cv": (b"PK\x03\x04 not really a zip", "cv.docx")}, "The CV must be a PDF or a Word document",
                 id="broken-zip"),
    pytest.param({"cv": (PDF, "cv.pdf"), "disclosure_letter": (b"plain text", "letter.txt")},
                 "The disclosure letter must be a PDF or a Word document", id="good-cv-bad-letter"),
]


@pytest.mark.parametrize(("files", "message"), REFUSED)
def test_a_hostile_upload_is_refused_with_a_clear_error_and_leaves_nothing(app, client, referring, files, message):
    _world, path = referring
    before, stored, held = counts(), files_in(app), held_in(app)
    response = post(client, path, **files)
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert str(escape(message)) in body
    assert "govuk-error-summary" in body
    db.session.rollback()
    assert counts() == before
    assert files_in(app) == stored, "a refused upload left a file behind"
    good = [name for name, (content, filename) in files.items() if content == PDF and filename.endswith(".pdf")]
    assert len(held_in(app) - held) == len(good), "only the good file is held for the next try"
    for name in good:
        assert f"{files[name][1]} uploaded" in body


# Names that try to reach another folder, hide a file or smuggle markup are refused outright
# (referrals/uploads.py); the rest are odd but harmless, and stored under a name of ours.
REFUSED_NAMES = [
    "../../../../etc/passwd.pdf", "..\\..\\windows\\evil.pdf", "/etc/cron.d/job.pdf", "cv\x00.exe.pdf",
    "<script>fcwxss()</script>.pdf", ".htaccess",
]
TRICKY_NAMES = ["con.pdf", "\u202ecod.pdf", "  .pdf", "C:\\cv.pdf", "a" * 500 + ".pdf", "пример.pdf"]


@pytest.mark.parametrize("name", REFUSED_NAMES)
def test_a_file_name_with_path_tricks_is_refused_and_nothing_is_stored(app, client, referring, name):
    _world, path = referring
    before, stored = counts(), files_in(app)
    response = post(client, path, cv=(PDF, name))
    body = response.get_data(as_text=True)
    assert response.status_code == 400, body[-1500:]
    assert "govuk-error-summary" in body
    assert "<script>fcwxss" not in body
    db.session.rollback()
    assert counts() == before
    assert files_in(app) == stored


@pytest.mark.parametrize("name", TRICKY_NAMES)
def test_an_odd_file_name_is_stored_under_a_name_of_ours(app, client, referring, name):
    world, path = referring
    stored = files_in(app)
    response = send(client, path, cv=(PDF, name))
    assert response.status_code == 302, response.get_data(as_text=True)[-1500:]
    db.session.rollback()
    document = db.session.scalars(select(ReferralDocument).order_by(ReferralDocument.id.desc())).first()
    new_files = files_in(app) - stored
    assert new_files == {document.stored_name}
    assert (upload_dir(app) / document.stored_name).is_file()
    for shown in (document.filename, document.stored_name):
        assert "/" not in shown and "\\" not in shown and "\x00" not in shown and not shown.startswith(".")
        assert len(shown) <= 104
    assert document.filename.endswith(".pdf")
    download = client.get(f"/referrals/{document.referral_id}/documents/{document.id}")
    assert download.status_code == 200
    assert download.data == PDF
    assert "/" not in download.headers["Content-Disposition"].split("filename", 1)[1]
    page = client.get(f"/referrals/{document.referral_id}").get_data(as_text=True)
    assert "<script>fcwxss" not in page


def test_a_request_larger_than_the_limit_is_refused_with_a_clear_page(app, client, referring):
    _world, path = referring
    before = counts()
    response = post(client, path, cv=(PDF + b"\0" * app.config["MAX_CONTENT_LENGTH"], "cv.pdf"))
    assert response.status_code == 413
    assert "too large" in response.get_data(as_text=True)
    db.session.rollback()
    assert counts() == before
