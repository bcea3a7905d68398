"""Absences (SPEC §2, §3.4): declared by the person or their lead, refused when they overlap,
end before they start or are already over; while someone is away their personal service goes
to the backup, or waits when nobody covers."""

import html
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import NoReverseMatch
from django.utils import timezone

from relaydesk.directory import views
from relaydesk.directory.models import Absence
from relaydesk.directory.services import absence_declare, absence_end
from relaydesk.errors import Conflict, InvalidInput
from relaydesk.servicerequests.models import Request
from relaydesk.servicerequests.services import (
    request_assign,
    request_create,
    request_hand_back,
)
from relaydesk.testing import signed_in_client

DAY = timedelta(days=1)


def away(org, *, backup=None, starts=-DAY, ends=DAY, actor=None, person=None, note=""):
    now = timezone.now()
    return absence_declare(
        actor=actor or org.member,
        person=person or org.member,
        starts_at=now + starts,
        ends_at=now + ends,
        backup=backup,
        note=note,
    )


def ask(org, service):
    return request_create(requester=org.outsider, service=service, title="How tight?")


# -- the rules --------------------------------------------------------------------------------


def test_a_request_to_someone_away_goes_to_their_backup(org, advice):
    away(org, backup=org.lead)

    assert ask(org, advice).assignee == org.lead


def test_without_a_backup_it_waits_unassigned(org, advice):
    away(org)

    asked = ask(org, advice)
    assert asked.assignee is None
    assert asked.provider_person == org.member


def test_once_the_absence_is_ended_requests_reach_the_person_again(org, advice):
    absence = away(org, backup=org.lead)

    absence_end(actor=org.member, absence=absence)

    assert ask(org, advice).assignee == org.member
    assert Absence.objects.get(pk=absence.pk).ends_at <= timezone.now()


def test_ending_one_not_yet_begun_removes_it(org):
    absence = away(org, starts=DAY, ends=2 * DAY)

    absence_end(actor=org.member, absence=absence)

    assert not Absence.objects.filter(pk=absence.pk).exists()


def test_an_overlapping_absence_is_refused(org):
    away(org, starts=DAY, ends=3 * DAY)

    with pytest.raises(InvalidInput) as refused:
        away(org, starts=2 * DAY, ends=4 * DAY)

    assert "already away then" in refused.value.errors["starts_at"][0]
    away(org, starts=3 * DAY, ends=4 * DAY)  # touching is not overlapping


def test_an_absence_ending_before_it_starts_is_refused(org):
    with pytest.raises(InvalidInput) as refused:
        away(org, starts=2 * DAY, ends=DAY)

    assert refused.value.errors == {"ends_at": ["the absence must end after it starts"]}


def test_an_absence_already_over_is_refused_one_still_running_is_kept(org):
    with pytest.raises(InvalidInput) as refused:
        away(org, starts=-3 * DAY, ends=-DAY)

    assert "already over" in refused.value.errors["ends_at"][0]
    running = away(org, starts=-DAY, ends=DAY)  # off sick since yesterday
    assert running.starts_at < timezone.now()


def test_the_backup_is_someone_else_and_the_note_plain_text(org):
    with pytest.raises(InvalidInput) as refused:
        away(org, backup=org.member, note="x\x00")

    assert set(refused.value.errors) == {"backup", "note"}


def test_a_lead_declares_one_for_a_member_others_may_not(org):
    assert away(org, actor=org.lead).person == org.member
    with pytest.raises(PermissionDenied):
        away(org, actor=org.outsider, starts=5 * DAY, ends=6 * DAY)
    with pytest.raises(PermissionDenied):
        away(org, actor=org.member, person=org.lead, starts=5 * DAY, ends=6 * DAY)
    with pytest.raises(PermissionDenied):
        absence_end(actor=org.outsider, absence=Absence.objects.get())


# -- the pages --------------------------------------------------------------------------------


