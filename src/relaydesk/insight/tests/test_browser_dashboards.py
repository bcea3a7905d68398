"""The dashboards in a real browser: a lead opens the team's from home, changes the period and
downloads a CSV; an admin drills down from the organisation to a team."""

from pathlib import Path

import pytest

from relaydesk.conftest import ARTIFACTS
from relaydesk.testing import sign_in

pytestmark = pytest.mark.browser


def test_a_lead_opens_the_team_dashboard_changes_the_period_and_downloads_csv(
    page,
    org,
    catalog,
    served,
):
    sign_in(page, org.lead)
    health = page.locator("section.health", has_text="Assembly at a glance")
    assert "1 open" in health.inner_text()  # the open request is counted, with its age
    health.get_by_role("link", name="Dashboard").click()
    page.wait_for_url(f"**/insight/teams/{org.assembly.pk}/")

    page.get_by_label("Period", exact=True).select_option("90d")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**period=90d**")
    created = page.locator("#figures tr", has_text="requests created")
    assert created.locator("td").first.inner_text() == "3"
    assert page.locator("svg rect").count() >= 1
    page.screenshot(path=ARTIFACTS / "insight-team-desktop.png", full_page=True)

    with page.expect_download() as downloading:
        page.get_by_role("link", name="Download the figures as CSV").click()
    text = Path(downloading.value.path()).read_text(encoding="utf-8")
    assert text.startswith("figure,value,n,previous period")
    assert "requests created,3," in text

    page.set_viewport_size({"width": 375, "height": 740})
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.screenshot(path=ARTIFACTS / "insight-team-phone.png", full_page=True)


def test_an_admin_drills_down_from_the_organisation_to_a_team(page, org, catalog, served):
    sign_in(page, org.admin)
    page.locator("section.health", has_text="The organisation at a glance").get_by_role(
        "link", name="Dashboard"
    ).click()
    page.wait_for_url("**/insight/")
    page.screenshot(path=ARTIFACTS / "insight-org-desktop.png", full_page=True)

    page.locator("#lines").get_by_role("link", name="Plant").click()
    page.wait_for_url(f"**/insight/teams/{org.plant.pk}/**")
    page.locator("#lines").get_by_role("link", name="Assembly").click()
    page.wait_for_url(f"**/insight/teams/{org.assembly.pk}/**")
    assert page.get_by_role("heading", name="Assembly: dashboard").is_visible()
    page.locator("#lines").get_by_role("link", name="Wheel fitting").click()
    page.wait_for_url(f"**/insight/services/{catalog.wheels.slug}/**")

    page.goto("/insight/")
    page.set_viewport_size({"width": 375, "height": 740})
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.screenshot(path=ARTIFACTS / "insight-org-phone.png", full_page=True)
