"""Photos a nominator sends with a Community Payback nomination: images only, checked by what the
file contains, under the service's upload rules (core/uploads.py: a plain file name, at most
5 MB, checked by content and never by name, stored outside the web root under a random name).

An image is more than its pixels. A phone photo carries where it was taken (GPS) and often the phone's
owner in its metadata, and a file can be a valid image and something else at once (an HTML or script
polyglot). So each photo is decoded in full by Pillow (JPEG or PNG; the pixel count checked from the
header before any decoding, so a small file cannot unpack into gigabytes), turned upright by its EXIF
orientation, shrunk to at most MAX_SIDE pixels, and written anew as a JPEG with no metadata at all.
The nominator's original bytes are never stored or served.

Photos that passed are held between submits, like every form's files (core/uploads.py): when the form
comes back for another answer, the cleaned photos wait in held/ under a signed token bound to this
browser's session, so the nominator does not choose them again.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import secrets
import warnings
from pathlib import Path

from flask import current_app, session
from itsdangerous import BadSignature, URLSafeTimedSerializer
from PIL import Image, ImageOps, UnidentifiedImageError

from marketplace.core import clock
from marketplace.core.exceptions import Refused
from marketplace.core.uploads import HOLD_FOR, MAX_BYTES, ClockSigner

ACCEPTED_FORMATS = {"JPEG", "PNG"}
MAX_PHOTOS = 3
MAX_PIXELS = 40_000_000  # a 40-megapixel phone photo; more is refused before decoding
MAX_SIDE = 2000  # what is stored and shown: enough to see the job, small enough to serve
QUALITY = 85
CONTENT_TYPE = "image/jpeg"
STORED_NAME = re.compile(r"[0-9a-f]{32}\.jpg")  # what store() and hold() name a photo


class NotAnImage(Exception):
    """The file is not a JPEG or PNG photo we accept; the message says why, for the user."""


def clean_image(data: bytes) -> tuple[bytes, int, int]:
    """Decode `data` as a JPEG or PNG photo and return (a fresh JPEG without metadata, width, height),
    or raise NotAnImage with the reason."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=sorted(ACCEPTED_FORMATS)) as image:
                if image.width * image.height > MAX_PIXELS:
                    raise NotAnImage("has too many pixels (at most 40 megapixels)")
                image.load()  # decodes every pixel: a truncated or damaged file fails here
                upright = ImageOps.exif_transpose(image)
                if upright.mode not in ("RGB", "L"):
                    background = Image.new("RGB", upright.size, "white")
                    rgba = upright.convert("RGBA")
                    background.paste(rgba, mask=rgba.getchannel("A"))
                    upright = background
                upright.thumbnail((MAX_SIDE, MAX_SIDE))
                out = io.BytesIO()
                upright.save(out, "JPEG", quality=QUALITY, optimize=True)  # no exif=, so none is written
                return out.getvalue(), upright.width, upright.height
    except NotAnImage:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise NotAnImage("must be a photo in JPEG or PNG format") from None
    except (OSError, ValueError, SyntaxError, EOFError) as error:  # what Pillow raises on a damaged image
        raise NotAnImage("must be a photo in JPEG or PNG format (this one is damaged)") from error


def upload_dir() -> Path:
    path = Path(current_app.config["UPLOAD_DIR"]) / "payback"
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def check_photo(upload, number: int) -> tuple[bytes, int, int]:
    """The cleaned photo of one upload (bytes, width, height), or Refused saying which photo."""
    label = f"Photo {number}"
    raw_name = upload.filename or ""
    if any(mark in raw_name for mark in ("/", "\\", "\x00")) or raw_name.startswith(".") or ".." in raw_name:
        raise Refused(f"{label}'s file name must be a plain name like towpath.jpg, with no folders and no '..'",
                      field="photos")
    data = upload.stream.read(MAX_BYTES + 1)
    if not data:
        raise Refused(f"{label} is empty", field="photos")
    if len(data) > MAX_BYTES:
        raise Refused(f"{label} must be smaller than 5 MB", field="photos")
    try:
        return clean_image(data)
    except NotAnImage as reason:
        raise Refused(f"{label} {reason}", field="photos") from None


def chosen(uploads) -> list:
    """The file inputs a person actually filled in (an empty chooser posts a nameless part)."""
    return [upload for upload in (uploads or []) if upload is not None and getattr(upload, "filename", "")]


