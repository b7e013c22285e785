"""The shape every form view shares: validate, call one operation, commit or roll back.

    form = ThingForm()
    if (thing := submit(form, lambda: operations.make_thing(...))) is not None:
        flash("Thing made", "success")
        return redirect(...)
    return render_form("things/new.html", form)

An operation that refuses (raises Refused, or NotAllowed from a workflow) leaves nothing written,
and its message appears on the form: on the field it names, or at the top of the error summary.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import flash, render_template

from marketplace.core.exceptions import Refused
from marketplace.core.forms import holds_nul_character
from marketplace.extensions import db

T = TypeVar("T")
DONE = object()  # what `submit` returns for an operation that returns nothing


def attach_refusal(form, refusal: Refused) -> None:
    """Show every problem of an operation's refusal on the form: each on the field it names, the rest
    at the top of the error summary. A field shows one error (the GOV.UK pattern): the first, so a
    box whose answer could not be read is not also told the answer is missing."""
    for name, message in refusal.problems:
        field = getattr(form, name, None) if name else None
        if field is not None and hasattr(field, "errors"):
            if not field.errors:
                field.errors = [message]
        elif message not in form.form_errors:
            form.form_errors.append(message)


def submit(form, action: Callable[[], T], check: Callable[[], None] | None = None) -> T | object | None:
    """Run `action` if the form was posted and is valid, and commit. Returns its result (or DONE
    when it returns None); returns None when the form was not posted, is invalid, or was refused.

    `check`, when given, runs the operation's own rules (raising Refused with every problem) even
    when the form's fields fail, so a person sees the field errors and the rule errors together
    rather than one round trip each. It must not write. It is skipped when a field holds a NUL
    character: the check's queries would carry it, and PostgreSQL refuses a NUL in text outright
    (no person types one; the field already says it was refused)."""
    if not form.is_submitted():
        return None
    valid = form.validate_on_submit()
    if not valid:
        if check is not None and not holds_nul_character(form):
            try:
                check()
            except Refused as refusal:
                attach_refusal(form, refusal)
            db.session.rollback()
        return None
    try:
        result = action()
    except Refused as refusal:
        db.session.rollback()
        attach_refusal(form, refusal)
        return None
    db.session.commit()
    return DONE if result is None else result


def render_form(template: str, form, **context):
    """Render a form page: 200 when first shown, 400 when a posted form has errors."""
    status = 400 if form.is_submitted() else 200
    return render_template(template, form=form, **context), status


def flash_form_errors(form) -> None:
    """For a button-only form posted from another page: show why it did nothing on the page we go
    back to."""
    for message in form.form_errors:
        flash(message, "error")
