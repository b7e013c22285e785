"""Check your answers before a Gatemate request is sent: the request as mentoring organisations will
see it (a MentorBrief built from the answers, never from a saved request), what stays back, and a
fingerprint of it that the "Send request" button carries, so that a request is sent only as it was
checked. Nothing here writes.

The brief is built here rather than from a GatemateRequest because an unsaved GatemateRequest that
points at the participant would be pulled into the session (and written) by the relationship's cascade.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass

from marketplace.gatemate.models import (
    DAY_NEEDS,
    PRIORITIES,
    RELEASE_STATUS_LABELS,
    STATUS_COLOURS,
    STATUS_LABELS,
    MentorBrief,
    ReleaseStatus,
    Status,
    window_text,
)
from marketplace.gatemate.operations import Details, ReleaseDay, needs_signoff
from marketplace.participants.models import Participant
from marketplace.reference import PRISONS

# What mentoring organisations never see of the person, said on the check page in words.
HELD_BACK = ("Their full name (mentors see only the first name and last initial)", "Date of birth",
             "Prison number and other reference numbers", "Offences, convictions and sentence",
             "Risk levels and MAPPA", "Contact details and address", "Anything else on their record")


@dataclass
class Preview:
    brief: MentorBrief
    needs_signoff: bool
    risk_flags: list[str]
    fingerprint: str


def risk_flags_of(participant: Participant) -> list[str]:
    """The labels a signing-off coordinator sees (the same words as GatemateRequest.risk_flags)."""
    flags = []
    if participant.mappa_level:
        flags.append(f"Managed under MAPPA (level {participant.mappa_level})")
    if participant.rosh_level in ("high", "very_high"):
        flags.append(f"{'Very high' if participant.rosh_level == 'very_high' else 'High'} risk of serious harm")
    return flags


def preview_request(participant: Participant, prison: str, release: ReleaseDay, cleaned: Details) -> Preview:
    """`cleaned`: the details as operations.check_request returned them (checked, trimmed, in order)."""
    signoff = needs_signoff(participant)
    status = Status.SIGNOFF if signoff else Status.OPEN
    brief = MentorBrief(
        id=0, name=f"{participant.first_name} {participant.last_name[:1]}.", prison=prison,
        prison_region=PRISONS.get(prison, ""), release_date=release.release_date,
        window=window_text(release.window_start, release.window_end), release_status=ReleaseStatus.EXPECTED,
        release_status_label=RELEASE_STATUS_LABELS.get(ReleaseStatus.EXPECTED, ""),
        destination_town=cleaned.destination_town, destination_region=cleaned.destination_region,
        needs=[label for code, label in DAY_NEEDS.items() if code in cleaned.needs],
        priorities=[label for code, label in PRIORITIES.items() if code in cleaned.priorities],
        note=cleaned.note or None, status=status, status_label=STATUS_LABELS[status],
        status_colour=STATUS_COLOURS[status], mentor_id=None, shared=True,
        safety_arrangements=cleaned.safety_arrangements, two_mentors=False)
    flags = risk_flags_of(participant) if signoff else []
    seen = json.dumps({"brief": asdict(brief), "flags": flags}, sort_keys=True, default=str)
    return Preview(brief, signoff, flags, hashlib.sha256(seen.encode()).hexdigest())
