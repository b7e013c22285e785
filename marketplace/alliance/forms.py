from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovTextArea, GovTextInput
from wtforms import HiddenField, RadioField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from marketplace.alliance import levels
from marketplace.alliance.models import OFFER_KINDS, OFFER_SETTINGS
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
from marketplace.reference import FAIR_CHANCE_COMMITMENTS, ORGANISATION_SIZES, PRISONS, REGIONS, SECTORS, choices


def _optional_text(label: str, limit: int, **kwargs) -> StringField:
    return StringField(label, widget=GovTextInput(), validators=[Optional(), Length(max=limit)], **kwargs)


def _area(label: str, limit: int, **kwargs) -> TextAreaField:
    return TextAreaField(label, widget=GovTextArea(), validators=[Optional(), Length(max=limit)], **kwargs)


class ProfileForm(Form):
    what_it_does = _area("What does your organisation do?", 2000,
                         description="Two or three sentences for case managers and other employers")
    # Choices are checked by the operation, which names the mistake better than WTForms' "not a valid choice".
    sectors = SelectMultipleField("Sectors you work in", widget=Checkboxes(), choices=choices(SECTORS),
                                  validators=[Optional()], validate_choice=False)
    regions = SelectMultipleField("Regions where you can offer work or support", widget=Checkboxes(),
                                  choices=choices(REGIONS), validators=[Optional()], validate_choice=False)
    size = RadioField("How many people does your organisation employ?", widget=Radios(),
                      choices=list(ORGANISATION_SIZES.items()), validators=[Optional()])
    website = _optional_text("Website (optional)", 300)
    contact_name = _optional_text("Name of the contact for the alliance", 200,
                                  description="Case managers and the administrators contact this person")
    contact_role = _optional_text("Their job title (optional)", 200)
    contact_email = _optional_text("Their email address", 254)
    contact_phone = _optional_text("Their phone number (optional)", 40)
    commitments = SelectMultipleField(
        "Fair-chance commitments your organisation makes", widget=Checkboxes(),
        choices=list(FAIR_CHANCE_COMMITMENTS.items()), validators=[Optional()], validate_choice=False,
        description="Select every commitment you keep today. The public directory shows them.")
    story = _area("Your story, in your own words (optional)", 3000,
                  description="Why you recruit people with convictions and what it has meant for your business. "
                  "The public directory shows this to other employers.")
    social_purpose = _area("Your social purpose", 2000, description="What the enterprise exists to do")
    profit_reinvestment = _area("How your profits are reinvested", 2000,
                                description="For example: into the training kitchen and paid placements")
    submit = submit("Save profile")


class ApplicationForm(Form):
    level = RadioField("Which level are you applying for?", widget=Radios(), coerce=int,
                       validators=[InputRequired("Select the level you are applying for")])
    pledges = SelectMultipleField(
        "What will your organisation do?", widget=Checkboxes(), validators=[Optional()], validate_choice=False,
        choices=[(code, f"{label} (level {level})") for code, (level, label) in levels.PLEDGES.items()],
        description="Choose at least one activity from the level you are applying for. Activities from lower "
        "levels are welcome too.")
    statement = _area("Tell us more (optional)", 3000,
                      description="For example, which prisons or areas you work with and how many places you "
                      "expect to offer in a year")
    send = submit("Send application")
    submit = submit("Continue")  # to "Check your application"; only "Send application" there sends it
    change = HiddenField()  # the answer a "Change" button on the check page goes back to


class OfferForm(Form):
    kind = RadioField("What are you offering?", widget=Radios(), choices=list(OFFER_KINDS.items()),
                      validators=[InputRequired("Select what you are offering")])
    title = StringField("Title", widget=GovTextInput(),
                        description="For example: Mock interview morning with our warehouse managers",
                        validators=[InputRequired("Enter a title"), Length(max=200)])
    description = _area("What happens, and what people get from it (optional)", 5000)
    starts_on = GovDateField("Date it starts", called="The start date", required=True,
                             description="For example, 14 1 2027")
    ends_on = GovDateField("Date it ends (if it runs over more than one day)", called="The end date")
    times = _optional_text("Times (optional)", 200, description="For example: 10am to 3pm, or every Tuesday 2pm")
    setting = RadioField("Where does it take place?", widget=Radios(), choices=list(OFFER_SETTINGS.items()),
                         validators=[InputRequired("Select where it takes place")])
    prison = SelectField("Prison", widget=GovSelect(), choices=choices(sorted(PRISONS), blank="Choose a prison"),
                         validators=[Optional()])
    town = _optional_text("Town or city", 100)
    region = SelectField("Region", widget=GovSelect(), choices=choices(REGIONS, blank="Choose a region"),
                         validators=[Optional()])
    places = WholeNumberField("Number of places", widget=GovTextInput(),
                              message="Enter the number of places as a whole number, like 8",
                              validators=[InputRequired("Enter the number of places")])
    suits = _area("Who does it suit?", 2000,
                  description="For example: people within 12 weeks of release who want warehouse work")
    submit = submit("Publish")


class BookingForm(Form):
    participant_id = SelectField("Who is the place for?", widget=GovSelect(), coerce=record_id,
                                 validators=[InputRequired("Select who the place is for")], validate_choice=False)
    display_name = _optional_text(
        "Name the employer will see (optional)", 60,
        description="Leave empty to use their first name and the initial of their last name, like \"Jordan E.\". "
        "The employer sees nothing else about them except the note below.")
    note = _area("Note for the employer (optional)", 500,
                 description="For example: needs step-free access, or interested in forklift work. Do not "
                 "include offence details.")
    submit = submit("Book the place")


class CancelOfferForm(Form):
    reason = TextAreaField("Why is it cancelled?", widget=GovTextArea(),
                           description="Case managers with bookings are sent this",
                           validators=[InputRequired("Enter why the session is cancelled"), Length(max=1000)])
    submit = submit("Cancel the session")


def attendance_form(bookings):
    """One question per live booking: did they come?"""
    fields = {}
    for booking in bookings:
        fields[f"booking_{booking.id}"] = RadioField(
            booking.display_name, widget=Radios(), validators=[Optional()],
            choices=[("yes", "Attended"), ("no", "Did not attend")])
    fields["submit"] = submit("Save attendance")
    return type("AttendanceForm", (Form,), fields)()


class DirectoryFilterForm(SearchForm):
    level = SelectField("Level", widget=GovSelect(), validators=[Optional()],
                        choices=[("", "Any level")] + [(str(level), label) for level, label in levels.LEVELS.items()])
    sector = SelectField("Sector", widget=GovSelect(), choices=choices(SECTORS, blank="Any sector"),
                         validators=[Optional()])
    region = SelectField("Region", widget=GovSelect(), choices=choices(REGIONS, blank="Any region"),
                         validators=[Optional()])
    kind = SelectField("Kind of organisation", widget=GovSelect(), validators=[Optional()],
                       choices=[("", "Employers and social enterprises"), ("employer", "Employers"),
                                ("social_enterprise", "Social enterprises")])
    submit = submit("Show members")


class OfferFilterForm(SearchForm):
    region = SelectField("Region", widget=GovSelect(), choices=choices(REGIONS, blank="Any region"),
                         validators=[Optional()])
    kind = SelectField("What is offered", widget=GovSelect(), choices=choices(OFFER_KINDS, blank="Anything"),
                       validators=[Optional()])
    setting = SelectField("Where", widget=GovSelect(), choices=choices(OFFER_SETTINGS, blank="Anywhere"),
                          validators=[Optional()])
    submit = submit("Apply filters")
