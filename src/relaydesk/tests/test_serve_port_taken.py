"""`relaydesk serve` on a port something else holds says so in one line, and how to pick
another, instead of claiming to serve and then failing."""

import os
import socket
import subprocess
import sys

from relaydesk.testing import free_port


def test_a_taken_port_is_named_in_one_line_with_the_option_to_use(tmp_path):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["RELAYDESK_DATA_DIR"] = str(tmp_path)
    with socket.create_server(("127.0.0.1", port)):  # someone else's server
        served = subprocess.run(
            [sys.executable, "-m", "relaydesk", "serve", "--port", str(port)],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )

    assert served.returncode == 1
    assert "serving at" not in served.stdout
    said = served.stderr.strip().splitlines()
    assert said == [
        f"Port {port} on 127.0.0.1 is in use by another program: choose another with --port "
        f"(e.g. `relaydesk serve --port {port + 10}`, or `make demo PORT={port + 10}`)."
    ]
