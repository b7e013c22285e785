"""The life of a Gatemate request, as a table.

    (MAPPA or high RoSH) awaiting sign-off ──sign_off (coordinator)──▶ open
                                          └──decline (coordinator)───▶ declined
    open ──accept (mentor) / assign (coordinator)──▶ accepted ──record_met──▶ met
      ▲                                                 │  └──record_not_met──▶ not met
      └──── hand_back (mentor) / mentor_unavailable ────┘
    any active state ──cancel (case manager; or consent to share withdrawn)──▶ cancelled
    any active state ──not_released (case manager, from the day before)──▶ not met / cancelled
    two mentors: open ──accept_place / assign_place (first of two)──▶ open ("1 of 2 mentors found")
                 ──accept / assign (a second, different mentor)──▶ accepted; one of the two leaving
                 (hand_back, mentor_unavailable) puts it back to open with the other still in place
    open or awaiting sign-off ──expire (the reminders job, when the release day passed)──▶ expired

`update_release` (the date, the time window or the release-day status) and `edit` (needs, priorities,
destination, note, safety arrangements) keep the state; they are in the table so that who may do
them, and when, is written in one place, and so that they appear on the request's timeline.
"""

from __future__ import annotations

from marketplace.core.roles import Role
from marketplace.core.workflow import SYSTEM, Workflow
from marketplace.gatemate.models import STATUS_LABELS, GatemateRequest, RequestEvent
from marketplace.gatemate.models import Status as S

CASE_MANAGERS = {Role.CASE_MANAGER, Role.ADMIN}
MENTORING = {Role.MENTOR, Role.COORDINATOR}

GATEMATE = Workflow(
    "request",
    {
        (S.SIGNOFF, "sign_off"): (S.OPEN, {Role.COORDINATOR}),
        (S.SIGNOFF, "decline"): (S.DECLINED, {Role.COORDINATOR}),
        (S.SIGNOFF, "cancel"): (S.CANCELLED, CASE_MANAGERS),
        (S.SIGNOFF, "not_released"): (S.CANCELLED, CASE_MANAGERS),
        (S.SIGNOFF, "expire"): (S.EXPIRED, {SYSTEM}),
        (S.SIGNOFF, "update_release"): (S.SIGNOFF, CASE_MANAGERS),
        (S.SIGNOFF, "edit"): (S.SIGNOFF, CASE_MANAGERS),
        (S.OPEN, "accept"): (S.ACCEPTED, {Role.MENTOR}),
        (S.OPEN, "assign"): (S.ACCEPTED, {Role.COORDINATOR}),
        # The first of two mentors: the request stays open, on the board, until a second one takes it.
        (S.OPEN, "accept_place"): (S.OPEN, {Role.MENTOR}),
        (S.OPEN, "assign_place"): (S.OPEN, {Role.COORDINATOR}),
        # ...and the first of two may leave before a second comes.
        (S.OPEN, "hand_back"): (S.OPEN, MENTORING),
        (S.OPEN, "mentor_unavailable"): (S.OPEN, {SYSTEM, Role.ADMIN, Role.COORDINATOR}),
        (S.OPEN, "cancel"): (S.CANCELLED, CASE_MANAGERS),
        (S.OPEN, "not_released"): (S.CANCELLED, CASE_MANAGERS),
        (S.OPEN, "expire"): (S.EXPIRED, {SYSTEM}),
        (S.OPEN, "update_release"): (S.OPEN, CASE_MANAGERS),
        (S.OPEN, "edit"): (S.OPEN, CASE_MANAGERS),
        (S.ACCEPTED, "hand_back"): (S.OPEN, MENTORING),
        # The mentor was disabled, paused or their DBS check lapsed: the request goes back to the board.
        (S.ACCEPTED, "mentor_unavailable"): (S.OPEN, {SYSTEM, Role.ADMIN, Role.COORDINATOR}),
        (S.ACCEPTED, "cancel"): (S.CANCELLED, CASE_MANAGERS),
        (S.ACCEPTED, "not_released"): (S.NOT_MET, CASE_MANAGERS),
        (S.ACCEPTED, "update_release"): (S.ACCEPTED, CASE_MANAGERS),
        (S.ACCEPTED, "edit"): (S.ACCEPTED, CASE_MANAGERS),
        (S.ACCEPTED, "record_met"): (S.MET, MENTORING),
        (S.ACCEPTED, "record_not_met"): (S.NOT_MET, MENTORING),
    },
    labels=STATUS_LABELS,
    history=RequestEvent,
    subject="request",
)

# How each step reads on the request's timeline.
ACTION_LABELS = {
    "request": "Requested",
    "sign_off": "Signed off by a mentoring coordinator",
    "decline": "Not signed off by a mentoring coordinator",
    "mentor_unavailable": "Back on the board: the mentor is no longer available",
    "not_released": "Not released: the gate meeting is closed",
    "accept": "Accepted",
    "assign": "Assigned to a mentor",
    "accept_place": "Accepted: 1 of 2 mentors found",
    "assign_place": "Assigned to a mentor: 1 of 2 mentors found",
    "cancel": "Cancelled",
    "expire": "Closed: the release day passed with no mentor",
    "update_release": "Release day updated",
    "edit": "Details changed",
    "hand_back": "Handed back",
    "record_met": "Met at the gate",
    "record_not_met": "Not met",
    "flag_coordinators": "Flagged to mentoring organisations: no mentor 7 days before release",
    "flag_case_manager": "Flagged to the case manager: no mentor 2 days before release",
}


def transition(request: GatemateRequest, action: str, actor, note: str = "") -> RequestEvent:
    """Apply one step of the Gatemate workflow and record it, or raise NotAllowed. `actor` None
    means the reminders job."""
    event = GATEMATE.apply(request, action, actor, note=note[:500])
    request.updated_at = event.at
    return event


def record_event(request: GatemateRequest, action: str, actor, note: str = "") -> RequestEvent:
    """Write a timeline entry for something that happens to a request without changing its state (a
    request made, an escalation). Steps of the workflow go through `transition`."""
    return GATEMATE.record(request, action, actor, note=note[:500])
