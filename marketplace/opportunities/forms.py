from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from govuk_frontend_wtf.wtforms_widgets import GovCheckboxInput, GovSelect, GovTextArea, GovTextInput
from wtforms import BooleanField, Field, RadioField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from marketplace.core.forms import (
    Checkboxes,
    Form,
    GovDateField,
    Radios,
    RealPostcode,
    SearchForm,
    WholeNumberField,
    submit,
)
from marketplace.disclosure.models import CHECK_LEVELS
from marketplace.opportunities.models import (
    CONTRACT_TYPES,
    DOCUMENTS,
    KINDS,
    OFFENCE_EXCLUSIONS,
    PAY_PERIODS,
    PLACEMENT_SETTINGS,
    WORK_PATTERNS,
)
from marketplace.reference import OCCUPATION_GROUPS, QUALIFICATION_LEVELS, QUALIFICATION_SUBJECTS, REGIONS, SECTORS
from marketplace.reference import choices as choice_list

AMOUNT = re.compile(r"-?([0-9]+(\.[0-9]*)?|\.[0-9]+)")


class AmountField(Field):
    """A box for an amount (pay, hours) whose error says what to type. Accepts "£12.71" and "1,200"."""

    widget = GovTextInput()

    def __init__(self, label: str, *, message: str, **kwargs):
        super().__init__(label, **kwargs)
        self.message = message

    def process_formdata(self, valuelist):
        self.data = None
        if not valuelist or not (valuelist[0] or "").strip():
            return
        text = valuelist[0].strip().replace(",", "").lstrip("£")
        if not AMOUNT.fullmatch(text):  # ASCII digits only: Decimal() would also take "١٢"
            raise ValueError(self.message)
        try:
            amount = Decimal(text)
        except InvalidOperation:
            raise ValueError(self.message) from None
        if not amount.is_finite() or len(text) > 12:
            raise ValueError(self.message)
        self.data = amount

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else f"{self.data:f}"


def _text(label: str, limit: int, **kwargs) -> StringField:
    return StringField(label, widget=GovTextInput(), validators=[Optional(), Length(max=limit)], **kwargs)


def _area(label: str, limit: int, **kwargs) -> TextAreaField:
    return TextAreaField(label, widget=GovTextArea(), validators=[Optional(), Length(max=limit)], **kwargs)


def _flag(label: str, **kwargs) -> BooleanField:
    return BooleanField(label, widget=GovCheckboxInput(), **kwargs)


def _select(label: str, options: dict | tuple, blank: str) -> SelectField:
    return SelectField(label, widget=GovSelect(), choices=choice_list(options, blank=blank), validators=[Optional()],
                       validate_choice=False)


