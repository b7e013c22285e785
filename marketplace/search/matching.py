"""Matching people to opportunities: the hard filters a result can never break, and the scoring
that puts the best first, each with its reasons in plain words.

The rules work on two plain views of the records, `Seeker` (a participant) and `Offer` (an
opportunity), so the same code serves the participant's "Find opportunities" page, the
opportunity's "People who fit" page, referrals (which check the filters again), and the
`flask match` command (which reads a participant from a file and stores nothing).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import cache, cached_property

from marketplace.core.filters import govuk_date
from marketplace.reference import (
    CONCEPT_SECTORS,
    OFFENCE_CATEGORIES,
    QUALIFICATION_LEVELS,
    QUALIFICATION_SUBJECTS,
    SECTORS,
)
from marketplace.search import geography
from marketplace.search.schema import concepts_in

KIND_LABELS = {
    "work_placement": "work placement",
    "guaranteed_interview": "guaranteed interview",
    "vacancy": "vacancy",
    "training": "training course",
    "volunteering": "volunteering",
}


@cache
def _sector_patterns() -> list[tuple[str, re.Pattern]]:
    """Each sector's name and its first part ("construction", "catering"), as whole words; "IT" only
    in capitals, so "it" in a sentence is not a sector."""
    patterns = []
    for sector in SECTORS:
        first = sector.split(" and ")[0]
        if first == "IT":
            patterns.append((sector, re.compile(r"\bIT\b|(?i:\bdigital\b)")))
        else:
            words = "|".join(re.escape(word.lower()) for word in {sector, first})
            patterns.append((sector, re.compile(rf"\b(?:{words})\b", re.IGNORECASE)))
    return patterns


@dataclass
class Seeker:
    """A participant, as matching needs them (no names, no date of birth)."""

    number: str
    location: str
    release_region: str
    release_date: date | None = None
    release_town: str = ""
    no_fixed_abode: bool = False
    travel_miles: int | None = None
    rotl_from: date | None = None
    skills: list[str] = field(default_factory=list)
    qualifications: list[dict] = field(default_factory=list)
    work_history: str = ""
    interests: list[str] = field(default_factory=list)
    goals: str = ""
    offence_categories: list[str] = field(default_factory=list)
    # From recorded convictions (disclosure.operations.categories_by_level): per employer check level,
    # the offence categories that check would show. None when none are recorded: then every level
    # counts `offence_categories`.
    categories_by_check: dict[str, list[str]] | None = None
    no_work_with_children: bool = False
    no_work_with_vulnerable_adults: bool = False
    participant_id: int | None = None
    organisation_id: int | None = None

    @classmethod
    def from_participant(cls, participant, convictions=None) -> Seeker:
        """`convictions`: the participant's conviction records when already loaded for many people
        (disclosure.operations.convictions_of_many); read from the database otherwise."""
        from marketplace.disclosure.operations import categories_by_level

        return cls(
            number=participant.participant_number, location=participant.location,
            release_region=participant.release_region, release_date=participant.release_date,
            release_town=participant.release_town or "", no_fixed_abode=participant.no_fixed_abode,
            travel_miles=participant.travel_miles, rotl_from=participant.rotl_from,
            skills=list(participant.skills or []), qualifications=list(participant.qualifications or []),
            work_history=participant.work_history or "", interests=list(participant.interests or []),
            goals=participant.goals or "", offence_categories=list(participant.offence_categories or []),
            categories_by_check=categories_by_level(participant, records=convictions),
            no_work_with_children=participant.no_work_with_children,
            no_work_with_vulnerable_adults=participant.no_work_with_vulnerable_adults,
            participant_id=participant.id, organisation_id=participant.organisation_id,
        )

    @classmethod
    def from_record(cls, details, restrictions) -> Seeker:
        """From the JSON shape of `participants import` (parsed by participants.records)."""
        return cls(
            number=(details.participant_number or "").strip().upper(), location=details.location,
            release_region=details.release_region, release_date=details.release_date,
            release_town=details.release_town or "", no_fixed_abode=details.no_fixed_abode,
            travel_miles=details.travel_miles, rotl_from=details.rotl_from, skills=list(details.skills),
            qualifications=list(details.qualifications), work_history=details.work_history or "",
            interests=list(details.interests), goals=details.goals or "",
            offence_categories=list(restrictions.offence_categories),
            no_work_with_children=restrictions.no_work_with_children,
            no_work_with_vulnerable_adults=restrictions.no_work_with_vulnerable_adults,
        )

    def offence_categories_for(self, check_level: str | None) -> list[str]:
        """The offence categories an employer with this check would learn of: a conviction that is spent
        (or filtered) for its check is no reason to exclude the person."""
        if self.categories_by_check is None:
            return self.offence_categories
        return self.categories_by_check.get(check_level or "none", self.offence_categories)

    @property
    def check_sensitive(self) -> bool:
        """Whether some check levels see fewer of their offences than others."""
        return self.categories_by_check is not None

    def in_custody(self, today: date) -> bool:
        return self.location == "custody" and (self.release_date is None or self.release_date >= today)

    @property
    def prison_leaver(self) -> bool:
        """Has left, or will leave, prison (as opposed to someone serving a community sentence)."""
        return self.location == "custody" or self.release_date is not None

    @property
    def home(self) -> tuple[float, float] | None:
        return None if self.no_fixed_abode else geography.coordinates(self.release_town)

    @property
    def sectors(self) -> list[str]:
        return [interest for interest in self.interests if interest in SECTORS]

    @property
    def jobs(self) -> list[str]:
        return [interest for interest in self.interests if interest not in SECTORS]

    def qualification_text(self) -> list[str]:
        return [" ".join(filter(None, (q.get("title"), QUALIFICATION_SUBJECTS.get(q.get("subject"), ""))))
                for q in self.qualifications]

    def query_text(self) -> str:
        """What the person is looking for, and what they bring, as words to search with."""
        return "\n".join([*self.interests, *self.skills, *self.qualification_text(), self.goals, self.work_history])

    # Worked out once per person, not once per opportunity scored.
    @cached_property
    def job_concepts(self) -> dict[str, set[str]]:
        return {job: set(concepts_in(job)) for job in self.jobs}

    @cached_property
    def skill_concepts(self) -> dict[str, set[str]]:
        return {skill: set(concepts_in(skill)) for skill in self.skills}

    @cached_property
    def goal_concepts(self) -> set[str]:
        """The kinds of work their goals name, written as a sentence ("steady work as a chef")."""
        return set(concepts_in(self.goals))

    @cached_property
    def goal_sectors(self) -> list[str]:
        """Sectors their goals name in so many words ("I want to get into construction"), or by the
        work they name there or in the jobs they want ("keen on HGV1 C+E" wants driving and
        transport): profiles typed in a hurry name the work, not the sector."""
        named = self.sectors_goals_name
        concepts = self.goal_concepts.union(*self.job_concepts.values())
        by_work = sorted({CONCEPT_SECTORS[c] for c in concepts if c in CONCEPT_SECTORS} - set(named))
        return named + by_work

    @cached_property
    def sectors_goals_name(self) -> list[str]:
        """Sectors their goals text names, or names work in (so a reason can quote the goal)."""
        named = [sector for sector, pattern in _sector_patterns() if pattern.search(self.goals or "")]
        by_goal_work = sorted({CONCEPT_SECTORS[c] for c in self.goal_concepts if c in CONCEPT_SECTORS} - set(named))
        return named + by_goal_work


@dataclass
class Offer:
    """An opportunity, as matching needs it."""

    id: int
    reference: str
    kind: str
    title: str
    sector: str
    region: str
    status: str
    places: int
    places_taken: int = 0
    description: str = ""
    criteria: str = ""
    town: str = ""
    national: bool = False
    remote: bool = False
    start_date: date | None = None
    closing_date: date | None = None
    rolling: bool = False
    offence_exclusions: list[str] = field(default_factory=list)
    check_level: str = "none"
    involves_children: bool = False
    involves_vulnerable_adults: bool = False
    custody_ok: bool = False
    prison_leavers_only: bool = False
    pays_minimum_wage: bool = False
    qualification_subject: str | None = None
    qualification_level: str | None = None
    organisation_id: int | None = None
    organisation_name: str = ""

    @classmethod
    def from_opportunity(cls, opportunity) -> Offer:
        criteria = "\n".join(filter(None, [opportunity.essential_criteria or "", opportunity.desirable_criteria or "",
                                           *(opportunity.minimum_requirements or [])]))
        return cls(
            id=opportunity.id, reference=opportunity.external_id or str(opportunity.id), kind=opportunity.kind,
            title=opportunity.title, sector=opportunity.sector, region=opportunity.region, status=opportunity.status,
            places=opportunity.places or 0, places_taken=opportunity.places_taken or 0,
            description=opportunity.description or "", criteria=criteria, town=opportunity.town or "",
            national=bool(opportunity.national), remote=bool(opportunity.remote), start_date=opportunity.start_date,
            closing_date=opportunity.closing_date, rolling=bool(opportunity.rolling),
            offence_exclusions=list(opportunity.offence_exclusions or []),
            check_level=getattr(opportunity, "check_level", None) or "none",
            involves_children=bool(opportunity.involves_children),
            involves_vulnerable_adults=bool(opportunity.involves_vulnerable_adults),
            custody_ok=bool(opportunity.custody_ok), prison_leavers_only=bool(opportunity.prison_leavers_only),
            pays_minimum_wage=bool(opportunity.pays_minimum_wage),
            qualification_subject=getattr(opportunity, "qualification_subject", None),
            qualification_level=getattr(opportunity, "qualification_level", None),
            organisation_id=opportunity.organisation_id,
            organisation_name=opportunity.organisation.name if opportunity.organisation else "",
        )

    def open_on(self, day: date) -> bool:
        return self.rolling or self.closing_date is None or self.closing_date >= day

    @property
    def places_left(self) -> int:
        return max(0, self.places - self.places_taken)

    @property
    def place(self) -> tuple[float, float] | None:
        return geography.coordinates(self.town)

    def text(self) -> str:
        return "\n".join([self.title, self.description, self.criteria, self.sector])

    # Worked out once per opportunity, not once per reason.
    @cached_property
    def text_lower(self) -> str:
        return self.text().lower()

    @cached_property
    def concepts(self) -> set[str]:
        return set(concepts_in(self.text()))

    @cached_property
    def title_concepts(self) -> set[str]:
        return set(concepts_in(self.title))


# The hard filters ------------------------------------------------------------------------------------

def distance(seeker: Seeker, offer: Offer) -> float | None:
    home, place = seeker.home, offer.place
    if home is None or place is None:
        return None
    return geography.miles_between(home, place)


def barriers(seeker: Seeker, offer: Offer, today: date) -> list[str]:
    """Why the person cannot take the opportunity; an empty list means they can."""
    found = []
    if offer.status != "open" or not offer.open_on(today):
        found.append("It is not open for applications.")
    if offer.places_left <= 0:
        found.append("It has no places left.")
    if not (offer.national or offer.remote):
        miles = distance(seeker, offer)
        if seeker.travel_miles is not None and miles is not None:
            if miles > seeker.travel_miles:
                found.append(f"It is {miles:.0f} miles away; they can travel {seeker.travel_miles}.")
        elif offer.region != seeker.release_region:
            found.append(f"It is in {offer.region}, not in their release area ({seeker.release_region}).")
    if seeker.in_custody(today):
        release = seeker.release_date
        if offer.start_date is not None:
            starts_after_release = release is not None and offer.start_date >= release
        else:
            starts_after_release = release is not None and offer.open_on(release)
        if not starts_after_release:
            start = max(offer.start_date or today, today)
            on_rotl = offer.custody_ok and seeker.rotl_from is not None and seeker.rotl_from <= start
            if not on_rotl:
                found.append("It starts before their release and they cannot take it on ROTL.")
    excluded = sorted(set(offer.offence_exclusions) & set(seeker.offence_categories_for(offer.check_level)))
    if excluded:
        labels = ", ".join(OFFENCE_CATEGORIES[c].lower() for c in excluded if c in OFFENCE_CATEGORIES)
        found.append(f"The employer excludes {labels}.")
    if offer.involves_children and seeker.no_work_with_children:
        found.append("It involves children, and they must not work with children.")
    if offer.involves_vulnerable_adults and seeker.no_work_with_vulnerable_adults:
        found.append("It involves vulnerable adults, and they must not work with them.")
    if offer.prison_leavers_only and not seeker.prison_leaver:
        found.append("It is only for people leaving prison.")
    return found


def eligible(seeker: Seeker, offer: Offer, today: date) -> bool:
    return not barriers(seeker, offer, today)


# Scoring -----------------------------------------------------------------------------------------------

# How much each kind of evidence counts, out of 1. Text relevance (BM25F from the index) carries the
# most; the rest are facts a case manager would weigh.
WEIGHTS = {"text": 0.36, "sector": 0.12, "job": 0.08, "goal": 0.06, "skills": 0.13, "qualification": 0.10,
           "place": 0.08, "guarantee": 0.07}
# In-person work they cannot reach from home (it is open nationally, so no hard filter removes it)
# loses the place weight rather than gaining half of it, so anything comparable they can reach ranks
# above it, even at the edge of their travel distance.
OUT_OF_REACH = -WEIGHTS["place"]


def reach(seeker: Seeker, offer: Offer) -> tuple[float, str]:
    """How well the person can get to the work (a share of WEIGHTS["place"], or OUT_OF_REACH), and
    the words that say so."""
    if offer.remote:
        return WEIGHTS["place"], "can be done remotely"
    miles = distance(seeker, offer)
    if offer.national:
        where = f"based in {offer.town}" if offer.town else f"based in {offer.region}"
        if miles is not None:
            where += f", {miles:.0f} miles"
            reachable = seeker.travel_miles is None or miles <= seeker.travel_miles
        else:
            reachable = offer.region == seeker.release_region
        if not reachable:
            return OUT_OF_REACH, f"open nationally — {where}"
        return WEIGHTS["place"] / 2, f"open nationally — {where}"
    if miles is not None:
        closeness = 1.0 if seeker.travel_miles in (None, 0) else max(0.0, 1 - miles / max(1, seeker.travel_miles))
        return WEIGHTS["place"] * closeness, _miles_from(miles, seeker.release_town)
    if offer.region == seeker.release_region:
        return WEIGHTS["place"] / 2, f"{offer.region} — their release area"
    return 0.0, ""


@dataclass
class Match:
    offer: Offer
    score: float
    reasons: list[str]


def _date_words(day: date) -> str:
    return govuk_date(day)


def _quoted(goals: str, limit: int = 60) -> str:
    goals = " ".join(goals.split())
    return f"“{goals if len(goals) <= limit else goals[:limit].rsplit(' ', 1)[0] + '…'}”"


def assess(seeker: Seeker, offer: Offer, text_relevance: float, today: date) -> Match:
    """Score an eligible opportunity for the person (0 to 1) with the reasons, strongest first.
    `text_relevance` is the index's score for it, scaled so the best candidate has 1."""
    parts: list[tuple[float, str]] = []
    score = WEIGHTS["text"] * max(0.0, min(1.0, text_relevance))

    if offer.sector in seeker.sectors:
        score += WEIGHTS["sector"]
        parts.append((WEIGHTS["sector"], f"{offer.sector.lower()} — matches interest"))
    goal_work = (offer.sector.lower() if offer.sector in seeker.goal_sectors
                 else " or ".join(sorted(seeker.goal_concepts & offer.concepts)).replace("_", " "))
    if goal_work:
        score += WEIGHTS["goal"]
        # Quote the goal only when the goal says it; work named only in the jobs they want says so.
        from_goal = (seeker.goals or "").strip() and (offer.sector in seeker.sectors_goals_name
                                              or seeker.goal_concepts & offer.concepts)
        source = f"their goal ({_quoted(seeker.goals)})" if from_goal else "from the jobs they want"
        parts.append((WEIGHTS["goal"], f"wants {goal_work} work — {source}"))
    offer_concepts = offer.concepts
    title_words = offer.title.lower()
    for job in seeker.jobs:
        if job.lower() in title_words or (seeker.job_concepts[job] & offer.title_concepts):
            score += WEIGHTS["job"]
            parts.append((WEIGHTS["job"], f"{job.lower()} — matches the job they want"))
            break
    skills_matched = [skill for skill in seeker.skills
                      if skill.lower() in offer.text_lower or seeker.skill_concepts[skill] & offer_concepts]
    if skills_matched:
        score += WEIGHTS["skills"] * min(1.0, len(skills_matched) / 2)
        parts.append((WEIGHTS["skills"], f"{skills_matched[0].lower()} — matches skill"))
    for qualification in seeker.qualifications:
        level, title = qualification.get("level"), qualification.get("title")
        # Only a qualification the opportunity names counts. Sharing an Ofqual subject area is not
        # enough: one area holds warehousing and catering alike, so a forklift course was put to a
        # person "for" their cookery qualification (outside check).
        if bool(title) and title.lower() in offer.text_lower:
            label = title
            level_label = QUALIFICATION_LEVELS.get(level, "")
            score += WEIGHTS["qualification"]
            parts.append((WEIGHTS["qualification"],
                          f"{label.lower()} {level_label.lower()} — matches qualification".replace("  ", " ")))
            break
    place_score, place_words = reach(seeker, offer)
    score += place_score
    if place_words:
        parts.append((max(place_score, 0.001), place_words))
    if offer.kind == "guaranteed_interview":
        score += WEIGHTS["guarantee"]
        parts.append((WEIGHTS["guarantee"], "guaranteed interview"))
    if seeker.in_custody(today) and offer.custody_ok and seeker.rotl_from is not None:
        start = offer.start_date or today
        if seeker.release_date is None or start < seeker.release_date:
            parts.append((0.01, f"accepts ROTL from {_date_words(max(seeker.rotl_from, today))}"))
    if offer.pays_minimum_wage and offer.kind in ("vacancy", "work_placement", "guaranteed_interview"):
        parts.append((0.005, "pays at least the minimum wage"))
    if "case_by_case" in offer.offence_exclusions:
        parts.append((0.0, "considers convictions case by case"))
    if not parts:
        parts.append((0.0, f"{KIND_LABELS.get(offer.kind, offer.kind)} in {offer.region}"))
    reasons = [text for _weight, text in sorted(parts, key=lambda part: -part[0])]
    return Match(offer=offer, score=round(score, 4), reasons=reasons)


def _miles_from(miles: float, town: str) -> str:
    """How a person says it: "in Manchester", "1 mile from Bolton", "12 miles from Bolton"."""
    rounded = round(miles)
    if rounded == 0:
        return f"in {town}"
    return f"{rounded} mile{'' if rounded == 1 else 's'} from {town}"
