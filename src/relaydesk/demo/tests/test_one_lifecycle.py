"""The demo's history and the request services are one lifecycle: the same script, played by
people through the services and by the simulation, leaves the same timeline, hops and row."""

from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest

from relaydesk.core.lifecycle import ACKNOWLEDGED, DONE, WAITING
from relaydesk.demo.activity import RequestRecord, _Life, load_world
from relaydesk.directory.models import Person
from relaydesk.servicerequests.models import Request
from relaydesk.servicerequests.services import (
    clocks_check,
    request_assign,
    request_comment,
    request_create,
    request_transfer,
    request_transition,
)
from relaydesk.servicerequests.tests.conftest import MONDAY_9, berlin

TUESDAY = berlin(2026, 11, 24, 0, 0)


@dataclass(frozen=True)
class Cast:
    requester: Person
    lead: Person
    member: Person
    buyer: Person  # leads Purchasing, where the request is handed on to


@pytest.fixture
def cast(org, catalog) -> Cast:
    buyer = Person.objects.create(
        email="pat.purchaser@example.com", name="Pat Purchaser", team=org.purchasing
    )
    org.purchasing.lead = buyer
    org.purchasing.save()
    return Cast(requester=org.outsider, lead=org.lead, member=org.member, buyer=buyer)


def at(hours: float, day: datetime = MONDAY_9) -> datetime:
    return day + timedelta(hours=hours)


# Wheel fitting promises 1 h to answer and 8 h to finish, in office hours (09-17 on weekdays).
# The resolution clock runs 09-10, is paused 10-11 while the requester owes an answer, and
# runs again from 11: its warning (6 h used) falls due at 16:00, the breach on Tuesday at
# 10:00, each on the minute the checker runs.
def _through_the_services(org, catalog, cast: Cast, needed_by: datetime) -> Request:
    created = request_create(
        requester=cast.requester,
        service=catalog.wheels,
        title="Fit winter tyres to the demo van",
        needed_by=needed_by,
        now=MONDAY_9,
    )
    pk = created.pk
    request_assign(actor=cast.lead, request_id=pk, assignee=cast.member, now=at(1 / 6))
    request_transition(
        actor=cast.member, request_id=pk, to=ACKNOWLEDGED, message="On it", now=at(1 / 3)
    )
    request_transition(
        actor=cast.member, request_id=pk, to=WAITING, message="Which van?", now=at(1)
    )
    request_comment(actor=cast.requester, request_id=pk, body="The blue one", now=at(2))
    request_transfer(
        actor=cast.member,
        request_id=pk,
        team=org.purchasing,
        message="Purchasing orders the tyres",
        now=at(2.5),
    )
    request_assign(actor=cast.buyer, request_id=pk, assignee=cast.buyer, now=at(3))
    assert clocks_check(now=at(7)) == 1  # the warning
    assert clocks_check(now=at(10, TUESDAY)) == 1  # the breach
    request_transition(
        actor=cast.buyer, request_id=pk, to=DONE, message="Fitted", now=at(11, TUESDAY)
    )
    return Request.objects.get(pk=pk)


def _through_the_demo(org, catalog, cast: Cast, needed_by: datetime, pk: int) -> RequestRecord:
    world = load_world(seed=1)
    (wheels,) = [facts for facts in world.services if facts.slug == "wheel-fitting"]
    life = _Life(
        world,
        wheels,
        request_id=pk,
        now=at(12, TUESDAY),
        requester_id=cast.requester.pk,
        created_at=MONDAY_9,
        title="Fit winter tyres to the demo van",
        details="",
        priority="normal",
        needed_by=needed_by,
        party_id=None,
        parent_id=None,
        proposed_slots=[],
        unblocks=(),
    )
    life.assign(cast.lead.pk, cast.member.pk, at(1 / 6))
    life.transition(cast.member.pk, ACKNOWLEDGED, at(1 / 3), message="On it")
    life.transition(cast.member.pk, WAITING, at(1), message="Which van?")
    life.comment(cast.requester.pk, "The blue one", at(2))
    life.transfer(cast.member.pk, org.purchasing.pk, at(2.5), "Purchasing orders the tyres")
    life.assign(cast.buyer.pk, cast.buyer.pk, at(3))
    # The simulated checker runs every minute of its own accord.
    life.transition(cast.buyer.pk, DONE, at(11, TUESDAY), message="Fitted")
    return life.finish()


@pytest.mark.parametrize(
    "needed_by", [at(12, TUESDAY), at(10.5, TUESDAY)], ids=["done-early", "done-late"]
)
def test_the_demo_and_the_services_live_a_request_the_same_way(org, catalog, cast, needed_by):
    served = _through_the_services(org, catalog, cast, needed_by)
    simulated = _through_the_demo(org, catalog, cast, needed_by, served.pk)

    timeline = [(e.seq, e.kind, e.actor_id, e.at, e.data) for e in served.events.all()]
    assert timeline == [tuple(event) for event in simulated.events]
    hops = [(h.team_id, h.person_id, h.started_at, h.ended_at) for h in served.hops.all()]
    assert hops == [(h.team_id, h.person_id, h.started_at, h.ended_at) for h in simulated.hops]
    for name, value in simulated.fields.items():
        assert getattr(served, name if name != "id" else "pk") == value, name


def test_the_script_covers_the_whole_lifecycle_in_the_services_order(org, catalog, cast):
    served = _through_the_services(org, catalog, cast, at(12, TUESDAY))

    assert [e.kind for e in served.events.all()] == [
        "created",
        "assigned",
        "status",  # acknowledged with a word: the status first, then what it causes
        "responded",
        "status",  # waiting on the requester
        "paused",
        "comment",  # the requester's answer
        "status",
        "resumed",
        "transferred",
        "assigned",  # back to the queue
        "assigned",  # taken in Purchasing
        "warning",
        "breach",
        "status",  # done
        "early",
    ]
    breach = served.events.get(kind="breach").data
    assert breach["escalated_to"] == cast.buyer.pk  # Purchasing's lead holds it now
    assert breach["by_hop"] == {"Assembly": 3600 + 30 * 60, "Purchasing": 7 * 3600 - 30 * 60}
