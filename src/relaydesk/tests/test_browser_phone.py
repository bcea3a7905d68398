"""Issue 14 on a phone: the main menu folds behind one Menu button, and every data table shows
each row as a card whose values carry their column's name, so nothing is cut off or scrolls the
page sideways. At desktop width the menu and the tables stay as they were."""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.utils import timezone

from relaydesk.conftest import ARTIFACTS
from relaydesk.servicerequests.services import request_assign, request_create
from relaydesk.testing import sign_in

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@dataclass(frozen=True)
class Shown:
    """A page to open, who opens it, and a value its table must show under its column's name."""

    name: str
    path: str
    admin: bool = False
    label: str = ""  # the column heading the value is shown under; "" when the page has no table
    value: str = ""


PAGES = [
    Shown("home", "/"),
    Shown("people", "/people/", label="Email", value="olga.outsider@example.com"),
    Shown("teams", "/teams/", label="Lead", value="Lena Lead"),
    Shown("team", "/teams/{assembly}/"),
    Shown("services", "/services/"),
    Shown("service", "/services/wheel-fitting/", label="Done within", value="8 h"),
    Shown("my_queue", "/queue/", label="Requester", value="Olga Outsider"),
    Shown("my_requests", "/requests/mine/", label="Handled by", value="Purchasing"),
    Shown("request", "/requests/{held}/", label="Business time used", value="working day"),
    Shown("parties", "/parties/"),
    Shown("calendars", "/calendars/"),
    Shown("audit", "/audit/", admin=True, label="Who", value="the command line"),
]
BY_NAME = {shown.name: shown for shown in PAGES}

# Where a cell with the value sits, how its row is laid out and what its label says.
CELL = """([value]) => {
  const cell = [...document.querySelectorAll("main td")].find(
    (td) => td.textContent.includes(value));
  if (!cell) return null;
  const box = cell.getBoundingClientRect();
  const label = getComputedStyle(cell, "::before");
  return {
    row: getComputedStyle(cell.closest("tr")).display,
    label: label.content,
    labelShown: label.display !== "none" && label.visibility === "visible",
    left: box.left,
    right: box.right,
  };
}"""


@pytest.fixture
def paths(org, catalog) -> dict[str, int]:
    """Max has asked Purchasing for something and holds a request Olga asked of his team."""
    request_create(requester=org.member, service=catalog.approvals, title="Approve a torque wrench")
    held = request_create(
        requester=org.outsider,
        service=catalog.wheels,
        title="Fit winter tyres to the demo van",
        now=timezone.now() - timedelta(days=10),  # long enough ago to have used working days
    )
    request_assign(actor=org.lead, request_id=held.pk, assignee=org.member)
    return {"assembly": org.assembly.pk, "held": held.pk}


def open_page(page, org, paths: dict[str, int], shown: Shown) -> None:
    sign_in(page, org.admin if shown.admin else org.member)
    page.goto(shown.path.format(**paths))


def menu_link(page, name: str):
    return page.get_by_role("navigation", name="Main").get_by_role("link", name=name, exact=True)


@pytest.mark.parametrize("shown", PAGES, ids=[shown.name for shown in PAGES])
def test_on_a_phone_the_page_fits_the_menu_folds_and_rows_are_cards(page, org, paths, shown):
    page.set_viewport_size(PHONE)
    open_page(page, org, paths, shown)

    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{shown.name} overflows a phone: {width}px"

    if shown.label:
        cell = page.evaluate(CELL, [shown.value])
        assert cell is not None, f"no cell shows {shown.value!r}"
        assert cell["row"] in {"block", "grid", "flex"}, f"rows are still {cell['row']}"
        assert cell["label"] == f'"{shown.label}"'
        assert cell["labelShown"]
        assert cell["left"] >= 0 and cell["right"] <= PHONE["width"]
        value = page.locator("main td").filter(has_text=shown.value).first
        box = value.bounding_box()
        assert box is not None and box["x"] + box["width"] <= PHONE["width"]
        # The heading row gives way to the labels (it stays for screen readers).
        assert page.evaluate("document.querySelector('main thead').offsetHeight") <= 1
    page.screenshot(path=ARTIFACTS / f"phone_{shown.name}.png", full_page=True)

    people, sign_out = menu_link(page, "People"), page.get_by_role("button", name="Sign out")
    menu = page.get_by_role("button", name="Menu")
    assert people.is_hidden() and sign_out.is_hidden()
    assert menu.get_attribute("aria-expanded") == "false"
    menu.click()
    assert people.is_visible() and sign_out.is_visible()
    assert menu.get_attribute("aria-expanded") == "true"
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    if shown.name == "home":
        page.screenshot(path=ARTIFACTS / "phone_home_menu_open.png", full_page=True)
    menu.click()
    assert people.is_hidden()


