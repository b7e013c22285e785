"""Qualifications → occupations: for the people who started jobs in the period, which qualification
subject areas led to which occupation groups (SOC 2020 major groups), grouped by scikit-learn's
spectral co-clustering of the subject × occupation table, drawn as a heat map with the clusters
outlined and described in words, per region with the CFO research series' RS01 codes (seed 002).

A person counts once in each subject area they hold a qualification in (or under "No qualification
recorded"), against the occupation group of the job they started."""

from __future__ import annotations

from sqlalchemy import select

from marketplace.extensions import db
from marketplace.participants.models import Participant
from marketplace.reference import OCCUPATION_GROUPS, QUALIFICATION_SUBJECTS, REGION_REPORT_CODES, REGIONS
from marketplace.reports.outcomes import load_starts
from marketplace.reports.scope import EMPLOYER, MENTORING, Filters, Scope
from marketplace.reports.suppression import SUPPRESSED_TEXT, is_suppressed
from marketplace.reports.tables import Chart, Column, Report, Row, Table

NO_QUALIFICATION = "none"
SUBJECT_LABELS = {**QUALIFICATION_SUBJECTS, NO_QUALIFICATION: "No qualification recorded"}
CLUSTER_NAMES = "ABCDE"
MAX_CLUSTERS = 3
# Below this, clusters would be drawn from a handful of people: noise, and too near to identifying them.
MIN_PAIRS_TO_CLUSTER = 20


def pairs(scope: Scope, filters: Filters) -> list[tuple[str, str, str]]:
    """(subject code, occupation group code, region) for each person and subject among the job starts."""
    if scope.kind in (EMPLOYER, MENTORING):
        raise PermissionError("qualifications and occupations are for admins and providers")
    starts = [fact for fact in load_starts(scope, filters) if fact.occupation_group in OCCUPATION_GROUPS]
    people = {fact.participant_id for fact in starts}
    qualifications = dict(db.session.execute(select(Participant.id, Participant.qualifications)
                                             .where(Participant.id.in_(people))).all()) if people else {}
    found = []
    for fact in starts:
        subjects = {item.get("subject") for item in qualifications.get(fact.participant_id) or []
                    if item.get("subject") in QUALIFICATION_SUBJECTS} or {NO_QUALIFICATION}
        found += [(subject, fact.occupation_group, fact.region) for subject in sorted(subjects)]
    return found


def co_cluster(matrix: list[list[int]], n_clusters: int) -> tuple[list[int], list[int]]:
    """Row and column cluster labels from scikit-learn's SpectralCoclustering (Dhillon 2001)."""
    import numpy as np
    from sklearn.cluster import SpectralCoclustering

    model = SpectralCoclustering(n_clusters=n_clusters, random_state=0)
    model.fit(np.asarray(matrix, dtype=float))
    return [int(x) for x in model.row_labels_], [int(x) for x in model.column_labels_]


def pathways_report(scope: Scope, filters: Filters) -> Report:
    found = pairs(scope, filters)
    subjects = [code for code in SUBJECT_LABELS if any(s == code for s, _, _ in found)]
    groups = [code for code in OCCUPATION_GROUPS if any(g == code for _, g, _ in found)]
    counts = {(s, g): 0 for s in subjects for g in groups}
    for subject, group, _ in found:
        counts[(subject, group)] += 1
    matrix = [[counts[(s, g)] for g in groups] for s in subjects]
    clusters, words = [], []
    n_clusters = min(MAX_CLUSTERS, len(subjects), len(groups))
    if n_clusters >= 2 and len(found) >= MIN_PAIRS_TO_CLUSTER:
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
            words.append(describe_cluster(name, [subjects[i] for i in rows], [groups[j] for j in columns], counts))
    rows = [Row(SUBJECT_LABELS[s], {g: counts[(s, g)] for g in groups}) for s in subjects]
    columns = [Column(g, f"{g}: {OCCUPATION_GROUPS[g]}") for g in groups]
    where = filters.region_label
    heat = Table("heatmap", f"Qualification subject areas and the occupations people started, {where}",
                 "Qualification subject area", columns, rows,
                 chart=Chart("heatmap", (), extra={"clusters": clusters},
                             description=f"Heat map of job starts, {where}: rows are qualification subject areas, "
                                         "columns SOC 2020 occupation groups; darker cells are more people, and each "
                                         "cell gives its number (<5 means fewer than 5); outlined, lettered blocks "
                                         "are the co-clusters described in words below the chart."),
                 note="Rows and columns are in cluster order. Occupation groups are SOC 2020 major groups.")
    tables = [heat, region_table(found)]
    return Report("pathways", "Qualifications and occupations", "Which qualification subject areas led to which "
                  "occupations, for people who started jobs in the period, grouped into clusters.", tables,
                  words=words or [f"Too few job starts to group into clusters: it takes {MIN_PAIRS_TO_CLUSTER} or more "
                                  "people-qualification pairs."],
                  notes=["Clusters come from scikit-learn's spectral co-clustering of the subject by occupation "
                         "table: each groups subject areas with the occupations they most often led to."],
                  facts=[("People-qualification pairs", len(found))],
                  links=[(("facts", "People-qualification pairs"),
                          tuple(("by-region", row.label, "pairs") for row in tables[1].rows))])


