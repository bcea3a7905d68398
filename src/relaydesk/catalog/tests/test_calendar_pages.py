from datetime import date
from zoneinfo import ZoneInfo

from django.utils import timezone

from relaydesk.catalog.models import Calendar
from relaydesk.catalog.services import calendar_save
from relaydesk.core.calendar_dates import day_text
from relaydesk.testing import signed_in_client


def calendar_form(org, **changes) -> dict:
    data = {
        "name": "Assembly shifts",
        "owner_team": org.assembly.pk,
        "timezone": "Europe/Berlin",
        "mon": "06:00-14:00, 14:30-22:00",
        "tue": "06:00-22:00",
        "wed": "",
        "thu": "",
        "fri": "",
        "sat": "",
        "sun": "",
        "holiday_country": "DE",
        "holiday_subdivision": "BW",
        "closures": "2026-12-24\n2026-12-31T12:00 to 2027-01-02T00:00",
    }
    return data | changes


def test_a_calendar_page_shows_hours_holidays_closures_and_services(org, catalog):
    page = signed_in_client(org.member).get(f"/calendars/{catalog.office.pk}/").text

    assert "<dt>Mon</dt><dd>09:00-17:00</dd>" in page
    assert '<dt>Sat</dt><dd><span class="muted">closed</span></dd>' in page
    assert "Public holidays of DE-BY." in page
    assert "Wheel fitting" in page


def test_a_calendar_page_shows_closures_as_dates_and_the_coming_holidays_by_name(org, catalog):
    closures = [
        {"start": "2026-12-24T00:00", "end": "2027-01-02T00:00"},
        {"start": "2027-06-30T13:00", "end": "2027-06-30T17:00"},
    ]
    calendar_save(
        actor=None,
        calendar=catalog.office,
        name="Office hours",
        definition=catalog.office.definition | {"closures": closures},
        owner_team=None,
    )
    today = timezone.now().astimezone(ZoneInfo("Europe/Berlin")).date()
    christmas = date(today.year, 12, 25)
    if christmas < today:
        christmas = christmas.replace(year=today.year + 1)

    page = signed_in_client(org.member).get(f"/calendars/{catalog.office.pk}/").text

    assert "Thu 24 Dec 2026 \N{EN DASH} Fri 1 Jan 2027" in page
    assert "Wed 30 Jun 2027, 13:00\N{EN DASH}17:00" in page
    assert "2026-12-24T00:00" not in page
    holiday = f'<dt><time datetime="{christmas.isoformat()}">{day_text(christmas)}</time></dt>'
    assert f"{holiday}<dd>Christmas Day</dd>" in page


def test_a_lead_creates_their_teams_calendar(org):
    response = signed_in_client(org.lead).post("/calendars/new/", calendar_form(org))

    assert response.status_code == 302
    definition = Calendar.objects.get(name="Assembly shifts").definition
    assert definition["hours"]["mon"] == ["06:00-14:00", "14:30-22:00"]
    assert definition["holidays"] == {"country": "DE", "subdivision": "BW"}
    assert definition["closures"][1] == {"start": "2026-12-31T12:00", "end": "2027-01-02T00:00"}


def test_calendar_errors_appear_beside_their_fields(org):
    response = signed_in_client(org.lead).post(
        "/calendars/new/",
        calendar_form(org, mon="14:00-06:00", holiday_country="XX", closures="2026-13-01"),
    )

    assert response.status_code == 400
    errors = response.context["form"].errors
    assert set(errors) == {"mon", "holiday_country", "closures"}
    assert errors["closures"][0].startswith("line 1: ")
    assert not Calendar.objects.filter(name="Assembly shifts").exists()


def test_the_edit_form_round_trips_a_calendar(org, catalog):
    client = signed_in_client(org.admin)
    initial = client.get(f"/calendars/{catalog.office.pk}/edit/").context["form"].initial

    data = {**{day: "" for day in ("sat", "sun")}, **initial, "owner_team": ""}
    assert client.post(f"/calendars/{catalog.office.pk}/edit/", data).status_code == 302

    catalog.office.refresh_from_db()
    assert catalog.office.definition["hours"]["fri"] == ["09:00-17:00"]


def test_who_may_not_edit_a_calendar(org, catalog):
    assert signed_in_client(org.member).get("/calendars/new/").status_code == 403
    assert (
        signed_in_client(org.lead).get(f"/calendars/{catalog.office.pk}/edit/").status_code == 403
    )
