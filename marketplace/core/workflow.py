"""State machines as tables, and the history each one keeps.

A feature declares its transitions as data, `(state, action) -> (new state, roles)`, its history
model (a `db.Model` with `WorkflowHistory` mixed in), and any rules a table cannot say. One call,
`Workflow.apply()`, then checks the table and the rules, writes the history row and sets the status:
nothing else assigns a status column. Everything else asks the table what is allowed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from marketplace.core import clock
from marketplace.core.db import UTCDateTime
from marketplace.core.exceptions import Refused
from marketplace.extensions import db

# The role of scheduled jobs (`flask reminders send`), of the command line run by someone with the
# server's keys, and of steps one operation takes as part of another. An `actor` of None acts as it.
SYSTEM = "system"


class NotAllowed(Refused):
    """A step the workflow table does not permit; the message says why, for the user."""


class WorkflowHistory:
    """The columns every workflow's history row has: which step, from what, to what, who, when.

    Each feature's history model adds what its steps carry (a reason, a note, a level) and the
    foreign key to its subject."""

    action: Mapped[str] = mapped_column(String(30))
    from_status: Mapped[str] = mapped_column(String(30))
    to_status: Mapped[str] = mapped_column(String(30))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, index=True)

    @declared_attr
    def actor_id(cls) -> Mapped[int | None]:
        return mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    @declared_attr
    def actor(cls):
        return relationship("User")


@dataclass(frozen=True)
class Step:
    to: str
    roles: frozenset

    @classmethod
    def of(cls, to, roles: Iterable) -> Step:
        return cls(str(to), frozenset(roles))


# A rule the table cannot say: given the subject, the action and the actor, raise NotAllowed or return.
Rule = Callable[[object, str, object], None]
# Who may move this subject at all (its organisations), checked before the table: raise NotAllowed or return.
Guard = Callable[[object, object], None]


class Workflow:
    """A table of steps, the history model that records them, and the extra rules.

    `subject` names the history model's relationship to the thing whose status moves (e.g.
    "referral"); `guard` says whether the actor may move this subject at all, before the table is
    asked; `rules` run after the table allows a step and before anything is written."""

    def __init__(self, name: str, transitions: Mapping[tuple[str, str], tuple[str, Iterable]],
                 labels: Mapping[str, str] | None = None, *, history: type | None = None,
                 subject: str = "", guard: Guard | None = None, rules: Rule | None = None):
        self.name = name
        self.table: dict[tuple[str, str], Step] = {
            (str(state), action): Step.of(to, roles) for (state, action), (to, roles) in transitions.items()
        }
        self.labels = {str(state): label for state, label in (labels or {}).items()}
        self.history = history
        self.subject = subject
        self.guard = guard
        self.rules = rules

    @property
    def states(self) -> set[str]:
        found = set()
        for (state, _action), step in self.table.items():
            found.update((state, step.to))
        return found

    @property
    def actions(self) -> set[str]:
        return {action for (_state, action) in self.table}

    def label(self, state: str) -> str:
        return self.labels.get(str(state), str(state).replace("_", " ").capitalize())

    def allowed_actions(self, state: str, role) -> list[str]:
        return [action for (from_state, action), step in self.table.items()
                if from_state == str(state) and role in step.roles]

    def available(self, subject, actor) -> list[str]:
        """The steps `actor` may take on `subject` now: allowed by the guard, the table and the rules."""
        try:
            self._check_guard(subject, actor)
        except NotAllowed:
            return []
        actions = []
        for action in self.allowed_actions(subject.status, role_of(actor)):
            try:
                self._check_rules(subject, action, actor)
            except NotAllowed:
                continue
            actions.append(action)
        return actions

    def step(self, state: str, action: str, role) -> str:
        """The state that `action` by someone with `role` leads to from `state`, or NotAllowed."""
        step = self.table.get((str(state), action))
        if step is None:
            raise NotAllowed(
                f"You cannot {action.replace('_', ' ')} when the {self.name} is {self.label(state).lower()}."
            )
        if role not in step.roles:
            raise NotAllowed(f"Your role cannot {action.replace('_', ' ')} this {self.name}.")
        return step.to

    def apply(self, subject, action: str, actor, **details):
        """Take one step: check the table and the rules, write the history row (with `details`, the
        history model's own columns such as reason or note) and set the status. Returns the row, or
        raises NotAllowed having written nothing. `actor` None is SYSTEM."""
        self._check_guard(subject, actor)
        new_status = self.step(subject.status, action, role_of(actor))
        self._check_rules(subject, action, actor)
        row = self.record(subject, action, actor, to_status=new_status, **details)
        subject.status = new_status
        return row

    def record(self, subject, action: str, actor, *, to_status: str | None = None, **details):
        """Write a history row without a step of the table: for things that happen to the subject
        without changing its state (a request made, an escalation sent). Steps go through `apply`."""
        row = self.history(**{self.subject: subject}, action=action, from_status=subject.status,
                           to_status=to_status or subject.status, actor_id=getattr(actor, "id", None),
                           at=clock.now(), **details)
        db.session.add(row)
        return row

    def _check_guard(self, subject, actor) -> None:
        if self.guard is not None:
            self.guard(subject, actor)

    def _check_rules(self, subject, action: str, actor) -> None:
        if self.rules is not None:
            self.rules(subject, action, actor)


def role_of(actor):
    return SYSTEM if actor is None else actor.role
