from __future__ import annotations

import re
from datetime import time
from decimal import Decimal, InvalidOperation

from flask_wtf.file import MultipleFileField
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxInput, GovFileInput, GovSelect, GovTextArea, GovTextInput
from wtforms import BooleanField, HiddenField, RadioField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from marketplace.accounts.forms import email_field
from marketplace.core.forms import (
    Checkboxes,
    Form,
    GovDateField,
    Radios,
    RealPostcode,
    WholeNumberField,
    record_id,
    submit,
)
from marketplace.payback.models import (
    CRITERIA,
    DECLINE_REASONS,
    HOUR_KINDS,
    OUTCOMES,
    SCORES,
    SKILLS,
    YES_NO_UNSURE,
)
from marketplace.payback.workflow import DECISIONS
from marketplace.reference import choices

# What gov.uk asks a nominator to confirm about the work.
RULES = {
    "benefits_community": "The work will benefit the local community",
    "no_paid_job": "It will not take away work someone would be paid to do",
    "no_profit": "Nobody will make a profit from it",
}


def _text(label: str, max_length: int, *, required: str | None = None, hint: str | None = None) -> StringField:
    validators = [InputRequired(required)] if required else [Optional()]
    validators.append(Length(max=max_length, message=f"{label.removesuffix(' (optional)')} must be "
                                                     f"{max_length} characters or fewer"))
    return StringField(label, description=hint, widget=GovTextInput(), validators=validators)


def _area(label: str, max_length: int, required: str, hint: str | None = None) -> TextAreaField:
    return TextAreaField(label, description=hint, widget=GovTextArea(),
                         validators=[InputRequired(required),
                                     Length(max=max_length, message=f"{label} must be {max_length} characters "
                                                                    "or fewer")])


class NominationForm(Form):
    title = _text("Project name", 120, required="Enter a name for the project",
                  hint="For example, 'Clear the canal towpath at Kirkstall'")
    description = _area("What work needs doing", 3000, "Describe the work that needs doing",
                        hint="Say what needs doing and roughly how big the job is. Do not name anyone.")
    benefit = _area("Who will it help", 2000, "Say who the work will help")
    town = _text("Town or city", 100, required="Enter the town or city")
    postcode = StringField("Postcode", description="The region is worked out from it, for example LS5 3AA",
                           widget=GovTextInput(),
                           validators=[InputRequired("Enter the postcode of the place"), RealPostcode()])
    toilets_nearby = RadioField("Are there toilets and handwashing nearby?", widget=Radios(),
                                choices=choices(YES_NO_UNSURE),
                                validators=[InputRequired("Say whether there are toilets nearby")])
    step_free_access = RadioField("Can the place be reached without steps?", widget=Radios(),
                                  choices=choices(YES_NO_UNSURE),
                                  validators=[InputRequired("Say whether the place can be reached without steps")])
    rules = SelectMultipleField("Confirm the work meets the rules", widget=Checkboxes(), choices=choices(RULES),
                                validators=[Optional()])
    photos = MultipleFileField("Photos of the place (optional)", widget=GovFileInput(multiple=True),
                               description="Up to 3 photos, JPEG or PNG, each smaller than 5 MB. Please avoid "
                                           "people's faces and car number plates.")
    # Photos that passed on an earlier submit, held on the server while the form comes back.
    photos_held = HiddenField()
    remove_photos = BooleanField("Remove these photos", widget=GovCheckboxInput())
    nominator_name = _text("Your name", 200, required="Enter your name")
    nominator_email = email_field("Your email address",
                                  hint="We email you a link to confirm the nomination, then tell you the outcome")
    nominator_phone = _text("Phone number (optional)", 30, hint="A UK number, like 0113 496 0000 or +44 113 496 0000")
    nominator_organisation = _text("Organisation or group you represent (optional)", 200)
    # A field people never see (it is hidden), which automated form-fillers fill in.
    website = StringField("Leave this empty", validators=[Optional()])
    submit = submit("Send nomination")


class VoteForm(Form):
    email = email_field("Your email address",
                        hint="We email you a link to confirm your vote. We keep only a scrambled form of the "
                             "address, to count one vote per person, and never show it.")
    website = StringField("Leave this empty", validators=[Optional()])
    submit = submit("Vote for this project")


class ConfirmVoteForm(Form):
    submit = submit("Confirm my vote")


class ConfirmForm(Form):
    submit = submit("Confirm nomination")


