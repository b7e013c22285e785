"""The referral workflow, as a table: (state, action) -> (new state, who may take the step).

Nothing else assigns a referral's status: `transition()` applies a step, checks the extra rules a
table cannot say (a guaranteed interview cannot be declined before the interview; the 13- and
26-week checks wait until the weeks have passed), and writes the timeline row both parties see.
"""

from __future__ import annotations

from datetime import timedelta

from marketplace.core import clock
from marketplace.core.filters import govuk_date, govuk_datetime
from marketplace.core.roles import Role
from marketplace.core.workflow import SYSTEM, NotAllowed, Workflow
from marketplace.referrals.models import BEFORE_INTERVIEW, STATUS_LABELS, ReferralEvent, Status

S = Status
CASE_MANAGER = {Role.CASE_MANAGER}
EMPLOYER = {Role.EMPLOYER, Role.SOCIAL_ENTERPRISE}

TRANSITIONS = {
    (S.DRAFT, "submit"): (S.SUBMITTED, CASE_MANAGER),
    (S.DRAFT, "withdraw"): (S.WITHDRAWN, CASE_MANAGER),
    (S.SUBMITTED, "acknowledge"): (S.ACKNOWLEDGED, EMPLOYER),
    (S.SUBMITTED, "offer_interview"): (S.INTERVIEW_OFFERED, EMPLOYER),
    (S.ACKNOWLEDGED, "offer_interview"): (S.INTERVIEW_OFFERED, EMPLOYER),
    (S.SUBMITTED, "decline"): (S.DECLINED, EMPLOYER),
    (S.ACKNOWLEDGED, "decline"): (S.DECLINED, EMPLOYER),
    (S.INTERVIEW_OFFERED, "book_interview"): (S.INTERVIEW_BOOKED, CASE_MANAGER),
    (S.INTERVIEW_OFFERED, "offer_interview"): (S.INTERVIEW_OFFERED, EMPLOYER),
    (S.INTERVIEW_BOOKED, "offer_interview"): (S.INTERVIEW_OFFERED, EMPLOYER),
    (S.INTERVIEW_BOOKED, "record_interview"): (S.INTERVIEWED, EMPLOYER),
    (S.INTERVIEW_BOOKED, "no_show"): (S.NO_SHOW, EMPLOYER),
    (S.INTERVIEWED, "make_offer"): (S.OFFER_MADE, EMPLOYER),
    (S.INTERVIEWED, "reject"): (S.UNSUCCESSFUL, EMPLOYER),
    (S.OFFER_MADE, "accept_offer"): (S.OFFER_ACCEPTED, CASE_MANAGER),
    (S.OFFER_MADE, "decline_offer"): (S.OFFER_DECLINED, CASE_MANAGER),
    (S.OFFER_ACCEPTED, "start"): (S.STARTED, CASE_MANAGER),
    # A start date still to come is agreed, not started: it becomes "started" on the day (by the
    # service, or by the case manager recording the real start), so the 13- and 26-week checks count
    # from a start that happened.
    (S.OFFER_ACCEPTED, "agree_start"): (S.START_AGREED, CASE_MANAGER),
    (S.START_AGREED, "agree_start"): (S.START_AGREED, CASE_MANAGER),
    (S.START_AGREED, "start"): (S.STARTED, CASE_MANAGER | {SYSTEM}),
    (S.STARTED, "sustain_13"): (S.SUSTAINED_13, CASE_MANAGER),
    (S.SUSTAINED_13, "sustain_26"): (S.SUSTAINED_26, CASE_MANAGER),
    (S.STARTED, "left_job"): (S.LEFT_JOB, CASE_MANAGER),
    (S.SUSTAINED_13, "left_job"): (S.LEFT_JOB, CASE_MANAGER),
    # A course, volunteering or an unpaid placement (not paid work) has its own outcomes after the
    # start: completed (the organisation running it knows first, the case manager may record it too),
    # a qualification gained from it, and moving into work (the case manager, who sees the job).
    (S.STARTED, "complete"): (S.COMPLETED, CASE_MANAGER | EMPLOYER),
    (S.COMPLETED, "gain_qualification"): (S.QUALIFICATION_GAINED, CASE_MANAGER | EMPLOYER),
    (S.STARTED, "move_into_work"): (S.MOVED_INTO_WORK, CASE_MANAGER),
    (S.COMPLETED, "move_into_work"): (S.MOVED_INTO_WORK, CASE_MANAGER),
    (S.QUALIFICATION_GAINED, "move_into_work"): (S.MOVED_INTO_WORK, CASE_MANAGER),
    **{(state, "withdraw"): (S.WITHDRAWN, CASE_MANAGER)
       for state in (S.SUBMITTED, S.ACKNOWLEDGED, S.INTERVIEW_OFFERED, S.INTERVIEW_BOOKED, S.INTERVIEWED,
                     S.OFFER_MADE, S.OFFER_ACCEPTED, S.START_AGREED)},
}


ACTION_LABELS = {
    "submit": "Submit the referral",
    "acknowledge": "Acknowledge",
    "offer_interview": "Offer an interview",
    "decline": "Decline",
    "book_interview": "Confirm the interview",
    "record_interview": "Record that the interview took place",
    "no_show": "Record that they did not attend",
    "make_offer": "Make a job offer",
    "reject": "Not successful",
    "accept_offer": "Record that the offer was accepted",
    "decline_offer": "Record that the offer was declined",
    "start": "Record the job start",
    "agree_start": "Change the agreed start date",
    "sustain_13": "Still in work at 13 weeks",
    "sustain_26": "Still in work at 26 weeks",
    "left_job": "Record that they left the job",
    "complete": "Record that they completed it",
    "gain_qualification": "Record a qualification gained",
    "move_into_work": "Record that they moved into work",
    "withdraw": "Withdraw",
    "correct": "Correct a step",
}


