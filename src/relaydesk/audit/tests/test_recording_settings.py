"""Where requests go and where news of them is sent is recorded too (SPEC §6): webhooks, a
team's queue order, routing and work limit, what a service feeds, and the external parties at
the ends of chains; made through the pages, the API or the admin. A change refused leaves no
entry."""

import json

import pytest

from relaydesk.audit.tests.support import API, admin_change, admin_form, only, send
from relaydesk.directory.models import Party, Team
from relaydesk.notify.models import Webhook
from relaydesk.testing import signed_in_client

WEBHOOKS = "/notifications/webhooks/"
HOOK = {
    "name": "Assembly chat",
    "url": "https://chat.example.com/hook",
    "kinds": ["reply", "breach"],
    "format": "slack",
}


def ref(obj) -> dict:
    return {"id": obj.pk, "name": str(obj)}


def answer(client, method: str, path: str, payload: dict) -> int:
    """The status the API answers a JSON request with."""
    return getattr(client, method)(path, payload, content_type="application/json").status_code


# -- webhooks -----------------------------------------------------------------------------------


def test_a_webhook_set_up_paused_and_removed_is_recorded_without_its_secret(org, logged):
    client = signed_in_client(org.lead)

    assert client.post(WEBHOOKS, HOOK | {"team": org.assembly.pk}).status_code == 302
    hook = Webhook.objects.get()
    assert client.post(f"{WEBHOOKS}{hook.pk}/active/").status_code == 302  # no "active": pause
    assert client.post(f"{WEBHOOKS}{hook.pk}/delete/").status_code == 302

    entries = logged()
    assert [(entry.actor, entry.action, entry.target_id) for entry in entries] == [
        (org.lead, "webhook.created", hook.pk),
        (org.lead, "webhook.changed", hook.pk),
        (org.lead, "webhook.deleted", hook.pk),
    ]
    created, paused, removed = entries
    where = {
        "name": "Assembly chat",
        "url": "https://chat.example.com/hook",
        "team": ref(org.assembly),
        "kinds": ["reply", "breach"],
        "format": "slack",
    }
    assert (created.before, created.after) == ({}, where | {"active": True, "secret_set": True})
    assert (paused.before, paused.after) == ({"active": True}, {"active": False})
    assert (removed.before, removed.after) == (where | {"active": False}, {})
    kept = json.dumps([[entry.before, entry.after, entry.target_label] for entry in entries])
    assert hook.secret not in kept


def test_resuming_a_webhook_that_runs_records_nothing(org, logged):
    hook = Webhook.objects.create(name="Everyone", url="https://y.example", created_by=org.admin)

    response = signed_in_client(org.admin).post(f"{WEBHOOKS}{hook.pk}/active/", {"active": "on"})

    assert response.status_code == 302
    assert logged() == []


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"url": "ftp://chat.example.com/hook"}, "url"),
        ({"url": "http://127.0.0.1:8000/hook"}, "url"),
        ({"team": "purchasing"}, "team"),  # not a team Lena leads
    ],
)
def test_a_webhook_refused_leaves_no_entry(org, logged, changes, field):
    teams = {"assembly": org.assembly.pk, "purchasing": org.purchasing.pk}
    posted = HOOK | {"team": org.assembly.pk} | changes
    posted["team"] = teams.get(posted["team"], posted["team"])

    response = signed_in_client(org.lead).post(WEBHOOKS, posted)

    assert response.status_code != 302
    assert field in response.context["form"].errors
    assert not Webhook.objects.exists()
    assert logged() == []


def test_someone_elses_webhook_cannot_be_removed_and_nothing_is_recorded(org, logged):
    hook = Webhook.objects.create(name="Buyers", url="https://x.example", team=org.purchasing)

    response = signed_in_client(org.lead).post(f"{WEBHOOKS}{hook.pk}/delete/")

    assert response.status_code == 404
    assert Webhook.objects.filter(pk=hook.pk).exists()
    assert logged() == []


