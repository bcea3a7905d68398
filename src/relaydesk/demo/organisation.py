"""An organisation of any size, deterministic for a seed: SPEC §7's "large" dataset and peers.

`plan_organisation` decides everything in plain Python (tested directly); `build_organisation`
writes the plan with bulk inserts. Departments sit at stages of a supply chain — supply, make,
sell, support — and their services feed services of later stages only, so every chain runs
forward to the external customers served at its end and never loops.
"""

import random
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Count
from django.utils.text import slugify

from relaydesk.catalog.models import Calendar, Promise, Service
from relaydesk.catalog.search import services_reindexed
from relaydesk.catalog.services import calendar_save
from relaydesk.demo.story import DEMO_PASSWORD, DemoAccount
from relaydesk.directory.models import Party, Person, Team
from relaydesk.servicerequests.models import OPEN_STATUSES, Request

DOMAIN = "northwind-group.example"

# (city, timezone, holiday country, subdivision)
SITES = [
    ("Stuttgart", "Europe/Berlin", "DE", "BW"),
    ("Lisbon", "Europe/Lisbon", "PT", None),
    ("Manchester", "Europe/London", "GB", "ENG"),
    ("Detroit", "America/Detroit", "US", "MI"),
    ("São Paulo", "America/Sao_Paulo", "BR", "SP"),
    ("Bengaluru", "Asia/Kolkata", "IN", "KA"),
]

# Stage → department functions → the services their teams offer (kind, name).
STAGES: list[dict[str, list[tuple[str, str]]]] = [
    {  # supply
        "Purchasing": [
            ("approval", "Purchase order approval"),
            ("work_item", "Supplier order"),
            ("information", "Supplier price query"),
        ],
        "Inbound Logistics": [("work_item", "Goods receipt"), ("work_item", "Parts staging")],
        "Supplier Quality": [
            ("work_item", "Incoming inspection"),
            ("advice", "Supplier audit advice"),
        ],
    },
    {  # make
        "Body Shop": [("work_item", "Body-in-white welding"), ("advice", "Welding process advice")],
        "Paint Shop": [("work_item", "Paint job"), ("work_item", "Paint defect rework")],
        "Assembly": [
            ("work_item", "Final assembly"),
            ("advice", "Fitting advice"),
            ("work_item", "Line-side supply"),
        ],
        "Quality": [("work_item", "End-of-line inspection"), ("approval", "Vehicle release")],
        "Engineering": [
            ("approval", "Engineering change approval"),
            ("advice", "Design advice"),
            ("feedback", "Design review"),
        ],
    },
    {  # sell
        "Sales": [("information", "Order intake"), ("approval", "Discount approval")],
        "Outbound Logistics": [
            ("work_item", "Vehicle delivery"),
            ("work_item", "Transport booking"),
        ],
        "Customer Care": [
            ("work_item", "Warranty claim"),
            ("feedback", "Customer feedback digest"),
        ],
    },
    {  # support: everyone's internal suppliers
        "Finance": [
            ("approval", "Expense approval"),
            ("information", "Payroll question"),
            ("face_time", "Budget review"),
            ("information", "Invoice query"),
        ],
        "People": [
            ("approval", "Hiring approval"),
            ("advice", "Raise a concern in confidence"),
            ("work_item", "Training booking"),
        ],
        "IT": [
            ("work_item", "Laptop request"),
            ("work_item", "Password reset"),
            ("approval", "System access"),
            ("work_item", "Line terminal fault"),
        ],
        "Facilities": [
            ("work_item", "Spill clean-up"),
            ("work_item", "Meeting room setup"),
            ("face_time", "Ergonomics check"),
        ],
    },
]
TEAM_FUNCTIONS = [
    "Operations",
    "Planning",
    "Service Desk",
    "Projects",
    "Shift A",
    "Shift B",
    "Shift C",
    "Analytics",
    "Programmes",
    "Support",
    "Cell 1",
    "Cell 2",
    "Cell 3",
]
FIRST_NAMES = [
    "Ada",
    "Ahmed",
    "Alba",
    "Ana",
    "Anton",
    "Arjun",
    "Ben",
    "Bianca",
    "Carla",
    "Chen",
    "Clara",
    "David",
    "Diego",
    "Elif",
    "Ella",
    "Emil",
    "Emma",
    "Fatima",
    "Felix",
    "Grace",
    "Hana",
    "Hugo",
    "Ines",
    "Ivan",
    "Jonas",
    "Julia",
    "Kai",
    "Karim",
    "Lea",
    "Leo",
    "Lina",
    "Luca",
    "Maja",
    "Marta",
    "Mateo",
    "Mia",
    "Nadia",
    "Nina",
    "Noah",
    "Olga",
    "Omar",
    "Paul",
    "Priya",
    "Rafael",
    "Rosa",
    "Sara",
    "Simon",
    "Sofia",
    "Tariq",
    "Tiago",
    "Vera",
    "Yusuf",
    "Zoe",
]
LAST_NAMES = [
    "Almeida",
    "Bauer",
    "Becker",
    "Costa",
    "Demir",
    "Dubois",
    "Fischer",
    "Ferreira",
    "Garcia",
    "Hartmann",
    "Hoffmann",
    "Ivanova",
    "Jansen",
    "Kaya",
    "Keller",
    "Kim",
    "Kowalski",
    "Krause",
    "Lange",
    "Li",
    "Lindqvist",
    "Martin",
    "Mehta",
    "Meyer",
    "Moreau",
    "Müller",
    "Nair",
    "Novak",
    "Okafor",
    "Olsen",
    "Patel",
    "Pereira",
    "Richter",
    "Rossi",
    "Santos",
    "Schmidt",
    "Schneider",
    "Schulz",
    "Silva",
    "Singh",
    "Smith",
    "Souza",
    "Tanaka",
    "Vogel",
    "Wagner",
    "Weber",
    "Wolf",
    "Yamamoto",
    "Yilmaz",
    "Zimmermann",
]
PROMISES = {  # kind → normal (first response, resolution) in business minutes
    "advice": (120, 480),
    "approval": (120, 960),
    "feedback": (480, 2400),
    "information": (60, 480),
    "work_item": (60, 960),
    "face_time": (480, 2400),
}


