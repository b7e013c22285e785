from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovCheckboxInput, GovSelect, GovTextArea, GovTextInput
from wtforms import BooleanField, RadioField, SelectField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from marketplace.core.forms import Form, GovDateField, Radios, WholeNumberField, submit
from marketplace.disclosure.models import CHECK_LEVELS, KIND_LABELS, SENTENCE_LABELS
from marketplace.disclosure.operations import MAX_LETTER, MAX_SENTENCES, ConvictionDetails, SentenceDetails
from marketplace.reference import OFFENCE_CATEGORIES


def _sentence_type(number: int) -> SelectField:
    first = number == 1
    return SelectField(
        "Sentence or disposal" if first else f"Sentence or disposal {number} (optional)", widget=GovSelect(),
        choices=[("", "None" if not first else "Choose (none for a simple caution)"), *SENTENCE_LABELS.items()],
        validators=[Optional()],
        description="For several custodial terms from one hearing, enter the overall term once" if first else "")


def _sentence_length(number: int) -> WholeNumberField:
    return WholeNumberField(
        f"Length{_of_sentence(number)} in months (custody, suspended sentence, an extended sentence's custodial term, "
    "or an order given as a length)",
        widget=GovTextInput(), message="Enter the length as a whole number of months, like 18",
        validators=[Optional()])


def _sentence_end(number: int) -> GovDateField:
    which = _of_sentence(number)
    return GovDateField(
        f"End date{which} (the last day it applied, licence included; for compensation, the day it was paid)",
        called=f"The end date{which}")


def _sentence_extension(number: int) -> WholeNumberField:
    return WholeNumberField(
        f"Extension period{_of_sentence(number)} in months (extended sentences only: the time on extended licence "
        "after the custodial term)", widget=GovTextInput(),
        message="Enter the extension period as a whole number of months, like 48", validators=[Optional()])


def _of_sentence(number: int) -> str:
    return "" if number == 1 else f" of sentence {number}"


class ConvictionForm(Form):
    kind = RadioField("Conviction or caution", widget=Radios(), choices=list(KIND_LABELS.items()),
                      validators=[InputRequired("Select conviction or caution")])
    convicted_on = GovDateField("Date of conviction or caution", called="The date of the conviction or caution",
                                required=True, description="The day sentence was passed. For example, 27 3 2019")
    offence_category = SelectField("Offence category", widget=GovSelect(),
                                   choices=[("", "Choose the offence category"), *OFFENCE_CATEGORIES.items()],
                                   validators=[InputRequired("Select the offence category")])
    specified = BooleanField("The offence is on the DBS list of specified offences (never filtered from standard "
                             "and enhanced checks)", widget=GovCheckboxInput())
    schedule_18 = BooleanField("The offence is in Schedule 18 of the Sentencing Code (serious violent, sexual or "
                               "terrorism offences: custody of more than 4 years for it is never spent)",
                               widget=GovCheckboxInput())
    # Up to MAX_SENTENCES sentences, three fields each; the template and operations._FIELD_FOR use these names.
    sentence_1_type = _sentence_type(1)
    sentence_1_length = _sentence_length(1)
    sentence_1_end = _sentence_end(1)
    sentence_1_extension = _sentence_extension(1)
    sentence_2_type = _sentence_type(2)
    sentence_2_length = _sentence_length(2)
    sentence_2_end = _sentence_end(2)
    sentence_2_extension = _sentence_extension(2)
    sentence_3_type = _sentence_type(3)
    sentence_3_length = _sentence_length(3)
    sentence_3_end = _sentence_end(3)
    sentence_3_extension = _sentence_extension(3)
    submit = submit("Save conviction")

    def sentence_numbers(self) -> range:
        return range(1, MAX_SENTENCES + 1)

    def details(self) -> ConvictionDetails:
        sentences = []
        for number in self.sentence_numbers():
            kind = getattr(self, f"sentence_{number}_type").data
            if kind:
                sentences.append(SentenceDetails(
                    type=kind, length_months=getattr(self, f"sentence_{number}_length").data,
                    end_date=getattr(self, f"sentence_{number}_end").data,
                    extension_months=getattr(self, f"sentence_{number}_extension").data))
        return ConvictionDetails(kind=self.kind.data or "", convicted_on=self.convicted_on.data,
                                 offence_category=self.offence_category.data or "", specified=bool(self.specified.data),
                                 schedule_18=bool(self.schedule_18.data), sentences=sentences)

    def fill_from(self, record) -> None:
        self.kind.data = record.kind
        self.convicted_on.data = record.convicted_on
        self.offence_category.data = record.offence_category
        self.specified.data = record.specified
        self.schedule_18.data = record.schedule_18
        for number, sentence in enumerate(record.sentences, start=1):
            getattr(self, f"sentence_{number}_type").data = sentence.type
            getattr(self, f"sentence_{number}_length").data = sentence.length_months
            getattr(self, f"sentence_{number}_end").data = sentence.end_date
            getattr(self, f"sentence_{number}_extension").data = sentence.extension_months


class RemoveForm(Form):
    submit = submit("Remove")


class LetterForm(Form):
    check_level = RadioField("Which check is the letter for?", widget=Radios(), choices=list(CHECK_LEVELS.items()),
                             validators=[InputRequired("Select the kind of check the letter is for")])
    body = TextAreaField("The letter", widget=GovTextArea(),
                         description="Write it with the participant, in their own words",
                         validators=[Optional(), Length(max=MAX_LETTER)])
    redraft = submit("Start again from a draft for this check")
    submit = submit("Save letter")
