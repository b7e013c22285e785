"""The public pages never show what a nominator wrote: a payback manager writes the public title and
text from it (prefilled with the nominator's words), the service refuses names and contact details it
can recognise, and a project cannot be shortlisted or accepted until that text is written."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from marketplace.core import clock
from marketplace.core.models import AuditEvent
from marketplace.core.roles import Role
from marketplace.core.workflow import NotAllowed
from marketplace.extensions import db
from marketplace.payback.models import Status
from marketplace.payback.public_text import problems_in
from marketplace.payback.workflow import transition
from tests.factories import ParticipantFactory, PaybackProjectFactory, UserFactory

NOW = datetime(2027, 3, 1, 10, 0, tzinfo=UTC)
SCORES = {f"score_{name}": "4" for name in ("duration", "scale", "skills", "value", "supervision", "safety")}
NOMINATOR = {"nominator_name": "Janet Okonkwo", "nominator_email": "janet.ok@home.example",
             "nominator_phone": "07700 900123"}
CANDID = {  # what nominators really write
    "title": "Fix the fence Janet Okonkwo reported behind 14 Mill Lane",
    "description": "The fence by my house is down. Ring me on 07700 900123 or janet.ok@home.example, "
                   "I am in most days. My neighbour Derek Hollis says the kids climb through.",
    "benefit": "Families on Mill Lane, PR1 8JP.",
}
PUBLIC = {
    "public_title": "Repair the fence along the Mill Lane footpath",
    "public_description": "Replace about 30 metres of broken fencing beside the footpath.",
    "public_benefit": "Families who use the footpath to reach the primary school.",
}


@pytest.fixture
def manager(login_as):
    clock.fix(NOW)
    return login_as(Role.PAYBACK_MANAGER)  # North West, like the factory's projects


@pytest.fixture
def candid(manager):
    project = PaybackProjectFactory(**NOMINATOR, **CANDID)
    db.session.commit()
    return project


def path(project, step="public-text"):
    return f"/community-payback/nominations/{project.id}/{step}"


def test_the_form_starts_from_the_nominators_words_and_shows_them_beside_it(client, candid):
    text = client.get(path(candid)).get_data(as_text=True)
    assert 'value="Fix the fence Janet Okonkwo reported behind 14 Mill Lane"' in text
    assert "My neighbour Derek Hollis says" in text  # in the box, to be edited
    assert "What the nominator wrote" in text


def test_names_and_contact_details_are_refused_all_at_once_and_what_was_typed_is_kept(client, candid):
    page = client.post_form(path(candid), {"public_title": CANDID["title"],
                                           "public_description": CANDID["description"],
                                           "public_benefit": CANDID["benefit"]})

    assert page.status_code == 400
    text = page.get_data(as_text=True)
    for message in ("The public title must not give the nominator&#39;s name (Janet Okonkwo)",
                    "the nominator&#39;s email address", "the nominator&#39;s phone number",
                    "Who it will help must not give a full postcode",
                    "Confirm you have read the public text and it names nobody"):
        assert message in text, message
    assert "I am in most days" in text  # kept for editing
    db.session.refresh(candid)
    assert candid.status == Status.SUBMITTED and candid.public_text_at is None
    assert [event.action for event in candid.history] == []


def test_a_person_on_the_managers_caseload_is_never_named(client, candid, manager):
    ParticipantFactory(first_name="Robin", last_name="Okafor", case_manager=UserFactory(
        role="case_manager", organisation=manager.organisation))
    db.session.commit()
    page = client.post_form(path(candid), {**PUBLIC, "public_description": "Robin Okafor's group will do it.",
                                           "checked": "y"})
    assert "must not give the name of someone on your caseload" in page.get_data(as_text=True)


def test_saving_the_checked_text_makes_the_project_ready_to_shortlist(client, candid, manager):
    response = client.post_form(path(candid), {**PUBLIC, "checked": "y"})

    assert response.status_code == 302
    db.session.refresh(candid)
    assert candid.status == Status.REVIEWED and candid.public_text_at == NOW
    assert (candid.public_title, candid.public_description, candid.public_benefit) == tuple(PUBLIC.values())
    assert (candid.title, candid.description) == (CANDID["title"], CANDID["description"])  # kept for managers
    assert [(e.action, e.actor_id) for e in candid.history] == [("review_public_text", manager.id)]
    assert db.session.scalar(select(AuditEvent.action).where(AuditEvent.subject_id == str(candid.id))) == \
        "payback.public_text_written"
    page = client.get(f"/community-payback/nominations/{candid.id}").get_data(as_text=True)
    assert "What the public sees" in page and PUBLIC["public_title"] in page


def test_shortlisting_or_accepting_is_refused_until_the_public_text_is_written(client, candid):
    for decision in ("shortlist", "accept"):
        page = client.post_form(path(candid, "assess"), {
            "decision": decision, **SCORES, "vote_opens_on": ["1", "3", "2027"], "vote_closes_on": ["9", "3", "2027"]})
        assert page.status_code == 400
        assert "Write the text the public will see, and check it names nobody, before you shortlist" in \
            page.get_data(as_text=True)
    offered = client.get(path(candid, "assess")).get_data(as_text=True)
    assert "Decline it" in offered and "Shortlist it for the public vote" not in offered
    assert "write the text the public will see" in offered
    db.session.refresh(candid)
    assert candid.status == Status.SUBMITTED and not candid.history


def test_the_workflow_itself_refuses_without_public_text(app):
    manager = UserFactory(role="payback_manager")
    submitted = PaybackProjectFactory()
    with pytest.raises(NotAllowed):
        transition(submitted, "shortlist", manager)
    # A project shortlisted before the step existed has no public text: it cannot be accepted until it has.
    legacy = PaybackProjectFactory(status="shortlisted", public_title=None, public_description=None,
                                   public_benefit=None, public_text_at=None)
    with pytest.raises(NotAllowed, match="Write the text the public will see"):
        transition(legacy, "accept", manager)
    assert legacy.status == Status.SHORTLISTED


def test_public_pages_show_only_the_reviewed_text(client, candid, manager):
    client.post_form(path(candid), {**PUBLIC, "checked": "y"})
    client.post_form(path(candid, "assess"), {"decision": "shortlist", **SCORES, "vote_opens_on": ["1", "3", "2027"],
                                              "vote_closes_on": ["9", "3", "2027"]})
    client.post_form("/sign-out")
    pages = [client.get("/community-payback/").get_data(as_text=True),
             client.get(f"/community-payback/projects/{candid.id}").get_data(as_text=True)]
    for page in pages:
        assert PUBLIC["public_title"] in page
        for secret in ("Janet", "Okonkwo", "07700", "janet.ok", "Derek", "14 Mill Lane", "The fence by my house"):
            assert secret not in page, secret
    assert PUBLIC["public_description"] in pages[1] and PUBLIC["public_benefit"] in pages[1]


def test_a_project_without_reviewed_text_is_not_public(client, app):
    clock.fix(NOW)
    legacy = PaybackProjectFactory(status="shortlisted", public_title=None, public_description=None,
                                   public_benefit=None, public_text_at=None, title="Legacy towpath",
                                   vote_opens_on=date(2027, 3, 1), vote_closes_on=date(2027, 3, 9))
    db.session.commit()
    assert client.get(f"/community-payback/projects/{legacy.id}").status_code == 404
    assert "Legacy towpath" not in client.get("/community-payback/").get_data(as_text=True)
    assert client.post_form(f"/community-payback/projects/{legacy.id}", {"email": "a@b.example"}).status_code == 404


def test_the_public_text_can_be_corrected_after_shortlisting(client, manager):
    project = PaybackProjectFactory(status="shortlisted", vote_opens_on=date(2027, 3, 1),
                                    vote_closes_on=date(2027, 3, 9))
    db.session.commit()
    assert client.post_form(path(project), {**PUBLIC, "checked": "y"}).status_code == 302
    db.session.refresh(project)
    assert project.status == Status.SHORTLISTED and project.public_title == PUBLIC["public_title"]


@pytest.mark.parametrize(("text", "found"), [
    ("Ask Janet at the gate", "part of the nominator's name (Janet)"),
    ("Call +44 7700 900123", "the nominator's phone number"),
    ("Call 0161 496 0000", "a phone number"),
    ("Write to someone@else.example", "an email address"),
    ("Meet at M14 4SL", "a full postcode"),
    ("JANET OKONKWO asked for it", "the nominator's name"),
])
def test_what_the_checks_recognise(text, found):
    problems = problems_in({"public_description": text}, people=[], **NOMINATOR)
    assert found in problems.items[0][1]


@pytest.mark.parametrize("text", [
    "Mark out the beds, then dig 30 cm deep",  # a word, not a name
    "Twelve raised beds, 1.2 m by 2.4 m, built in 2027",
    "Clean the Janetta Street underpass",  # not the whole word
    "A group of six for three days in M14",  # a postcode district is a place, not an address
])
def test_ordinary_text_passes(text):
    assert not problems_in({"public_description": text}, people=[], **NOMINATOR)
