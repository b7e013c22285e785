from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovSelect
from wtforms import SelectField
from wtforms.validators import Optional

from marketplace.core.forms import GovDateField, SearchForm, submit
from marketplace.reference import REGIONS


def _region_choices() -> list[tuple[str, str]]:
    """Regions in words (the RS01 research codes are in the CSVs only)."""
    return [("", "All regions")] + [(name, name) for name in REGIONS]


class ReportFilterForm(SearchForm):
    period_from = GovDateField("From", called="The start of the period")
    period_to = GovDateField("To", called="The end of the period")
    region = SelectField("Region", widget=GovSelect(), choices=_region_choices(), validators=[Optional()])
    submit = submit("Show figures")
