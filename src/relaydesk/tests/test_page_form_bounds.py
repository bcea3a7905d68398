"""Every page form holds the bounds the API holds: a date in the years 1900 to 2200, a text no
longer than its column. Out of bounds, the page answers 400 with the message in the field's own
container, beside its input, and saves nothing."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils import timezone

from relaydesk.audit.models import Entry
from relaydesk.catalog.models import DESCRIPTION_LENGTH, KEYWORD_LENGTH, Calendar, Service
from relaydesk.catalog.tests.test_calendar_pages import calendar_form
from relaydesk.catalog.tests.test_service_pages import form_data as service_form
from relaydesk.directory.models import Absence
from relaydesk.feedback.models import KUDOS_LENGTH, Kudos, Survey
from relaydesk.notify.models import Webhook
from relaydesk.servicerequests.models import TEXT_LENGTH, TITLE_LENGTH, Request
from relaydesk.servicerequests.services import Slot, request_create
from relaydesk.testing import signed_in_client, tyre_clinic
from relaydesk.tests.page_errors import errors_beside

YEARS = "Give a date between the years 1900 and 2200."
FAR, LONG_AGO = "9999-12-31T23:30", "0001-01-01T00:00"


def too_long(limit: int) -> str:
    return "x" * (limit + 1)


def over(limit: int) -> str:
    return f"Ensure this value has at most {limit} characters (it has {limit + 1})."


def assert_refused_beside(response, field: str, message: str) -> None:
    assert response.status_code == 400
    assert errors_beside(response.text, field) == [message]


@pytest.fixture
def clinic(org, catalog) -> Service:
    """A face-time service of Assembly's: a request proposes times to meet."""
    return tyre_clinic(org, catalog, promised=False)


# -- a request, and what is done on its page ---------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("needed_by", FAR, YEARS),
        ("needed_by", LONG_AGO, YEARS),
        ("details", too_long(TEXT_LENGTH), over(TEXT_LENGTH)),
        ("title", too_long(TITLE_LENGTH), over(TITLE_LENGTH)),
    ],
)
def test_the_request_form_holds_its_bounds(org, catalog, field, value, message):
    data = {"title": "Tyres", "priority": "normal"} | {field: value}

    response = signed_in_client(org.outsider).post("/services/wheel-fitting/request/", data)

    assert_refused_beside(response, field, message)
    assert not Request.objects.exists()


@pytest.mark.parametrize(("field", "value"), [("slot_1_start", FAR), ("slot_1_end", LONG_AGO)])
def test_a_time_to_meet_holds_the_years(org, clinic, field, value):
    data = {
        "title": "Which tyres?",
        "priority": "normal",
        "slot_1_start": "2030-03-04T10:00",
        "slot_1_end": "2030-03-04T11:00",
    }

    response = signed_in_client(org.outsider).post(
        "/services/tyre-clinic/request/", data | {field: value}
    )

    assert_refused_beside(response, field, YEARS)
    assert not Request.objects.exists()


@pytest.mark.parametrize(
    ("action", "field", "data"),
    [
        ("comment", "body", lambda org: {"kind": "reply"}),
        ("transfer", "message", lambda org: {"team": org.purchasing.pk}),
        ("split", "details", lambda org: {"service": "purchase-approval", "title": "Buy"}),
    ],
)
def test_the_request_pages_texts_hold_their_bound(org, catalog, action, field, data):
    shown = request_create(requester=org.outsider, service=catalog.wheels, title="Tyres")
    data = data(org) | {"version": shown.version, "priority": "normal"}
    data[field] = too_long(TEXT_LENGTH)

    response = signed_in_client(org.member).post(f"/requests/{shown.pk}/{action}/", data)

    assert_refused_beside(response, field, over(TEXT_LENGTH))
    shown.refresh_from_db()
    assert (shown.version, shown.provider_team) == (1, org.assembly)
    assert Request.objects.count() == 1


def test_a_time_to_meet_is_picked_only_among_those_a_request_can_hold(org, clinic):
    start = timezone.now() + timedelta(days=2)
    meeting = request_create(
        requester=org.outsider,
        service=clinic,
        title="Which tyres?",
        proposed_slots=[Slot(start, start + timedelta(hours=1))],
    )

    response = signed_in_client(org.member).post(
        f"/requests/{meeting.pk}/slot/", {"version": meeting.version, "slot": "9" * 30}
    )

    assert_refused_beside(response, "slot", "Ensure this value is less than or equal to 9.")
    meeting.refresh_from_db()
    assert meeting.slot_start is None


# -- absences, the catalog ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [("starts_at", FAR, YEARS), ("ends_at", LONG_AGO, YEARS), ("note", too_long(200), over(200))],
)
def test_an_absence_holds_its_bounds(org, field, value, message):
    data = {
        "person": org.member.pk,
        "starts_at": "2030-03-04T08:00",
        "ends_at": "2030-03-08T18:00",
        "backup": "",
        "note": "",
    }

    response = signed_in_client(org.member).post("/absences/", data | {field: value})

    assert_refused_beside(response, field, message)
    assert not Absence.objects.exists()


