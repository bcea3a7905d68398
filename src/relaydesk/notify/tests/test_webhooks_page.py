"""Webhooks are set up by team leads for their teams and by admins for any team or the whole
organisation; bad input is named beside its field."""

import pytest

from relaydesk.notify.models import Webhook
from relaydesk.testing import signed_in_client

VALID = {"name": "Assembly chat", "url": "https://chat.example.com/hook", "kinds": ["reply"]}


def test_a_lead_sets_one_up_for_their_team(org):
    client = signed_in_client(org.lead)

    response = client.post(
        "/notifications/webhooks/", VALID | {"team": org.assembly.pk, "format": "slack"}
    )

    assert response.status_code == 302
    hook = Webhook.objects.get()
    assert (hook.name, hook.team, hook.kinds, hook.format, hook.created_by) == (
        "Assembly chat",
        org.assembly,
        ["reply"],
        "slack",
        org.lead,
    )
    assert len(hook.secret) >= 32
    assert hook.secret in client.get("/notifications/webhooks/").text


def test_an_admin_sets_one_up_for_the_organisation(org):
    response = signed_in_client(org.admin).post(
        "/notifications/webhooks/", VALID | {"team": "", "format": "json"}
    )

    assert response.status_code == 302
    assert Webhook.objects.get().team is None


def test_a_lead_cannot_choose_another_team_or_the_organisation(org):
    client = signed_in_client(org.lead)

    for team in (org.purchasing.pk, ""):
        response = client.post("/notifications/webhooks/", VALID | {"team": team, "format": "json"})
        assert response.status_code == 400
        assert "team" in response.context["form"].errors
    assert not Webhook.objects.exists()


def test_members_may_not_see_the_page(org):
    client = signed_in_client(org.member)

    assert client.get("/notifications/webhooks/").status_code == 403
    assert client.post("/notifications/webhooks/", VALID).status_code == 403


def test_leads_see_and_change_only_their_teams_webhooks(org):
    theirs = Webhook.objects.create(name="Buyers", url="https://x.example", team=org.purchasing)
    org_wide = Webhook.objects.create(name="Everyone", url="https://y.example")
    client = signed_in_client(org.lead)

    text = client.get("/notifications/webhooks/").text
    assert "Buyers" not in text and "Everyone" not in text
    for hook in (theirs, org_wide):
        assert client.post(f"/notifications/webhooks/{hook.pk}/delete/").status_code == 404
        assert client.post(f"/notifications/webhooks/{hook.pk}/active/").status_code == 404
    assert Webhook.objects.filter(active=True).count() == 2


def test_pausing_resuming_and_removing(org):
    hook = Webhook.objects.create(name="Chat", url="https://x.example", team=org.assembly)
    client = signed_in_client(org.lead)

    client.post(f"/notifications/webhooks/{hook.pk}/active/")
    assert not Webhook.objects.get().active
    client.post(f"/notifications/webhooks/{hook.pk}/active/", {"active": "on"})
    assert Webhook.objects.get().active
    client.post(f"/notifications/webhooks/{hook.pk}/delete/")
    assert not Webhook.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"url": "ftp://files.example.com/x"}, "url", "an http:// or https:// address"),
        ({"url": "javascript:alert(1)"}, "url", "an http:// or https:// address"),
        ({"url": "https://x.example/" + "a" * 500}, "url", "at most 500 characters"),
        ({"url": "https://x.example/\x00"}, "url", "Null characters are not allowed."),
        ({"name": "n" * 101}, "name", "at most 100 characters"),
        ({"name": "Chat\x00"}, "name", "Null characters are not allowed."),
        ({"name": "   "}, "name", "This field is required."),
        ({"kinds": ["digest"]}, "kinds", "Select a valid choice."),
        ({"kinds": []}, "kinds", "This field is required."),
        ({"format": "xml"}, "format", "Select a valid choice."),
        ({"url": "http://127.0.0.1:5432/"}, "url", "this server's own loopback"),
        ({"url": "http://localhost/admin/"}, "url", "this server's own loopback"),
        ({"url": "http://[::1]/"}, "url", "this server's own loopback"),
        ({"url": "http://169.254.169.254/latest/"}, "url", "an address webhooks may not reach"),
        ({"team": "nonsense"}, "team", "Select a valid choice."),
    ],
)
def test_bad_input_is_named_beside_its_field(org, changes, field, message):
    response = signed_in_client(org.admin).post(
        "/notifications/webhooks/", VALID | {"team": "", "format": "json"} | changes
    )

    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])
    assert not Webhook.objects.exists()
