"""A member opens their customer map in a real browser, sees the picture and follows a node."""

import pytest

from relaydesk.chains.tests.factories import served
from relaydesk.conftest import ARTIFACTS
from relaydesk.testing import sign_in

pytestmark = pytest.mark.browser


def test_a_member_opens_their_map_and_follows_a_node(page, org, catalog):
    served(catalog.wheels, org.outsider, party=org.dealer)
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    sign_in(page, org.member)

    page.get_by_role("link", name="Who are my customers?").click()

    assert page.get_by_role("heading", name="Who are Max Member's customers?").is_visible()
    nodes = page.locator(".map-svg svg g.node")
    assert nodes.count() >= 4
    assert nodes.filter(has_text="Harbour Motors").first.is_visible()
    page.screenshot(path=ARTIFACTS / "chains-map-desktop.png", full_page=True)
    page.set_viewport_size({"width": 375, "height": 740})
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.screenshot(path=ARTIFACTS / "chains-map-phone.png", full_page=True)

    nodes.filter(has_text="Assembly").first.locator("a").click()

    assert page.get_by_role("heading", name="Who are Assembly's customers?").is_visible()
    assert errors == []
