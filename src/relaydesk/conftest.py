"""The shared test base: named people in a small organisation, and a real browser."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from relaydesk.catalog.models import Calendar, Service
    from relaydesk.directory.models import Party, Person, Team

# Django is imported inside the fixtures so that the functional core's tests (core/) run
# without it: `pytest -p no:django src/relaydesk/core`.

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture(scope="session", autouse=True)
def _collected_static_files(request) -> None:
    if not request.config.pluginmanager.has_plugin("django"):
        return
    from django.core.management import call_command

    # Pages name their stylesheet through the hashed manifest, as in production.
    call_command("collectstatic", interactive=False, verbosity=0)


@pytest.fixture(scope="session")
def password_hash() -> str:
    from django.contrib.auth.hashers import make_password

    from relaydesk.testing import PASSWORD

    return make_password(PASSWORD)  # Argon2 is slow on purpose: hash once for every test


@dataclass
class Org:
    """Kestrel's smallest cast: a department with two teams, an admin and an outsider."""

    plant: Team
    assembly: Team
    purchasing: Team
    lead: Person  # leads Assembly
    member: Person  # sits in Assembly, reports to the lead
    outsider: Person  # sits in Purchasing
    admin: Person
    dealer: Party
    cleaner: Party


@pytest.fixture
def org(db, password_hash: str) -> Org:
    from relaydesk.directory.models import Party, Person, Team

    def person(email: str, name: str, team: Team, manager: Person | None = None) -> Person:
        return Person.objects.create(
            email=email,
            name=name,
            team=team,
            manager=manager,
            password=password_hash,
            timezone="Europe/Berlin",
        )

    plant = Team.objects.create(name="Plant")
    assembly = Team.objects.create(name="Assembly", parent=plant)
    purchasing = Team.objects.create(name="Purchasing", parent=plant)
    lead = person("lena.lead@example.com", "Lena Lead", assembly)
    assembly.lead = lead
    assembly.save()
    admin = person("ada.admin@example.com", "Ada Admin", plant)
    admin.is_admin = True
    admin.save()
    return Org(
        plant=plant,
        assembly=assembly,
        purchasing=purchasing,
        lead=lead,
        member=person("max.member@example.com", "Max Member", assembly, manager=lead),
        outsider=person("olga.outsider@example.com", "Olga Outsider", purchasing),
        admin=admin,
        dealer=Party.objects.create(name="Harbour Motors", kind=Party.Kind.CUSTOMER),
        cleaner=Party.objects.create(name="Sparkle Cleaning", kind=Party.Kind.VENDOR),
    )


@dataclass
class Catalog:
    office: Calendar  # Berlin office hours, 09:00-17:00 on weekdays, Bavarian holidays
    wheels: Service  # provided by Assembly, which Lena leads: 1 h / 8 h, urgent 15 min / 2 h
    approvals: Service  # an approval provided by Purchasing; it feeds wheel fitting


@pytest.fixture
def catalog(org: Org) -> Catalog:
    from relaydesk.catalog.services import PromiseSpec, ServiceSpec, calendar_save, service_save
    from relaydesk.testing import OFFICE_HOURS

    office = calendar_save(
        actor=None, name="Office hours", definition=OFFICE_HOURS, owner_team=None
    )
    wheels = service_save(
        actor=None,
        spec=ServiceSpec(
            slug="wheel-fitting",
            name="Wheel fitting",
            kind="work_item",
            calendar=office,
            provider_team=org.assembly,
            description="Fits wheels and tyres.",
            keywords=["wheels", "tyres"],
            customer_parties=[org.dealer],
            promises={"normal": PromiseSpec(60, 480), "urgent": PromiseSpec(15, 120)},
        ),
    )
    approvals = service_save(
        actor=None,
        spec=ServiceSpec(
            slug="purchase-approval",
            name="Purchase approval",
            kind="approval",
            calendar=office,
            provider_team=org.purchasing,
            promises={"normal": PromiseSpec(120, 960)},
        ),
    )
    approvals.feeds.set([wheels])
    return Catalog(office=office, wheels=wheels, approvals=approvals)


@pytest.fixture
def clock():
    """A worker's idea of now, which the test moves on to let retries fall due."""
    from relaydesk.testing import MovableClock

    return MovableClock()


@pytest.fixture(scope="session")
def server_url(django_db_setup, django_db_blocker) -> Iterator[str]:
    """The production server (`relaydesk serve`) running on the test database."""
    from django.db import connection

    from relaydesk.testing import database_url, serving

    with django_db_blocker.unblock():
        url = database_url(connection.settings_dict)
    env = os.environ | {"DATABASE_URL": url, "RELAYDESK_DB_CONN_MAX_AGE": "0"}
    with serving(env) as base_url:
        yield base_url


@pytest.fixture(scope="session")
def browser() -> Iterator:
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread; the ORM calls the tests make
    # beside it are still plain synchronous calls.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, server_url, transactional_db, request) -> Iterator:
    # A transactional database: the server is another process and sees only committed rows.
    context = browser.new_context(base_url=server_url)
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"{request.node.name}.png", full_page=True)
    context.close()
