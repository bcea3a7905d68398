"""The bell in a real browser: it shows what is unread, leads by keyboard to the list, and
empties when everything is read."""

import pytest

from relaydesk.servicerequests.services import request_comment, request_create
from relaydesk.testing import sign_in

pytestmark = pytest.mark.browser


def test_the_bell_counts_unread_and_the_list_marks_them_read(page, org, catalog, worker):
    errors = []  # a script or style the Content Security Policy blocks shows up here
    page.on("console", lambda message: errors.append(message) if message.type == "error" else 0)
    created = request_create(requester=org.outsider, service=catalog.wheels, title="Fit tyres")
    request_comment(actor=org.member, request_id=created.pk, body="Which size?")
    worker.run_until_idle()

    sign_in(page, org.outsider)
    bell = page.get_by_role("link", name="Notifications 1 unread")
    bell.focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/notifications/")

    assert page.get_by_role(
        "link", name=f"#{created.pk} Fit tyres: Max Member replied"
    ).is_visible()
    page.get_by_role("button", name="Mark all read").click()
    page.wait_for_url("**/notifications/")
    assert page.get_by_role("link", name="Notifications", exact=True).is_visible()
    assert page.get_by_role("button", name="Mark all read").count() == 0
    assert errors == []