def test_only_admins_read_what_a_lead_did(org, logged):
    signed_in_client(org.lead).post(WEBHOOKS, HOOK | {"team": org.assembly.pk})
    entry = only(logged())

    for person in (org.member, org.lead):
        client = signed_in_client(person)
        assert client.get("/audit/").status_code == 403
        assert client.get(f"{API}/audit").status_code == 403
    read = signed_in_client(org.admin).get(f"{API}/audit", {"action": "webhook.created"}).json()
    assert [(item["id"], item["actor"]["name"]) for item in read["items"]] == [
        (entry.pk, "Lena Lead")
    ]
    assert "Webhook added" in signed_in_client(org.admin).get("/audit/").text


# -- a team's queue, routing and work limit -----------------------------------------------------


@pytest.mark.parametrize("where", ["page", "api"])
def test_a_queue_order_chosen_by_the_lead_is_recorded(org, logged, where):
    if where == "page":
        response = signed_in_client(org.lead).post(
            f"/teams/{org.assembly.pk}/queue/policy/", {"policy": "parity"}
        )
        assert response.status_code == 302
    else:
        send(org.lead, "put", f"/teams/{org.assembly.pk}/queue-policy", {"policy": "parity"})

    entry = only(logged())
    assert (entry.actor, entry.action, entry.target_id, entry.target_label) == (
        org.lead,
        "team.changed",
        org.assembly.pk,
        "Assembly",
    )
    assert (entry.before, entry.after) == (
        {"queue_policy": "earliest_due"},
        {"queue_policy": "parity"},
    )


def test_a_queue_order_refused_leaves_no_entry(org, logged):
    lead, member = signed_in_client(org.lead), signed_in_client(org.member)
    page = f"/teams/{org.assembly.pk}/queue/policy/"
    api = f"{API}/teams/{org.assembly.pk}/queue-policy"

    assert lead.post(page, {"policy": "loudest_first"}).status_code == 400
    assert answer(lead, "put", api, {"policy": "loudest_first"}) == 422
    assert answer(member, "put", api, {"policy": "parity"}) == 403
    assert lead.post(page, {"policy": "earliest_due"}).status_code == 302  # as it was: no change

    assert Team.objects.get(pk=org.assembly.pk).queue_policy == "earliest_due"
    assert logged() == []


def test_a_teams_routing_and_work_limit_set_in_the_admin_are_recorded(org, logged):
    admin_change(
        org.admin, org.assembly, wip_limit=3, assignment_policy="round_robin", queue_policy="parity"
    )

    entry = only(logged())
    assert (entry.actor, entry.action, entry.target_id) == (
        org.admin,
        "team.changed",
        org.assembly.pk,
    )
    assert entry.before == {
        "wip_limit": None,
        "assignment_policy": "manual",
        "queue_policy": "earliest_due",
    }
    assert entry.after == {
        "wip_limit": 3,
        "assignment_policy": "round_robin",
        "queue_policy": "parity",
    }


def test_a_work_limit_the_admin_refuses_leaves_no_entry(org, logged):
    path = f"/admin/directory/team/{org.assembly.pk}/change/"

    response = signed_in_client(org.admin).post(path, admin_form(org.assembly, wip_limit=0))

    assert response.status_code == 200
    assert "wip_limit" in response.context["adminform"].form.errors
    assert Team.objects.get(pk=org.assembly.pk).wip_limit is None
    assert logged() == []


# -- what a service feeds -----------------------------------------------------------------------


def hearing(org, catalog, **changes) -> dict:
    """A service Lena may keep, as the API takes it."""
    return {
        "slug": "hearing",
        "name": "Hearing",
        "kind": "advice",
        "provider_team_id": org.assembly.pk,
        "calendar_id": catalog.office.pk,
        "promises": {"normal": {"first_response_minutes": 60, "resolution_minutes": 480}},
    } | changes


