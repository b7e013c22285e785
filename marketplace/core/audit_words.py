"""The audit log in words for the admin pages: "Funding request: paid", "£120.00, supplier invoice",
"User 1". The raw codes stay in the database, the CSV and each cell's title, where an auditor needs
them; a person reading the page should not have to decode "funding.paid 12000p supplier_invoice"."""

from __future__ import annotations

import re

# What each feature's codes are about (the part before the dot).
FEATURES = {
    "alliance": "Corporate Alliance", "campus": "Virtual Campus", "conviction": "Conviction",
    "disclosure_letter": "Disclosure letter", "funding": "Funding request", "gatemate": "Gatemate request",
    "invitation": "Invitation", "login": "Sign-in", "logout": "Signed out", "opportunity": "Opportunity",
    "organisation": "Organisation", "participant": "Participant", "password": "Password",
    "payback": "Community Payback", "referral": "Referral", "registration": "Registration", "shortlist": "Shortlist",
    "user": "User account",
}
# Steps whose code, made readable, would still not say it plainly.
ACTIONS = {
    "login.succeeded": "Signed in", "login.failed": "Sign-in failed (wrong details)",
    "login.blocked": "Sign-in blocked (too many tries)", "logout": "Signed out",
    "funding.ask_information": "Funding request: more information asked for",
    "user.created_admin": "User account: admin created",
    "registration.email_in_use": "Registration: email address already in use",
}
PENCE = re.compile(r"\b([0-9]+)p\b")


def _readable(code: str) -> str:
    return code.replace("_", " ")


def action_words(action: str) -> str:
    if action in ACTIONS:
        return ACTIONS[action]
    feature, _, step = action.partition(".")
    about = FEATURES.get(feature, _readable(feature).capitalize())
    return f"{about}: {_readable(step)}" if step else about


def _money(match: re.Match) -> str:
    pence = int(match.group(1))
    return f"£{pence // 100:,}.{pence % 100:02d}"


def detail_words(detail: str) -> str:
    """Sums in pence as pounds ("12000p" is £120.00) and codes' underscores as spaces."""
    if not detail:
        return ""
    return _readable(PENCE.sub(_money, detail))


def record_words(subject_type: str | None, subject_id: str | None) -> str:
    if not subject_type:
        return ""
    kind = _readable(subject_type)
    kind = kind[:-1] if kind.endswith("s") and not kind.endswith("ss") else kind
    return f"{kind.capitalize()} {subject_id or ''}".strip()
