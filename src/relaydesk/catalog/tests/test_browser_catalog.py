"""A colleague asks "who do I ask?" in a real browser; a lead publishes a service."""

import pytest

from relaydesk.catalog.models import Service
from relaydesk.testing import sign_in

pytestmark = pytest.mark.browser


def test_a_member_finds_who_to_ask_from_the_home_page(page, org, catalog):
    sign_in(page, org.member)

    page.get_by_label("Who do I ask?").fill("tyers")  # a typo
    page.get_by_role("button", name="Find a service").click()

    assert page.get_by_text("Showing results for “tyres”").is_visible()
    assert page.get_by_text("first answer within 1 h, done within 1 working day").is_visible()
    assert page.get_by_role("link", name="Request Wheel fitting").is_visible()
    page.get_by_role("link", name="Wheel fitting", exact=True).click()
    assert page.get_by_role("heading", name="Wheel fitting").is_visible()
    promises = page.get_by_role("table", name="Business time promised per priority")
    assert "Urgent" in promises.text_content() and "15 min" in promises.text_content()


def test_a_lead_publishes_a_service_with_promises(page, org, catalog):
    sign_in(page, org.lead)
    page.goto("/services/")
    page.get_by_role("link", name="New service").click()

    page.get_by_label("Name").fill("Torque wrench calibration")
    page.get_by_label("Slug").fill("torque-calibration")
    page.get_by_label("Kind").select_option("work_item")
    page.get_by_label("Provider team").select_option(label="Assembly")
    page.get_by_label("Calendar").select_option(label="Office hours")
    page.get_by_label("Everyone").check()
    page.get_by_label("Normal: first response").fill("2h")
    page.get_by_label("Normal: resolution").fill("1d")  # days are refused
    page.get_by_role("button", name="Save").click()

    assert page.get_by_text("write business hours instead").is_visible()
    page.get_by_label("Normal: resolution").fill("8h")
    page.get_by_role("button", name="Save").click()

    assert page.get_by_role("heading", name="Torque wrench calibration").is_visible()
    assert Service.objects.get(slug="torque-calibration").promises.get().resolution_minutes == 480
