"""UK postcodes: the one check every postcode box and import uses, and its one message."""

from __future__ import annotations

import re

POSTCODE = re.compile(
    r"^(GIR ?0AA|[A-PR-UWYZ]([0-9]{1,2}|([A-HK-Y][0-9]([0-9ABEHMNPRV-Y])?)|[0-9][A-HJKPS-UW])"
    r" ?[0-9][ABD-HJLNP-UW-Z]{2})$"
)
REAL_POSTCODE = "Enter a real postcode, like M1 1AE"


def normalise_postcode(postcode: str) -> str:
    compact = re.sub(r"\s+", "", postcode or "").upper()
    return f"{compact[:-3]} {compact[-3:]}" if len(compact) > 3 else compact


def is_real_postcode(text: str) -> bool:
    return POSTCODE.match(normalise_postcode(text)) is not None
