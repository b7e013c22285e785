"""What the header shows: the service navigation for the signed-in user's role and the unread count."""

from __future__ import annotations

from flask import has_request_context, request, url_for
from flask_login import current_user

from marketplace.core.operations import unread_notification_count
from marketplace.core.roles import Role

# The roles that have reports (marketplace/reports/scope.py says what each sees).
REPORT_ROLES = frozenset({Role.ADMIN, Role.CASE_MANAGER, Role.EMPLOYER, Role.SOCIAL_ENTERPRISE, Role.COORDINATOR,
                          Role.PAYBACK_MANAGER})


def _item(text: str, endpoint: str, *active_prefixes: str, unless: tuple[str, ...] = ()) -> dict:
    """A navigation item, marked current on paths under its prefixes except those under `unless`
    (the pages another item of the same folder is current for)."""
    href = url_for(endpoint)
    prefixes = active_prefixes or (href,)
    active = any(request.path.startswith(p) for p in prefixes) and not any(request.path.startswith(p) for p in unless)
    return {"text": text, "href": href, "active": active}


def navigation_items() -> list[dict]:
    if not current_user.is_authenticated:
        return []
    items = [_item("Home", "core.home", "/home")]
    if current_user.role == Role.ADMIN:
        items = [
            # The outbox is reached from the dashboard's "emails in the outbox" figure.
            _item("Dashboard", "admin.dashboard", "/admin/dashboard", "/admin/outbox"),
            _item("Registrations", "admin.registrations", "/admin/registrations"),
            _item("Alliance", "alliance.applications", "/alliance/applications"),
            _item("Users", "admin.users", "/admin/users"),
            _item("Audit", "admin.audit", "/admin/audit"),
            _item("Gatemate", "gatemate.requests", "/gatemate"),
            _item("Guarantees", "referrals.guarantees", "/referrals/guarantees"),
            _item("Careers", "careers.manage", "/careers"),
        ]
    if current_user.role == Role.CASE_MANAGER:
        items.append(_item("Caseload", "participants.caseload", "/participants"))
        items.append(_item("Opportunities", "search.opportunities", "/search", "/opportunities"))
        items.append(_item("Referrals", "referrals.caseload", "/referrals"))
        items.append(_item("Sessions", "alliance.offers", "/alliance/offers", "/alliance/bookings"))
        items.append(_item("Gatemate", "gatemate.requests", "/gatemate"))
        # Careers information is linked from the home page's Virtual Campus section instead: a tenth
        # item made the case manager's navigation wrap onto a second line at 1200 px.
    if current_user.role in (Role.EMPLOYER, Role.SOCIAL_ENTERPRISE):
        items.append(_item("Alliance membership", "alliance.membership", "/alliance/membership",
                           "/alliance/profile", "/alliance/apply"))
        items.append(_item("Referrals", "referrals.inbox", "/referrals"))
        items.append(_item("Opportunities", "opportunities.ours", "/opportunities", "/search"))
        items.append(_item("Sessions", "alliance.our_offers", "/alliance/our-offers", "/alliance/offers"))
    if current_user.role == Role.MENTOR:
        items.append(_item("Requests board", "gatemate.board", "/gatemate/board"))
        items.append(_item("Your requests", "gatemate.requests", "/gatemate/requests"))
    if current_user.role == Role.COORDINATOR:
        items.append(_item("Requests", "gatemate.requests", "/gatemate/requests"))
        items.append(_item("Mentors", "gatemate.mentors", "/gatemate/mentors"))
        items.append(_item("Coverage", "gatemate.coverage", "/gatemate/coverage"))
    if current_user.role == Role.PAYBACK_MANAGER:
        items.append(_item("Nominations", "payback.nominations", "/community-payback/nominations"))
        items.append(_item("People", "payback.people", "/community-payback/people"))
    if current_user.role == Role.PERSON:  # the Virtual Campus (marketplace/campus/)
        items = [_item("Your page", "campus.home", "/campus/home"), _item("Your CV", "campus.cv", "/campus/cv"),
                 _item("Messages", "campus.messages", "/campus/messages"),
                 _item("Your record", "campus.disclosure", "/campus/disclosure"),
                 _item("Careers information", "careers.index", "/careers")]
    if current_user.role == Role.ADMIN:
        items.append(_item("Funding", "funding.spending", "/funding"))
    if current_user.role == Role.FUNDING_MANAGER:
        items.append(_item("Funding requests", "funding.index", "/funding/", "/funding/new",
                           unless=("/funding/budgets", "/funding/report")))
        items.append(_item("Budgets", "funding.budgets", "/funding/budgets"))
        items.append(_item("Funding report", "funding.spending", "/funding/report"))
    if current_user.role in REPORT_ROLES:
        items.append(_item("Reports", "reports.index", "/reports"))
    if current_user.organisation is not None:
        items.append(_item("Organisation", "accounts.organisation", "/organisation"))
    return items


NAVIGATION_CONTEXT_KEY = _CONTEXT_KEY = "marketplace.navigation_context"


def template_context() -> dict:
    # Every GOV.UK form widget renders a template of its own, and each render asks for this context:
    # work it out once per request (one notification count, not one per field).
    if not has_request_context():
        return _navigation_context()
    if (cached := request.environ.get(_CONTEXT_KEY)) is None:
        cached = request.environ[_CONTEXT_KEY] = _navigation_context()
    return cached


def _navigation_context() -> dict:
    from marketplace.accounts.sessions import expiry_times

    unread, expiry = 0, None
    if current_user.is_authenticated:
        unread = unread_notification_count(current_user)
        expiry = expiry_times()
    return {"navigation_items": navigation_items(), "unread_notifications": unread, "session_expiry": expiry}
