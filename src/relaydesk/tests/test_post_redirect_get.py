"""Post/Redirect/Get (issue 14: "a reload must never re-send"): every page that takes a form
answers a successful POST with a redirect to a page that shows what it did, never with a page
of its own, so reloading what the browser shows sends nothing again.

The URL patterns come from the resolver: one that takes a POST and is neither in FORMS (with
valid data, someone allowed to send it and what the page it lands on shows) nor in NOT_FORMS
(with the reason) fails the test, so a new form cannot be forgotten.
"""

import inspect
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from html import unescape
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from relaydesk.conftest import Catalog, Org
from relaydesk.directory.models import Person
from relaydesk.directory.services import absence_declare, api_token_create
from relaydesk.events.worker import Worker
from relaydesk.feedback import links
from relaydesk.feedback.models import ITEMS
from relaydesk.feedback.services import survey_create
from relaydesk.notify.models import Notification
from relaydesk.notify.services import unsubscribe_token, webhook_create
from relaydesk.servicerequests.models import Request
from relaydesk.servicerequests.services import Slot, request_assign, request_create
from relaydesk.servicerequests.services import request_transition as move
from relaydesk.testing import PASSWORD, signed_in_client, tyre_clinic

# Whole parts of the site that are not the product's page forms, by the start of their path.
NOT_FORMS = {
    "admin/": "Django's admin: its own forms already redirect after a save, and it is no "
    "page of the product",
    "api/v1/": "the JSON API: programs post to it and get the resource they made or changed "
    "back; there is no page to reload",
}


@dataclass(frozen=True)
class Route:
    path: str
    name: str
    view: Callable


def routes(
    resolver: URLResolver | None = None, prefix: str = "", space: str = ""
) -> Iterator[Route]:
    """Every URL pattern of the project, with its full path and namespaced name."""
    for entry in (resolver or get_resolver()).url_patterns:
        path = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = ":".join(filter(None, (space, entry.namespace)))
            yield from routes(entry, path, inner)
        elif isinstance(entry, URLPattern):
            yield Route(path, f"{space}:{entry.name}" if space else entry.name, entry.callback)


def takes_post(view: Callable) -> bool:
    """Does the view act on a POST? A class-based view has a `post`; a function's source (its
    decorators included) names POST: `@require_POST`, `request.method == "POST"`,
    `request.POST`."""
    view_class = getattr(view, "view_class", None)
    if view_class is not None:
        return hasattr(view_class, "post") and "post" in view_class.http_method_names
    return "POST" in inspect.getsource(inspect.unwrap(view))


def post_routes() -> list[Route]:
    return [
        route
        for route in routes()
        if not route.path.startswith(tuple(NOT_FORMS)) and takes_post(route.view)
    ]


@dataclass(frozen=True)
class Post:
    """A valid form as someone allowed to send it sends it, and what the page it lands on
    then shows."""

    person: Person | None  # None: a link that works without signing in
    data: dict[str, Any]
    shows: str
    kwargs: dict[str, Any] = field(default_factory=dict)


FORMS: dict[str, Callable[[Org, Catalog], Post]] = {}


def form(name: str) -> Callable:
    def register(make: Callable[[Org, Catalog], Post]) -> Callable[[Org, Catalog], Post]:
        FORMS[name] = make
        return make

    return register


def as_shown(person: Person, url: str, **changes: Any) -> dict[str, Any]:
    """The form on the page at `url` as it is shown filled in, with `changes` typed over it."""
    shown = signed_in_client(person).get(url).context["form"]
    data: dict[str, Any] = {}
    for name in shown.fields:
        value = shown[name].value()
        if value is None or value is False:
            continue
        data[shown.add_prefix(name)] = "on" if value is True else value
    return data | changes


def _asked(org: Org, catalog: Catalog) -> Request:
    return request_create(requester=org.outsider, service=catalog.wheels, title="Fit winter tyres")


def _done(org: Org, catalog: Catalog) -> Request:
    asked = _asked(org, catalog)
    request_assign(actor=org.lead, request_id=asked.pk, assignee=org.member)
    return move(actor=org.member, request_id=asked.pk, to="done")


def _local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


# -- signing in and out ------------------------------------------------------------------------


@form("login")
def _(org, catalog):
    return Post(None, {"username": org.member.email, "password": PASSWORD}, shows="Max Member")


@form("logout")
def _(org, catalog):
    return Post(org.member, {}, shows="Sign in")


# -- requests ----------------------------------------------------------------------------------


@form("servicerequests:new")
def _(org, catalog):
    data = {"title": "Fit winter tyres", "priority": "normal"}
    shows = "Your request is sent to Assembly."
    return Post(org.outsider, data, shows, {"slug": catalog.wheels.slug})


