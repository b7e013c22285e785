from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovTextArea, GovTextInput
from wtforms import StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from marketplace.careers.operations import BODY_MAX, SUMMARY_MAX, TITLE_MAX
from marketplace.core.forms import Form, submit

# The box holds up to LINKS_MAX lines of text and address; its own rules are checked line by line in
# operations.parse_links, so every bad line is named at once.
LINKS_BOX_MAX = 20 * 720


class PageForm(Form):
    title = StringField("Title", widget=GovTextInput(),
                        validators=[InputRequired("Enter a title"),
                                    Length(max=TITLE_MAX,
                                           message=f"The title must be {TITLE_MAX} characters or fewer")])
    summary = StringField("Summary", description="One sentence, shown in the list of pages.", widget=GovTextInput(),
                          validators=[InputRequired("Enter a summary"),
                                      Length(max=SUMMARY_MAX,
                                             message=f"The summary must be {SUMMARY_MAX} characters or fewer")])
    body = TextAreaField("Text of the page", description="Plain words. Leave an empty line between paragraphs.",
                         widget=GovTextArea(),
                         validators=[InputRequired("Enter the page's text"),
                                     Length(max=BODY_MAX, message=f"The page's text must be {BODY_MAX:,} characters "
                                                                  "or fewer")])
    links = TextAreaField("Links to other websites (optional)",
                          description="One link on each line: the link text, then |, then the address starting "
                                      "https://. For example: Unlock: help with criminal records | https://unlock.org.uk/",
                          widget=GovTextArea(),
                          validators=[Optional(), Length(max=LINKS_BOX_MAX, message="Links must be "
                                                                                    f"{LINKS_BOX_MAX:,} characters "
                                                                                    "or fewer")])
    submit = submit("Save")


class PublishForm(Form):
    submit = submit("Publish")


class UnpublishForm(Form):
    submit = submit("Take down")
