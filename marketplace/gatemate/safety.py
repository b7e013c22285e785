"""What may be said to a volunteer mentor about risk: how to meet safely, never why.

Mentors are volunteers; what they are told about a person is limited to what the day needs. Offences
and risk labels stay with probation and the case manager. A case manager passes on risk through the
request's safety arrangements ("meet in the visitors' centre, two mentors, phone the probation
officer on arrival"), and a request for someone under MAPPA or at high or very high risk of serious
harm (domain facts, section 3) waits for a mentoring coordinator's sign-off before mentors see it.

Free text that reaches mentors (the note, the safety arrangements, release-day messages, a
cancellation note) is checked against the reference lists below and refused, naming the words, when
it carries an offence or a risk label. The lists follow the domain facts: the MAPPA categories and
levels, RoSH and tiering (section 3), and the kinds of offence on the Schedule 18 and DBS specified
offence lists (section 8), in the words case managers write. Matching is on whole words (so "therapist"
is not "rape", "Pennsylvania" not "sylvan"), case-insensitive, with the common endings.
"""

from __future__ import annotations

import re

# Offences, as people write them in a note. Each entry is a regular expression on whole words.
OFFENCE_WORDS: list[str] = [
    r"convict\w*", r"offen[cs]es?", r"offend\w*", r"criminal record",
    r"murder\w*", r"manslaughter", r"homicide", r"killed", r"killing",
    r"rape[ds]?", r"raping", r"sexual\w*", r"sex offen\w*", r"indecen\w*", r"groom(?:ed|ing)",
    r"paedophil\w*", r"pedophil\w*", r"child abuse", r"child sex\w*", r"voyeur\w*",
    r"robbery", r"robberies", r"robbed", r"burglar\w*", r"burgled", r"theft", r"thefts", r"stole", r"stolen",
    r"shoplift\w*", r"fraud\w*", r"blackmail\w*", r"handling stolen",
    r"assault\w*", r"gbh", r"abh", r"wounding", r"stabb\w*", r"knife crime", r"firearms?", r"weapons?",
    r"arson\w*", r"kidnap\w*", r"false imprisonment", r"stalk\w*", r"harass\w*", r"affray", r"riot\w*",
    r"domestic abuse", r"domestic violence", r"coercive control\w*", r"controlling or coercive",
    r"violen\w*", r"criminal damage", r"terroris\w*", r"extremis\w*",
    r"drug deal\w*", r"dealing drugs", r"supply(?:ing)? (?:of )?drugs", r"possession with intent",
    r"traffick\w*", r"modern slavery", r"dangerous driving", r"drink driving", r"causing death",
]

# Risk labels: MAPPA and its categories and levels, risk of serious harm, tiers, registers and orders.
RISK_LABELS: list[str] = [
    r"mappa", r"mapp", r"rosh", r"risk of serious harm", r"(?:very )?high[- ]risk", r"medium[- ]risk",
    r"risk level", r"risk to (?:the )?public", r"risk to (?:women|children|females|males|staff)",
    r"danger to", r"dangerous offender", r"schedule (?:1|one|18)", r"sch\.? ?(?:1|18)",
    r"sex offenders? register", r"registered sex offenders?", r"registered sex\w*", r"visor", r"shpo",
    r"sexual harm prevention", r"sopo", r"restraining order", r"non[- ]molestation",
    r"ipp", r"lifer", r"life sentence", r"extended sentence", r"category a",
]

_PATTERN = re.compile(r"\b(?:" + "|".join(f"(?:{word})" for word in OFFENCE_WORDS + RISK_LABELS) + r")\b",
                      re.IGNORECASE)


def offence_words_in(text: str | None) -> list[str]:
    """The offence words and risk labels in `text`, as written, each once, in order."""
    found: list[str] = []
    for match in _PATTERN.finditer(text or ""):
        word = match.group(0)
        if word.lower() not in (seen.lower() for seen in found):
            found.append(word)
    return found


def problem_with(text: str | None, what: str) -> str | None:
    """The error for free text that mentors will read, or None when it is clear of offences and risk."""
    found = offence_words_in(text)
    if not found:
        return None
    quoted = ", ".join(f"“{word}”" for word in found)
    return (f"Remove offences and risk labels from {what}: it mentions {quoted}. Mentors are not told offences "
            "or risk; say how to meet safely in the safety arrangements instead, for example “meet in the "
            "visitors' centre, two mentors, phone the probation officer on arrival”.")
