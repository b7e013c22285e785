"""Documents people upload (a referral's CV, a funding request's quote or invoice): PDF or Word only,
checked by what the file contains (not its name), size-limited, and stored outside the web root under
a random name. Each feature keeps its files on a `Shelf` of its own (a folder under UPLOAD_DIR and the
names of its form fields); the checks, the storing and the held files are the same for all.

What is accepted, and why each check is there (the findings of an outside test, issue 19):
- PDF: parses with pypdf (its structure, with pypdf's decompression caps lowered to ours) and has no
  HTML in it (a PDF/HTML polyglot would render as a page if a browser were ever made to sniff it).
- Word (.docx): a zip whose members are checked from the central directory BEFORE any is read —
  at most MAX_MEMBERS members, MAX_UNCOMPRESSED bytes in all, no member compressed more than
  MAX_RATIO to 1, none encrypted, none an archive or OLE file of its own — then read in chunks
  with the running total checked again (a lying header cannot inflate past the limit). Its
  [Content_Types].xml and word/document.xml must parse as XML (no DTD, so no entity bombs) and
  say WordprocessingML; macro-enabled content or a VBA project is refused.
- Word 97-2003 (.doc): parses as an OLE compound file with a WordDocument stream and has no
  macros (no Macros or VBA storage) and no embedded objects.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import secrets
import zipfile
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import olefile
import pypdf
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse
from flask import current_app
from itsdangerous import BadSignature, TimestampSigner, URLSafeTimedSerializer
from werkzeug.utils import secure_filename

from marketplace.core import clock
from marketplace.core.exceptions import Problems, Refused

MAX_BYTES = 5 * 1024 * 1024
MAX_UNCOMPRESSED = 50 * 1024 * 1024  # every member of a Word document together, inflated
MAX_RATIO = 100  # inflated size to compressed size, per member (ordinary XML is 5-20 to 1)
MAX_MEMBERS = 1000
CHUNK = 64 * 1024
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "doc": "application/msword",
}
NAMES = {"pdf": "PDF", "docx": "Word", "doc": "Word"}
OLE_SIGNATURE = bytes.fromhex("D0CF11E0A1B11AE1")
ZIP_SIGNATURE = b"PK\x03\x04"
# What an archive (or an OLE file, which can hold anything) starts with: none belongs inside a Word
# document's parts, and none is unpacked here, so a part that is one is refused rather than passed on
# to whoever opens the file next. Zip (also empty or spanned), OLE, gzip, bzip2, xz, 7-Zip, RAR, cabinet.
NESTED_SIGNATURES = (ZIP_SIGNATURE, b"PK\x05\x06", b"PK\x07\x08", OLE_SIGNATURE, b"\x1f\x8b", b"BZh",
                     b"\xfd7zXZ\x00", b"7z\xbc\xaf\x27\x1c", b"Rar!\x1a\x07", b"MSCF\x00\x00\x00\x00")
WORD_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
WORD_NAMESPACE = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
HTML_MARKERS = re.compile(rb"<\s*(html|script|body|iframe|svg|object|embed)\b", re.IGNORECASE)


class NotAccepted(Exception):
    """The file is not a PDF or Word document we accept; the message says why, for the user."""


def inspect(data: bytes) -> str:
    """'pdf', 'docx' or 'doc', or raise NotAccepted with the reason."""
    if data.startswith(b"%PDF-"):
        _check_pdf(data)
        return "pdf"
    if data.startswith(ZIP_SIGNATURE):
        _check_docx(data)
        return "docx"
    if data.startswith(OLE_SIGNATURE):
        _check_doc(data)
        return "doc"
    raise NotAccepted("must be a PDF or a Word document")


def _check_pdf(data: bytes) -> None:
    if HTML_MARKERS.search(data):
        raise NotAccepted("must be a PDF or a Word document (this PDF has web page code in it)")
    caps = {name: MAX_UNCOMPRESSED for name in (
        "zlib_maximum_output_length", "lzw_maximum_output_length", "run_length_maximum_output_length",
        "jbig2_maximum_output_length", "array_based_stream_maximum_output_length",
        "maximum_declared_stream_length")}
    try:
        with pypdf.apply_configuration(**caps):
            reader = pypdf.PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted:
                raise NotAccepted("must not be password-protected")
            if len(reader.pages) < 1:
                raise NotAccepted("must be a PDF or a Word document (this PDF has no pages)")
    except NotAccepted:
        raise
    except Exception as error:  # pypdf raises many kinds (and plain ValueError/KeyError) on a broken file
        raise NotAccepted("must be a PDF or a Word document (this PDF is damaged)") from error


def _check_docx(data: bytes) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as error:
        raise NotAccepted("must be a PDF or a Word document") from error
    with archive:
        members = archive.infolist()
        # Everything below is decided from the central directory, before a single member is inflated.
        if len(members) > MAX_MEMBERS:
            raise NotAccepted("must be a PDF or a Word document (this archive has too many parts)")
        if sum(member.file_size for member in members) > MAX_UNCOMPRESSED:
            raise NotAccepted("is too large once unpacked (a Word document must unpack to under 50 MB)")
        for member in members:
            if member.flag_bits & 0x1:
                raise NotAccepted("must not be password-protected")
            if member.file_size > MAX_RATIO * max(member.compress_size, 1) and member.file_size > CHUNK:
                raise NotAccepted("is too large once unpacked (it is compressed suspiciously well)")
        names = {member.filename for member in members}
        if "[Content_Types].xml" not in names or "word/document.xml" not in names:
            raise NotAccepted("must be a PDF or a Word document")
        if any(name.lower().endswith("vbaproject.bin") for name in names):
            raise NotAccepted("must not contain macros (save it as a .docx without macros, or as a PDF)")
        inflated = 0
        for member in members:
            inflated = _check_member(archive, member, inflated)
        content_types = _xml_root(archive, "[Content_Types].xml")
        main_types = {element.get("ContentType", "") for element in content_types.iter()
                      if element.get("PartName", "").lower() == "/word/document.xml"}
        all_types = " ".join(element.get("ContentType", "") for element in content_types.iter())
        if "macroenabled" in all_types.lower():
            raise NotAccepted("must not contain macros (save it as a .docx without macros, or as a PDF)")
        if WORD_MAIN not in main_types:
            raise NotAccepted("must be a PDF or a Word document")
        if _xml_root(archive, "word/document.xml").tag != WORD_NAMESPACE + "document":
            raise NotAccepted("must be a PDF or a Word document")


def _check_member(archive: zipfile.ZipFile, member: zipfile.ZipInfo, inflated: int) -> int:
    """Read one member in chunks, counting what it really inflates to; refuse an archive inside."""
    try:
        with archive.open(member) as stream:
            first = True
            while chunk := stream.read(CHUNK):
                if first and chunk.startswith(NESTED_SIGNATURES):
                    raise NotAccepted("must not have other files embedded in it (save it as a PDF)")
                first = False
                inflated += len(chunk)
                if inflated > MAX_UNCOMPRESSED:
                    raise NotAccepted("is too large once unpacked (a Word document must unpack to under 50 MB)")
    # A damaged member or CRC (BadZipFile), an encryption zipfile noticed (RuntimeError), a compression
    # method it cannot read (NotImplementedError), a truncated stream (EOFError, zlib.error as OSError).
    except (zipfile.BadZipFile, RuntimeError, NotImplementedError, EOFError, OSError) as error:
        raise NotAccepted("must be a PDF or a Word document (this file is damaged)") from error
    return inflated


def _xml_root(archive: zipfile.ZipFile, name: str):
    """Parse a member as XML while streaming it; refuses DTDs and entities (defusedxml)."""
    try:
        with archive.open(name) as stream:
            for _event, element in iterparse(stream, events=("start",), forbid_dtd=True):
                return element
    except (DefusedXmlException, SyntaxError, zipfile.BadZipFile, OSError, EOFError) as error:
        raise NotAccepted("must be a PDF or a Word document (this Word document is damaged)") from error
    raise NotAccepted("must be a PDF or a Word document")


def _check_doc(data: bytes) -> None:
    try:
        document = olefile.OleFileIO(data)
    except (OSError, ValueError, IndexError, olefile.olefile.OleFileError) as error:
        raise NotAccepted("must be a PDF or a Word document (this Word document is damaged)") from error
    with document:
        if not document.exists("WordDocument"):
            raise NotAccepted("must be a PDF or a Word document")
        streams = ["/".join(path).lower() for path in document.listdir(streams=True, storages=True)]
        if any(path.startswith("macros") or "vba" in path for path in streams):
            raise NotAccepted("must not contain macros (save it as a .docx without macros, or as a PDF)")
        if any(path.startswith("objectpool") for path in streams):
            raise NotAccepted("must not have other files embedded in it (save it as a PDF)")


# Held uploads --------------------------------------------------------------------------------------
# A file chosen on a form that comes back (with an error, or for the person to check their answers)
# is not lost: it is checked and kept in held/ under a random name, and the re-shown form carries a
# signed token for it instead of the file. The token names its owner, its shelf, the form field and
# what it was chosen for, so it means nothing to anyone else; it lapses after HOLD_FOR, and `flask
# reminders send` removes held files older than that. Using a held file moves it out of held/ (one
# rename: used once only).

HOLD_FOR = timedelta(hours=24)
STORED_NAME = re.compile(r"[0-9a-f]{32}\.(pdf|docx|doc)")


@dataclass(frozen=True)
class Held:
    field: str  # the form field it was chosen in
    label: str  # what the form calls it ("CV", "evidence")
    filename: str
    stored_name: str
    content_type: str
    size: int
    token: str

    def details(self) -> dict:
        return {"filename": self.filename, "stored_name": self.stored_name, "content_type": self.content_type,
                "size": self.size}


class ClockSigner(TimestampSigner):
    """Tokens age by the service's clock, like everything else that falls due."""

    def get_timestamp(self) -> int:
        return int(clock.now().timestamp())


