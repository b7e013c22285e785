"""Password policy and hashing.

At least 12 characters (NCSC advice favours length over composition rules), not on the list of
30,000 common passwords that zxcvbn ships, and not easily guessed by zxcvbn's estimator (which also
catches the user's own name and email). Stored with Werkzeug's scrypt.
"""

from __future__ import annotations

import re
from functools import cache

from werkzeug.security import check_password_hash, generate_password_hash

MAX_LENGTH = 128  # longer inputs only cost hashing time


@cache
def _common_passwords() -> frozenset[str]:
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"])


def password_problem(password: str, *, min_length: int = 12, user_inputs: tuple[str, ...] = ()) -> str | None:
    """Why `password` is not acceptable, in words for the user; None when it is fine."""
    if len(password) < min_length:
        return f"Password must be {min_length} characters or more"
    if len(password) > MAX_LENGTH:
        return f"Password must be {MAX_LENGTH} characters or fewer"
    if password.lower() in _common_passwords():
        return "Password is too common. Choose a password that other people are unlikely to use"
    from zxcvbn import zxcvbn

    # zxcvbn matches whole inputs; split them so "Dana Whitfield" also catches "dana" and "whitfield".
    words = {word for value in user_inputs for word in re.split(r"[^a-z0-9]+", value.lower()) if len(word) > 2}
    result = zxcvbn(password, user_inputs=[*filter(None, user_inputs), *sorted(words)])
    if result["score"] < 3:
        warning = result["feedback"].get("warning") or "it follows a pattern that is easy to guess"
        return f"Password is too easy to guess: {warning.rstrip('.').lower()}. Try a few unrelated words"
    return None


def hash_password(password: str) -> str:
    from flask import current_app, has_app_context

    method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt") if has_app_context() else "scrypt"
    return generate_password_hash(password, method=method)


def verify_password(password_hash: str, password: str) -> bool:
    return check_password_hash(password_hash, password)


@cache
def _decoy_hash() -> str:
    return hash_password("decoy password that is never anybody's")


def spend_equal_time(password: str) -> None:
    """Check against a decoy hash so an unknown email takes as long as a wrong password."""
    check_password_hash(_decoy_hash(), password)