def test_what_a_service_feeds_is_recorded(org, catalog, logged):
    send(org.lead, "post", "/services", hearing(org, catalog))
    published = only(logged())

    send(org.lead, "put", "/services/hearing", hearing(org, catalog, feeds=["wheel-fitting"]))
    send(org.lead, "put", "/services/hearing", hearing(org, catalog, feeds=[]))

    assert "feeds" not in published.after  # it fed nothing: there was nothing to say
    fed, unfed = logged(published.pk)
    assert (fed.actor, fed.action, fed.target_label) == (org.lead, "service.feeds", "Hearing")
    assert (fed.before, fed.after) == ({"feeds": []}, {"feeds": [ref(catalog.wheels)]})
    assert (unfed.before, unfed.after) == ({"feeds": [ref(catalog.wheels)]}, {"feeds": []})


def test_a_service_saved_with_a_loop_leaves_no_entry_at_all(org, catalog, logged):
    send(org.lead, "post", "/services", hearing(org, catalog))
    published = only(logged())
    client = signed_in_client(org.lead)

    # Renamed and made to feed itself: the loop refuses the whole save, the name with it.
    response = client.put(
        f"{API}/services/hearing",
        hearing(org, catalog, name="Grievance hearing", feeds=["hearing"]),
        content_type="application/json",
    )

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "feeds"
    assert logged(published.pk) == []
    assert client.get(f"{API}/services/hearing").json()["name"] == "Hearing"


# -- external parties ---------------------------------------------------------------------------


def test_parties_kept_through_the_api_are_recorded(org, logged):
    created = send(org.admin, "post", "/parties", {"name": "Dockside Logistics", "kind": "vendor"})
    party_id = created.json()["id"]
    send(
        org.admin,
        "put",
        f"/parties/{party_id}",
        {"name": "Dockside Logistics", "kind": "customer", "description": "Now buys from us."},
    )

    added, changed = logged()
    assert (added.actor, added.action, added.target_id) == (org.admin, "party.created", party_id)
    assert (added.before, added.after) == ({}, {"name": "Dockside Logistics", "kind": "vendor"})
    assert (changed.action, changed.before, changed.after) == (
        "party.changed",
        {"kind": "vendor"},
        {"kind": "customer"},
    )


def test_a_party_refused_by_the_api_leaves_no_entry(org, logged):
    admin, lead = signed_in_client(org.admin), signed_in_client(org.lead)
    dealer = f"{API}/parties/{org.dealer.pk}"

    assert (
        answer(admin, "post", f"{API}/parties", {"name": "Harbour Motors", "kind": "vendor"}) == 422
    )
    assert answer(admin, "put", dealer, {"name": "Sparkle Cleaning", "kind": "vendor"}) == 422
    assert answer(lead, "put", dealer, {"name": "Harbour Motors", "kind": "vendor"}) == 403

    assert Party.objects.get(pk=org.dealer.pk).kind == "customer"
    assert logged() == []


def test_parties_kept_in_the_admin_are_recorded(org, logged):
    client = signed_in_client(org.admin)

    added = client.post(
        "/admin/directory/party/add/", {"name": "Dockside Logistics", "kind": "vendor"}
    )
    assert added.status_code == 302
    admin_change(org.admin, org.dealer, name="Harbour Motors GmbH")
    deleted = client.post(f"/admin/directory/party/{org.cleaner.pk}/delete/", {"post": "yes"})
    assert deleted.status_code == 302

    entries = logged()
    assert [(entry.actor, entry.action, entry.target_label) for entry in entries] == [
        (org.admin, "party.created", "Dockside Logistics"),
        (org.admin, "party.changed", "Harbour Motors GmbH"),
        (org.admin, "party.deleted", "Sparkle Cleaning"),
    ]
    _, renamed, gone = entries
    assert (renamed.before, renamed.after) == (
        {"name": "Harbour Motors"},
        {"name": "Harbour Motors GmbH"},
    )
    assert (gone.before, gone.after) == ({"name": "Sparkle Cleaning", "kind": "vendor"}, {})


def test_a_party_the_admin_refuses_leaves_no_entry(org, logged):
    path = f"/admin/directory/party/{org.dealer.pk}/change/"

    response = signed_in_client(org.admin).post(path, admin_form(org.dealer, name=""))

    assert response.status_code == 200
    assert "name" in response.context["adminform"].form.errors
    assert logged() == []
