"""Every write of careers information: an administrator's pages and their links, publishing, and the
audited way out to another site.

Links are typed one to a line as "link text | address". An address is kept only if it is an absolute
http or https address with a host and nothing a browser might read differently from us (spaces,
control characters, backslashes, user names in the address): checked when it is saved and again
before anyone is sent to it.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from sqlalchemy import select

from marketplace.careers.models import CareersLink, CareersPage
from marketplace.core import clock
from marketplace.core.exceptions import Problems, Refused
from marketplace.core.operations import record_audit
from marketplace.core.roles import Role
from marketplace.extensions import db

TITLE_MAX = 120
SUMMARY_MAX = 300
BODY_MAX = 20000
LINK_TEXT_MAX = 200
URL_MAX = 500
LINKS_MAX = 20
SEPARATOR = "|"
READERS = frozenset({Role.PERSON, Role.CASE_MANAGER, Role.ADMIN})


@dataclass
class PageWords:
    title: str = ""
    summary: str = ""
    body: str = ""
    links: str = ""  # one "link text | address" to a line


def is_safe_url(url: str) -> bool:
    """An address we will send someone to: http(s), a host, nothing ambiguous between browsers."""
    if not url or len(url) > URL_MAX or url != url.strip():
        return False
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 or ch == "\\" for ch in url):
        return False
    try:
        parts = urlsplit(url)
        hostname = parts.hostname
        parts.port  # noqa: B018 -- raises ValueError on a port that is not a number
    except ValueError:
        return False
    return (parts.scheme in ("http", "https") and bool(hostname) and parts.username is None
            and parts.password is None and "@" not in parts.netloc and url.lower().startswith(parts.scheme + "://"))


def parse_links(text: str, problems: Problems | None = None) -> list[tuple[str, str]]:
    """The links typed in the box, in order. Every line that cannot be used is named in one problem
    (a field shows one error message, so the box's message lists each bad line)."""
    problems = problems if problems is not None else Problems()
    links, bad = [], []
    lines = [line.strip() for line in (text or "").replace("\r\n", "\n").split("\n")]
    for number, line in enumerate(lines, start=1):
        if not line:
            continue
        words, separator, url = line.rpartition(SEPARATOR)
        words, url = words.strip(), url.strip()
        if not separator or not words:
            bad.append(f"line {number} needs the link text, then {SEPARATOR}, then the address")
        elif len(words) > LINK_TEXT_MAX:
            bad.append(f"line {number} has link text longer than {LINK_TEXT_MAX} characters")
        elif not is_safe_url(url):
            bad.append(f"line {number} needs an address starting https:// or http:// that names a website, "
                       f"with no spaces, of {URL_MAX} characters or fewer")
        else:
            links.append((words, url))
    if bad:
        problems.add("Links: " + "; ".join(bad), "links")
    else:
        problems.check(len(links) <= LINKS_MAX, f"A page can have {LINKS_MAX} links or fewer", "links")
    return links


def page_rules(words: PageWords) -> list[tuple[str, str]]:
    """Every problem with a page at once; returns its links when there are none."""
    problems = Problems()
    title, summary, body = (words.title or "").strip(), (words.summary or "").strip(), (words.body or "").strip()
    if problems.check(bool(title), "Enter a title", "title"):
        problems.check(len(title) <= TITLE_MAX, f"The title must be {TITLE_MAX} characters or fewer", "title")
    if problems.check(bool(summary), "Enter a summary", "summary"):
        problems.check(len(summary) <= SUMMARY_MAX, f"The summary must be {SUMMARY_MAX} characters or fewer",
                       "summary")
    if problems.check(bool(body), "Enter the page's text", "body"):
        problems.check(len(body) <= BODY_MAX, f"The page's text must be {BODY_MAX:,} characters or fewer", "body")
    links = parse_links(words.links, problems)
    problems.raise_any()
    return links


def links_text(page: CareersPage | None) -> str:
    """A page's links as they are typed in the box."""
    if page is None:
        return ""
    return "\n".join(f"{link.text} {SEPARATOR} {link.url}" for link in page.links)


def _refuse_unless_admin(actor) -> None:
    if not (actor is not None and actor.is_authenticated and actor.role == Role.ADMIN):
        raise Refused("Only a service administrator can change careers information.")


def _apply(page: CareersPage, words: PageWords, links: list[tuple[str, str]]) -> None:
    page.title, page.summary, page.body = words.title.strip(), words.summary.strip(), words.body.strip()
    page.updated_at = clock.now()
    # A link kept as it was keeps its id, so an address already shown to someone still works.
    kept = {(link.text, link.url): link for link in page.links}
    new_links = []
    for position, (text, url) in enumerate(links):
        link = kept.pop((text, url), None) or CareersLink(text=text, url=url)
        link.position = position
        new_links.append(link)
    page.links = new_links


def create_page(actor, words: PageWords) -> CareersPage:
    """A new page, as a draft: nobody but administrators sees it until it is published."""
    _refuse_unless_admin(actor)
    links = page_rules(words)
    now = clock.now()
    page = CareersPage(created_by_id=actor.id, created_at=now, title="", summary="")
    _apply(page, words, links)
    db.session.add(page)
    db.session.flush()
    record_audit("careers.page_created", page, actor=actor)
    return page


def update_page(page: CareersPage, actor, words: PageWords) -> CareersPage:
    """Change a page's words and links; a published page shows the change at once."""
    _refuse_unless_admin(actor)
    links = page_rules(words)
    _apply(page, words, links)
    db.session.flush()
    record_audit("careers.page_changed", page, actor=actor)
    return page


def publish(page: CareersPage, actor) -> CareersPage:
    _refuse_unless_admin(actor)
    if page.published_at is None:
        page.published_at = clock.now()
        record_audit("careers.page_published", page, actor=actor)
    return page


def unpublish(page: CareersPage, actor) -> CareersPage:
    """Take a page down: it and its links stop working for everyone but administrators."""
    _refuse_unless_admin(actor)
    if page.published_at is not None:
        page.published_at = None
        record_audit("careers.page_unpublished", page, actor=actor)
    return page


def all_pages() -> list[CareersPage]:
    return list(db.session.scalars(select(CareersPage).order_by(CareersPage.title, CareersPage.id)))


def published_pages() -> list[CareersPage]:
    return list(db.session.scalars(select(CareersPage).where(CareersPage.published_at.is_not(None))
                                   .order_by(CareersPage.title, CareersPage.id)))


def can_read(page: CareersPage, user) -> bool:
    """Readers see published pages; administrators see drafts too."""
    if not (user.is_authenticated and user.role in READERS):
        return False
    return page.is_published or user.role == Role.ADMIN


def record_read(page: CareersPage, user) -> None:
    record_audit("careers.page_read", page, actor=user)


def follow_link(link: CareersLink, user) -> str:
    """Record who followed which link, then give the stored address (checked again: a row changed
    outside the service must still not send anyone somewhere unsafe)."""
    if not can_read(link.page, user) or not is_safe_url(link.url):
        raise Refused("This link is not available.")
    record_audit("careers.link_followed", link, actor=user, detail=f"page {link.page_id}: {link.url}")
    return link.url
