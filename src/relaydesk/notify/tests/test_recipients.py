"""Who is told what about a request: never the actor, never about a request they may not see,
never an internal note to the requester."""

import pytest

from relaydesk.catalog.services import PromiseSpec, ServiceSpec, service_save
from relaydesk.events.registry import SUBSCRIPTIONS
from relaydesk.notify.models import Kind, Notification
from relaydesk.notify.rules import REQUEST_EVENT_KINDS
from relaydesk.servicerequests.services import request_comment, request_create, request_transition


def told(request) -> set[tuple[str, str]]:
    """(name, kind) of everyone told about `request`."""
    return {
        (note.recipient.name, note.kind)
        for note in Notification.objects.filter(url=request.get_absolute_url())
    }


@pytest.fixture
def handled(worker):
    def handle(request):
        worker.run_until_idle()
        return told(request)

    return handle


def test_it_listens_to_every_request_event_it_has_words_for():
    kinds = {sub.kind for sub in SUBSCRIPTIONS.values() if sub.name.startswith("relaydesk.notify")}

    assert {f"request.{kind}" for kind in REQUEST_EVENT_KINDS} <= kinds
    assert "request.note" not in kinds


def test_a_confidential_arrival_is_news_to_the_lead_only(org, grievances, handled):
    created = request_create(requester=org.outsider, service=grievances, title="About Max")

    assert handled(created) == {("Lena Lead", Kind.NEW_IN_QUEUE)}


def test_nobody_is_told_of_their_own_action(org, catalog, handled):
    created = request_create(requester=org.lead, service=catalog.wheels, title="Spare wheel")

    assert handled(created) == {("Max Member", Kind.NEW_IN_QUEUE)}


def test_people_who_left_are_not_told(org, catalog, handled):
    org.member.is_active = False
    org.member.save()
    created = request_create(requester=org.outsider, service=catalog.wheels, title="Fit tyres")

    assert handled(created) == {("Lena Lead", Kind.NEW_IN_QUEUE)}


def test_an_internal_note_never_reaches_the_requester(org, catalog, handled):
    created = request_create(requester=org.outsider, service=catalog.wheels, title="Fit tyres")
    request_comment(actor=org.member, request_id=created.pk, body="Olga again", internal=True)

    assert ("Olga Outsider", Kind.REPLY) not in handled(created)
    assert not Notification.objects.filter(recipient=org.outsider).exists()


def test_a_requester_who_writes_reaches_whoever_holds_the_request(org, catalog, handled):
    created = request_create(requester=org.outsider, service=catalog.wheels, title="Fit tyres")
    request_comment(actor=org.outsider, request_id=created.pk, body="Any news?")

    # Nobody has taken it: the team's lead holds it.
    assert ("Lena Lead", Kind.REPLY) in handled(created)
    assert ("Max Member", Kind.REPLY) not in handled(created)


def test_a_personal_service_tells_its_provider_once(org, catalog, handled):
    advice = service_save(
        actor=None,
        spec=ServiceSpec(
            slug="max-advice",
            name="Ask Max",
            kind="advice",
            calendar=catalog.office,
            provider_person=org.member,
            promises={"normal": PromiseSpec(60, 480)},
        ),
    )
    created = request_create(requester=org.outsider, service=advice, title="Which tyres?")

    assert handled(created) == {("Max Member", Kind.ASSIGNED)}
    assert Notification.objects.get().title == (
        f"#{created.pk} Which tyres?: assigned to Max Member (the provider)"
    )


def test_a_decided_approval_says_how(org, catalog, handled):
    created = request_create(requester=org.member, service=catalog.approvals, title="Tyres")
    request_transition(
        actor=org.outsider, request_id=created.pk, to="done", decision="declined", message="No"
    )
    handled(created)

    done = Notification.objects.get(recipient=org.member, kind=Kind.DONE)
    assert done.title == f"#{created.pk} Tyres: declined"
    assert done.body.startswith("No\n\nHow was it? Rate it: http")