@dataclass
class PlannedTeam:
    key: int
    name: str
    department: int | None  # the key of the department above it, None for a department
    site: int
    stage: int
    function: str  # the department's line of work, e.g. "Purchasing"
    size: int  # members besides the lead


@dataclass
class PlannedService:
    slug: str
    name: str
    kind: str
    team: int
    stage: int
    keywords: list[str]
    feeds: list[int] = field(default_factory=list)  # indexes into the plan's services
    customer_parties: list[int] = field(default_factory=list)
    customer_teams: list[int] = field(default_factory=list)
    confidential: bool = False


@dataclass
class OrganisationPlan:
    people: int
    teams: list[PlannedTeam]
    services: list[PlannedService]
    customers: list[str]
    vendors: list[str]


def plan_organisation(*, people: int, seed: int) -> OrganisationPlan:
    """Decide the whole organisation: about 17 people a team, 15 teams a department,
    one service for every 5 people, feeding forward along the chain."""
    if people < 40:
        raise ValueError("an organisation needs at least 40 people")
    rng = random.Random(seed)
    team_count = max(people // 17, 6)
    department_count = max(team_count // 15, 4)
    functions = [(stage, name) for stage, group in enumerate(STAGES) for name in group]
    teams: list[PlannedTeam] = []
    for number in range(department_count):
        stage, function = functions[number % len(functions)]
        site = rng.randrange(len(SITES))
        name = f"{function} {SITES[site][0]}"
        same = sum(1 for team in teams if team.name.startswith(name))
        name = f"{name} {same + 1}" if same else name
        teams.append(PlannedTeam(len(teams), name, None, site, stage, function, 0))
    departments = list(teams)
    # Long-tailed team sizes that add up to everyone but the leads and department heads.
    members = people - len(departments) - (team_count - len(departments)) - 1
    weights = [rng.lognormvariate(0, 0.6) for _ in range(team_count - len(departments))]
    scale = members / sum(weights)
    sizes = [max(int(w * scale), 1) for w in weights]
    sizes[0] += members - sum(sizes)
    for index, size in enumerate(sizes):
        department = departments[index % len(departments)]
        name = f"{TEAM_FUNCTIONS[(index // len(departments)) % len(TEAM_FUNCTIONS)]}"
        repeat = index // (len(departments) * len(TEAM_FUNCTIONS))
        teams.append(
            PlannedTeam(
                len(teams),
                name + (f" {repeat + 1}" if repeat else ""),
                department.key,
                department.site,
                department.stage,
                department.function,
                size,
            )
        )
    customers = [f"{rng.choice(LAST_NAMES)} {suffix}" for suffix in _customer_suffixes(rng, 40)]
    vendors = [f"{rng.choice(LAST_NAMES)} {kind}" for kind in _vendor_kinds(rng, 15)]
    services = _plan_services(rng, teams, departments, people, len(customers))
    return OrganisationPlan(people, teams, services, sorted(set(customers)), sorted(set(vendors)))


def _customer_suffixes(rng: random.Random, count: int) -> list[str]:
    kinds = ["Motors", "Fleet Leasing", "Auto Group", "Car Rental", "Logistics", "Dealers"]
    return [f"{rng.choice(kinds)} {number}" for number in range(1, count + 1)]


def _vendor_kinds(rng: random.Random, count: int) -> list[str]:
    kinds = ["Cleaning", "Components", "Security", "Catering", "Freight", "Steel"]
    return [f"{rng.choice(kinds)} {number}" for number in range(1, count + 1)]


def _plan_services(rng, teams, departments, people, customer_count) -> list[PlannedService]:
    functions = {name: catalog for stage in STAGES for name, catalog in stage.items()}
    target = max(people // 5, len(teams))
    working = [team for team in teams if team.department is not None]
    services: list[PlannedService] = []
    taken: set[str] = set()
    while len(services) < target:
        team = working[len(services) % len(working)]
        department = teams[team.department]
        function = department.function
        kind, base = rng.choice(functions[function])
        name = f"{base} ({team.name}, {department.name})"
        slug = slugify(f"{base}-{department.name}-{team.name}")[:90]
        if slug in taken:
            slug = f"{slug}-{len(services)}"
        taken.add(slug)
        services.append(
            PlannedService(
                slug=slug,
                name=name,
                kind=kind,
                team=team.key,
                stage=team.stage,
                keywords=[
                    *[word.lower() for word in base.split() if len(word) > 3][:4],
                    function.lower(),
                ],
                confidential="confidence" in base or base == "Payroll question",
            )
        )
    by_stage: dict[int, list[int]] = {}
    for index, service in enumerate(services):
        by_stage.setdefault(service.stage, []).append(index)
    last_chain_stage = len(STAGES) - 2  # "sell": the stage that serves the buyers
    for service in services:
        if service.stage < last_chain_stage:
            later = by_stage.get(service.stage + 1, [])
            service.feeds = sorted(set(rng.sample(later, k=min(len(later), rng.randint(1, 2)))))
        elif service.stage == last_chain_stage:
            service.customer_parties = sorted(
                set(rng.sample(range(customer_count), k=rng.randint(1, 3)))
            )
        # Declared internal customers: a few teams of the next stage (support serves anyone).
        candidates = [t.key for t in working if t.stage in (service.stage + 1, service.stage)]
        service.customer_teams = sorted(set(rng.sample(candidates, k=min(3, len(candidates)))))
    return services


def build_organisation(
    *, people: int, seed: int, progress: Callable[[str], None] = lambda line: None
) -> OrganisationPlan:
    """Write the planned organisation into an empty directory with bulk inserts."""
    plan = plan_organisation(people=people, seed=seed)
    rng = random.Random(seed + 1)
    password = make_password(DEMO_PASSWORD)
    with transaction.atomic():
        calendars = _build_calendars()
        team_rows = _build_teams(plan)
        people_by_team = _build_people(plan, team_rows, password, rng)
        progress(f"{Person.objects.count():,} people in {len(team_rows):,} teams")
        customers = Party.objects.bulk_create(
            [Party(name=name, kind=Party.Kind.CUSTOMER) for name in plan.customers]
        )
        Party.objects.bulk_create(
            [Party(name=name, kind=Party.Kind.VENDOR) for name in plan.vendors]
        )
        _build_services(plan, team_rows, people_by_team, calendars, customers)
        progress(f"{len(plan.services):,} services; indexing the catalog for search")
        services_reindexed()
    return plan


def _build_calendars() -> dict[int, Calendar]:
    calendars = {}
    for index, (city, tz, country, subdivision) in enumerate(SITES):
        weekdays = ("mon", "tue", "wed", "thu", "fri")
        definition = {
            "timezone": tz,
            "hours": {day: ["08:30-12:30", "13:15-17:15"] for day in weekdays},
            "holidays": {"country": country, "subdivision": subdivision},
        }
        if subdivision is None:
            definition["holidays"] = {"country": country}
        calendars[index] = calendar_save(
            actor=None, name=f"Office hours {city}", definition=definition, owner_team=None
        )
    return calendars


def _build_teams(plan: OrganisationPlan) -> dict[int, Team]:
    group = Team.objects.create(name="Northwind Group", description="The whole group.")
    rows: dict[int, Team] = {}
    departments = [t for t in plan.teams if t.department is None]
    created = Team.objects.bulk_create([Team(name=t.name, parent=group) for t in departments])
    rows.update({t.key: row for t, row in zip(departments, created, strict=True)})
    teams = [t for t in plan.teams if t.department is not None]
    created = Team.objects.bulk_create(
        [Team(name=t.name, parent=rows[t.department]) for t in teams]
    )
    rows.update({t.key: row for t, row in zip(teams, created, strict=True)})
    rows[-1] = group
    return rows


def _build_people(plan, team_rows, password, rng) -> dict[int, list[Person]]:
    people: list[Person] = []
    placed: list[tuple[int, bool]] = []  # (team key, leads it)

    def person(team_key: int, tz: str) -> Person:
        number = len(people)
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        email = f"{slugify(first)}.{slugify(last)}.{number}@{DOMAIN}"
        return Person(
            email=email,
            name=f"{first} {last}",
            team=team_rows[team_key],
            timezone=tz,
            password=password,
        )

    people.append(person(-1, SITES[0][1]))
    placed.append((-1, True))
    for team in plan.teams:
        tz = SITES[team.site][1]
        for member in range(team.size + 1):
            people.append(person(team.key, tz))
            placed.append((team.key, member == 0))
    created = Person.objects.bulk_create(people, batch_size=2000)
    by_team: dict[int, list[Person]] = {}
    for row, (team_key, _) in zip(created, placed, strict=True):
        by_team.setdefault(team_key, []).append(row)
    # Leads head their teams; members report to their lead, leads to their department's head.
    for team in plan.teams:
        lead, *members = by_team[team.key]
        team_rows[team.key].lead = lead
        boss = by_team[team.department][0] if team.department is not None else by_team[-1][0]
        lead.manager = boss
        for member in members:
            member.manager = lead
    team_rows[-1].lead = by_team[-1][0]
    Team.objects.bulk_update(list(team_rows.values()), ["lead"], batch_size=2000)
    Person.objects.bulk_update(created, ["manager"], batch_size=2000)
    by_team[-1][0].is_admin = True
    by_team[-1][0].save(update_fields=["is_admin"])
    return by_team


def _build_services(plan, team_rows, people_by_team, calendars, customers) -> None:
    rows = []
    for service in plan.services:
        team = plan.teams[service.team]
        personal = service.kind == "advice" and service.team % 7 == 0
        rows.append(
            Service(
                slug=service.slug,
                name=service.name,
                kind=service.kind,
                description=f"{service.name}: ask {team.name}, {plan.teams[team.department].name}.",
                keywords=service.keywords,
                provider_team=None if personal else team_rows[service.team],
                provider_person=people_by_team[service.team][-1] if personal else None,
                calendar=calendars[team.site],
                confidential=service.confidential,
            )
        )
    created = Service.objects.bulk_create(rows, batch_size=1000)
    promises = []
    for row, service in zip(created, plan.services, strict=True):
        first, resolution = PROMISES[service.kind]
        promises.append(
            Promise(
                service=row,
                priority="normal",
                first_response_minutes=first,
                resolution_minutes=resolution,
            )
        )
        promises.append(
            Promise(
                service=row,
                priority="urgent",
                first_response_minutes=first // 4,
                resolution_minutes=resolution // 4,
            )
        )
    Promise.objects.bulk_create(promises, batch_size=2000)
    Feeds = Service.feeds.through
    CustomerTeams = Service.customer_teams.through
    CustomerParties = Service.customer_parties.through
    Feeds.objects.bulk_create(
        [
            Feeds(from_service_id=row.pk, to_service_id=created[target].pk)
            for row, service in zip(created, plan.services, strict=True)
            for target in service.feeds
        ],
        batch_size=5000,
    )
    CustomerTeams.objects.bulk_create(
        [
            CustomerTeams(service_id=row.pk, team_id=team_rows[key].pk)
            for row, service in zip(created, plan.services, strict=True)
            for key in service.customer_teams
        ],
        batch_size=5000,
    )
    CustomerParties.objects.bulk_create(
        [
            CustomerParties(service_id=row.pk, party_id=customers[key].pk)
            for row, service in zip(created, plan.services, strict=True)
            for key in service.customer_parties
        ],
        batch_size=5000,
    )


def sample_accounts() -> list[DemoAccount]:
    """The accounts worth signing in as: the admin, and the lead and a member of the team
    with the longest queue (the first team with services while there are no requests)."""
    admin = Person.objects.filter(is_admin=True, email__endswith=f"@{DOMAIN}").order_by("pk")
    accounts = [DemoAccount(a.email, a.name, "admin") for a in admin[:1]]
    busiest = (
        Request.objects.filter(status__in=OPEN_STATUSES, provider_team__isnull=False)
        .values("provider_team")
        .annotate(open=Count("id"))
        .order_by("-open", "provider_team")
        .first()
    )
    teams = Team.objects.filter(services__isnull=False, lead__isnull=False)
    teams = teams.select_related("lead", "parent")
    if busiest is not None:
        teams = teams.filter(pk=busiest["provider_team"])
    team = teams.order_by("pk").first()
    if team is None:
        return accounts
    name = f"{team.name}, {team.parent.name}" if team.parent else team.name
    accounts.append(DemoAccount(team.lead.email, team.lead.name, f"team lead, {name}"))
    member = team.members.exclude(pk=team.lead_id).filter(is_active=True).order_by("email").first()
    if member is not None:
        accounts.append(DemoAccount(member.email, member.name, f"member, {name}"))
    return accounts