class PublicTextForm(Form):
    """The payback manager's version of a nomination for the public pages (prefilled from the
    nominator's words the first time)."""

    public_title = _text("Public title", 120, required="Enter the title the public will see")
    public_description = _area("The work, as the public will read it", 3000,
                               "Enter the description the public will see",
                               hint="Say what the work is and where, without naming anyone or giving anyone's "
                                    "contact details")
    public_benefit = _area("Who it will help, as the public will read it", 2000,
                           "Say who the work will help, as the public will read it")
    checked = BooleanField("I have read all of it: it names nobody and gives nobody's contact details",
                           widget=GovCheckboxInput(), validators=[Optional()])
    public_photos = SelectMultipleField(
        "Photos the public may see", widget=Checkboxes(), coerce=record_id,
        description="Only photos that show nobody's face, car number plate or house number",
        validate_choice=False,  # the operation names the problem: a photo of another nomination
        validators=[Optional()])
    submit = submit("Save the public text")


def _score_field(label: str) -> RadioField:
    return RadioField(label, widget=Radios(), choices=choices(SCORES), validators=[Optional()])


class AssessmentForm(Form):
    score_duration = _score_field(CRITERIA["duration"])
    score_scale = _score_field(CRITERIA["scale"])
    score_skills = _score_field(CRITERIA["skills"])
    score_value = _score_field(CRITERIA["value"])
    score_supervision = _score_field(CRITERIA["supervision"])
    score_safety = _score_field(CRITERIA["safety"])
    decision = RadioField("Decision", widget=Radios(), choices=choices(DECISIONS),
                          validators=[InputRequired("Choose a decision")])
    vote_opens_on = GovDateField("Vote opens", called="The date the vote opens",
                                 description="Only for a shortlisted project. For example, 27 3 2027")
    vote_closes_on = GovDateField("Vote closes", called="The date the vote closes",
                                  description="Only for a shortlisted project")
    reason = RadioField("Reason for declining", widget=Radios(), choices=choices(DECLINE_REASONS),
                        validators=[Optional()])
    note = TextAreaField("Note to the nominator (optional)", widget=GovTextArea(),
                         description="Sent to the nominator with the decision. Needed when the reason is "
                                     "'another reason'.",
                         validators=[Optional(), Length(max=1000, message="The note must be 1000 characters or fewer")])
    submit = submit("Save decision")

    def scores(self) -> dict[str, str]:
        return {name: getattr(self, f"score_{name}").data for name in CRITERIA
                if getattr(self, f"score_{name}").data}


class ScheduleForm(Form):
    starts_on = GovDateField("Date the work starts", required=True, called="The date the work starts",
                             description="For example, 3 5 2027")
    note = TextAreaField("Note to the nominator (optional)", widget=GovTextArea(),
                         description="Sent with the date: for example, what the group will do first",
                         validators=[Optional(), Length(max=1000, message="The note must be 1000 characters or fewer")])
    submit = submit("Save and tell the nominator")


class TimeOfDayField(StringField):
    """A time as people type it on the 24-hour clock: 9:30, 09:30 or 9.30. The error's example is the
    hint's, so the two never disagree."""

    def __init__(self, label=None, validators=None, *, example: str = "09:30", **kwargs):
        super().__init__(label, validators, description=f"24-hour clock, like {example}", **kwargs)
        self.example = example

    def process_formdata(self, valuelist):
        self.data = None
        text = (valuelist[0] if valuelist else "").strip()
        if not text:
            return
        match = re.fullmatch(r"(\d{1,2})[:.](\d{2})", text)
        if not match or int(match[1]) > 23 or int(match[2]) > 59:
            raise ValueError(f"Enter {self.label.text.lower()} on the 24-hour clock, like {self.example}")
        self.data = time(int(match[1]), int(match[2]))

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else f"{self.data:%H:%M}"


class SessionForm(Form):
    day = GovDateField("Date of the session", required=True, called="The day", description="For example, 3 5 2027")
    starts_at = TimeOfDayField("Start time", widget=GovTextInput(), example="09:00",
                               validators=[InputRequired("Enter the start time")])
    ends_at = TimeOfDayField("End time", widget=GovTextInput(), example="15:30",
                             validators=[InputRequired("Enter the end time")])
    place = _text("Where to meet", 200, required="Say where the group meets",
                  hint="For example, 'The towpath gate on Mill Lane'")
    supervisor_id = SelectField("Supervisor", widget=GovSelect(), coerce=lambda v: record_id(v) if v else None,
                                validate_choice=False,  # the rule names the problem
                                validators=[InputRequired("Choose the supervisor")])
    capacity = WholeNumberField("Places", message="Enter the places as a whole number, like 6",
                                widget=GovTextInput(), description="How many people the supervisor can take, up to 12",
                                validators=[InputRequired("Enter how many places there are")])
    submit = submit("Add the session")


class ChangeSessionForm(SessionForm):
    submit = submit("Save changes")


class CancelSessionForm(Form):
    reason = TextAreaField("Why is the session cancelled?", widget=GovTextArea(),
                           description="Sent to the case managers of the people on it and to the supervisor",
                           validators=[InputRequired("Say why the session is cancelled"),
                                       Length(max=500, message="The reason must be 500 characters or fewer")])
    submit = submit("Cancel the session")


