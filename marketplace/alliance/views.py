from __future__ import annotations

from datetime import timedelta
from functools import wraps

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import or_, select

from marketplace.accounts.forms import ConfirmForm, ReasonForm
from marketplace.accounts.models import Organisation, OrganisationStatus
from marketplace.alliance import levels, operations
from marketplace.alliance.forms import (
    ApplicationForm,
    BookingForm,
    CancelOfferForm,
    DirectoryFilterForm,
    OfferFilterForm,
    OfferForm,
    ProfileForm,
    attendance_form,
)
from marketplace.alliance.models import (
    BOOKING_STATUS_LABELS,
    AllianceMembership,
    Booking,
    MembershipStatus,
    Offer,
)
from marketplace.alliance.workflow import MEMBERSHIP, STATUS_COLOURS
from marketplace.core import clock
from marketplace.core.filters import govuk_date
from marketplace.core.forms import record_id
from marketplace.core.roles import EMPLOYING_ROLES, Role, get_visible_or_404, role_required
from marketplace.core.security import safe_next_path
from marketplace.core.submissions import flash_form_errors, render_form, submit
from marketplace.core.views import home_panel
from marketplace.extensions import db
from marketplace.reference import FAIR_CHANCE_COMMITMENTS, ORGANISATION_SIZES

bp = Blueprint("alliance", __name__, url_prefix="/alliance")

PAGE_SIZE = 25
MEMBERS = (Role.EMPLOYER, Role.SOCIAL_ENTERPRISE)


def _actor():
    return current_user._get_current_object()


def member_admin_required(view):
    """Employers' and social enterprises' administrators: they speak for the organisation."""

    @wraps(view)
    @role_required(*MEMBERS)
    def wrapper(*args, **kwargs):
        if not current_user.is_org_admin:
            abort(403)
        return view(*args, **kwargs)

    return wrapper


def template_names() -> dict:
    """What the alliance's templates (and its part of the home page) look labels up in."""
    return {"levels": levels, "workflow": MEMBERSHIP, "status_colours": STATUS_COLOURS,
            "commitment_labels": FAIR_CHANCE_COMMITMENTS, "size_labels": ORGANISATION_SIZES,
            "booking_status_labels": BOOKING_STATUS_LABELS}


bp.context_processor(lambda: {"alliance": template_names()})


# The public directory ------------------------------------------------------------------------------

@bp.get("/directory")
def directory():
    form = DirectoryFilterForm(request.args)
    if not form.validate():
        form = DirectoryFilterForm()
    entries = operations.directory(level=int(form.level.data) if form.level.data else None,
                                   sector=form.sector.data or None, region=form.region.data or None,
                                   kind=form.kind.data or None)
    page_number = max(request.args.get("page", 1, type=int) or 1, 1)
    page = ListPage(entries, page_number, PAGE_SIZE)
    return render_template("alliance/directory.html", filters=form, page=page)


@bp.get("/directory/<int:member_id>")
def member(member_id: int):
    organisation = db.session.get(Organisation, member_id)
    if organisation is None or organisation.status != OrganisationStatus.APPROVED:
        abort(404)
    membership = operations.membership_in_force(organisation.id)
    if membership is None:
        abort(404)
    counts = operations.open_posting_counts([organisation.id])
    # Dates and places of sessions are not published: they say when outsiders will be in which prison.
    return render_template("alliance/member.html", organisation=organisation, membership=membership,
                           profile=operations.profile_of(organisation), open_count=counts[organisation.id])


