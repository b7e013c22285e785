from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovPasswordInput,
    GovSelect,
    GovTextArea,
    GovTextInput,
)
from wtforms import BooleanField, PasswordField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import URL, Email, InputRequired, Length, Optional, ValidationError

from marketplace.accounts.registers import REGISTERS, Register
from marketplace.core.forms import Form, Radios, submit
from marketplace.core.roles import KIND_LABELS, ProviderType
from marketplace.reference import REGIONS, choices

EMAIL_MESSAGE = "Enter an email address in the correct format, like name@example.org"


def email_field(label: str = "Email address", hint: str | None = None) -> StringField:
    return StringField(
        label,
        description=hint,
        widget=GovTextInput(),
        validators=[InputRequired("Enter your email address"),
                    Length(max=254, message="Email address must be 254 characters or fewer"),
                    Email(EMAIL_MESSAGE)],
    )


def new_password_field(label: str = "Create a password") -> PasswordField:
    return PasswordField(
        label,
        description="At least 12 characters. A few unrelated words together work well.",
        widget=GovPasswordInput(),
        validators=[InputRequired("Enter a password")],
    )


def full_name_field() -> StringField:
    return StringField("Full name", widget=GovTextInput(),
                       validators=[InputRequired("Enter your full name"),
                                   Length(max=200, message="Full name must be 200 characters or fewer")])


def job_title_field() -> StringField:
    return StringField("Job title (optional)", widget=GovTextInput(),
                       validators=[Optional(), Length(max=200, message="Job title must be 200 characters or fewer")])


class LoginForm(Form):
    email = StringField("Email address", widget=GovTextInput(),
                        validators=[InputRequired("Enter your email address"), Length(max=254)])
    password = PasswordField("Password", widget=GovPasswordInput(),
                             validators=[InputRequired("Enter your password"), Length(max=128)])
    submit = submit("Sign in")


def _number_field(register: Register) -> StringField:
    details = REGISTERS[register]
    return StringField(details.number_label, description=details.hint, widget=GovTextInput(),
                       validators=[Optional(), Length(max=40, message=details.wrong)])


class RegistrationForm(Form):
    organisation_name = StringField(
        "Organisation name", widget=GovTextInput(),
        validators=[InputRequired("Enter your organisation's name"),
                    Length(max=200, message="Organisation name must be 200 characters or fewer")])
    kind = RadioField(
        "What kind of organisation is it?", widget=Radios(),
        choices=[(kind.value, label) for kind, label in KIND_LABELS.items()],
        validators=[InputRequired("Select what kind of organisation it is")])
    provider_type = RadioField(
        "Which service do you provide?", widget=Radios(),
        choices=[(p.value, p.label) for p in ProviderType], validate_choice=False)
    region = SelectField("Region", widget=GovSelect(), choices=choices(REGIONS, blank="Choose a region"),
                         validators=[InputRequired("Select the region your organisation works in")])
    town = StringField("Town or city (optional)", widget=GovTextInput(),
                       validators=[Optional(), Length(max=100, message="Town must be 100 characters or fewer")])
    website = StringField("Website (optional)", widget=GovTextInput(),
                          validators=[Optional(), Length(max=300),
                                      URL(require_tld=True, message="Enter a website address like https://www.example.org")])
    description = TextAreaField(
        "What does your organisation do? (optional)", widget=GovTextArea(),
        description="A sentence or two for the administrator who checks your registration.",
        validators=[Optional(), Length(max=2000, message="Description must be 2,000 characters or fewer")])
    # Which register, the number there and the safeguarding lead are checked by the operation
    # (operations.check_registration), which knows which of them this organisation needs.
    register = RadioField(
        "Which register is your organisation on?", widget=Radios(),
        description="An administrator looks your organisation up there before approving it.",
        choices=[(r.register.value, r.choice) for r in REGISTERS.values()], validate_choice=False)
    company_number = _number_field(Register.COMPANIES_HOUSE)
    charity_number = _number_field(Register.CHARITY_ENGLAND_WALES)
    scottish_charity_number = _number_field(Register.CHARITY_SCOTLAND)
    ni_charity_number = _number_field(Register.CHARITY_NORTHERN_IRELAND)
    how_to_check = TextAreaField(
        "How can we check your organisation is who it says?", widget=GovTextArea(),
        description="For example your VAT number, a licence from your council, or a funder or partner who "
        "knows your work, with how to reach them.")
    safeguarding_lead_name = StringField("Safeguarding lead's full name", widget=GovTextInput())
    safeguarding_lead_email = StringField("Safeguarding lead's email address", widget=GovTextInput())
    full_name = full_name_field()
    job_title = job_title_field()
    email = email_field("Your work email address")
    password = new_password_field()
    confirm = BooleanField(
        "I am authorised to register this organisation, and I have read the privacy notice",
        widget=GovCheckboxInput(),
        validators=[InputRequired("Confirm that you are authorised to register this organisation")])
    submit = submit("Register")

    def validate_provider_type(self, field):
        if self.kind.data != "provider":
            field.data = None
        elif field.data not in {p.value for p in ProviderType}:
            raise ValidationError("Select whether you are a prison, probation or an employment programme")


class ChangePasswordForm(Form):
    current_password = PasswordField("Current password", widget=GovPasswordInput(),
                                     validators=[InputRequired("Enter your current password")])
    password = new_password_field("New password")
    submit = submit("Change password")


class ResetRequestForm(Form):
    email = email_field()
    submit = submit("Send reset link")


class ResetPasswordForm(Form):
    password = new_password_field("New password")
    submit = submit("Set new password")


class InviteForm(Form):
    email = email_field("Colleague's work email address")
    role = RadioField("Role", widget=Radios(), validators=[InputRequired("Select a role")])
    make_org_admin = BooleanField("They can also invite colleagues and manage the organisation's users",
                                  widget=GovCheckboxInput())
    submit = submit("Send invitation")


class AcceptInvitationForm(Form):
    full_name = full_name_field()
    job_title = job_title_field()
    password = new_password_field()
    submit = submit("Create account")


class ReasonForm(Form):
    """A single required reason, for rejecting a registration or disabling an account."""

    reason = TextAreaField("Reason", widget=GovTextArea(),
                           validators=[InputRequired("Enter the reason"),
                                       Length(max=1000, message="Reason must be 1,000 characters or fewer")])
    submit = submit("Confirm")


class ConfirmForm(Form):
    """A button-only form: its CSRF token is what it carries."""

    submit = submit("Confirm")


class ApprovalForm(Form):
    """What the administrator checked before approving; the page words each box for the organisation
    (operations.approval_checks_needed) and the operation says which are required."""

    register_checked = BooleanField("The register shows this organisation", widget=GovCheckboxInput())
    safeguarding_checked = BooleanField("The safeguarding lead confirmed their role", widget=GovCheckboxInput())
    note = TextAreaField("What you checked", widget=GovTextArea(), validators=[
        Optional(), Length(max=1000, message="The note must be 1,000 characters or fewer")])
    submit = submit("Approve registration")
