from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from marketplace.core import clock
from marketplace.core.db import writes_to_database
from marketplace.core.roles import Role, get_visible_or_404, role_required
from marketplace.core.submissions import submit
from marketplace.extensions import db
from marketplace.participants.models import Participant
from marketplace.participants.operations import record_view
from marketplace.shortlists import operations
from marketplace.shortlists.forms import ShortlistForm

bp = Blueprint("shortlists", __name__, url_prefix="/shortlists")

# Where a save or removal goes back to: named, never a URL from the form, so it cannot send anyone off-site.
BACK_TO = ("matches", "opportunity", "shortlist")  # the pages a shortlist button sends the person back to


def _actor():
    return current_user._get_current_object()


def _person(participant_id: int) -> Participant:
    """A person the case manager may see (else 404); a page view of them is audited."""
    participant = get_visible_or_404(Participant, participant_id)
    if request.method == "GET":
        record_view(participant, _actor(), "shortlist" if request.endpoint == "shortlists.show"
                    else "shortlist printed")
        db.session.commit()
    return participant


def _back(participant: Participant, form: ShortlistForm):
    back = form.back.data if form.back.data in BACK_TO and not form.opportunity.errors else "shortlist"
    if back == "matches":
        return redirect(url_for("search.matches", participant_id=participant.id))
    if back == "opportunity":
        return redirect(url_for("opportunities.show", opportunity_id=form.opportunity_id, participant=participant.id))
    return redirect(url_for("shortlists.show", participant_id=participant.id))


@bp.get("/<int:participant_id>")
@role_required(Role.CASE_MANAGER)
@writes_to_database
def show(participant_id: int):
    participant = _person(participant_id)
    return render_template("shortlists/show.html", participant=participant,
                           lines=operations.lines_of(participant), today=clock.today(),
                           max_entries=operations.MAX_ENTRIES)


@bp.get("/<int:participant_id>/print")
@role_required(Role.CASE_MANAGER)
@writes_to_database
def print_sheet(participant_id: int):
    """One or two sides of A4 to hand over: the person's first name and the jobs, nothing else about them."""
    participant = _person(participant_id)
    return render_template("shortlists/print.html", participant=participant,
                           lines=operations.lines_of(participant), today=clock.today())


def _flash_problems(form) -> None:
    """The button was posted from another page: say there why it did nothing."""
    for message in [*form.form_errors, *(error for field in form for error in field.errors)]:
        flash(message, "error")


@bp.post("/<int:participant_id>/add")
@role_required(Role.CASE_MANAGER)
def add(participant_id: int):
    participant = _person(participant_id)
    form = ShortlistForm()
    entry = submit(form, lambda: operations.add(participant, form.opportunity_id, _actor()))
    if entry is not None:
        flash(f"{entry.opportunity.title} is on {participant.first_name}'s shortlist.", "success")
    else:
        _flash_problems(form)
    return _back(participant, form)


@bp.post("/<int:participant_id>/remove")
@role_required(Role.CASE_MANAGER)
def remove(participant_id: int):
    participant = _person(participant_id)
    form = ShortlistForm()
    if submit(form, lambda: operations.remove(participant, form.opportunity_id, _actor())) is not None:
        flash(f"Removed from {participant.first_name}'s shortlist.", "success")
    else:
        _flash_problems(form)
    return _back(participant, form)
