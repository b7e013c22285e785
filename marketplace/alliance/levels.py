"""What each level of the Corporate Alliance lets an organisation post: the one place this is decided.

The three levels come from seed paper 003, section I.B.4: level 1 supports employability (donated
materials, staff time for mock interviews, CV preparation and mentoring); level 2 designs and delivers
training, including paid work placements; level 3 recruits directly from prisons and probation. A level
includes what the levels below it allow.

Every operation that creates or publishes something calls `check_may_post`, so the rule holds for a
form posted by hand and for the import alike. Social enterprises may post training and volunteering
without a membership (they exist to train and employ people), and anything else by their level.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from marketplace.core import clock
from marketplace.core.exceptions import Refused
from marketplace.core.roles import OrganisationKind
from marketplace.extensions import db

LEVELS: dict[int, str] = {
    1: "Level 1: support employability",
    2: "Level 2: training and work placements",
    3: "Level 3: recruit directly",
}
LEVEL_PROMISES: dict[int, str] = {
    1: "Donate materials for training, and staff time for mock interviews, CV preparation and mentoring.",
    2: "Design and deliver training programmes, including paid work placements in a prison workshop, "
       "on day release or in the community.",
    3: "Recruit directly from prisons and probation: vacancies and guaranteed interviews.",
}

# Everything an organisation can post, and the lowest level that may post it.
POSTING_KINDS: dict[str, str] = {
    "session": "Offers of staff time and materials (mock interviews, CV workshops, mentoring)",
    "volunteering": "Volunteering opportunities",
    "work_placement": "Work placements",
    "training": "Training courses",
    "guaranteed_interview": "Guaranteed interviews",
    "vacancy": "Vacancies",
}
MINIMUM_LEVEL: dict[str, int] = {
    "session": 1,
    "volunteering": 1,
    "work_placement": 2,
    "training": 2,
    "guaranteed_interview": 3,
    "vacancy": 3,
}
WITHOUT_MEMBERSHIP: dict[str, frozenset[str]] = {
    OrganisationKind.SOCIAL_ENTERPRISE.value: frozenset({"training", "volunteering"}),
}
MEMBER_KINDS = frozenset({OrganisationKind.EMPLOYER.value, OrganisationKind.SOCIAL_ENTERPRISE.value})

# The activities an organisation pledges when it applies, each belonging to a level.
PLEDGES: dict[str, tuple[int, str]] = {
    "donate_materials": (1, "Donate materials that can be used to train people"),
    "mock_interviews": (1, "Give staff time for mock interviews and interview training"),
    "cv_preparation": (1, "Give staff time to help people prepare CVs and disclosure letters"),
    "mentoring": (1, "Give staff time to mentor people"),
    "volunteering": (1, "Offer volunteering opportunities"),
    "design_training": (2, "Design training programmes with prisons and providers"),
    "deliver_training": (2, "Deliver training courses"),
    "paid_placements": (2, "Offer paid work placements (prison workshop, day release or community)"),
    "recruit_prison": (3, "Recruit directly from prisons, including people on release on temporary licence"),
    "recruit_probation": (3, "Recruit people on probation"),
    "guaranteed_interviews": (3, "Guarantee an interview to anyone who meets our minimum requirements"),
}


def pledges_up_to(level: int) -> dict[str, str]:
    return {code: label for code, (needs, label) in PLEDGES.items() if needs <= level}


def kinds_at(level: int | None) -> list[str]:
    """Everything an approved member at `level` may post (nothing without a level)."""
    if level is None:
        return []
    return [kind for kind, needs in MINIMUM_LEVEL.items() if needs <= level]


def unlocked_by(level: int) -> list[str]:
    """What moving up to `level` adds to the level below it."""
    return [kind for kind, needs in MINIMUM_LEVEL.items() if needs == level]


def next_level(level: int | None) -> int | None:
    if level is None:
        return 1
    return level + 1 if level < max(LEVELS) else None


def level_of(organisation_id: int, today: date | None = None) -> int | None:
    """The level of the organisation's approved, unexpired membership, or None.

    A membership past its expiry date counts for nothing even before `flask reminders send` has marked
    it lapsed, so nothing can be posted on an expired membership between runs."""
    from marketplace.alliance.models import AllianceMembership, MembershipStatus

    today = today or clock.today()
    return db.session.scalar(select(AllianceMembership.level).where(
        AllianceMembership.organisation_id == organisation_id,
        AllianceMembership.status == MembershipStatus.APPROVED,
        AllianceMembership.expires_on > today,
    ))


def allowed_kinds(organisation, level: int | None = None) -> list[str]:
    """Everything `organisation` may post now, in the order of POSTING_KINDS."""
    if organisation is None or organisation.kind not in MEMBER_KINDS or not organisation.is_approved:
        return []
    if level is None:
        level = level_of(organisation.id)
    allowed = set(kinds_at(level)) | WITHOUT_MEMBERSHIP.get(organisation.kind, frozenset())
    return [kind for kind in POSTING_KINDS if kind in allowed]


def check_may_post(organisation, kind: str) -> None:
    """Raise Refused (field `kind`) unless `organisation` may post `kind` at its current level."""
    if kind not in POSTING_KINDS:
        raise Refused("Select what kind of opportunity this is", field="kind")
    if kind in allowed_kinds(organisation):
        return
    if organisation is None or organisation.kind not in MEMBER_KINDS:
        raise Refused("Only employers and social enterprises can post opportunities", field="kind")
    needed = MINIMUM_LEVEL[kind]
    level = level_of(organisation.id)
    what = POSTING_KINDS[kind].split(" (")[0].lower()
    if level is None:
        raise Refused(f"Your organisation needs to be an approved level {needed} member of the Corporate "
                      f"Alliance to post {what}", field="kind")
    raise Refused(f"Your organisation is a level {level} member of the Corporate Alliance, so it cannot post "
                  f"{what}. Apply to move up to level {needed} first", field="kind")
