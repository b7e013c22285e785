"""Demo organisations and users: providers with case managers in every region, employers and social
enterprises across sectors, mentoring organisations with mentors, some registrations waiting for
approval, and one login per role. All names are fictional."""

from __future__ import annotations

import random
from datetime import timedelta

from faker import Faker

from marketplace.accounts.models import (
    Organisation,
    OrganisationStatus,
    OrganisationStatusChange,
    User,
    UserStatus,
)
from marketplace.accounts.operations import approval_checks_needed
from marketplace.accounts.passwords import hash_password
from marketplace.accounts.registers import REGISTERS, Register
from marketplace.core import clock
from marketplace.core.roles import OrganisationKind, ProviderType, Role
from marketplace.extensions import db
from marketplace.reference import PRISONS, REGIONS

EMPLOYERS = [
    ("Harbour Kitchens Ltd", "Catering and hospitality"),
    ("Pennine Build Group", "Construction"),
    ("Swiftline Logistics", "Logistics and warehousing"),
    ("Greenway Recycling", "Recycling and waste"),
    ("Brightside Facilities", "Cleaning and facilities"),
    ("Meridian Engineering", "Engineering and manufacturing"),
    ("Northlight Retail", "Retail"),
    ("Oakfield Care Homes", "Health and social care"),
    ("Castlegate Hotels", "Catering and hospitality"),
    ("Ironbridge Fabrication", "Engineering and manufacturing"),
    ("Riverside Haulage", "Driving and transport"),
    ("Keystone Civils", "Construction"),
    ("Copperleaf Digital", "IT and digital"),
    ("Fernhill Garden Centres", "Agriculture and horticulture"),
    ("Tidewater Energy Services", "Energy and utilities"),
    ("Brookline Customer Contact", "Customer service"),
    ("Sentinel Security Services", "Security"),
    ("Moorside Leisure", "Sport and leisure"),
    ("Ashdown Office Services", "Business and administration"),
    ("Larkspur Bakeries", "Catering and hospitality"),
    ("Westgate Warehousing", "Logistics and warehousing"),
    ("Holloway Print and Media", "Arts and media"),
]

SOCIAL_ENTERPRISES = [
    ("Second Helping Kitchen CIC", "Catering and hospitality"),
    ("Roots and Shoots Growers CIC", "Agriculture and horticulture"),
    ("Rebuild Workshop CIC", "Construction"),
    ("Cycle Again Community Interest Company", "Recycling and waste"),
    ("Fresh Start Cleaning Co-operative", "Cleaning and facilities"),
    ("Common Ground Café CIC", "Catering and hospitality"),
    ("Turning Page Print CIC", "Arts and media"),
    ("Steady Hands Furniture CIC", "Engineering and manufacturing"),
]

EMPLOYMENT_PROGRAMMES = [
    "Pathways to Work Partnership",
    "Bridge Employment Programme",
    "Next Chapter Employment Service",
    "Open Door Jobs Programme",
]

MENTORING_ORGANISATIONS = [
    ("Gatemate North", ("North East", "North West", "Yorkshire and the Humber")),
    ("Gatemate Midlands", ("East Midlands", "West Midlands")),
    ("Gatemate South and London", ("London", "South East", "East of England")),
    ("Gatemate West and Wales", ("South West", "Wales")),
]

# Waiting for approval, each with what the administrator will check: (name, kind, provider type, region,
# register, number or how to check, what it does).
PENDING_REGISTRATIONS = [
    ("Lakeside Joinery Ltd", OrganisationKind.EMPLOYER, None, "North West", Register.COMPANIES_HOUSE, "09318274",
     "Bespoke joinery and shopfitting; we take on two apprentices a year."),
    ("Hope Street Bakery CIC", OrganisationKind.SOCIAL_ENTERPRISE, None, "Yorkshire and the Humber",
     Register.COMPANIES_HOUSE, "13650482",
     "A community bakery that trains people leaving prison in baking and retail."),
    ("Threshold Employment Programme", OrganisationKind.PROVIDER, ProviderType.EMPLOYMENT_PROGRAMME, "London",
     Register.CHARITY_ENGLAND_WALES, "1187342", "A charity's programme of one-to-one support into work after release."),
    ("Gatemate East Coast", OrganisationKind.MENTORING, None, "East of England", Register.CHARITY_ENGLAND_WALES,
     "1201957", "Volunteer mentors who meet people at the gate from HMP Norwich, Wayland and Hollesley Bay."),
    ("Marsh Lane Window Cleaning", OrganisationKind.EMPLOYER, None, "East Midlands", Register.NONE,
     "I am a sole trader. My VAT number is GB 284 6193 57, and Derby City Council's employment team knows us.",
     "A window cleaning round in Derby, looking for a second pair of hands."),
]


