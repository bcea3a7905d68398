"""Servers on the loopback interface, for the tests and the benchmarks (no Django import)."""

import socket
import subprocess
import time


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def answers(server: subprocess.Popen, port: int, *, within: float) -> bool:
    """Wait until `server` accepts connections on `port`; False if it exits or takes too long."""
    deadline = time.monotonic() + within
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return True
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                return False
            time.sleep(0.2)
