"""The public page that explains the disclosure rules: it renders, and its tables come from the code."""

from __future__ import annotations

from markupsafe import escape

from marketplace.disclosure import rules


def _page(client) -> str:
    response = client.get("/disclosure/rules")
    assert response.status_code == 200
    return response.data.decode()


def test_rules_page_renders_with_a_title(client):
    page = _page(client)
    assert "<title>When convictions are spent and what checks show – Fair Chance Work</title>" in page
    assert '<h1 class="govuk-heading-l">When convictions are spent and what checks show</h1>' in page


def test_rules_page_lists_the_periods_and_filtering_rules_from_the_code(client):
    page = _page(client)
    for row in rules.period_table():
        assert str(escape(row.disposal)) in page
        assert str(escape(row.adult)) in page
        assert str(escape(row.youth)) in page
    for row in rules.filtering_table():
        assert str(escape(row.record)) in page
        assert str(escape(row.rule)) in page
    assert "3 years 6 months after the whole sentence ends, licence included" in page
    assert "5 years 6 months have passed" in page
    for source in rules.SOURCES:
        assert f'href="{source.url}"' in page


def test_rules_page_follows_the_constants(client, monkeypatch):
    monkeypatch.setattr(rules, "FINE_PERIOD", rules.Months(adult=13, youth=7))
    page = _page(client)
    assert "1 year 1 month after the conviction" in page
    assert "7 months after the conviction" in page


def test_case_managers_home_links_to_the_rules(client, login_as):
    login_as("case_manager")
    assert b'href="/disclosure/rules"' in client.get("/home").data
