"""Careers information: an administrator's pages, every problem at once, publishing, and links that can
only ever lead to the address an administrator stored."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from marketplace.careers import operations
from marketplace.careers.models import CareersPage
from marketplace.core.exceptions import Refused
from marketplace.core.models import AuditEvent
from marketplace.extensions import db
from tests.factories import UserFactory

GOOD = operations.PageWords(title="Working in construction", summary="What a CSCS card is and how to get one.",
                            body="Most sites ask for a card.\n\nThe test is on a computer.",
                            links="CSCS: get a card | https://www.cscs.uk.com/\nUnlock | https://unlock.org.uk/")


@pytest.fixture
def admin(app):
    return UserFactory(role="admin")


def test_a_page_is_made_as_a_draft_with_its_links_in_order(admin):
    page = operations.create_page(admin, GOOD)
    assert not page.is_published and operations.published_pages() == []
    assert [(link.text, link.url) for link in page.links] == [("CSCS: get a card", "https://www.cscs.uk.com/"),
                                                            ("Unlock", "https://unlock.org.uk/")]
    assert page.paragraphs == ["Most sites ask for a card.", "The test is on a computer."]
    assert operations.links_text(page) == "CSCS: get a card | https://www.cscs.uk.com/\nUnlock | https://unlock.org.uk/"


def test_every_problem_is_named_at_once(admin):
    with pytest.raises(Refused) as refused:
        operations.create_page(admin, operations.PageWords(
            title="", summary="x" * 301, body="", links="no address here\nGood | https://unlock.org.uk/\n"
                                                         "Bad | javascript:alert(1)"))
    assert refused.value.problems == [
        ("title", "Enter a title"),
        ("summary", "The summary must be 300 characters or fewer"),
        ("body", "Enter the page's text"),
        ("links", "Links: line 1 needs the link text, then |, then the address; line 3 needs an address "
                  "starting https:// or http:// that names a website, with no spaces, of 500 characters or fewer"),
    ]
    assert db.session.scalars(select(CareersPage)).all() == []


@pytest.mark.parametrize("url", [
    "javascript:alert(1)", "data:text/html,hi", "//evil.example/", "/careers", "ftp://files.example/",
    "https://", "https:/evil.example", "https://user:pw@evil.example/", "https://good.example@evil.example/",
    "https://evil.example\\@good.example/", " https://unlock.org.uk/", "https://unlock.org.uk/ x",
    "https://unlock.org.uk/\x00", "https://unlock.org.uk:port/", "http://" + "a" * 500 + ".example/",
    "vbscript:msgbox", "HTTPS:evil.example",
])
def test_only_whole_http_addresses_are_kept(url):
    assert not operations.is_safe_url(url)


@pytest.mark.parametrize("url", ["https://unlock.org.uk/", "http://example.org/a?b=c#d",
                                 "https://www.gov.uk/tell-employer-or-college-about-criminal-record"])
def test_ordinary_addresses_are_kept(url):
    assert operations.is_safe_url(url)


def test_only_an_admin_can_write_pages(app):
    with pytest.raises(Refused):
        operations.create_page(UserFactory(role="case_manager"), GOOD)


def test_publish_and_take_down_are_audited_with_who(admin):
    page = operations.create_page(admin, GOOD)
    operations.publish(page, admin)
    assert operations.published_pages() == [page]
    operations.unpublish(page, admin)
    assert operations.published_pages() == []
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.actor_id == admin.id)
                                 .order_by(AuditEvent.id)).all()
    assert actions == ["careers.page_created", "careers.page_published", "careers.page_unpublished"]


def test_an_unchanged_link_keeps_its_id_when_the_page_is_edited(admin):
    page = operations.create_page(admin, GOOD)
    unlock = page.links[1]
    operations.update_page(page, admin, operations.PageWords(
        title=GOOD.title, summary=GOOD.summary, body=GOOD.body, links="Unlock | https://unlock.org.uk/"))
    assert [link.id for link in page.links] == [unlock.id] and unlock.position == 0


def test_following_a_link_records_who_and_which(admin):
    reader = UserFactory(role="case_manager")
    page = operations.create_page(admin, GOOD)
    operations.publish(page, admin)
    assert operations.follow_link(page.links[1], reader) == "https://unlock.org.uk/"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "careers.link_followed"))
    assert (event.actor_id, event.subject_type, event.subject_id) == (reader.id, "careers_links", str(page.links[1].id))
    assert "https://unlock.org.uk/" in event.detail


def test_a_link_of_a_draft_or_a_tampered_row_goes_nowhere(admin):
    reader = UserFactory(role="case_manager")
    page = operations.create_page(admin, GOOD)
    with pytest.raises(Refused):
        operations.follow_link(page.links[0], reader)  # a draft
    operations.publish(page, admin)
    page.links[0].url = "javascript:alert(1)"  # changed outside the service
    with pytest.raises(Refused):
        operations.follow_link(page.links[0], reader)
