"""A payback project run by a social enterprise offers a guaranteed interview or a job on completion: the
payback manager links one of that social enterprise's open opportunities (every problem said at once);
once a person's hours done reach the hours ordered, their case manager is told and sees the offer on
the person's page, and refers them with one action: the usual referral form, its rules (consent among
them) unchanged."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from marketplace.core import clock
from marketplace.core.roles import Role
from marketplace.extensions import db
from marketplace.payback import operations
from marketplace.payback.models import PaybackOrder, ProjectEvent
from tests.factories import (
    ConsentRecordFactory,
    OpportunityFactory,
    OrganisationFactory,
    ParticipantFactory,
    PaybackProjectFactory,
    ReferralFactory,
    UserFactory,
)
from tests.helpers import sign_in_client, told

NOW = datetime(2027, 3, 10, 10, 0, tzinfo=UTC)


@pytest.fixture
def manager(login_as):
    clock.fix(NOW)
    return login_as(Role.PAYBACK_MANAGER)


@pytest.fixture
def enterprise(app):
    clock.fix(NOW)
    create = OrganisationFactory(kind="social_enterprise", name="Create CIC")
    interview = OpportunityFactory(organisation=create, kind="guaranteed_interview", title="Kitchen porter",
                                   rolling=True)
    return create, interview


def on_order(manager, hours=40):
    case_manager = UserFactory(role="case_manager", organisation=manager.organisation, full_name="Casey Manager")
    person = ParticipantFactory(first_name="Robin", last_name="Okafor", location="community", prison=None,
                                release_date=None, case_manager=case_manager)
    db.session.add(PaybackOrder(participant_id=person.id, hours_ordered=hours, made_on=date(2027, 1, 4),
                                recorded_by_id=manager.id))
    db.session.flush()
    return person


def work(person, manager, project, hours):
    return operations.record_hours(person, manager, operations.HoursDetails(
        kind="work", worked_on=date(2027, 3, 9), minutes=hours * 60, outcome="acceptable", project_id=project.id))


def test_every_problem_with_the_offer_is_said_at_once(client, manager, enterprise):
    create, interview = enterprise
    other = OrganisationFactory(kind="social_enterprise", name="Other CIC")
    employer_job = OpportunityFactory(title="Warehouse job")  # an employer's, not a social enterprise's
    project = PaybackProjectFactory(status="accepted")
    db.session.commit()
    path = f"/community-payback/nominations/{project.id}/offer"
    page = client.get(path).get_data(as_text=True)
    assert "Create CIC: Kitchen porter (Guaranteed interview)" in page and "Warehouse job" not in page

    refused = client.post_form(path, {"run_by_id": str(other.id), "opportunity_id": str(interview.id)})
    assert refused.status_code == 400
    assert "Choose one of Other CIC&#39;s own opportunities: &#39;Kitchen porter&#39; is Create CIC&#39;s" in \
        refused.get_data(as_text=True)
    refused = client.post_form(path, {"run_by_id": "", "opportunity_id": str(employer_job.id)})
    assert "Choose an open guaranteed interview or vacancy from the list" in refused.get_data(as_text=True)
    refused = client.post_form(path, {"run_by_id": "", "opportunity_id": str(interview.id)})
    assert "Only a project a social enterprise runs can offer one of its opportunities" in \
        refused.get_data(as_text=True)

    assert client.post_form(path, {"run_by_id": str(create.id), "opportunity_id": str(interview.id)}).status_code \
        == 302
    db.session.refresh(project)
    assert (project.run_by_id, project.offer_opportunity_id) == (create.id, interview.id)
    assert db.session.scalar(select(ProjectEvent.note).where(ProjectEvent.action == "set_offer")) == \
        "Run by Create CIC; offers Kitchen porter"
    shown = client.get(f"/community-payback/nominations/{project.id}").get_data(as_text=True)
    assert "Create CIC" in shown and "Kitchen porter (Guaranteed interview)" in shown


def test_only_an_accepted_project_has_an_offer(client, manager, enterprise):
    project = PaybackProjectFactory(status="shortlisted")
    db.session.commit()
    assert client.get(f"/community-payback/nominations/{project.id}/offer").status_code == 302
    with pytest.raises(operations.Refused, match="Only an accepted project"):
        operations.set_offer(project, manager, operations.OfferDetails())


def test_the_case_manager_sees_the_offer_once_the_order_is_complete_and_refers_in_one_action(
        client, manager, enterprise):
    create, interview = enterprise
    project = PaybackProjectFactory(status="accepted", title="Canal clear-up")
    operations.set_offer(project, manager, operations.OfferDetails(run_by_id=create.id, opportunity_id=interview.id))
    person = on_order(manager)
    ConsentRecordFactory(participant=person, employers=True)
    work(person, manager, project, 10)
    work(person, manager, project, 10)
    db.session.commit()
    case_manager = person.case_manager
    sign_in_client(client, case_manager)

    # 20 of 40 hours: nothing offered yet.
    assert "offer on completion" not in client.get(f"/participants/{person.id}").get_data(as_text=True)
    assert told(case_manager) == []

    sign_in_client(client, manager)
    for _ in range(2):
        work(person, manager, project, 10)
    db.session.commit()
    # Told once, when the hours recorded complete the order.
    assert [t for t in told(case_manager) if "completed" in t] == [
        "Robin Okafor has completed their unpaid work. Create CIC offers a guaranteed interview on completion: "
        "Kitchen porter"]

    sign_in_client(client, case_manager)
    page = client.get(f"/participants/{person.id}").get_data(as_text=True)
    assert "Community Payback: offer on completion" in page
    assert "Create CIC, which ran" in page and "offers a guaranteed interview" in page
    start = f"/referrals/new?participant={person.id}&amp;opportunity={interview.id}"
    assert start in page and "Refer Robin to Kitchen porter" in page
    # The one action opens the usual referral form for this person and this opportunity.
    form = client.get(start.replace("&amp;", "&"))
    assert form.status_code == 200 and "Kitchen porter" in form.get_data(as_text=True)

    # Once referred, the page links to the referral instead.
    referral = ReferralFactory(participant=person, opportunity=interview)
    db.session.commit()
    page = client.get(f"/participants/{person.id}").get_data(as_text=True)
    assert f"/referrals/{referral.id}" in page and "Refer Robin to Kitchen porter" not in page


def test_consent_rules_are_the_referrals_own(client, manager, enterprise):
    create, interview = enterprise
    project = PaybackProjectFactory(status="accepted")
    operations.set_offer(project, manager, operations.OfferDetails(run_by_id=create.id, opportunity_id=interview.id))
    person = on_order(manager)  # no consent recorded
    work(person, manager, project, 10)
    for _ in range(3):
        work(person, manager, project, 10)
    db.session.commit()
    sign_in_client(client, person.case_manager)
    page = client.get(f"/referrals/new?participant={person.id}&opportunity={interview.id}").get_data(as_text=True)
    assert "Robin has not agreed to share details with employers" in page


def test_no_offer_for_a_project_not_worked_on_a_closed_opportunity_or_another_role(manager, enterprise):
    create, interview = enterprise
    worked = PaybackProjectFactory(status="accepted")
    elsewhere = PaybackProjectFactory(status="accepted")
    operations.set_offer(elsewhere, manager, operations.OfferDetails(run_by_id=create.id,
                                                                     opportunity_id=interview.id))
    person = on_order(manager)
    for _ in range(4):
        work(person, manager, worked, 10)
    db.session.commit()
    assert operations.order_complete(person) and operations.completion_offers(person) == []

    operations.set_offer(worked, manager, operations.OfferDetails(run_by_id=create.id, opportunity_id=interview.id))
    assert [o.title for _, o in operations.completion_offers(person)] == ["Kitchen porter"]
    interview.status = "closed"
    db.session.flush()
    assert operations.completion_offers(person) == []
