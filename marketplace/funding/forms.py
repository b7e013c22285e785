from __future__ import annotations

from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import GovFileInput, GovSelect, GovTextArea, GovTextInput
from wtforms import HiddenField, RadioField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from marketplace.core.forms import Checkboxes, Form, GovDateField, Radios, SearchForm, record_id
from marketplace.core.forms import submit as button
from marketplace.funding.models import (
    ALL_REGIONS,
    BOND_DECLINE_REASONS,
    DECLINE_REASONS,
    EVIDENCE_KINDS,
    OTHER_SOURCES,
    PAYMENT_METHODS,
    PURPOSE_LABELS,
)
from marketplace.funding.money import NotAnAmount, parse_pounds
from marketplace.reference import REGIONS


class PoundsField(StringField):
    """An amount in pounds, kept as typed (so the form shows it back) and read as pence. Whether it
    is a usable amount is the operation's rule to say, with the other rules, all at once."""

    widget = GovTextInput()

    @property
    def pence(self) -> int | None:
        try:
            return parse_pounds(self.data) if (self.data or "").strip() else None
        except NotAnAmount:
            return None

    @property
    def problem(self) -> str | None:
        """What is wrong with what was typed; None when it is an amount or empty."""
        try:
            if (self.data or "").strip():
                parse_pounds(self.data)
        except NotAnAmount as error:
            return str(error)
        return None


def pounds_field(label: str, description: str = "") -> PoundsField:
    return PoundsField(label, description=description, validators=[Length(max=20)])


def evidence_field(label: str) -> FileField:
    return FileField(label, widget=GovFileInput(),
                     description="A quote, job offer letter or invoice: PDF or Word, smaller than 5 MB")


class EvidenceForm(Form):
    kind = RadioField("What is the evidence?", widget=Radios(), validators=[Optional()], validate_choice=False)
    evidence = evidence_field("File")
    evidence_held = HiddenField()
    submit = button("Add the evidence")


class RequestFields(Form):
    """What a request says: asked once (AskForm), changed until it is decided (EditForm)."""

    purpose = RadioField("What is the money for?", widget=Radios(), choices=list(PURPOSE_LABELS.items()),
                         validators=[Optional()], validate_choice=False)
    description = TextAreaField("What will it buy, and how does it help them into work?", widget=GovTextArea(),
                                description="For example: safety boots and a hi-vis jacket for a CSCS labouring job "
                                "starting on Monday",
                                validators=[Optional(), Length(max=3000)])
    amount = pounds_field("Amount (£)", "In pounds and pence, for example 85.00")
    supplier = StringField("Who will be paid", widget=GovTextInput(),
                           description="The supplier, landlord or course provider. Money goes to the supplier "
                           "unless there is a reason to pay the person",
                           validators=[Optional(), Length(max=200)])
    # "" is the placeholder (nothing chosen), 0 "None: self-employment".
    referral = SelectField("The job, interview or course it unlocks", widget=GovSelect(),
                           coerce=lambda value: None if value is None or value == "" else record_id(value),
                           validators=[Optional()], validate_choice=False)
    other_sources = SelectMultipleField("Which other sources did you check first?", widget=Checkboxes(),
                                        choices=list(OTHER_SOURCES.items()), validators=[Optional()])
    other_sources_note = TextAreaField("What they said (optional)", widget=GovTextArea(),
                                       validators=[Optional(), Length(max=3000)])


class AskForm(RequestFields):
    evidence = evidence_field("Evidence (optional)")
    evidence_kind = RadioField("What is the evidence?", widget=Radios(), validators=[Optional()],
                               validate_choice=False,
                               choices=[(kind, label) for kind, label in EVIDENCE_KINDS.items() if kind != "receipt"])
    # A file chosen on an earlier showing of the form, kept server-side (core/uploads.py): its token.
    evidence_held = HiddenField()
    submit = button("Send the request")


class EditForm(RequestFields):
    submit = button("Save the changes")


