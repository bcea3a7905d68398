"""In a real browser: rating from the link in a real email, and kudos in two clicks."""

import re

import pytest

from relaydesk.events.worker import Worker
from relaydesk.feedback.models import Kudos, Rating
from relaydesk.feedback.tests.conftest import finished
from relaydesk.notify.tests.support import text_part
from relaydesk.testing import sign_in

pytestmark = pytest.mark.browser


def test_the_requester_rates_from_the_link_in_the_done_email(
    page, org, catalog, mailbox, settings, server_url
):
    settings.RELAYDESK_BASE_URL = server_url
    done = finished(org, catalog.wheels)
    Worker().run_until_idle()
    [email] = [m for m in mailbox.to(org.outsider.email) if "done" in m["Subject"]]
    link = re.search(r"Rate it: (\S+)", text_part(email)).group(1)

    page.goto(link)  # not signed in
    page.get_by_role("radio", name="5 very satisfied").check()
    page.get_by_role("radio", name="7 strongly agree").check()
    page.get_by_label("Comment").fill("Quick and friendly")
    page.get_by_role("button", name="Send my rating").click()
    assert page.get_by_role("heading", name="Thank you").is_visible()
    rating = Rating.objects.get()
    assert (rating.author, rating.satisfaction, rating.ease) == (org.outsider, 5, 7)
    assert rating.request_id == done.pk

    page.goto(link)
    assert page.get_by_text("This link was used already").is_visible()


def test_kudos_in_two_clicks_from_a_request_page(page, org, catalog):
    done = finished(org, catalog.wheels)
    sign_in(page, org.outsider)
    page.goto(done.get_absolute_url())
    page.get_by_role("link", name="Say thanks").click()  # one
    page.get_by_role("button", name="Send thanks").click()  # two
    page.wait_for_url(f"**{done.get_absolute_url()}")
    kudos = Kudos.objects.get()
    assert (kudos.giver, kudos.to_person, kudos.request_id) == (org.outsider, org.member, done.pk)
