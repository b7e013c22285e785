"""The access matrix: for every route and method, the status each kind of visitor must get.

`ROWS` maps (endpoint, method) to the expected status per visitor. A route with no row fails
tests/core/test_access_matrix.py, so every new route must be added here with its permissions. Each
feature keeps its rows in its own block below; `WORLD_BUILDERS` and `URL_ARGUMENTS` say how to make
the records the URLs point at.

Requests are sent with no form data and with CSRF checking off (CSRF has its own tests), so a
permitted form post answers 400 (its validation errors) and a refused one 403 or 404.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from marketplace.accounts.models import OrganisationStatus, UserStatus
from marketplace.core.roles import Role
from marketplace.extensions import db

ANONYMOUS = "anonymous"
VISITORS = [ANONYMOUS, *[role.value for role in Role]]
LOGIN = "login"  # a redirect to the sign-in page


# A person signed in to the Virtual Campus reaches only the campus and the pages named for them (the
# campus's guard answers 403 everywhere else), so rows that do not name `person` expect 403 for them.
PERSON_ELSEWHERE = 403


def expect(default=None, *, anonymous=LOGIN, **by_role) -> dict[str, object]:
    """Expected outcome per visitor: `default` for every role not named, `anonymous` for visitors
    (and PERSON_ELSEWHERE for a Virtual Campus person unless named)."""
    unknown = set(by_role) - set(VISITORS)
    assert not unknown, f"unknown visitors {unknown}"
    table = {ANONYMOUS: anonymous}
    for role in Role:
        table[role.value] = by_role.get(role.value, PERSON_ELSEWHERE if role == Role.PERSON else default)
    assert all(value is not None for value in table.values()), f"incomplete row: {table}"
    return table


ADMIN_ONLY = dict(default=403)
ORG_ADMINS = {"admin": 403, "mentor": 403, "funding_manager": 403}  # the world's funding manager is not one


# ----------------------------------------------------------------------------------------------------
# Foundation: core pages, accounts, admin
ROWS: dict[tuple[str, str], dict[str, object]] = {
    ("core.start", "GET"): expect(302, anonymous=200, person=302),
    ("core.home", "GET"): expect(200, admin=302, person=302),
    ("core.notifications", "GET"): expect(200, person=200),
    ("core.accessibility", "GET"): expect(200, anonymous=200, person=200),
    ("core.privacy", "GET"): expect(200, anonymous=200, person=200),
    ("core.cookies", "GET"): expect(200, anonymous=200, person=200),
    # No index is built in the matrix's world, so health reports 503 (and says why) to everyone.
    ("core.health", "GET"): expect(503, anonymous=503, person=503),
    ("accounts.login", "GET"): expect(302, anonymous=200, person=302),
    ("accounts.login", "POST"): expect(302, anonymous=400, person=302),
    ("accounts.logout", "POST"): expect(302, person=302),
    ("accounts.keep_alive", "POST"): expect(200, person=200),
    ("accounts.register", "GET"): expect(302, anonymous=200),
    ("accounts.register", "POST"): expect(302, anonymous=400),
    ("accounts.registered", "GET"): expect(200, anonymous=200),
    ("accounts.change_password", "GET"): expect(200),
    ("accounts.change_password", "POST"): expect(400),
    ("accounts.account", "GET"): expect(200),
    ("accounts.request_reset", "GET"): expect(200, anonymous=200),
    ("accounts.request_reset", "POST"): expect(400, anonymous=400),
    ("accounts.reset_password", "GET"): expect(404, anonymous=404),
    ("accounts.reset_password", "POST"): expect(404, anonymous=404),
    ("accounts.accept_invitation", "GET"): expect(404, anonymous=404),
    ("accounts.accept_invitation", "POST"): expect(404, anonymous=404),
    ("accounts.organisation", "GET"): expect(200, admin=404),
    ("accounts.invite", "GET"): expect(200, **ORG_ADMINS),
    ("accounts.invite", "POST"): expect(400, **ORG_ADMINS),
    # The invitation belongs to the employer's organisation: other organisations' admins get 404.
    ("accounts.revoke_invitation", "POST"): expect(404, employer=302, **ORG_ADMINS),
    ("admin.dashboard", "GET"): expect(**ADMIN_ONLY, admin=200),
    ("admin.registrations", "GET"): expect(**ADMIN_ONLY, admin=200),
    ("admin.registration", "GET"): expect(**ADMIN_ONLY, admin=200),
    # An empty approval has ticked nothing it must confirm (what was checked): its errors, 400.
    ("admin.approve", "POST"): expect(**ADMIN_ONLY, admin=400),
    ("admin.reject", "POST"): expect(**ADMIN_ONLY, admin=400),
    ("admin.users", "GET"): expect(**ADMIN_ONLY, admin=200),
    ("admin.user", "GET"): expect(**ADMIN_ONLY, admin=200),
    ("admin.disable_user", "POST"): expect(**ADMIN_ONLY, admin=400),
    ("admin.enable_user", "POST"): expect(**ADMIN_ONLY, admin=302),
    ("admin.audit", "GET"): expect(**ADMIN_ONLY, admin=200),
    ("admin.outbox", "GET"): expect(**ADMIN_ONLY, admin=200),
    ("admin.outbox_message", "GET"): expect(**ADMIN_ONLY, admin=200),
    # Disclosure: the rules page is public.
    ("disclosure.rules", "GET"): expect(200, anonymous=200, person=200),
}

# ----------------------------------------------------------------------------------------------------
# Participants: only case managers of the participant's organisation, and admins. The world's
# participant belongs to the case manager's organisation; other organisations' participants are a 404
# (tests/participants/test_access.py walks every route with one).
PARTICIPANT_RECORD = dict(default=403, case_manager=200, admin=200)
PARTICIPANT_FORM_POST = dict(default=403, case_manager=400, admin=400)
ROWS.update({
    ("participants.caseload", "GET"): expect(403, case_manager=200),
    ("participants.new", "GET"): expect(403, case_manager=200),
    ("participants.new", "POST"): expect(403, case_manager=400),
    ("participants.show", "GET"): expect(**PARTICIPANT_RECORD),
    ("participants.export", "GET"): expect(**PARTICIPANT_RECORD),
    ("participants.export_readable", "GET"): expect(**PARTICIPANT_RECORD),
    **{(f"participants.{name}", "GET"): expect(**PARTICIPANT_RECORD)
       for name in ("edit", "restrictions", "readiness", "assess", "consent", "close")},
    **{(f"participants.{name}", "POST"): expect(**PARTICIPANT_FORM_POST)
       for name in ("edit", "readiness", "assess", "consent", "close")},
    # Every field of the restrictions form is optional: an empty post clears them and is saved.
    ("participants.restrictions", "POST"): expect(403, case_manager=302, admin=302),
})

# ----------------------------------------------------------------------------------------------------
# Disclosure: a participant's convictions and letter are for case managers of their organisation only
# (not admins). The world's conviction belongs to the world's participant; another organisation's are a
# 404 (tests/disclosure/test_pages.py). An empty removal post removes (the form is only a button).
CONVICTIONS_ONLY = dict(default=403, case_manager=200)
ROWS.update({
    ("disclosure.record", "GET"): expect(**CONVICTIONS_ONLY),
    **{(f"disclosure.{name}", "GET"): expect(**CONVICTIONS_ONLY)
       for name in ("add_conviction", "edit_conviction", "remove_conviction", "letter")},
    **{(f"disclosure.{name}", "POST"): expect(403, case_manager=400)
       for name in ("add_conviction", "edit_conviction", "letter")},
    ("disclosure.remove_conviction", "POST"): expect(403, case_manager=302),
})

# ----------------------------------------------------------------------------------------------------
# Gatemate. The world's request is open, at a prison the world's mentor covers (so the coordinator's
# organisation covers it too), for a participant of the case manager's organisation. Pages for the
# mentor who holds a request send anyone else back to the request (302). tests/gatemate/test_access.py
# checks other organisations' requests and what mentors see.
CASE_MANAGING_PAGE = dict(default=403, case_manager=200, admin=200)
CASE_MANAGING_POST = dict(default=403, case_manager=400, admin=400)
HOLDER_ONLY = dict(default=403, mentor=302, coordinator=302)
ROWS.update({
    ("gatemate.board", "GET"): expect(403, mentor=200),
    ("gatemate.requests", "GET"): expect(200, employer=403, social_enterprise=403, payback_manager=403,
                                     funding_manager=403),
    ("gatemate.show", "GET"): expect(200, employer=403, social_enterprise=403, payback_manager=403,
                                     funding_manager=403),
    ("gatemate.new_request", "GET"): expect(403, case_manager=200),
    ("gatemate.new_request", "POST"): expect(403, case_manager=400),
    **{(f"gatemate.{name}", "GET"): expect(**CASE_MANAGING_PAGE) for name in ("edit", "release", "cancel")},
    **{(f"gatemate.{name}", "POST"): expect(**CASE_MANAGING_POST) for name in ("edit", "release", "cancel")},
    ("gatemate.accept", "POST"): expect(403, mentor=302),
    ("gatemate.assign", "GET"): expect(403, coordinator=200),
    ("gatemate.assign", "POST"): expect(403, coordinator=400),
    ("gatemate.hand_back", "GET"): expect(**HOLDER_ONLY),
    ("gatemate.hand_back", "POST"): expect(**HOLDER_ONLY),
    ("gatemate.outcome", "GET"): expect(**HOLDER_ONLY),
    ("gatemate.record_met", "POST"): expect(**HOLDER_ONLY),
    ("gatemate.record_not_met", "POST"): expect(**HOLDER_ONLY),
    ("gatemate.mentors", "GET"): expect(403, coordinator=200),
    ("gatemate.mentor_profile", "GET"): expect(403, coordinator=200),
    ("gatemate.mentor_profile", "POST"): expect(403, coordinator=400),
    ("gatemate.my_profile", "GET"): expect(403, mentor=200),
    ("gatemate.coverage", "GET"): expect(403, coordinator=200, admin=200),
    ("gatemate.consent", "GET"): expect(403, case_manager=200),
    ("gatemate.consent", "POST"): expect(403, case_manager=400),
    # The world's request is open (no sign-off needed), so a coordinator is sent back to it.
    ("gatemate.sign_off", "GET"): expect(403, coordinator=302),
    ("gatemate.sign_off", "POST"): expect(403, coordinator=302),
    ("gatemate.text_messages", "GET"): expect(403, admin=200),
})

# ----------------------------------------------------------------------------------------------------
# Corporate Alliance. The world's employer is a level 2 member with an application to move up to level 3
# waiting (the `membership_id` of every membership route); the social enterprise has a profile and no
# membership. The world's offer is the employer's; its booking is the case manager's, for the world's
# participant. The directory is public.
MEMBERS_ONLY = dict(default=403, employer=200, social_enterprise=200)
ROWS.update({
    ("alliance.directory", "GET"): expect(200, anonymous=200, person=200),
    ("alliance.member", "GET"): expect(200, anonymous=200, person=200),
    ("alliance.membership", "GET"): expect(**MEMBERS_ONLY),
    ("alliance.profile", "GET"): expect(**MEMBERS_ONLY),
    ("alliance.profile", "POST"): expect(403, employer=400, social_enterprise=400),
    ("alliance.apply", "GET"): expect(**MEMBERS_ONLY),
    ("alliance.apply", "POST"): expect(403, employer=400, social_enterprise=400),
    # The application is the employer's: withdrawing it works; another organisation's is a 404.
    ("alliance.withdraw", "POST"): expect(403, employer=302, social_enterprise=404),
    ("alliance.renew", "POST"): expect(403, employer=302, social_enterprise=404),
    ("alliance.applications", "GET"): expect(**ADMIN_ONLY, admin=200),
    ("alliance.application", "GET"): expect(**ADMIN_ONLY, admin=200),
    ("alliance.approve", "POST"): expect(**ADMIN_ONLY, admin=302),
    ("alliance.reject", "POST"): expect(**ADMIN_ONLY, admin=400),
    ("alliance.our_offers", "GET"): expect(**MEMBERS_ONLY),
    ("alliance.new_offer", "GET"): expect(**MEMBERS_ONLY),
    ("alliance.new_offer", "POST"): expect(403, employer=400, social_enterprise=400),
    ("alliance.offer", "GET"): expect(403, employer=200, social_enterprise=404, case_manager=200, admin=200),
    ("alliance.edit_offer", "GET"): expect(403, employer=200, social_enterprise=404),
    ("alliance.edit_offer", "POST"): expect(403, employer=400, social_enterprise=404),
    ("alliance.cancel_offer", "GET"): expect(403, employer=200, social_enterprise=404),
    ("alliance.cancel_offer", "POST"): expect(403, employer=400, social_enterprise=404),
    # Attendance can be recorded once the session has started; the world's offer is in two weeks.
    ("alliance.attendance", "POST"): expect(403, employer=400, social_enterprise=404),
    ("alliance.offers", "GET"): expect(403, case_manager=200, admin=200),
    ("alliance.book", "GET"): expect(403, case_manager=200),
    ("alliance.book", "POST"): expect(403, case_manager=400),
    ("alliance.bookings", "GET"): expect(403, case_manager=200),
    ("alliance.cancel_booking", "POST"): expect(403, case_manager=302),
})

# ----------------------------------------------------------------------------------------------------
# Opportunities. The world's opportunity is an open training course of the employer (a level 2 member);
# the social enterprise is another organisation, so the employer's opportunity is a 404 to it. Case
# managers and admins read published opportunities; only the organisation manages its own.
OWNER_STEP = dict(default=403, employer=302, social_enterprise=404)
ROWS.update({
    ("opportunities.browse", "GET"): expect(403, case_manager=200, admin=200),
    ("opportunities.show", "GET"): expect(403, case_manager=200, admin=200, employer=200, social_enterprise=404),
    ("opportunities.print_sheet", "GET"): expect(403, case_manager=200, admin=200, employer=200,
                                                 social_enterprise=404),
    ("opportunities.ours", "GET"): expect(**MEMBERS_ONLY),
    ("opportunities.new", "GET"): expect(**MEMBERS_ONLY),
    ("opportunities.new", "POST"): expect(403, employer=400, social_enterprise=400),
    ("opportunities.edit", "GET"): expect(403, employer=200, social_enterprise=404),
    ("opportunities.edit", "POST"): expect(403, employer=400, social_enterprise=404),
    ("opportunities.preview", "GET"): expect(403, employer=200, social_enterprise=404),
    # An empty post to a step the open opportunity cannot take is refused with a message on the page
    # it goes back to; close and duplicate work.
    **{(f"opportunities.{name}", "POST"): expect(**OWNER_STEP)
       for name in ("publish", "close", "reopen", "archive", "duplicate")},
})

# ----------------------------------------------------------------------------------------------------
# Search and matching. Employers and social enterprises search only their own opportunities.
ROWS.update({
    ("search.opportunities", "GET"): expect(403, case_manager=200, employer=200, social_enterprise=200, admin=200),
    ("search.matches", "GET"): expect(**PARTICIPANT_RECORD),
    ("search.people", "GET"): expect(403, case_manager=200),
})

# ----------------------------------------------------------------------------------------------------
# Shortlists: case work, so case managers of the person's organisation only (admins read records but do
# not keep shortlists); another organisation's person is a 404 (tests/shortlists/test_pages.py). A
# button-only post is taken or refused with a message on the page it goes back to.
ROWS.update({
    ("shortlists.show", "GET"): expect(403, case_manager=200),
    ("shortlists.print_sheet", "GET"): expect(403, case_manager=200),
    ("shortlists.add", "POST"): expect(403, case_manager=302),
    ("shortlists.remove", "POST"): expect(403, case_manager=302),
})

# ----------------------------------------------------------------------------------------------------
# Referrals. The world's referral is the case manager's participant, put forward for the employer's
# opportunity; it is new (submitted), so the employer can acknowledge it. The social enterprise is
# another organisation (404). Steps the visitor cannot take send them back to the referral (302).
ROWS.update({
    # /referrals/new needs ?participant=&opportunity=; without them the participant is not found.
    ("referrals.new", "GET"): expect(403, case_manager=404),
    ("referrals.new", "POST"): expect(403, case_manager=404),
    ("referrals.caseload", "GET"): expect(403, case_manager=200),
    ("referrals.inbox", "GET"): expect(403, employer=200, social_enterprise=200),
    ("referrals.show", "GET"): expect(403, case_manager=200, employer=200, admin=200, social_enterprise=404),
    ("referrals.step", "GET"): expect(403, case_manager=302, employer=200, social_enterprise=404),
    ("referrals.step", "POST"): expect(403, case_manager=302, employer=302, social_enterprise=404),
    ("referrals.correct", "GET"): expect(403, case_manager=302, employer=302, social_enterprise=404),
    ("referrals.correct", "POST"): expect(403, case_manager=302, employer=302, social_enterprise=404),
    ("referrals.message", "POST"): expect(403, case_manager=400, employer=400, social_enterprise=404),
    ("referrals.document", "GET"): expect(403, case_manager=200, employer=200, admin=200, social_enterprise=404),
    ("referrals.guarantees", "GET"): expect(403, admin=200, employer=200, social_enterprise=200),
})

# ----------------------------------------------------------------------------------------------------
# Reports (issue 9). Admins see the whole service, case managers their provider, employers and social
# enterprises their own opportunities, coordinators their coverage; mentors have no reports.
REPORT_ACCESS = {
    "funnel": dict(admin=200, case_manager=200, employer=200, social_enterprise=200),
    "outcomes": dict(admin=200, case_manager=200, employer=200, social_enterprise=200),
    "guarantees": dict(admin=200, case_manager=200, employer=200, social_enterprise=200),
    "alliance": dict(admin=200),
    "coverage": dict(admin=200, coordinator=200),
    "distance": dict(admin=200, case_manager=200),
    "pathways": dict(admin=200, case_manager=200),
    # Community Payback (issue 22): admins every region, payback managers their own.
    "payback": dict(admin=200, payback_manager=200),
}
ROWS.update({("reports.index", "GET"): expect(200, mentor=403, funding_manager=403)})
for _report, _allowed in REPORT_ACCESS.items():
    ROWS[(f"reports.{_report}", "GET")] = expect(403, **_allowed)
    ROWS[(f"reports.{_report}_csv", "GET")] = expect(403, **_allowed)

# ----------------------------------------------------------------------------------------------------
# Community Payback (issue 22). The public pages need no sign-in; nominations are for payback managers
# of the project's region (the world's project is in the payback manager's region; another region's
# is a 404, tests/payback/test_assessment.py). An empty nomination post is a form with errors. The
# world's project is shortlisted with its public vote open, so anyone may see it and vote.
PAYBACK_MANAGERS = dict(default=403, payback_manager=200)
ROWS.update({
    ("payback.index", "GET"): expect(200, anonymous=200),
    ("payback.nominate", "GET"): expect(200, anonymous=200),
    ("payback.nominate", "POST"): expect(400, anonymous=400),
    ("payback.nomination_sent", "GET"): expect(200, anonymous=200),
    ("payback.confirm_nomination", "GET"): expect(404, anonymous=404),
    ("payback.confirm_nomination", "POST"): expect(404, anonymous=404),
    ("payback.nominations", "GET"): expect(**PAYBACK_MANAGERS),
    # Admins read every region's nominations (the list across regions, and each page, read-only).
    ("payback.all_projects", "GET"): expect(403, admin=200),
    ("payback.nomination", "GET"): expect(403, payback_manager=200, admin=200),
    ("payback.assess", "GET"): expect(**PAYBACK_MANAGERS),
    ("payback.assess", "POST"): expect(403, payback_manager=400),
    ("payback.public_text", "GET"): expect(**PAYBACK_MANAGERS),
    ("payback.public_text", "POST"): expect(403, payback_manager=400),
    # The world's project has one photo, marked public: managers see it on the nomination, anyone publicly.
    ("payback.nomination_photo", "GET"): expect(403, payback_manager=200, admin=200),
    ("payback.project_photo", "GET"): expect(200, anonymous=200),
    # The world's project is shortlisted, not accepted: there is no start to schedule yet (sent back to it).
    ("payback.schedule", "GET"): expect(403, payback_manager=302),
    ("payback.schedule", "POST"): expect(403, payback_manager=302),
    # Sessions belong to accepted projects (the world's shortlisted one sends the manager back to it);
    # the world's session is on an accepted project, today, with the world's person on an order allocated.
    # An empty allocation or attendance post is the page again with its errors.
    ("payback.sessions", "GET"): expect(403, payback_manager=302),
    ("payback.sessions", "POST"): expect(403, payback_manager=302),
    # Only an accepted project has an offer on completion: the world's shortlisted one sends the manager back.
    ("payback.offer", "GET"): expect(403, payback_manager=302),
    ("payback.offer", "POST"): expect(403, payback_manager=302),
    ("payback.work_session", "GET"): expect(**PAYBACK_MANAGERS),
    ("payback.allocate", "POST"): expect(403, payback_manager=400),
    # Changing or cancelling the world's session (today, one person on it, no attendance yet): the forms,
    # and an empty post is the form again with its errors.
    ("payback.change_session", "GET"): expect(**PAYBACK_MANAGERS),
    ("payback.change_session", "POST"): expect(403, payback_manager=400),
    ("payback.cancel_session", "GET"): expect(**PAYBACK_MANAGERS),
    ("payback.cancel_session", "POST"): expect(403, payback_manager=400),
    ("payback.attendance", "POST"): expect(403, payback_manager=400),
    ("payback.project", "GET"): expect(200, anonymous=200),
    ("payback.project", "POST"): expect(400, anonymous=400),
    ("payback.vote_sent", "GET"): expect(200, anonymous=200),
    ("payback.confirm_vote", "GET"): expect(404, anonymous=404),
    ("payback.confirm_vote", "POST"): expect(404, anonymous=404),
    # People's orders and hours: payback managers of the person's own provider (the world's second
    # participant, in the community, is in the payback manager's organisation). Suggesting the world's
    # opportunity (a training course, not paid work) is refused with a message on the record (302).
    ("payback.people", "GET"): expect(**PAYBACK_MANAGERS),
    ("payback.person", "GET"): expect(**PAYBACK_MANAGERS),
    ("payback.order", "GET"): expect(**PAYBACK_MANAGERS),
    ("payback.order", "POST"): expect(403, payback_manager=400),
    ("payback.record_hours", "GET"): expect(**PAYBACK_MANAGERS),
    ("payback.record_hours", "POST"): expect(403, payback_manager=400),
    ("payback.suggest", "POST"): expect(403, payback_manager=302),
    # The ETE cap: a payback manager sets their region's, an admin any region's. Sessions that count as
    # ETE: the world's offer is in a prison, never one a payback manager can mark (404).
    ("payback.ete_cap", "GET"): expect(403, payback_manager=200, admin=200),
    ("payback.ete_cap", "POST"): expect(403, payback_manager=400, admin=400),
    ("payback.ete_sessions", "GET"): expect(**PAYBACK_MANAGERS),
    ("payback.mark_ete_session", "POST"): expect(403, payback_manager=404),
})

# ----------------------------------------------------------------------------------------------------
# Virtual Campus (issue 20). The world's person has live access to the world's participant (of the case
# manager's organisation). Signed-in staff are sent home from the person's sign-in pages; an empty post
# to the case manager's forms is refused with its errors (the access to end exists).
ROWS.update({
    ("campus.sign_in", "GET"): expect(302, anonymous=200, person=302),
    ("campus.sign_in", "POST"): expect(302, anonymous=400, person=302),
    ("campus.start", "GET"): expect(302, anonymous=200, person=302),
    ("campus.start", "POST"): expect(302, anonymous=400, person=302),
    ("campus.kiosk_sign_in", "GET"): expect(302, anonymous=200, person=302),
    ("campus.kiosk_sign_in", "POST"): expect(302, anonymous=400, person=302),
    ("campus.kiosk_start", "GET"): expect(302, anonymous=200, person=302),
    ("campus.kiosk_start", "POST"): expect(302, anonymous=400, person=302),
    ("campus.home", "GET"): expect(403, person=200),
    # The world's person signs in with a passphrase, so their PIN page is not found (a kiosk person's
    # is tested in tests/campus/test_kiosk_pin.py).
    ("campus.change_pin", "GET"): expect(403, person=404),
    ("campus.change_pin", "POST"): expect(403, person=404),
    # The world has no search index, so the opportunity is not among the person's matches: refused, back home.
    ("campus.interested", "POST"): expect(403, person=302),
    ("campus.disclosure", "GET"): expect(403, person=200),
    ("campus.payback_hours", "GET"): expect(403, person=200),  # their own order: no id in the address
    ("campus.cv", "GET"): expect(403, person=200),
    ("campus.cv", "POST"): expect(403, person=302),  # every part of the CV is optional: an empty post saves
    ("campus.cv_download", "GET"): expect(403, person=200),
    ("campus.cv_download_pdf", "GET"): expect(403, person=200),
    ("campus.messages", "GET"): expect(403, person=200),
    ("campus.write_message", "GET"): expect(403, person=200),
    ("campus.write_message", "POST"): expect(403, person=400),
    ("campus.checks", "GET"): expect(403, case_manager=200),
    ("campus.check", "GET"): expect(403, case_manager=200),
    ("campus.send", "POST"): expect(403, case_manager=302),  # the world's message is waiting: it is sent
    ("campus.return_message", "POST"): expect(403, case_manager=400),
    ("campus.access", "GET"): expect(403, case_manager=200),
    ("campus.access", "POST"): expect(403, case_manager=400),
    ("campus.end_access", "POST"): expect(403, case_manager=400),
    # No form fields: the world's person uses a passphrase, so unlocking is refused with a message back on
    # the access page.
    ("campus.unlock_pin", "POST"): expect(403, case_manager=302),
    ("campus.message_setting", "POST"): expect(403, case_manager=400),
    ("campus.auto_accept_on", "POST"): expect(403, case_manager=400),  # the reason is required
    ("campus.auto_accept_off", "POST"): expect(403, case_manager=400),
    # The provider's switch: administrators of a provider organisation (the world's case manager and
    # payback manager administer theirs; the funding manager does not); others have no caseload to switch.
    ("campus.setting", "GET"): expect(403, case_manager=200, payback_manager=200),
    ("campus.setting", "POST"): expect(403, case_manager=400, payback_manager=400),
})

# ----------------------------------------------------------------------------------------------------
# Discretionary funding (issue 21). The world's request was made by the case manager for the world's
# participant; the funding manager is the case manager's colleague and decides it. Other providers'
# requests are a 404 (tests/funding/test_views.py). An empty decision post lists its errors (400).
FUNDING_PEOPLE = dict(default=403, case_manager=200, funding_manager=200)
ROWS.update({
    ("funding.index", "GET"): expect(**FUNDING_PEOPLE),
    ("funding.new", "GET"): expect(403, case_manager=404),  # needs ?participant=
    ("funding.new", "POST"): expect(403, case_manager=404),
    ("funding.show", "GET"): expect(403, case_manager=200, funding_manager=200, admin=200),
    ("funding.decide", "GET"): expect(403, funding_manager=200),
    ("funding.decide", "POST"): expect(403, funding_manager=400),
    # Only an approved request can be paid: the world's is waiting, so the page sends them back.
    ("funding.pay", "GET"): expect(403, funding_manager=302),
    ("funding.pay", "POST"): expect(403, funding_manager=302),
    ("funding.step", "GET"): expect(403, case_manager=200, funding_manager=302),
    ("funding.step", "POST"): expect(403, case_manager=302, funding_manager=302),
    # The case manager changes a request until it is decided (an empty post lists its errors).
    ("funding.edit", "GET"): expect(403, case_manager=200),
    ("funding.edit", "POST"): expect(403, case_manager=400),
    # Evidence: the case manager adds it while the request waits (an empty post lists its errors); a
    # funding manager only an invoice or receipt once approved, so the world's waiting one sends them back.
    ("funding.add_evidence", "GET"): expect(403, case_manager=200, funding_manager=302),
    ("funding.add_evidence", "POST"): expect(403, case_manager=400, funding_manager=302),
    ("funding.evidence", "GET"): expect(403, case_manager=200, funding_manager=200, admin=200),
    # Fidelity bonds: the employer asks once it has offered the job; the world's referral has not reached
    # an offer, so the page sends the employer back to the referral. Others' referrals are a 404.
    ("funding.ask_bond", "GET"): expect(403, employer=302, social_enterprise=404),
    ("funding.ask_bond", "POST"): expect(403, employer=302, social_enterprise=404),
    # The world's bond (asked by the employer, waiting) is decided by a funding manager of the person's
    # provider (an empty post lists its errors), and withdrawn by the employer (its note is optional, so
    # an empty post withdraws it). Another employer's bond is a 404.
    ("funding.decide_bond", "GET"): expect(403, funding_manager=200),
    ("funding.decide_bond", "POST"): expect(403, funding_manager=400),
    ("funding.withdraw_bond", "GET"): expect(403, employer=200, social_enterprise=404),
    ("funding.withdraw_bond", "POST"): expect(403, employer=302, social_enterprise=404),
    ("funding.budgets", "GET"): expect(403, funding_manager=200, admin=200),
    # Budgets from a file: an empty post says to choose one (400).
    ("funding.import_budgets", "GET"): expect(403, funding_manager=200, admin=200),
    ("funding.import_budgets", "POST"): expect(403, funding_manager=400, admin=400),
    ("funding.set_budget", "GET"): expect(403, funding_manager=200),
    ("funding.set_budget", "POST"): expect(403, funding_manager=400),
    ("funding.spending", "GET"): expect(403, funding_manager=200, admin=200),
    ("funding.spending_csv", "GET"): expect(403, funding_manager=200, admin=200),
})

# ----------------------------------------------------------------------------------------------------
# Careers information (issue 20, marketplace/careers/). People on the Virtual Campus, case managers and
# admins read the world's published page and follow its link (a redirect to the stored address); only
# admins write pages (an empty post lists its errors) and publish or take them down.
CAREERS_READERS = dict(default=403, person=200, case_manager=200, admin=200)
ROWS.update({
    ("careers.index", "GET"): expect(**CAREERS_READERS),
    ("careers.page", "GET"): expect(**CAREERS_READERS),
    ("careers.out", "GET"): expect(403, person=302, case_manager=302, admin=302),
    ("careers.manage", "GET"): expect(403, admin=200),
    ("careers.new", "GET"): expect(403, admin=200),
    ("careers.new", "POST"): expect(403, admin=400),
    ("careers.edit", "GET"): expect(403, admin=200),
    ("careers.edit", "POST"): expect(403, admin=400),
    ("careers.publish", "POST"): expect(403, admin=302),
    ("careers.unpublish", "POST"): expect(403, admin=302),
})

# Routes answered before any permission check (served files).
EXEMPT_ENDPOINTS = {"static"}


@dataclass
class World:
    """The records a matrix request can point at: one signed-in user per role, each in an
    organisation of their own (coordinator and mentor share a mentoring organisation), and records
    that belong to one of them or to nobody they know."""

    users: dict[str, object] = field(default_factory=dict)
    records: dict[str, object] = field(default_factory=dict)


def build_foundation(world: World) -> None:
    from tests.factories import InvitationFactory, OrganisationFactory, OutboxMessageFactory, UserFactory

    for role in Role:
        # The person is made in build_campus, for the participant; mentors and funding managers below.
        if role in (Role.MENTOR, Role.PERSON, Role.FUNDING_MANAGER):
            continue
        world.users[role.value] = UserFactory(role=role.value)
    world.users[Role.MENTOR.value] = UserFactory(
        role=Role.MENTOR.value, organisation=world.users[Role.COORDINATOR.value].organisation)
    # Funding managers decide their own provider's requests: the case manager's colleague.
    world.users[Role.FUNDING_MANAGER.value] = UserFactory(
        role=Role.FUNDING_MANAGER.value, organisation=world.users[Role.CASE_MANAGER.value].organisation,
        is_org_admin=False)
    pending = OrganisationFactory(status=OrganisationStatus.PENDING.value, register="companies_house",
                                  register_number="01234567")
    UserFactory(role="employer", organisation=pending, status=UserStatus.PENDING.value)
    world.records["pending_organisation"] = pending
    world.records["other_user"] = UserFactory(role="case_manager")
    world.records["invitation"] = InvitationFactory(organisation=world.users["employer"].organisation)
    world.records["outbox_message"] = OutboxMessageFactory()


def build_participants(world: World) -> None:
    from tests.factories import ParticipantFactory

    world.records["participant"] = ParticipantFactory(case_manager=world.users["case_manager"])


def build_gatemate(world: World) -> None:
    from tests.factories import GatemateRequestFactory, MentorProfileFactory, ParticipantFactory

    MentorProfileFactory(user=world.users["mentor"], prisons=["HMP Liverpool"])
    # A person of their own, so that the world's participant can still be given a request.
    leaving = ParticipantFactory(case_manager=world.users["case_manager"], prison="HMP Liverpool")
    world.records["gatemate_request"] = GatemateRequestFactory(participant=leaving)


def build_alliance(world: World) -> None:
    from tests.factories import (
        AllianceMembershipFactory,
        BookingFactory,
        ConsentRecordFactory,
        MemberProfileFactory,
        OfferFactory,
    )

    employer = world.users["employer"].organisation
    MemberProfileFactory(organisation=employer)
    AllianceMembershipFactory(organisation=employer, level=2)
    world.records["application"] = AllianceMembershipFactory(organisation=employer, level=3, status="applied")
    MemberProfileFactory(organisation=world.users["social_enterprise"].organisation)
    world.records["offer"] = OfferFactory(organisation=employer)
    ConsentRecordFactory(participant=world.records["participant"])
    world.records["booking"] = BookingFactory(offer=world.records["offer"], participant=world.records["participant"])


def build_opportunities(world: World) -> None:
    from tests.factories import OpportunityFactory

    world.records["opportunity"] = OpportunityFactory(
        organisation=world.users["employer"].organisation, kind="training", title="Forklift licence course",
        qualification_subject="engineering", qualification_level="2", paid=False, pay_from=None,
        pays_minimum_wage=False, is_training=True, contract_type="")


def build_referrals(world: World) -> None:
    from tests.factories import ReferralFactory, referral_document

    referral = ReferralFactory(participant=world.records["participant"], opportunity=world.records["opportunity"])
    world.records["referral"] = referral
    world.records["referral_document"] = referral_document(referral)


def build_funding(world: World) -> None:
    from tests.factories import FundingBudgetFactory, FundingRequestFactory, funding_document

    FundingBudgetFactory(organisation=world.users["case_manager"].organisation, purpose="equipment")
    world.records["funding_request"] = FundingRequestFactory(
        participant=world.records["participant"], referral=world.records["referral"],
        requested_by=world.users["case_manager"])
    world.records["funding_document"] = funding_document(world.records["funding_request"])
    from marketplace.funding.models import FidelityBond

    bond = FidelityBond(referral=world.records["referral"],
                        employer_organisation_id=world.records["referral"].employer_organisation_id,
                        provider="Unlock Bonds CIC", cover_pence=500_000, months=6,
                        asked_by_id=world.users["employer"].id)
    db.session.add(bond)
    db.session.flush()
    world.records["fidelity_bond"] = bond


def build_disclosure(world: World) -> None:
    from tests.disclosure.records import spent_fine

    world.records["conviction"] = spent_fine(world.records["participant"])


def build_payback(world: World) -> None:
    from marketplace.core import clock
    from tests.factories import PaybackProjectFactory

    region = world.users["payback_manager"].organisation.region
    world.records["payback_project"] = PaybackProjectFactory(
        region=region, status="shortlisted", vote_opens_on=clock.today(),
        vote_closes_on=clock.today() + timedelta(days=14))
    from marketplace.payback import photos
    from marketplace.payback.models import PaybackPhoto
    from tests.payback.records import jpeg

    cleaned, width, height = photos.clean_image(jpeg())
    photo = PaybackPhoto(stored_name=photos.store(cleaned), width=width, height=height, size=len(cleaned),
                         public=True)
    world.records["payback_project"].photos.append(photo)
    db.session.flush()
    world.records["payback_photo"] = photo
    from marketplace.payback.models import PaybackOrder
    from tests.factories import ParticipantFactory, UserFactory

    manager = world.users["payback_manager"]
    on_order = ParticipantFactory(case_manager=UserFactory(role="case_manager", organisation=manager.organisation),
                                  location="community", prison=None, release_date=None)
    db.session.add(PaybackOrder(participant_id=on_order.id, hours_ordered=120, made_on=clock.today(),
                                recorded_by_id=manager.id))
    world.records["payback_person"] = on_order
    from datetime import time

    from marketplace.payback.models import PaybackAllocation, PaybackSession

    accepted = PaybackProjectFactory(region=region, status="accepted")
    session = PaybackSession(project=accepted, day=clock.today(), starts_at=time(9), ends_at=time(15),
                             place="The gate", supervisor_id=manager.id, capacity=4, places_taken=1)
    db.session.add(session)
    db.session.flush()
    allocation = PaybackAllocation(session_id=session.id, participant_id=on_order.id, allocated_by_id=manager.id)
    db.session.add(allocation)
    db.session.flush()
    world.records["payback_session"], world.records["payback_allocation"] = session, allocation


def build_campus(world: World) -> None:
    from tests.factories import campus_person

    world.users[Role.PERSON.value] = campus_person(world.records["participant"])


def build_campus_messages(world: World) -> None:
    from marketplace.campus import operations as campus
    from marketplace.campus.models import CampusAccess

    access = db.session.query(CampusAccess).filter_by(user_id=world.users[Role.PERSON.value].id).one()
    world.records["campus_message"] = campus.write_message(access, world.records["referral"], "Can I start at 8?")


def build_careers(world: World) -> None:
    from marketplace.careers import operations as careers

    page = careers.create_page(world.users["admin"], careers.PageWords(
        title="Working in construction", summary="What a CSCS card is.", body="You need a card.",
        links="CSCS | https://www.cscs.uk.com/"))
    careers.publish(page, world.users["admin"])
    world.records["careers_page"] = page


WORLD_BUILDERS = [build_foundation, build_participants, build_campus, build_alliance, build_opportunities,
                  build_gatemate, build_referrals, build_disclosure, build_payback, build_campus_messages,
                  build_funding, build_careers]

# How to fill each URL parameter from the world.
URL_ARGUMENTS = {
    "organisation_id": lambda w: w.records["pending_organisation"].id,
    "user_id": lambda w: w.records["other_user"].id,
    "invitation_id": lambda w: w.records["invitation"].id,
    "message_id": lambda w: w.records["outbox_message"].id,
    "token": lambda w: "not-a-real-token",
    "participant_id": lambda w: w.records["participant"].id,
    "request_id": lambda w: w.records["gatemate_request"].id,
    "mentor_id": lambda w: w.users["mentor"].id,
    "member_id": lambda w: w.users["employer"].organisation_id,
    "membership_id": lambda w: w.records["application"].id,
    "offer_id": lambda w: w.records["offer"].id,
    "booking_id": lambda w: w.records["booking"].id,
    "opportunity_id": lambda w: w.records["opportunity"].id,
    "referral_id": lambda w: w.records["referral"].id,
    "document_id": lambda w: w.records["referral_document"].id,
    "action": lambda w: "acknowledge",
    "conviction_id": lambda w: w.records["conviction"].id,
    "project_id": lambda w: w.records["payback_project"].id,
    "campus_message_id": lambda w: w.records["campus_message"].id,
    "person_id": lambda w: w.records["payback_person"].id,
    "photo_id": lambda w: w.records["payback_photo"].id,
    "session_id": lambda w: w.records["payback_session"].id,
    "allocation_id": lambda w: w.records["payback_allocation"].id,
    "funding_id": lambda w: w.records["funding_request"].id,
    "funding_step": lambda w: "withdraw",
    "bond_id": lambda w: w.records["fidelity_bond"].id,
    "evidence_id": lambda w: w.records["funding_document"].id,
    "page_id": lambda w: w.records["careers_page"].id,
    "link_id": lambda w: w.records["careers_page"].links[0].id,
}


def build_world() -> World:
    world = World()
    for builder in WORLD_BUILDERS:
        builder(world)
    db.session.commit()
    return world
