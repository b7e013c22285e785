"""The public page that explains the disclosure rules in plain English, with their sources."""

from __future__ import annotations

from flask import Blueprint, render_template

from marketplace.disclosure import rules

bp = Blueprint("disclosure", __name__, url_prefix="/disclosure")


@bp.get("/rules", endpoint="rules")
def rules_page():
    return render_template("disclosure/rules.html", periods=rules.period_table(), filtering=rules.filtering_table(),
                           sources=rules.SOURCES, rules=rules)
