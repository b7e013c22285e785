"""State machines as tables.

A feature declares its transitions as data, `(state, action) -> Step(new_state, roles)`, and applies
them with `Workflow.step`. Only the feature's own `transition()` function (which also writes the
history row) assigns the status column; everything else asks the table what is allowed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from marketplace.core.exceptions import Refused


class NotAllowed(Refused):
    """A step the workflow table does not permit; the message says why, for the user."""


@dataclass(frozen=True)
class Step:
    to: str
    roles: frozenset

    @classmethod
    def of(cls, to, roles: Iterable) -> Step:
        return cls(str(to), frozenset(roles))


class Workflow:
    def __init__(self, name: str, transitions: Mapping[tuple[str, str], tuple[str, Iterable]],
                 labels: Mapping[str, str] | None = None):
        self.name = name
        self.table: dict[tuple[str, str], Step] = {
            (str(state), action): Step.of(to, roles) for (state, action), (to, roles) in transitions.items()
        }
        self.labels = dict(labels or {})

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
