"""The small demo organisation: Kestrel Motors, a car plant whose assembly line ends at a dealer.

Its chains of internal customers run from purchasing and the body shop down the line to the
dealer who sells the car, with a cleaning vendor who serves the line at night.
"""

from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth.hashers import make_password
from django.db import transaction

from relaydesk.catalog.services_yaml import services_import
from relaydesk.directory.models import Party, Person, Team

DEMO_PASSWORD = "relaydesk-demo"
DOMAIN = "kestrel-motors.example"


@dataclass(frozen=True)
class DemoAccount:
    email: str
    name: str
    role: str


# (department, team, timezone, [lead, members...]); the first person named leads the team.
TEAMS: list[tuple[str, str, str, list[str]]] = [
    (
        "Plant Operations",
        "Body Shop",
        "Europe/Berlin",
        ["Jonas Weber", "Mia Schneider", "Lukas Fischer", "Hannah Wolf"],
    ),
    (
        "Plant Operations",
        "Paint Shop",
        "Europe/Berlin",
        ["Elif Yilmaz", "Felix Braun", "Lea Hoffmann"],
    ),
    (
        "Plant Operations",
        "Assembly Line",
        "Europe/Berlin",
        ["Marta Kowalska", "Tobias Keller", "Sofia Romano", "Ben Richter", "Nina Vogel"],
    ),
    (
        "Plant Operations",
        "Quality Control",
        "Europe/Berlin",
        ["Priya Nair", "David Schulz", "Clara Neumann"],
    ),
    (
        "Supply Chain",
        "Purchasing",
        "Europe/Berlin",
        ["Ahmed Hassan", "Julia Krause", "Paul Zimmermann"],
    ),
    (
        "Supply Chain",
        "Logistics",
        "Europe/Berlin",
        ["Sara Lindqvist", "Max Hartmann", "Emma Schmitt"],
    ),
    (
        "Sales & Service",
        "Dealer Relations",
        "Europe/Berlin",
        ["Olivia Bennett", "Noah Becker", "Lina Wagner"],
    ),
    ("People & Finance", "Human Resources", "Europe/Berlin", ["Grace Okafor", "Anna Lange"]),
    ("People & Finance", "Finance", "Europe/Berlin", ["Rafael Costa", "Laura Schwarz"]),
    (
        "Shared Services",
        "IT Service Desk",
        "Europe/Lisbon",
        ["Tiago Silva", "Ines Ferreira", "Arjun Mehta"],
    ),
    ("Shared Services", "Facilities", "Europe/Berlin", ["Karl Baumann", "Yusuf Demir"]),
]

# Department heads report to the plant director; team leads report to their department head.
DEPARTMENT_HEADS = {
    "Plant Operations": "Stefan Maier",
    "Supply Chain": "Ingrid Olsen",
    "Sales & Service": "Chloe Martin",
    "People & Finance": "Miriam Roth",
    "Shared Services": "Daniel Kim",
}
DIRECTOR = "Katharina Berg"
ADMIN = "Ada Brandt"

PARTIES = [
    ("Harbour Motors", Party.Kind.CUSTOMER, "The dealer who sells every car the line builds."),
    ("Alpine Fleet Leasing", Party.Kind.CUSTOMER, "Buys vans by the hundred for its fleets."),
    ("Sparkle Cleaning Services", Party.Kind.VENDOR, "Cleans the line and the offices at night."),
    ("Rhein Components", Party.Kind.VENDOR, "Supplies wheels, tyres and fasteners."),
]


def email_for(name: str) -> str:
    return f"{name.lower().replace(' ', '.')}@{DOMAIN}"


# The accounts worth signing in as, one per role.
SAMPLE_ACCOUNTS = [
    DemoAccount(email_for(ADMIN), ADMIN, "admin"),
    DemoAccount(email_for("Marta Kowalska"), "Marta Kowalska", "team lead, Assembly Line"),
    DemoAccount(email_for("Tobias Keller"), "Tobias Keller", "member, Assembly Line"),
    DemoAccount(email_for("Ahmed Hassan"), "Ahmed Hassan", "team lead, Purchasing"),
    DemoAccount(email_for("Tiago Silva"), "Tiago Silva", "team lead, IT Service Desk"),
]


CATALOG_FILE = Path(__file__).with_name("kestrel_catalog.yaml")


def build_story() -> None:
    """Create Kestrel Motors in an empty directory, with its service catalog."""
    password = make_password(DEMO_PASSWORD)  # one Argon2 hash serves every demo account

    def person(name: str, team: Team | None, manager: Person | None, tz: str) -> Person:
        return Person.objects.create(
            email=email_for(name),
            name=name,
            team=team,
            manager=manager,
            timezone=tz,
            password=password,
        )

    with transaction.atomic():
        plant = Team.objects.create(name="Kestrel Motors", description="The whole plant.")
        director = person(DIRECTOR, plant, None, "Europe/Berlin")
        plant.lead = director
        plant.save()
        admin = person(ADMIN, plant, director, "Europe/Berlin")
        admin.is_admin = True
        admin.save()
        departments: dict[str, tuple[Team, Person]] = {}
        for department_name, head_name in DEPARTMENT_HEADS.items():
            department = Team.objects.create(name=department_name, parent=plant)
            head = person(head_name, department, director, "Europe/Berlin")
            department.lead = head
            department.save()
            departments[department_name] = (department, head)
        for department_name, team_name, tz, names in TEAMS:
            department, head = departments[department_name]
            team = Team.objects.create(name=team_name, parent=department)
            lead = person(names[0], team, head, tz)
            team.lead = lead
            team.save()
            for name in names[1:]:
                person(name, team, lead, tz)
        for name, kind, description in PARTIES:
            Party.objects.create(name=name, kind=kind, description=description)
        # The catalog goes in the way an organisation's own would: as a YAML file.
        services_import(data=CATALOG_FILE.read_bytes())
