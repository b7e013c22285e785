from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovCheckboxInput, GovPasswordInput, GovTextArea, GovTextInput
from wtforms import BooleanField, HiddenField, PasswordField, RadioField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from marketplace.campus.models import (
    AUTOMATIC_END_REASONS,
    END_REASONS,
    MESSAGE_SETTINGS,
    RETURN_REASONS,
    SIGN_IN_METHODS,
)
from marketplace.core.forms import Form, GovDateField, Radios, submit

MAX_WORDS_FIELD = 4000


def _number_field() -> StringField:
    return StringField("Participant number", description="It is on your access slip, for example A1234BC",
                       widget=GovTextInput(),
                       validators=[InputRequired("Enter your participant number"),
                                   Length(max=20, message="Participant number must be 20 characters or fewer")])


def _date_of_birth() -> GovDateField:
    return GovDateField("Date of birth", description="For example, 27 3 1990", required=True)


class GrantAccessForm(Form):
    sign_in_method = RadioField("How will they sign in?", widget=Radios(), default="passphrase",
                                choices=list(SIGN_IN_METHODS.items()),
                                validators=[DataRequired("Select how they will sign in")])
    consent = BooleanField("They agree to use the Virtual Campus, and know that what they write there is kept "
                           "on their record and that their case manager checks their messages before an "
                           "employer sees them", widget=GovCheckboxInput())
    # The slip the page showed ("" for none): a reload of the slip page posts again, and must not
    # silently replace the slip just handed over (operations.grant_access_rules).
    seen_slip = HiddenField()
    submit = submit("Print an access slip")


class EndAccessForm(Form):
    reason = RadioField("Why is access ending?", widget=Radios(),
                        choices=[(code, label) for code, label in END_REASONS.items()
                                 if code not in AUTOMATIC_END_REASONS],
                        validators=[InputRequired("Select why access is ending")])
    submit = submit("End access")


class MessageSettingForm(Form):
    setting = RadioField("Can they write to employers?", widget=Radios(), choices=list(MESSAGE_SETTINGS.items()),
                         validators=[InputRequired("Select whether they can write to employers")])
    submit = submit("Save")


class StartForm(Form):
    code = StringField("Code on your slip", description="12 letters and numbers, for example ACDE-FGHJ-KMNP",
                       widget=GovTextInput(),
                       validators=[InputRequired("Enter the code on your slip"),
                                   Length(max=40, message="The code has 12 letters and numbers")])
    participant_number = _number_field()
    date_of_birth = _date_of_birth()
    passphrase = PasswordField("Choose a passphrase",
                               description="At least 12 characters. Three or four words you will remember work "
                                           "well, for example: kettle river orange bicycle",
                               widget=GovPasswordInput(),
                               validators=[InputRequired("Choose a passphrase"), Length(max=128)])
    confirm = PasswordField("Type the passphrase again", widget=GovPasswordInput(),
                            validators=[InputRequired("Type the passphrase again"), Length(max=128)])
    submit = submit("Start using the Virtual Campus")


class CampusSignInForm(Form):
    participant_number = _number_field()
    date_of_birth = _date_of_birth()
    passphrase = PasswordField("Passphrase", widget=GovPasswordInput(),
                               validators=[InputRequired("Enter your passphrase"), Length(max=128)])
    submit = submit("Sign in")


def _pin_field(label: str = "Choose a 6-number PIN") -> PasswordField:
    return PasswordField(label, description="6 numbers. Not one number repeated (111111) and not numbers in "
                                            "order (123456)",
                         widget=GovPasswordInput(),
                         validators=[InputRequired("Choose a PIN"),
                                     Length(max=20, message="Your PIN must be 6 numbers")])


def _confirm_pin_field() -> PasswordField:
    return PasswordField("Type the PIN again", widget=GovPasswordInput(),
                         validators=[InputRequired("Type the PIN again"), Length(max=20)])


class KioskStartForm(Form):
    code = StartForm.code
    participant_number = _number_field()
    date_of_birth = _date_of_birth()
    pin = _pin_field()
    confirm_pin = _confirm_pin_field()
    submit = submit("Set my PIN")