def sort_photos(files) -> tuple[list[tuple[bytes, int, int]], list[str]]:
    """The photos that passed, cleaned, and the problem of each that did not (numbered as chosen)."""
    cleaned, problems = [], []
    for number, upload in enumerate(files, start=1):
        try:
            cleaned.append(check_photo(upload, number))
        except Refused as refusal:
            problems.append(refusal.message)
    return cleaned, problems


def check_photos(uploads, held: int = 0) -> list[tuple[bytes, int, int]]:
    """Every photo cleaned, or Refused with every problem in one message (a field shows one error,
    and each photo's problem must be read). `held` photos are already kept from an earlier submit:
    the new ones are added to them."""
    files = chosen(uploads)
    if held + len(files) > MAX_PHOTOS:
        raise Refused(f"Choose up to {MAX_PHOTOS} photos" + (f" in all: {held} already uploaded" if held else ""),
                      field="photos")
    cleaned, problems = sort_photos(files)
    if problems:
        # The photos that passed are held while the form comes back (views._hold_photos): only the bad
        # ones need choosing again.
        ending = ("Choose another in its place, or send the nomination without it" if len(problems) == 1
                  else "Choose others in their place, or send the nomination without them")
        if cleaned or held:
            ending = "The other photos are kept. " + ending
        raise Refused(". ".join(problems) + ". " + ending, field="photos")
    return cleaned


def store(cleaned: bytes) -> str:
    """Write a cleaned photo under a new random name; returns the name."""
    stored_name = f"{secrets.token_hex(16)}.jpg"
    descriptor = os.open(upload_dir() / stored_name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(cleaned)
    return stored_name


def path_of(stored_name: str) -> Path:
    # stored names are ours (hex + .jpg), never user input; refuse anything else anyway
    if "/" in stored_name or "\\" in stored_name or stored_name.startswith("."):
        raise Refused("Unknown photo")
    return upload_dir() / stored_name


def remove(stored_name: str) -> None:
    with contextlib.suppress(FileNotFoundError, Refused):
        path_of(stored_name).unlink()


# Held photos ---------------------------------------------------------------------------------------
def held_dir() -> Path:
    path = upload_dir() / "held"
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def visitor() -> str:
    """Who holds photos: a random key kept in this browser's session (a nominator has no account)."""
    return session.setdefault("payback_photo_holder", secrets.token_hex(16))


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt="payback.held-photos", signer=ClockSigner)


def hold(cleaned: list[tuple[bytes, int, int]], holder: str) -> str:
    """Keep cleaned photos in held/ for `holder`; returns the token the form carries for them."""
    kept = []
    for data, width, height in cleaned:
        name = f"{secrets.token_hex(16)}.jpg"
        descriptor = os.open(held_dir() / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
        kept.append([name, width, height])
    return _serializer().dumps({"holder": holder, "photos": kept})


def held(token: str, holder: str) -> list[tuple[bytes, int, int]] | None:
    """The cleaned photos a token stands for, if they are `holder`'s, not lapsed and all still held;
    None otherwise (a forged, lapsed or used token)."""
    if not token:
        return None
    try:
        data = _serializer().loads(token, max_age=int(HOLD_FOR.total_seconds()))
    except BadSignature:  # also a lapsed token
        return None
    if not isinstance(data, dict) or data.get("holder") != holder or not isinstance(data.get("photos"), list):
        return None
    photos = []
    for entry in data["photos"][:MAX_PHOTOS]:
        name, width, height = entry
        if not STORED_NAME.fullmatch(str(name)):
            return None
        try:
            photos.append(((held_dir() / name).read_bytes(), int(width), int(height)))
        except FileNotFoundError:
            return None
    return photos


def let_go(token: str, holder: str) -> None:
    """Remove the files a token holds (the nomination was stored with its own copies, or the
    nominator removed the photos)."""
    try:
        data = _serializer().loads(token, max_age=int(HOLD_FOR.total_seconds()))
    except BadSignature:
        return
    if isinstance(data, dict) and data.get("holder") == holder:
        for name, *_ in data.get("photos", []):
            if STORED_NAME.fullmatch(str(name)):
                with contextlib.suppress(FileNotFoundError):
                    (held_dir() / name).unlink()


def remove_lapsed_held() -> int:
    """Remove held photos older than HOLD_FOR (their tokens have lapsed too). Returns how many."""
    cutoff = clock.now().timestamp() - HOLD_FOR.total_seconds()
    removed = 0
    for path in held_dir().iterdir():
        with contextlib.suppress(FileNotFoundError):
            if path.stat().st_mtime < cutoff:
                path.unlink()
                removed += 1
    return removed
