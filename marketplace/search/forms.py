from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovCheckboxInput, GovSelect, GovTextInput
from wtforms import BooleanField, SelectField, SelectMultipleField, StringField
from wtforms.validators import Length, Optional

from marketplace.core.forms import Checkboxes, SearchForm, submit
from marketplace.reference import REGIONS, SECTORS, choices

KINDS = {
    "vacancy": "Vacancies",
    "guaranteed_interview": "Guaranteed interviews",
    "work_placement": "Work placements",
    "training": "Training courses",
    "volunteering": "Volunteering",
}
SORTS = {"relevance": "Best match", "closing": "Closing soonest", "newest": "Newest", "distance": "Nearest"}


class OpportunitySearchForm(SearchForm):
    q = StringField("Search for", widget=GovTextInput(), description="Job titles, skills or employers",
                    validators=[Optional(), Length(max=300)])
    kind = SelectMultipleField("Kind", widget=Checkboxes(), choices=list(KINDS.items()), validators=[Optional()])
    sector = SelectMultipleField("Sector", widget=Checkboxes(), choices=choices(SECTORS), validators=[Optional()])
    region = SelectMultipleField("Region", widget=Checkboxes(), choices=choices(REGIONS), validators=[Optional()])
    paid = BooleanField("Paid", widget=GovCheckboxInput())
    custody_ok = BooleanField("Open to people still in prison (ROTL)", widget=GovCheckboxInput())
    guarantee = BooleanField("Guaranteed interview", widget=GovCheckboxInput())
    closing_within = SelectField("Closing", widget=GovSelect(),
                                 choices=[("", "Any time"), ("7", "Within 7 days"), ("14", "Within 14 days"),
                                          ("30", "Within 30 days")], validators=[Optional()])
    sort = SelectField("Sort by", widget=GovSelect(), choices=list(SORTS.items()), default="relevance",
                       validators=[Optional()])
    near = StringField("Near (town)", widget=GovTextInput(), description="For the nearest first",
                       validators=[Optional(), Length(max=100)])
    submit = submit("Search")


class MatchFilterForm(SearchForm):
    sector = SelectField("Sector", widget=GovSelect(), choices=choices(SECTORS, blank="Any sector"),
                         validators=[Optional()])
    kind = SelectField("Kind", widget=GovSelect(), choices=[("", "Any kind"), *KINDS.items()],
                       validators=[Optional()])
    submit = submit("Filter")