class KioskSignInForm(Form):
    participant_number = _number_field()
    pin = PasswordField("PIN", widget=GovPasswordInput(),
                        validators=[InputRequired("Enter your PIN"), Length(max=20)])
    submit = submit("Sign in")


class ChangePinForm(Form):
    current_pin = PasswordField("Your current PIN", widget=GovPasswordInput(),
                                validators=[InputRequired("Enter your current PIN"), Length(max=20)])
    pin = _pin_field("Choose a new 6-number PIN")
    confirm_pin = _confirm_pin_field()
    submit = submit("Change my PIN")


class UnlockPinForm(Form):
    submit = submit("Unlock PIN sign-in")


def _own_words(label: str, hint: str) -> TextAreaField:
    return TextAreaField(label, description=hint, widget=GovTextArea(),
                         validators=[Optional(), Length(max=MAX_WORDS_FIELD,
                                                        message=f"{label} must be {MAX_WORDS_FIELD:,} "
                                                                "characters or fewer")])


class CVForm(Form):
    statement = _own_words("About me", "Two or three sentences about you and the work you want.")
    experience = _own_words("Work and experience in my own words",
                            "Jobs, volunteering, work in prison (kitchens, wings, workshops). One on each line.")
    training = _own_words("Training and courses", "Anything you have learned, finished or not. One on each line.")
    interests = _own_words("Other things about me", "Interests, things you are proud of, what you do in your "
                                                    "free time.")
    contact = StringField("How an employer can contact you (optional)",
                          description="Leave this empty while you are in custody: your case manager passes on "
                                      "replies.",
                          widget=GovTextInput(),
                          validators=[Optional(), Length(max=300, message="Contact details must be 300 "
                                                                          "characters or fewer")])
    submit = submit("Save my CV")


class MessageForm(Form):
    body = TextAreaField("Your message", widget=GovTextArea(),
                         description="Say what you want to ask or tell them about this job or course. Your case "
                                     "manager reads it before it is sent.",
                         validators=[InputRequired("Write your message"),
                                     Length(max=2500, message="Your message must be 2,500 characters or fewer")])
    submit = submit("Send to my case manager to check")


class SendMessageForm(Form):
    submit = submit("Send it to the employer")


class ReturnMessageForm(Form):
    reason = RadioField("Why is it not being sent?", widget=Radios(),
                        # The checker's own words for "other"; the person reads RETURN_REASONS.
                        choices=[(code, "Another reason (say what in the note)" if code == "other" else words)
                                 for code, words in RETURN_REASONS.items()],
                        validators=[InputRequired("Select why the message is not being sent")])
    note = TextAreaField("A note for them (optional)", widget=GovTextArea(),
                         description="They will read this. Say what to change so they can write again.",
                         validators=[Optional(), Length(max=1000, message="The note must be 1,000 characters "
                                                                          "or fewer")])
    submit = submit("Return it to them")


def _auto_accept_reason(hint: str) -> TextAreaField:
    return TextAreaField("Why?", widget=GovTextArea(), description=hint,
                         validators=[InputRequired("Say why, for the history"),
                                     Length(max=1000, message="The reason must be 1,000 characters or fewer")])


class AutoAcceptOnForm(Form):
    reason = _auto_accept_reason("It is kept in the history on their access page, with your name.")
    submit = submit("Turn on auto-accept")


class AutoAcceptOffForm(Form):
    reason = _auto_accept_reason("For example: a message needed changes, or the employer asked.")
    submit = submit("Turn off auto-accept")


class CampusSwitchForm(Form):
    """A provider organisation's Virtual Campus switch (campus/switch.py)."""

    setting = RadioField("Can people on your caseload use the Virtual Campus?", widget=Radios(),
                         choices=[("on", "On: case managers can print access slips and people can sign in"),
                                  ("off", "Off: no new slips, and nobody on your caseload can sign in")],
                         validators=[InputRequired("Select on or off")])
    submit = submit("Save")
