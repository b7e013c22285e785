"""One-time tokens for links sent by email and for session cookies.

Only a SHA-256 of each token is stored, so a copy of the database cannot be used to sign in or to
reset a password.
"""

import hashlib
import secrets


def new_token() -> tuple[str, str]:
    """A fresh random token and the hash to store for it."""
    token = secrets.token_urlsafe(32)
    return token, hash_token(token)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
