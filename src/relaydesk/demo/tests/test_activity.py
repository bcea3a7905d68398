"""The demo's request history: repeatable for a seed, in every state, and exactly what the
request services would have written had people really worked those requests."""

import hashlib
from collections import Counter
from datetime import UTC, datetime, timedelta
from random import Random

import pytest
from django.db import connection, transaction
from django.db.models import Count, F, Max, Min

from relaydesk.core import lifecycle
from relaydesk.core.calendar_spec import calendar_from_mapping
from relaydesk.core.clocks import Clock
from relaydesk.core.lifecycle import Side
from relaydesk.demo.activity import ServiceFacts, World, simulate_request
from relaydesk.demo.history import build_activity
from relaydesk.demo.story import build_story
from relaydesk.directory.models import Party
from relaydesk.servicerequests.models import NOT_DUE, Event, Request
from relaydesk.servicerequests.services import (
    clocks_check,
    request_comment,
    request_transition,
)

# A Wednesday; the six months before it span both clock changes, Christmas and Easter.
NOW = datetime(2026, 4, 15, 11, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def history(django_db_setup, django_db_blocker):
    """Kestrel Motors with the default 3,000 requests: built once here, rolled back after."""
    with django_db_blocker.unblock(), transaction.atomic():
        build_story()
        yield build_activity(requests=3000, seed=1, now=NOW)
        transaction.set_rollback(True)


def _requests():
    return Request.objects.select_related("service__calendar").prefetch_related("events")


# -- the shape of the history -------------------------------------------------------------------


def test_a_default_build_holds_every_state(history, db):
    statuses = Counter(Request.objects.values_list("status", flat=True))

    assert Request.objects.count() == 3000 == history.requests
    assert set(statuses) == set(lifecycle.ALL_STATUSES)
    assert statuses["done"] > 0.8 * 3000  # most of it is history


def test_it_has_late_and_early_finishes_pauses_hand_overs_and_splits(history, db):
    requests = Request.objects
    assert requests.filter(resolution_breached=True, status="done").exists()
    assert requests.filter(response_breached=True).exists()
    assert requests.filter(early=True, slack_seconds__gt=0).exists()
    assert requests.filter(early=False, slack_seconds__lte=0).exists()
    waiting = requests.filter(status="waiting_on_requester")
    assert waiting.exists()
    assert not waiting.exclude(resolution_running_since=None).exists()  # the clock is paused
    assert requests.annotate(n=Count("hops")).filter(n__gt=1).exists()
    assert requests.filter(parent__isnull=False).exists()
    assert Request.unblocks.through.objects.filter(from_request__parent=None).exists()
    assert Event.objects.filter(kind="transferred").exists()
    assert Event.objects.filter(kind="status", data__from="done").exists()  # reopened
    assert set(Event.objects.values_list("kind", flat=True)) >= {
        "comment",
        "note",
        "warning",
        "breach",
        "paused",
        "resumed",
        "early",
        "decided",
    }


def test_approvals_end_approved_or_declined_with_a_reason(history, db):
    decided = Request.objects.filter(service__kind="approval", status="done")

    assert set(decided.values_list("decision", flat=True)) == {"approved", "declined"}
    assert not decided.filter(decision_reason="").exists()
    assert not Request.objects.exclude(service__kind="approval").exclude(decision="").exists()


def test_requests_reach_each_external_customer_along_the_chains(history, db):
    for name in ("Harbour Motors", "Alpine Fleet Leasing"):
        party = Party.objects.get(name=name)
        tied = Request.objects.filter(party=party)
        assert tied.count() > 100
        # only services whose chains end at that customer serve it
        for service in {r.service for r in tied.select_related("service")[:50]}:
            assert _reaches(service, party)


def _reaches(service, party) -> bool:
    seen, todo = set(), [service]
    while todo:
        current = todo.pop()
        if party in current.customer_parties.all():
            return True
        seen.add(current.pk)
        todo.extend(s for s in current.feeds.all() if s.pk not in seen)
    return False


def test_requests_arrive_mostly_in_open_hours_and_on_popular_services(history, db):
    rows = list(Request.objects.select_related("service__calendar"))
    inside = sum(r.service.calendar.engine().is_open(r.created_at) for r in rows)
    per_service = sorted(Counter(r.service_id for r in rows).values(), reverse=True)

    assert inside > 0.85 * len(rows)
    assert min(r.created_at for r in rows) >= NOW - timedelta(days=183)
    assert max(r.created_at for r in rows) <= NOW
    assert per_service[0] > 10 * per_service[-1]  # a long tail


def test_requesters_may_ask_and_assignees_work_for_the_provider(history, db):
    for request in Request.objects.select_related("service", "requester", "assignee"):
        service = request.service
        if service.audience == "listed":
            allowed = set(service.requester_people.values_list("pk", flat=True))
            assert request.requester_id in allowed or _in_requester_teams(
                request.requester, service
            )
        if request.assignee is not None:
            assert request.assignee_id == request.provider_person_id or (
                request.assignee.team_id == request.provider_team_id
            )


def _in_requester_teams(person, service) -> bool:
    allowed, team = set(service.requester_teams.values_list("pk", flat=True)), person.team
    while team is not None:
        if team.pk in allowed:
            return True
        team = team.parent
    return False


# -- consistent with the real write paths -------------------------------------------------------


def test_events_are_numbered_one_to_last_event_seq_without_gaps(history, db):
    gaps = (
        Request.objects.annotate(
            n=Count("events"), first=Min("events__seq"), last=Max("events__seq")
        )
        .exclude(n=F("last_event_seq"), first=1, last=F("last_event_seq"))
        .count()
    )

    assert gaps == 0


def test_status_events_replay_as_legal_moves_in_time_order(history, db):
    for request in _requests():
        status, at = "new", request.created_at
        for event in request.events.all():
            assert event.at >= at
            at = event.at
            if event.kind != "status":
                continue
            sides = frozenset(
                {Side.REQUESTER if event.actor_id == request.requester_id else Side.PROVIDER}
            )
            assert event.data["from"] == status
            lifecycle.check_transition(status, event.data["to"], sides)
            status = event.data["to"]
        assert status == request.status, request


def test_stored_clocks_are_what_the_core_clock_computes_from_the_events(history, db):
    for request in _requests():
        calendar = request.service.calendar.engine()
        response, resolution = _replayed_clocks(request, calendar)

        assert request.clock("response") == response, request
        assert request.clock("resolution") == resolution, request
        for name, clock in (("response", response), ("resolution", resolution)):
            due = clock.due(calendar)
            warn = clock.warning_due(calendar, request.service.warning_percent)
            assert getattr(request, f"{name}_due_at") == due
            assert getattr(request, f"{name}_warn_at") == warn
        dues = [d for d in (request.response_due_at, request.resolution_due_at) if d]
        assert request.queue_due_at == min(dues, default=NOT_DUE)


def _replayed_clocks(request: Request, calendar) -> tuple[Clock, Clock]:
    response = Clock.started(target=request.response_target, at=request.created_at)
    resolution = Clock.started(target=request.resolution_target, at=request.created_at)
    for event in request.events.all():
        if event.kind == "paused":
            resolution = resolution.paused(calendar, event.at)
        elif event.kind == "resumed":
            resolution = resolution.resumed(event.at)
        elif event.kind == "responded":
            response = response.paused(calendar, event.at)
            assert event.data["business_seconds"] == response.used
        elif event.kind == "status":
            if event.data["from"] in ("done", "cancelled"):
                resolution = resolution.resumed(event.at)
            if event.data["to"] in ("done", "cancelled"):
                resolution = resolution.paused(calendar, event.at)
            if event.data["to"] == "cancelled":
                response = response.paused(calendar, event.at)
    return response, resolution


def test_warnings_and_breaches_are_flagged_as_recorded(history, db):
    for request in _requests():
        kinds = Counter()
        for e in request.events.all():
            if e.kind == "status" and e.data["from"] in ("done", "cancelled"):
                # Reopened: the resolution clock's new run may be warned about and breached anew.
                kinds -= Counter({("warning", "resolution"): 1, ("breach", "resolution"): 1})
            if "clock" in e.data:
                kinds[e.kind, e.data["clock"]] += 1
        for name in ("response", "resolution"):
            assert kinds["warning", name] == getattr(request, f"{name}_warned")
            assert kinds["breach", name] == getattr(request, f"{name}_breached")


def test_the_checker_finds_nothing_left_to_record(history, db):
    assert clocks_check(now=NOW) == 0


def test_open_requests_go_on_through_the_services(history, db):
    working = Request.objects.filter(status="in_progress").exclude(service__kind="approval")
    request = working.exclude(assignee=None).first()
    waiting = Request.objects.filter(status="waiting_on_requester").first()
    later = NOW + timedelta(minutes=5)

    done = request_transition(actor=request.assignee, request_id=request.pk, to="done", now=later)
    answered = request_comment(
        actor=waiting.requester, request_id=waiting.pk, body="Here you go", now=later
    )

    assert done.status == "done" and done.last_event_seq > request.last_event_seq
    assert done.version == request.version + 1
    assert answered.status == "in_progress"
    assert answered.resolution_due_at is not None  # the paused clock runs again
    assert [e.seq for e in answered.events.all()] == list(range(1, answered.last_event_seq + 1))


# -- repeatable -----------------------------------------------------------------------------------


def test_the_same_seed_builds_the_same_history_and_another_seed_another(history, db):
    def build(seed: int) -> str:
        built = build_activity(requests=150, seed=seed, now=NOW)
        requests = Request.objects.filter(pk__gte=built.first_id)
        digest = _digest(requests)
        requests.delete()
        return digest

    first = build(7)

    assert build(7) == first
    assert build(8) != first


_NAMING_IDS = ("child", "unblocks", "blocked_by", "by_hop", "attributed_to")


def _digest(requests) -> str:
    """The rows' key fields, by natural keys (ids differ between databases and runs)."""
    lines = []
    ordered = requests.select_related("service", "requester", "assignee", "party", "parent")
    for r in ordered.prefetch_related("events__actor", "hops__team").order_by("pk"):
        lines.append(
            repr(
                (
                    r.service.slug,
                    r.requester.email,
                    r.assignee and r.assignee.email,
                    r.party and r.party.name,
                    r.parent and r.parent.title,
                    r.title,
                    r.priority,
                    r.status,
                    r.created_at.isoformat(),
                    r.done_at and r.done_at.isoformat(),
                    r.response_used,
                    r.resolution_used,
                    r.resolution_due_at and r.resolution_due_at.isoformat(),
                    r.resolution_breached,
                    r.early,
                    r.version,
                    r.last_event_seq,
                )
            )
        )
        for e in r.events.all():
            data = {
                k: v
                for k, v in e.data.items()
                if k not in ("child", "unblocks", "blocked_by", "by_hop", "attributed_to")
            }
            actor = e.actor and e.actor.email
            lines.append(repr((e.seq, e.kind, actor, e.at.isoformat(), sorted(data.items()))))
        for h in r.hops.all():
            lines.append(repr((h.team and h.team.name, h.started_at, h.ended_at)))
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def test_it_reports_how_long_the_default_build_takes(history, db, capsys):
    with capsys.disabled():
        print(
            f"\n  3,000 requests, {history.events:,} events, {history.hops:,} hops and "
            f"{history.links:,} links built in {history.seconds:.2f} s on {connection.vendor}"
        )


# -- the simulation alone, without a database ---------------------------------------------------

OFFICE = calendar_from_mapping(
    {
        "timezone": "Europe/Berlin",
        "hours": {day: ["09:00-17:00"] for day in ("mon", "tue", "wed", "thu", "fri")},
    }
)
RITA, PIA, LARS = 1, 2, 3  # a requester; a provider and the lead of Assembly
ASSEMBLY, NIGHT_SHIFT = 10, 30  # Night shift has nobody on it


def _world() -> World:
    def service(slug: str, team: int) -> ServiceFacts:
        return ServiceFacts(
            id=len(slug),
            slug=slug,
            name=slug.replace("-", " ").capitalize(),
            kind="work_item",
            calendar=OFFICE,
            warning_percent=75,
            confidential=False,
            promises={"normal": (3600, 8 * 3600)},
            provider_team_id=team,
            provider_person_id=None,
            askers=None,
            provider_side=frozenset({PIA, LARS}),
            requesters=(RITA,),
            customers=(),
            parties=(),
            upstream=(),
            transfer_teams=(),
        )

    return World(
        services=(service("wheel-fitting", ASSEMBLY), service("night-cover", NIGHT_SHIFT)),
        people={RITA: "Rita Requester", PIA: "Pia Provider", LARS: "Lars Lead"},
        parties={},
        team_names={ASSEMBLY: "Assembly", NIGHT_SHIFT: "Night shift"},
        team_leads={ASSEMBLY: LARS, NIGHT_SHIFT: None},
        team_members={ASSEMBLY: frozenset({PIA, LARS}), NIGHT_SHIFT: frozenset()},
        handlers={ASSEMBLY: (LARS, PIA), NIGHT_SHIFT: ()},
        leads_above={ASSEMBLY: frozenset({LARS}), NIGHT_SHIFT: frozenset()},
        admins=frozenset(),
    )


MONDAY_9 = datetime(2026, 11, 23, 8, 0, 30, tzinfo=UTC)  # 09:00:30 in Berlin


def _simulate(seed: int, service: int = 0, now: datetime = MONDAY_9 + timedelta(days=30)):
    world = _world()
    return simulate_request(
        world,
        world.services[service],
        Random(seed),
        request_id=1,
        created_at=MONDAY_9,
        now=now,
    )


def test_simulating_a_request_depends_only_on_its_inputs():
    assert _simulate(5) == _simulate(5)
    assert _simulate(5) != _simulate(6)


def test_a_simulated_request_is_finished_by_its_provider_with_its_clocks_stopped():
    (record,) = _simulate(5)
    fields = record.fields

    assert fields["status"] == "done"
    assert fields["assignee_id"] in (PIA, LARS)
    assert fields["response_running_since"] is None and fields["resolution_running_since"] is None
    assert fields["queue_due_at"] == NOT_DUE
    assert [e.seq for e in record.events] == list(range(1, fields["last_event_seq"] + 1))
    assert record.hops[-1].ended_at == fields["done_at"]


def test_a_request_nobody_takes_is_warned_and_breached_at_the_checkers_minutes():
    (record,) = _simulate(1, service=1, now=MONDAY_9 + timedelta(hours=3))
    checks = [(e.kind, e.data["clock"], e.at) for e in record.events if e.kind != "created"]

    assert record.fields["status"] == "new"
    # 1 h to answer from 09:00:30: the warning is due 09:45:30, the breach 10:00:30, and the
    # checker, running every minute, records them at 09:46 and 10:01.
    assert checks == [
        ("warning", "response", datetime(2026, 11, 23, 8, 46, tzinfo=UTC)),
        ("breach", "response", datetime(2026, 11, 23, 9, 1, tzinfo=UTC)),
    ]
    assert record.fields["version"] == 1  # the checker's events leave the version
    assert record.fields["response_warned"] and record.fields["response_breached"]
