"""A referral's CV and disclosure letter: the shared upload rules (core/uploads.py) on a shelf of
their own, under UPLOAD_DIR/referrals. What is accepted, and why, is said there."""

from __future__ import annotations

from pathlib import Path

from marketplace.core.uploads import HOLD_FOR, MAX_BYTES, Held, NotAccepted, Shelf, inspect

__all__ = ["HOLD_FOR", "LABELS", "MAX_BYTES", "REFERRALS", "Held", "NotAccepted", "check_and_store", "claim",
           "give_back", "held", "held_dir", "hold", "inspect", "path_of", "remove", "remove_lapsed_held",
           "upload_dir"]

# "campus_cv" is the person's Virtual Campus CV, made into a PDF when the case manager attaches it: held and
# checked like an uploaded file, and stored as the referral's CV.
LABELS = {"cv": "CV", "disclosure_letter": "disclosure letter", "campus_cv": "Virtual Campus CV"}
REFERRALS = Shelf("referrals", LABELS)
FIELDS = {label: field for field, label in LABELS.items()}

upload_dir = REFERRALS.upload_dir
held_dir = REFERRALS.held_dir
path_of = REFERRALS.path_of
remove = REFERRALS.remove
hold = REFERRALS.hold
held = REFERRALS.held
claim = REFERRALS.claim
give_back = REFERRALS.give_back
remove_lapsed_held = REFERRALS.remove_lapsed_held


def check_and_store(upload, label: str, folder: Path | None = None) -> dict:
    """Check and store a CV ("CV") or disclosure letter ("disclosure letter")."""
    return REFERRALS.check_and_store(upload, FIELDS[label], folder)