@dataclass(frozen=True)
class Shelf:
    """One feature's uploaded files: `folder` under UPLOAD_DIR, and `labels` naming each form field
    that takes a file the way its messages say it ("CV", "disclosure letter")."""

    folder: str
    labels: dict

    def upload_dir(self) -> Path:
        path = Path(current_app.config["UPLOAD_DIR"]) / self.folder
        path.mkdir(parents=True, exist_ok=True, mode=0o700)
        return path

    def held_dir(self) -> Path:
        path = self.upload_dir() / "held"
        path.mkdir(parents=True, exist_ok=True, mode=0o700)
        return path

    def check_and_store(self, upload, field: str, folder: Path | None = None) -> dict:
        """Validate an uploaded file and write it to the shelf (or `folder`). Returns what to record
        about it; raises Refused (naming the form field) with what is wrong."""
        label = self.labels[field]
        raw_name = upload.filename or ""
        if any(mark in raw_name for mark in ("/", "\\", "\x00")) or raw_name.startswith(".") or ".." in raw_name:
            raise Refused(f"The {label}'s file name must be a plain name like {field.replace('_', '-')}.pdf, "
                          "with no folders and no '..'", field=field)
        data = upload.stream.read(MAX_BYTES + 1)
        if not data:
            raise Refused(f"The {label} file is empty", field=field)
        if len(data) > MAX_BYTES:
            raise Refused(f"The {label} must be smaller than 5 MB", field=field)
        try:
            kind = inspect(data)
        except NotAccepted as reason:
            raise Refused(f"The {label} {reason}", field=field) from None
        name = secure_filename(upload.filename or "")[:100]
        extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
        if extension and extension in CONTENT_TYPES and NAMES[extension] != NAMES[kind]:
            raise Refused(f"The {label}'s name says {NAMES[extension]} but the file is a {NAMES[kind]} document",
                          field=field)
        if extension not in CONTENT_TYPES:
            name = f"{name.rsplit('.', 1)[0] if name else label.lower().replace(' ', '-')}.{kind}"
        stored_name = f"{secrets.token_hex(16)}.{kind}"
        path = (folder or self.upload_dir()) / stored_name
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
        return {"filename": name, "stored_name": stored_name, "content_type": CONTENT_TYPES[kind],
                "size": len(data)}

    def path_of(self, stored_name: str) -> Path:
        # stored names are ours (hex + extension), never user input; refuse anything else anyway
        if "/" in stored_name or "\\" in stored_name or stored_name.startswith("."):
            raise Refused("Unknown document")
        return self.upload_dir() / stored_name

    def remove(self, stored_name: str) -> None:
        with contextlib.suppress(FileNotFoundError, Refused):
            self.path_of(stored_name).unlink()

    # Held files ------------------------------------------------------------------------------------
    def _serializer(self) -> URLSafeTimedSerializer:
        # The referrals' salt predates the shelves: kept, so tokens handed out before still read.
        return URLSafeTimedSerializer(current_app.secret_key, salt=f"{self.folder}.held-upload",
                                      signer=ClockSigner)

    def hold(self, upload, field: str, owner_id: int, purpose: str) -> Held:
        """Check an upload in full and keep it in held/ for `owner_id`'s form about `purpose`. Raises
        Refused (on `field`) with what is wrong, keeping nothing."""
        details = self.check_and_store(upload, field, folder=self.held_dir())
        token = self._serializer().dumps({**details, "field": field, "owner": owner_id, "purpose": purpose})
        return Held(field=field, label=self.labels[field], token=token, **details)

    def held(self, token: str, field: str, owner_id: int, purpose: str) -> Held | None:
        """The held file a token stands for, if it is `owner_id`'s, chosen in `field` for `purpose`, not
        lapsed and still held; None otherwise."""
        if not token:
            return None
        try:
            data = self._serializer().loads(token, max_age=int(HOLD_FOR.total_seconds()))
        except BadSignature:  # also a lapsed token (SignatureExpired)
            return None
        if not isinstance(data, dict) or (data.get("field"), data.get("owner"), data.get("purpose")) != (
                field, owner_id, purpose):
            return None
        name = str(data.get("stored_name", ""))
        if not STORED_NAME.fullmatch(name) or not (self.held_dir() / name).is_file():
            return None
        return Held(field=field, label=self.labels[field], filename=str(data["filename"]), stored_name=name,
                    content_type=str(data["content_type"]), size=int(data["size"]), token=token)

    def hold_files(self, owner_id: int, purpose: str, chosen: dict) -> tuple[dict[str, Held], Problems]:
        """The files of a form, kept server-side while the form comes back or is checked.

        `chosen` maps each file field to (a new upload or None, the token of a file held before). A new
        file replaces the held one; a refused new file is a problem on its field (and the one held
        before, if any, stays). Returns the files now held and the problems found."""
        held: dict[str, Held] = {}
        problems = Problems()
        for name, (upload, token) in chosen.items():
            if upload is not None and getattr(upload, "filename", ""):
                try:
                    held[name] = self.hold(upload, name, owner_id, purpose)
                    continue
                except Refused as refusal:
                    problems.collect(refusal)
            if token:
                kept = self.held(token, name, owner_id, purpose)
                if kept is not None:
                    held[name] = kept
                elif not problems.items or problems.items[-1][0] != name:
                    problems.add(f"The {self.labels[name]} you chose earlier is no longer held (files are kept "
                                 f"for {int(HOLD_FOR.total_seconds() // 3600)} hours): choose it again", field=name)
        return held, problems

    def let_go(self, token: str, field: str, owner_id: int, purpose: str) -> None:
        """The person removed a held file from their form: delete it now rather than when it lapses.
        Only their own file, for that form (a token that is not theirs, or lapsed, removes nothing)."""
        kept = self.held(token, field, owner_id, purpose)
        if kept is not None:
            with contextlib.suppress(FileNotFoundError):
                (self.held_dir() / kept.stored_name).unlink()

    def claim(self, kept: Held) -> dict:
        """Move a held file onto the shelf for good; returns what to record about it. Refused if it is
        no longer held (used already, or removed as lapsed)."""
        try:
            os.replace(self.held_dir() / kept.stored_name, self.upload_dir() / kept.stored_name)
        except FileNotFoundError:
            raise Refused(f"The {kept.label} you chose ({kept.filename}) is no longer held: choose it again",
                          field=kept.field) from None
        return kept.details()

    def give_back(self, stored_name: str) -> None:
        """Undo `claim` when what the file was for did not happen after all."""
        with contextlib.suppress(FileNotFoundError, Refused):
            os.replace(self.path_of(stored_name), self.held_dir() / stored_name)

    def remove_lapsed_held(self) -> int:
        """Remove held files older than HOLD_FOR (their tokens have lapsed too). Returns how many."""
        cutoff = clock.now().timestamp() - HOLD_FOR.total_seconds()
        removed = 0
        for path in self.held_dir().iterdir():
            with contextlib.suppress(FileNotFoundError):
                if path.stat().st_mtime < cutoff:
                    path.unlink()
                    removed += 1
        return removed
