"""Bandit with this project's local rules, run by `make test` (and `make lint`).

Ruff already runs bandit's general `S` rules, so this runs only what ruff cannot:

- B704 (bandit's own): `Markup(...)` on anything but a literal, i.e. on data that may come from a user.
- B950 (local): `redirect(...)` to a target that is not a literal, `url_for(...)` or a value passed
  through `safe_next_path(...)` in the same function.
- B951 (local, templates): `|safe`, `Markup` and `{% autoescape false %}` in Jinja templates, which
  bandit cannot parse; scanned line by line here and reported in bandit's format.

A finding is justified inline: `# nosec B950 - why` in Python, `{# nosec B951 - why #}` on the same
template line. Bandit has no plugin path, only entry points, so the local rule is registered into its
extension manager here rather than through packaging.

    python -m tools.security_lint            # exit 1 on any unjustified finding
"""

from __future__ import annotations

import ast
import os
import re
import sys
from pathlib import Path

import bandit
from bandit.core import extension_loader
from bandit.core import test_properties as test

ROOT = Path(__file__).resolve().parent.parent
PYTHON_TARGETS = ["marketplace", "wsgi.py", "gunicorn.conf.py"]
TEMPLATE_DIR = ROOT / "templates"

REDIRECT_NAMES = {"redirect", "flask.redirect"}
SAFE_CALLS = {"url_for", "flask.url_for", "safe_next_path"}
TEMPLATE_PATTERNS = [
    (re.compile(r"\|\s*safe\b"), "`|safe` switches off escaping"),
    (re.compile(r"\bMarkup\b"), "`Markup` in a template marks text as safe HTML"),
    (re.compile(r"{%-?\s*autoescape\s+false"), "`autoescape false` switches off escaping"),
]
TEMPLATE_JUSTIFIED = re.compile(r"{#-?\s*nosec\s+B951\b[^#]*\S[^#]*#}")


def _call_name(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_call_name(node.value)}.{node.attr}"
    return ""


def _enclosing_function(tree: ast.AST, target: ast.AST) -> ast.AST | None:
    found = None
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            start, end = node.lineno, getattr(node, "end_lineno", node.lineno)
            if start <= target.lineno <= end and (found is None or node.lineno > found.lineno):
                found = node
    return found


def _assignments(function: ast.AST, name: str) -> list[ast.AST]:
    values: list[ast.AST] = []
    for node in ast.walk(function):
        if isinstance(node, ast.Assign):
            if any(isinstance(target, ast.Name) and target.id == name for target in node.targets):
                values.append(node.value)
        elif isinstance(node, ast.NamedExpr | ast.AnnAssign) and isinstance(node.target, ast.Name) \
                and node.target.id == name and node.value is not None:
            values.append(node.value)
    return values


def is_validated_target(node: ast.AST, function: ast.AST | None, seen: frozenset[str] = frozenset()) -> bool:
    """A redirect target that cannot point off the site: a literal, a `url_for`, a value cleaned
    by `safe_next_path` (directly or through a local variable), or a choice among such values."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return True
    if isinstance(node, ast.JoinedStr):
        # An f-string is safe only when it starts with a literal path on this site.
        first = node.values[0] if node.values else None
        return isinstance(first, ast.Constant) and str(first.value).startswith("/") \
            and not str(first.value).startswith("//")
    if isinstance(node, ast.Call):
        return _call_name(node.func) in SAFE_CALLS
    if isinstance(node, ast.IfExp):
        return is_validated_target(node.body, function, seen) and is_validated_target(node.orelse, function, seen)
    if isinstance(node, ast.BoolOp):
        return all(is_validated_target(value, function, seen) for value in node.values)
    if isinstance(node, ast.Name) and function is not None and node.id not in seen:
        values = _assignments(function, node.id)
        return bool(values) and all(is_validated_target(v, function, seen | {node.id}) for v in values)
    return False


@test.checks("Call")
@test.test_id("B950")
def unvalidated_redirect(context):
    """Flag `redirect(target)` whose target may come from the request unchecked (an open redirect)."""
    if context.call_function_name_qual not in REDIRECT_NAMES and context.call_function_name != "redirect":
        return None
    node = context.node
    target = node.args[0] if node.args else next((k.value for k in node.keywords if k.arg == "location"), None)
    if target is None:
        return None
    tree = ast.parse(context.file_data.getvalue() if hasattr(context.file_data, "getvalue") else
                     Path(context.filename).read_text())
    if is_validated_target(target, _enclosing_function(tree, node)):
        return None
    return bandit.Issue(
        severity=bandit.MEDIUM, confidence=bandit.MEDIUM, cwe=601,
        text="Redirect to a target not built by url_for or checked by safe_next_path (open redirect).",
    )


def _register_local_rules() -> None:
    from stevedore.extension import Extension

    manager = extension_loader.MANAGER
    for function in (unvalidated_redirect,):
        if function._test_id in manager.plugins_by_id:
            continue
        plugin = Extension(function.__name__, None, function, None)
        manager.plugins.append(plugin)
        manager.plugins_by_id[function._test_id] = plugin
        manager.plugins_by_name[function.__name__] = plugin
        manager.plugin_names.append(function.__name__)


def template_findings(directory: Path = TEMPLATE_DIR) -> list[str]:
    findings = []
    for path in sorted(directory.rglob("*.html")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if TEMPLATE_JUSTIFIED.search(line):
                continue
            for pattern, why in TEMPLATE_PATTERNS:
                if pattern.search(line):
                    findings.append(f"{path.relative_to(ROOT)}:{number}: B951 {why}; escape it, or justify "
                                    "with {# nosec B951 - reason #}")
    return findings


def main(argv: list[str] | None = None) -> int:
    from bandit.cli import main as bandit_main

    templates = template_findings()
    for finding in templates:
        print(finding)
    sys.stdout.flush()
    _register_local_rules()
    sys.argv = ["bandit", "--quiet", "--recursive", "--tests", "B701,B704,B950",
                "--format", "custom", "--msg-template", "{relpath}:{line}: {test_id} {msg}",
                *(argv if argv is not None else [str(ROOT / target) for target in PYTHON_TARGETS])]
    # Bandit closes the stream it reports to: give it a copy of stdout, not ours.
    real_stdout, sys.stdout = sys.stdout, open(os.dup(sys.stdout.fileno()), "w")  # noqa: SIM115
    try:
        bandit_main.main()
        python_status = 0
    except SystemExit as exit_:
        python_status = int(exit_.code or 0)
    finally:
        if not sys.stdout.closed:
            sys.stdout.close()
        sys.stdout = real_stdout
    return 1 if python_status or templates else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or None))