def declare(viewer, **fields):
    now = timezone.localtime(timezone.now(), timezone=timezone.get_fixed_timezone(60))
    form = {
        "person": viewer.pk,
        "starts_at": (now - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (now + 2 * DAY).strftime("%Y-%m-%dT%H:%M"),
        "backup": "",
        "note": "",
    } | fields
    return signed_in_client(viewer).post("/absences/", form)


def test_a_member_declares_an_absence_with_a_backup_on_the_page(org, advice):
    response = declare(org.member, backup="LENA.lead@example.com", note="Training")

    absence = Absence.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/absences/{absence.pk}/"
    assert (absence.person, absence.backup, absence.note) == (org.member, org.lead, "Training")
    assert ask(org, advice).assignee == org.lead


def test_the_page_shows_what_went_wrong_beside_the_field(org):
    declare(org.member)

    overlapping = declare(org.member)
    unknown = declare(org.member, backup="nobody@example.com", starts_at="2026-13-01T00:00")

    assert overlapping.status_code == 400
    assert "is already away then" in overlapping.text
    assert (
        "Give the email of an active colleague: none has the email nobody@example.com."
        in unknown.text
    )
    assert "Enter a valid date/time." in unknown.text
    assert Absence.objects.count() == 1


def test_a_member_may_not_declare_for_someone_else(org):
    response = declare(org.member, person=org.lead.pk)

    assert response.status_code == 400
    assert "Select a valid choice" in response.text
    assert not Absence.objects.exists()


def test_the_backup_sees_what_the_absent_person_holds(org, catalog, advice):
    held = request_create(requester=org.outsider, service=catalog.wheels, title="Fit tyres")
    request_assign(actor=org.lead, request_id=held.pk, assignee=org.member)
    absence = away(org, backup=org.lead)

    text = html.unescape(signed_in_client(org.lead).get(f"/absences/{absence.pk}/").text)

    assert "Max Member away" in text
    assert f"#{held.pk} Fit tyres" in text
    assert "covered by" in text and "Lena Lead" in text


def test_the_requester_sees_who_covers_when_asking(org, advice):
    away(org, backup=org.lead)

    text = signed_in_client(org.outsider).get("/services/torque-advice/request/").text

    assert "Max Member is away until" in text
    assert "covered by Lena Lead: your request goes to them" in text


def test_the_customer_maps_impact_is_linked_only_where_it_exists(org, monkeypatch):
    absence = away(org)
    page = f"/absences/{absence.pk}/"
    monkeypatch.setattr(views, "reverse", lambda name: "/map/impact/")

    linked = signed_in_client(org.member).get(page).text

    def missing(name):
        raise NoReverseMatch(name)

    monkeypatch.setattr(views, "reverse", missing)
    unlinked = signed_in_client(org.member).get(page).text
    assert f'href="/map/impact/?person={org.member.pk}&amp;from=' in linked
    assert "/map/impact/" not in unlinked


def test_who_may_see_an_absence(org, client):
    absence = away(org, backup=org.admin)
    page = f"/absences/{absence.pk}/"

    for person in (org.member, org.lead, org.admin):
        assert signed_in_client(person).get(page).status_code == 200
    assert signed_in_client(org.outsider).get(page).status_code == 404
    assert signed_in_client(org.outsider).post(f"{page}end/").status_code == 404
    assert "Max Member" not in signed_in_client(org.outsider).get("/absences/").text
    assert client.get("/absences/")["Location"].startswith("/accounts/login/")


def test_ending_on_the_page(org):
    absence = away(org)

    response = signed_in_client(org.member).post(f"/absences/{absence.pk}/end/")

    assert response.status_code == 302
    assert Absence.objects.get().ends_at <= timezone.now()
    assert signed_in_client(org.member).post(f"/absences/{absence.pk}/end/").status_code == 400


def test_returning_hands_back_only_the_requests_the_person_chooses(org, advice):
    absence = away(org, backup=org.lead)
    kept, returned = ask(org, advice), ask(org, advice)
    page = f"/absences/{absence.pk}/"
    client = signed_in_client(org.member)

    offered = client.get(page).text
    client.post(f"{page}end/", {"hand_back": [str(returned.pk), "junk", "999999"]})

    assert f'name="hand_back" value="{kept.pk}"' in offered
    assert Request.objects.get(pk=returned.pk).assignee == org.member
    assert Request.objects.get(pk=kept.pk).assignee == org.lead
    back = Request.objects.get(pk=returned.pk).events.filter(kind="assigned").last()
    assert back.data["why"] == "back from an absence"


def test_ending_without_choosing_hands_nothing_back(org, advice):
    absence = away(org, backup=org.lead)
    held = ask(org, advice)

    signed_in_client(org.member).post(f"/absences/{absence.pk}/end/")

    assert Request.objects.get(pk=held.pk).assignee == org.lead


def test_only_the_returning_person_is_offered_the_hand_back(org, advice):
    absence = away(org, backup=org.lead)
    ask(org, advice)

    text = signed_in_client(org.lead).get(f"/absences/{absence.pk}/").text

    assert 'name="hand_back"' not in text


def test_only_a_request_the_backup_holds_for_you_can_be_handed_back(org, catalog, advice):
    away(org, backup=org.lead)
    team_request = request_create(requester=org.outsider, service=catalog.wheels, title="x")
    request_assign(actor=org.lead, request_id=team_request.pk, assignee=org.lead)

    with pytest.raises(Conflict):
        request_hand_back(actor=org.member, request_id=team_request.pk, backup=org.lead)
