"""Asking a service through the new-request form (SPEC §3.2), and the way to it."""

from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from relaydesk.catalog.services import ServiceSpec, service_save
from relaydesk.servicerequests import forms
from relaydesk.servicerequests.models import Request
from relaydesk.servicerequests.services import request_create
from relaydesk.servicerequests.tests.conftest import BERLIN
from relaydesk.testing import signed_in_client, tyre_clinic

URL = "/services/wheel-fitting/request/"


def local(moment: datetime) -> str:
    """What a datetime-local input sends."""
    return moment.strftime("%Y-%m-%dT%H:%M")


def next_year(month: int, day: int, hour: int) -> datetime:
    return datetime(timezone.now().year + 1, month, day, hour, 0)


@pytest.fixture
def clinic(org, catalog):
    return tyre_clinic(org, catalog)


def test_the_form_offers_only_the_priorities_the_service_promises(org, catalog):
    response = signed_in_client(org.outsider).get(URL)

    assert response.status_code == 200
    text = response.text
    assert "<h1>Request: Wheel fitting</h1>" in text
    assert "Normal — first answer within 1 h, done within 1 working day" in text
    assert "Urgent — first answer within 15 min, done within 2 h" in text
    assert "High" not in text and "Low —" not in text
    assert 'type="datetime-local" name="needed_by"' in text
    assert "Harbour Motors" in text  # an external party to tie it to
    assert "When you could meet" not in text  # not a face-time service


def test_a_request_is_made_and_the_requester_lands_on_its_page(org, catalog):
    response = signed_in_client(org.outsider).post(
        URL,
        {
            "title": "Fit winter tyres",
            "details": "Blue van",
            "priority": "urgent",
            "needed_by": local(next_year(1, 15, 12)),
            "party": org.dealer.pk,
            "unblocks": "",
        },
    )

    created = Request.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/requests/{created.pk}/"
    assert (created.requester, created.priority, created.party) == (
        org.outsider,
        "urgent",
        org.dealer,
    )
    # Olga is in Berlin: 12:00 there in January is 11:00 UTC.
    assert created.needed_by == next_year(1, 15, 11).replace(tzinfo=UTC)
    assert created.response_due_at is not None


def test_needed_by_is_read_in_the_requesters_own_timezone(org, catalog):
    org.outsider.timezone = "America/New_York"
    org.outsider.save()

    signed_in_client(org.outsider).post(
        URL, {"title": "x", "priority": "normal", "needed_by": local(next_year(1, 15, 12))}
    )

    assert Request.objects.get().needed_by == next_year(1, 15, 17).replace(tzinfo=UTC)


def test_it_links_the_requests_it_unblocks(org, catalog):
    waiting = request_create(requester=org.outsider, service=catalog.approvals, title="Order")

    signed_in_client(org.outsider).post(
        URL, {"title": "x", "priority": "normal", "unblocks": f"#{waiting.pk}"}
    )

    assert list(Request.objects.get(title="x").unblocks.all()) == [waiting]


def test_bad_input_is_shown_beside_each_field_and_nothing_is_written(org, catalog):
    response = signed_in_client(org.outsider).post(
        URL,
        {
            "title": "",
            "priority": "high",  # not promised
            "needed_by": "tomorrow",
            "unblocks": "41, abc",
        },
    )

    assert response.status_code == 400
    errors = response.context["form"].errors
    assert errors["title"] == ["This field is required."]
    assert errors["priority"][0].startswith("Select a valid choice")
    assert errors["needed_by"] == ["Enter a valid date/time."]
    assert errors["unblocks"] == ["give request numbers only, commas between, e.g. 41, 57"]
    assert '<ul class="errorlist" id="id_title_error"><li>This field is required.' in response.text
    assert Request.objects.count() == 0


def test_what_the_service_refuses_is_shown_beside_its_field(org, catalog):
    yesterday = timezone.now().astimezone(BERLIN) - timedelta(days=1)

    response = signed_in_client(org.outsider).post(
        URL, {"title": "x", "priority": "normal", "needed_by": local(yesterday)}
    )

    assert response.context["form"].errors["needed_by"] == ["needed-by must be in the future"]
    assert Request.objects.count() == 0


