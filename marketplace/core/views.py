from __future__ import annotations

from flask import Blueprint, jsonify, redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy import select, text

from marketplace.core.db import writes_to_database
from marketplace.core.models import Notification
from marketplace.core.operations import mark_notifications_read
from marketplace.core.roles import Role
from marketplace.extensions import db

bp = Blueprint("core", __name__)

# Features add what a role's home page shows: each function takes the user and returns template
# context (empty when it has nothing for that user's role).
HOME_PANELS: list = []


def home_panel(function):
    HOME_PANELS.append(function)
    return function


@bp.get("/")
def start():
    if current_user.is_authenticated:
        return redirect(url_for("core.home"))
    return render_template("core/start.html")


@bp.get("/home")
@login_required
def home():
    if current_user.role == Role.ADMIN:
        return redirect(url_for("admin.dashboard"))
    notifications = db.session.scalars(
        select(Notification).where(Notification.user_id == current_user.id, Notification.read_at.is_(None))
        .order_by(Notification.created_at.desc()).limit(5)
    ).all()
    context = {}
    for panel in HOME_PANELS:
        context.update(panel(current_user))
    return render_template("core/home.html", notifications=notifications, **context)


@bp.get("/notifications")
@login_required
@writes_to_database
def notifications():
    items = db.session.scalars(
        select(Notification).where(Notification.user_id == current_user.id)
        .order_by(Notification.created_at.desc(), Notification.id.desc()).limit(100)
    ).all()
    unread_ids = {item.id for item in items if item.read_at is None}
    mark_notifications_read(current_user)
    db.session.commit()
    return render_template("core/notifications.html", items=items, unread_ids=unread_ids)


@bp.get("/accessibility")
def accessibility():
    return render_template("core/accessibility.html")


@bp.get("/privacy")
def privacy():
    return render_template("core/privacy.html")


@bp.get("/cookies")
def cookies():
    return render_template("core/cookies.html")


@bp.get("/health")
def health():
    """For load balancers and monitoring: the database answers and the search index opens.
    503 when either is down; says nothing about the data."""
    checks = {"database": "ok", "search_index": "ok"}
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # noqa: BLE001 - any failure means unhealthy
        db.session.rollback()
        checks["database"] = "unavailable"
    try:
        from marketplace.search import index as store

        if store.searcher("opportunities") is None:
            checks["search_index"] = "missing"
    except Exception:  # noqa: BLE001
        checks["search_index"] = "unavailable"
    healthy = all(value == "ok" for value in checks.values())
    return jsonify(status="ok" if healthy else "unhealthy", **checks), 200 if healthy else 503
