import pytest

from relaydesk.notify.tests.conftest import mailbox  # noqa: F401  (a real SMTP server)
from relaydesk.servicerequests.models import Request
from relaydesk.servicerequests.services import request_assign, request_create, request_transition


def finished(org, service, requester=None, title="Fit winter tyres") -> Request:
    """A request of Olga's (Purchasing) to Assembly's wheel fitting, done by Max."""
    made = request_create(requester=requester or org.outsider, service=service, title=title)
    request_assign(actor=org.lead, request_id=made.pk, assignee=org.member)
    request_transition(actor=org.member, request_id=made.pk, to="done")
    return Request.objects.get(pk=made.pk)


@pytest.fixture
def done(org, catalog) -> Request:
    return finished(org, catalog.wheels)


def anonymous_ratings(service, person, day, scores, comment="") -> None:
    """Ratings as the anonymous ones are kept: no author, no request."""
    from relaydesk.feedback.models import Rating

    Rating.objects.bulk_create(
        Rating(
            service=service,
            provider_team=service.provider_team,
            provider_person=person,
            satisfaction=satisfaction,
            ease=ease,
            comment=comment,
            rated_on=day,
        )
        for satisfaction, ease in scores
    )
