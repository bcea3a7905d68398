"""A request's whole round trip in real browsers: asked, acknowledged, questioned, answered,
finished early — each side in its own browser context."""

from datetime import timedelta

import pytest
from django.utils import timezone

from relaydesk.conftest import ARTIFACTS
from relaydesk.servicerequests.models import Request
from relaydesk.servicerequests.services import request_create
from relaydesk.servicerequests.tests.conftest import BERLIN
from relaydesk.testing import sign_in

pytestmark = pytest.mark.browser

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@pytest.fixture
def provider_page(browser, server_url, page):
    """A second browser context, so the provider has a session of their own."""
    context = browser.new_context(base_url=server_url)
    context.set_default_timeout(10_000)
    second = context.new_page()
    yield second
    context.close()


def test_a_request_goes_from_the_search_to_done_early(page, provider_page, org, catalog):
    requester, provider = page, provider_page
    errors = []  # a script or style the Content Security Policy blocks shows up here
    for each in (requester, provider):
        each.on("console", lambda message: errors.append(message) if message.type == "error" else 0)
    needed_by = (timezone.now() + timedelta(days=7)).astimezone(BERLIN)  # Olga is in Berlin

    # Olga asks "who do I ask?" and files a request to the service she finds.
    sign_in(requester, org.outsider)
    requester.get_by_label("Who do I ask?").fill("tyres")
    requester.get_by_role("button", name="Find a service").click()
    requester.get_by_role("link", name="Wheel fitting", exact=True).click()
    requester.get_by_role("link", name="Request this").click()
    requester.get_by_label("Title").fill("Fit winter tyres to the demo van")
    requester.get_by_label("Details").fill("The blue van leaves for Harbour Motors on Friday.")
    requester.get_by_label("Normal — first answer within 1 h, done within 1 working day").check()
    requester.get_by_label("Needed by").fill(needed_by.strftime("%Y-%m-%dT%H:%M"))
    requester.get_by_label("For an external customer or vendor").select_option(
        label="Harbour Motors"
    )
    requester.get_by_role("button", name="Send the request").click()

    shown = Request.objects.get()
    requester.wait_for_url(f"**/requests/{shown.pk}/")
    assert requester.get_by_role("heading", name="Fit winter tyres to the demo van").is_visible()
    assert requester.get_by_text("nobody yet").is_visible()

    # Max, in Assembly, finds it in his team's queue, acknowledges it and asks a question.
    sign_in(provider, org.member)
    provider.get_by_role("link", name="My queue").click()
    provider.get_by_role("link", name="Your team's queue").click()
    provider.get_by_role("link", name=f"#{shown.pk} Fit winter tyres to the demo van").click()
    provider.get_by_role("button", name="Acknowledge").click()
    provider.wait_for_url(f"**/requests/{shown.pk}/")
    assert provider.locator(".page-header .tag").first.inner_text() == "Acknowledged"
    provider.get_by_label("Ask the requester and pause the clock").check()
    provider.get_by_label("Write a message").fill("The blue van or the white one?")
    provider.get_by_role("button", name="Send", exact=True).click()
    provider.wait_for_url(f"**/requests/{shown.pk}/")
    assert provider.get_by_text("paused: waiting on the requester").is_visible()

    # Olga sees the question; her answer starts the clock again.
    requester.reload()
    assert requester.get_by_text("paused: waiting on the requester").is_visible()
    assert requester.get_by_text("The blue van or the white one?").is_visible()
    requester.get_by_label("Your answer").fill("The blue one, plate KE-1234.")
    requester.get_by_role("button", name="Send the answer").click()
    requester.wait_for_url(f"**/requests/{shown.pk}/")
    assert requester.locator(".page-header .tag").first.inner_text() == "In progress"
    assert requester.get_by_text("paused: waiting on the requester").count() == 0

    # Max finishes it, days before it was needed.
    provider.reload()
    provider.get_by_role("button", name="Mark done").click()
    provider.wait_for_url(f"**/requests/{shown.pk}/")
    assert provider.locator(".page-header .tag").first.inner_text() == "Done"
    assert provider.get_by_text("early", exact=False).first.is_visible()
    provider.set_viewport_size({"width": 375, "height": 800})
    provider.screenshot(path=ARTIFACTS / "request_flow_provider_phone.png", full_page=True)

    # Olga's timeline tells the story in order.
    requester.reload()
    steps = requester.locator(".timeline .event-head").all_inner_texts()
    story = [
        "Olga Outsider asked Wheel fitting",
        "Max Member moved it from new to acknowledged",
        "Max Member took it",  # acting on it took it; the bare click was no answer
        "Max Member asked the requester",
        "Max Member gave the first answer",
        "Max Member paused the resolution clock",
        "Olga Outsider wrote",
        "Olga Outsider moved it back to in progress",
        "Olga Outsider started the resolution clock again",
        "Max Member moved it from in progress to done",
        "Relaydesk — done 6 d",
    ]
    assert [step.split("\n")[0][: len(line)] for step, line in zip(steps, story, strict=True)] == (
        story
    )
    assert requester.get_by_text("done in", exact=False).is_visible()
    assert requester.get_by_text("early", exact=False).first.is_visible()
    assert [e.text for e in errors] == []  # not even a favicon missing
    requester.set_viewport_size({"width": 375, "height": 800})
    assert requester.evaluate("document.documentElement.scrollWidth") <= 375
    requester.screenshot(path=ARTIFACTS / "request_flow_requester_phone.png", full_page=True)
    requester.set_viewport_size({"width": 1280, "height": 800})


def test_a_running_clock_counts_down_while_its_calendar_is_open(page, org, catalog):
    always = {"timezone": "Europe/Berlin", "hours": {day: ["00:00-24:00"] for day in DAYS}}
    catalog.office.definition = always
    catalog.office.save()
    shown = request_create(requester=org.outsider, service=catalog.wheels, title="Fit tyres")
    page.clock.install()
    sign_in(page, org.outsider)

    page.goto(f"/requests/{shown.pk}/")
    first_answer = page.locator(".clock-text").first
    assert first_answer.inner_text() == "1 h left (business time)"
    page.clock.run_for(10 * 60 * 1000)

    assert first_answer.inner_text() == "50 min left (business time)"
    page.clock.run_for(55 * 60 * 1000)
    assert first_answer.inner_text() == "overdue by 5 min (business time)"
