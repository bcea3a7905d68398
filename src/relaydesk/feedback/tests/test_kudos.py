import pytest

from relaydesk.errors import InvalidInput
from relaydesk.events.models import OutboxEvent
from relaydesk.events.worker import Worker
from relaydesk.feedback.models import Kudos
from relaydesk.feedback.services import kudos_give
from relaydesk.notify.models import Notification
from relaydesk.testing import signed_in_client


def test_thanks_from_a_request_page_take_two_clicks(org, done):
    client = signed_in_client(org.outsider)
    page = client.get(done.get_absolute_url()).content.decode()
    link = f'href="/feedback/kudos/?request={done.pk}"'
    assert link in page  # click one
    form = client.get(f"/feedback/kudos/?request={done.pk}").content.decode()
    assert "Thank Max Member for" in form
    sent = client.post(  # click two: the form as it was filled in
        "/feedback/kudos/",
        {
            "to": f"person-{org.member.pk}",
            "request": done.pk,
            "message": "Thank you!",
            "public": "on",
        },
    )
    assert sent.status_code == 302
    kudos = Kudos.objects.get()
    assert (kudos.giver, kudos.to_person, kudos.request) == (org.outsider, org.member, done)


def test_the_thanked_are_told_and_an_anonymous_giver_is_not_named(org):
    kudos_give(giver=org.outsider, to_team=org.assembly, message="Great work", anonymous=True)
    event = OutboxEvent.objects.get(kind="feedback.kudos")
    assert org.outsider.pk not in [v for v in event.payload.values() if isinstance(v, int)]
    assert "Olga" not in str(event.payload)
    Worker().run_until_idle()
    told = set(Notification.objects.values_list("recipient__email", "title"))
    assert told == {
        (org.lead.email, "Someone thanked Assembly"),
        (org.member.email, "Someone thanked Assembly"),
    }


def test_kudos_to_oneself_are_refused(org):
    with pytest.raises(InvalidInput, match="to: kudos to oneself"):
        kudos_give(giver=org.member, to_person=org.member, message="Well done me")
    answer = signed_in_client(org.member).post(
        "/feedback/kudos/", {"to": f"person-{org.member.pk}", "message": "Me!"}
    )
    assert answer.status_code == 400
    assert b"Kudos to oneself" in answer.content
    assert not Kudos.objects.exists()


def test_private_kudos_show_only_to_the_thanked_and_the_giver(org):
    kudos_give(giver=org.outsider, to_person=org.member, message="Quietly: thanks", public=False)
    kudos_give(giver=org.outsider, to_person=org.lead, message="Loudly: thanks")
    assert "Quietly" in signed_in_client(org.member).get("/").content.decode()
    assert "Quietly" in signed_in_client(org.outsider).get("/feedback/kudos/").content.decode()
    for person in (org.lead, org.admin):
        page = signed_in_client(person).get("/feedback/kudos/").content.decode()
        assert "Quietly" not in page and "Loudly" in page


def test_person_and_team_pages_count_kudos_given_and_received(org):
    kudos_give(giver=org.outsider, to_person=org.member, message="Thanks")
    kudos_give(giver=org.outsider, to_team=org.assembly, message="Thanks all", anonymous=True)
    client = signed_in_client(org.lead)
    assert (
        "Kudos: 1 received · 0 given" in client.get(org.member.get_absolute_url()).content.decode()
    )
    outsider = client.get(org.outsider.get_absolute_url()).content.decode()
    assert "Kudos: 0 received · 1 given" in outsider  # the anonymous one is nobody's
    assert "Kudos: 1 received" in client.get(org.assembly.get_absolute_url()).content.decode()


@pytest.mark.parametrize(
    ("form", "field"),
    [
        ({"to": "person-1", "message": ""}, "message"),
        ({"to": "robot-1", "message": "Hi"}, "to"),
        ({"to": "person-1", "message": "x" * 501}, "message"),
    ],
)
def test_bad_kudos_are_refused_naming_the_field(org, form, field):
    form = form | {"to": form["to"].replace("-1", f"-{org.member.pk}")}
    answer = signed_in_client(org.outsider).post("/feedback/kudos/", form)
    assert answer.status_code == 400
    assert not Kudos.objects.exists()
