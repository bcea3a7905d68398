"""Each change to who may see or do what leaves exactly one audit entry, with who, what, and
the fields that changed before and after (SPEC §6)."""

import io
import json
import textwrap
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from relaydesk.audit.record import record
from relaydesk.audit.tests.support import API, admin_change, only, send
from relaydesk.catalog.services_yaml import services_import
from relaydesk.directory.models import ApiToken, Person
from relaydesk.directory.services import api_token_create, people_import
from relaydesk.testing import PASSWORD, signed_in_client


def service_payload(org, catalog, **changes) -> dict:
    return {
        "slug": "grievance-hearing",
        "name": "Grievance hearing",
        "kind": "advice",
        "provider_team_id": org.assembly.pk,
        "calendar_id": catalog.office.pk,
        "confidential": True,
        "promises": {"normal": {"first_response_minutes": 60, "resolution_minutes": 480}},
    } | changes


@pytest.fixture
def hearing(org, catalog, logged) -> int:
    """Lena publishes a confidential service for Assembly; its entry's id."""
    send(org.lead, "post", "/services", service_payload(org, catalog))
    return only(logged()).pk


def test_publishing_a_service_records_it_whole(org, catalog, logged):
    send(org.lead, "post", "/services", service_payload(org, catalog))

    entry = only(logged())
    assert (entry.actor, entry.action, entry.target_label) == (
        org.lead,
        "service.created",
        "Grievance hearing",
    )
    assert entry.before == {}
    assert entry.after["confidential"] is True
    assert entry.after["provider_team"] == {"id": org.assembly.pk, "name": "Assembly"}
    assert entry.after["promises"] == {"normal": [60, 480]}


@pytest.mark.parametrize(
    ("changes", "action", "before", "after"),
    [
        ({"confidential": False}, "service.confidentiality", {"confidential": True}, None),
        ({"is_active": False}, "service.retired", {"is_active": True}, None),
        ({"name": "Hearing"}, "service.changed", {"name": "Grievance hearing"}, None),
    ],
)
def test_editing_a_service_records_what_changed(
    org, catalog, hearing, changes, action, before, after, logged
):
    send(org.admin, "put", "/services/grievance-hearing", service_payload(org, catalog, **changes))

    [entry] = logged(hearing)
    assert (entry.actor, entry.action) == (org.admin, action)
    assert entry.before == before
    assert entry.after == changes


def test_saving_a_service_unchanged_records_nothing(org, catalog, hearing, logged):
    send(org.admin, "put", "/services/grievance-hearing", service_payload(org, catalog))

    assert logged(hearing) == []


def test_a_yaml_import_switching_confidentiality_off_is_recorded_as_the_command_lines(
    org, catalog, hearing, logged
):
    catalog_file = f"""
        services:
          - slug: grievance-hearing
            name: Grievance hearing
            kind: advice
            provider: {{team: Plant / Assembly}}
            calendar: {catalog.office.name}
            confidential: false
            promises:
              normal: {{first_response: 1h, resolution: 8h}}
    """

    services_import(data=textwrap.dedent(catalog_file).lstrip("\n").encode())

    entry = only(logged(hearing))
    assert (entry.actor, entry.action) == (None, "service.confidentiality")
    assert (entry.before, entry.after) == ({"confidential": True}, {"confidential": False})


def test_calendar_edits_are_recorded(org, catalog, logged):
    night = {"timezone": "Europe/Berlin", "hours": {"mon": ["22:00-24:00"]}}
    created = send(org.admin, "post", "/calendars", {"name": "Night shift", "definition": night})
    first = only(logged())
    calendar_id = created.json()["id"]
    later = night | {"hours": {"mon": ["20:00-24:00"]}}

    send(
        org.admin, "put", f"/calendars/{calendar_id}", {"name": "Night shift", "definition": later}
    )

    assert (first.action, first.before, first.after["name"]) == (
        "calendar.created",
        {},
        "Night shift",
    )
    [changed] = logged(first.pk)
    assert changed.action == "calendar.changed"
    assert changed.before["definition"]["hours"]["mon"] == ["22:00-24:00"]
    assert changed.after["definition"]["hours"]["mon"] == ["20:00-24:00"]
    assert set(changed.before) == {"definition"}


@pytest.mark.parametrize("where", ["api", "page"])
def test_revoking_a_token_is_recorded_without_its_secret(org, where, logged):
    token, secret = api_token_create(person=org.member, name="report script")
    client = signed_in_client(org.member)

    if where == "api":
        assert client.delete(f"{API}/tokens/{token.pk}").status_code == 204
    else:
        assert client.post(f"/account/tokens/{token.pk}/revoke/").status_code == 302

    entry = only(logged())
    assert (entry.actor, entry.action, entry.target_id) == (org.member, "token.revoked", token.pk)
    assert entry.before == {
        "person": {"id": org.member.pk, "name": "Max Member"},
        "name": "report script",
        "prefix": token.prefix,
    }
    assert entry.after == {}
    logged = json.dumps([entry.before, entry.after, entry.target_label])
    assert secret not in logged and token.digest not in logged
    assert not ApiToken.objects.exists()


