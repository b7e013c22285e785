"""Demo Corporate Alliance: every employer and social enterprise gets a profile; members at every level
in every region, a few applications waiting, a lapsed membership and a turned-down one; upcoming
sessions in prisons, in the community and online, with places booked for people who agreed to share
details with employers, and past sessions with attendance recorded. All fictional."""

from __future__ import annotations

from datetime import timedelta

from marketplace.alliance import levels
from marketplace.alliance.models import AllianceMembership, Booking, MemberProfile, MembershipChange, Offer
from marketplace.alliance.operations import MEMBERSHIP_MONTHS, add_months, default_display_name
from marketplace.core import clock
from marketplace.extensions import db
from marketplace.reference import FAIR_CHANCE_COMMITMENTS, PRISONS, REGIONS, TOWNS_BY_REGION

# What each kind of business says about itself: what it does, its story, the site people visit, and
# the materials it can give.
SECTOR_TEXT = {
    "Catering and hospitality": (
        "Restaurants, hotels and contract catering, with central kitchens supplying our sites.",
        "Our head chef came to us on day release from HMP Thorn Cross nine years ago. Half our kitchen "
        "brigade now started with us the same way, and they are the people who stay.",
        "central kitchen", "chef whites, knives and food hygiene workbooks for the prison catering course"),
    "Construction": (
        "Groundworks, house building and refurbishment for housing associations and councils.",
        "Sites are short of labourers and trades every year. We found that people coming out of prison with "
        "a CSCS card and a plan are as reliable as anyone we hire, and more loyal than most.",
        "site", "PPE, hand tools and CSCS revision guides for the construction workshop"),
    "Logistics and warehousing": (
        "Warehousing and distribution for retailers, with sites near the motorway network.",
        "We started with two forklift drivers from a prison workshop. Five years on we recruit from eight "
        "prisons and our retention of those recruits is better than our agency average.",
        "distribution centre", "hi-vis, safety boots and pallet trucks for the warehouse training unit"),
    "Recycling and waste": (
        "Household and commercial recycling, with sorting plants and a fleet of collection vehicles.",
        "Recycling gives people a second life as well as materials. Several of our supervisors started on "
        "the sorting line straight from prison.",
        "sorting plant", "gloves, PPE and bike parts for the prison recycling workshop"),
    "Cleaning and facilities": (
        "Commercial cleaning and facilities management for offices, hospitals and schools.",
        "We do not ask about convictions on our application form. We ask whether you turn up and take "
        "pride in the work, and most of the people we have hired from prison do.",
        "head office", "cleaning equipment and BICSc training materials"),
    "Engineering and manufacturing": (
        "Precision engineering and fabrication for the automotive and rail industries.",
        "Welding and fabrication skills learned in prison workshops are real skills. We would rather train "
        "someone keen than wait months for an experienced welder who never comes.",
        "factory", "welding helmets, gloves and offcut steel for the prison fabrication workshop"),
    "Retail": (
        "A chain of convenience stores and a regional distribution hub.",
        "Our store managers were nervous at first. Now they ask when the next person from the scheme is "
        "starting.",
        "store", "till training kits and customer service workbooks"),
    "Health and social care": (
        "Residential care homes and home care across the region.",
        "Care depends on people who understand second chances. We assess every conviction on its merits and "
        "we have found brilliant carers this way.",
        "care home", "moving and handling training equipment"),
    "Driving and transport": (
        "Haulage and logistics with a fleet of 120 HGVs and vans.",
        "There are not enough drivers. We fund category C licences for people on release on temporary licence "
        "and guarantee them a job when they pass.",
        "depot", "Highway Code and driver CPC study packs"),
    "IT and digital": (
        "Software development and IT support for small businesses.",
        "Some of the best self-taught coders we have met learned in prison education. We give them a route "
        "into a real team.",
        "office", "refurbished laptops for the prison's digital skills classes"),
    "Agriculture and horticulture": (
        "Garden centres and a commercial nursery growing bedding plants and shrubs.",
        "Working outdoors with plants suits many people leaving prison. Our nursery team is a mix of old hands "
        "and people who learned horticulture inside.",
        "nursery", "tools, seeds and compost for the prison horticulture course"),
    "Energy and utilities": (
        "Meter installation and maintenance for energy suppliers.",
        "We train our own engineers. Where they learned to work hard matters less to us than whether they will.",
        "training centre", "toolkits for the electrical installation course"),
    "Customer service": (
        "Outsourced customer contact centres for utilities and retailers.",
        "A good call handler listens and stays calm. Plenty of the people we meet through prisons have those "
        "skills in abundance.",
        "contact centre", "headsets and call handling training scripts"),
    "Security": (
        "Manned guarding and event security.",
        "We help people through the SIA licensing process and consider every conviction case by case.",
        "control room", "SIA revision guides"),
    "Sport and leisure": (
        "Leisure centres and gyms run for local councils.",
        "Sport helped many of our staff turn their lives round. We want to give others the same chance.",
        "leisure centre", "gym equipment for the prison's fitness instructor course"),
    "Business and administration": (
        "Document management, scanning and office services.",
        "Admin work needs accuracy and care. We found both in people leaving prison.",
        "office", "office software training licences"),
    "Arts and media": (
        "Commercial printing, signage and design.",
        "The print room in the prison trained some of our best operators.",
        "print works", "paper, inks and design software for the print workshop"),
}
SOCIAL_PURPOSES = {
    "Catering and hospitality": ("Trains people leaving prison as cooks and front-of-house staff in a working café "
                                 "and catering business.",
                                 "Every pound of profit goes back into the training kitchen and paid placements."),
    "Agriculture and horticulture": ("Grows vegetables and plants on a market garden worked by people on probation.",
                                     "Profits pay for paid placements and for the minibus that brings trainees in."),
    "Construction": ("Refurbishes empty homes with teams of trainees from prison and probation.",
                     "Surpluses buy the next empty property and pay trainees the Real Living Wage."),
    "Recycling and waste": ("Repairs and sells donated bikes, training people with convictions as mechanics.",
                            "Profits fund free bikes for people leaving prison so they can get to work."),
    "Cleaning and facilities": ("A cleaning co-operative owned by its workers, many of them with convictions.",
                                "Profits are shared among the members and fund training for new members."),
    "Arts and media": ("A print and design studio that trains people leaving prison.",
                       "Profits pay trainee wages and buy equipment for the studio."),
    "Engineering and manufacturing": ("Makes furniture from reclaimed timber, training people with convictions as "
                                      "joiners.", "Profits fund the workshop and paid placements."),
}
OFFER_TITLES = {
    "mock_interviews": ["Mock interview morning with our {site} managers", "Practice interviews with real recruiters",
                        "Interview skills day: practise, get feedback, practise again"],
    "cv_workshop": ["CV and disclosure letter workshop", "Writing a CV that gets you an interview",
                    "Disclosure letters: how to talk about your conviction"],
    "mentoring": ["Six weeks of one-to-one mentoring from our staff", "Mentoring for people starting work"],
    "careers_talk": ["Careers in {sector_lower}: a talk and question time", "What it is really like to work here"],
    "workplace_visit": ["Visit our {site} and meet the team", "A day at our {site}"],
    "materials": ["Donated {materials}"],
}
SUITS = [
    "People within 12 weeks of release who want to work in {sector_lower}",
    "Anyone on probation looking for their first job in a while",
    "People who have a CV but have not had an interview for years",
    "People on release on temporary licence, and people recently released",
    "Anyone interested in {sector_lower}; no experience needed",
]
NOTES = ["", "", "", "Keen on warehouse work", "Needs step-free access", "Nervous about interviews",
         "Has a forklift licence", "Interested in kitchen work"]


