"""Demo data: a fictional world, the same for the same seed. Each feature adds its own records
through its `demo.py`, in dependency order."""

from __future__ import annotations

import random

from faker import Faker

DEMO_PASSWORD = "lantern-harbour-cobalt"  # noqa: S105 - published demo login, printed by `make run`

DEMO_LOGINS = [
    ("Service administrator", "admin@fairchance.example"),
    ("Case manager", "case.manager@fairchance.example"),
    ("Employer", "employer@fairchance.example"),
    ("Social enterprise", "social.enterprise@fairchance.example"),
    ("Mentoring coordinator", "coordinator@fairchance.example"),
    ("Gatemate mentor", "mentor@fairchance.example"),
    ("Community Payback manager", "payback.manager@fairchance.example"),
    ("Funding manager", "funding.manager@fairchance.example"),
]


class DemoContext:
    """What the seeding steps share: the random source, a Faker, and what earlier steps made."""

    def __init__(self, seed: int):
        self.seed = seed
        self.rng = random.Random(seed)
        self.fake = Faker("en_GB")
        self.fake.seed_instance(seed)
        self.made: dict[str, list] = {}


def seed(seed_value: int) -> list[str]:
    from marketplace.accounts import demo as accounts_demo
    from marketplace.alliance import demo as alliance_demo
    from marketplace.campus import demo as campus_demo
    from marketplace.careers import demo as careers_demo
    from marketplace.disclosure import demo as disclosure_demo
    from marketplace.funding import demo as funding_demo
    from marketplace.gatemate import demo as gatemate_demo
    from marketplace.opportunities import demo as opportunities_demo
    from marketplace.participants import demo as participants_demo
    from marketplace.payback import demo as payback_demo
    from marketplace.referrals import demo as referrals_demo
    from marketplace.reports import demo as reports_demo

    context = DemoContext(seed_value)
    summary = [f"Demo data seeded (seed {seed_value}):"]
    for step in (accounts_demo.seed, participants_demo.seed, alliance_demo.seed, opportunities_demo.seed,
                 gatemate_demo.seed, disclosure_demo.seed, referrals_demo.seed, campus_demo.seed, careers_demo.seed,
                 payback_demo.seed,
                 funding_demo.seed,
                 reports_demo.seed):  # the reports' 18 months of history comes after today's records
        summary.extend(f"  {line}" for line in step(context))
    summary.append("Demo logins: flask --app marketplace seed logins")
    return summary


def login_lines() -> list[str]:
    width = max(len(role) for role, _ in DEMO_LOGINS)
    lines = [f"Demo logins (password for all: {DEMO_PASSWORD}):"]
    lines += [f"  {role.ljust(width)}  {email}" for role, email in DEMO_LOGINS]
    from marketplace.campus.demo import demo_login_lines

    # The Virtual Campus: no email address; the same password, or the kiosk person's PIN.
    lines += [f"  {person}" for person in demo_login_lines()]
    return lines
