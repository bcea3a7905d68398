"""Issue 14's everyday loop in real browsers, at desktop and phone width: a requester asks and
sees when to expect an answer, the provider asks back in the one composer, the requester finds
"waiting on you" first on their home page and answers, the provider finishes; the team lead
finds late work flagged in every list."""

from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.utils import timezone

from relaydesk.conftest import ARTIFACTS
from relaydesk.servicerequests.models import Request
from relaydesk.servicerequests.services import request_assign, request_create
from relaydesk.testing import sign_in

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def second_page(browser, server_url, page) -> Iterator:
    context = browser.new_context(base_url=server_url)
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


@pytest.fixture
def third_page(browser, server_url, page) -> Iterator:
    context = browser.new_context(base_url=server_url)
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def shoot(page, name: str) -> None:
    """A desktop and a phone screenshot; on the phone nothing may overflow sideways."""
    ARTIFACTS.mkdir(exist_ok=True)
    for size, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(viewport)
        page.screenshot(path=ARTIFACTS / f"everyday_{name}_{size}.png", full_page=True)
        if size == "phone":
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= PHONE["width"], f"{name} overflows a phone: {width}px"
    page.set_viewport_size(DESKTOP)


def late_mark(page, title: str) -> str:
    """The timeliness tag in the list row (or list item) of the request called `title`."""
    row = page.locator("tr, li").filter(has=page.get_by_role("link", name=title)).last
    tag = row.locator("[class*='timeliness-']")
    return tag.first.inner_text() if tag.count() else ""


def test_ask_answer_pause_finish_and_see_it_first_on_home(
    page, second_page, third_page, org, catalog
):
    requester, provider, lead = page, second_page, third_page
    for each in (requester, provider, lead):
        each.set_viewport_size(DESKTOP)
    # Max already holds a job asked ten days ago: late by now.
    overdue = request_create(
        requester=org.outsider,
        service=catalog.wheels,
        title="Balance the fleet's wheels",
        now=timezone.now() - timedelta(days=10),
    )
    request_assign(actor=org.lead, request_id=overdue.pk, assignee=org.member)

    # Olga asks, and the form says when she will hear back before she sends it.
    sign_in(requester, org.outsider)
    requester.goto("/services/wheel-fitting/request/")
    preview = requester.locator("#promise-preview")
    assert "you will hear back by" in preview.inner_text()
    normal = preview.locator("[data-answer-by]").inner_text()
    requester.get_by_label("Urgent — first answer within 15 min", exact=False).check()
    assert preview.locator("[data-answer-by]").inner_text() != normal  # 15 min, not 1 h
    requester.get_by_label("Normal — first answer within 1 h", exact=False).check()
    assert preview.locator("[data-answer-by]").inner_text() == normal
    requester.get_by_label("Title").fill("Fit winter tyres to the demo van")
    shoot(requester, "requester_asks")
    requester.get_by_role("button", name="Send the request").click()
    shown = Request.objects.exclude(pk=overdue.pk).get()
    requester.wait_for_url(f"**/requests/{shown.pk}/")

    # Max sees his late job first on his home page, then asks Olga back in the one composer.
    sign_in(provider, org.member)
    needs = provider.locator("#needs-me")
    assert needs.get_by_text("Late or at risk in your queue").is_visible()
    assert late_mark(provider, f"#{overdue.pk} Balance the fleet's wheels") == "late"
    shoot(provider, "provider_home")
    provider.goto(f"/requests/{shown.pk}/")
    assert provider.locator("form.composer").count() == 1
    provider.get_by_label("Ask the requester and pause the clock").check()
    provider.get_by_label("Write a message").fill("The blue van or the white one?")
    provider.get_by_role("button", name="Send", exact=True).click()
    provider.wait_for_url(f"**/requests/{shown.pk}/")
    assert provider.get_by_text("paused: waiting on the requester").is_visible()
    assert provider.get_by_text("took it (by acting on it)").is_visible()
    shoot(provider, "provider_asked")

    # Olga's home puts the question first, in her words: waiting on her.
    requester.goto("/")
    waiting = requester.locator("#waiting-on-you")
    assert waiting.get_by_text("Waiting on you").is_visible()
    assert requester.get_by_text("Waiting on the requester").count() == 0
    shoot(requester, "requester_home_waiting")
    waiting.get_by_role("link", name=f"#{shown.pk} Fit winter tyres to the demo van").click()
    assert requester.locator("#hops").count() == 0  # nothing of the provider side's to show
    requester.get_by_label("Your answer").fill("The blue one.")
    requester.get_by_role("button", name="Send the answer").click()
    requester.wait_for_url(f"**/requests/{shown.pk}/")
    assert requester.get_by_text("paused: waiting on the requester").count() == 0

    # Max replies, then finishes; the request names who held it.
    provider.reload()
    provider.get_by_label("Write a message").fill("Fitted, keys at the desk.")
    provider.get_by_role("button", name="Send", exact=True).click()
    provider.wait_for_url(f"**/requests/{shown.pk}/")
    provider.get_by_role("button", name="Mark done").click()
    provider.wait_for_url(f"**/requests/{shown.pk}/")
    assert provider.locator(".page-header .tag").first.inner_text() == "Done"
    assert provider.get_by_text("nobody yet").count() == 0

    # Olga's requests say it was done on time, and the late one is late.
    requester.goto("/requests/mine/?status=all")
    assert late_mark(requester, f"#{shown.pk} Fit winter tyres to the demo van") == "done on time"
    assert late_mark(requester, f"#{overdue.pk} Balance the fleet's wheels") == "late"
    shoot(requester, "requester_my_requests")

    # Lena, the lead, finds the late job flagged in every list she looks at.
    sign_in(lead, org.lead)
    title = f"#{overdue.pk} Balance the fleet's wheels"
    for url, name in (
        (f"/teams/{org.assembly.pk}/", "lead_team_page"),
        (f"/teams/{org.assembly.pk}/queue/", "lead_team_queue"),
        (f"/people/{org.member.pk}/", "lead_person_page"),
    ):
        lead.goto(url)
        assert late_mark(lead, title) == "late", url
        shoot(lead, name)
    provider.goto("/queue/")
    assert late_mark(provider, title) == "late"
    shoot(provider, "provider_queue")
