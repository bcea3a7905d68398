import pytest
from django.utils import timezone

from relaydesk.servicerequests.models import Request
from relaydesk.servicerequests.services import request_create

HOUR = 3600


@pytest.fixture
def served(org, catalog):
    """Assembly's requests from Purchasing: colleagues answered after 3 h and 5 h, one still
    unanswered; Harbour Motors' answered after 1 h and 3 h, one of them done in 4 h."""

    def one(title, first=None, done=None, party=None):
        shown = request_create(
            requester=org.outsider, service=catalog.wheels, title=title, party=party
        )
        fields = {}
        if first is not None:
            fields.update(responded_at=timezone.now(), response_used=first * HOUR)
        if done is not None:
            fields.update(status="done", done_at=timezone.now(), resolution_used=done * HOUR)
        Request.objects.filter(pk=shown.pk).update(**fields)

    one("A", first=3)
    one("B", first=5)
    one("C")
    one("D", first=1, party=org.dealer)
    one("E", first=3, done=4, party=org.dealer)