def test_a_request_one_may_not_see_cannot_be_named_as_unblocked(org, catalog):
    hidden = request_create(requester=org.lead, service=catalog.wheels, title="Secret order")

    response = signed_in_client(org.outsider).post(
        URL, {"title": "x", "priority": "normal", "unblocks": f"{hidden.pk}, 999999"}
    )

    # Worded alike, whether it exists or not: nothing leaks.
    unblocks = response.context["form"].errors["unblocks"]
    assert unblocks == ["no request you can see with id 999999"]

    response = signed_in_client(org.outsider).post(
        URL, {"title": "x", "priority": "normal", "unblocks": f"{hidden.pk}"}
    )

    assert response.context["form"].errors["unblocks"] == [
        f"no request you can see with id {hidden.pk}"
    ]
    assert Request.objects.count() == 1


def test_a_face_time_service_takes_proposed_times(org, catalog, clinic):
    client = signed_in_client(org.outsider)
    assert "When you could meet" in client.get("/services/tyre-clinic/request/").text
    in_berlin = timezone.now().astimezone(BERLIN)  # where Olga is
    start = (in_berlin + timedelta(days=2)).replace(second=0, microsecond=0)

    response = client.post(
        "/services/tyre-clinic/request/",
        {
            "title": "Which tyres?",
            "priority": "normal",
            "slot_1_start": local(start),
            "slot_1_end": local(start + timedelta(minutes=30)),
            "slot_3_start": local(start + timedelta(days=1)),
            "slot_3_end": local(start + timedelta(days=1, hours=1)),
        },
    )

    assert response.status_code == 302
    slots = Request.objects.get().proposed_slots
    assert [datetime.fromisoformat(slot["start"]) for slot in slots] == [
        start,
        start + timedelta(days=1),
    ]


def test_a_face_time_request_needs_a_whole_time_that_makes_sense(org, catalog, clinic):
    client = signed_in_client(org.outsider)
    start = timezone.now().astimezone(BERLIN) + timedelta(days=2)

    none = client.post("/services/tyre-clinic/request/", {"title": "x", "priority": "normal"})
    half = client.post(
        "/services/tyre-clinic/request/",
        {"title": "x", "priority": "normal", "slot_2_start": local(start)},
    )
    backwards = client.post(
        "/services/tyre-clinic/request/",
        {
            "title": "x",
            "priority": "normal",
            "slot_1_start": local(start),
            "slot_1_end": local(start - timedelta(hours=1)),
        },
    )

    assert none.context["form"].errors["proposed_slots"] == ["propose at least one time to meet"]
    assert "Propose at least one time to meet." in none.text
    assert half.context["form"].errors["slot_2_end"] == [
        "give both the start and the end of this time"
    ]
    assert backwards.context["form"].errors["proposed_slots"] == [
        "time 1 must start in the future and end after it starts"
    ]
    assert Request.objects.count() == 0


# -- who may ask -------------------------------------------------------------------------------


@pytest.fixture
def listed(org, catalog):
    """A service that takes requests from Purchasing only."""
    return service_save(
        actor=None,
        spec=ServiceSpec(
            slug="torque-check",
            name="Torque check",
            kind="work_item",
            calendar=catalog.office,
            provider_team=org.assembly,
            audience="listed",
            requester_teams=[org.purchasing],
        ),
    )


def test_people_the_service_does_not_take_requests_from_get_a_403(org, catalog, listed):
    refused = signed_in_client(org.member).get("/services/torque-check/request/")
    posted = signed_in_client(org.member).post(
        "/services/torque-check/request/", {"title": "x", "priority": "normal"}
    )

    assert refused.status_code == 403
    assert "takes requests only from the teams and people it lists" in refused.text
    assert posted.status_code == 403
    assert signed_in_client(org.outsider).get("/services/torque-check/request/").status_code == 200
    assert Request.objects.count() == 0


