"""A lead fills in the service form's pickers in a real browser (issue 14)."""

import pytest

from relaydesk.catalog.services import ServiceSpec, service_save
from relaydesk.conftest import ARTIFACTS
from relaydesk.testing import sign_in

pytestmark = pytest.mark.browser


def test_a_lead_types_a_team_and_a_feed_and_picks_them_by_name(page, org, catalog):
    service_save(
        actor=None,
        spec=ServiceSpec(
            slug="tyre-storage",
            name="Tyre storage",
            kind="work_item",
            calendar=catalog.office,
            provider_team=org.purchasing,
        ),
    )
    sign_in(page, org.lead)
    page.goto("/services/wheel-fitting/edit/")

    page.get_by_role("combobox", name="Customer teams").press_sequentially("purch")
    page.get_by_role("option", name="Purchasing (Plant)").click()
    assert page.get_by_role("button", name="Remove Purchasing (Plant)").is_visible()

    page.get_by_role("combobox", name="Feeds").press_sequentially("tyre st")
    page.get_by_role("option", name="Tyre storage").click()
    assert page.get_by_role("button", name="Remove Tyre storage").is_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "picker_service_form.png", full_page=True)
    page.get_by_role("button", name="Save").click()

    assert page.get_by_role("heading", name="Wheel fitting", exact=True).is_visible()
    chain = page.get_by_role("region", name="Its place in the chain")
    assert chain.get_by_role("link", name="Tyre storage").is_visible()
    assert chain.get_by_role("link", name="Purchasing").is_visible()
    assert list(catalog.wheels.customer_teams.all()) == [org.purchasing]