class DecisionForm(Form):
    decision = RadioField("Decision", widget=Radios(), choices=[
        ("approve", "Approve what was asked for"), ("part_approve", "Approve part of it"),
        ("decline", "Decline"), ("ask_information", "Ask the case manager for more information")],
        validators=[Optional()], validate_choice=False)
    amount = pounds_field("Amount to approve (£)", "For example 60.00")
    reason_code = RadioField("Reason, if declining", widget=Radios(), choices=list(DECLINE_REASONS.items()),
                             validators=[Optional()], validate_choice=False)
    note = TextAreaField("Note", widget=GovTextArea(), description="The case manager sees this in the history. "
                         "Needed when asking for information or declining for another reason",
                         validators=[Optional(), Length(max=3000)])
    # operations.version_of the request as this page showed it: a decision on figures since changed is refused.
    seen = HiddenField(validators=[Optional(), Length(max=64)])
    submit = button("Confirm the decision")


class NoteForm(Form):
    note = TextAreaField("Note", widget=GovTextArea(), validators=[Optional(), Length(max=3000)])
    submit = button("Confirm")


class PaymentForm(Form):
    method = RadioField("How was it paid?", widget=Radios(), choices=list(PAYMENT_METHODS.items()),
                        validators=[Optional()], validate_choice=False)
    reference = StringField("Invoice or voucher number", widget=GovTextInput(),
                            validators=[Optional(), Length(max=100)])
    paid_on = GovDateField("Date paid", called="The date it was paid")
    cash_reason = TextAreaField("If paid to the person: why not to a supplier", widget=GovTextArea(),
                                validators=[Optional(), Length(max=3000)])
    receipt_reference = StringField("Receipt reference (optional)", widget=GovTextInput(),
                                    description="Where the receipt is kept, or its number",
                                    validators=[Optional(), Length(max=100)])
    submit = button("Record the payment")


class BudgetForm(Form):
    purpose = SelectField("What the budget is for", widget=GovSelect(), choices=list(PURPOSE_LABELS.items()),
                          validators=[Optional()], validate_choice=False)
    year = SelectField("Financial year", widget=GovSelect(), coerce=int, validators=[Optional()],
                       validate_choice=False)
    region = SelectField("Region", widget=GovSelect(), choices=[("", ALL_REGIONS)] + [(r, r) for r in REGIONS],
                         description="A pot for one region is drawn on for people who will live there; people of "
                         "other regions draw on the pot for all regions",
                         validators=[Optional()], validate_choice=False)
    amount = pounds_field("Budget for the year (£)", "For example 5000.00")
    request_limit = pounds_field("Most one request can be for (£)")
    person_limit = pounds_field("Most one person can have in the year (£)")
    second_approval_above = pounds_field("A second approver is needed above (£) (optional)",
                                         "Leave empty if one approver is always enough")
    submit = button("Save the budget")


class BondForm(Form):
    provider = StringField("Who will arrange the bond", widget=GovTextInput(),
                           description="The charity, third-sector body or insurer",
                           validators=[Optional(), Length(max=200)])
    cover = pounds_field("Cover (£)", "The most the bond pays out, for example 5000.00")
    months = StringField("For how many months", widget=GovTextInput(), description="From 1 to 24",
                         validators=[Optional(), Length(max=5)])
    submit = button("Ask for the bond")


class BondDecisionForm(Form):
    decision = RadioField("Decision", widget=Radios(), choices=[
        ("arrange", "The bond is arranged"), ("decline", "Decline the bond")],
        validators=[Optional()], validate_choice=False)
    reason_code = RadioField("Reason, if declining", widget=Radios(), choices=list(BOND_DECLINE_REASONS.items()),
                             validators=[Optional()], validate_choice=False)
    note = TextAreaField("Note", widget=GovTextArea(), description="The employer and the case manager see this. "
                         "Needed when declining for another reason",
                         validators=[Optional(), Length(max=3000)])
    submit = button("Confirm the decision")


class BondWithdrawForm(Form):
    note = TextAreaField("Why (optional)", widget=GovTextArea(), validators=[Optional(), Length(max=3000)])
    submit = button("Withdraw the request for a bond")


class BudgetImportForm(Form):
    file = FileField("Budgets file", widget=GovFileInput(),
                     description="CSV with a header row, or JSON Lines; smaller than 1 MB")
    submit = button("Import the budgets")


class ListFilterForm(SearchForm):
    view = SelectField("Show", widget=GovSelect(), choices=[
        ("waiting", "Waiting for a decision"), ("to_pay", "Approved, to pay"), ("information", "Information asked for"),
        ("all", "All")], validators=[Optional()])
