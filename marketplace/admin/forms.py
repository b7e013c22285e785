from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovTextInput
from wtforms import SelectField, StringField
from wtforms.validators import Length, Optional, ValidationError

from marketplace.accounts.models import UserStatus
from marketplace.core.forms import GovDateField, SearchForm, submit
from marketplace.core.roles import ROLE_LABELS


class AuditSearchForm(SearchForm):
    actor = StringField("Who (email contains)", widget=GovTextInput(), validators=[Optional(), Length(max=254)])
    action = StringField("Action (starts with)", widget=GovTextInput(),
                         description="For example login, organisation.approved, participant.viewed",
                         validators=[Optional(), Length(max=80)])
    subject_type = StringField("Record type", widget=GovTextInput(), validators=[Optional(), Length(max=60)])
    subject_id = StringField("Record id", widget=GovTextInput(), validators=[Optional(), Length(max=60)])
    date_from = GovDateField("From", called="The start date")
    date_to = GovDateField("To", called="The end date")
    submit = submit("Search")

    def validate_date_to(self, field):
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError("The end date must be the same as or after the start date")


class UserSearchForm(SearchForm):
    q = StringField("Name or email contains", widget=GovTextInput(), validators=[Optional(), Length(max=200)])
    role = SelectField("Role", widget=GovSelect(),
                       choices=[("", "Any role")] + [(r.value, label) for r, label in ROLE_LABELS.items()],
                       validators=[Optional()])
    status = SelectField("Status", widget=GovSelect(),
                         choices=[("", "Any status")] + [(s.value, s.value.capitalize()) for s in UserStatus],
                         validators=[Optional()])
    submit = submit("Search")
