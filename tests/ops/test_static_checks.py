"""The local security rules of `make test` (tools/security_lint.py) catch what they are for."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tools import security_lint

ROOT = Path(__file__).resolve().parents[2]

FLAGGED = '''
from flask import redirect, request

def straight_from_the_query():
    return redirect(request.args.get("next"))

def through_a_variable():
    target = request.form["back"]
    return redirect(target)

def markup_on_user_data(name):
    from markupsafe import Markup
    return Markup(f"<b>{name}</b>")
'''

ACCEPTED = '''
from flask import redirect, request, url_for
from marketplace.core.security import safe_next_path

def checked():
    next_path = safe_next_path(request.args.get("next"))
    return redirect(next_path or url_for("core.home"))

def literal():
    return redirect("/home")

def justified():
    return redirect(request.args["to"])  # nosec B950
'''


def _lint(tmp_path, source: str) -> subprocess.CompletedProcess:
    module = tmp_path / "sample.py"
    module.write_text(source)
    return subprocess.run([sys.executable, "-m", "tools.security_lint", str(module)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def test_unvalidated_redirects_and_markup_on_user_data_are_flagged(tmp_path):
    result = _lint(tmp_path, FLAGGED)
    assert result.returncode == 1
    assert result.stdout.count(": B950 ") == 2
    assert ": B704 " in result.stdout


def test_checked_literal_and_justified_redirects_pass(tmp_path):
    result = _lint(tmp_path, ACCEPTED)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "B950" not in result.stdout


def test_safe_filter_in_a_template_is_flagged_unless_justified(tmp_path, monkeypatch):
    monkeypatch.setattr(security_lint, "ROOT", tmp_path)
    (tmp_path / "page.html").write_text(
        "<p>{{ name }}</p>\n"
        "<p>{{ bio | safe }}</p>\n"
        "{% autoescape false %}{{ x }}{% endautoescape %}\n"
        "<p>{{ highlight|safe }}</p> {# nosec B951 - built by Whoosh, which escapes #}\n"
    )
    findings = security_lint.template_findings(tmp_path)
    assert [f.split(":")[1] for f in findings] == ["2", "3"]