# The same step reads differently once an interview is already set: offering one again moves it.
STATE_ACTION_LABELS = {
    (S.INTERVIEW_OFFERED, "offer_interview"): "Change the interview",
    (S.INTERVIEW_BOOKED, "offer_interview"): "Change the interview",
}


def action_labels_for(status: str) -> dict[str, str]:
    """Every step's words as they read from `status` (for its buttons and its page's heading)."""
    return {**ACTION_LABELS, **{action: words for (state, action), words in STATE_ACTION_LABELS.items()
                                if state == status}}


def _parties_only(referral, actor) -> None:
    if actor is None:  # the service itself (a start date reached)
        return
    if referral.side_of(actor) not in ("provider", "employer"):
        raise NotAllowed("Only the case manager's and the employer's organisations can move this referral on.")


NOT_PAID_STEPS = frozenset({"complete", "gain_qualification", "move_into_work"})


def _check_extra_rules(referral, action: str, actor) -> None:
    today = clock.today()
    if action == "decline" and referral.guaranteed and referral.status in BEFORE_INTERVIEW:
        raise NotAllowed("This is a guaranteed interview: the person meets the minimum requirements, so you must "
                         "offer an interview before you can decline.")
    if action in ("sustain_13", "sustain_26") and not referral.opportunity.is_paid_work:
        raise NotAllowed("The 13- and 26-week checks are for paid work; a training course, volunteering or an unpaid "
                         "placement is not a job.")
    if action in NOT_PAID_STEPS and referral.opportunity.is_paid_work:
        raise NotAllowed("Completed, qualification gained and moved into work are the outcomes of a training "
                         "course, volunteering or an unpaid placement; paid work has the 13- and 26-week checks.")
    if action in NOT_PAID_STEPS and (referral.start_date is None or today < referral.start_date):
        raise NotAllowed("This can be recorded once they have started"
                         + (f", on {govuk_date(referral.start_date)}." if referral.start_date else "."))
    if action in ("record_interview", "no_show") and referral.interview_at is not None \
            and clock.now() < referral.interview_at:
        raise NotAllowed(f"The interview is on {govuk_datetime(referral.interview_at)}. You can record whether it "
                         "took place from then.")
    if action == "start" and actor is None and (referral.start_date is None or referral.start_date > today):
        raise NotAllowed("The agreed start date has not come yet.")
    if action == "sustain_13" and (referral.start_date is None or today < referral.start_date + timedelta(weeks=13)):
        raise NotAllowed("The 13-week check is due 13 weeks after the job start.")
    if action == "sustain_26" and (referral.start_date is None or today < referral.start_date + timedelta(weeks=26)):
        raise NotAllowed("The 26-week check is due 26 weeks after the job start.")


REFERRALS = Workflow("referral", TRANSITIONS, labels=STATUS_LABELS, history=ReferralEvent, subject="referral",
                     guard=_parties_only, rules=_check_extra_rules)


# Steps their author may correct soon after (a wrong click, the wrong referral): the referral goes
# back to where it was and the correction, with its reason, stays on the timeline.
CORRECTABLE = frozenset({"record_interview", "no_show", "make_offer", "reject", "accept_offer", "decline_offer",
                         "start", "agree_start", "sustain_13", "sustain_26", "left_job",
                         *NOT_PAID_STEPS})
CORRECTION_WINDOW = timedelta(hours=24)


def correctable_step(referral, user) -> ReferralEvent | None:
    """The referral's last step if `user` took it within the window and it may be corrected."""
    if not referral.events or user is None or getattr(user, "id", None) is None:
        return None
    last = max(referral.events, key=lambda event: (event.at, event.id or 0))
    if (last.action not in CORRECTABLE or last.actor_id != user.id or last.to_status != referral.status
            or clock.now() - last.at > CORRECTION_WINDOW):
        return None
    return last


def undo(referral, actor, reason: str) -> ReferralEvent:
    """Put the referral back to the state before its last step (see `correctable_step`) and write the
    correction, with its reason, to the timeline. Raises NotAllowed when there is nothing to correct."""
    last = correctable_step(referral, actor)
    if last is None:
        raise NotAllowed("There is no step of yours from the last 24 hours to correct.")
    row = REFERRALS.record(referral, "correct", actor, to_status=last.from_status,
                           note=f"Corrected \"{ACTION_LABELS[last.action]}\": {reason}")
    referral.status = last.from_status
    referral.status_changed_at = row.at
    referral.updated_at = row.at
    return row


def allowed_actions(referral, user) -> list[str]:
    """The steps this user may take now (for the buttons on the referral page)."""
    return REFERRALS.available(referral, user)


def transition(referral, action: str, actor, *, reason_code: str = "", note: str = "") -> ReferralEvent:
    """Apply one step of the referral workflow and record it on the timeline, or raise NotAllowed."""
    event = REFERRALS.apply(referral, action, actor, reason_code=reason_code, note=note)
    referral.status_changed_at = event.at
    referral.updated_at = event.at
    if reason_code:
        referral.reason_code = reason_code
    return event
