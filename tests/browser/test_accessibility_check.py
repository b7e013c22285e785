"""The axe-core check that every browser test runs finds a real violation, and lets through only the
GOV.UK conditional-reveal exception it names."""

from tests.browser.conftest import _new_context, known_exception, wait_for_axe

BAD_PAGE = """<!DOCTYPE html><html><head><title>Not accessible</title></head><body><main>
<h1>Not accessible</h1><img src="/x.png"><select name="status"><option>Any</option></select>
</main></body></html>"""


def test_a_page_with_violations_is_reported(browser, live_server):
    violations: list[str] = []
    context = _new_context(browser, live_server, violations)
    context.route("**/not-accessible", lambda route: route.fulfill(status=200, content_type="text/html",
                                                                   body=BAD_PAGE))
    tab = context.new_page()
    tab.goto("/not-accessible")
    wait_for_axe(tab)
    context.close()
    found = "\n".join(violations)
    assert "html-has-lang" in found and "image-alt" in found and "select-name" in found


def test_only_the_named_govuk_exception_is_allowed():
    radio = '<input class="govuk-radios__input" type="radio" aria-controls="x" aria-expanded="false">'
    assert known_exception("aria-allowed-attr", radio)
    assert not known_exception("aria-allowed-attr", '<div aria-expanded="false">')
    assert not known_exception("image-alt", radio)
