"""The exception operations raise when a request is refused for a reason the user should read.

A refusal may carry several problems at once, so a form can list every error in one go:

    problems = Problems()
    problems.check(hours <= 60, "Enter hours of 60 or fewer", field="hours")
    problems.check(pay_to >= pay_from, "Pay 'to' must not be below pay 'from'", field="pay_to")
    problems.raise_any()          # raises one Refused naming both
"""

from __future__ import annotations


class Refused(Exception):
    """An operation refused; `str(error)` is a message for the user, `field` names the form field.

    `problems` lists every (field, message) found, first one first; a refusal made with one
    message has one problem."""

    def __init__(self, message: str, field: str | None = None, problems=None):
        super().__init__(message)
        self.message = message
        self.field = field
        self.problems: list[tuple[str | None, str]] = list(problems or [(field, message)])

    @classmethod
    def every(cls, problems: list[tuple[str | None, str]]) -> Refused:
        """One refusal carrying all `problems`; its own message and field are the first's."""
        field, message = problems[0]
        return cls(message, field=field, problems=problems)


class Problems:
    """Collects every problem with a request before refusing, instead of stopping at the first."""

    def __init__(self) -> None:
        self.items: list[tuple[str | None, str]] = []

    def add(self, message: str, field: str | None = None) -> None:
        self.items.append((field, message))

    def check(self, holds: bool, message: str, field: str | None = None) -> bool:
        """Record `message` unless `holds`; returns `holds` so later rules can depend on it."""
        if not holds:
            self.add(message, field)
        return holds

    def collect(self, refusal: Refused) -> None:
        """Add every problem of a refusal raised by a rule written to raise (e.g. a shared check)."""
        self.items.extend(refusal.problems)

    def kept(self, rule, default=None):
        """`rule()`'s result; if it raises Refused, its problems are collected and `default` is
        returned, so the rules after it still run."""
        try:
            return rule()
        except Refused as refusal:
            self.collect(refusal)
            return default

    def __bool__(self) -> bool:
        return bool(self.items)

    def raise_any(self) -> None:
        if self.items:
            raise Refused.every(self.items)