@form("servicerequests:status")
def _(org, catalog):
    asked = _asked(org, catalog)
    data = {"to": "acknowledged", "version": asked.version}
    return Post(org.member, data, "moved it from new to acknowledged", {"pk": asked.pk})


@form("servicerequests:comment")
def _(org, catalog):
    asked = _asked(org, catalog)
    data = {"body": "Which van is it?", "kind": "reply", "version": asked.version}
    return Post(org.member, data, "Which van is it?", {"pk": asked.pk})


@form("servicerequests:assign")
def _(org, catalog):
    asked = _asked(org, catalog)
    data = {"assignee": org.member.pk, "version": asked.version}
    return Post(org.lead, data, "gave it to Max Member", {"pk": asked.pk})


@form("servicerequests:transfer")
def _(org, catalog):
    asked = _asked(org, catalog)
    data = {"team": org.purchasing.pk, "message": "Purchasing buys tyres", "version": asked.version}
    return Post(
        org.member, data, f"Request #{asked.pk} is out of your hands now.", {"pk": asked.pk}
    )


@form("servicerequests:split")
def _(org, catalog):
    asked = _asked(org, catalog)
    data = {"service": catalog.approvals.slug, "title": "Approve the tyres", "priority": "normal"}
    return Post(org.member, data, "split off", {"pk": asked.pk})


@form("servicerequests:slot")
def _(org, catalog):
    clinic = tyre_clinic(org, catalog)
    start = timezone.now() + timedelta(days=2)
    asked = request_create(
        requester=org.outsider,
        service=clinic,
        title="Talk tyres",
        proposed_slots=[Slot(start, start + timedelta(minutes=30))],
    )
    data = {"slot": 0, "version": asked.version}
    return Post(org.member, data, "picked the time", {"pk": asked.pk})


@form("servicerequests:team_queue_policy")
def _(org, catalog):
    return Post(org.lead, {"policy": "parity"}, "The queue now follows", {"pk": org.assembly.pk})


# -- the catalog -------------------------------------------------------------------------------


@form("catalog:service_new")
def _(org, catalog):
    data = as_shown(
        org.admin, f"/services/{catalog.wheels.slug}/edit/", name="Rim repair", slug="rim-repair"
    )
    return Post(org.admin, data, "Rim repair is saved.")


@form("catalog:service_edit")
def _(org, catalog):
    url = f"/services/{catalog.wheels.slug}/edit/"
    data = as_shown(org.lead, url, description="Fits wheels, tyres and rims.")
    return Post(org.lead, data, "Wheel fitting is saved.", {"slug": catalog.wheels.slug})


@form("catalog:calendar_new")
def _(org, catalog):
    data = as_shown(org.admin, f"/calendars/{catalog.office.pk}/edit/", name="Night shift")
    return Post(org.admin, data, "Night shift is saved.")


@form("catalog:calendar_edit")
def _(org, catalog):
    data = as_shown(org.admin, f"/calendars/{catalog.office.pk}/edit/")
    return Post(org.admin, data, "Office hours is saved.", {"pk": catalog.office.pk})


# -- the directory -----------------------------------------------------------------------------


@form("directory:absences")
def _(org, catalog):
    start = timezone.now() + timedelta(days=1)
    data = {
        "person": org.member.pk,
        "starts_at": _local(start),
        "ends_at": _local(start + timedelta(days=3)),
        "note": "Skiing",
    }
    return Post(org.member, data, "The absence is saved.")


@form("directory:absence_end")
def _(org, catalog):
    now = timezone.now()
    away = absence_declare(
        actor=org.member,
        person=org.member,
        starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(days=2),
    )
    return Post(org.member, {}, "absence is ended", {"pk": away.pk})


@form("directory:tokens")
def _(org, catalog):
    return Post(org.member, {"name": "report script"}, "copy it now")


@form("directory:token_revoke")
def _(org, catalog):
    token, _ = api_token_create(person=org.member, name="report script")
    return Post(org.member, {}, "The token is revoked", {"pk": token.pk})


# -- the outbox --------------------------------------------------------------------------------


@form("events:outbox_retry")
def _(org, catalog):
    return Post(org.admin, {}, "parked event(s) put back in line")


# -- feedback ----------------------------------------------------------------------------------

SCORES = {"satisfaction": 5, "ease": 7, "comment": "Quick and friendly"}


@form("feedback:rate")
def _(org, catalog):
    done = _done(org, catalog)
    return Post(org.outsider, SCORES, "your rating is saved", {"pk": done.pk})


@form("feedback:rate_by_link")
def _(org, catalog):
    done = _done(org, catalog)
    return Post(None, SCORES, "Your rating of", {"token": links.rating_token(done.pk)})


