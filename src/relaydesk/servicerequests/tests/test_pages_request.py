"""The request page: what it shows, its clocks in business time, and who may see it."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from icalendar import Calendar

from relaydesk.directory.models import Person
from relaydesk.servicerequests import presenters
from relaydesk.servicerequests.services import (
    Slot,
    request_comment,
    request_create,
    request_pick_slot,
    request_transition,
    subrequest_create,
)
from relaydesk.servicerequests.tests.conftest import MONDAY_9, berlin
from relaydesk.testing import signed_in_client, tyre_clinic


def ask(org, catalog, **fields):
    return request_create(
        requester=org.outsider, service=catalog.wheels, title="Fit winter tyres", **fields
    )


def page(person, shown) -> str:
    response = signed_in_client(person).get(f"/requests/{shown.pk}/")
    assert response.status_code == 200
    return response.text


def clocks_at(shown, now) -> list[tuple[str, str, str]]:
    shown.refresh_from_db()
    calendar = shown.service.calendar.engine()
    return [
        (clock.state, clock.text, clock.detail)
        for clock in presenters.clock_views(shown, calendar, now, live=False)
    ]


# -- what it shows -----------------------------------------------------------------------------


def test_it_shows_the_request_its_people_and_its_promises(org, catalog):
    shown = ask(
        org,
        catalog,
        details="The van leaves on Friday.",
        needed_by=timezone.now() + timedelta(days=3),
        party=org.dealer,
    )

    text = page(org.outsider, shown)

    assert f"#{shown.pk}</span> Fit winter tyres</h1>" in text
    assert "The van leaves on Friday." in text
    assert 'href="/services/wheel-fitting/">Wheel fitting</a>' in text
    assert f'href="/teams/{org.assembly.pk}/">Assembly</a>' in text
    assert "nobody yet" in text  # Assembly assigns by hand
    assert "Harbour Motors" in text
    assert "First answer" in text and "(business time)" in text
    assert "<strong>Olga Outsider</strong> asked Wheel fitting (normal priority)" in text


def test_times_are_shown_in_the_viewers_timezone(org, catalog):
    shown = request_create(
        requester=org.outsider,
        service=catalog.wheels,
        title="x",
        needed_by=berlin(2026, 12, 4, 12, 0),
        now=MONDAY_9,
    )
    org.member.timezone = "America/New_York"
    org.member.save()

    assert "Fri 4 Dec 2026, 12:00" in page(org.outsider, shown)  # Berlin
    assert "Fri 4 Dec 2026, 06:00" in page(org.member, shown)  # New York


def test_a_running_clock_says_how_much_business_time_is_left(org, wheels_request):
    # Created Monday 09:00 Berlin: 1 h to answer, 8 h to finish.
    assert clocks_at(wheels_request, MONDAY_9 + timedelta(minutes=15)) == [
        ("running", "45 min left (business time)", ""),
        ("running", "7 h 45 min left (business time)", ""),
    ]


def test_a_late_clock_says_by_how_much_business_time(org, wheels_request):
    tuesday_9_40 = berlin(2026, 11, 24, 9, 40)  # the night does not count

    response, resolution = clocks_at(wheels_request, tuesday_9_40)

    assert response[:2] == ("late", "overdue by 7 h 40 min (business time)")
    assert resolution[:2] == ("late", "overdue by 40 min (business time)")


def test_long_business_time_is_said_in_working_days_of_the_services_calendar(org, wheels_request):
    # Created Monday 23 Nov 09:00 (1 h to answer, 8 h to finish); by Monday 28 Dec 09:00, 24
    # working days of 8 h are used: five weeks of weekdays less Christmas Day.
    response, resolution = clocks_at(wheels_request, berlin(2026, 12, 28, 9, 0))
    text = page(org.outsider, wheels_request)

    assert response[:2] == ("late", "overdue by 23 working days (business time)")
    assert resolution[:2] == ("late", "overdue by 23 working days (business time)")
    assert " h " not in response[1] + resolution[1]
    assert re.search(r"overdue by \d+ working days? (\d h )?\(business time\)", text)  # today


def test_past_the_warning_share_a_clock_is_marked(org, wheels_request):
    _, resolution = clocks_at(wheels_request, MONDAY_9 + timedelta(hours=6, minutes=45))

    assert resolution[:2] == ("warning", "1 h 15 min left (business time)")


def test_waiting_on_the_requester_pauses_the_resolution_clock(org, wheels_request):
    request_transition(
        actor=org.member,
        request_id=wheels_request.pk,
        to="waiting_on_requester",
        message="Which van?",
        now=MONDAY_9 + timedelta(minutes=20),
    )

    response, resolution = clocks_at(wheels_request, MONDAY_9 + timedelta(hours=5))

    assert response == ("met", "answered in 20 min (business time)", "within the promise of 1 h")
    assert resolution == (
        "paused",
        "paused: waiting on the requester",
        "7 h 40 min left (business time) when the requester answers",
    )


def test_done_says_how_long_it_took_and_how_early_it_was(org, catalog):
    shown = request_create(
        requester=org.outsider,
        service=catalog.wheels,
        title="x",
        needed_by=berlin(2026, 11, 25, 17, 0),
        now=MONDAY_9,
    )
    request_transition(
        actor=org.member,
        request_id=shown.pk,
        to="done",
        now=MONDAY_9 + timedelta(hours=2, minutes=30),
    )

    _, resolution = clocks_at(shown, MONDAY_9 + timedelta(days=1))
    text = page(org.outsider, shown)

    assert resolution == (
        "met",
        "done in 2 h 30 min (business time)",
        "within the promise of 1 working day",  # the office's day is 8 h
    )
    assert "done 2 d 5 h early" in text
    assert "done 2 d 5 h before it was needed" in text  # the timeline


def test_a_closed_calendar_says_when_the_clock_runs_again(org, catalog):
    saturday = berlin(2026, 11, 28, 11, 0)
    shown = request_create(
        requester=org.outsider, service=catalog.wheels, title="x", now=saturday - timedelta(days=1)
    )
    calendar = shown.service.calendar.engine()

    _, clock = presenters.clock_views(shown, calendar, saturday, live=True)

    assert clock.open_for == 0
    assert clock.resumes_at == berlin(2026, 11, 30, 9, 0)


def test_an_open_calendar_lets_the_page_count_down_until_it_closes(org, wheels_request):
    calendar = wheels_request.service.calendar.engine()

    _, clock = presenters.clock_views(
        wheels_request, calendar, MONDAY_9 + timedelta(hours=7), live=True
    )

    assert (clock.left, clock.open_for) == (3600, 3600)  # the office closes at 17:00
    assert clock.resumes_at is None


def test_the_page_carries_the_countdown_only_while_the_calendar_is_open(org, catalog):
    everyday = dict(catalog.office.definition, hours={"mon": ["00:00-24:00"]})
    # A calendar open all day every Monday is closed on other days; the answer depends on today.
    catalog.office.definition = everyday
    catalog.office.save()
    shown = ask(org, catalog)
    open_now = catalog.office.engine().is_open(timezone.now())

    text = page(org.outsider, shown)

    assert ("data-countdown" in text) is open_now
    assert '<script src="/static/relaydesk/clocks.' in text


def test_the_timeline_shows_every_event_in_order_with_who_did_it(org, wheels_request):
    shown = wheels_request
    request_transition(
        actor=org.member,
        request_id=shown.pk,
        to="acknowledged",
        now=MONDAY_9 + timedelta(minutes=5),
    )
    request_comment(
        actor=org.member,
        request_id=shown.pk,
        body="Tyres arrive Wednesday.",
        now=MONDAY_9 + timedelta(minutes=6),
    )

    text = page(org.outsider, shown)

    order = [
        "asked Wheel fitting",
        "moved it from new to acknowledged",
        "took it <small>(by acting on it)</small>",
        "Tyres arrive Wednesday.",
        # A bare "Acknowledge" is no answer: the first word to the requester is.
        "gave the first answer after 6 min (business time), within the promise",
    ]
    positions = [text.index(sentence) for sentence in order]
    assert positions == sorted(positions)
    assert "<strong>Max Member</strong> wrote <time" in text
    assert "Mon 23 Nov, 09:06" in text


def test_internal_notes_are_for_the_provider_side_only(org, wheels_request):
    request_comment(
        actor=org.member, request_id=wheels_request.pk, body="Check his credit first", internal=True
    )

    provider_view = page(org.lead, wheels_request)
    requester_view = page(org.outsider, wheels_request)

    assert "Check his credit first" in provider_view
    assert 'class="event event-note"' in provider_view  # drawn apart from messages
    assert "Check his credit first" not in requester_view
    assert "internal note" not in requester_view.lower()


def test_hops_sub_requests_and_links_are_listed(org, catalog, wheels_request):
    blocker = request_create(
        requester=org.member,
        service=catalog.approvals,
        title="Approve the tyres",
        unblocks=[wheels_request],
    )

    text = page(org.member, wheels_request)

    assert "Time each holder used" in text
    assert f"#{blocker.pk} Approve the tyres" in text
    assert "Approve the tyres" not in page(org.lead, wheels_request)  # not hers to see
    assert "Assembly <small>from 23 Nov, 09:00, still holding it" in text


def test_the_requester_sees_no_empty_hops_section(org, wheels_request):
    assert 'id="hops"' not in page(org.outsider, wheels_request)
    assert 'id="hops"' in page(org.member, wheels_request)  # the provider side always does


def test_a_new_link_shows_on_the_timeline_named_only_to_those_who_may_see_it(
    org, catalog, wheels_request
):
    blocker = request_create(
        requester=org.member,
        service=catalog.approvals,
        title="Approve the tyres",
        unblocks=[wheels_request],
    )

    assert f'said this unblocks <a href="/requests/{wheels_request.pk}/">' in page(
        org.member, blocker
    )
    named = f'linked <a href="/requests/{blocker.pk}/">#{blocker.pk} Approve the tyres</a>'
    assert f"{named}, which must be done first" in page(org.member, wheels_request)
    hidden = page(org.lead, wheels_request)  # Lena may not see Purchasing's approval
    assert "linked a request you cannot see, which must be done first" in hidden
    assert "Approve the tyres" not in hidden


def test_a_sub_request_names_its_parent_only_to_those_who_may_see_it(
    org, catalog, grievances, password_hash
):
    parent = request_create(requester=org.outsider, service=grievances, title="About my manager")
    child = subrequest_create(
        actor=org.lead, parent_id=parent.pk, service=catalog.approvals, title="Move a desk"
    )
    paul = Person.objects.create(
        email="paul@example.com", name="Paul", team=org.purchasing, password=password_hash
    )

    seen_by_purchasing = page(paul, child)

    assert "Part of" not in seen_by_purchasing
    assert "About my manager" not in seen_by_purchasing
    assert f"/requests/{parent.pk}/" not in seen_by_purchasing
    part_of = f'Part of</dt><dd><a href="/requests/{parent.pk}/">#{parent.pk} About my manager'
    assert part_of in page(org.outsider, child)  # hers to see


def test_a_request_names_its_sub_requests_only_to_those_who_may_see_them(
    org, catalog, wheels_request
):
    child = subrequest_create(
        actor=org.member, parent_id=wheels_request.pk, service=catalog.approvals, title="Buy"
    )

    seen_by_lead = page(org.lead, wheels_request)  # Lena may not see Purchasing's work

    assert "split off a request you cannot see to another team" in seen_by_lead
    assert f"#{child.pk} Buy" not in seen_by_lead
    named = f'split off <a href="/requests/{child.pk}/">#{child.pk} Buy</a> to Purchase approval'
    assert named in page(org.member, wheels_request)


def test_an_approval_shows_its_decision_and_reason(org, catalog):
    shown = request_create(requester=org.member, service=catalog.approvals, title="Buy tyres")
    request_transition(
        actor=org.outsider,
        request_id=shown.pk,
        to="done",
        decision="declined",
        message="Over budget this quarter",
    )

    text = page(org.member, shown)

    assert "<strong>Declined</strong>: Over budget this quarter" in text


# -- who may see it ----------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(org, wheels_request):
    response = Client().get(f"/requests/{wheels_request.pk}/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_request_the_viewer_may_not_see_is_a_404(org, catalog, password_hash):
    shown = request_create(requester=org.member, service=catalog.approvals, title="x")
    stranger = Person.objects.create(
        email="sam@example.com", name="Sam", team=org.plant, password=password_hash
    )

    assert signed_in_client(stranger).get(f"/requests/{shown.pk}/").status_code == 404
    assert signed_in_client(org.member).get("/requests/999999/").status_code == 404


def test_a_confidential_request_is_hidden_from_a_plain_team_member(org, grievances):
    shown = request_create(requester=org.outsider, service=grievances, title="About my manager")

    assert signed_in_client(org.member).get(f"/requests/{shown.pk}/").status_code == 404
    assert signed_in_client(org.admin).get(f"/requests/{shown.pk}/").status_code == 404
    assert "confidential" in page(org.lead, shown)
    assert "About my manager" in page(org.outsider, shown)


def test_only_the_provider_side_is_offered_the_providers_forms(org, wheels_request):
    provider_view = page(org.member, wheels_request)
    requester_view = page(org.outsider, wheels_request)

    assert ">Acknowledge</button>" in provider_view
    assert "Take it</button>" in provider_view
    assert "Ask the requester and pause the clock" in provider_view
    assert "Internal note" in provider_view
    assert ">Acknowledge</button>" not in requester_view
    assert "Take it" not in requester_view
    assert "Internal note" not in requester_view
    assert "Ask the requester" not in requester_view
    assert "Cancel the request</button>" in requester_view
    assert 'name="version" value="1"' in requester_view


def test_only_a_lead_is_offered_to_give_the_request_to_someone(org, wheels_request):
    assert "Give it to" in page(org.lead, wheels_request)
    assert "Give it to" not in page(org.member, wheels_request)


# -- the invitation ----------------------------------------------------------------------------


def test_a_picked_time_comes_with_an_invitation_for_both_sides(org, catalog):
    clinic = tyre_clinic(org, catalog, promised=False)
    start = (timezone.now() + timedelta(days=2)).replace(microsecond=0)
    shown = request_create(
        requester=org.outsider,
        service=clinic,
        title="Which tyres?",
        proposed_slots=[Slot(start, start + timedelta(minutes=45))],
    )
    path = f"/requests/{shown.pk}/invitation.ics"
    assert signed_in_client(org.outsider).get(path).status_code == 404  # nothing picked yet
    request_pick_slot(actor=org.member, request_id=shown.pk, index=0)

    response = signed_in_client(org.outsider).get(path)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    event = Calendar.from_ical(response.content).walk("VEVENT")[0]
    assert str(event["uid"]) == f"request-{shown.pk}@relaydesk"
    assert event.decoded("dtstart") == start
    assert "Add to your calendar (.ics)" in page(org.outsider, shown)
    assert signed_in_client(org.member).get(path).status_code == 200
    api = signed_in_client(org.outsider).get(f"/api/v1/requests/{shown.pk}/invitation.ics")
    assert api.content == response.content  # one invitation, wherever it is downloaded


# -- what it costs -----------------------------------------------------------------------------

# session, person, teams led; the request; timeline, hops, sub-requests, unblocks, blocked by
# (the time each hop used is counted from these); the lead's forms: team members, teams,
# suppliers; the bell's unread count; the provider's clarity mark
REQUEST_PAGE_QUERIES = 14


@pytest.mark.parametrize("events", [3, 60])
def test_the_request_page_costs_a_fixed_number_of_queries(
    org, catalog, events, django_assert_num_queries
):
    shown = ask(org, catalog)
    for n in range(events - 1):
        request_comment(actor=org.member, request_id=shown.pk, body=f"Update {n}")
    for n in range(3):
        blocker = request_create(requester=org.member, service=catalog.approvals, title=f"{n}")
        blocker.unblocks.add(shown)
    client = signed_in_client(org.lead)
    client.get("/")

    with django_assert_num_queries(REQUEST_PAGE_QUERIES):
        text = client.get(f"/requests/{shown.pk}/").text

    assert text.count('class="event ') >= events


def test_the_page_says_waiting_on_you_to_the_requester_and_how_it_was_done(org, wheels_request):
    request_transition(
        actor=org.member, request_id=wheels_request.pk, to="waiting_on_requester", message="?"
    )
    asked = page(org.outsider, wheels_request)
    request_transition(actor=org.member, request_id=wheels_request.pk, to="done")

    done = page(org.outsider, wheels_request)  # asked on 23 Nov 2026, 8 h promised: late

    assert '<span class="tag status-waiting_on_requester">Waiting on you</span>' in asked
    assert '<span class="tag timeliness-done_late">done late</span>' in done
    assert "Max Member</a></dd>" in done  # finishing it took it: never done by nobody
