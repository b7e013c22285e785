from __future__ import annotations

from datetime import time

from govuk_frontend_wtf.wtforms_widgets import GovCheckboxInput, GovSelect, GovTextArea, GovTextInput
from wtforms import (
    BooleanField,
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from marketplace.core.forms import (
    Checkboxes,
    Form,
    GovDateField,
    Radios,
    SearchForm,
    WholeNumberField,
    record_id,
    submit,
)
from marketplace.core.forms import submit as button
from marketplace.gatemate.models import (
    CANCEL_REASONS,
    DAY_NEEDS,
    HELP_WITH,
    MAX_CAPACITY,
    NOT_MET_REASONS,
    PRIORITIES,
    RELEASE_STATUS_LABELS,
    WEEKDAYS,
    WENT_TO,
    WINDOW_TIMES,
    time_text,
)
from marketplace.gatemate.operations import SIGNOFF_DECISIONS
from marketplace.reference import PRISONS, REGIONS, choices

TIME_CHOICES = [("", "Choose a time")] + [(t.strftime("%H:%M"), time_text(t)) for t in WINDOW_TIMES]


def parse_time(value: str | None) -> time | None:
    if not value:
        return None
    try:
        hour, minute = (int(part) for part in value.split(":"))
        return time(hour, minute)
    except ValueError:
        return None


def time_value(value: time | None) -> str:
    return value.strftime("%H:%M") if value else ""


def time_field(label: str, message: str) -> SelectField:
    return SelectField(label, widget=GovSelect(), choices=TIME_CHOICES, validators=[InputRequired(message)])


class DetailsFields(Form):
    """Where the person is going, what they need and the note: asked when requesting and when editing."""

    destination_town = StringField(
        "Town or city they are going to", widget=GovTextInput(),
        description="Where they will go first. If they have no fixed abode, the town of their probation office.",
        validators=[InputRequired("Enter the town or city they are going to"),
                    Length(max=100, message="Town must be 100 characters or fewer")])
    destination_region = SelectField("Region they are going to", widget=GovSelect(),
                                     choices=choices(REGIONS, blank="Choose a region"),
                                     validators=[InputRequired("Select the region they are going to")])
    needs = SelectMultipleField("What do they need on the day?", widget=Checkboxes(), choices=list(DAY_NEEDS.items()),
                                description="Select all that apply", validators=[Optional()])
    priorities = SelectMultipleField("Should this request be met first? (optional)", widget=Checkboxes(),
                                     choices=list(PRIORITIES.items()), description="Select all that apply",
                                     validators=[Optional()])
    note = TextAreaField(
        "Note for the mentor (optional)", widget=GovTextArea(),
        description="Up to 500 characters, for example how to recognise them or what worries them about the day. "
                    "Never include offences or risk labels: they are refused.",
        validators=[Optional(), Length(max=500, message="The note must be 500 characters or fewer")])
    safety_arrangements = TextAreaField(
        "Safety arrangements", widget=GovTextArea(),
        description="How a mentor meets them safely, without saying why: for example meet in the visitors' centre, "
                    "two mentors, phone the probation officer on arrival. Needed when their record has a risk flag "
                    "(MAPPA, high risk of serious harm). No offences or risk labels.",
        validators=[Optional(), Length(max=500, message="The safety arrangements must be 500 characters or fewer")])


class RequestForm(DetailsFields):
    prison = SelectField("Prison they are leaving", widget=GovSelect(),
                         choices=choices(sorted(PRISONS), blank="Choose a prison"),
                         validators=[InputRequired("Select the prison they are leaving")])
    release_date = GovDateField("Release date", required=True, description="At least 3 days from today")
    window_start = time_field("Expected from", "Select when they are expected out from")
    window_end = time_field("Expected by", "Select when they are expected out by")
    submit = button("Continue")  # to "Check your answers"; only "Send request" there sends it
    # The check page: "Send request" carries the fingerprint of what was shown (preview.py); a
    # "Change" button names the answer to go back to.
    send = button("Send request")
    checked = HiddenField()
    change = HiddenField()


class EditDetailsForm(DetailsFields):
    submit = submit("Save changes")


class ReleaseForm(Form):
    release_status = RadioField("Release day status", widget=Radios(), choices=list(RELEASE_STATUS_LABELS.items()),
                                validators=[InputRequired("Select the release day status")])
    release_date = GovDateField("Release date", required=True)
    window_start = time_field("Expected from", "Select when they are expected out from")
    window_end = time_field("Expected by", "Select when they are expected out by")
    message = TextAreaField(
        "Message for the mentor (optional)", widget=GovTextArea(),
        description="For example: the prison says paperwork is late, expect them after 11am.",
        validators=[Optional(), Length(max=400, message="The message must be 400 characters or fewer")])
    submit = submit("Save release day")


class SignoffForm(Form):
    decision = RadioField("Can mentors see this request?", widget=Radios(), choices=list(SIGNOFF_DECISIONS.items()),
                          validators=[InputRequired("Select whether you sign the request off")])
    reason = TextAreaField("Why", widget=GovTextArea(),
                           description="The case manager and other coordinators will see this, with your name. "
                                       "No offences or risk labels.",
                           validators=[InputRequired("Say why: the case manager and the other coordinators will see "
                                                     "it"),
                                       Length(max=500, message="The reason must be 500 characters or fewer")])
    two_mentors = BooleanField("Two mentors must go", widget=GovCheckboxInput())
    submit = submit("Record decision")


class GatemateConsentForm(Form):
    mentors = RadioField("Do they agree to share details with Gatemate mentors for release day?", widget=Radios(),
                         choices=[("yes", "Yes, they agree"), ("no", "No, they do not agree")],
                         validators=[InputRequired("Select whether they agree to share details with mentors")])
    given_on = GovDateField("Date they gave or refused consent", called="The date of consent", required=True)
    purpose = TextAreaField("What they agreed to (optional)", widget=GovTextArea(),
                            description="For example: a mentor meeting me at the gate at HMP Liverpool",
                            validators=[Optional(), Length(max=1000, message="What they agreed to must be 1,000 "
                                                                             "characters or fewer")])
    submit = submit("Record consent")


class CancelForm(Form):
    reason = RadioField("Why are you cancelling?", widget=Radios(), choices=list(CANCEL_REASONS.items()),
                        validators=[InputRequired("Select why you are cancelling the request")])
    note = TextAreaField("Anything else the mentor should know (optional unless you chose another reason)",
                         widget=GovTextArea(),
                         validators=[Optional(), Length(max=400, message="The note must be 400 characters or fewer")])
    submit = submit("Cancel request")


class HandBackForm(Form):
    reason = TextAreaField("Why are you handing it back?", widget=GovTextArea(),
                           description="Your coordinator and the case manager will see this.",
                           validators=[InputRequired("Say why you are handing the request back"),
                                       Length(max=400, message="The reason must be 400 characters or fewer")])
    submit = submit("Hand back")


class AssignForm(Form):
    mentor_id = RadioField("Which mentor will meet them?", widget=Radios(), coerce=record_id,
                           validators=[InputRequired("Select a mentor")], validate_choice=False)
    submit = submit("Assign mentor")


class MetForm(Form):
    """Shown on one page with NotMetForm, so their field names differ (no two inputs share an id)."""

    hours_spent = WholeNumberField(
        "How many hours did you spend with them?", widget=GovTextInput(), description="Round to the nearest hour",
        message="Enter the hours as a whole number, like 4",
        validators=[InputRequired("Enter how many hours you spent with them"),
                    NumberRange(min=1, max=24, message="Enter between 1 and 24 hours")])
    needs_met = SelectMultipleField("Which needs were met?", widget=Checkboxes(), choices=list(DAY_NEEDS.items()),
                                    validators=[Optional()])
    went_to = RadioField("Where did they go at the end of the day?", widget=Radios(), choices=list(WENT_TO.items()),
                         validators=[InputRequired("Select where they went")])
    met_note = TextAreaField("Anything the case manager should know (optional)", widget=GovTextArea(),
                             validators=[Optional(),
                                         Length(max=1000, message="The note must be 1,000 characters or fewer")])
    submit_met = submit("Record met at the gate")


class NotMetForm(Form):
    reason = RadioField("What happened?", widget=Radios(), choices=list(NOT_MET_REASONS.items()),
                        validators=[InputRequired("Select what happened")])
    not_met_note = TextAreaField("Anything the case manager should know (optional)", widget=GovTextArea(),
                                 validators=[Optional(),
                                             Length(max=1000, message="The note must be 1,000 characters or fewer")])
    submit_not_met = submit("Record not met")


def _profile_form():
    fields = {}
    by_region: dict[str, list[str]] = {}
    for prison, region in PRISONS.items():
        by_region.setdefault(region, []).append(prison)
    for region in REGIONS:
        fields[f"prisons_{_slug(region)}"] = SelectMultipleField(
            region, widget=Checkboxes(), choices=choices(sorted(by_region.get(region, []))), validators=[Optional()])
    fields.update(
        regions=SelectMultipleField(
            "Regions where they cover every prison", widget=Checkboxes(), choices=choices(REGIONS),
            description="Leave these unticked and tick prisons below to cover only some prisons",
            validators=[Optional()]),
        weekdays=SelectMultipleField("Days they are usually free", widget=Checkboxes(), coerce=int,
                                     choices=list(WEEKDAYS.items()), validators=[Optional()]),
        dbs_checked_on=GovDateField("Date of their DBS check", called="The date of the DBS check", required=True),
        dbs_expires_on=GovDateField("Renew the DBS check by", called="The DBS renewal date", required=True,
                                    description="Your organisation's renewal date for the check, often 3 years on"),
        help_with=SelectMultipleField("What can they help with?", widget=Checkboxes(), choices=list(HELP_WITH.items()),
                                      validators=[Optional()]),
        languages=StringField("Languages other than English", widget=GovTextInput(),
                              description="Needed if they can help in other languages, for example Polish, Urdu",
                              validators=[Optional(), Length(max=200, message="Enter 200 characters or fewer")]),
        unavailable_until=GovDateField(
            "Unavailable until (optional)", called="The date they are unavailable until",
            description="For a holiday or illness: they take no requests up to and including this day, and "
                        "requests they hold for releases before then go back to the board."),
        mobile=StringField("Mobile number for release-day texts (optional)", widget=GovTextInput(),
                           description="Release-day changes and the day-before reminder are sent by text",
                           validators=[Optional(), Length(max=20, message="Enter a UK mobile number, like "
                                                                          "07700 900123")]),
        capacity=WholeNumberField(
            "How many requests can they hold at once?", widget=GovTextInput(),
            description=f"From 0 to {MAX_CAPACITY}. 0 pauses them: they cannot accept requests.",
            message=f"Enter a whole number from 0 to {MAX_CAPACITY}",
            validators=[InputRequired("Enter how many requests they can hold at once")]),
        submit=submit("Save profile"),
    )
    form = type("MentorProfileForm", (Form,), fields)
    form.prison_fields = [(region, f"prisons_{_slug(region)}") for region in REGIONS]
    return form


def _slug(region: str) -> str:
    return region.lower().replace(" ", "_")


MentorProfileForm = _profile_form()


def chosen_prisons(form) -> list[str]:
    return [prison for _region, name in form.prison_fields for prison in (form[name].data or [])]


def fill_prisons(form, prisons: list[str]) -> None:
    for region, name in form.prison_fields:
        form[name].data = [prison for prison in prisons if PRISONS.get(prison) == region]


class CoverageFilterForm(SearchForm):
    period_from = GovDateField("Releases from", called="The start of the period")
    period_to = GovDateField("Releases to", called="The end of the period")
    region = SelectField("Region of the prison", widget=GovSelect(), choices=choices(REGIONS, blank="All regions"),
                         validators=[Optional()])
    submit = submit("Show coverage")


REQUEST_LIST_FILTERS = {"active": "Waiting for sign-off, for a mentor, or mentor found",
                        "signoff": "Waiting for a coordinator's sign-off", "open": "Waiting for a mentor",
                        "accepted": "Mentor found", "done": "Release day recorded (met or not met)",
                        "closed": "Cancelled, not signed off or no mentor found", "all": "All requests"}


class RequestListForm(SearchForm):
    show = SelectField("Show", widget=GovSelect(), choices=list(REQUEST_LIST_FILTERS.items()), default="active",
                       validators=[Optional()])
    submit = submit("Show requests")
