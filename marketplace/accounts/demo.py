"""Demo organisations and users: providers with case managers in every region, employers and social
enterprises across sectors, mentoring organisations with mentors, some registrations waiting for
approval, and one login per role. All names are fictional."""

from __future__ import annotations

from datetime import timedelta

from marketplace.accounts.models import (
    Organisation,
    OrganisationStatus,
    OrganisationStatusChange,
    User,
    UserStatus,
)
from marketplace.accounts.passwords import hash_password
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

PENDING_REGISTRATIONS = [
    ("Lakeside Joinery Ltd", OrganisationKind.EMPLOYER, None, "North West"),
    ("Hope Street Bakery CIC", OrganisationKind.SOCIAL_ENTERPRISE, None, "Yorkshire and the Humber"),
    ("Threshold Employment Programme", OrganisationKind.PROVIDER, ProviderType.EMPLOYMENT_PROGRAMME, "London"),
    ("Gatemate East Coast", OrganisationKind.MENTORING, None, "East of England"),
]


def _slug(name: str) -> str:
    return "".join(ch if ch.isalnum() else "-" for ch in name.lower()).strip("-").replace("--", "-")


def seed(context) -> list[str]:
    rng, fake = context.rng, context.fake
    now = clock.now()
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
        if status == OrganisationStatus.APPROVED:
            org.decided_at = org.created_at + timedelta(days=rng.randint(1, 4))
            org.decided_by_id = admin_user.id
            db.session.add(OrganisationStatusChange(
                organisation=org, action="approve", from_status="pending", to_status="approved",
                actor_id=admin_user.id, at=org.decided_at))
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
    for name, kind, provider_type, region in PENDING_REGISTRATIONS:
        org = organisation(name, kind, region, provider_type=provider_type, status=OrganisationStatus.PENDING,
                           description="Registered recently and waiting for an administrator to check it.")
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

    context.made.update(providers=providers, employers=employers, enterprises=enterprises,
                        mentoring=mentoring, case_managers=case_managers, mentors=mentors, admin=[admin_user])
    return [
        f"{len(providers)} case management providers with {len(case_managers)} case managers",
        f"{len(employers)} employers and {len(enterprises)} social enterprises",
        f"{len(mentoring)} mentoring organisations with {len(mentors) + 1} mentors",
        f"{len(PENDING_REGISTRATIONS)} registrations waiting for approval",
    ]


def _default_role(kind: OrganisationKind) -> Role:
    from marketplace.core.roles import ROLES_BY_KIND

    return ROLES_BY_KIND[kind][0]


def _password() -> str:
    from marketplace.demo import DEMO_PASSWORD

    return DEMO_PASSWORD
