"""Demo Virtual Campus: one person on the demo case manager's caseload has signed in (their number,
date of birth and the demo password are printed), has a CV, one message waiting for the case manager's
check and one returned with its reason. A second person uses a prison kiosk: their number and the demo
PIN are printed, for /campus/kiosk."""

from __future__ import annotations

from sqlalchemy import select

from marketplace.accounts.passwords import hash_password
from marketplace.campus import operations
from marketplace.campus.models import CampusAccess
from marketplace.core.filters import govuk_date
from marketplace.extensions import db

DEMO_CASE_MANAGER = "case.manager@fairchance.example"
DEMO_PIN = "604913"  # published with the demo logins, like the demo password


def seed(context) -> list[str]:
    from marketplace.demo import DEMO_PASSWORD

    manager = context.made["case_managers"][0]
    people = sorted((p for p in context.made["participants"]
                     if p.case_manager_id == manager.id and not p.is_closed and operations.messageable_referrals(p)),
                    key=lambda p: p.id)
    if not people:
        return ["Virtual Campus: no demo person with an open referral"]
    person = people[0]
    access, _code = operations.grant_access(person, manager, consent_confirmed=True)
    operations.set_up_account(access, DEMO_PASSWORD)
    operations.save_cv(access, operations.CVWords(
        statement="I am reliable, I turn up early and I like to learn. I want steady work where I can use my hands.",
        experience="Wing cleaner and servery worker, 18 months\nWarehouse picker before my sentence, 2 years",
        training="Health and safety at work (finished)\nFood hygiene level 2 (in progress)",
        interests="Football, cooking for my family, fixing bikes"))
    referral = operations.messageable_referrals(person)[0]
    operations.write_message(access, referral, "Thank you for looking at my referral. Could you tell me what a "
                                               "normal day in the job is like?")
    returned = operations.write_message(access, referral, "I can start straight away. Call me on 07700 900123.")
    operations.return_message(returned, manager, "contact_details",
                              "Let's wait until they ask for a number. I will pass on their reply.")
    lines = [login_line(person)]
    if len(people) > 1:  # the kiosk person: set up as if they had used a kiosk slip
        kiosk_person = people[1]
        kiosk_access, _code = operations.grant_access(kiosk_person, manager, consent_confirmed=True,
                                                      sign_in_method="kiosk_pin")
        operations.set_up_account(kiosk_access, DEMO_PASSWORD)
        kiosk_access.pin_hash = hash_password(DEMO_PIN)
        lines.append(kiosk_login_line(kiosk_person))
    db.session.flush()
    return lines


def login_line(participant) -> str:
    return (f"Virtual Campus person ({participant.full_name}): sign in at /campus/sign-in with participant number "
            f"{participant.participant_number}, date of birth {govuk_date(participant.date_of_birth)} "
            "and the demo password")


def kiosk_login_line(participant) -> str:
    return (f"Virtual Campus person at a prison kiosk ({participant.full_name}): sign in at /campus/kiosk with "
            f"participant number {participant.participant_number} and PIN {DEMO_PIN}")


def demo_login_lines() -> list[str]:
    """The demo people's sign-ins, read from the database, for `flask seed logins`."""
    from marketplace.accounts.models import User

    manager = db.session.scalar(select(User).where(User.email == DEMO_CASE_MANAGER))
    if manager is None:
        return []
    accesses = db.session.scalars(select(CampusAccess).where(CampusAccess.created_by_id == manager.id,
                                                             CampusAccess.ended_at.is_(None))
                                  .order_by(CampusAccess.id)).all()
    return [kiosk_login_line(access.participant) if access.uses_kiosk_pin else login_line(access.participant)
            for access in accesses if access.is_live]