def test_escape_folds_the_open_menu_and_returns_to_its_button(page, org, paths):
    page.set_viewport_size(PHONE)
    sign_in(page, org.member)
    menu = page.get_by_role("button", name="Menu")
    menu.click()
    menu_link(page, "Teams").focus()

    page.keyboard.press("Escape")

    assert menu_link(page, "Teams").is_hidden()
    assert page.evaluate("document.activeElement.textContent.trim()").startswith("Menu")


@pytest.mark.parametrize(
    "shown", [BY_NAME[name] for name in ("people", "request", "audit")], ids=lambda each: each.name
)
def test_at_desktop_width_the_menu_shows_without_a_button_and_tables_are_tables(
    page, org, paths, shown
):
    page.set_viewport_size(DESKTOP)
    open_page(page, org, paths, shown)

    assert page.get_by_role("button", name="Menu").is_hidden()
    assert menu_link(page, "People").is_visible()
    assert page.get_by_role("button", name="Sign out").is_visible()
    cell = page.evaluate(CELL, [shown.value])
    assert cell["row"] == "table-row"
    assert page.locator("main thead th").filter(has_text=shown.label).is_visible()


@pytest.fixture
def page_without_js(browser, server_url, page) -> Iterator:
    context = browser.new_context(base_url=server_url, java_script_enabled=False)
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


@pytest.mark.parametrize(
    "shown", [BY_NAME[name] for name in ("people", "service", "audit")], ids=lambda each: each.name
)
def test_without_javascript_a_phone_shows_the_menu_and_scrolls_tables_in_their_box(
    page_without_js, org, paths, shown
):
    page = page_without_js
    page.set_viewport_size(PHONE)
    open_page(page, org, paths, shown)

    assert page.get_by_role("button", name="Menu").is_hidden()
    assert menu_link(page, "People").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.locator("main td").filter(has_text=shown.value).first.scroll_into_view_if_needed()
    assert page.locator("main td").filter(has_text=shown.value).first.is_visible()
    page.screenshot(path=ARTIFACTS / f"phone_nojs_{shown.name}.png", full_page=True)


# The other pages with tables, as an admin sees them; grids of figures scroll in their own box.
MORE = {
    "team_queue": "/teams/{assembly}/queue/",
    "absences": "/absences/",
    "tokens": "/account/tokens/",
    "outbox": "/outbox/",
    "dashboard": "/insight/",
    "who_comes_last": "/teams/{assembly}/who-comes-last/",
    "team_feedback": "/teams/{assembly}/feedback/",
    "notification_settings": "/notifications/settings/",
    "webhooks": "/notifications/webhooks/",
    "team_map": "/map/team/{assembly}/",
    "risk": "/map/risk/",
}

# Whether every table, as cards or as a grid in its scrolling box, ends within the screen.
TABLES_FIT = """() => [...document.querySelectorAll("main table")].every(
  (table) => (table.closest(".table-wrap") || table).getBoundingClientRect().right <= innerWidth)"""


def test_every_other_table_on_a_phone_is_cards_or_scrolls_in_its_box(page, org, paths):
    page.set_viewport_size(PHONE)
    sign_in(page, org.admin)
    overflowing, unfit = [], []
    for name, path in MORE.items():
        page.goto(path.format(**paths))
        assert page.get_by_role("heading", level=1).is_visible(), f"{name} did not open"
        if page.evaluate("document.documentElement.scrollWidth") > PHONE["width"]:
            overflowing.append(name)
        if not page.evaluate(TABLES_FIT):
            unfit.append(name)
        page.screenshot(path=ARTIFACTS / f"phone_{name}.png", full_page=True)

    assert overflowing == [] and unfit == []
