from __future__ import annotations

from wtforms import HiddenField, ValidationError

from marketplace.core.forms import Form, record_id, submit


def _an_opportunity(form, field) -> None:
    try:
        record_id(field.data or "")
    except ValueError:
        raise ValidationError("Choose an opportunity to save or remove") from None


class ShortlistForm(Form):
    """The button beside an opportunity: which one, and the page to go back to (a name from
    shortlists.views.BACK_TO, never an address)."""

    opportunity = HiddenField(validators=[_an_opportunity])
    back = HiddenField()
    submit = submit("Save")

    @property
    def opportunity_id(self) -> int:
        return record_id(self.opportunity.data)
