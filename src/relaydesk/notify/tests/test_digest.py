"""The weekly digest: on Monday morning in each person's own timezone, once a week, of what they
owe (late first) and what they wait on."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from relaydesk.events.registry import PERIODIC
from relaydesk.notify import services
from relaydesk.notify.models import Kind, Notification, Preference
from relaydesk.notify.tests.support import outbox, text_part
from relaydesk.servicerequests.services import request_assign, request_create

BERLIN = ZoneInfo("Europe/Berlin")
MONDAY_7_30 = datetime(2026, 11, 23, 7, 30, tzinfo=BERLIN)


def digests() -> set[str]:
    return {event.key for event in outbox(services.DIGEST_EVENT)}


def test_it_runs_every_hour():
    assert PERIODIC["notify.digest"].every == timedelta(hours=1)


def test_it_is_published_once_a_week_on_monday_morning_local_time(org):
    org.outsider.timezone = "Asia/Tokyo"
    org.outsider.save()

    services.digest_publish_due(now=MONDAY_7_30 - timedelta(days=1))  # Sunday
    assert digests() == set()

    services.digest_publish_due(now=MONDAY_7_30)
    services.digest_publish_due(now=MONDAY_7_30 + timedelta(hours=3))
    berliners = {org.lead, org.member, org.admin}
    assert digests() == {f"digest:{person.pk}:2026-W48" for person in berliners}

    # 07:30 on Monday in Tokyo is still Sunday evening in Berlin.
    services.digest_publish_due(now=datetime(2026, 11, 30, 7, 30, tzinfo=ZoneInfo("Asia/Tokyo")))
    assert f"digest:{org.outsider.pk}:2026-W49" in digests()
    assert f"digest:{org.member.pk}:2026-W49" not in digests()


def test_someone_who_turned_it_off_everywhere_gets_none(org):
    for channel in ("in_app", "email"):
        Preference.objects.create(person=org.member, kind=Kind.DIGEST, channel=channel, enabled=0)

    services.digest_publish_due(now=MONDAY_7_30)

    assert f"digest:{org.member.pk}:2026-W48" not in digests()
    assert f"digest:{org.lead.pk}:2026-W48" in digests()


def test_it_lists_what_i_owe_late_first_and_what_i_wait_on(org, catalog, mailbox, worker):
    fresh = request_create(requester=org.outsider, service=catalog.wheels, title="Fresh")
    late = request_create(
        requester=org.outsider,
        service=catalog.wheels,
        title="Old",
        now=timezone.now() - timedelta(days=30),
    )
    for request in (fresh, late):
        request_assign(actor=org.lead, request_id=request.pk, assignee=org.member)
    mine = request_create(requester=org.member, service=catalog.approvals, title="Budget")

    services.digest_publish_due(now=MONDAY_7_30)
    worker.run_until_idle()

    [message] = [m for m in mailbox.to(org.member.email) if "Your week" in m["Subject"]]
    assert message["Subject"] == "Your week: you hold 2 open, you wait on 1"
    text = text_part(message)
    assert (
        "You hold 2 open requests:\n"
        f"- #{late.pk} Old (late)\n"
        f"- #{fresh.pk} Fresh\n\n"
        "You wait on 1 open request:\n"
        f"- #{mine.pk} Budget"
    ) in text.replace("\r\n", "\n")
    assert "https://desk.example.com/queue/" in text
    assert Notification.objects.filter(recipient=org.member, kind=Kind.DIGEST).count() == 1


def test_nothing_owed_and_nothing_awaited_sends_no_digest(org, mailbox, worker):
    services.digest_publish_due(now=MONDAY_7_30)
    worker.run_until_idle()

    assert mailbox.messages == []
    assert not Notification.objects.exists()
