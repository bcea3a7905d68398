"""The date boxes and the times pages show are in the viewer's own timezone (issue 14, SPEC §6):
not the server's (UTC) nor the service's calendar's (Berlin). The same wall time typed by
people half a world apart is two different instants."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from relaydesk.conftest import ARTIFACTS
from relaydesk.directory.models import Absence, ApiToken
from relaydesk.directory.services import api_token_create
from relaydesk.servicerequests.models import Request
from relaydesk.testing import sign_in, signed_in_client

ZONES = ["Pacific/Auckland", "America/Los_Angeles"]
TYPED = "2027-03-01T09:00"
ASK = "/services/wheel-fitting/request/"


def in_zone(person, zone: str):
    person.timezone = zone
    person.save(update_fields=["timezone"])
    return person


@pytest.mark.parametrize("zone", ZONES)
def test_needed_by_is_the_wall_time_typed_in_the_persons_own_timezone(org, catalog, zone):
    client = signed_in_client(in_zone(org.outsider, zone))

    sent = client.post(ASK, {"title": "Fit winter tyres", "priority": "normal", "needed_by": TYPED})

    assert sent.status_code == 302
    stored = Request.objects.get().needed_by
    assert stored == datetime(2027, 3, 1, 9, 0, tzinfo=ZoneInfo(zone))
    assert "Mon 1 Mar 2027, 09:00" in client.get(sent["Location"]).text


def test_the_same_wall_time_is_a_different_instant_half_a_world_apart(org, catalog):
    for person, zone in zip((org.outsider, org.lead), ZONES, strict=True):
        signed_in_client(in_zone(person, zone)).post(
            ASK, {"title": f"Tyres for {zone}", "priority": "normal", "needed_by": TYPED}
        )

    instants = [request.needed_by for request in Request.objects.order_by("pk")]

    # 09:00 in Auckland (UTC+13) is 20:00 UTC the day before; in Los Angeles (UTC-8), 17:00.
    assert instants == [
        datetime(2027, 2, 28, 20, 0, tzinfo=UTC),
        datetime(2027, 3, 1, 17, tzinfo=UTC),
    ]


@pytest.mark.parametrize("zone", ZONES)
def test_the_form_shown_again_after_an_error_keeps_the_local_time_typed(org, catalog, zone):
    client = signed_in_client(in_zone(org.outsider, zone))

    refused = client.post(
        ASK,
        {"title": "Fit winter tyres", "priority": "normal", "needed_by": TYPED, "unblocks": "x"},
    )

    assert refused.status_code == 400
    assert f'value="{TYPED}"' in refused.text
    assert f"in your timezone ({zone})" in refused.text
    assert not Request.objects.exists()


def test_an_absence_is_read_and_shown_in_the_persons_own_timezone(org):
    client = signed_in_client(in_zone(org.member, "Pacific/Auckland"))

    form = client.get("/absences/").text
    sent = client.post(
        "/absences/",
        {"person": org.member.pk, "starts_at": TYPED, "ends_at": "2027-03-05T17:00"},
    )

    assert "In your timezone (Pacific/Auckland)." in form
    assert sent.status_code == 302
    assert Absence.objects.get().starts_at == datetime(2027, 2, 28, 20, 0, tzinfo=UTC)
    assert "Mon 1 Mar 2027, 09:00" in client.get("/absences/").text


def test_pages_of_every_area_speak_the_viewers_timezone(org):
    # The tokens page had no timezone of its own: a token made at 20:00 UTC on 28 February
    # was made on 1 March in Auckland.
    token, _ = api_token_create(person=org.member, name="report script")
    ApiToken.objects.filter(pk=token.pk).update(created_at=datetime(2027, 2, 28, 20, tzinfo=UTC))

    page = signed_in_client(in_zone(org.member, "Pacific/Auckland")).get("/account/tokens/")

    assert "1 Mar 2027" in page.text


@pytest.fixture
def auckland_page(browser, server_url, transactional_db, request):
    """A browser whose clock and timezone are Auckland's, as its person's profile says."""
    context = browser.new_context(base_url=server_url, timezone_id="Pacific/Auckland")
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"{request.node.name}.png", full_page=True)
    context.close()


@pytest.mark.browser
def test_the_date_box_shows_the_local_time_in_a_browser_in_auckland(auckland_page, org, catalog):
    page = auckland_page
    sign_in(page, in_zone(org.outsider, "Pacific/Auckland"))
    page.goto(ASK)

    page.get_by_label("Title").fill("Fit winter tyres")
    page.get_by_label("Needed by").fill(TYPED)
    page.get_by_label("This unblocks").fill("not a number")
    page.get_by_role("button", name="Send the request").click()
    page.get_by_text("request numbers only").wait_for()

    assert page.get_by_text("request numbers only").is_visible()
    assert page.get_by_label("Needed by").input_value() == TYPED
    assert page.get_by_text("in your timezone (Pacific/Auckland)").is_visible()

    page.get_by_label("This unblocks").fill("")
    page.get_by_role("button", name="Send the request").click()
    page.wait_for_url("**/requests/*/")

    assert page.get_by_text("Mon 1 Mar 2027, 09:00").is_visible()
    assert Request.objects.get().needed_by == datetime(2027, 2, 28, 20, 0, tzinfo=UTC)
