"""The rules page (public), and a participant's convictions, what each check shows, and their
disclosure letter (case managers of the participant's own organisation only; every view audited)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from marketplace.core import clock
from marketplace.core.db import writes_to_database
from marketplace.core.roles import Role, role_required
from marketplace.core.submissions import DONE, render_form, submit
from marketplace.disclosure import operations, rules
from marketplace.disclosure.forms import ConvictionForm, LetterForm, RemoveForm
from marketplace.disclosure.models import CHECK_LEVELS, CHECK_PHRASES, ConvictionRecord, can_see_convictions
from marketplace.extensions import db
from marketplace.participants.models import Participant
from marketplace.participants.operations import record_view

bp = Blueprint("disclosure", __name__, url_prefix="/disclosure")


@bp.get("/rules", endpoint="rules")
def rules_page():
    return render_template("disclosure/rules.html", periods=rules.period_table(), filtering=rules.filtering_table(),
                           sources=rules.SOURCES, rules=rules)


def _actor():
    return current_user._get_current_object()


def _participant(participant_id: int, page: str) -> Participant:
    """The participant, if the user may see their convictions (else 404); a page view is audited."""
    participant = db.session.get(Participant, participant_id)
    if participant is None or not can_see_convictions(participant, current_user):
        abort(404)
    if request.method == "GET":
        record_view(participant, _actor(), page)
        db.session.commit()
    return participant


def _conviction(conviction_id: int, page: str) -> ConvictionRecord:
    """The conviction, if the user may see it (else 404); the view is audited with which one it was."""
    record = db.session.get(ConvictionRecord, conviction_id)
    if record is None or not record.can_view(current_user):
        abort(404)
    _participant(record.participant_id, f"{page} {record.id}")
    return record


def _closed(participant: Participant):
    if participant.is_closed:
        flash("This case is closed, so the record cannot be changed.", "error")
        return redirect(url_for("disclosure.record", participant_id=participant.id))
    return None


@bp.get("/participants/<int:participant_id>")
@role_required(Role.CASE_MANAGER)
@writes_to_database
def record(participant_id: int):
    participant = _participant(participant_id, "convictions")
    return render_template("disclosure/record.html", participant=participant, today=clock.today(),
                           rows=operations.assess_record(participant), levels=list(rules.CheckLevel),
                           letter=operations.letter_of(participant), check_phrases=CHECK_PHRASES)


def _conviction_page(participant: Participant, conviction: ConvictionRecord | None, save):
    """The add / edit conviction form: `save(details)` records the posted details once they are valid."""
    if (closed := _closed(participant)) is not None:
        return closed
    form = ConvictionForm()
    if conviction is not None and not form.is_submitted():
        form.fill_from(conviction)
    # The rules run beside the form's own checks, so every mistake shows in one go (submit's check=).
    if submit(form, lambda: save(form.details()),
              check=lambda: operations.check_conviction(participant, form.details())):
        flash("Conviction saved.", "success")
        return redirect(url_for("disclosure.record", participant_id=participant.id))
    return render_form("disclosure/conviction_form.html", form, participant=participant, conviction=conviction)


@bp.route("/participants/<int:participant_id>/convictions/new", methods=["GET", "POST"])
@role_required(Role.CASE_MANAGER)
@writes_to_database
def add_conviction(participant_id: int):
    participant = _participant(participant_id, "add conviction")
    return _conviction_page(participant, None,
                            lambda details: operations.add_conviction(participant, details, _actor()))


@bp.route("/convictions/<int:conviction_id>/edit", methods=["GET", "POST"])
@role_required(Role.CASE_MANAGER)
@writes_to_database
def edit_conviction(conviction_id: int):
    conviction = _conviction(conviction_id, "edit conviction")
    return _conviction_page(conviction.participant, conviction,
                            lambda details: operations.update_conviction(conviction, details, _actor()))


@bp.route("/convictions/<int:conviction_id>/remove", methods=["GET", "POST"])
@role_required(Role.CASE_MANAGER)
@writes_to_database
def remove_conviction(conviction_id: int):
    conviction = _conviction(conviction_id, "remove conviction")
    participant = conviction.participant
    if (closed := _closed(participant)) is not None:
        return closed
    form = RemoveForm()
    if submit(form, lambda: operations.remove_conviction(conviction, _actor())) is DONE:
        flash("Conviction removed.", "success")
        return redirect(url_for("disclosure.record", participant_id=participant.id))
    return render_form("disclosure/remove.html", form, participant=participant, conviction=conviction)


@bp.route("/participants/<int:participant_id>/letter", methods=["GET", "POST"])
@role_required(Role.CASE_MANAGER)
@writes_to_database
def letter(participant_id: int):
    participant = _participant(participant_id, "disclosure letter")
    if (closed := _closed(participant)) is not None:
        return closed
    saved = operations.letter_of(participant)
    form = LetterForm()
    if not form.is_submitted():
        level = request.args.get("check_level") if request.args.get("check_level") in CHECK_LEVELS else None
        form.check_level.data = level or (saved.check_level if saved else "basic")
        form.body.data = saved.body if saved and level in (None, saved.check_level) else \
            operations.draft_letter(participant, form.check_level.data)
    elif form.redraft.data and form.validate():
        return redirect(url_for("disclosure.letter", participant_id=participant.id,
                                check_level=form.check_level.data))
    elif submit(form, lambda: operations.save_letter(participant, form.check_level.data, form.body.data,
                                                     _actor())):
        flash("Letter saved.", "success")
        return redirect(url_for("disclosure.record", participant_id=participant.id, _anchor="letter"))
    required = operations.disclosable(participant, form.check_level.data or "basic")
    return render_form("disclosure/letter.html", form, participant=participant, letter=saved, required=required,
                       check_phrases=CHECK_PHRASES)
