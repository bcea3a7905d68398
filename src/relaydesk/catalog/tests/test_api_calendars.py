from relaydesk.catalog.models import Calendar
from relaydesk.testing import OFFICE_HOURS, signed_in_client


def test_a_calendar_answers_when_a_promise_falls_due(org, catalog):
    response = signed_in_client(org.member).get(
        f"/api/v1/calendars/{catalog.office.pk}/due",
        {"start": "2026-12-23T16:00:00+01:00", "minutes": 120},
    )

    # One hour on Wednesday, then Christmas Eve is a Thursday (open), Christmas and Boxing
    # Day are Bavarian holidays, and the weekend is closed.
    assert response.json() == {"due": "2026-12-24T10:00:00+01:00"}


def test_due_refuses_a_start_without_an_offset(org, catalog):
    response = signed_in_client(org.member).get(
        f"/api/v1/calendars/{catalog.office.pk}/due",
        {"start": "2026-12-23T16:00:00", "minutes": 120},
    )

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "start"


def test_an_admin_creates_an_organisation_wide_calendar(org):
    response = signed_in_client(org.admin).post(
        "/api/v1/calendars",
        {
            "name": "Night shift",
            "definition": {"timezone": "Europe/Berlin", "hours": {"mon": ["22:00-24:00"]}},
        },
        content_type="application/json",
    )

    assert response.status_code == 201
    assert Calendar.objects.get(name="Night shift").definition["hours"]["mon"] == ["22:00-24:00"]


def test_a_lead_keeps_their_teams_calendar_but_not_the_organisations(org):
    client = signed_in_client(org.lead)
    payload = {"name": "Assembly shifts", "definition": OFFICE_HOURS}

    theirs = client.post(
        "/api/v1/calendars",
        payload | {"owner_team_id": org.assembly.pk},
        content_type="application/json",
    )
    organisation = client.post(
        "/api/v1/calendars", payload | {"name": "Org"}, content_type="application/json"
    )

    assert theirs.status_code == 201
    assert organisation.status_code == 403


def test_a_member_may_not_change_calendars(org, catalog):
    response = signed_in_client(org.member).put(
        f"/api/v1/calendars/{catalog.office.pk}",
        {"name": "Mine now", "definition": OFFICE_HOURS},
        content_type="application/json",
    )

    assert response.status_code == 403
    catalog.office.refresh_from_db()
    assert catalog.office.name == "Office hours"


def test_a_bad_calendar_definition_names_each_field(org):
    response = signed_in_client(org.admin).post(
        "/api/v1/calendars",
        {
            "name": "Broken",
            "definition": {
                "timezone": "Mars/Olympus",
                "hours": {"mon": ["17:00-09:00"], "funday": []},
            },
        },
        content_type="application/json",
    )

    assert response.status_code == 422
    fields = {error["field"] for error in response.json()["errors"]}
    assert fields == {"definition.timezone", "definition.hours.mon[0]", "definition.hours.funday"}
    assert not Calendar.objects.filter(name="Broken").exists()
