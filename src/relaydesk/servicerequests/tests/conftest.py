from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

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
