"""Qualifications → occupations: for the people who started paid work in the period, which
qualification subject areas led to which occupation groups (SOC 2020 major groups).

Every figure counts people. A person counts once in each subject area they hold a qualification in,
against each occupation group they started work in, so rows overlap (a person with two subject areas
is in two rows) and the table has no total row. People with no qualification recorded are a headline
figure, not a subject area: they say nothing about where a qualification leads.

A link's lift is how many more people went from the subject into the group than chance would give:
observed ÷ expected, with expected = people with the subject × people in the group ÷ people with a
qualification recorded (the "interest" or lift of association rules, Brin, Motwani, Ullman and Tsur,
1997). Links at or below chance (lift ≤ 1) are never described as links.

Clusters come from scikit-learn's spectral co-clustering (Dhillon 2001). As the CFO research series did
(RS01, seed 002), they are drawn per region where the region has MIN_PEOPLE_TO_CLUSTER or more people
with a qualification recorded; a region with fewer is named as too small and the clusters are drawn
over all regions instead."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from sqlalchemy import select

from marketplace.extensions import db
from marketplace.participants.models import Participant
from marketplace.reference import OCCUPATION_GROUPS, QUALIFICATION_SUBJECTS, REGION_REPORT_CODES, REGIONS
from marketplace.reports.outcomes import load_starts
from marketplace.reports.scope import EMPLOYER, MENTORING, Filters, Scope
from marketplace.reports.suppression import SUPPRESSED_TEXT, is_suppressed
from marketplace.reports.tables import Chart, Column, Report, Row, Table

CLUSTER_NAMES = "ABCDE"
MAX_CLUSTERS = 3
# Below this many people with a qualification recorded, clusters would be drawn from a handful of
# people: noise, and too near to identifying them.
MIN_PEOPLE_TO_CLUSTER = 20
PEOPLE = "People who started paid work"
QUALIFIED = "With a qualification recorded"
UNQUALIFIED = "No qualification recorded"


@dataclass(frozen=True)
class Start:
    """One person starting work in an occupation group, in a region."""
    person: int
    group: str
    region: str


def starts_with_subjects(scope: Scope, filters: Filters) -> tuple[list[Start], dict[int, frozenset[str]]]:
    """The people's starts in the period (each person once per group and region) and each person's
    qualification subject areas (empty when none is recorded)."""
    if scope.kind in (EMPLOYER, MENTORING):
        raise PermissionError("qualifications and occupations are for admins and providers")
    starts = sorted({Start(fact.participant_id, fact.occupation_group, fact.region)
                     for fact in load_starts(scope, filters) if fact.occupation_group in OCCUPATION_GROUPS},
                    key=lambda start: (start.person, start.group, start.region))
    people = {start.person for start in starts}
    qualifications = dict(db.session.execute(select(Participant.id, Participant.qualifications)
                                             .where(Participant.id.in_(people))).all()) if people else {}
    subjects = {person: frozenset(item.get("subject") for item in qualifications.get(person) or []
                                  if item.get("subject") in QUALIFICATION_SUBJECTS) for person in people}
    return starts, subjects


@dataclass
class Links:
    """Who went from which subject area into which occupation group, among some starts."""
    starts: list[Start]
    subjects_of: dict[int, frozenset[str]]
    people_in: dict[tuple[str, str], set[int]] = field(default_factory=dict)

    def __post_init__(self):
        for start in self.starts:
            for subject in self.subjects_of[start.person]:
                self.people_in.setdefault((subject, start.group), set()).add(start.person)

    @cached_property
    def people(self) -> set[int]:
        return {start.person for start in self.starts}

    @cached_property
    def qualified(self) -> set[int]:
        return {person for person in self.people if self.subjects_of[person]}

    @cached_property
    def subjects(self) -> list[str]:
        return [code for code in QUALIFICATION_SUBJECTS if any(s == code for s, _ in self.people_in)]

    @cached_property
    def groups(self) -> list[str]:
        return [code for code in OCCUPATION_GROUPS if any(g == code for _, g in self.people_in)]

    def count(self, subject: str, group: str) -> int:
        return len(self.people_in.get((subject, group), ()))

    def with_subjects(self, subjects) -> set[int]:
        return {person for person in self.qualified if self.subjects_of[person] & set(subjects)}

    def went_into(self, subjects, groups) -> set[int]:
        return set().union(*(self.people_in.get((s, g), set()) for s in subjects for g in groups))

    def lift(self, subject: str, group: str) -> float:
        """Observed ÷ expected people for the link (0 when no one took it)."""
        with_subject = len(self.with_subjects([subject]))
        in_group = len(set().union(*(self.people_in.get((s, group), set()) for s in self.subjects)))
        if not with_subject or not in_group:
            return 0.0
        return self.count(subject, group) * len(self.qualified) / (with_subject * in_group)

    def strongest(self, subjects=None, groups=None) -> tuple[str, str] | None:
        """The link with the highest lift above chance among those with enough people to publish."""
        candidates = [(s, g) for s in (subjects or self.subjects) for g in (groups or self.groups)
                      if self.count(s, g) and not is_suppressed(self.count(s, g)) and self.lift(s, g) > 1]
        return max(candidates, key=lambda pair: (self.lift(*pair), self.count(*pair)), default=None)


def co_cluster(matrix: list[list[int]], n_clusters: int) -> tuple[list[int], list[int]]:
    """Row and column cluster labels from scikit-learn's SpectralCoclustering (Dhillon 2001)."""
    import numpy as np
    from sklearn.cluster import SpectralCoclustering

    model = SpectralCoclustering(n_clusters=n_clusters, random_state=0)
    model.fit(np.asarray(matrix, dtype=float))
    return [int(x) for x in model.row_labels_], [int(x) for x in model.column_labels_]


