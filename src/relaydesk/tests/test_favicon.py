"""Every page names its icon, so that browsers do not ask for a /favicon.ico that is not there."""

import re

from django.test import Client


def test_pages_link_an_icon_the_app_serves(db):
    page = Client().get("/accounts/login/").text

    icon = re.search(r'<link rel="icon" href="([^"]+)" type="image/svg\+xml">', page)
    assert icon is not None
    response = Client().get(icon[1])
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert b"<svg" in b"".join(response.streaming_content)
