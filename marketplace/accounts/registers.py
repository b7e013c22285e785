"""The public registers an administrator checks a registration against, and the shape of each one's numbers.

An organisation says which register it is on and its number there; the registration page checks only
that the number has the register's shape (a typing mistake is caught at once), and the administrator's
review page links to the register's own record or search so they can check the rest: that the number
exists, under this name, and is still live. Approval records what they confirmed.

The shapes, and where they come from:

- Companies House: every company has an eight-character registered number (Companies Act 2006 s1066).
  England and Wales companies are eight digits (01234567; people often drop the leading zeros, which we
  put back); the rest are a two-character prefix and six characters, the prefix saying where and what:
  SC Scottish company, NI Northern Ireland company, OC / SO / NC limited liability partnerships, LP / SL /
  NL limited partnerships, FC overseas company, CE / CS charitable incorporated organisations, R0 a
  pre-partition Northern Ireland company, and so on (Companies House, "Uniform Resource Identifiers
  customer guide", assets.publishing.service.gov.uk ... /426891/uniformResourceIdentifiersCustomerGuide.pdf).
  A few registered societies end in a letter (IP00123R, SL01234A), so the last character may be one.
- Charity Commission for England and Wales: the registered charity number is six digits for charities
  registered before the 1990s (Oxfam 202918) and seven since (1123456); a linked charity adds "-1" and
  so on, but is found under its main number, which is what we ask for (Charity Commission register
  data, fields registered_charity_number and linked_charity_number).
- Office of the Scottish Charity Regulator: "SC" and six digits, the first of them 0 so far (SC012345).
  Scottish companies also start SC, which is why the organisation says which register it means.
- Charity Commission for Northern Ireland: "NIC" and six digits, numbered from 100001 (NIC100002).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import quote

from marketplace.core.roles import OrganisationKind


class Register(StrEnum):
    COMPANIES_HOUSE = "companies_house"
    CHARITY_ENGLAND_WALES = "charity_england_wales"
    CHARITY_SCOTLAND = "charity_scotland"
    CHARITY_NORTHERN_IRELAND = "charity_northern_ireland"
    PUBLIC_BODY = "public_body"
    NONE = "none"


# Two-character prefixes Companies House gives (the customer guide's list, and R0 for pre-partition
# Northern Ireland companies).
COMPANY_PREFIXES = frozenset({
    "AC", "ZC", "FC", "GE", "LP", "OC", "SE", "SA", "SZ", "SF", "GS", "SL", "SO", "SC", "ES", "NA", "NZ", "NF",
    "GN", "NL", "NC", "R0", "NI", "EN", "SG", "CE", "CS", "IP", "SP", "IC", "SI", "NP", "NV", "RC", "SR", "NR",
    "NO", "RS",
})
# re.ASCII: \d would otherwise take any script's digits ("１２３４５６"), which no register writes.
COMPANY_NUMBER = re.compile(r"^(?:\d{8}|(?P<prefix>[A-Z][A-Z0]\d{5}[0-9A-Z]))$", re.ASCII)
CHARITY_NUMBER_ENGLAND_WALES = re.compile(r"^\d{6,7}$", re.ASCII)
CHARITY_NUMBER_SCOTLAND = re.compile(r"^SC0\d{5}$", re.ASCII)
CHARITY_NUMBER_NORTHERN_IRELAND = re.compile(r"^NIC1\d{5}$", re.ASCII)


@dataclass(frozen=True)
class RegisterInfo:
    register: Register
    choice: str          # the radio button's words
    name: str            # the register, as the review page says it
    field: str = ""      # the registration form's box for the number ("" when there is no number)
    number_label: str = ""
    hint: str = ""
    missing: str = ""
    wrong: str = ""

    @property
    def has_number(self) -> bool:
        return bool(self.field)


REGISTERS: dict[Register, RegisterInfo] = {
    Register.COMPANIES_HOUSE: RegisterInfo(
        Register.COMPANIES_HOUSE, "Companies House (a company, limited liability partnership or community "
        "interest company)", "Companies House", "company_number", "Company number",
        "8 characters, like 01234567 or SC123456. It is on your certificate of incorporation.",
        "Enter your company number",
        "Enter a company number of 8 characters, like 01234567 or SC123456"),
    Register.CHARITY_ENGLAND_WALES: RegisterInfo(
        Register.CHARITY_ENGLAND_WALES, "Charity Commission for England and Wales",
        "the Charity Commission for England and Wales", "charity_number", "Registered charity number",
        "6 or 7 digits, like 1123456", "Enter your registered charity number",
        "Enter a registered charity number of 6 or 7 digits, like 1123456"),
    Register.CHARITY_SCOTLAND: RegisterInfo(
        Register.CHARITY_SCOTLAND, "Scottish Charity Regulator (OSCR)", "the Scottish Charity Regulator (OSCR)",
        "scottish_charity_number", "Scottish charity number", "SC and 6 digits, like SC012345",
        "Enter your Scottish charity number",
        "Enter a Scottish charity number of SC and 6 digits, like SC012345"),
    Register.CHARITY_NORTHERN_IRELAND: RegisterInfo(
        Register.CHARITY_NORTHERN_IRELAND, "Charity Commission for Northern Ireland",
        "the Charity Commission for Northern Ireland", "ni_charity_number", "Northern Ireland charity number",
        "NIC and 6 digits, like NIC100002", "Enter your Northern Ireland charity number",
        "Enter a Northern Ireland charity number of NIC and 6 digits, like NIC100002"),
    Register.PUBLIC_BODY: RegisterInfo(
        Register.PUBLIC_BODY, "None of these: we are a public body (such as a prison, probation service or "
        "council)", "a public body"),
    Register.NONE: RegisterInfo(
        Register.NONE, "None of these: we are not on a register (such as a sole trader or partnership)",
        "not on any register"),
}

# Providers and mentoring organisations see people's records and meet them at the gate: someone there
# must answer for keeping them safe.
NEEDS_SAFEGUARDING_LEAD = frozenset({OrganisationKind.PROVIDER, OrganisationKind.MENTORING})


def needs_safeguarding_lead(kind: str | None) -> bool:
    return kind in {k.value for k in NEEDS_SAFEGUARDING_LEAD}


def info(register: str | None) -> RegisterInfo | None:
    try:
        return REGISTERS[Register(register)]
    except ValueError:
        return None


def normalise(register: Register | str, number: str) -> str:
    """The number as the register writes it: capitals, no spaces or dots; a company number's dropped
    leading zeros put back; a Northern Ireland charity's NIC added if only the digits were typed."""
    number = re.sub(r"[\s.]", "", number or "").upper()
    digits = number.isascii() and number.isdigit()
    if register == Register.COMPANIES_HOUSE and digits and len(number) < 8:
        number = number.zfill(8)
    if register == Register.CHARITY_NORTHERN_IRELAND and digits:
        number = "NIC" + number
    return number


