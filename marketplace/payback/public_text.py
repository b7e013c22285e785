"""What the public pages may say about a nominated project.

The nominator writes freely, and people do write "ring me, Janet, on 07700 900123" or name the
neighbour whose fence is down. A payback manager therefore writes the public title and text from the
nomination, and these checks refuse what must never go public: the nominator's name, email address
or phone number, any email address or phone number at all, a full postcode (the public pages give the
town and region only), and the full name of anyone on the manager's own caseload. Names of other
people cannot be recognised by a program, so the manager also confirms they have read the text and it
names nobody; the checks catch what can be caught, the manager's reading the rest.
"""

from __future__ import annotations

import re

from marketplace.core.exceptions import Problems

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# An address written to get past checks like this one: "jo (at) example.com", "jo [at] example [dot]
# com", "jo at example dot com". A bare " at " counts only with a spelt-out "dot", so "meet at the
# gate. Then" is not an address.
_AT = r"\s*[(\[{<]\s*at\s*[)\]}>]\s*"
_DOT = r"\s*[(\[{<]\s*dot\s*[)\]}>]\s*|\s+dot\s+"
DISGUISED_EMAIL = re.compile(
    rf"[\w.+-]+(?:{_AT})[\w-]+(?:(?:{_DOT}|\.)[\w-]+)+"
    rf"|[\w.+-]+(?:{_AT}|\s*@\s*|\s+at\s+)[\w-]+(?:(?:{_DOT})[\w-]+)+",
    re.IGNORECASE)
# A run of digits with the spaces, dots, dashes and brackets people put in phone numbers.
DIGIT_RUN = re.compile(r"\+?\d[\d\s().-]{6,}\d")
FULL_POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b", re.IGNORECASE)
WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
MIN_PHONE_DIGITS = 10  # UK numbers have 10 or 11 digits after the 0 or +44
MIN_NAME_PART = 2  # "Jo" is a name; "J" (an initial) is not checked on its own

FIELDS = {
    "public_title": "The public title",
    "public_description": "The public description of the work",
    "public_benefit": "Who it will help",
}


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text or "")


def _national(digits: str) -> str:
    """A phone number's digits without +44 or the leading 0, so 07700 900123 and +44 7700 900123 match."""
    return digits.removeprefix("44").lstrip("0") if digits.startswith("44") else digits.lstrip("0")


def _spaced(text: str) -> str:
    return " ".join((text or "").split()).casefold()


def _name_parts(name: str) -> list[str]:
    return [part for part in WORD.findall(name or "") if len(part) >= MIN_NAME_PART]


def _has_word(text: str, word: str) -> bool:
    """`word` as a whole word written as a name (capital first), so that "Mark" is found but "mark
    the path" is not."""
    capitalised = word[:1].upper() + word[1:]
    return re.search(rf"(?<![\w]){re.escape(capitalised)}(?![\w])", text) is not None


def problems_in(texts: dict[str, str], *, nominator_name: str, nominator_email: str, nominator_phone: str,
                people: list[tuple[str, str]]) -> Problems:
    """Every reason the public text in `texts` ({field: text}) cannot go public. `people` are the
    (first name, last name) of the people the payback manager's provider supervises."""
    problems = Problems()
    email = (nominator_email or "").strip().casefold()
    phone = _national(_digits(nominator_phone))
    full_name = _spaced(nominator_name)
    for field, text in texts.items():
        if not text:
            continue
        label = FIELDS[field]
        found = []
        if full_name and full_name in _spaced(text):
            found.append(f"the nominator's name ({nominator_name.strip()})")
        else:
            parts = [part for part in _name_parts(nominator_name) if _has_word(text, part)]
            if parts:
                found.append("part of the nominator's name (" + ", ".join(parts) + ")")
        if email and email in text.casefold():
            found.append("the nominator's email address")
        elif EMAIL.search(text) or DISGUISED_EMAIL.search(text):
            found.append("an email address")
        runs = [_digits(run) for run in DIGIT_RUN.findall(text)]
        if len(phone) >= 6 and any(phone in _national(run) for run in runs):
            found.append("the nominator's phone number")
        elif any(len(run) >= MIN_PHONE_DIGITS for run in runs):
            found.append("a phone number")
        if FULL_POSTCODE.search(text):
            found.append("a full postcode (the public pages give only the town and region)")
        named = [f"{first} {last}" for first, last in people if _spaced(f"{first} {last}") in _spaced(text)]
        if named:
            found.append("the name of someone on your caseload")
        if found:
            problems.add(f"{label} must not give {'; '.join(found)}. Take it out or say it another way, "
                         "for example 'the nominator' or 'a local resident'", field=field)
    return problems


def candidate_words(texts: dict[str, str]) -> set[str]:
    """The words that could be names, to look people up by (a name is looked for only if both its
    parts are among them)."""
    words = set()
    for text in texts.values():
        for word in WORD.findall(text or ""):  # "O'Brien" and "Okafor" of "Okafor's" both
            words.add(word.casefold())
            words.update(part.casefold() for part in re.split(r"['’-]", word) if part)
    return words
