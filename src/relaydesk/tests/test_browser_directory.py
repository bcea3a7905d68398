"""A person signs in with a real browser and finds a colleague in the directory."""

import pytest

from relaydesk.testing import PASSWORD, sign_in

pytestmark = pytest.mark.browser


def test_a_member_signs_in_and_finds_a_colleague(page, org):
    sign_in(page, org.member)
    assert page.get_by_role("heading", name="Hello, Max Member").is_visible()

    page.get_by_role("link", name="People").click()
    page.get_by_label("Search people").fill("purchasing")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="Olga Outsider").click()

    assert page.get_by_role("heading", name="Olga Outsider", exact=True).is_visible()
    page.get_by_role("link", name="Purchasing").first.click()
    assert page.get_by_role("heading", name="Purchasing").is_visible()
    assert page.get_by_role("navigation", name="Departments").get_by_text("Plant").is_visible()


def test_a_wrong_password_shows_an_error_beside_the_form(page, org):
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(org.member.email)
    page.get_by_label("Password").fill(PASSWORD + "x")
    page.get_by_role("button", name="Sign in").click()

    assert (
        page.get_by_role("alert")
        .inner_text()
        .startswith("That email address and password do not match an account.")
    )


def test_the_directory_fits_a_phone_screen(page, org):
    page.set_viewport_size({"width": 375, "height": 740})
    sign_in(page, org.member)
    page.goto("/people/")

    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= 375
    assert page.get_by_role("link", name="Sign out").count() == 0  # it is a button, in a form
    page.get_by_role("button", name="Menu").click()  # the account links fold with the menu
    assert page.get_by_role("button", name="Sign out").is_visible()


def test_the_stylesheet_loads_under_the_content_security_policy(page, org):
    errors = []
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    sign_in(page, org.member)

    header_colour = page.evaluate(
        "getComputedStyle(document.querySelector('.site-header')).backgroundColor"
    )
    assert header_colour == "rgb(23, 32, 42)"
    assert errors == []
