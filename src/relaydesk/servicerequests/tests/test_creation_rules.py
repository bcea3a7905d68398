"""What a new request must say, and who may make one."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied

from relaydesk.catalog.models import Service
from relaydesk.catalog.services import PromiseSpec, ServiceSpec, service_save
from relaydesk.core.invitations import face_time_invitation  # noqa: F401  (the ICS builder exists)
from relaydesk.errors import InvalidInput
from relaydesk.servicerequests.services import (
    Slot,
    request_create,
    request_pick_slot,
)
from relaydesk.servicerequests.tests.conftest import MONDAY_9, berlin


def create(org, service, **kwargs):
    fields = {"requester": org.outsider, "service": service, "title": "x", "now": MONDAY_9}
    return request_create(**(fields | kwargs))


def test_every_problem_is_named_at_once(org, catalog):
    with pytest.raises(InvalidInput) as invalid:
        create(
            org, catalog.wheels, title="  ", priority="high", needed_by=MONDAY_9 - timedelta(days=1)
        )

    assert invalid.value.errors == {
        "title": ["say in a few words what you need"],
        "priority": ["Wheel fitting makes no promise for high; choose normal, urgent"],
        "needed_by": ["needed-by must be in the future"],
    }


def test_a_closed_service_takes_no_requests(org, catalog):
    Service.objects.filter(pk=catalog.wheels.pk).update(is_active=False)
    catalog.wheels.refresh_from_db()

    with pytest.raises(InvalidInput, match="closed for requests"):
        create(org, catalog.wheels)


def test_a_listed_service_takes_requests_only_from_its_list(org, catalog):
    listed = service_save(
        actor=None,
        spec=ServiceSpec(
            slug="hiring",
            name="Hiring",
            kind="approval",
            calendar=catalog.office,
            provider_team=org.purchasing,
            audience="listed",
            requester_teams=[org.assembly],
            promises={"normal": PromiseSpec(60, 480)},
        ),
    )

    with pytest.raises(PermissionDenied, match="takes requests only from"):
        create(org, listed, requester=org.admin)  # Admin sits in Plant, above Assembly
    assert create(org, listed, requester=org.member).service == listed


def test_a_link_to_a_request_one_cannot_see_is_refused(org, catalog):
    theirs = create(org, catalog.approvals, requester=org.member)

    with pytest.raises(InvalidInput, match="no request you can see"):
        create(org, catalog.wheels, requester=org.lead, unblocks=[theirs])


def test_a_request_records_what_it_unblocks_and_whom_it_serves(org, catalog):
    order = create(org, catalog.wheels, party=org.dealer)
    approval = create(org, catalog.approvals, unblocks=[order])

    assert list(order.blocked_by.all()) == [approval]
    assert order.party == org.dealer


def test_a_link_is_recorded_on_both_requests_timelines(org, catalog):
    order = create(org, catalog.wheels)
    seen = order.version

    approval = create(org, catalog.approvals, unblocks=[order])

    linked = order.events.get(kind="linked")
    assert (linked.actor, linked.data) == (org.outsider, {"blocked_by": approval.pk})
    assert approval.events.get(kind="linked").data == {"unblocks": order.pk}
    order.refresh_from_db()
    assert order.version == seen  # news to Assembly, not a reason to refuse its next move


def test_face_time_needs_proposed_times_and_the_provider_picks_one(org, catalog):
    meeting = service_save(
        actor=None,
        spec=ServiceSpec(
            slug="budget-review",
            name="Budget review",
            kind="face_time",
            calendar=catalog.office,
            provider_team=org.assembly,
            promises={"normal": PromiseSpec(240, 2400)},
        ),
    )
    with pytest.raises(InvalidInput, match="propose at least one time"):
        create(org, meeting)

    slots = [
        Slot(berlin(2026, 11, 25, 10), berlin(2026, 11, 25, 11)),
        Slot(berlin(2026, 11, 26, 14), berlin(2026, 11, 26, 15)),
    ]
    request = create(org, meeting, proposed_slots=slots)
    request = request_pick_slot(
        actor=org.member, request_id=request.pk, index=1, now=MONDAY_9 + timedelta(hours=1)
    )

    assert request.slot_start == berlin(2026, 11, 26, 14)
    assert request.responded_at is not None
    with pytest.raises(InvalidInput, match="choose one of the 2 times"):
        request_pick_slot(actor=org.member, request_id=request.pk, index=5)


def test_only_face_time_takes_proposed_times(org, catalog):
    with pytest.raises(InvalidInput, match="only face-time services"):
        create(
            org,
            catalog.wheels,
            proposed_slots=[Slot(berlin(2026, 11, 25, 10), berlin(2026, 11, 25, 11))],
        )
