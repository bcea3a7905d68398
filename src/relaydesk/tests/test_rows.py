"""The hand-written reads on the API's hot path give what the ORM gives, on both databases."""

from datetime import timedelta

from django.db import connection
from django.db.models import Model
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from relaydesk.catalog.models import Service
from relaydesk.catalog.selectors import service_to_ask
from relaydesk.directory.models import ApiToken, Person
from relaydesk.directory.selectors import person_for_token, teams_led_by
from relaydesk.directory.services import api_token_create
from relaydesk.events.models import OutboxEvent
from relaydesk.rows import INSERT_BATCH, insert_all
from relaydesk.servicerequests.models import Event, Request


def field_values(instance: Model) -> dict:
    return {field.attname: getattr(instance, field.attname) for field in instance._meta.fields}


def test_a_service_to_ask_is_the_orm_s_own_with_calendar_provider_and_promises(catalog):
    service = service_to_ask("wheel-fitting")
    loaded = (
        Service.objects.select_related("calendar", "provider_team", "provider_person")
        .prefetch_related("promises")
        .get(slug="wheel-fitting")
    )
    assert field_values(service) == field_values(loaded)
    assert field_values(service.calendar) == field_values(loaded.calendar)
    assert service.calendar.definition == loaded.calendar.definition  # JSON decoded
    assert field_values(service.provider_team) == field_values(loaded.provider_team)
    assert service.provider_person is None
    with CaptureQueriesContext(connection) as read:
        promises = sorted((p.priority, p.first_response_minutes) for p in service.promises.all())
        engine = service.calendar.engine()
    assert promises == [("normal", 60), ("urgent", 15)]
    assert engine.due(timezone.now(), 60) > timezone.now()
    assert not read.captured_queries  # all of it came with the one read


def test_a_service_without_promises_or_provider_team_and_an_unknown_slug(catalog, org):
    Service.objects.filter(pk=catalog.approvals.pk).update(
        provider_team=None, provider_person=org.member
    )
    catalog.approvals.promises.all().delete()
    service = service_to_ask("purchase-approval")
    assert list(service.promises.all()) == []
    assert service.provider_team is None
    assert service.provider_person == org.member
    assert service_to_ask("no-such-service") is None


def test_a_token_finds_its_active_person_as_the_orm_reads_them(org):
    _, secret = api_token_create(person=org.member, name="script")
    person = person_for_token(secret)
    assert field_values(person) == field_values(Person.objects.get(pk=org.member.pk))
    assert person_for_token(secret + "x") is None
    org.member.is_active = False
    org.member.save()
    assert person_for_token(secret) is None


def test_a_token_s_use_is_noted_once_in_its_resolution(org):
    token, secret = api_token_create(person=org.member, name="script")
    person_for_token(secret)
    first = ApiToken.objects.get(pk=token.pk).last_used_at
    assert first is not None
    person_for_token(secret)
    assert ApiToken.objects.get(pk=token.pk).last_used_at == first
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - timedelta(minutes=6))
    person_for_token(secret)
    assert ApiToken.objects.get(pk=token.pk).last_used_at > first - timedelta(minutes=1)


def test_what_a_token_knows_of_leadership_matches_a_full_read(org):
    for someone in (org.lead, org.member, org.admin):
        _, secret = api_token_create(person=someone, name="script")
        fresh = Person.objects.get(pk=someone.pk)
        assert teams_led_by(person_for_token(secret)) == teams_led_by(fresh)
    assert teams_led_by(Person.objects.get(pk=org.lead.pk)) == {org.assembly.pk}


def test_inserted_rows_get_their_keys_and_a_repeated_outbox_key_is_skipped(db):
    first = OutboxEvent(kind="digest.weekly", payload={"person": 1}, key="digest:1:2026-W49")
    other = OutboxEvent(kind="digest.weekly", payload={"person": 2}, key="digest:2:2026-W49")
    insert_all([first], ignore_conflicts=True)
    again = OutboxEvent(kind="digest.weekly", payload={"person": 1}, key="digest:1:2026-W49")
    insert_all([again, other], ignore_conflicts=True)
    stored = dict(OutboxEvent.objects.values_list("key", "payload"))
    assert stored == {"digest:1:2026-W49": {"person": 1}, "digest:2:2026-W49": {"person": 2}}
    keyed = OutboxEvent(kind="request.created", payload={"n": 1})
    insert_all([keyed])
    assert OutboxEvent.objects.get(pk=keyed.pk).payload == {"n": 1}
    assert not keyed._state.adding


def test_a_row_takes_the_key_of_a_related_object_saved_after_it_was_set(catalog, org):
    request = Request(
        service=catalog.wheels,
        requester=org.member,
        title="Fit winter tyres",
        priority="normal",
        created_at=timezone.now(),
    )
    event = Event(request=request, seq=1, kind="created", at=timezone.now(), data={"a": [1]})
    insert_all([request])
    insert_all([event])
    assert Event.objects.get(pk=event.pk).request_id == request.pk
    assert Request.objects.get(pk=request.pk).title == "Fit winter tyres"


def test_many_rows_go_in_batches_and_keep_their_order(catalog, org):
    request = Request(
        service=catalog.wheels,
        requester=org.member,
        title="t",
        priority="normal",
        created_at=timezone.now(),
    )
    insert_all([request])
    now = timezone.now()
    events = [
        Event(request=request, seq=n, kind="commented", at=now, data={"n": n})
        for n in range(1, 2 * INSERT_BATCH + 8)
    ]
    insert_all(events)
    assert [Event.objects.get(pk=e.pk).data["n"] for e in events] == list(
        range(1, 2 * INSERT_BATCH + 8)
    )