def _slug(name: str) -> str:
    return "".join(ch if ch.isalnum() else "-" for ch in name.lower()).strip("-").replace("--", "-")


def seed(context) -> list[str]:
    rng, fake = context.rng, context.fake
    # The register numbers and safeguarding leads draw from their own sources, so the rest of the demo
    # world (drawn from context.rng and context.fake) stays the same for the same seed.
    checks_rng = random.Random(f"registers-{context.seed}")
    checks_fake = Faker("en_GB")
    checks_fake.seed_instance(context.seed + 19)
    now = clock.now()
    approved: list[Organisation] = []
    password_hash = hash_password(_password())
    used_emails: set[str] = set()
    admin_user = None

    def person(organisation: Organisation | None, role: Role, *, email: str | None = None,
               org_admin: bool = False, job_title: str = "") -> User:
        name = fake.name()
        if email is None:
            domain = f"{_slug(organisation.name)[:30]}.example" if organisation else "fairchance.example"
            base = _slug(name).replace("-", ".")
            email = f"{base}@{domain}"
            suffix = 2
            while email in used_emails:
                email = f"{base}{suffix}@{domain}"
                suffix += 1
        used_emails.add(email)
        user = User(email=email, full_name=name, job_title=job_title, password_hash=password_hash,
                    role=role.value, organisation=organisation, is_org_admin=org_admin,
                    status=UserStatus.ACTIVE, created_at=now - timedelta(days=rng.randint(30, 400)),
                    password_changed_at=now - timedelta(days=rng.randint(1, 30)))
        db.session.add(user)
        return user

    def organisation(name: str, kind: OrganisationKind, region: str, *, provider_type=None, status="approved",
                     description: str = "") -> Organisation:
        org = Organisation(
            name=name, kind=kind.value, provider_type=provider_type.value if provider_type else None,
            region=region, town=fake.city(), website=f"https://www.{_slug(name)[:40]}.example",
            description=description, status=status,
            created_at=now - timedelta(days=rng.randint(60, 500)),
        )
        db.session.add(org)
        _what_to_check(org, provider_type, checks_rng, checks_fake)
        if status == OrganisationStatus.APPROVED:
            org.decided_at = org.created_at + timedelta(days=rng.randint(1, 4))
            org.decided_by_id = admin_user.id
            approved.append(org)  # its history, with what was checked, once its people exist
        return org

    admin_user = person(None, Role.ADMIN, email="admin@fairchance.example", job_title="Service manager")
    person(None, Role.ADMIN, job_title="Partnerships lead")
    db.session.flush()

    providers, employers, enterprises, mentoring = [], [], [], []
    prisons_by_region: dict[str, list[str]] = {}
    for prison, region in PRISONS.items():
        prisons_by_region.setdefault(region, []).append(prison)

    for region in REGIONS:
        probation = organisation(f"Probation Service, {region}", OrganisationKind.PROVIDER, region,
                                 provider_type=ProviderType.PROBATION,
                                 description=f"Supervises people on licence and community orders in {region}.")
        prison = rng.choice(prisons_by_region[region])
        prison_hub = organisation(f"{prison} Employment Hub", OrganisationKind.PROVIDER, region,
                                  provider_type=ProviderType.PRISON,
                                  description="The prison's employment hub prepares people for work before release.")
        providers += [probation, prison_hub]
    for index, name in enumerate(EMPLOYMENT_PROGRAMMES):
        providers.append(organisation(name, OrganisationKind.PROVIDER, REGIONS[(index * 3) % len(REGIONS)],
                                      provider_type=ProviderType.EMPLOYMENT_PROGRAMME,
                                      description="One-to-one support into work for people with convictions."))
    for index, (name, sector) in enumerate(EMPLOYERS):
        employers.append(organisation(name, OrganisationKind.EMPLOYER, REGIONS[index % len(REGIONS)],
                                      description=f"{sector} employer."))
    for index, (name, sector) in enumerate(SOCIAL_ENTERPRISES):
        enterprises.append(organisation(name, OrganisationKind.SOCIAL_ENTERPRISE, REGIONS[(index * 2) % len(REGIONS)],
                                        description=f"A social enterprise in {sector.lower()} that trains and "
                                        "employs people with convictions and reinvests its profits."))
    for name, regions in MENTORING_ORGANISATIONS:
        mentoring.append(organisation(name, OrganisationKind.MENTORING, regions[0],
                                      description="Volunteers who meet people at the prison gate on release day."))
    for name, kind, provider_type, region, register, number, description in PENDING_REGISTRATIONS:
        org = organisation(name, kind, region, provider_type=provider_type, status=OrganisationStatus.PENDING,
                           description=description)
        org.register = register.value
        org.register_number = number if REGISTERS[register].has_number else ""
        org.how_to_check = number if register == Register.NONE else ""
        db.session.flush()
        applicant = person(org, _default_role(kind), org_admin=True, job_title="Director")
        applicant.status = UserStatus.PENDING
        org.created_at = now - timedelta(days=rng.randint(0, 6))

    # The demo logins belong to the first organisation of each kind, as its administrator.
    case_manager = person(providers[2], Role.CASE_MANAGER, email="case.manager@fairchance.example",
                          org_admin=True, job_title="Probation officer")
    person(employers[0], Role.EMPLOYER, email="employer@fairchance.example", org_admin=True,
           job_title="Head of people")
    person(enterprises[0], Role.SOCIAL_ENTERPRISE, email="social.enterprise@fairchance.example",
           org_admin=True, job_title="Training kitchen manager")
    person(mentoring[0], Role.COORDINATOR, email="coordinator@fairchance.example", org_admin=True,
           job_title="Volunteer coordinator")
    person(mentoring[0], Role.MENTOR, email="mentor@fairchance.example", job_title="Volunteer mentor")
    case_managers = [case_manager]
    for org in providers:
        for number in range(rng.randint(2, 4)):
            title = {"probation": "Probation officer", "prison": "Employment lead",
                     "employment_programme": "Employment adviser"}[org.provider_type]
            case_managers.append(person(org, Role.CASE_MANAGER, org_admin=number == 0 and org is not providers[2],
                                        job_title=title))
    for org in employers + enterprises:
        role = Role.EMPLOYER if org.kind == OrganisationKind.EMPLOYER else Role.SOCIAL_ENTERPRISE
        for number in range(rng.randint(1, 3)):
            if org in (employers[0], enterprises[0]) and number == 0:
                continue
            person(org, role, org_admin=number == 0, job_title=rng.choice(
                ["Recruitment manager", "HR adviser", "Operations manager", "Site manager"]))
    mentors = []
    for org in mentoring:
        if org is not mentoring[0]:
            person(org, Role.COORDINATOR, org_admin=True, job_title="Volunteer coordinator")
        for _ in range(rng.randint(5, 8)):
            mentors.append(person(org, Role.MENTOR, job_title="Volunteer mentor"))
    db.session.flush()
    for org in approved:
        db.session.add(OrganisationStatusChange(
            organisation=org, action="approve", from_status="pending", to_status="approved",
            actor_id=admin_user.id, at=org.decided_at, checks=list(approval_checks_needed(org).values()),
            note=_approval_note(org)))
    db.session.flush()

    context.made.update(providers=providers, employers=employers, enterprises=enterprises,
                        mentoring=mentoring, case_managers=case_managers, mentors=mentors, admin=[admin_user])
    return [
        f"{len(providers)} case management providers with {len(case_managers)} case managers",
        f"{len(employers)} employers and {len(enterprises)} social enterprises",
        f"{len(mentoring)} mentoring organisations with {len(mentors) + 1} mentors",
        f"{len(PENDING_REGISTRATIONS)} registrations waiting for approval",
    ]