def test_an_absence_declared_and_ended_for_someone_else_is_recorded(org, logged):
    now = timezone.now()
    period = {
        "starts_at": (now - timedelta(hours=1)).isoformat(),
        "ends_at": (now + timedelta(days=2)).isoformat(),
    }

    declared = send(org.lead, "post", "/absences", period | {"person_id": org.member.pk})
    entry = only(logged())
    send(org.lead, "delete", f"/absences/{declared.json()['id']}")

    assert (entry.actor, entry.action) == (org.lead, "absence.declared")
    assert entry.after["person"] == {"id": org.member.pk, "name": "Max Member"}
    [ended] = logged(entry.pk)
    assert (ended.actor, ended.action) == (org.lead, "absence.ended")
    assert ended.before["ends_at"] == entry.after["ends_at"]
    assert ended.after["ends_at"] > period["starts_at"]


def test_ones_own_absence_is_not_an_admin_action(org, logged):
    now = timezone.now()
    period = {"starts_at": now.isoformat(), "ends_at": (now + timedelta(days=1)).isoformat()}

    send(org.member, "post", "/absences", period)

    assert logged() == []


@pytest.mark.parametrize(
    ("changes", "action"),
    [({"is_admin": True}, "person.changed"), ({"is_active": False}, "person.deactivated")],
)
def test_role_changes_in_the_admin_are_recorded(org, changes, action, logged):
    admin_change(org.admin, org.member, **changes)

    entry = only(logged())
    assert (entry.actor, entry.action, entry.target_id) == (org.admin, action, org.member.pk)
    [(name, value)] = changes.items()
    assert (entry.before, entry.after) == ({name: not value}, {name: value})


def test_moving_someone_to_another_team_in_the_admin_is_recorded(org, logged):
    admin_change(org.admin, org.member, team=org.purchasing.pk)

    entry = only(logged())
    assert entry.before == {"team": {"id": org.assembly.pk, "name": "Assembly"}}
    assert entry.after == {"team": {"id": org.purchasing.pk, "name": "Purchasing"}}


def test_a_new_team_lead_in_the_admin_is_recorded(org, logged):
    admin_change(org.admin, org.assembly, lead=org.member.pk)

    entry = only(logged())
    assert (entry.action, entry.target_label) == ("team.changed", "Assembly")
    assert entry.before == {"lead": {"id": org.lead.pk, "name": "Lena Lead"}}
    assert entry.after == {"lead": {"id": org.member.pk, "name": "Max Member"}}


def test_an_admin_setting_a_password_records_that_it_was_set_and_nothing_more(org, logged):
    new_password = "n3w-Secret-pass!"
    response = signed_in_client(org.admin).post(
        f"/admin/directory/person/{org.member.pk}/password/",
        {"password1": new_password, "password2": new_password, "usable_password": "true"},
    )

    assert response.status_code == 302
    entry = only(logged())
    assert (entry.actor, entry.action, entry.target_id) == (
        org.admin,
        "person.password_set",
        org.member.pk,
    )
    assert (entry.before, entry.after) == ({}, {"password_set": True})
    hashed = Person.objects.get(pk=org.member.pk).password
    for secret in (new_password, hashed, org.member.password):
        assert secret not in json.dumps([entry.before, entry.after, entry.target_label])


def test_the_people_import_records_each_move_and_each_newcomer(org, logged):
    people = (
        "email,name,team,manager_email,timezone\n"
        f"{org.member.email},Max Member,Plant / Purchasing,,Europe/Berlin\n"
        f"{org.lead.email},Lena Lead,Plant / Assembly,,Europe/Berlin\n"
        "nina.new@example.com,Nina New,Plant / Assembly,,Europe/Berlin\n"
    )

    people_import(data=people.encode())

    entries = {entry.target_label: entry for entry in logged()}
    assert set(entries) == {"Max Member", "Nina New"}
    assert entries["Max Member"].actor is None
    assert (entries["Max Member"].action, entries["Nina New"].action) == (
        "person.changed",
        "person.created",
    )
    assert entries["Max Member"].after == {"team": {"id": org.purchasing.pk, "name": "Purchasing"}}


def test_making_someone_an_admin_at_the_command_line_is_recorded(org, logged, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("a-long-enough-new-password\n"))

    call_command("createadmin", org.member.email, stdout=io.StringIO())

    entry = only(logged())
    assert (entry.actor, entry.action, entry.target_id) == (None, "person.changed", org.member.pk)
    assert entry.before == {"is_admin": False}
    assert entry.after == {"is_admin": True, "password_set": True}
    assert "a-long-enough" not in json.dumps(entry.after)


def test_the_log_refuses_to_keep_a_secret(org):
    with pytest.raises(ValueError, match="password"):
        record(org.admin, "person.changed", org.member, {}, {"password": PASSWORD})
