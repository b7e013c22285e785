"""Budgets from a CSV or JSON Lines file, set by admins (any provider, named) or funding managers (their
own): the same checks as the budget form, every bad line reported as `line N: field: message`, and a
file with one bad line writes nothing."""

from __future__ import annotations

import io
import json

from sqlalchemy import func, select

from marketplace.core import clock
from marketplace.core.models import AuditEvent
from marketplace.extensions import db
from marketplace.funding.importer import import_budgets
from marketplace.funding.models import FundingBudget, financial_year
from tests.factories import OrganisationFactory, UserFactory
from tests.helpers import error_summary, sign_in_client

YEAR = financial_year(clock.today())


def budgets(region: str = ""):
    return {(b.organisation.name, b.purpose, b.year): (b.amount_pence, b.request_limit_pence, b.person_limit_pence,
                                                       b.second_approval_above_pence)
            for b in db.session.scalars(select(FundingBudget).where(FundingBudget.region == region))}


def test_an_admin_imports_budgets_for_providers_by_name_from_csv(app, provider):
    admin = UserFactory(role="admin")
    other = OrganisationFactory(kind="provider", name="Second Chance Trust", region="London")
    db.session.commit()
    name = provider.organisation.name
    text = ("organisation,region,purpose,year,amount,request_limit,person_limit,second_approval_above\n"
            f"{name},,equipment,{YEAR},\"3,000.00\",300,400,200\n"
            f"Second Chance Trust,London,travel,{YEAR + 1},1500,50,150,\n")
    report = import_budgets(text, "budgets.csv", admin)
    assert report.errors == [] and (report.created, report.updated) == (1, 1)
    assert budgets()[(name, "equipment", YEAR)] == (300_000, 30_000, 40_000, 20_000)
    assert budgets("London")[("Second Chance Trust", "travel", YEAR + 1)] == (150_000, 5_000, 15_000, None)
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "funding.budget_set", AuditEvent.actor_id == admin.id)) == 2
    assert other.id


def test_one_bad_line_and_nothing_is_written_with_every_bad_line_reported(app, provider):
    admin = UserFactory(role="admin")
    db.session.commit()
    before = budgets()
    name = provider.organisation.name
    lines = [
        {"organisation": name, "purpose": "travel", "year": YEAR, "amount": "1000", "request_limit": "50",
         "person_limit": "100"},  # good, but must not be written
        {"organisation": "Nobody Ltd", "purpose": "travel", "year": YEAR, "amount": "1", "request_limit": "1",
         "person_limit": "1"},
        {"organisation": name, "purpose": "holidays", "year": YEAR, "amount": "1000", "request_limit": "50",
         "person_limit": "100"},
        {"organisation": name, "purpose": "travel", "year": YEAR, "amount": "lots", "request_limit": "50",
         "person_limit": "100"},
        {"organisation": name, "purpose": "travel", "year": YEAR, "amount": "100", "request_limit": "500",
         "person_limit": "100"},
        {"organisation": name, "region": "Narnia", "purpose": "travel", "year": YEAR, "amount": "100",
         "request_limit": "5", "person_limit": "10"},
        {"organisation": name, "purpose": "travel", "year": YEAR - 3, "amount": "100", "request_limit": "5",
         "person_limit": "10"},
        {"organisation": name, "purpose": "travel", "year": YEAR, "amount": "100", "request_limit": "5",
         "person_limit": "10", "colour": "blue"},
    ]
    text = "\n".join(json.dumps(line) for line in lines) + "\nnot json\n"
    report = import_budgets(text, "budgets.jsonl", admin)
    assert report.errors == [
        "line 2: organisation: no provider has this name",
        "line 3: purpose: Choose what the budget is for",
        "line 4: amount: Enter an amount in pounds and pence, like 85.00",
        "line 5: request_limit: The limit per request cannot be more than the budget",
        'line 6: region: is not a region: give one of the nine English regions or Wales (like "North West"), or '
        "leave it empty for all regions",
        "line 7: year: Choose this financial year or the next",
        "line 8: colour: is not a field of a budget",
        "line 9: (line): not valid JSON (Expecting value)",
    ]
    assert (report.created, report.updated) == (0, 0)
    assert budgets() == before


def test_a_budget_cannot_go_below_what_is_approved_from_it(app, provider):
    provider.budget.committed_pence = 150_000
    db.session.commit()
    report = import_budgets(f"purpose,year,amount,request_limit,person_limit\nequipment,{YEAR},1000,250,500\n",
                            "b.csv", provider.manager)
    assert report.errors == ["line 2: amount: £1,500.00 is already approved from this budget: the budget cannot "
                             "be less than that"]


def test_a_funding_manager_imports_only_their_own_budgets(app, provider):
    OrganisationFactory(kind="provider", name="Another Provider")
    db.session.commit()
    report = import_budgets(f"organisation,purpose,year,amount,request_limit,person_limit\n"
                            f"Another Provider,travel,{YEAR},1000,50,100\n", "b.csv", provider.manager)
    assert report.errors == ["line 2: organisation: you can import budgets only for your own organisation"]
    report = import_budgets(f"purpose,year,amount,request_limit,person_limit\ntravel,{YEAR},1000,50,100\n"
                            f"equipment,{YEAR},2500,250,500\n", "b.csv", provider.manager)
    assert (report.created, report.updated, report.errors) == (1, 1, [])
    assert budgets()[(provider.organisation.name, "equipment", YEAR)][0] == 250_000


