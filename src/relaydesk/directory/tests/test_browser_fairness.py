"""In a real browser: a lead switches the team's queue policy and the order changes; a member
declares an absence with a backup and a new request to them lands with the backup."""

from datetime import timedelta

import pytest
from django.utils import timezone

from relaydesk.servicerequests.models import Request
from relaydesk.servicerequests.services import request_create
from relaydesk.servicerequests.tests.conftest import BERLIN
from relaydesk.testing import sign_in

pytestmark = pytest.mark.browser


def queue_titles(page):
    return page.locator("table.request-table tbody th a").all_inner_texts()


def test_a_lead_switches_the_queue_policy_and_the_order_changes(page, org, catalog):
    request_create(
        requester=org.outsider, service=catalog.wheels, title="Colleague's", priority="urgent"
    )
    request_create(
        requester=org.outsider, service=catalog.wheels, title="Harbour's", party=org.dealer
    )
    sign_in(page, org.lead)
    page.goto(f"/teams/{org.assembly.pk}/queue/")
    assert [title.split(" ", 1)[1] for title in queue_titles(page)] == ["Colleague's", "Harbour's"]
    assert page.get_by_text("Earliest due first: the request whose promise").is_visible()

    page.get_by_label("Queue order").select_option(label="External first")
    page.get_by_role("button", name="Use this order").click()

    page.wait_for_url(f"**/teams/{org.assembly.pk}/queue/")
    assert page.get_by_text("The queue now follows “External first”.").is_visible()
    assert [title.split(" ", 1)[1] for title in queue_titles(page)] == ["Harbour's", "Colleague's"]
    assert page.get_by_text("Why here: for Harbour Motors, external first").is_visible()


def test_a_member_declares_an_absence_and_a_new_request_lands_with_the_backup(page, org, advice):
    now = timezone.now().astimezone(BERLIN)  # Max is in Berlin
    sign_in(page, org.member)
    page.goto("/queue/")
    page.get_by_role("link", name="Absences and cover").click()
    page.get_by_label("From").fill((now - timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Until").fill((now + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Backup's email").fill("lena.lead@example.com")
    page.get_by_label("Note (optional)").fill("Training in Munich")
    page.get_by_role("button", name="Save the absence").click()

    assert page.get_by_role("heading", name="Max Member away").is_visible()
    assert page.get_by_text("covered by Lena Lead").is_visible()

    # Olga asks Max's personal service: she is told who covers, and the request lands there.
    page.context.clear_cookies()
    sign_in(page, org.outsider)
    page.goto("/services/torque-advice/request/")
    assert page.get_by_text("Max Member is away until").is_visible()
    assert page.get_by_text("covered by Lena Lead: your request goes to them").is_visible()
    page.get_by_label("Title").fill("Torque for the new wheel bolts?")
    page.get_by_role("button", name="Send the request").click()
    page.wait_for_url("**/requests/*/")

    assert Request.objects.get().assignee == org.lead
