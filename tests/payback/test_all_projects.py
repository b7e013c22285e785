"""The admins' list of Community Payback projects across regions: filtered by region and stage, paged,
each linking to the project's own page, which admins may read (and never assess)."""

from __future__ import annotations

from sqlalchemy import select

from marketplace.core.models import AuditEvent
from marketplace.core.roles import Role
from marketplace.extensions import db
from marketplace.payback.views import ALL_PROJECTS_PAGE_SIZE
from tests.factories import PaybackProjectFactory


def test_every_region_filtered_by_region_and_stage(client, login_as):
    login_as(Role.ADMIN)
    north = PaybackProjectFactory(title="Allotment paths", status="shortlisted", scores={"duration": "4"})
    london = PaybackProjectFactory(title="Lido fence", status="accepted", region="London", postcode="SE1 7PB")
    PaybackProjectFactory(title="Unconfirmed murals", status="unconfirmed", confirmed_at=None)
    db.session.commit()

    page = client.get("/community-payback/all-projects").get_data(as_text=True)
    assert "Allotment paths" in page and "Lido fence" in page and "Unconfirmed murals" not in page
    assert f"/community-payback/nominations/{north.id}" in page

    only_london = client.get("/community-payback/all-projects?region=London").get_data(as_text=True)
    assert "Lido fence" in only_london and "Allotment paths" not in only_london
    shortlisted = client.get("/community-payback/all-projects?status=shortlisted").get_data(as_text=True)
    assert "Allotment paths" in shortlisted and "Lido fence" not in shortlisted
    nothing = client.get("/community-payback/all-projects?region=Wales").get_data(as_text=True)
    assert "There are no projects for these choices" in nothing
    assert london.id


def test_the_list_is_paged(client, login_as):
    login_as(Role.ADMIN)
    for n in range(ALL_PROJECTS_PAGE_SIZE + 3):
        PaybackProjectFactory(title=f"Project number {n:02d}")
    db.session.commit()
    first = client.get("/community-payback/all-projects").get_data(as_text=True)
    second = client.get("/community-payback/all-projects?page=2").get_data(as_text=True)
    assert first.count("Project number") == ALL_PROJECTS_PAGE_SIZE
    assert second.count("Project number") == 3
    assert "page=2" in first and f"{ALL_PROJECTS_PAGE_SIZE + 3} results" in first


def test_an_admin_reads_a_projects_page_without_the_managers_buttons(client, login_as):
    admin = login_as(Role.ADMIN)
    project = PaybackProjectFactory(title="Lido fence", status="accepted", region="London", postcode="SE1 7PB")
    db.session.commit()
    page = client.get(f"/community-payback/nominations/{project.id}").get_data(as_text=True)
    assert "Lido fence" in page and "Back to all projects" in page
    assert "Assess this nomination" not in page and "Work sessions" not in page and "Schedule the work" not in page
    assert client.get(f"/community-payback/nominations/{project.id}/assess").status_code == 403
    assert db.session.scalar(select(AuditEvent.actor_id).where(AuditEvent.action == "payback.nomination_viewed")) \
        == admin.id


def test_payback_managers_and_others_cannot_open_the_list(client, login_as):
    login_as(Role.PAYBACK_MANAGER)
    assert client.get("/community-payback/all-projects").status_code == 403