def test_the_page_lists_every_bad_line_and_imports_a_good_file(client, provider):
    sign_in_client(client, provider.manager)
    bad = client.post_form("/funding/budgets/import", {"file": (io.BytesIO(
        f"purpose,year,amount,request_limit,person_limit\ntravel,{YEAR},1000,50,100\nboots,{YEAR},1,1,1\n"
        f"travel,{YEAR},x,1,1\n".encode()), "budgets.csv")}, content_type="multipart/form-data")
    assert bad.status_code == 400
    errors = list(error_summary(bad.get_data(as_text=True)))
    assert errors == ["line 3: purpose: Choose what the budget is for",
                      "line 4: amount: Enter an amount in pounds and pence, like 85.00",
                      "Nothing was imported: 2 line(s) need correcting"]
    assert db.session.scalar(select(func.count()).select_from(FundingBudget)) == 1
    good = client.post_form("/funding/budgets/import", {"file": (io.BytesIO(
        f"purpose,year,amount,request_limit,person_limit\ntravel,{YEAR},1000,50,100\n".encode()), "budgets.csv")},
        content_type="multipart/form-data")
    assert good.status_code == 302
    page = client.get("/funding/budgets").get_data(as_text=True)
    assert "Budgets imported: 1 new, 0 changed." in page and "£1,000.00" in page


def test_admins_see_every_providers_budgets_by_region(client, provider):
    admin = UserFactory(role="admin")
    db.session.commit()
    sign_in_client(client, admin)
    page = client.get("/funding/budgets").get_data(as_text=True)
    assert provider.organisation.name in page and provider.organisation.region in page


def test_the_command_imports_or_says_why_not(app, provider, tmp_path):
    path = tmp_path / "budgets.csv"
    path.write_text(f"purpose,year,amount,request_limit,person_limit\ntravel,{YEAR},1000,50,100\n"
                    f"travel,{YEAR},1000,5000,100\n")
    result = app.test_cli_runner().invoke(args=["funding", "import-budgets", str(path), "--by",
                                                provider.manager.email])
    assert result.exit_code == 1 and "line 3: request_limit" in result.output and "nothing imported" in result.output
    path.write_text(f"purpose,year,amount,request_limit,person_limit\ntravel,{YEAR},1000,50,100\n")
    result = app.test_cli_runner().invoke(args=["funding", "import-budgets", str(path), "--by",
                                                provider.manager.email])
    assert result.exit_code == 0 and "created 1, updated 0" in result.output


def test_a_pot_per_region_beside_the_pot_for_all_regions(app, provider):
    """The region column names the pot's region in any case; empty is the provider-wide pot; the same
    purpose and year can hold both, and importing again updates each pot, not the other."""
    text = ("region,purpose,year,amount,request_limit,person_limit\n"
            f"london,travel,{YEAR},1000,50,100\n"
            f",travel,{YEAR},3000,50,100\n"
            f"Wales,travel,{YEAR},500,50,100\n")
    report = import_budgets(text, "b.csv", provider.manager)
    assert (report.created, report.updated, report.errors) == (3, 0, [])
    name = provider.organisation.name
    assert budgets("London")[(name, "travel", YEAR)][0] == 100_000
    assert budgets("Wales")[(name, "travel", YEAR)][0] == 50_000
    assert budgets()[(name, "travel", YEAR)][0] == 300_000
    report = import_budgets(f'{{"region": "London", "purpose": "travel", "year": {YEAR}, "amount": "1200", '
                            '"request_limit": "50", "person_limit": "100"}\n', "b.jsonl", provider.manager)
    assert (report.created, report.updated, report.errors) == (0, 1, [])
    assert budgets("London")[(name, "travel", YEAR)][0] == 120_000
    assert budgets()[(name, "travel", YEAR)][0] == 300_000


def test_an_unknown_region_is_reported_on_its_line_and_field(app, provider):
    text = ("region,purpose,year,amount,request_limit,person_limit\n"
            f"Scotland,travel,{YEAR},1000,50,100\n"
            f"London,travel,{YEAR},1000,50,100\n"
            f"North  West,boots,{YEAR},1000,50,100\n")
    report = import_budgets(text, "b.csv", provider.manager)
    assert [error.split(": ")[:2] for error in report.errors] == [["line 2", "region"], ["line 4", "region"]]
    assert (report.created, report.updated) == (0, 0) and budgets("London") == {}


def test_a_file_that_is_not_utf8_or_holds_a_nul_is_refused_on_its_line(client, provider):
    from marketplace.funding.importer import import_budget_file

    data = (f"purpose,year,amount,request_limit,person_limit\ntravel,{YEAR},1000,50,100\n"
            f"travel,{YEAR},1000,50,100\n").encode() + "caf\u00e9".encode("latin-1") + b",2026,1,1,1\n"
    report = import_budget_file(data, "b.csv", provider.manager)
    assert report.errors == ["line 4: (line): is not UTF-8 text: save the file as CSV UTF-8 or JSON Lines"]
    report = import_budget_file(f'{{"purpose": "travel\\u0000", "year": "{YEAR}"}}\n'.encode(), "b.jsonl",
                                provider.manager)
    assert report.errors == ["line 1: purpose: holds a NUL character"]
    report = import_budget_file(b"purpose,year\n" + b'"' + b"x" * 200_000 + b'",2026\n', "b.csv", provider.manager)
    assert [error.split(": ")[:2] for error in report.errors] == [["line 2", "(line)"]]
    sign_in_client(client, provider.manager)
    page = client.post_form("/funding/budgets/import", {"file": (io.BytesIO(data), "b.csv")},
                            content_type="multipart/form-data")
    assert page.status_code == 400
    assert "line 4: (line): is not UTF-8 text" in list(error_summary(page.get_data(as_text=True)))[0]