def test_anonymous_visitors_are_sent_to_sign_in(org, catalog):
    response = Client().get(URL)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_an_unknown_service_is_a_404(org, catalog):
    assert signed_in_client(org.member).get("/services/nope/request/").status_code == 404


def test_a_closed_service_takes_no_requests(org, catalog):
    catalog.wheels.is_active = False
    catalog.wheels.save()

    response = signed_in_client(org.outsider).post(URL, {"title": "x", "priority": "normal"})

    assert "Wheel fitting is closed for requests" in response.text
    assert '<form method="post" class="card"' not in response.text
    assert Request.objects.count() == 0


# -- the way to it -----------------------------------------------------------------------------


def test_the_service_page_has_a_request_this_button_for_those_who_may_ask(org, catalog, listed):
    button = f'href="{URL}">Request this</a>'

    assert button in signed_in_client(org.member).get("/services/wheel-fitting/").text
    page = signed_in_client(org.member).get("/services/torque-check/").text
    assert "Request this" not in page
    assert "Request this" in signed_in_client(org.outsider).get("/services/torque-check/").text
    catalog.wheels.is_active = False
    catalog.wheels.save()
    assert "Request this" not in signed_in_client(org.member).get("/services/wheel-fitting/").text


def test_a_request_number_too_big_for_any_id_is_refused(org, catalog):
    response = signed_in_client(org.outsider).post(
        URL, {"title": "x", "priority": "normal", "unblocks": "9" * 30}
    )

    assert response.context["form"].errors["unblocks"] == [
        "give request numbers only, commas between, e.g. 41, 57"
    ]


def test_the_form_says_when_a_request_sent_now_would_hear_back(org, catalog):
    client = signed_in_client(org.outsider)

    text = client.get(URL).text
    client.post(URL, {"title": "Fit winter tyres", "priority": "normal"})

    # What the form promised is what the request got (unless a minute turned meanwhile).
    created = Request.objects.get()
    with timezone.override(BERLIN):
        answer_by = forms.moment_text(created.response_due_at, created.created_at)
        done_by = forms.moment_text(created.resolution_due_at, created.created_at)
    assert f"you will hear back by <strong data-answer-by>{answer_by}</strong>" in text
    assert f"should be done by <strong data-done-by>{done_by}</strong>" in text


def test_the_preview_counts_the_calendars_closed_hours(org, catalog):
    # Friday 27 Nov 2026, 16:30 in Berlin: the office closes at 17:00, so the first answer
    # (1 h) falls due on Monday, the urgent one (15 min) today, a week on with its date.
    friday = datetime(2026, 11, 27, 15, 30, tzinfo=UTC)
    promises = list(catalog.wheels.promises.order_by("first_response_minutes"))

    with timezone.override(BERLIN):
        urgent, normal = forms.promise_previews(promises, catalog.office.engine(), friday)
        later = forms.moment_text(friday + timedelta(days=7), friday)

    assert (urgent.priority, urgent.answer_by, urgent.done_by) == (
        "urgent",
        "today 16:45",
        "Mon 10:30",
    )
    assert (normal.priority, normal.answer_by, normal.done_by) == (
        "normal",
        "Mon 09:30",
        "Mon 16:30",
    )
    assert later == "Fri 4 Dec, 16:30"


def test_a_single_promised_priority_is_said_not_offered_as_a_choice(org, catalog):
    # Purchase approval promises the normal priority only.
    client = signed_in_client(org.member)
    text = client.get("/services/purchase-approval/request/").text

    assert 'type="radio"' not in text
    assert '<p class="only-choice">Normal — first answer within 2 h' in text
    assert '<input type="hidden" name="priority" value="normal"' in text
    sent = {"title": "Order bolts", "priority": "normal"}  # as the hidden input sends it
    response = client.post("/services/purchase-approval/request/", sent)
    assert response.status_code == 302
    assert Request.objects.get(title="Order bolts").priority == "normal"


def test_several_promised_priorities_are_a_choice(org, catalog):
    text = signed_in_client(org.member).get(URL).text

    assert text.count('type="radio" name="priority"') == 2