def _optional_id(value):
    return record_id(value) if value not in (None, "") else None


class OfferForm(Form):
    """Who runs an accepted project, and what it offers the people who complete their order on it."""

    run_by_id = SelectField("Who runs the work", widget=GovSelect(), coerce=_optional_id,
                            validate_choice=False,  # the rule names the problem
                            description="A social enterprise may run the project for the probation service")
    opportunity_id = SelectField("Offer on completion", widget=GovSelect(), coerce=_optional_id,
                                 validate_choice=False,
                                 description="One of that social enterprise's open guaranteed interviews or "
                                             "vacancies, for each person who completes their hours on the project")
    submit = submit("Save")


class AllocateForm(Form):
    participant_id = SelectField("Person", widget=GovSelect(), coerce=lambda v: record_id(v) if v else None,
                                 validate_choice=False, validators=[InputRequired("Choose a person")])
    submit = submit("Allocate to this session")


class OrderForm(Form):
    hours_ordered = WholeNumberField("Hours of unpaid work ordered",
                                     message="Enter the hours as a whole number, like 120",
                                     widget=GovTextInput(), validators=[InputRequired("Enter the hours ordered")])
    made_on = GovDateField("Date the order was made", required=True, description="For example, 14 1 2027")
    submit = submit("Save order")


class EteCapForm(Form):
    region = SelectField("Region", widget=GovSelect(), validate_choice=False,
                         validators=[InputRequired("Choose the region")])
    percent = WholeNumberField(
        "ETE cap, in % of the hours ordered", message="Enter the cap as a whole number, like 30",
        widget=GovTextInput(),
        description="The national rule today is 30%, rounded down; the 2010 seed paper said up to 20%. From 0 to 30.",
        validators=[InputRequired("Enter the ETE cap")])
    note = TextAreaField("Why it changes (optional)", widget=GovTextArea(),
                         validators=[Optional(), Length(max=500, message="The note must be 500 characters or fewer")])
    submit = submit("Save the ETE cap")


class HoursField(StringField):
    """Hours as people write them (3, 3.5, 3.25); the form's data is whole minutes."""

    def process_formdata(self, valuelist):
        self.data = None
        text = (valuelist[0] if valuelist else "").strip()
        if not text:
            return
        try:
            hours = Decimal(text)
        except InvalidOperation:
            raise ValueError("Enter hours as a number, like 3.5") from None
        if not hours.is_finite() or hours < 0 or hours > 24 or (hours * 4) % 1:
            raise ValueError("Enter hours in quarters of an hour, like 3.5 or 6.25")
        self.data = int(hours * 60)

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else f"{self.data / 60:g}"


class HoursForm(Form):
    worked_on = GovDateField("Date worked", required=True, called="The day", description="For example, 6 3 2027")
    kind = RadioField("Kind of hours", widget=Radios(), choices=choices(HOUR_KINDS),
                      validators=[InputRequired("Choose the kind of hours")])
    project_id = SelectField("Project", widget=GovSelect(), coerce=lambda v: record_id(v) if v else None,
                             validate_choice=False,  # the rule names the problem: not an accepted project
                             validators=[Optional()])
    activity = _text("ETE activity", 200, hint="For example, 'Forklift course with Northern Logistics'")
    outcome = RadioField("What happened", widget=Radios(), choices=choices(OUTCOMES),
                         validators=[InputRequired("Choose what happened")])
    minutes = HoursField("Hours credited", widget=GovTextInput(), description="0 for an absence",
                         validators=[InputRequired("Enter the hours credited")])
    skills = SelectMultipleField("Skills practised", widget=Checkboxes(), choices=choices(SKILLS),
                                 description="None on a day not worked", validators=[Optional()])
    submit = submit("Record hours")


class SuggestForm(Form):
    submit = submit("Suggest to the case manager")


class AttendanceForm(Form):
    outcome = RadioField("What happened", widget=Radios(), choices=choices(OUTCOMES),
                         validators=[InputRequired("Choose what happened")])
    minutes = HoursField("Hours credited", widget=GovTextInput(), description="0 for an absence",
                         validators=[InputRequired("Enter the hours credited")])
    skills = SelectMultipleField("Skills practised", widget=Checkboxes(), choices=choices(SKILLS),
                                 description="None on a day not worked", validators=[Optional()])
    submit = submit("Record attendance")


class EteOfferForm(Form):
    minutes = HoursField("Hours each attendance counts for", widget=GovTextInput(),
                         description="In quarters of an hour, like 3 or 2.5",
                         validators=[InputRequired("Enter the hours each attendance counts for")])
    submit = submit("Count as ETE")
