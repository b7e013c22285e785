from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovCheckboxInput, GovSelect, GovTextArea, GovTextInput
from wtforms import (
    BooleanField,
    FieldList,
    FormField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms import Form as SubForm
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from marketplace.core.forms import (
    Checkboxes,
    Form,
    GovDateField,
    Radios,
    RealPostcode,
    SearchForm,
    WholeNumberField,
    record_id,
    submit,
)
from marketplace.participants.models import CLOSURE_REASONS, RATINGS, READINESS_LABELS, READINESS_TASKS, TASK_STATES
from marketplace.reference import (
    MAPPA_CATEGORIES,
    MAPPA_LEVELS,
    OFFENCE_CATEGORIES,
    PATHWAYS,
    PRISONS,
    QUALIFICATION_LEVELS,
    QUALIFICATION_SUBJECTS,
    REGIONS,
    ROSH_LEVELS,
    SECTORS,
    choices,
)

NOT_GIVEN = "Not given"


def _lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class QualificationForm(SubForm):
    subject = SelectField("Subject area", widget=GovSelect(),
                          choices=choices(QUALIFICATION_SUBJECTS, blank="Choose a subject area"),
                          validators=[Optional()])
    level = SelectField("Level", widget=GovSelect(), choices=choices(QUALIFICATION_LEVELS, blank="Choose a level"),
                        validators=[Optional()])
    title = StringField("Name of the qualification (optional)", widget=GovTextInput(),
                        validators=[Optional(), Length(max=100, message="Name must be 100 characters or fewer")])


class ParticipantForm(Form):
    participant_number = StringField(
        "Participant number", widget=GovTextInput(),
        description="The prison number or probation case reference, for example A1234BC",
        validators=[InputRequired("Enter the participant number"), Length(max=20)])
    first_name = StringField("First name", widget=GovTextInput(),
                             validators=[InputRequired("Enter the first name"), Length(max=100)])
    last_name = StringField("Last name", widget=GovTextInput(),
                            validators=[InputRequired("Enter the last name"), Length(max=100)])
    date_of_birth = GovDateField("Date of birth", required=True, description="For example, 27 3 1990")
    location = RadioField("Where are they now?", widget=Radios(),
                          choices=[("custody", "In prison"), ("community", "In the community")],
                          validators=[InputRequired("Select whether the person is in prison or in the community")])
    prison = SelectField("Prison", widget=GovSelect(), choices=choices(sorted(PRISONS), blank="Choose a prison"),
                         validators=[Optional()])
    release_date = GovDateField("Release date (if in prison)", called="Release date")
    release_date_confirmed = BooleanField("The release date is confirmed", widget=GovCheckboxInput())
    order_end_date = GovDateField("Licence or order end date (optional)", called="Order end date")
    release_region = SelectField("Region they will live in", widget=GovSelect(),
                                 choices=choices(REGIONS, blank="Choose a region"),
                                 validators=[InputRequired("Select the region the person will live in")])
    release_town = StringField("Town or city (optional)", widget=GovTextInput(),
                               validators=[Optional(), Length(max=100)])
    release_postcode = StringField("Postcode (optional)", widget=GovTextInput(),
                                   validators=[Optional(), RealPostcode()])
    no_fixed_abode = BooleanField("No fixed abode", widget=GovCheckboxInput())
    travel_miles = WholeNumberField(
        "How far can they travel to work, in miles? (optional)", widget=GovTextInput(),
        message="Enter how far they can travel as a whole number of miles, like 10",
        validators=[Optional(), NumberRange(min=0, max=300, message="Enter a distance between 0 and 300 miles")])
    rotl_from = GovDateField(
        "Can work on release on temporary licence (ROTL) from (optional)", called="The ROTL date",
        description="Leave blank if they are not eligible for ROTL")
    skills = TextAreaField("Skills (optional)", widget=GovTextArea(), description="One per line",
                           validators=[Optional(), Length(max=5000)])
    qualifications = FieldList(FormField(QualificationForm), min_entries=3, max_entries=20)
    work_history = TextAreaField("Work history (optional)", widget=GovTextArea(),
                                 validators=[Optional(), Length(max=5000)])
    sectors_wanted = SelectMultipleField("Sectors they want to work in", widget=Checkboxes(),
                                         choices=choices(SECTORS), validators=[Optional()])
    jobs_wanted = TextAreaField("Jobs they want (optional)", widget=GovTextArea(), description="One per line",
                                validators=[Optional(), Length(max=2000)])
    goals = TextAreaField("Goals (optional)", widget=GovTextArea(), validators=[Optional(), Length(max=5000)])
    case_manager_id = SelectField("Case manager", widget=GovSelect(), coerce=record_id, validators=[Optional()],
                                  validate_choice=False)
    submit = submit("Save")

    def skills_list(self) -> list[str]:
        return _lines(self.skills.data)

    def interests_list(self) -> list[str]:
        return list(self.sectors_wanted.data or []) + _lines(self.jobs_wanted.data)

    def qualifications_list(self) -> list[dict]:
        chosen = []
        for entry in self.qualifications.entries:
            data = entry.form.data
            if data.get("subject") or data.get("level") or (data.get("title") or "").strip():
                chosen.append({"subject": data.get("subject") or "", "level": data.get("level") or "",
                               "title": data.get("title") or ""})
        return chosen

    def fill_from(self, participant) -> None:
        """Show a participant's current details in the form."""
        for name in ("participant_number", "first_name", "last_name", "date_of_birth", "location", "prison",
                     "release_date", "release_date_confirmed", "order_end_date", "release_region", "release_town",
                     "release_postcode", "no_fixed_abode", "travel_miles", "rotl_from", "work_history", "goals",
                     "case_manager_id"):
            getattr(self, name).data = getattr(participant, name)
        self.skills.data = "\n".join(participant.skills or [])
        self.sectors_wanted.data = participant.sectors_wanted
        self.jobs_wanted.data = "\n".join(participant.jobs_wanted)
        while len(self.qualifications.entries):
            self.qualifications.pop_entry()
        for qualification in participant.qualifications or []:
            self.qualifications.append_entry(qualification)
        for _ in range(2):
            self.qualifications.append_entry()


class RestrictionsForm(Form):
    offence_categories = SelectMultipleField(
        "Offence categories an employer may ask about", widget=Checkboxes(), choices=choices(OFFENCE_CATEGORIES),
        description="Select every category that applies to their convictions", validators=[Optional()])
    no_work_with_children = BooleanField("Must not work with children", widget=GovCheckboxInput())
    no_work_with_vulnerable_adults = BooleanField("Must not work with vulnerable adults", widget=GovCheckboxInput())
    mappa_category = SelectField("MAPPA category", widget=GovSelect(),
                                 choices=choices(MAPPA_CATEGORIES, blank=NOT_GIVEN),
                                 validators=[Optional()])
    mappa_level = SelectField("MAPPA level", widget=GovSelect(), choices=choices(MAPPA_LEVELS, blank=NOT_GIVEN),
                              validators=[Optional()])
    rosh_level = SelectField("Risk of serious harm", widget=GovSelect(), choices=choices(ROSH_LEVELS, blank=NOT_GIVEN),
                             validators=[Optional()])
    submit = submit("Save restrictions")


def _readiness_form():
    fields = {
        "readiness": RadioField("Readiness to work", widget=Radios(),
                                choices=[(k.value, v) for k, v in READINESS_LABELS.items()],
                                validators=[InputRequired("Select how ready the person is to work")]),
    }
    for task, label in READINESS_TASKS.items():
        fields[task] = RadioField(label, widget=Radios(), choices=list(TASK_STATES.items()), default="not_started",
                                  validators=[InputRequired(f"Select how far along {label.lower()} is")])
    fields["submit"] = submit("Save readiness")
    return type("ReadinessForm", (Form,), fields)


ReadinessForm = _readiness_form()


def _assessment_form():
    fields = {"assessed_on": GovDateField("Date of the assessment", called="The date of the assessment", required=True)}
    for pathway, label in PATHWAYS.items():
        fields[pathway] = RadioField(label, widget=Radios(), choices=[(k, v.split(":")[0]) for k, v in RATINGS.items()],
                                     validators=[InputRequired(f"Select a rating for {label.lower()}")])
    fields["notes"] = TextAreaField("Notes (optional)", widget=GovTextArea(), validators=[Optional(), Length(max=5000)])
    fields["submit"] = submit("Save assessment")
    return type("AssessmentForm", (Form,), fields)


AssessmentForm = _assessment_form()


class ConsentForm(Form):
    employers = BooleanField("They agree that what they choose may be shared with employers, in a referral",
                             widget=GovCheckboxInput())
    mentors = BooleanField("They agree that details may be shared with a Gatemate mentor for release day",
                           widget=GovCheckboxInput())
    given_on = GovDateField("Date they gave or refused consent", called="The date of consent", required=True)
    purpose = TextAreaField("What they agreed to (optional)", widget=GovTextArea(),
                            description="For example: to be referred to catering jobs in Manchester",
                            validators=[Optional(), Length(max=1000)])
    submit = submit("Record consent")


class CloseForm(Form):
    reason = RadioField("Why is the case closing?", widget=Radios(), choices=list(CLOSURE_REASONS.items()),
                        validators=[InputRequired("Select why the case is closing")])
    note = TextAreaField("Note (optional unless you chose other)", widget=GovTextArea(),
                         validators=[Optional(), Length(max=1000)])
    submit = submit("Close case")


WINDOWS = {"12w": "Releasing within 12 weeks", "6m": "Releasing within 6 months", "all": "Everyone",
           "released": "Already released or in the community"}


class CaseloadFilterForm(SearchForm):
    window = SelectField("Time to release", widget=GovSelect(), choices=list(WINDOWS.items()), default="12w",
                         validators=[Optional()])
    status = SelectField("Case status", widget=GovSelect(),
                         choices=[("active", "Open cases"), ("closed", "Closed cases"), ("all", "All cases")],
                         default="active", validators=[Optional()])
    region = SelectField("Release region", widget=GovSelect(), choices=choices(REGIONS, blank="Any region"),
                         validators=[Optional()])
    readiness = SelectField("Readiness", widget=GovSelect(),
                            choices=[("", "Any readiness")] + [(k.value, v) for k, v in READINESS_LABELS.items()],
                            validators=[Optional()])
    scope = SelectField("Whose caseload", widget=GovSelect(),
                        choices=[("mine", "My caseload"), ("organisation", "My organisation's caseload")],
                        default="mine", validators=[Optional()])
    q = StringField("Name or participant number", widget=GovTextInput(), validators=[Optional(), Length(max=100)])
    sort = SelectField("Sort by", widget=GovSelect(),
                       choices=[("release", "Release date, soonest first"),
                                ("release_desc", "Release date, latest first"),
                                ("name", "Last name")],
                       default="release", validators=[Optional()])
    submit = submit("Apply filters")
