"""The notification settings: kinds by channels, only what differs from the defaults is kept,
and what is off is not sent."""

from relaydesk.notify.models import Kind, Notification, Preference
from relaydesk.servicerequests.services import request_comment, request_create
from relaydesk.testing import signed_in_client


def test_everything_is_on_until_turned_off(org):
    form = signed_in_client(org.member).get("/notifications/settings/").context["form"]

    assert all(form[name].value() for name in form.fields)
    assert len(form.fields) == len(Kind) * 2


def test_turning_off_keeps_only_the_change(org):
    client = signed_in_client(org.member)
    everything = {
        name: "on" for name in client.get("/notifications/settings/").context["form"].fields
    }
    del everything["reply__email"]

    response = client.post("/notifications/settings/", everything)

    assert response.status_code == 302
    assert list(Preference.objects.values_list("person", "kind", "channel", "enabled")) == [
        (org.member.pk, "reply", "email", False)
    ]
    assert not client.get("/notifications/settings/").context["form"]["reply__email"].value()

    client.post("/notifications/settings/", everything | {"reply__email": "on"})
    assert not Preference.objects.exists()


def test_a_channel_turned_off_is_not_used(org, catalog, mailbox, worker):
    Preference.objects.create(person=org.outsider, kind="reply", channel="email", enabled=False)
    Preference.objects.create(person=org.member, kind="new_in_queue", channel="in_app", enabled=0)
    created = request_create(requester=org.outsider, service=catalog.wheels, title="Fit tyres")
    worker.run_until_idle()  # news to the queue, before Max's answer takes it off the queue
    request_comment(actor=org.member, request_id=created.pk, body="On it.")
    worker.run_until_idle()

    assert (org.outsider.email, f"#{created.pk} Fit tyres: Max Member replied") not in (
        mailbox.subjects()
    )
    assert Notification.objects.filter(recipient=org.outsider, kind="reply").exists()
    assert not Notification.objects.filter(recipient=org.member, kind="new_in_queue").exists()
    assert org.member.email in [address for address, _ in mailbox.subjects()]


def test_one_sees_and_changes_only_ones_own_settings(org, client):
    Preference.objects.create(person=org.lead, kind="reply", channel="email", enabled=False)

    form = signed_in_client(org.member).get("/notifications/settings/").context["form"]

    assert form["reply__email"].value()
    assert client.get("/notifications/settings/").status_code == 302  # signed out: to sign in