def _sector(organisation) -> str:
    from marketplace.accounts.demo import EMPLOYERS, SOCIAL_ENTERPRISES

    return dict(EMPLOYERS + SOCIAL_ENTERPRISES).get(organisation.name, "Business and administration")


def _suitable(offer: Offer, participant) -> bool:
    """Whether the person could be at the session: in that prison, or in the community nearby; nobody in
    custody can go online."""
    if offer.setting == "prison":
        return participant.location == "custody" and participant.prison == offer.prison
    if participant.location == "custody" and participant.rotl_from is None:
        return False
    return offer.setting == "online" or participant.release_region == offer.region


def seed(context) -> list[str]:
    rng = context.rng
    today = clock.today()
    now = clock.now()
    admin = context.made["admin"][0]
    employers, enterprises = context.made["employers"], context.made["enterprises"]
    members = employers + enterprises
    prisons_by_region: dict[str, list[str]] = {}
    for prison, region in PRISONS.items():
        prisons_by_region.setdefault(region, []).append(prison)

    # Profiles --------------------------------------------------------------------------------------
    profiles = {}
    for organisation in members:
        sector = _sector(organisation)
        what, story, _site, _materials = SECTOR_TEXT.get(sector, SECTOR_TEXT["Business and administration"])
        contact = next((user for user in organisation.users if user.is_org_admin), organisation.users[0])
        others = [region for region in REGIONS if region != organisation.region]
        regions = [organisation.region, *rng.sample(others, k=rng.choice([0, 1, 1, 2, 3]))]
        commitments = [code for code in FAIR_CHANCE_COMMITMENTS if rng.random() < 0.55]
        if rng.random() < 0.7 and "no_tick_box" not in commitments:
            commitments.insert(0, "no_tick_box")
        purpose, reinvestment = ("", "")
        if organisation.kind == "social_enterprise":
            purpose, reinvestment = SOCIAL_PURPOSES.get(sector, ("Trains and employs people with convictions.",
                                                                  "Profits fund training and paid placements."))
        profile = MemberProfile(
            organisation_id=organisation.id, sectors=[sector], regions=[r for r in REGIONS if r in regions],
            size=rng.choice(["micro", "small"]) if organisation.kind == "social_enterprise" else
            rng.choice(["small", "medium", "large", "large"]),
            what_it_does=purpose or what, website=organisation.website, contact_name=contact.full_name,
            contact_role=contact.job_title, contact_email=contact.email,
            contact_phone=f"01632 960 {rng.randint(100, 999)}",
            commitments=[code for code in FAIR_CHANCE_COMMITMENTS if code in commitments],
            story=story if rng.random() < 0.85 else "", social_purpose=purpose, profit_reinvestment=reinvestment,
            updated_at=now - timedelta(days=rng.randint(1, 200)))
        profile.organisation = organisation
        db.session.add(profile)
        profiles[organisation.id] = profile

    # Memberships: the demo logins' organisations first, then a level per organisation in each region ----
    def membership(organisation, level, status, applied_days_ago, decided_days_ago=None, reason="",
                   upgrade_of=None):
        applied_at = now - timedelta(days=applied_days_ago)
        record = AllianceMembership(
            organisation_id=organisation.id, level=level, status=status,
            pledges=[code for code, (needs, _label) in levels.PLEDGES.items() if needs <= level and rng.random() < 0.7]
            or [next(code for code, (needs, _label) in levels.PLEDGES.items() if needs == level)],
            statement="", applied_by_id=organisation.users[0].id, applied_at=applied_at,
            upgrade_of_id=upgrade_of.id if upgrade_of else None)
        if not any(levels.PLEDGES[code][0] == level for code in record.pledges):
            record.pledges.append(next(code for code, (needs, _label) in levels.PLEDGES.items() if needs == level))
        db.session.add(record)
        db.session.add(MembershipChange(membership=record, action="apply", from_status="", to_status="applied",
                                        level=level, actor_id=organisation.users[0].id, at=applied_at))
        if decided_days_ago is not None:
            decided_at = now - timedelta(days=decided_days_ago)
            action = "reject" if status == "rejected" else "approve"
            record.decided_at, record.decided_by_id, record.reason = decided_at, admin.id, reason
            db.session.add(MembershipChange(membership=record, action=action, from_status="applied",
                                            to_status="rejected" if action == "reject" else "approved", level=level,
                                            actor_id=admin.id, at=decided_at, reason=reason))
            if action == "approve":
                record.expires_on = add_months(decided_at.date(), MEMBERSHIP_MONTHS)
        return record

    def end(record, action, status, days_ago, reason=""):
        at = now - timedelta(days=days_ago)
        record.status, record.ended_at = status, at
        db.session.add(MembershipChange(membership=record, action=action, from_status="approved", to_status=status,
                                        level=record.level, at=at, reason=reason))

    waiting_for_decision = [employers[-1], employers[-2], enterprises[-1]]
    lapsed_only = employers[-3]
    levels_by_org: dict[int, int] = {employers[0].id: 3, enterprises[0].id: 2}
    per_region: dict[str, int] = {}
    for organisation in members:
        if organisation in waiting_for_decision or organisation is lapsed_only or organisation.id in levels_by_org:
            continue
        count = per_region.get(organisation.region, 0)
        per_region[organisation.region] = count + 1
        levels_by_org[organisation.id] = [3, 2, 1][(count + REGIONS.index(organisation.region)) % 3]
    approved: dict[int, AllianceMembership] = {}
    for organisation in members:
        level = levels_by_org.get(organisation.id)
        if level is None:
            continue
        # The demo employer's membership is due for renewal, so its home page has something to do.
        decided = 345 if organisation is employers[0] else rng.randint(20, 330)
        if level > 1 and rng.random() < 0.4:
            first = membership(organisation, level - 1, "approved", decided + 400, decided + 396)
            end(first, "supersede", "superseded", decided, f"Moved up to level {level}")
            approved[organisation.id] = membership(organisation, level, "approved", decided + 10, decided,
                                                   upgrade_of=first)
        else:
            applied = decided + rng.randint(2, 9)
            approved[organisation.id] = membership(organisation, level, "approved", applied, decided)
    for organisation in waiting_for_decision:
        membership(organisation, rng.choice([1, 2, 3]), "applied", rng.randint(0, 6))
    rejected_then = employers[-2]
    membership(rejected_then, 3, "rejected", 120, 115,
               reason="Please add a named contact who can speak for recruitment, then apply again.")
    lapsed = membership(lapsed_only, 2, "approved", 420, 410)
    end(lapsed, "lapse", "lapsed", 45, "Not renewed within 12 months")
    # A level 1 member has asked to move up.
    climber = next(org for org in members if levels_by_org.get(org.id) == 1 and org is not employers[0])
    membership(climber, 2, "applied", 3, upgrade_of=approved[climber.id])

    # Every region has a member at every level among the regions they serve.
    for region in REGIONS:
        for level in levels.LEVELS:
            at_level = [org for org in members if levels_by_org.get(org.id) == level]
            if not any(region in profiles[org.id].regions for org in at_level):
                chosen = rng.choice(at_level)
                profiles[chosen.id].regions = [r for r in REGIONS if r in {*profiles[chosen.id].regions, region}]
    db.session.flush()

    # Sessions and bookings ------------------------------------------------------------------------
    bookable = [p for p in context.made["participants"]
                if p.status == "active" and p.consent is not None and p.consent.employers]
    offers: list[Offer] = []
    bookings = 0
    for organisation in members:
        if organisation.id not in approved:
            continue
        sector = _sector(organisation)
        _what, _story, site, materials = SECTOR_TEXT.get(sector, SECTOR_TEXT["Business and administration"])
        creator = next((user for user in organisation.users if user.status == "active"), organisation.users[0])
        count = rng.randint(3, 4) if organisation is employers[0] else rng.randint(1, 3)
        for number in range(count + 1):
            past = number == count  # one past session each, with attendance
            kind = rng.choice(list(OFFER_TITLES))
            region = rng.choice(profiles[organisation.id].regions)
            setting = "online" if kind in ("cv_workshop", "careers_talk") and rng.random() < 0.4 else \
                ("prison" if kind == "materials" or rng.random() < 0.55 else "community")
            if kind == "workplace_visit":
                setting = "community"
            prison = None
            if setting == "prison":
                # Sessions go where people are: a prison of the region holding someone who could come.
                held = sorted({p.prison for p in bookable if p.location == "custody" and p.release_region == region
                               and p.prison in prisons_by_region.get(region, [])})
                prison = rng.choice(held or prisons_by_region[region])
            start = today - timedelta(days=rng.randint(5, 40)) if past else today + timedelta(days=rng.randint(3, 60))
            length = rng.choice([0, 41, 55]) if kind == "mentoring" else 0
            offer = Offer(
                organisation_id=organisation.id, created_by_id=creator.id, kind=kind,
                title=rng.choice(OFFER_TITLES[kind]).format(site=site, sector_lower=sector.lower(),
                                                            materials=materials),
                description=_describe(kind, site, sector), starts_on=start, ends_on=start + timedelta(days=length),
                times=rng.choice(["Tuesdays, 2pm to 3pm", "Every other Thursday, 10am to 11am"]) if length else
                rng.choice(["9.30am to 12.30pm", "10am to 3pm", "1pm to 4pm", ""]),
                setting=setting, prison=prison,
                town=context.rng.choice(TOWNS_BY_REGION[region]) if setting == "community" else "",
                region=None if setting == "online" else region, places=rng.choice([6, 8, 10, 12, 15]),
                places_taken=0, suits=rng.choice(SUITS).format(sector_lower=sector.lower()),
                created_at=now - timedelta(days=rng.randint(10, 60)), updated_at=now)
            if setting == "prison":
                offer.region = PRISONS[offer.prison]
            db.session.add(offer)
            offers.append(offer)
            nearby = [p for p in bookable if _suitable(offer, p)]
            for participant in rng.sample(nearby, k=min(len(nearby), rng.randint(0, min(offer.places - 1, 5)))):
                booking = Booking(offer=offer, participant_id=participant.id,
                                  organisation_id=participant.organisation_id,
                                  booked_by_id=participant.case_manager_id,
                                  display_name=default_display_name(participant), note=rng.choice(NOTES),
                                  created_at=offer.created_at + timedelta(days=rng.randint(0, 5)))
                # The demo employer's latest past session waits for attendance to be recorded.
                if past and organisation is not employers[0]:
                    booking.attended = rng.random() < 0.8
                    booking.attendance_recorded_at = now - timedelta(days=1)
                    booking.attendance_recorded_by_id = creator.id
                db.session.add(booking)
                offer.places_taken += 1
                bookings += 1
    # The demo case manager has people booked on upcoming sessions.
    demo_manager = context.made["case_managers"][0]
    own = [p for p in bookable if p.case_manager_id == demo_manager.id]
    upcoming = [offer for offer in offers if offer.starts_on > today]
    for participant in own[:6]:
        choices = [offer for offer in upcoming if offer.places_taken < offer.places and _suitable(offer, participant)
                   and all(b.participant_id != participant.id for b in offer.bookings)]
        if not choices:
            continue
        offer = rng.choice(choices)
        db.session.add(Booking(offer=offer, participant_id=participant.id, organisation_id=participant.organisation_id,
                               booked_by_id=demo_manager.id, display_name=default_display_name(participant),
                               note="", created_at=now - timedelta(days=2)))
        offer.places_taken += 1
        bookings += 1
    db.session.flush()
    context.made["alliance_members"] = [org for org in members if org.id in approved]
    context.made["member_levels"] = {org_id: record.level for org_id, record in approved.items()}
    by_level = {level: sum(1 for record in approved.values() if record.level == level) for level in levels.LEVELS}
    return [
        f"{len(approved)} Corporate Alliance members (level 1: {by_level[1]}, level 2: {by_level[2]}, "
        f"level 3: {by_level[3]}) and {len(waiting_for_decision) + 1} applications waiting",
        f"{len(offers)} employer sessions with {bookings} places booked",
    ]


def _describe(kind: str, site: str, sector: str) -> str:
    return {
        "mock_interviews": "Three of our managers run interviews just like the real thing, then talk you through "
                           "how it went. Bring your CV if you have one.",
        "cv_workshop": "A practical workshop: leave with a CV and a short disclosure letter you are happy with.",
        "mentoring": "Meet one of our staff regularly to talk about work, confidence and next steps.",
        "careers_talk": f"Our staff explain the jobs in {sector.lower()}, what they pay and how to get started, "
                        "then answer questions.",
        "workplace_visit": f"See our {site}, meet the people who work there and try some of the tasks.",
        "materials": "We donate the equipment and materials; the prison's education provider runs the course.",
    }[kind]
