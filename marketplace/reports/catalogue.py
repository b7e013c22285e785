"""The reports, by key: title, one-line purpose, and the function that builds it from a scope and filters."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from marketplace.reports.alliance import alliance_report
from marketplace.reports.coverage import coverage_tables
from marketplace.reports.distance import distance_report
from marketplace.reports.funnel import funnel_report
from marketplace.reports.guarantees import guarantees_report
from marketplace.reports.outcomes import outcomes_report
from marketplace.reports.pathways import pathways_report
from marketplace.reports.payback import payback_report


@dataclass(frozen=True)
class Entry:
    title: str
    purpose: str
    build: Callable


CATALOGUE: dict[str, Entry] = {
    "funnel": Entry("Referral funnel", "How far referrals got, how long each stage took, and where they ended and why.",
                    funnel_report),
    "outcomes": Entry("Job outcomes", "Job starts, and people still in work at 13 and 26 weeks.", outcomes_report),
    "guarantees": Entry("Guaranteed interviews", "Interviews due, kept in time and overdue, by employer.",
                        guarantees_report),
    "alliance": Entry("Corporate Alliance", "Members by level and region over time, and what each member did.",
                      alliance_report),
    "coverage": Entry("Gate coverage", "Releases with a Gatemate request, and whether a mentor met the person.",
                      coverage_tables),
    "distance": Entry("Distance travelled", "How needs moved between first and latest assessment, per pathway.",
                      distance_report),
    "pathways": Entry("Qualifications and occupations", "Which qualification subject areas led to which "
                      "occupations, in clusters, per region.", pathways_report),
    "payback": Entry("Community Payback", "Projects nominated, assessed, voted and delivered per region; hours, their "
                     "value and ETE hours; people who went from payback into a job.", payback_report),
}
