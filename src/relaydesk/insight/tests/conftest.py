"""What the insight tests share: requests served last week, rolled up by the worker."""

from datetime import timedelta

import pytest
from django.utils import timezone

from relaydesk.events.worker import Worker
from relaydesk.servicerequests.services import request_create, request_transition


@pytest.fixture
def served(org, catalog):
    """Three wheel requests a week ago: two answered and done (one tied to the dealer), one
    still open; rolled up by the worker."""
    start = timezone.now() - timedelta(days=7)
    made = []
    for hours, party in ((1, org.dealer), (2, None), (None, None)):
        request = request_create(
            requester=org.outsider,
            service=catalog.wheels,
            title="Wheels",
            party=party,
            needed_by=start + timedelta(days=30),
            now=start,
        )
        if hours:
            request_transition(
                actor=org.lead, request_id=request.pk, to="done", now=start + timedelta(hours=hours)
            )
        made.append(request)
    Worker().run_until_idle()
    return made
