"""The provider's Virtual Campus switch page, on the campus blueprint (views.py imports this module)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from marketplace.accounts.models import User
from marketplace.campus import switch
from marketplace.campus.forms import CampusSwitchForm
from marketplace.campus.views import bp
from marketplace.core.roles import organisation_admin_required
from marketplace.core.submissions import submit
from marketplace.extensions import db


@bp.route("/setting", methods=["GET", "POST"])
@organisation_admin_required
def setting():
    organisation = current_user.organisation
    if not switch.can_switch(current_user, organisation):
        abort(403)  # only providers have a caseload to switch
    form = CampusSwitchForm(data={"setting": "on" if switch.is_on(organisation) else "off"})
    if submit(form, lambda: switch.switch(organisation, current_user._get_current_object(), form.setting.data == "on")):
        flash("The Virtual Campus is " + ("on" if switch.is_on(organisation) else "off") + " for your caseload.",
              "success")
        return redirect(url_for("campus.setting"))
    changes = switch.history(organisation)
    names = {user.id: user.full_name for user in db.session.scalars(
        db.select(User).where(User.id.in_({event.actor_id for event in changes if event.actor_id})))}
    return render_template("campus/setting.html", form=form, organisation=organisation,
                           campus_on=switch.is_on(organisation), changes=changes, names=names), \
        400 if form.is_submitted() else 200
