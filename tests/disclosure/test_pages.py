"""A participant's convictions pages: who may use them, error summaries, and what they show."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from marketplace.core import clock
from marketplace.core.models import AuditEvent
from marketplace.disclosure.models import ConvictionRecord
from marketplace.extensions import db
from tests.disclosure.records import conviction, spent_fine, unspent_custody
from tests.factories import ParticipantFactory, UserFactory
from tests.helpers import error_summary, location


def _date(prefix: str, day) -> dict:
    return {prefix: [str(day.day), str(day.month), str(day.year)]}


def test_adding_a_conviction_saves_it_and_shows_its_spent_date(client, person):
    day = clock.today() - timedelta(days=400)
    response = client.post_form(f"/disclosure/participants/{person.id}/convictions/new", {
        "kind": "conviction", **_date("convicted_on", day), "offence_category": "fraud",
        "sentence_1_type": "fine"})
    assert response.status_code == 302, response.data.decode().partition("govuk-error-summary__list")[2][:1500]
    assert location(response) == f"/disclosure/participants/{person.id}"
    record = db.session.scalar(select(ConvictionRecord).where(ConvictionRecord.participant_id == person.id))
    assert record.sentences[0].type == "fine"
    page = client.get(f"/disclosure/participants/{person.id}").data.decode()
    spent_on = day.replace(year=day.year + 1)
    assert "Spent" in page and f"since {spent_on.day} {spent_on:%B %Y}" in page


def test_a_custodial_sentence_without_a_length_is_an_error_in_the_summary(client, person):
    response = client.post_form(f"/disclosure/participants/{person.id}/convictions/new", {
        "kind": "conviction", **_date("convicted_on", clock.today() - timedelta(days=30)),
        "offence_category": "violence", "sentence_1_type": "custody"})
    assert response.status_code == 400
    page = response.data.decode()
    assert "govuk-error-summary" in page
    assert "Enter the length of the custodial sentence in months" in page
    assert 'href="#sentence_1_length"' in page
    assert db.session.scalar(select(ConvictionRecord.id)) is None


def test_an_empty_form_lists_every_missing_answer(client, person):
    response = client.post_form(f"/disclosure/participants/{person.id}/convictions/new", {})
    page = response.data.decode()
    assert response.status_code == 400
    assert "Select conviction or caution" in page
    assert "Enter the date of the conviction or caution" in page
    assert "Select the offence category" in page


def test_several_mistakes_are_listed_at_once_and_what_was_typed_is_kept(client, person):
    """A form field that cannot be read (a length of "eighteen"), rules the contract finds (custody with no
    length, a date in the future, an extension period on a fine) and one missing answer, in one post."""
    tomorrow = clock.today() + timedelta(days=1)
    response = client.post_form(f"/disclosure/participants/{person.id}/convictions/new", {
        "kind": "conviction", **_date("convicted_on", tomorrow), "offence_category": "",
        "sentence_1_type": "custody", "sentence_1_length": "eighteen", "sentence_2_type": "fine",
        "sentence_2_extension": "12", "schedule_18": "y"})
    assert response.status_code == 400
    assert error_summary(response.data) == {
        "The date must be today or in the past": "#convicted_on-day",
        "Select the offence category": "#offence_category",
        "Enter the length as a whole number of months, like 18": "#sentence_1_length",
        "Leave this empty for this kind of sentence": "#sentence_2_extension",
    }
    page = response.data.decode()
    assert 'value="eighteen"' in page and 'value="12"' in page
    assert f'value="{tomorrow.year}"' in page
    assert 'value="custody" selected' in page and 'value="fine" selected' in page
    assert 'name="schedule_18" type="checkbox" value="y" checked' in page or "checked" in page.split(
        'name="schedule_18"')[1][:120]
    assert db.session.scalar(select(ConvictionRecord.id)) is None


def test_a_conviction_before_the_tenth_birthday_is_refused(client, person):
    response = client.post_form(f"/disclosure/participants/{person.id}/convictions/new", {
        "kind": "caution", **_date("convicted_on", person.date_of_birth + timedelta(days=365 * 5)),
        "offence_category": "fraud"})
    assert response.status_code == 400
    assert "on or after their 10th birthday" in response.data.decode()


def test_the_page_shows_each_check_level_and_when_it_changes(client, person):
    spent = spent_fine(person)
    unspent = unspent_custody(person)
    db.session.commit()
    page = client.get(f"/disclosure/participants/{person.id}").data.decode()
    row_spent = page.split(f'id="conviction-{spent.id}"')[1].split("</tr>")[0]
    row_unspent = page.split(f'id="conviction-{unspent.id}"')[1].split("</tr>")[0]
    basic = row_spent.split('data-level="basic"')[1].split("</td>")[0]
    assert "Not shown" in basic
    standard = row_spent.split('data-level="standard"')[1].split("</td>")[0]
    assert "Shown" in standard and "until" in standard  # filtered 11 years after conviction
    assert "Unspent" in row_unspent
    assert "Shown" in row_unspent.split('data-level="basic"')[1].split("</td>")[0]
    # custody is never filtered
    assert "until" not in row_unspent.split('data-level="enhanced"')[1].split("</td>")[0]


def test_a_never_spent_conviction_says_so(client, person):
    conviction(person, years_ago=10, category="violence", specified=True, schedule_18=True,
               sentences=(("custody", 60, None),))
    db.session.commit()
    assert "Never spent" in client.get(f"/disclosure/participants/{person.id}").data.decode()


def test_editing_and_removing_a_conviction(client, person):
    record = spent_fine(person)
    db.session.commit()
    record_id = record.id
    form = client.get(f"/disclosure/convictions/{record.id}/edit")
    assert form.status_code == 200 and 'value="fine" selected' in form.data.decode()
    response = client.post_form(f"/disclosure/convictions/{record.id}/edit", {
        "kind": "conviction", **_date("convicted_on", record.convicted_on), "offence_category": "driving",
        "sentence_1_type": "fine"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(ConvictionRecord, record.id).offence_category == "driving"
    assert client.get(f"/disclosure/convictions/{record_id}/remove").status_code == 200
    assert client.post_form(f"/disclosure/convictions/{record_id}/remove").status_code == 302
    db.session.expunge_all()
    assert db.session.get(ConvictionRecord, record_id) is None


def test_every_view_is_audited(client, person):
    client.get(f"/disclosure/participants/{person.id}")
    details = db.session.scalars(select(AuditEvent.detail).where(
        AuditEvent.action == "participant.viewed", AuditEvent.subject_id == str(person.id))).all()
    assert "convictions" in details


@pytest.mark.parametrize("role", ["employer", "admin", "social_enterprise", "mentor"])
def test_other_roles_are_refused(client, role):
    participant = ParticipantFactory()
    record = spent_fine(participant)
    db.session.commit()
    from tests.helpers import sign_in_client

    sign_in_client(client, UserFactory(role=role))
    for path in (f"/disclosure/participants/{participant.id}", f"/disclosure/participants/{participant.id}/letter",
                 f"/disclosure/convictions/{record.id}/edit",
                 f"/disclosure/participants/{participant.id}/convictions/new"):
        assert client.get(path).status_code == 403


def test_another_organisations_case_manager_gets_not_found(client, login_as):
    participant = ParticipantFactory()
    record = spent_fine(participant)
    db.session.commit()
    login_as("case_manager")
    for path in (f"/disclosure/participants/{participant.id}", f"/disclosure/participants/{participant.id}/letter",
                 f"/disclosure/convictions/{record.id}/edit", f"/disclosure/convictions/{record.id}/remove",
                 f"/disclosure/participants/{participant.id}/convictions/new"):
        assert client.get(path).status_code == 404
    assert client.post_form(f"/disclosure/convictions/{record.id}/remove").status_code == 404
    assert db.session.get(ConvictionRecord, record.id) is not None


def test_the_subject_access_export_holds_the_convictions_and_the_letter(client, person, manager):
    from marketplace.disclosure.operations import save_letter

    spent_fine(person)
    save_letter(person, "basic", "My letter.", manager)
    db.session.commit()
    exported = client.get(f"/participants/{person.id}/export").get_json()
    assert exported["disclosure"]["convictions"][0]["sentences"][0]["type"] == "fine"
    assert exported["disclosure"]["letter"]["body"] == "My letter."


def test_erasing_a_participant_erases_their_convictions_and_letter(person, manager):
    from marketplace.disclosure.models import DisclosureLetter
    from marketplace.disclosure.operations import save_letter
    from marketplace.participants.operations import erase_participant

    spent_fine(person)
    save_letter(person, "basic", "My letter.", manager)
    db.session.commit()
    erase_participant(person, manager)
    db.session.commit()
    assert db.session.scalar(select(ConvictionRecord.id)) is None
    assert db.session.scalar(select(DisclosureLetter.id)) is None


def test_an_extended_sentence_is_entered_as_custodial_term_and_extension_and_never_spent(client, person):
    day = clock.today() - timedelta(days=3000)
    path = f"/disclosure/participants/{person.id}/convictions/new"
    missing = client.post_form(path, {"kind": "conviction", **_date("convicted_on", day),
                                      "offence_category": "violence", "schedule_18": "y",
                                      "sentence_1_type": "extended", "sentence_1_length": "30"})
    assert missing.status_code == 400
    assert "Enter the extension period of the extended sentence in months" in missing.data.decode()
    assert 'href="#sentence_1_extension"' in missing.data.decode()
    response = client.post_form(path, {"kind": "conviction", **_date("convicted_on", day),
                                       "offence_category": "violence", "schedule_18": "y",
                                       "sentence_1_type": "extended", "sentence_1_length": "30",
                                       "sentence_1_extension": "48"})
    assert response.status_code == 302
    record = db.session.scalar(select(ConvictionRecord).where(ConvictionRecord.participant_id == person.id))
    assert (record.schedule_18, record.specified) == (True, False)
    assert (record.sentences[0].length_months, record.sentences[0].extension_months) == (30, 48)
    page = client.get(f"/disclosure/participants/{person.id}").data.decode()
    assert "Extended sentence, custodial term 30 months, extension period 48 months" in page
    assert "Never spent" in page and "Schedule 18" in page


@pytest.mark.parametrize("kind", ["life", "public_protection", "custody_for_life", "detention_at_pleasure",
                                  "preventive_detention"])
def test_life_ipp_and_the_other_excluded_sentences_can_be_entered(client, person, kind):
    response = client.post_form(f"/disclosure/participants/{person.id}/convictions/new", {
        "kind": "conviction", **_date("convicted_on", clock.today() - timedelta(days=5000)),
        "offence_category": "other", "sentence_1_type": kind})
    assert response.status_code == 302, response.data.decode().partition("govuk-error-summary__list")[2][:800]
    assert "Never spent" in client.get(f"/disclosure/participants/{person.id}").data.decode()


def test_the_rules_page_separates_the_two_lists_and_names_the_sentences(client):
    page = client.get("/disclosure/rules").data.decode()
    for text in ("Schedule 18 of the Sentencing Code", "The DBS list of specified offences", "section 5(1)(a)",
                 "extended sentence", "public protection (IPP or DPP)", "section 5(1)(b)"):
        assert text in page, text
    # The page once still said the service treats every listed offence as Schedule 18 ("check by hand").
    assert "treats a specified offence as one in Schedule 18" not in page and "recorded as a separate fact" in page


def _audit_rows(admin_client, action: str) -> list[str]:
    """The audit page's rows for `action` (newest first), as the admin reads them: action, detail, record."""
    page = admin_client.get(f"/admin/audit?action={action}").data.decode()
    body = page.split('<tbody class="govuk-table__body">')[1].split("</tbody>")[0]
    rows = []
    for row in body.split("</tr>")[:-1]:
        cells = [cell.split(">", 1)[1] for cell in row.split("</td>")[:-1]]
        rows.append(" ".join(re.sub(r"<[^>]+>", " ", " ".join(cells[2:4])).split()))
    return rows


