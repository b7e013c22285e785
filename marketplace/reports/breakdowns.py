"""Grouping helpers shared by the reports: rows per value of a dimension, in a stable order, with
region rows carrying their RS01 code and a total row last."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from marketplace.opportunities.models import KINDS
from marketplace.reference import REGION_REPORT_CODES, REGIONS, SECTORS
from marketplace.reports.tables import Row

DIMENSIONS: dict[str, tuple[str, Callable]] = {
    "region": ("Region", lambda fact: fact.region),
    "sector": ("Sector", lambda fact: fact.sector),
    "kind": ("Kind of opportunity", lambda fact: KINDS.get(fact.kind, fact.kind)),
    "level": ("Alliance level", lambda fact: fact.level),
    "provider": ("Provider", lambda fact: fact.provider),
    "employer": ("Employer", lambda fact: fact.employer),
}


def order_of(dimension: str, labels: Iterable[str]) -> list[str]:
    labels = set(labels)
    if dimension == "region":
        return [name for name in REGIONS if name in labels] + sorted(labels - set(REGIONS))
    if dimension == "sector":
        return [name for name in SECTORS if name in labels] + sorted(labels - set(SECTORS))
    if dimension == "kind":
        return [label for label in KINDS.values() if label in labels] + sorted(labels - set(KINDS.values()))
    return sorted(labels)


def grouped(facts, dimension: str) -> dict[str, list]:
    key = DIMENSIONS[dimension][1]
    groups: dict[str, list] = {}
    for fact in facts:
        groups.setdefault(key(fact), []).append(fact)
    return {label: groups[label] for label in order_of(dimension, groups)}


def row_for(dimension: str, label: str, values: dict, *, total: bool = False) -> Row:
    code = REGION_REPORT_CODES.get(label, "") if dimension == "region" else ""
    return Row(label=label, values=values, code=code, total=total)
