from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from relaydesk.catalog.models import Service
from relaydesk.catalog.services import PromiseSpec, ServiceSpec, service_save
from relaydesk.servicerequests.services import request_create

BERLIN = ZoneInfo("Europe/Berlin")


def berlin(*args: int) -> datetime:
    return datetime(*args, tzinfo=BERLIN)


# Monday 23 November 2026, 09:00 in Berlin: the office has just opened.
MONDAY_9 = berlin(2026, 11, 23, 9, 0)


@pytest.fixture
def wheels_request(org, catalog):
    """Max asks Assembly (Lena's team) to fit wheels: 1 h to answer, 8 h to finish."""
    return request_create(
        requester=org.outsider,
        service=catalog.wheels,
        title="Fit winter tyres to the demo van",
        now=MONDAY_9,
    )


def make_service(org, catalog, slug: str, kind: str = "work_item", **spec) -> Service:
    """A service Assembly provides: 1 h to answer, 8 h to finish."""
    return service_save(
        actor=None,
        spec=ServiceSpec(
            slug=slug,
            name=slug.replace("-", " ").capitalize(),
            kind=kind,
            calendar=catalog.office,
            provider_team=org.assembly,
            promises={"normal": PromiseSpec(60, 480)},
            **spec,
        ),
    )


@pytest.fixture
def grievances(org, catalog):
    """A confidential service of Assembly's: seen by its requester, assignee and Lena only."""
    return make_service(org, catalog, "grievances", kind="advice", confidential=True)
