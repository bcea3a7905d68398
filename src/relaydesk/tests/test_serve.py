"""The demo as a person starts it: built by `relaydesk demo`, served by `relaydesk serve`."""

import http.cookiejar
import os
import re
import subprocess
import sys
import urllib.parse
import urllib.request
from collections.abc import Iterator

import pytest

from relaydesk.demo.story import DEMO_PASSWORD, SAMPLE_ACCOUNTS
from relaydesk.testing import serving


@pytest.fixture(scope="module")
def served_demo(tmp_path_factory) -> Iterator[str]:
    # The embedded default on purpose: this is what `make demo` gives a newcomer.
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["RELAYDESK_DATA_DIR"] = str(tmp_path_factory.mktemp("demo-data"))
    relaydesk = [sys.executable, "-m", "relaydesk"]
    built = subprocess.run(
        [*relaydesk, "demo", "--no-serve"], env=env, capture_output=True, text=True, timeout=120
    )
    assert built.returncode == 0, built.stderr
    assert "ada.brandt@kestrel-motors.example" in built.stdout
    with serving(env) as base_url:
        yield base_url


def browser_like_opener() -> urllib.request.OpenerDirector:
    return urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )


def test_a_sample_account_signs_in_to_the_served_demo(served_demo):
    opener = browser_like_opener()
    login_page = opener.open(f"{served_demo}/accounts/login/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login_page).group(1)
    admin = SAMPLE_ACCOUNTS[0]

    form = {"csrfmiddlewaretoken": token, "username": admin.email, "password": DEMO_PASSWORD}
    request = urllib.request.Request(
        f"{served_demo}/accounts/login/",
        data=urllib.parse.urlencode(form).encode(),
        headers={"Referer": f"{served_demo}/accounts/login/"},
    )
    home = opener.open(request).read().decode()

    assert f"Hello, {admin.name}" in home
    assert "40</span> colleagues" in home


def test_the_server_serves_its_own_static_files_with_long_caching(served_demo):
    login_page = urllib.request.urlopen(f"{served_demo}/accounts/login/").read().decode()
    stylesheet = re.search(r'href="(/static/relaydesk/relaydesk\.[0-9a-f]+\.css)"', login_page)

    response = urllib.request.urlopen(served_demo + stylesheet.group(1))

    assert response.status == 200
    assert "max-age=315360000" in response.headers["Cache-Control"]
    assert b"--accent" in response.read()


def test_running_the_demo_again_keeps_the_organisation(served_demo, tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["RELAYDESK_DATA_DIR"] = str(tmp_path)
    for _ in range(2):
        again = subprocess.run(
            [sys.executable, "-m", "relaydesk", "demo", "--no-serve"],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert again.returncode == 0, again.stderr

    assert "already built" in again.stdout