class ListPage:
    """A page of an already-filtered list, with the attributes `ui.pagination` reads."""

    def __init__(self, items: list, page: int, per_page: int):
        self.total = len(items)
        self.per_page = per_page
        self.pages = max((self.total + per_page - 1) // per_page, 1)
        self.page = min(page, self.pages)
        self.items = items[(self.page - 1) * per_page:self.page * per_page]
        self.has_prev, self.has_next = self.page > 1, self.page < self.pages
        self.prev_num, self.next_num = self.page - 1, self.page + 1

    def iter_pages(self, left_edge=1, right_edge=1, left_current=2, right_current=2):
        last = 0
        for number in range(1, self.pages + 1):
            if (number <= left_edge or number > self.pages - right_edge
                    or self.page - left_current <= number <= self.page + right_current):
                if last + 1 != number:
                    yield None
                yield number
                last = number


# Membership: the organisation's side ------------------------------------------------------------------

@bp.get("/membership")
@role_required(*MEMBERS)
def membership():
    organisation = current_user.organisation
    in_force = operations.membership_in_force(organisation.id)
    history = operations.memberships_of(organisation.id)
    return render_template(
        "alliance/membership.html", organisation=organisation, profile=operations.profile_of(organisation),
        in_force=in_force, waiting=operations.pending_application(organisation.id), history=history,
        allowed=levels.allowed_kinds(organisation), next_level=levels.next_level(in_force.level if in_force else None),
        renewal_opens=operations.renewal_opens_on(in_force) if in_force else None, today=clock.today(),
        confirm_form=ConfirmForm())


@bp.route("/profile", methods=["GET", "POST"])
@member_admin_required
def profile():
    organisation = current_user.organisation
    existing = operations.profile_of(organisation)
    form = ProfileForm()
    if existing is not None and not form.is_submitted():
        form.process(obj=existing)
    elif not form.is_submitted():
        form.website.data = organisation.website
        form.what_it_does.data = organisation.description
        form.regions.data = [organisation.region]
        form.contact_name.data = current_user.full_name
        form.contact_role.data = current_user.job_title
        form.contact_email.data = current_user.email
    details = lambda: operations.ProfileDetails(  # noqa: E731
        sectors=form.sectors.data or [], regions=form.regions.data or [], size=form.size.data or "",
        what_it_does=form.what_it_does.data or "", website=form.website.data or "",
        contact_name=form.contact_name.data or "", contact_role=form.contact_role.data or "",
        contact_email=form.contact_email.data or "", contact_phone=form.contact_phone.data or "",
        commitments=form.commitments.data or [], story=form.story.data or "",
        social_purpose=form.social_purpose.data or "", profit_reinvestment=form.profit_reinvestment.data or "")
    if submit(form, lambda: operations.save_profile(organisation, details(), _actor())):
        flash("Your profile has been saved.", "success")
        return redirect(url_for("alliance.membership"))
    return render_form("alliance/profile.html", form, organisation=organisation)


@bp.route("/apply", methods=["GET", "POST"])
@member_admin_required
def apply():
    organisation = current_user.organisation
    in_force = operations.membership_in_force(organisation.id)
    form = ApplicationForm()
    lowest = in_force.level + 1 if in_force else 1
    form.level.choices = [(level, f"{label}. {levels.LEVEL_PROMISES[level]}")
                          for level, label in levels.LEVELS.items() if level >= lowest]
    if in_force and not form.is_submitted():
        form.pledges.data = list(in_force.pledges)
    if not form.level.choices:
        flash("Your organisation is already at the highest level of the alliance.", "info")
        return redirect(url_for("alliance.membership"))
    answers = lambda: (organisation, form.level.data, form.pledges.data or [], form.statement.data or "",  # noqa: E731
                       _actor())
    check = lambda: operations.check_application(*answers())  # noqa: E731
    page = dict(organisation=organisation, in_force=in_force, profile=operations.profile_of(organisation))
    if form.is_submitted() and form.change.data:  # back from the check page, every answer kept
        return render_template("alliance/apply.html", form=form, **page)
    if form.send.data:  # "Send application" on the check page
        if submit(form, lambda: operations.apply_to_join(*answers()), check=check):
            flash("Your application has been sent. An administrator will decide it, usually within five working "
                  "days, and we will email you.", "success")
            return redirect(url_for("alliance.membership"))
    elif checked := submit(form, check, check=check):  # "Continue": the check page, nothing written
        pledges, statement = checked
        return render_template("alliance/check.html", form=form, level_label=dict(form.level.choices)[form.level.data],
                               pledges=[levels.PLEDGES[code][1] for code in pledges], statement=statement, **page)
    return render_form("alliance/apply.html", form, **page)


@bp.post("/membership/<int:membership_id>/withdraw")
@member_admin_required
def withdraw(membership_id: int):
    record = get_visible_or_404(AllianceMembership, membership_id)
    form = ConfirmForm()
    was = record.status
    if submit(form, lambda: operations.withdraw_membership(record.id, _actor())):
        flash("Application withdrawn." if was == MembershipStatus.APPLIED else
              "Your organisation has left the Corporate Alliance.", "success")
    else:
        flash_form_errors(form)
    return redirect(url_for("alliance.membership"))


@bp.post("/membership/<int:membership_id>/renew")
@member_admin_required
def renew(membership_id: int):
    record = get_visible_or_404(AllianceMembership, membership_id)
    form = ConfirmForm()
    if submit(form, lambda: operations.renew_membership(record.id, _actor())):
        flash(f"Membership renewed until {govuk_date(record.expires_on)}.", "success")
    else:
        flash_form_errors(form)
    return redirect(url_for("alliance.membership"))


# Membership: the admins' review queue ----------------------------------------------------------------

@bp.get("/applications")
@role_required(Role.ADMIN)
def applications():
    status = request.args.get("status", MembershipStatus.APPLIED)
    if status not in {s.value for s in MembershipStatus}:
        status = MembershipStatus.APPLIED
    ordering = AllianceMembership.applied_at if status == MembershipStatus.APPLIED else \
        AllianceMembership.applied_at.desc()
    query = select(AllianceMembership).where(AllianceMembership.status == status).order_by(ordering)
    page = db.paginate(query, page=request.args.get("page", 1, type=int), per_page=50, error_out=False)
    return render_template("alliance/applications.html", page=page, status=status)


def _application_page(record: AllianceMembership, reject_form=None, status: int = 200):
    organisation = record.organisation
    return render_template(
        "alliance/application.html", record=record, organisation=organisation,
        profile=operations.profile_of(organisation), in_force=operations.membership_in_force(organisation.id),
        history=operations.memberships_of(organisation.id), approve_form=ConfirmForm(),
        reject_form=reject_form or ReasonForm(), form=reject_form), status


@bp.get("/applications/<int:membership_id>")
@role_required(Role.ADMIN)
def application(membership_id: int):
    return _application_page(get_visible_or_404(AllianceMembership, membership_id))


@bp.post("/applications/<int:membership_id>/approve")
@role_required(Role.ADMIN)
def approve(membership_id: int):
    record = get_visible_or_404(AllianceMembership, membership_id)
    form = ConfirmForm()
    if submit(form, lambda: operations.approve_application(record.id, _actor())):
        flash(f"{record.organisation.name} is now a level {record.level} member. They have been told.", "success")
        return redirect(url_for("alliance.applications"))
    flash_form_errors(form)
    return redirect(url_for("alliance.application", membership_id=membership_id))


@bp.post("/applications/<int:membership_id>/reject")
@role_required(Role.ADMIN)
def reject(membership_id: int):
    record = get_visible_or_404(AllianceMembership, membership_id)
    form = ReasonForm()
    if submit(form, lambda: operations.reject_application(record.id, _actor(), form.reason.data)):
        flash(f"The application by {record.organisation.name} was not approved. They have been told why.", "success")
        return redirect(url_for("alliance.applications"))
    return _application_page(record, form, 400)


# Offers of staff time and materials: the organisation's side ---------------------------------------------

@bp.get("/our-offers")
@role_required(*MEMBERS)
def our_offers():
    show = request.args.get("show", "upcoming")
    query = select(Offer).where(Offer.organisation_id == current_user.organisation_id)
    if show == "past":
        query = query.where(or_(Offer.ends_on < clock.today(), Offer.cancelled_at.is_not(None))) \
            .order_by(Offer.starts_on.desc())
    else:
        show = "upcoming"
        query = query.where(Offer.ends_on >= clock.today(), Offer.cancelled_at.is_(None)).order_by(Offer.starts_on)
    page = db.paginate(query, page=request.args.get("page", 1, type=int), per_page=PAGE_SIZE, error_out=False)
    return render_template("alliance/our_offers.html", page=page, show=show, today=clock.today(),
                           may_offer="session" in levels.allowed_kinds(current_user.organisation))


def _offer_details(form: OfferForm) -> operations.OfferDetails:
    return operations.OfferDetails(
        kind=form.kind.data or "", title=form.title.data or "", description=form.description.data or "",
        starts_on=form.starts_on.data, ends_on=form.ends_on.data, times=form.times.data or "",
        setting=form.setting.data or "", prison=form.prison.data or None, town=form.town.data or "",
        region=form.region.data or None, places=form.places.data, suits=form.suits.data or "")


@bp.route("/offers/new", methods=["GET", "POST"])
@role_required(*MEMBERS)
def new_offer():
    organisation = current_user.organisation
    form = OfferForm()
    offer = submit(form, lambda: operations.create_offer(organisation, _offer_details(form), _actor()),
                   check=lambda: operations.check_offer(_offer_details(form)))
    if offer:
        flash(f"\"{offer.title}\" is published. Case managers can now book places.", "success")
        return redirect(url_for("alliance.offer", offer_id=offer.id))
    return render_form("alliance/offer_form.html", form, offer=None,
                       may_offer="session" in levels.allowed_kinds(organisation))


@bp.route("/offers/<int:offer_id>/edit", methods=["GET", "POST"])
@role_required(*MEMBERS)
def edit_offer(offer_id: int):
    offer = get_visible_or_404(Offer, offer_id)
    if not offer.can_manage(current_user):
        abort(404)
    if offer.is_cancelled or offer.is_past():
        flash("This session has been cancelled or has already happened, so it cannot be changed.", "error")
        return redirect(url_for("alliance.offer", offer_id=offer.id))
    form = OfferForm()
    if not form.is_submitted():
        form.process(obj=offer)
    form.submit.label.text = "Save changes"
    if submit(form, lambda: operations.update_offer(offer.id, _offer_details(form), _actor()),
              check=lambda: operations.check_offer(_offer_details(form), offer)):
        flash("Changes saved. Case managers with bookings have been told about any change of date, time or place.",
              "success")
        return redirect(url_for("alliance.offer", offer_id=offer.id))
    return render_form("alliance/offer_form.html", form, offer=offer, may_offer=True)


@bp.route("/offers/<int:offer_id>/cancel", methods=["GET", "POST"])
@role_required(*MEMBERS)
def cancel_offer(offer_id: int):
    offer = get_visible_or_404(Offer, offer_id)
    if not offer.can_manage(current_user):
        abort(404)
    form = CancelOfferForm()
    if submit(form, lambda: operations.cancel_offer(offer.id, _actor(), form.reason.data)):
        flash("The session is cancelled. Case managers with bookings have been told.", "success")
        return redirect(url_for("alliance.offer", offer_id=offer.id))
    return render_form("alliance/cancel_offer.html", form, offer=offer)


@bp.post("/offers/<int:offer_id>/attendance")
@role_required(*MEMBERS)
def attendance(offer_id: int):
    offer = get_visible_or_404(Offer, offer_id)
    if not offer.can_manage(current_user):
        abort(404)
    form = attendance_form(offer.live_bookings)
    outcomes = lambda: {booking.id: {"yes": True, "no": False}.get(form[f"booking_{booking.id}"].data)  # noqa: E731
                        for booking in offer.live_bookings}
    if submit(form, lambda: operations.record_attendance(offer.id, outcomes(), _actor())):
        flash("Attendance saved.", "success")
        return redirect(url_for("alliance.offer", offer_id=offer.id))
    return _offer_page(offer, attendance=form, status=400)


# Offers: the case managers' side, and the page everyone shares ---------------------------------------------

@bp.get("/offers")
@role_required(Role.CASE_MANAGER, Role.ADMIN)
def offers():
    form = OfferFilterForm(request.args)
    if not form.validate():
        form = OfferFilterForm()
    query = select(Offer).where(Offer.cancelled_at.is_(None), Offer.ends_on >= clock.today(),
                                Offer.places_taken < Offer.places)
    if form.region.data:
        query = query.where(or_(Offer.region == form.region.data, Offer.setting == "online"))
    if form.kind.data:
        query = query.where(Offer.kind == form.kind.data)
    if form.setting.data:
        query = query.where(Offer.setting == form.setting.data)
    query = query.order_by(Offer.starts_on, Offer.id)
    page = db.paginate(query, page=request.args.get("page", 1, type=int), per_page=PAGE_SIZE, error_out=False)
    return render_template("alliance/offers.html", filters=form, page=page)


def _offer_page(offer: Offer, attendance=None, status: int = 200):
    user = current_user
    ours = offer.can_manage(user)
    own_bookings = []
    if user.role == Role.CASE_MANAGER:
        own_bookings = [b for b in offer.bookings if b.organisation_id == user.organisation_id]
    if ours and attendance is None:
        attendance = attendance_form(offer.live_bookings)
        for booking in offer.live_bookings:
            if booking.attended is not None:
                attendance[f"booking_{booking.id}"].data = "yes" if booking.attended else "no"
    return render_template("alliance/offer.html", offer=offer, ours=ours, own_bookings=own_bookings,
                           attendance=attendance if ours else None, form=attendance if status == 400 else None,
                           today=clock.today(), confirm_form=ConfirmForm()), status


@bp.get("/offers/<int:offer_id>")
@role_required(Role.CASE_MANAGER, Role.ADMIN, *MEMBERS)
def offer(offer_id: int):
    return _offer_page(get_visible_or_404(Offer, offer_id))


@bp.route("/offers/<int:offer_id>/book", methods=["GET", "POST"])
@role_required(Role.CASE_MANAGER)
def book(offer_id: int):
    offer = get_visible_or_404(Offer, offer_id)
    if not offer.is_bookable():
        flash("This session is full, cancelled or has already happened.", "error")
        return redirect(url_for("alliance.offer", offer_id=offer.id))
    form = BookingForm()
    people = operations.bookable_participants(_actor())
    form.participant_id.choices = [(0, "Choose a person")] + [
        (person.id, f"{person.full_name} ({person.participant_number})") for person in people]
    if not form.is_submitted() and request.args.get("participant_id", type=record_id):
        form.participant_id.data = request.args.get("participant_id", type=record_id)
    booking = submit(form, lambda: operations.book_place(offer.id, form.participant_id.data or None,
                                                         form.display_name.data or "", form.note.data or "",
                                                         _actor()))
    if booking:
        flash(f"Place booked for {booking.participant.full_name}. {offer.organisation.name} will see them as "
              f"\"{booking.display_name}\".", "success")
        return redirect(url_for("alliance.offer", offer_id=offer.id))
    return render_form("alliance/book.html", form, offer=offer, people=people)


@bp.get("/bookings")
@role_required(Role.CASE_MANAGER)
def bookings():
    show = request.args.get("show", "upcoming")
    query = select(Booking).join(Offer).where(Booking.organisation_id == current_user.organisation_id)
    if show == "past":
        query = query.where(or_(Offer.ends_on < clock.today(), Booking.cancelled_at.is_not(None),
                                Offer.cancelled_at.is_not(None))).order_by(Offer.starts_on.desc())
    else:
        show = "upcoming"
        query = query.where(Offer.ends_on >= clock.today(), Booking.cancelled_at.is_(None),
                            Offer.cancelled_at.is_(None)).order_by(Offer.starts_on, Booking.id)
    page = db.paginate(query, page=request.args.get("page", 1, type=int), per_page=50, error_out=False)
    return render_template("alliance/bookings.html", page=page, show=show, today=clock.today(),
                           confirm_form=ConfirmForm())


@bp.post("/bookings/<int:booking_id>/cancel")
@role_required(Role.CASE_MANAGER)
def cancel_booking(booking_id: int):
    booking = get_visible_or_404(Booking, booking_id)
    form = ConfirmForm()
    if submit(form, lambda: operations.cancel_booking(booking.id, _actor())):
        flash(f"Booking for {booking.participant.full_name} cancelled. The place is free again.", "success")
    else:
        flash_form_errors(form)
    back = safe_next_path(request.form.get("back"))
    return redirect(back if back and back.startswith("/alliance/") else url_for("alliance.bookings"))


# Home pages ----------------------------------------------------------------------------------------------

@home_panel
def member_home(user) -> dict:
    """An employer's or social enterprise's level, what the next level would add, its live offers, and what
    needs its attention."""
    if user.role not in EMPLOYING_ROLES or user.organisation is None:
        return {}
    organisation = user.organisation
    today = clock.today()
    in_force = operations.membership_in_force(organisation.id)
    waiting = operations.pending_application(organisation.id)
    level = in_force.level if in_force else None
    upcoming = db.session.scalars(select(Offer).where(
        Offer.organisation_id == organisation.id, Offer.cancelled_at.is_(None), Offer.ends_on >= today)
        .order_by(Offer.starts_on).limit(5)).all()
    attention = []
    profile = operations.profile_of(organisation)
    if profile is None:
        attention.append(("Fill in your organisation's profile so you can apply to the Corporate Alliance",
                          url_for("alliance.profile")))
    if waiting is not None:
        attention.append((f"Your application for level {waiting.level} is waiting for a decision",
                          url_for("alliance.membership")))
    if in_force is not None and in_force.expires_on <= today + timedelta(days=operations.REMINDER_DAYS):
        attention.append((f"Your membership expires on {govuk_date(in_force.expires_on)}: "
                          "renew it to keep posting", url_for("alliance.membership")))
    if in_force is None and waiting is None:
        latest = next(iter(operations.memberships_of(organisation.id)), None)
        if latest is not None and latest.status in (MembershipStatus.LAPSED, MembershipStatus.REJECTED):
            what = "membership lapsed" if latest.status == MembershipStatus.LAPSED else "application was not approved"
            attention.append((f"Your level {latest.level} {what}: you can apply again", url_for("alliance.apply")))
    unrecorded = db.session.scalars(select(Offer).where(
        Offer.organisation_id == organisation.id, Offer.cancelled_at.is_(None), Offer.starts_on <= today,
        Offer.ends_on >= today - timedelta(days=30),
        Offer.bookings.any((Booking.cancelled_at.is_(None)) & (Booking.attended.is_(None))))
        .order_by(Offer.starts_on)).all()
    for item in unrecorded:
        attention.append((f"Record who came to \"{item.title}\" ({item.dates_text})",
                          url_for("alliance.offer", offer_id=item.id)))
    return {"alliance": template_names(), "alliance_home": {
        "organisation": organisation, "in_force": in_force, "waiting": waiting, "level": level,
        "next_level": levels.next_level(level), "allowed": levels.allowed_kinds(organisation, level),
        "upcoming_offers": upcoming, "attention": attention,
    }}


@home_panel
def case_manager_sessions(user) -> dict:
    """A case manager's next bookings on employers' sessions."""
    if user.role != Role.CASE_MANAGER:
        return {}
    upcoming = db.session.scalars(select(Booking).join(Offer).where(
        Booking.organisation_id == user.organisation_id, Booking.booked_by_id == user.id,
        Booking.cancelled_at.is_(None), Offer.cancelled_at.is_(None), Offer.ends_on >= clock.today())
        .order_by(Offer.starts_on).limit(5)).all()
    return {"alliance_bookings": upcoming}
