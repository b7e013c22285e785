"""Careers information pages: who reads them, the administrator's form, and the way out."""

from __future__ import annotations

from sqlalchemy import select

from marketplace.careers import operations
from marketplace.careers.models import CareersLink
from marketplace.core.models import AuditEvent
from marketplace.extensions import db
from tests.careers.test_operations import GOOD
from tests.factories import ParticipantFactory, UserFactory, campus_person
from tests.helpers import location, sign_in_client


def _published():
    admin = UserFactory(role="admin")
    page = operations.create_page(admin, GOOD)
    operations.publish(page, admin)
    draft = operations.create_page(admin, operations.PageWords(title="Not ready", summary="s", body="b"))
    db.session.commit()
    return page, draft


def test_a_person_on_the_campus_reads_published_pages_and_their_views_are_audited(client):
    page, draft = _published()
    manager = UserFactory(role="case_manager")
    person = campus_person(ParticipantFactory(case_manager=manager))
    db.session.commit()
    sign_in_client(client, person)
    listing = client.get("/careers/")
    assert listing.status_code == 200 and "Working in construction" in listing.text and "Not ready" not in listing.text
    assert "Careers information" in listing.text
    shown = client.get(f"/careers/{page.id}")
    assert shown.status_code == 200
    assert "<p class=\"govuk-body\"><span class=\"fcw-preserve\">The test is on a computer.</span></p>" in shown.text
    link = page.links[1]
    assert f'href="/careers/out/{link.id}"' in shown.text and "https://unlock.org.uk/\"" not in shown.text
    assert client.get(f"/careers/{draft.id}").status_code == 404
    out = client.get(f"/careers/out/{link.id}")
    assert out.status_code == 302 and location(out) == "https://unlock.org.uk/"
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.actor_id == person.id)).all()
    assert {"campus.viewed", "careers.page_read", "careers.link_followed"} <= set(actions)


def test_the_way_out_never_takes_an_address_from_the_request(client):
    page, _draft = _published()
    sign_in_client(client, UserFactory(role="case_manager"))
    link = page.links[0]
    for query in ("?next=https://evil.example/", "?url=//evil.example", "?to=javascript:alert(1)"):
        response = client.get(f"/careers/out/{link.id}{query}")
        assert response.status_code == 302 and location(response) == "https://www.cscs.uk.com/"
    assert client.get("/careers/out/999999").status_code == 404
    assert client.get("/careers/out/https://evil.example").status_code == 404


def test_a_tampered_address_is_refused_not_followed(client):
    page, _draft = _published()
    db.session.get(CareersLink, page.links[0].id).url = "//evil.example/"
    db.session.commit()
    sign_in_client(client, UserFactory(role="case_manager"))
    assert client.get(f"/careers/out/{page.links[0].id}").status_code == 404


def test_employers_cannot_read_careers_pages(client):
    page, _draft = _published()
    sign_in_client(client, UserFactory(role="employer"))
    assert client.get(f"/careers/{page.id}").status_code == 403


def test_an_admin_writes_publishes_and_takes_down_a_page_listing_every_error_at_once(client):
    admin = UserFactory(role="admin")
    db.session.commit()
    sign_in_client(client, admin)
    refused = client.post_form("/careers/manage/new", {"title": "", "summary": "Kept <b>words</b>", "body": "",
                                                       "links": "Unlock https://unlock.org.uk/\nX | ftp://a.example/"})
    assert refused.status_code == 400
    for message in ("Enter a title", "Enter the page&#39;s text", "Links: line 1 needs the link text",
                    "; line 2 needs an address starting https://"):
        assert message in refused.text
    assert "Kept &lt;b&gt;words&lt;/b&gt;" in refused.text and "<b>words" not in refused.text
    made = client.post_form("/careers/manage/new", {
        "title": "Warehouse work", "summary": "Forklift licences.", "body": "Counterbalance first.",
        "links": "RTITB | https://www.rtitb.com/"})
    assert made.status_code == 302
    page_id = int(location(made).split("/")[-2])
    client.post_form(f"/careers/manage/{page_id}/publish", {})
    assert "Warehouse work" in client.get("/careers/").text
    client.post_form(f"/careers/manage/{page_id}/unpublish", {})
    assert "Draft" in client.get("/careers/manage").text  # and shows the flash
    assert "Warehouse work" not in client.get("/careers/").text
