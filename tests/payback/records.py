"""What the payback tests post: a good nomination, and reading the links the service emails."""

from __future__ import annotations

import io
import re

from PIL import Image
from sqlalchemy import select

from marketplace.core.models import OutboxMessage
from marketplace.extensions import db

GPS = 0x8825  # the EXIF GPS information block

LINK = re.compile(r"https?://\S+(/community-payback/\S+)")


def good_nomination(**overrides) -> dict:
    data = {
        "title": "Clear the canal towpath at Kirkstall",
        "description": "Cut back brambles and pick up litter along the towpath between the two locks.",
        "benefit": "Walkers, cyclists and the primary school that uses the path for nature walks.",
        "town": "Leeds",
        "postcode": "ls5 3aa",
        "toilets_nearby": "yes",
        "step_free_access": "unsure",
        "rules": ["benefits_community", "no_paid_job", "no_profit"],
        "nominator_name": "Pat Resident",
        "nominator_email": "pat@resident.example",
        "nominator_phone": "",
        "nominator_organisation": "Kirkstall Canal Friends",
        "website": "",
    }
    data.update(overrides)
    return data


def emailed_path(to_address: str, subject_contains: str) -> str:
    """The site path in the newest email to `to_address` whose subject contains the words."""
    messages = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.to_address == to_address).order_by(OutboxMessage.id.desc())
    ).all()
    for message in messages:
        if subject_contains in message.subject:
            match = LINK.search(message.body)
            assert match, f"no link in {message.body!r}"
            return match.group(1)
    raise AssertionError(f"no email to {to_address} about {subject_contains!r}")


def jpeg(size=(640, 480), colour="green", *, gps=True) -> bytes:
    """A phone-like photo: a JPEG whose EXIF says which phone took it and where."""
    image = Image.new("RGB", size, colour)
    exif = Image.Exif()
    exif[0x010F] = "NominatorPhone"  # Make
    if gps:
        exif[GPS] = {1: "N", 2: (53.0, 48.0, 0.0), 3: "W", 4: (1.0, 32.0, 0.0)}
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()