def pathways_report(scope: Scope, filters: Filters) -> Report:
    everywhere = Filters(filters.start, filters.end)
    starts, subjects_of = starts_with_subjects(scope, everywhere)
    chosen = [start for start in starts if filters.region in (None, start.region)]
    selected = Links(chosen, subjects_of)
    where, words = filters.region_label, []
    drawn = selected
    if filters.region is not None and len(selected.qualified) < MIN_PEOPLE_TO_CLUSTER:
        drawn, where = Links(starts, subjects_of), "all regions"
        words.append(f"{filters.region} has fewer than {MIN_PEOPLE_TO_CLUSTER} people with a qualification "
                     "recorded among its job starts, too few to group on their own, so the heat map and clusters "
                     "are for all regions.")
    subjects, groups = drawn.subjects, drawn.groups
    clusters = []
    n_clusters = min(MAX_CLUSTERS, len(subjects), len(groups))
    if n_clusters >= 2 and len(drawn.qualified) >= MIN_PEOPLE_TO_CLUSTER:
        matrix = [[drawn.count(s, g) for g in groups] for s in subjects]
        row_labels, column_labels = co_cluster(matrix, n_clusters)
        row_order = sorted(range(len(subjects)), key=lambda i: (row_labels[i], i))
        column_order = sorted(range(len(groups)), key=lambda j: (column_labels[j], j))
        subjects = [subjects[i] for i in row_order]
        groups = [groups[j] for j in column_order]
        row_labels = [row_labels[i] for i in row_order]
        column_labels = [column_labels[j] for j in column_order]
        for index, label in enumerate(sorted(set(row_labels) | set(column_labels))):
            rows = [i for i, value in enumerate(row_labels) if value == label]
            columns = [j for j, value in enumerate(column_labels) if value == label]
            name = CLUSTER_NAMES[index]
            clusters.append({"name": name, "rows": rows, "columns": columns})
            words.append(describe_cluster(name, [subjects[i] for i in rows], [groups[j] for j in columns], drawn))
    else:
        words.append(f"Too few people to group into clusters: it takes {MIN_PEOPLE_TO_CLUSTER} or more people with "
                     "a qualification recorded.")
    rows = [Row(QUALIFICATION_SUBJECTS[s], {g: drawn.count(s, g) for g in groups}) for s in subjects]
    columns = [Column(g, f"{g}: {OCCUPATION_GROUPS[g]}") for g in groups]
    heat = Table("heatmap", f"Qualification subject areas and the occupations people started, {where}",
                 "Qualification subject area", columns, rows, additive=False,
                 chart=Chart("heatmap", (), extra={"clusters": clusters},
                             description=f"Heat map of people starting paid work, {where}: rows are qualification "
                                         "subject areas, columns SOC 2020 occupation groups; darker cells are more "
                                         "people, and each cell gives its number (fewer than 5 is shown as <5); "
                                         "outlined, lettered blocks are the co-clusters described in words below "
                                         "the chart."),
                 note="Each cell counts people. Someone with qualifications in two subject areas is in both rows. "
                      "Rows and columns are in cluster order. Occupation groups are SOC 2020 major groups.")
    tables = [heat, region_table(chosen, subjects_of)]
    return Report("pathways", "Qualifications and occupations", "Which qualification subject areas led to which "
                  "occupations, for people who started paid work in the period, grouped into clusters.", tables,
                  words=words,
                  notes=["Clusters come from scikit-learn's spectral co-clustering of the subject by occupation "
                         "table: each groups subject areas with the occupations they most often led to.",
                         "A link's lift is how many times more people took it than chance would give (people with "
                         "the subject × people in the occupation group ÷ everyone with a qualification recorded). "
                         "Only links above chance are named.",
                         f"As in the CFO research series (RS01), clusters are drawn for a region that has "
                         f"{MIN_PEOPLE_TO_CLUSTER} or more people with a qualification recorded, and for all "
                         "regions otherwise."],
                  facts=[(PEOPLE, len(selected.people)), (QUALIFIED, len(selected.qualified)),
                         (UNQUALIFIED, len(selected.people) - len(selected.qualified))],
                  links=[(("facts", PEOPLE), (("facts", QUALIFIED), ("facts", UNQUALIFIED))),
                         (("facts", PEOPLE), tuple(("by-region", row.label, "people") for row in tables[1].rows)),
                         (("facts", QUALIFIED), tuple(("by-region", row.label, "qualified")
                                                      for row in tables[1].rows))])


