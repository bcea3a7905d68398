"""Routing to the provider, assignment policies, absences, hops between teams, sub-requests."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied

from relaydesk.catalog.services import PromiseSpec, ServiceSpec, service_save
from relaydesk.directory.models import Absence, Person
from relaydesk.errors import Conflict, InvalidInput
from relaydesk.servicerequests.services import (
    clocks_check,
    hop_usage,
    request_assign,
    request_create,
    request_transfer,
    request_transition,
    subrequest_create,
)
from relaydesk.servicerequests.tests.conftest import MONDAY_9, berlin


@pytest.fixture
def assembly_crew(org, password_hash):
    """Two more people on the Assembly line besides Lena and Max."""
    return [
        Person.objects.create(
            email=f"{name.lower()}@example.com",
            name=name,
            team=org.assembly,
            password=password_hash,
        )
        for name in ("Nina", "Omar")
    ]


def ask(org, catalog, minutes=0, **kwargs):
    return request_create(
        requester=org.outsider,
        service=catalog.wheels,
        title="x",
        now=MONDAY_9 + timedelta(minutes=minutes),
        **kwargs,
    )


def test_a_manual_team_leaves_new_requests_in_its_queue(org, catalog):
    assert ask(org, catalog).assignee is None


def test_round_robin_takes_turns_and_skips_the_absent(org, catalog, assembly_crew):
    org.assembly.assignment_policy = "round_robin"
    org.assembly.save()
    Absence.objects.create(
        person=assembly_crew[0],
        starts_at=MONDAY_9 - timedelta(days=1),
        ends_at=MONDAY_9 + timedelta(days=1),
    )

    assignees = [ask(org, catalog, minutes=n).assignee.name for n in range(6)]

    assert "Nina" not in assignees
    assert assignees[:3] == sorted(set(assignees), key=assignees.index)  # each once per round
    assert assignees[:3] == assignees[3:]


def test_least_loaded_gives_work_to_whoever_has_least(org, catalog, assembly_crew):
    org.assembly.assignment_policy = "least_loaded"
    org.assembly.save()
    for _ in range(2):
        request = ask(org, catalog)
        request_assign(actor=org.lead, request_id=request.pk, assignee=org.member, now=MONDAY_9)

    chosen = {ask(org, catalog, minutes=n).assignee.name for n in range(3)}

    assert chosen == {"Lena Lead", "Nina", "Omar"}


def test_a_personal_service_goes_to_its_provider_or_their_backup(org, catalog):
    expert = service_save(
        actor=None,
        spec=ServiceSpec(
            slug="torque-advice",
            name="Torque advice",
            kind="advice",
            calendar=catalog.office,
            provider_person=org.member,
            promises={"normal": PromiseSpec(60, 240)},
        ),
    )
    assert ask_service(org, expert).assignee == org.member

    Absence.objects.create(
        person=org.member,
        starts_at=MONDAY_9 - timedelta(hours=1),
        ends_at=MONDAY_9 + timedelta(days=5),
        backup=org.lead,
    )
    covered = ask_service(org, expert)

    assert covered.assignee == org.lead
    assert covered.events.get(kind="assigned").data["why"] == "covers for the provider while away"


def ask_service(org, service):
    return request_create(requester=org.outsider, service=service, title="x", now=MONDAY_9)


def test_a_provider_takes_an_unassigned_request(org, catalog):
    request = request_assign(
        actor=org.member, request_id=ask(org, catalog).pk, assignee=org.member, now=MONDAY_9
    )

    assert request.assignee == org.member


def test_a_member_cannot_hand_work_to_a_colleague_but_the_lead_can(org, catalog, assembly_crew):
    request = ask(org, catalog)

    with pytest.raises(PermissionDenied):
        request_assign(actor=org.member, request_id=request.pk, assignee=assembly_crew[1])
    request = request_assign(actor=org.lead, request_id=request.pk, assignee=assembly_crew[1])

    assert request.assignee == assembly_crew[1]


def test_a_taken_request_cannot_be_taken_again(org, catalog, assembly_crew):
    request = ask(org, catalog)
    request_assign(actor=org.member, request_id=request.pk, assignee=org.member)

    with pytest.raises(Conflict, match="already taken by Max Member"):
        request_assign(actor=assembly_crew[0], request_id=request.pk, assignee=assembly_crew[0])


def test_work_goes_only_to_people_on_the_queue(org, catalog):
    with pytest.raises(InvalidInput, match="does not work on this request's queue"):
        request_assign(actor=org.lead, request_id=ask(org, catalog).pk, assignee=org.outsider)


def test_a_hop_between_teams_splits_the_resolution_time(org, catalog):
    request = ask(org, catalog)  # Assembly from 09:00
    request_transfer(
        actor=org.member,
        request_id=request.pk,
        team=org.purchasing,
        message="Needs a purchase first",
        now=berlin(2026, 11, 23, 11, 0),
    )

    usage = hop_usage(request, until=berlin(2026, 11, 23, 17, 30))

    assert usage == {"Assembly": 2 * 3600, "Purchasing": 6 * 3600}
    request.refresh_from_db()
    assert request.provider_team == org.purchasing and request.assignee is None


def test_a_breach_is_attributed_to_the_hop_that_used_the_time(org, catalog):
    request = ask(org, catalog)
    request_transfer(
        actor=org.member,
        request_id=request.pk,
        team=org.purchasing,
        now=berlin(2026, 11, 23, 10, 0),
    )

    clocks_check(now=berlin(2026, 11, 23, 17, 0))

    breach = request.events.get(kind="breach", data__clock="resolution")
    assert breach.data["attributed_to"] == "Purchasing"
    assert breach.data["by_hop"] == {"Assembly": 3600, "Purchasing": 7 * 3600}


def test_a_sub_request_holds_the_parent_and_is_charged_for_it(org, catalog):
    parent = ask(org, catalog)
    child = subrequest_create(
        actor=org.member,
        parent_id=parent.pk,
        service=catalog.approvals,
        title="Approve new bolts",
        now=berlin(2026, 11, 23, 10, 0),
    )
    request_transition(
        actor=org.outsider,
        request_id=child.pk,
        to="done",
        decision="approved",
        message="Fine",
        now=berlin(2026, 11, 23, 14, 0),
    )

    usage = hop_usage(parent, until=berlin(2026, 11, 23, 16, 0))

    assert child.parent == parent and parent in child.unblocks.all()
    assert child.requester == org.member and child.provider_team == org.purchasing
    assert usage == {"Assembly": 3 * 3600, f"Purchasing (sub-request #{child.pk})": 4 * 3600}
    assert parent.events.filter(kind="subrequest").get().data["child"] == child.pk


def test_only_the_provider_side_splits_or_moves_a_request(org, catalog):
    request = ask(org, catalog)

    with pytest.raises(PermissionDenied):
        subrequest_create(
            actor=org.outsider, parent_id=request.pk, service=catalog.approvals, title="x"
        )
    with pytest.raises(PermissionDenied):
        request_transfer(actor=org.outsider, request_id=request.pk, team=org.purchasing)


def test_being_someones_backup_does_not_open_every_queue(org, catalog):
    # Olga covers for the admin; that gives her no place on Assembly's queue.
    Absence.objects.create(
        person=org.admin,
        starts_at=MONDAY_9,
        ends_at=MONDAY_9 + timedelta(days=1),
        backup=org.outsider,
    )

    with pytest.raises(InvalidInput, match="does not work on this request's queue"):
        request_assign(actor=org.lead, request_id=ask(org, catalog).pk, assignee=org.outsider)