class OpportunityForm(Form):
    """Every field of an opportunity. Choices are checked by the operation (which refuses a kind the
    organisation's level does not allow even when the form is forged), not by WTForms."""

    kind = RadioField("What kind of opportunity is it?", widget=Radios(), choices=list(KINDS.items()),
                      validators=[Optional()], validate_choice=False)
    title = _text("Title", 200, description="For example: Warehouse operative (nights), or Forklift licence course")
    description = _area("Description", 10_000,
                        description="What the work or course involves, the team, and what a typical day is like")
    sector = _select("Sector", SECTORS, "Choose a sector")
    occupation_group = _select("Occupation group (optional)", OCCUPATION_GROUPS, "Choose an occupation group")
    external_id = _text("Your reference (optional)", 100,
                        description="Your own job or course reference. The import uses it to find this again.")

    town = _text("Town or city (optional)", 100)
    postcode = StringField("Postcode (optional)", widget=GovTextInput(), validators=[Optional(), RealPostcode()])
    region = _select("Region", REGIONS, "Choose a region")
    national = _flag("Open to people anywhere in England and Wales")
    remote = _flag("Can be done remotely")

    hours_per_week = AmountField("Hours per week (optional)", message="Enter the hours per week as a number, like 37.5",
                                 validators=[Optional()])
    work_pattern = _select("Work pattern (optional)", WORK_PATTERNS, "Choose a work pattern")
    contract_type = _select("Contract type (optional)", CONTRACT_TYPES, "Choose a contract type")
    pay_from = AmountField("Pay from (optional)", message="Enter the pay as an amount, like 12.71",
                           validators=[Optional()])
    pay_to = AmountField("Pay to (optional)", message="Enter the pay as an amount, like 13.50", validators=[Optional()])
    pay_period = SelectField("Paid", widget=GovSelect(), validators=[Optional()], validate_choice=False,
                             choices=[("", "Choose how often")] + [(code, f"per {code}") for code in PAY_PERIODS])
    pays_minimum_wage = _flag("It pays at least the National Minimum Wage")

    start_date = GovDateField("Start date (optional for jobs and courses)", called="The start date")
    end_date = GovDateField("End date (optional for jobs and courses)", called="The end date")
    closing_date = GovDateField("Closing date", called="The closing date",
                                description="The last day to apply. Leave empty if it is rolling.")
    rolling = _flag("Rolling: open until you close it")
    places = WholeNumberField("Number of places", widget=GovTextInput(),
                              message="Enter the number of places as a whole number, like 4", validators=[Optional()])

    essential_criteria = _area("Essential criteria (optional)", 5000, description="What every applicant must have")
    desirable_criteria = _area("Desirable criteria (optional)", 5000, description="What would help")
    minimum_requirements = _area(
        "Minimum requirements", 4000,
        description="One per line. You promise an interview to everyone who meets them all; the case manager "
        "confirms each one when they refer someone. For example: Has a valid CSCS card")
    required_course = _text("Course they must complete first (optional)", 200,
                            description="For example: our two-week warehouse skills course")
    documents = SelectMultipleField("Documents you want with an application", widget=Checkboxes(),
                                    choices=list(DOCUMENTS.items()), validators=[Optional()], validate_choice=False)
    offence_exclusions = SelectMultipleField(
        "Offences you exclude", widget=Checkboxes(), choices=list(OFFENCE_EXCLUSIONS.items()),
        validators=[Optional()], validate_choice=False,
        description="Choose 'no offences are excluded' or 'case by case', and any offences you cannot accept")
    check_level = RadioField(
        "Which criminal record check do you do?", widget=Radios(), choices=list(CHECK_LEVELS.items()),
        default="none", validators=[Optional()], validate_choice=False,
        description="Standard and enhanced checks are only for roles the law allows them for. People need "
        "tell you only what this check would show.")
    involves_children = _flag("The role involves working with children")
    involves_vulnerable_adults = _flag("The role involves working with vulnerable adults")
    custody_ok = _flag("People still in prison can take it, on release on temporary licence (ROTL)")
    prison_leavers_only = _flag("Only for people who have been in prison")
    fidelity_bond = _flag("We can arrange a fidelity bond (insurance against dishonesty) for the person we take on")
    how_to_apply = _area("How to apply (optional)", 2000,
                         description="For example: the case manager refers them here; we call within two days")

    paid = RadioField("Is the placement paid?", widget=Radios(), choices=[("yes", "Yes"), ("no", "No")],
                      validators=[Optional()], validate_choice=False)
    setting = RadioField("Where is the placement?", widget=Radios(), choices=list(PLACEMENT_SETTINGS.items()),
                         validators=[Optional()], validate_choice=False)
    is_training = _flag("The placement is training (for example, work experience on a course), so it may pay less "
                        "than the minimum wage or nothing")
    qualification_subject = _select("Qualification subject area", QUALIFICATION_SUBJECTS, "No qualification")
    qualification_level = _select("Qualification level", QUALIFICATION_LEVELS, "No qualification")
    leads_to_guaranteed_interview = _flag("Everyone who completes the course is guaranteed an interview")
    submit = submit("Save")

    def fill_from(self, opportunity) -> None:
        for name in ("kind", "title", "description", "sector", "occupation_group", "external_id", "town", "postcode",
                     "region", "national", "remote", "hours_per_week", "work_pattern", "contract_type", "pay_from",
                     "pay_to", "pay_period", "pays_minimum_wage", "start_date", "end_date", "closing_date", "rolling",
                     "places", "essential_criteria", "desirable_criteria", "required_course", "documents",
                     "offence_exclusions", "check_level", "involves_children", "involves_vulnerable_adults",
                     "custody_ok", "prison_leavers_only", "fidelity_bond", "how_to_apply", "setting", "is_training",
                     "qualification_subject", "qualification_level", "leads_to_guaranteed_interview"):
            getattr(self, name).data = getattr(opportunity, name)
        self.minimum_requirements.data = "\n".join(opportunity.minimum_requirements or [])
        if opportunity.kind == "work_placement":
            self.paid.data = "yes" if opportunity.paid else "no"


class BrowseForm(SearchForm):
    kind = SelectField("Kind", widget=GovSelect(), choices=choice_list(KINDS, blank="Any kind"),
                       validators=[Optional()])
    sector = SelectField("Sector", widget=GovSelect(), choices=choice_list(SECTORS, blank="Any sector"),
                         validators=[Optional()])
    region = SelectField("Region", widget=GovSelect(), choices=choice_list(REGIONS, blank="Any region"),
                         validators=[Optional()])
    submit = submit("Show opportunities")


STATUS_GROUPS = {"live": "Open and filled", "draft": "Drafts", "closed": "Closed", "archived": "Archived"}


class OursForm(SearchForm):
    show = SelectField("Show", widget=GovSelect(), choices=list(STATUS_GROUPS.items()), validators=[Optional()])
    whose = SelectField("Whose", widget=GovSelect(), validators=[Optional()],
                        choices=[("all", "All of my organisation's"), ("mine", "Only mine")])
    submit = submit("Show")