def number_problem(register: Register | str, number: str) -> str | None:
    """What is wrong with an already normalised number for this register, or None."""
    details = info(register)
    if details is None or not details.has_number:
        return None
    if not number:
        return details.missing
    if register == Register.COMPANIES_HOUSE:
        match = COMPANY_NUMBER.match(number)
        if match is None or (match.group("prefix") and number[:2] not in COMPANY_PREFIXES):
            return details.wrong
        return None
    pattern = {
        Register.CHARITY_ENGLAND_WALES: CHARITY_NUMBER_ENGLAND_WALES,
        Register.CHARITY_SCOTLAND: CHARITY_NUMBER_SCOTLAND,
        Register.CHARITY_NORTHERN_IRELAND: CHARITY_NUMBER_NORTHERN_IRELAND,
    }[Register(register)]
    return None if pattern.match(number) else details.wrong


@dataclass(frozen=True)
class Link:
    href: str
    text: str


def where_to_check(organisation) -> list[Link]:
    """Where an administrator checks this organisation: the register's own page for its number where the
    register has one an outsider can link to, else the register's search (with what to search for)."""
    register, number = organisation.register, organisation.register_number
    if register == Register.COMPANIES_HOUSE:
        return [
            Link(f"https://find-and-update.company-information.service.gov.uk/company/{quote(number)}",
                 f"Company {number} on Companies House"),
            Link("https://find-and-update.company-information.service.gov.uk/search/companies?q="
                 + quote(organisation.name), f"Search Companies House for “{organisation.name}”"),
        ]
    if register == Register.CHARITY_ENGLAND_WALES:
        # The register's own pages are keyed by an internal organisation number, not the charity number.
        return [Link("https://register-of-charities.charitycommission.gov.uk/charity-search",
                     f"Search the Charity Commission's register for {number}")]
    if register == Register.CHARITY_SCOTLAND:
        return [Link("https://www.oscr.org.uk/about-charities/search-the-register/charity-details?number="
                     + quote(number), f"Charity {number} on the Scottish Charity Register")]
    if register == Register.CHARITY_NORTHERN_IRELAND:
        return [Link(f"https://www.charitycommissionni.org.uk/charity-details/?regId={quote(number[3:])}&subId=0",
                     f"Charity {number} on the Charity Commission for Northern Ireland's register")]
    if register == Register.PUBLIC_BODY:
        return [Link("https://www.gov.uk/government/organisations",
                     "Departments, agencies and public bodies on GOV.UK")]
    return []


def register_check_label(organisation) -> str:
    """The sentence an administrator confirms about the organisation's register entry; stored as said."""
    register, number, name = organisation.register, organisation.register_number, organisation.name
    if register == Register.COMPANIES_HOUSE:
        return f"Companies House shows company {number} as {name}, and it is active (not dissolved)"
    if register in (Register.CHARITY_ENGLAND_WALES, Register.CHARITY_SCOTLAND, Register.CHARITY_NORTHERN_IRELAND):
        return (f"{REGISTERS[Register(register)].name[0].upper()}{REGISTERS[Register(register)].name[1:]} "
                f"shows charity {number} as {name}, and it is registered (not removed)")
    if register == Register.PUBLIC_BODY:
        return (f"{name} is a public body, and the applicant's email address ({applicant_domain(organisation)}) "
                "is one of its own")
    return f"I checked that {name} is who it says, in the way described below"


def safeguarding_check_label(organisation) -> str:
    return (f"{organisation.safeguarding_lead_name} ({organisation.safeguarding_lead_email}) confirmed that they "
            f"are {organisation.name}'s safeguarding lead")


def applicant_domain(organisation) -> str:
    for user in organisation.users:
        if user.is_org_admin and "@" in user.email:
            return "@" + user.email.rsplit("@", 1)[1]
    return "no address"