def describe_cluster(name: str, subjects: list[str], groups: list[str], counts: dict) -> str:
    """The cluster in a sentence. "X of Y" is given only when X, Y and Y - X are all publishable, so the
    words never reveal a count the table withholds."""
    if not subjects or not groups:
        side = _join([_lower(SUBJECT_LABELS[s]) for s in subjects] or [_lower(OCCUPATION_GROUPS[g]) for g in groups])
        return f"Cluster {name}: {side}, with no strong link on the other side."
    inside = sum(counts[(s, g)] for s in subjects for g in groups)
    all_groups = {group for _, group in counts}
    from_subjects = sum(counts[(s, g)] for s in subjects for g in all_groups)
    top = max(((s, g) for s in subjects for g in groups), key=lambda pair: counts[pair])
    qualified = [s for s in subjects if s != NO_QUALIFICATION]
    who = f"people with qualifications in {_join([_lower(SUBJECT_LABELS[s]) for s in qualified])}" if qualified else ""
    if NO_QUALIFICATION in subjects:
        who = f"{who}, and people with no qualification recorded," if who else "people with no qualification recorded"
    text = f"Cluster {name}: {who} mostly went into {_join([_lower(OCCUPATION_GROUPS[g]) for g in groups])}"
    if not any(is_suppressed(n) for n in (inside, from_subjects, from_subjects - inside)) and from_subjects:
        share = round(100 * inside / from_subjects)
        text += f" ({inside:,} of {from_subjects:,} starts from these subject areas, {share}%)"
    elif is_suppressed(inside):
        text += f" ({SUPPRESSED_TEXT} starts)"
    elif inside:
        text += f" ({inside:,} starts)"
    if counts[top] and not is_suppressed(counts[top]):
        text += (f". The strongest link is {_lower(SUBJECT_LABELS[top[0]])} to "
                 f"{_lower(OCCUPATION_GROUPS[top[1]])} ({counts[top]:,} starts)")
    return text + "."


def region_table(found) -> Table:
    rows = []
    for region in REGIONS:
        inside = [(s, g) for s, g, r in found if r == region]
        if not inside:
            continue
        tally: dict[tuple[str, str], int] = {}
        for pair in inside:
            tally[pair] = tally.get(pair, 0) + 1
        (subject, group), top = max(tally.items(), key=lambda item: (item[1], item[0]))
        link = (f"{SUBJECT_LABELS[subject]} to {OCCUPATION_GROUPS[group]} ({top:,})" if not is_suppressed(top)
                else "No link with 5 or more people")
        rows.append(Row(region, {"pairs": len(inside),
                                 "qualified": sum(1 for s, _ in inside if s != NO_QUALIFICATION),
                                 "link": link}, code=REGION_REPORT_CODES.get(region, "")))
    return Table("by-region", "Strongest link in each region", "Region", [
        Column("pairs", "People-qualification pairs"), Column("qualified", "With a qualification recorded"),
        Column("link", "Most common subject to occupation", "text")], rows, show_codes=True,
        note="The CSV also gives the RS01 region codes; Wales has none (the CFO research series did not report on it).")


def _join(items: list[str]) -> str:
    """Items joined for reading aloud; semicolons, because the labels themselves hold commas."""
    if len(items) == 1:
        return items[0]
    separator = "; " if any("," in item for item in items) else ", "
    return separator.join(items[:-1]) + ("; and " if separator == "; " else " and ") + items[-1]


def _lower(label: str) -> str:
    """Lower-case the first letter of a label, leaving acronyms (ICT) alone."""
    return label[:1].lower() + label[1:]