@form("feedback:clarity")
def _(org, catalog):
    done = _done(org, catalog)
    data = {"score": 2, "reason": "missing the cost centre"}
    return Post(org.member, data, "how clear the request was is saved", {"pk": done.pk})


@form("feedback:kudos")
def _(org, catalog):
    data = {"to": f"person-{org.member.pk}", "message": "Thank you!", "public": "on"}
    return Post(org.outsider, data, "Your thanks went to Max Member.")


def _survey(org, catalog):
    _asked(org, catalog)  # Olga, outside Assembly, asked it: she is invited
    now, today = timezone.now(), timezone.localdate()
    return survey_create(
        actor=org.lead,
        team=org.assembly,
        title="How do we serve you?",
        window_start=today - timedelta(days=30),
        window_end=today,
        opens_at=now - timedelta(minutes=1),
        closes_at=now + timedelta(days=14),
    )


@form("feedback:team_surveys")
def _(org, catalog):
    _asked(org, catalog)
    now, today = timezone.now(), timezone.localdate()
    data = {
        "title": "How do we serve you?",
        "window_start": today - timedelta(days=30),
        "window_end": today,
        "opens_at": _local(now),
        "closes_at": _local(now + timedelta(days=14)),
    }
    return Post(org.lead, data, "colleagues are invited", {"pk": org.assembly.pk})


@form("feedback:survey")
def _(org, catalog):
    survey = _survey(org, catalog)
    return Post(org.lead, {}, "reminder(s) sent", {"pk": survey.pk})


@form("feedback:survey_answer")
def _(org, catalog):
    _survey(org, catalog)
    Worker().run_until_idle()
    invitation = Notification.objects.get(recipient=org.outsider, kind="survey")
    token = re.search(r"/surveys/answer/([^/]+)/", invitation.url).group(1)
    data = {item: 6 for item in ITEMS} | {"recommend": 9}
    return Post(None, data, "are in, with no name beside them", {"token": token})


# -- notifications -----------------------------------------------------------------------------


def _notification(org) -> Notification:
    return Notification.objects.create(
        recipient=org.member, kind="reply", title="Olga wrote back", url="/", source_key="t"
    )


@form("notify:read")
def _(org, catalog):
    told = _notification(org)
    return Post(org.member, {}, "Olga wrote back", {"pk": told.pk})


@form("notify:read_all")
def _(org, catalog):
    _notification(org)
    return Post(org.member, {}, "Olga wrote back")


@form("notify:settings")
def _(org, catalog):
    data = as_shown(org.member, "/notifications/settings/")
    return Post(org.member, data, "Your choices are saved.")


HOOK = {"name": "Assembly chat", "url": "https://chat.example.com/hook", "kinds": ["reply"]}


def _hook(org):
    return webhook_create(actor=org.lead, team=org.assembly, **HOOK)


@form("notify:webhooks")
def _(org, catalog):
    data = HOOK | {"team": org.assembly.pk, "format": "json"}
    return Post(org.lead, data, "The webhook is set up.")


@form("notify:webhook_active")
def _(org, catalog):
    return Post(org.lead, {}, "Assembly chat", {"pk": _hook(org).pk})


@form("notify:webhook_delete")
def _(org, catalog):
    return Post(org.lead, {}, "The webhook is removed.", {"pk": _hook(org).pk})


@form("notify:unsubscribe")
def _(org, catalog):
    token = unsubscribe_token(person=org.member, kind="reply")
    return Post(None, {}, "Max Member gets no more email for", {"token": token})


# -- the tests ---------------------------------------------------------------------------------


def test_every_page_taking_a_post_is_posted_here_or_said_why_not():
    taking = {route.name for route in post_routes()}

    assert sorted(taking - set(FORMS)) == [], "add them to FORMS, or their path to NOT_FORMS"
    assert sorted(set(FORMS) - taking) == [], "no such page takes a POST any more"


def test_pages_without_a_form_are_not_taken_for_forms():
    # The walk itself: pages that only show are left out, and a form of each kind is found.
    taking = {route.name for route in post_routes()}

    assert {"home", "servicerequests:queue", "directory:person"}.isdisjoint(taking)
    assert {"login", "directory:tokens", "notify:read_all"} <= taking


@pytest.mark.parametrize("name", sorted(FORMS))
def test_a_form_sent_answers_with_a_redirect_to_a_page_that_shows_what_it_did(org, catalog, name):
    post = FORMS[name](org, catalog)
    client = signed_in_client(post.person) if post.person else Client()

    sent = client.post(reverse(name, kwargs=post.kwargs), post.data)

    assert sent.status_code in (302, 303), (
        f"{name} answered {sent.status_code}: "
        f"{sent.context['form'].errors if sent.context and 'form' in sent.context else ''}"
    )
    landed = client.get(sent["Location"])
    assert landed.status_code == 200
    assert post.shows in unescape(landed.text)
