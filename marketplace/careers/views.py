"""Careers information: the pages people on the Virtual Campus and case managers read, the audited way
out to other websites, and the administrator's pages for writing and publishing them."""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, url_for
from flask_login import current_user

from marketplace.careers import operations
from marketplace.careers.forms import PageForm, PublishForm, UnpublishForm
from marketplace.careers.models import CareersLink, CareersPage
from marketplace.core.db import writes_to_database
from marketplace.core.exceptions import Refused
from marketplace.core.roles import Role, role_required
from marketplace.core.submissions import flash_form_errors, submit
from marketplace.extensions import db

bp = Blueprint("careers", __name__, url_prefix="/careers")

# The pages a signed-in Virtual Campus person may open outside the campus's own blueprint.
PERSON_ENDPOINTS = frozenset({"careers.index", "careers.page", "careers.out"})
READERS = tuple(operations.READERS)


def _me():
    return current_user._get_current_object()


def _readable_or_404(page_id: int) -> CareersPage:
    page = db.session.get(CareersPage, page_id)
    if page is None or not operations.can_read(page, current_user):
        abort(404)
    return page


def _record_person_view(what: str) -> None:
    # A person's every view is in the audit log against their own record, like the rest of the campus.
    if current_user.role == Role.PERSON and g.get("campus_access") is not None:
        from marketplace.campus.operations import record_own_view

        record_own_view(g.campus_access, what)


@bp.get("/")
@role_required(*READERS)
@writes_to_database
def index():
    _record_person_view("careers information")
    db.session.commit()
    return render_template("careers/index.html", pages=operations.published_pages())


@bp.get("/<int:page_id>")
@role_required(*READERS)
@writes_to_database
def page(page_id):
    shown = _readable_or_404(page_id)
    operations.record_read(shown, _me())
    _record_person_view(f"careers: {shown.title}"[:200])
    db.session.commit()
    return render_template("careers/page.html", page=shown)


@bp.get("/out/<int:link_id>")
@role_required(*READERS)
@writes_to_database
def out(link_id):
    link = db.session.get(CareersLink, link_id)
    if link is None:
        abort(404)
    try:
        address = operations.follow_link(link, _me())
    except Refused:
        abort(404)
    db.session.commit()
    # Only ever the address an administrator stored and that passed is_safe_url: never one from the request.
    return redirect(address, code=302)  # an outside link by design (see above)  # nosec B950


# The administrator's side -----------------------------------------------------------------------------

@bp.get("/manage")
@role_required(Role.ADMIN)
def manage():
    return render_template("careers/manage.html", pages=operations.all_pages())


def _words(form) -> operations.PageWords:
    return operations.PageWords(title=form.title.data or "", summary=form.summary.data or "",
                                body=form.body.data or "", links=form.links.data or "")


def _check(form):
    return lambda: operations.page_rules(_words(form))


@bp.route("/manage/new", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def new():
    form = PageForm()
    made = submit(form, lambda: operations.create_page(_me(), _words(form)), check=_check(form))
    if made:
        flash(f"'{made.title}' is saved as a draft. Publish it when it is ready.", "success")
        return redirect(url_for("careers.edit", page_id=made.id))
    return render_template("careers/edit.html", form=form, page=None), 400 if form.is_submitted() else 200


@bp.route("/manage/<int:page_id>/edit", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def edit(page_id):
    shown = db.session.get(CareersPage, page_id) or abort(404)
    form = PageForm(data={"title": shown.title, "summary": shown.summary, "body": shown.body,
                          "links": operations.links_text(shown)})
    if submit(form, lambda: operations.update_page(shown, _me(), _words(form)), check=_check(form)):
        flash("Saved." + (" It shows at once to people who read it." if shown.is_published else ""), "success")
        return redirect(url_for("careers.edit", page_id=shown.id))
    return render_template("careers/edit.html", form=form, page=shown,
                           publish_form=PublishForm(formdata=None), unpublish_form=UnpublishForm(formdata=None)), \
        400 if form.is_submitted() else 200


@bp.post("/manage/<int:page_id>/publish")
@role_required(Role.ADMIN)
def publish(page_id):
    shown = db.session.get(CareersPage, page_id) or abort(404)
    form = PublishForm()
    if submit(form, lambda: operations.publish(shown, _me())):
        flash(f"'{shown.title}' is published.", "success")
    else:
        flash_form_errors(form)
    return redirect(url_for("careers.edit", page_id=shown.id))


@bp.post("/manage/<int:page_id>/unpublish")
@role_required(Role.ADMIN)
def unpublish(page_id):
    shown = db.session.get(CareersPage, page_id) or abort(404)
    form = UnpublishForm()
    if submit(form, lambda: operations.unpublish(shown, _me())):
        flash(f"'{shown.title}' is taken down. Only administrators can see it.", "success")
    else:
        flash_form_errors(form)
    return redirect(url_for("careers.edit", page_id=shown.id))