def test_a_removed_conviction_s_id_is_never_given_to_the_next_one(app, client, person):
    """The audit log names convictions by id; SQLite without AUTOINCREMENT gave the next conviction the id
    of the newest one removed, so "removed conviction 7" then named a conviction that exists."""
    day = _date("convicted_on", clock.today() - timedelta(days=400))
    new = f"/disclosure/participants/{person.id}/convictions/new"
    assert client.post_form(new, {"kind": "conviction", **day, "offence_category": "fraud",
                                  "sentence_1_type": "fine"}).status_code == 302
    first = db.session.scalar(select(ConvictionRecord.id).where(ConvictionRecord.participant_id == person.id))
    assert client.get(f"/disclosure/convictions/{first}/remove").status_code == 200
    assert client.post_form(f"/disclosure/convictions/{first}/remove").status_code == 302
    assert client.post_form(new, {"kind": "conviction", **day, "offence_category": "driving",
                                  "sentence_1_type": "fine"}).status_code == 302
    second = db.session.scalar(select(ConvictionRecord.id).where(ConvictionRecord.participant_id == person.id))
    assert second != first
    assert client.get(f"/disclosure/convictions/{second}/edit").status_code == 200

    from tests.helpers import sign_in_client

    admin = app.test_client()
    sign_in_client(admin, UserFactory(role="admin"))
    assert _audit_rows(admin, "conviction.") == [
        f"Conviction: added conviction {second} Participant {person.id}",
        f"Conviction: removed conviction {first} Participant {person.id}",
        f"Conviction: added conviction {first} Participant {person.id}",
    ]
    viewed = [row for row in _audit_rows(admin, "participant.viewed") if " conviction " in row]
    assert viewed == [f"Participant: viewed edit conviction {second} Participant {person.id}",
                      f"Participant: viewed remove conviction {first} Participant {person.id}"]
    # The removed conviction's id now names nothing, and the edit page for it is not found.
    assert db.session.get(ConvictionRecord, first) is None
    assert client.get(f"/disclosure/convictions/{first}/edit").status_code == 404
