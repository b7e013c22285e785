"""Demo opportunities: a few hundred open ones of every kind across regions and sectors, written the way
employers write them, with some closed, filled, draft and archived. Each organisation posts only what
its alliance level allows. All fictional."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from marketplace.alliance import levels
from marketplace.core import clock
from marketplace.extensions import db
from marketplace.opportunities.models import Opportunity, OpportunityStatusChange
from marketplace.reference import TOWNS_BY_REGION


@dataclass(frozen=True)
class Role:
    title: str
    sector: str
    soc: str
    pay: tuple[str, str | None, str]  # from, to, period
    hours: str
    pattern: str
    contract: str
    description: str
    essential: str
    requirements: tuple[str, ...]
    exclusions: tuple[str, ...] = ("case_by_case",)
    documents: tuple[str, ...] = ("cv", "disclosure_letter")
    vulnerable: bool = False


ROLES = [
    Role("Warehouse picker", "Logistics and warehousing", "9", ("12.85", "13.40", "hour"), "40", "shifts", "permanent",
         "Picking and packing orders for supermarkets using a hand-held scanner. You will be on your feet most of the "
         "shift and lift boxes up to 15kg. Full training, free parking and a canteen on site. Overtime paid at time "
         "and a half.", "Able to work four 10-hour shifts a week on a rota, including some weekends.",
         ("Can work four 10-hour shifts a week, including some weekends", "Can lift boxes of up to 15kg",
          "Can get to the site for a 6am start")),
    Role("Counterbalance forklift driver", "Logistics and warehousing", "8", ("13.60", "14.20", "hour"), "40",
         "shifts", "permanent",
         "Loading and unloading trailers and moving stock around our distribution centre on a counterbalance forklift. "
         "We will put you through your refresher and site induction in the first week.",
         "A counterbalance forklift licence (RTITB or ITSSAR), or the course below.",
         ("Holds a counterbalance forklift licence, or has completed our forklift course",
          "Can work a rotating early and late shift pattern")),
    Role("Night shift warehouse operative", "Logistics and warehousing", "9", ("14.10", None, "hour"), "37.5", "nights",
         "permanent", "Receiving deliveries, putting stock away and building pallets for the morning's lorries, 10pm "
         "to 6am, Sunday to Thursday. Night premium included in the rate.", "Happy to work nights.",
         ("Can work nights, Sunday to Thursday",), ("none",), ("cv",)),
    Role("CSCS labourer", "Construction", "9", ("13.50", "15.00", "hour"), "45", "full_time", "temporary",
         "General labouring on a new-build housing site: moving materials, keeping the site clean and safe, and "
         "helping the trades. Steady work for at least six months, with the chance to go on to an NVQ.",
         "A green CSCS card, or willing to take the Level 1 Health and Safety course first. Your own safety boots.",
         ("Holds a CSCS card, or has completed the Level 1 Health and Safety course",
          "Can get to site for a 7.30am start", "Has safety boots")),
    Role("Trainee groundworker", "Construction", "8", ("14.00", "16.00", "hour"), "45", "full_time", "fixed_term",
         "Laying drainage, kerbs and foundations with an experienced gang. We will train you on the dumper and the "
         "roller and pay for your CPCS tests once you are ready.", "A CSCS card and the stamina for outdoor work.",
         ("Holds a CSCS card", "Can work outdoors in all weathers")),
    Role("Painter and decorator", "Construction", "5", ("14.00", "15.50", "hour"), "39", "full_time", "permanent",
         "Decorating empty council homes before new tenants move in: preparing surfaces, filling, painting and "
         "papering. Van and tools provided.", "Some decorating experience, for example in a prison workshop.",
         ("Has done painting and decorating work or training",), ("case_by_case", "arson")),
    Role("Kitchen porter", "Catering and hospitality", "9", ("12.71", "13.00", "hour"), "30", "shifts", "permanent",
         "Keeping our busy hotel kitchen running: washing up, cleaning down and helping the chefs with prep. Meals on "
         "shift and tips shared across the team. Many of our chefs started as porters.",
         "Reliable, and able to work evenings and weekends.",
         ("Can work evenings and weekends", "Can start at short notice"), ("none",), ("cv",)),
    Role("Commis chef", "Catering and hospitality", "5", ("27000", "29000", "year"), "40", "shifts", "permanent",
         "Working on the sections of a busy brasserie under our sous chef, with a structured training plan towards "
         "chef de partie.", "Food hygiene Level 2 and some cooking experience, for example in a prison kitchen.",
         ("Holds food hygiene Level 2", "Has cooked in a professional or prison kitchen")),
    Role("Barista trainee", "Catering and hospitality", "6", ("12.71", None, "hour"), "24", "part_time",
         "permanent", "Making coffee and serving customers in our city-centre café. Full barista training in your "
         "first two weeks.", "Friendly and happy to work with the public.",
         ("Can work weekday mornings from 7am",), ("case_by_case",), ("cv",)),
    Role("Office cleaner (evenings)", "Cleaning and facilities", "9", ("12.75", None, "hour"), "20", "part_time",
         "permanent", "Cleaning offices in the city centre, 5pm to 9pm Monday to Friday. Uniform and equipment "
         "provided, and paid training in our cleaning standards.", "Reliable and careful.",
         ("Can work 5pm to 9pm Monday to Friday",), ("case_by_case", "fraud")),
    Role("Recycling operative", "Recycling and waste", "9", ("12.90", "13.30", "hour"), "40", "shifts", "permanent",
         "Sorting recyclables on the picking line at our materials recovery facility. PPE provided. There is a clear "
         "route to loader driver and supervisor.", "Happy to work in a noisy, dusty environment.",
         ("Can work early or late shifts",), ("none",), ("cv",)),
    Role("HGV class 2 driver", "Driving and transport", "8", ("34000", "38000", "year"), "45", "full_time",
         "permanent", "Multi-drop deliveries to shops across the region in a 26-tonne rigid. Home every night, with a "
         "driver's mate on heavier routes.", "A category C licence with a current CPC and digital tachograph card.",
         ("Holds a category C (class 2) licence", "Holds a driver CPC card and a digital tachograph card",
          "Has no more than 6 points on their licence"), ("case_by_case", "driving"), ("cv", "driving_licence")),
    Role("Multi-drop van driver", "Driving and transport", "8", ("13.20", None, "hour"), "45", "full_time",
         "permanent", "Delivering parcels from our depot in a company van, about 100 drops a day. Fuel card and "
         "uniform provided.", "A full UK car licence held for at least a year.",
         ("Holds a full UK driving licence",), ("case_by_case", "driving"), ("cv", "driving_licence")),
    Role("Production operative", "Engineering and manufacturing", "8", ("12.80", "13.40", "hour"), "39", "shifts",
         "permanent", "Running packing and assembly lines in our factory. You will be trained on each machine and can "
         "work towards a Level 2 in manufacturing.", "Good attention to detail.",
         ("Can work a double day shift",), ("none",), ("cv",)),
    Role("MIG welder", "Engineering and manufacturing", "5", ("15.50", "17.00", "hour"), "39", "full_time",
         "permanent", "MIG welding steel frames for trailers from drawings. We will test your welding on your first "
         "day and support you to get coded.", "MIG welding experience, for example from a prison fabrication workshop.",
         ("Can MIG weld mild steel to a good standard",)),
    Role("Retail assistant", "Retail", "7", ("12.71", None, "hour"), "24", "part_time", "permanent",
         "Serving customers, working on the tills and filling shelves in a busy convenience store.",
         "Friendly, with good basic maths.", ("Can work weekends",), ("case_by_case", "fraud"), ("cv",)),
    Role("Care assistant", "Health and social care", "6", ("12.90", "13.60", "hour"), "36", "shifts", "permanent",
         "Supporting older residents with daily living in our care home. Full induction and the Care Certificate in "
         "your first 12 weeks.", "Kind and patient. An enhanced DBS check is needed.",
         ("Agrees to an enhanced DBS check",), ("case_by_case", "sexual", "violence"),
         ("cv", "disclosure_letter", "references"), True),
    Role("Security officer", "Security", "9", ("13.00", "13.50", "hour"), "48", "shifts", "permanent",
         "Patrolling and guarding a distribution park, including nights and weekends.",
         "A front-line SIA licence, or the licence course below.",
         ("Holds an SIA licence, or has completed the SIA course",), ("case_by_case", "violence", "fraud")),
    Role("Grounds maintenance operative", "Agriculture and horticulture", "9", ("12.85", None, "hour"), "40",
         "full_time", "fixed_term", "Mowing, strimming, hedge cutting and planting on parks and housing estates from "
         "March to October.", "Happy to work outside. A driving licence helps.",
         ("Can work outdoors in all weathers",), ("none",), ("cv",)),
    Role("Customer service adviser", "Customer service", "4", ("25500", None, "year"), "37.5", "shifts",
         "permanent", "Answering calls and web chats from energy customers, with four weeks' paid training.",
         "Good with people and comfortable on a computer.", ("Can type and use a computer",),
         ("case_by_case", "fraud"), ("cv",)),
    Role("IT support apprentice", "IT and digital", "3", ("9.50", None, "hour"), "37.5", "full_time", "apprenticeship",
         "An 18-month apprenticeship fixing laptops, setting up accounts and helping small businesses with IT, "
         "leading to a Level 3 qualification.", "Curious about computers. No qualifications needed.",
         ("Has basic computer skills",), ("case_by_case", "fraud")),
    Role("Leisure centre attendant", "Sport and leisure", "6", ("12.75", None, "hour"), "30", "shifts", "permanent",
         "Setting up sports halls and helping customers. We will pay for your pool lifeguard qualification.",
         "Good fitness and able to swim.", ("Can swim 50 metres",), ("case_by_case", "sexual")),
    Role("Data entry clerk", "Business and administration", "4", ("12.90", None, "hour"), "37.5", "full_time",
         "temporary", "Scanning and indexing records for public sector clients.", "Accurate typing.",
         ("Can type accurately",), ("case_by_case", "fraud"), ("cv",)),
    Role("Print finisher", "Arts and media", "8", ("13.00", None, "hour"), "37.5", "full_time", "permanent",
         "Folding, binding and packing print jobs; training on the guillotine and stitcher.", "Care and accuracy.",
         ("Can work Monday to Friday days",), ("none",), ("cv",)),
    Role("Smart meter installer (trainee)", "Energy and utilities", "5", ("28000", None, "year"), "40", "full_time",
         "permanent", "A paid 14-week training programme, then fitting smart meters in customers' homes with a van.",
         "A full driving licence.", ("Holds a full UK driving licence",), ("case_by_case", "fraud", "sexual"),
         ("cv", "driving_licence")),
]

COURSES = [
    ("Counterbalance forklift licence (3 days)", "Logistics and warehousing", "retail_commercial", "2",
     "Three days of training and testing to the RTITB standard, at our training centre. You leave with a licence "
     "employers recognise."),
    ("CSCS Level 1 Health and Safety, with card test", "Construction", "construction", "1",
     "A one-day course and the CITB health, safety and environment test, so you can apply for a green CSCS card."),
    ("Food hygiene Level 2 and kitchen skills", "Catering and hospitality", "retail_commercial", "2",
     "Two weeks in our training kitchen: knife skills, prep, cleaning down, and the Level 2 food hygiene certificate."),
    ("Cleaning and support services, Level 1", "Cleaning and facilities", "retail_commercial", "1",
     "Four weeks learning professional cleaning, safe use of chemicals and machines, and customer care."),
    ("SIA door supervisor licence course", "Security", "health_care", "2",
     "Six days of training and the exams for the SIA licence, including physical intervention."),
    ("Barista skills", "Catering and hospitality", "retail_commercial", "1",
     "Learn to make every drink on the menu and run a coffee bar, in our working café."),
    ("Bike maintenance, Level 2", "Recycling and waste", "engineering", "2",
     "Eight weeks repairing donated bikes in our workshop, towards a Level 2 in cycle maintenance."),
    ("Horticulture, Level 1", "Agriculture and horticulture", "agriculture", "1",
     "Ten weeks growing, planting and caring for plants on our market garden."),
    ("Digital skills for work", "IT and digital", "digital", "1",
     "Email, online forms, a CV on a computer and staying safe online, one morning a week for six weeks."),
    ("Employability and disclosure, Entry Level 3", "Business and administration", "life_work", "entry",
     "Two weeks on CVs, interviews, and how and when to tell an employer about a conviction."),
]

VOLUNTEERING = [
    ("Volunteer kitchen assistant at our community café", "Catering and hospitality",
     "Helping our chefs prepare lunches for local people two days a week. Lunch and travel expenses provided."),
    ("Garden volunteer", "Agriculture and horticulture",
     "Growing vegetables for local food banks, Tuesdays and Thursdays. Tools, gloves and lunch provided."),
    ("Bike workshop volunteer", "Recycling and waste",
     "Stripping and cleaning donated bikes alongside our mechanics. A good first step before a placement."),
    ("Charity shop volunteer", "Retail",
     "Sorting donations, pricing and serving customers in our shop, any two days a week."),
    ("Warehouse volunteer at the food bank", "Charity and community",
     "Sorting and packing food parcels. Travel expenses paid."),
]

# Jobs are what employers post most; volunteering is the smallest share.
KIND_WEIGHTS = {"vacancy": 5, "guaranteed_interview": 2, "work_placement": 2, "training": 2, "volunteering": 1}

SETTINGS_TEXT = {
    "prison_workshop": "Work in our workshop inside the prison, alongside our staff, on real orders. Prison pay "
                       "rates apply; the skills and a reference go with you on release.",
    "day_release": "Paid work at our site on release on temporary licence, returning to the prison each evening. "
                   "We have worked with the prison's ROTL board before and will help with the paperwork.",
    "community": "A paid placement at our site for people already released, with a supervisor and a weekly review.",
}


def _amount(text: str | None) -> Decimal | None:
    return Decimal(text) if text else None


def seed(context) -> list[str]:
    rng, fake = context.rng, context.fake
    today = clock.today()
    now = clock.now()
    member_levels: dict[int, int] = context.made.get("member_levels", {})
    from marketplace.alliance.models import MemberProfile

    posters = context.made["employers"] + context.made["enterprises"]
    made: list[Opportunity] = []
    for organisation in posters:
        allowed = [kind for kind in levels.allowed_kinds(organisation, member_levels.get(organisation.id))
                   if kind != "session"]
        if not allowed:
            continue
        profile = db.session.get(MemberProfile, organisation.id)
        regions = profile.regions if profile else [organisation.region]
        sector = (profile.sectors[0] if profile else "Business and administration")
        sector_roles = [role for role in ROLES if role.sector == sector] or ROLES
        users = [user for user in organisation.users if user.status == "active"]
        count = {3: 20, 2: 14, 1: 6}.get(member_levels.get(organisation.id), 6)
        prefix = "".join(word[0] for word in organisation.name.split()[:3]).upper()
        for number in range(count):
            kind = rng.choices(allowed, weights=[KIND_WEIGHTS[kind] for kind in allowed])[0]
            role = rng.choice(sector_roles if rng.random() < 0.7 else ROLES)
            opportunity = _make(kind, role, rng, fake, today, rng.choice(regions))
            opportunity.organisation_id = organisation.id
            opportunity.created_by_id = rng.choice(users).id if users else None
            opportunity.external_id = f"{prefix}-{today.year}-{number + 1:03d}" if rng.random() < 0.3 else None
            opportunity.created_at = now - timedelta(days=rng.randint(1, 60))
            _status(opportunity, rng, today, now)
            db.session.add(opportunity)
            made.append(opportunity)
    db.session.flush()
    by_status: dict[str, int] = {}
    for opportunity in made:
        by_status[opportunity.status] = by_status.get(opportunity.status, 0) + 1
    kinds = sorted({opportunity.kind for opportunity in made if opportunity.status == "open"})
    context.made["opportunities"] = made
    return [f"{len(made)} opportunities ({by_status.get('open', 0)} open of {len(kinds)} kinds, "
            f"{by_status.get('filled', 0)} filled, {by_status.get('closed', 0)} closed, "
            f"{by_status.get('draft', 0)} drafts, {by_status.get('archived', 0)} archived)"]


def _make(kind: str, role: Role, rng, fake, today, region: str) -> Opportunity:
    closing = today + timedelta(days=rng.randint(5, 60))
    rolling = rng.random() < 0.2
    base = dict(
        kind=kind, sector=role.sector, occupation_group=role.soc, town=rng.choice(TOWNS_BY_REGION[region]), postcode="",
        region=region, national=rng.random() < 0.05, remote=False, hours_per_week=Decimal(role.hours),
        work_pattern=role.pattern, contract_type="", pay_from=None, pay_to=None, pay_period="",
        pays_minimum_wage=False, start_date=None, end_date=None, closing_date=None if rolling else closing,
        rolling=rolling, places=rng.choice([1, 2, 3, 4, 5, 6, 8, 10]), places_taken=0, essential_criteria="",
        desirable_criteria="", minimum_requirements=[], documents=list(role.documents),
        offence_exclusions=list(role.exclusions), involves_children=False,
        involves_vulnerable_adults=role.vulnerable, custody_ok=rng.random() < 0.35,
        prison_leavers_only=rng.random() < 0.15, fidelity_bond=rng.random() < 0.2,
        how_to_apply=rng.choice(["", "Your case manager refers you here; we call within two working days.",
                                 "Referral through Fair Chance Work, then an informal chat at the site."]),
        paid=False, setting="", is_training=False, qualification_subject=None, qualification_level=None,
        leads_to_guaranteed_interview=False, required_course="", status="draft",
    )
    if kind in ("vacancy", "guaranteed_interview"):
        pay_from, pay_to, period = role.pay
        base.update(title=role.title, description=role.description, essential_criteria=role.essential,
                    contract_type=role.contract, pay_from=_amount(pay_from), pay_to=_amount(pay_to), pay_period=period,
                    pays_minimum_wage=True, paid=True,
                    desirable_criteria=rng.choice(["", "Experience in a similar role.", "A driving licence."]))
        if kind == "guaranteed_interview":
            base.update(title=f"Guaranteed interview: {role.title.lower()}",
                        minimum_requirements=list(role.requirements),
                        how_to_apply="Refer anyone who meets every minimum requirement: we will interview them "
                                     "within two weeks.")
            if rng.random() < 0.3:
                course = next((c for c in COURSES if c[1] == role.sector), None)
                base["required_course"] = course[0] if course else ""
        return Opportunity(**base)
    if kind == "work_placement":
        setting = rng.choice(["prison_workshop", "day_release", "community"])
        start = today + timedelta(days=rng.randint(14, 70))
        unpaid = setting == "prison_workshop"
        base.update(title=f"{'Prison workshop placement' if unpaid else 'Paid work placement'}: "
                          f"{role.title.lower()}",
                    description=f"{SETTINGS_TEXT[setting]} {role.description}", setting=setting, paid=not unpaid,
                    is_training=unpaid, start_date=start, end_date=start + timedelta(weeks=rng.choice([4, 6, 8, 12])),
                    custody_ok=setting != "community", essential_criteria=role.essential)
        if not unpaid:
            pay_from = max(Decimal(role.pay[0]), Decimal("12.71")) if role.pay[2] == "hour" else Decimal("12.75")
            base.update(pay_from=pay_from, pay_period="hour", pays_minimum_wage=True)
        return Opportunity(**base)
    if kind == "training":
        same_sector = [course for course in COURSES if course[1] == role.sector]
        title, sector, subject, level, description = rng.choice(same_sector or COURSES)
        leads = rng.random() < 0.4
        start = today + timedelta(days=rng.randint(7, 50))
        base.update(title=title, sector=sector, occupation_group=None, description=description, is_training=True,
                    qualification_subject=subject, qualification_level=level, leads_to_guaranteed_interview=leads,
                    start_date=start, hours_per_week=Decimal(rng.choice(["15", "20", "30", "37.5"])),
                    work_pattern="", documents=[], custody_ok=rng.random() < 0.3)
        return Opportunity(**base)
    title, sector, description = rng.choice(VOLUNTEERING)
    base.update(title=title, sector=sector, occupation_group=None, description=description,
                hours_per_week=Decimal(rng.choice(["6", "8", "12", "16"])), work_pattern="flexible", documents=[],
                offence_exclusions=["case_by_case"], custody_ok=False)
    return Opportunity(**base)


def _status(opportunity: Opportunity, rng, today, now) -> None:
    """Most are open; some drafts, some filled, some closed by hand or by date, a few archived."""
    roll = rng.random()
    history = []
    if 0.12 <= roll < 0.19:  # closed on its closing date: posted a while ago
        opportunity.created_at = now - timedelta(days=rng.randint(45, 70))
    published = min(opportunity.created_at + timedelta(hours=rng.randint(1, 48)), now)
    if roll < 0.06:
        opportunity.status = "draft"
    else:
        history.append(("publish", "draft", "open", published))
        opportunity.published_at = published
        opportunity.status = "open"
        opportunity.places_taken = rng.randint(0, max(opportunity.places - 1, 0)) if rng.random() < 0.4 else 0
        if 0.06 <= roll < 0.12:
            opportunity.places_taken = opportunity.places
            history.append(("fill", "open", "filled", published + timedelta(days=3)))
            opportunity.status = "filled"
        elif 0.12 <= roll < 0.19:
            opportunity.rolling = False
            opportunity.closing_date = min(published.date() + timedelta(days=rng.randint(20, 35)),
                                           today - timedelta(days=1))
            expired = now - timedelta(days=(today - opportunity.closing_date).days - 1, hours=rng.randint(1, 6))
            history.append(("expire", "open", "closed", expired))
            opportunity.status = "closed"
        elif 0.19 <= roll < 0.22:
            history.append(("close", "open", "closed", published + timedelta(days=5)))
            opportunity.status = "closed"
        if 0.22 <= roll < 0.24:
            history.append(("close", "open", "closed", published + timedelta(days=2)))
            history.append(("archive", "closed", "archived", published + timedelta(days=4)))
            opportunity.status = "archived"
        if opportunity.status in ("closed", "filled", "archived"):
            opportunity.closed_at = history[-1][3]
    opportunity.updated_at = history[-1][3] if history else opportunity.created_at
    for action, before, after, at in history:
        db.session.add(OpportunityStatusChange(opportunity=opportunity, action=action, from_status=before,
                                               to_status=after, actor_id=opportunity.created_by_id
                                               if action in ("publish", "close", "archive") else None, at=at,
                                               reason="Closing date passed" if action == "expire" else ""))