@pytest.mark.parametrize("closure", ["9999-12-24", "1899-12-31T14:00 to 2026-01-01T00:00"])
def test_a_calendar_closure_holds_the_years(org, closure):
    response = signed_in_client(org.lead).post(
        "/calendars/new/", calendar_form(org, closures=f"2026-12-24\n{closure}")
    )

    assert_refused_beside(response, "closures", f"Line 2: {YEARS[0].lower()}{YEARS[1:]}")
    assert not Calendar.objects.filter(name="Assembly shifts").exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("description", too_long(DESCRIPTION_LENGTH), over(DESCRIPTION_LENGTH)),
        ("keywords", f"tyres, {too_long(KEYWORD_LENGTH)}", "Keep each keyword to 100 characters."),
        ("keywords", ", ".join(f"word{n}" for n in range(51)), "Give at most 50 keywords."),
    ],
)
def test_a_service_description_and_keywords_hold_the_apis_bounds(
    org, catalog, field, value, message
):
    response = signed_in_client(org.lead).post(
        "/services/new/", service_form(org, catalog, **{field: value})
    )

    assert_refused_beside(response, field, message)
    assert not Service.objects.filter(slug="tyre-pressure-advice").exists()


# -- feedback, webhooks, the audit log ---------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("window_start", "0001-01-01", YEARS),
        ("window_end", "9999-12-31", YEARS),
        ("opens_at", LONG_AGO, YEARS),
        ("closes_at", FAR, YEARS),
        ("title", too_long(200), over(200)),
    ],
)
def test_a_survey_holds_its_bounds(org, catalog, field, value, message):
    today = timezone.localdate()
    data = {
        "title": "How do we serve you?",
        "window_start": (today - timedelta(days=30)).isoformat(),
        "window_end": today.isoformat(),
        "opens_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "closes_at": (timezone.localtime() + timedelta(days=14)).strftime("%Y-%m-%dT%H:%M"),
    }

    response = signed_in_client(org.lead).post(
        f"/teams/{org.assembly.pk}/surveys/", data | {field: value}
    )

    assert_refused_beside(response, field, message)
    assert not Survey.objects.exists()


def test_kudos_hold_their_bound(org):
    response = signed_in_client(org.member).post(
        "/feedback/kudos/", {"to": f"person-{org.lead.pk}", "message": too_long(KUDOS_LENGTH)}
    )

    assert_refused_beside(response, "message", over(KUDOS_LENGTH))
    assert not Kudos.objects.exists()


@pytest.mark.parametrize(("field", "limit"), [("name", 100), ("url", 500)])
def test_a_webhook_holds_its_columns_bounds(org, field, limit):
    data = {"name": "Slack", "url": "https://hooks.example.com/x", "team": org.assembly.pk}
    data |= {"kinds": ["request.created"], "format": "json"}

    response = signed_in_client(org.lead).post(
        "/notifications/webhooks/", data | {field: too_long(limit)}
    )

    assert_refused_beside(response, field, over(limit))
    assert not Webhook.objects.exists()


@pytest.mark.parametrize(("field", "value"), [("since", "9999-12-31"), ("until", "0001-01-01")])
def test_the_audit_filters_hold_the_years(org, field, value):
    response = signed_in_client(org.admin).get("/audit/", {field: value})

    assert_refused_beside(response, field, YEARS)
    assert not Entry.objects.filter(actor=org.admin).exists()


# -- what is stored already never breaks a page -------------------------------------------------


def test_a_stored_time_past_the_bounds_still_shows(org, catalog):
    """Kept before the bounds held (or written by a script): shown, not a server error."""
    shown = request_create(requester=org.outsider, service=catalog.wheels, title="Tyres")
    last = datetime(9999, 12, 31, 23, 30, tzinfo=UTC)  # the next day in Berlin has no date
    Request.objects.filter(pk=shown.pk).update(needed_by=last)
    absence = Absence.objects.create(
        person=org.member, starts_at=timezone.now(), ends_at=last, note="Sabbatical"
    )
    survey = Survey.objects.create(
        team=org.assembly,
        title="Forever",
        window_start=date(2026, 1, 1),
        window_end=date(2026, 3, 31),
        opens_at=timezone.now(),
        closes_at=last,
    )

    assert signed_in_client(org.outsider).get(f"/requests/{shown.pk}/").status_code == 200
    assert signed_in_client(org.outsider).get("/requests/mine/").status_code == 200
    assert signed_in_client(org.member).get("/absences/").status_code == 200
    assert signed_in_client(org.member).get(f"/absences/{absence.pk}/").status_code == 200
    assert signed_in_client(org.lead).get(f"/teams/{org.assembly.pk}/surveys/").status_code == 200
    assert signed_in_client(org.lead).get(f"/surveys/{survey.pk}/").status_code == 200
