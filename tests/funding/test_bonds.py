"""Employer fidelity bonds: an employer who has offered a job asks for one (who arranges it, the cover,
the period); it is recorded with the job, shown on the referral to both sides, the case manager is
told, and the alliance report counts it for the member."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from marketplace.core.models import Notification
from marketplace.extensions import db
from marketplace.funding.models import FidelityBond
from tests.factories import ReferralFactory, UserFactory
from tests.helpers import error_summary, sign_in_client


def offered(status: str = "offer_made"):
    referral = ReferralFactory(status=status)
    employer = UserFactory(role="employer", organisation=referral.employer)
    db.session.commit()
    return referral, employer


def test_an_employer_asks_for_a_bond_with_the_offer_and_both_sides_see_it(client, app):
    referral, employer = offered()
    sign_in_client(client, employer)
    page = client.get(f"/referrals/{referral.id}").get_data(as_text=True)
    assert "Ask for a fidelity bond for this job" in page
    response = client.post_form(f"/funding/bonds/new/{referral.id}", {
        "provider": "Unlock Bonds CIC", "cover": "5,000", "months": "6"})
    assert response.status_code == 302, response.data[-1500:]
    bond = db.session.scalars(select(FidelityBond)).one()
    assert (bond.referral_id, bond.employer_organisation_id, bond.provider, bond.cover_pence, bond.months) == (
        referral.id, referral.employer_organisation_id, "Unlock Bonds CIC", 500_000, 6)
    told = db.session.scalars(select(Notification).where(Notification.user_id == referral.case_manager_id)).all()
    assert any("fidelity bond of £5,000.00 for 6 months" in note.text for note in told)
    for user in (employer, referral.case_manager):
        sign_in_client(client, user)
        page = client.get(f"/referrals/{referral.id}").get_data(as_text=True)
        assert "Fidelity bond" in page and "Unlock Bonds CIC" in page and "£5,000.00" in page and "6 months" in page
        assert "Ask for a fidelity bond" not in page  # once per job
    sign_in_client(client, employer)
    assert client.get(f"/funding/bonds/new/{referral.id}").status_code == 302


def test_every_problem_at_once_and_what_was_typed_kept(client, app):
    referral, employer = offered()
    sign_in_client(client, employer)
    response = client.post_form(f"/funding/bonds/new/{referral.id}", {"provider": "", "cover": "lots", "months": "36"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert list(error_summary(page)) == ["Enter who will arrange the bond",
                                         "Enter an amount in pounds and pence, like 85.00",
                                         "Enter how many months the bond covers, from 1 to 24"]
    assert 'value="lots"' in page and db.session.scalars(select(FidelityBond)).all() == []


def test_only_the_employer_and_only_once_the_job_is_offered(client, app):
    referral, employer = offered(status="interviewed")
    sign_in_client(client, employer)
    assert client.post_form(f"/funding/bonds/new/{referral.id}", {
        "provider": "Unlock Bonds CIC", "cover": "5000", "months": "6"}).status_code == 302
    referral.status = "offer_accepted"
    db.session.commit()
    other = UserFactory(role="employer")
    sign_in_client(client, other)
    assert client.get(f"/funding/bonds/new/{referral.id}").status_code == 404
    sign_in_client(client, referral.case_manager)
    assert client.get(f"/funding/bonds/new/{referral.id}").status_code == 403
    assert db.session.scalars(select(FidelityBond)).all() == []


def test_the_alliance_report_counts_the_bonds_each_member_asked_for(app):
    from marketplace.core import clock
    from marketplace.funding import operations
    from marketplace.reports.alliance import _activity
    from marketplace.reports.scope import Filters

    referral, employer = offered()
    operations.ask_for_bond(referral, employer, operations.Bond(provider="Unlock Bonds CIC", cover_pence=500_000,
                                                                months="6"))
    db.session.commit()
    from marketplace.reports.alliance import membership_spans

    today = clock.today()
    filters = Filters(start=date(today.year - 1, 1, 1), end=today)
    activity, _by_level, _links = _activity(filters, membership_spans(None))
    [row] = [row for row in activity.rows if row.label == referral.employer.name]
    assert (row.values["bonds"], row.values["bonds_arranged"]) == (1, 0)
    manager = UserFactory(role="funding_manager", organisation=referral.participant.organisation)
    operations.decide_bond(db.session.scalars(select(FidelityBond)).one(), manager, "arrange")
    activity, _by_level, _links = _activity(filters, membership_spans(None))
    [row] = [row for row in activity.rows if row.label == referral.employer.name]
    assert (row.values["bonds"], row.values["bonds_arranged"]) == (1, 1)
    assert "Fidelity bonds asked for" in [column.heading for column in activity.columns]


def test_the_persons_subject_access_export_holds_the_bond_and_its_decision_in_words(client, app):
    """The bond insures an employer against the person: it is about them, so their export holds it."""
    import json
    import re

    from marketplace.funding import operations

    referral, employer = offered()
    sign_in_client(client, employer)
    client.post_form(f"/funding/bonds/new/{referral.id}", {"provider": "Unlock Bonds CIC", "cover": "5,000",
                                                           "months": "6"})
    bond = db.session.scalars(select(FidelityBond)).one()
    manager = UserFactory(role="funding_manager", organisation=referral.participant.organisation)
    db.session.commit()
    operations.decide_bond(bond, manager, "decline", "other_cover", "")
    db.session.commit()
    sign_in_client(client, referral.case_manager)
    [exported] = json.loads(client.get(f"/participants/{referral.participant_id}/export").data)["fidelity_bonds"]
    assert (exported["bond_provider"], exported["cover"], exported["months_covered"], exported["status"],
            exported["reason_declined"], exported["decided_by"]) == (
        "Unlock Bonds CIC", "£5,000.00", 6, "declined", "other_cover", manager.full_name)
    assert [step["by"] for step in exported["steps"]] == [employer.full_name, manager.full_name]
    page = client.get(f"/participants/{referral.participant_id}/export/readable").get_data(as_text=True)
    text = " ".join(re.sub(r"<[^>]+>", " ", page.split("<main", 1)[1].split("</main>", 1)[0]).split())
    part = text.split("Fidelity bonds", 1)[1]
    for words in ("Unlock Bonds CIC", "£5,000.00", "Declined", "own insurance covers it"):
        assert words in part, words
    assert not re.search(r"\b[a-z]+_[a-z_]+\b", text), "a code left unread"
