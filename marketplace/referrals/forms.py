from __future__ import annotations

from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxInput, GovFileInput, GovSelect, GovTextArea, GovTextInput
from wtforms import BooleanField, HiddenField, RadioField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from marketplace.core.forms import Checkboxes, Form, GovDateField, Radios, SearchForm
from marketplace.core.forms import submit as button
from marketplace.opportunities.forms import AmountField
from marketplace.opportunities.models import PAY_PERIODS
from marketplace.reference import QUALIFICATION_LEVELS
from marketplace.referrals.models import DECLINE_REASONS, LEFT_JOB_REASONS, SNAPSHOT_PARTS, WITHDRAW_REASONS


class ReferralForm(Form):
    name = StringField("Name to share", widget=GovTextInput(),
                       description="The employer needs a name to arrange an interview",
                       validators=[InputRequired("Enter the name to share with the employer"), Length(max=200)])
    parts = SelectMultipleField("What to share from their record", widget=Checkboxes(),
                                choices=list(SNAPSHOT_PARTS.items()), validators=[Optional()])
    profile = TextAreaField("A short profile", widget=GovTextArea(),
                            description="A few sentences about them as a worker, in words they agree with",
                            validators=[Optional(), Length(max=3000)])
    disclosure = TextAreaField("Disclosure statement", widget=GovTextArea(),
                               description="Written with the participant: only what the law requires them to "
                               "disclose for this job",
                               validators=[Optional(), Length(max=3000)])
    share_convictions = BooleanField("Share the convictions this employer's check would show",
                                     widget=GovCheckboxInput())
    attach_letter = BooleanField("Attach their disclosure letter", widget=GovCheckboxInput())
    beyond_law = BooleanField("They understand the law does not require this, and still choose to share it",
                              widget=GovCheckboxInput())
    cv = FileField("CV (optional)", widget=GovFileInput(), description="PDF or Word, smaller than 5 MB")
    disclosure_letter = FileField("Disclosure letter (optional)", widget=GovFileInput(),
                                  description="PDF or Word, smaller than 5 MB")
    requirements = SelectMultipleField("They meet each minimum requirement", widget=Checkboxes(),
                                       validators=[Optional()], validate_choice=False)
    consent = BooleanField("They agreed that this may be shared with the employer", widget=GovCheckboxInput())
    # Shown only when the person has a Virtual Campus CV; the view puts their first name and the employer
    # in the labels.
    campus_cv = BooleanField("Attach their CV from the Virtual Campus", widget=GovCheckboxInput(),
                             description="A PDF of the CV as it is now: later changes are not sent")
    campus_cv_consent = BooleanField("They agreed to share their CV with this employer", widget=GovCheckboxInput())
    # Files chosen on an earlier showing of the form, kept server-side (uploads.hold): their tokens.
    cv_held = HiddenField()
    disclosure_letter_held = HiddenField()
    # "Remove" under a held file (templates/referrals/new.html): let it go rather than send it.
    cv_remove = BooleanField("Remove the CV")
    disclosure_letter_remove = BooleanField("Remove the disclosure letter")
    campus_cv_held = HiddenField()
    submit = button("Continue")  # to "Check your answers"; only "Send referral" there sends it
    save_draft = button("Save as draft")
    # The check page: "Send referral" carries the fingerprint of what was shown; a "Change" button
    # names the answer to go back to.
    send = button("Send referral")
    checked = HiddenField()
    change = HiddenField()


REASONS_BY_ACTION = {"decline": DECLINE_REASONS, "withdraw": WITHDRAW_REASONS, "left_job": LEFT_JOB_REASONS}


class StepForm(Form):
    """The details a workflow step may need; the step's page shows only the fields it uses."""

    reason_code = RadioField("Reason", widget=Radios(), validators=[Optional()], validate_choice=False)
    note = TextAreaField("Note (optional)", widget=GovTextArea(), validators=[Optional(), Length(
        max=3000, message="The note must be 3,000 characters or fewer")])
    interview_date = GovDateField("Interview date", called="The interview date")
    interview_time = StringField("Time", widget=GovTextInput(), description="For example 10:30, 2pm or 14:00",
                                 validators=[Optional()])
    interview_place = StringField("Where, or the link to join", widget=GovTextInput(),
                                  validators=[Optional(), Length(
                                      max=300, message="Where the interview is must be 300 characters or fewer")])
    interview_bring = TextAreaField("What to bring (optional)", widget=GovTextArea(),
                                    validators=[Optional(), Length(max=500)])
    # A job offer: the start date offered, hours and pay (checked against the National Minimum Wage).
    offer_start_date = GovDateField("Start date offered", called="The start date")
    offer_hours = AmountField("Hours per week", message="Enter the hours per week as a number, like 37.5",
                              validators=[Optional()])
    offer_pay = AmountField("Pay", message="Enter the pay as an amount, like 12.71", validators=[Optional()],
                            description="Before tax, in pounds")
    offer_pay_period = RadioField("Paid", widget=Radios(), validators=[Optional()], validate_choice=False,
                                  choices=[(code, f"By the {code}") for code in PAY_PERIODS])
    start_date = GovDateField("Date they start work", called="The start date",
                              description="The day they started, or the day agreed if it is still to come: it then "
                              "shows as 'start agreed' and becomes 'started work' on that day")
    # The outcomes of a course, volunteering or unpaid placement.
    completed_on = GovDateField("Date they completed it", called="The date they completed it")
    qualification_title = StringField("Title of the qualification", widget=GovTextInput(),
                                      description="As it is on the certificate, for example Level 2 Certificate in "
                                      "Construction Skills", validators=[Optional(), Length(
                                          max=200, message="The title must be 200 characters or fewer")])
    qualification_level = RadioField("Level", widget=Radios(), choices=list(QUALIFICATION_LEVELS.items()),
                                     validators=[Optional()], validate_choice=False)
    qualification_on = GovDateField("Date it was awarded", called="The date it was awarded")
    work = RadioField("Which work did they move into?", widget=Radios(), validators=[Optional()],
                      validate_choice=False)
    moved_on = GovDateField("Date they started work", called="The date they started work",
                            description="Only for work found outside this service: a job through this service "
                            "has its own start date")
    submit = button("Confirm")


class CorrectionForm(Form):
    reason = TextAreaField("What was wrong?", widget=GovTextArea(),
                           description="Both the case manager and the employer see this on the timeline",
                           validators=[InputRequired("Say what was wrong"), Length(
                               max=3000, message="Write 3,000 characters or fewer")])
    submit = button("Correct it")


class MessageForm(Form):
    body = TextAreaField("Message", widget=GovTextArea(), validators=[InputRequired("Write a message"),
                                                                      Length(max=3000)])
    submit = button("Send message")


INBOX_VIEWS = {"waiting": "Waiting for you", "new": "New", "upcoming": "Interviews coming up",
               "overdue": "Guarantee overdue", "open": "All open", "all": "All"}
CASELOAD_VIEWS = {"open": "Still going", "checks": "Job checks due", "ended": "Ended", "all": "All"}


class InboxFilterForm(SearchForm):
    view = SelectField("Show", choices=list(INBOX_VIEWS.items()), default="waiting", widget=GovSelect(),
                       validators=[Optional()])
    submit = button("Show")


class ReferralListFilterForm(SearchForm):
    view = SelectField("Show", choices=list(CASELOAD_VIEWS.items()), default="open", widget=GovSelect(),
                       validators=[Optional()])
    scope = SelectField("Whose", choices=[("mine", "My referrals"), ("organisation", "My organisation's")],
                        default="mine", widget=GovSelect(), validators=[Optional()])
    submit = button("Show")