def describe_cluster(name: str, subjects: list[str], groups: list[str], links: Links) -> str:
    """The cluster in a sentence whose words match its numbers ("most" only above half). "X of Y" is
    given only when X, Y and Y - X are all publishable, so the words never reveal a count the table
    withholds; the strongest link is named only when it is above chance."""
    if not subjects or not groups:
        side = _join([_lower(QUALIFICATION_SUBJECTS[s]) for s in subjects]
                     or [_lower(OCCUPATION_GROUPS[g]) for g in groups])
        return f"Cluster {name}: {side}, with no strong link on the other side."
    who = f"people with qualifications in {_join([_lower(QUALIFICATION_SUBJECTS[s]) for s in subjects])}"
    into = _join([_lower(OCCUPATION_GROUPS[g]) for g in groups])
    inside = len(links.went_into(subjects, groups))
    from_subjects = len(links.with_subjects(subjects))
    if from_subjects and not any(is_suppressed(n) for n in (inside, from_subjects, from_subjects - inside)):
        share = round(100 * inside / from_subjects)
        how_many = "most" if 2 * inside > from_subjects else f"{share}%"
        figures = f"{inside:,} of {from_subjects:,}" + (f", {share}%" if how_many == "most" else "")
        text = f"Cluster {name}: of the {who}, {how_many} ({figures}) went into {into}"
    else:
        people = SUPPRESSED_TEXT if is_suppressed(inside) else f"{inside:,}"
        text = f"Cluster {name}: {who} went into {into} ({people} people)"
    top = links.strongest(subjects, groups)
    if top is None:
        return text + ". No link in it is stronger than chance with 5 or more people."
    return text + (f". The strongest link is {_lower(QUALIFICATION_SUBJECTS[top[0]])} to "
                   f"{_lower(OCCUPATION_GROUPS[top[1]])}: {links.count(*top):,} people, "
                   f"{_times(links.lift(*top))} what chance would give.")


def _times(lift: float) -> str:
    return "twice" if round(lift, 1) == 2 else f"{lift:.1f} times"


def region_table(starts: list[Start], subjects_of: dict[int, frozenset[str]]) -> Table:
    """Per region, its people and its strongest link above chance, where it has enough people."""
    rows = []
    for region in REGIONS:
        here = Links([start for start in starts if start.region == region], subjects_of)
        if not here.people:
            continue
        if len(here.qualified) < MIN_PEOPLE_TO_CLUSTER:
            link = f"Too few people to say (fewer than {MIN_PEOPLE_TO_CLUSTER} with a qualification recorded)"
        elif (top := here.strongest()) is None:
            link = "No link stronger than chance with 5 or more people"
        else:
            link = (f"{QUALIFICATION_SUBJECTS[top[0]]} to {OCCUPATION_GROUPS[top[1]]}: {here.count(*top):,} people, "
                    f"{_times(here.lift(*top))} chance")
        rows.append(Row(region, {"people": len(here.people), "qualified": len(here.qualified), "link": link},
                        code=REGION_REPORT_CODES.get(region, "")))
    return Table("by-region", "Strongest link in each region", "Region", [
        Column("people", PEOPLE), Column("qualified", QUALIFIED),
        Column("link", "Strongest link above chance", "text")], rows, show_codes=True, additive=False,
        note=f"A region's link is named when it has {MIN_PEOPLE_TO_CLUSTER} or more people with a qualification "
             "recorded. Someone who started work in two regions counts in both. The CSV also gives the RS01 "
             "region codes; Wales has none (the CFO research series did not report on it).")


def _join(items: list[str]) -> str:
    """Items joined for reading aloud; semicolons, because the labels themselves hold commas."""
    if len(items) == 1:
        return items[0]
    separator = "; " if any("," in item for item in items) else ", "
    return separator.join(items[:-1]) + ("; and " if separator == "; " else " and ") + items[-1]


def _lower(label: str) -> str:
    """Lower-case the first letter of a label, leaving acronyms (ICT) alone."""
    return label[:1].lower() + label[1:]