def _what_to_check(org: Organisation, provider_type, rng: random.Random, fake: Faker) -> None:
    """A realistic register entry and safeguarding lead: prisons and probation are public bodies;
    employment programmes, employers and social enterprises (community interest companies) are on
    Companies House; mentoring organisations are charities in England and Wales. The numbers have the
    registers' shapes (accounts/registers.py) but are made up."""
    if provider_type in (ProviderType.PRISON, ProviderType.PROBATION):
        org.register = Register.PUBLIC_BODY.value
    elif org.kind == OrganisationKind.MENTORING:
        org.register = Register.CHARITY_ENGLAND_WALES.value
        org.register_number = str(rng.randint(1100000, 1209999))
    else:
        org.register = Register.COMPANIES_HOUSE.value
        org.register_number = f"{rng.randint(1000000, 15999999):08d}"
    if org.needs_safeguarding_lead:
        org.safeguarding_lead_name = fake.name()
        domain = f"{_slug(org.name)[:30]}.example"
        org.safeguarding_lead_email = f"{_slug(org.safeguarding_lead_name).replace('-', '.')}@{domain}"


def _approval_note(org: Organisation) -> str:
    if org.register == Register.PUBLIC_BODY:
        return ("Listed on GOV.UK under HM Prison and Probation Service; called the switchboard to confirm "
                "the applicant.")
    if org.needs_safeguarding_lead:
        return "Register entry matches; spoke to the safeguarding lead by phone and saw the safeguarding policy."
    return "Register entry matches the name and address on the website."


def _default_role(kind: OrganisationKind) -> Role:
    from marketplace.core.roles import ROLES_BY_KIND

    return ROLES_BY_KIND[kind][0]


def _password() -> str:
    from marketplace.demo import DEMO_PASSWORD

    return DEMO_PASSWORD
