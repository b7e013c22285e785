"""CVs and disclosure letters: PDF or Word only, checked by what the file contains (not its name),
size-limited, and stored outside the web root under a random name."""

from __future__ import annotations

import contextlib
import io
import os
import secrets
import zipfile
from pathlib import Path

from flask import current_app
from werkzeug.utils import secure_filename

from marketplace.core.exceptions import Refused

MAX_BYTES = 5 * 1024 * 1024
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "doc": "application/msword",
}
NAMES = {"pdf": "PDF", "docx": "Word", "doc": "Word"}
OLE_SIGNATURE = bytes.fromhex("D0CF11E0A1B11AE1")


def detect(data: bytes) -> str | None:
    """'pdf', 'docx' or 'doc' when the bytes really are one of those; None otherwise."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
                if "word/document.xml" in names and "[Content_Types].xml" in names:
                    types = archive.read("[Content_Types].xml")
                    if b"wordprocessingml" in types and b"macroEnabled" not in types:
                        return "docx"
        # A damaged archive, a missing member, an encrypted member (RuntimeError) or a compression method
        # zipfile cannot read (NotImplementedError): none of them is a Word document we can accept.
        except (zipfile.BadZipFile, KeyError, RuntimeError, NotImplementedError):
            return None
        return None
    if data.startswith(OLE_SIGNATURE) and "WordDocument".encode("utf-16-le") in data[:1_000_000]:
        return "doc"
    return None


def upload_dir() -> Path:
    path = Path(current_app.config["UPLOAD_DIR"]) / "referrals"
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def check_and_store(upload, label: str) -> dict:
    """Validate an uploaded file and write it to the upload folder. Returns what to record about it;
    raises Refused (naming the form field) with what is wrong."""
    field = "cv" if label == "CV" else "disclosure_letter"
    raw_name = upload.filename or ""
    if any(mark in raw_name for mark in ("/", "\\", "\x00")) or raw_name.startswith(".") or ".." in raw_name:
        raise Refused(f"The {label}'s file name must be a plain name like cv.pdf, with no folders "
                      "and no '..'", field=field)
    data = upload.stream.read(MAX_BYTES + 1)
    if not data:
        raise Refused(f"The {label} file is empty", field=field)
    if len(data) > MAX_BYTES:
        raise Refused(f"The {label} must be smaller than 5 MB", field=field)
    kind = detect(data)
    if kind is None:
        raise Refused(f"The {label} must be a PDF or a Word document", field=field)
    name = secure_filename(upload.filename or "")[:100]
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension and extension in CONTENT_TYPES and NAMES[extension] != NAMES[kind]:
        raise Refused(f"The {label}'s name says {NAMES[extension]} but the file is a {NAMES[kind]} document",
                      field=field)
    if extension not in CONTENT_TYPES:
        name = f"{name.rsplit('.', 1)[0] if name else label.lower().replace(' ', '-')}.{kind}"
    stored_name = f"{secrets.token_hex(16)}.{kind}"
    path = upload_dir() / stored_name
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)
    return {"filename": name, "stored_name": stored_name, "content_type": CONTENT_TYPES[kind], "size": len(data)}


def path_of(stored_name: str) -> Path:
    # stored names are ours (hex + extension), never user input; refuse anything else anyway
    if "/" in stored_name or "\\" in stored_name or stored_name.startswith("."):
        raise Refused("Unknown document")
    return upload_dir() / stored_name


def remove(stored_name: str) -> None:
    with contextlib.suppress(FileNotFoundError, Refused):
        path_of(stored_name).unlink()
