"""A wrong ``--scheduler`` is one line within seconds, saying what was found at the address."""

from __future__ import annotations

import http.server
import os
import socket
import socketserver
import subprocess
import textwrap
import threading
from pathlib import Path
from typing import Iterator

import pytest

from tests.test_parallel import render_exe

pytest.importorskip("distributed")

POST = '''
from render.post import Post
from render.spec import Output

post = Post(name="remote", title="Rendered on a cluster",
            outputs=lambda context: [Output("never-drawn", "figure", "Never drawn.", lambda: None)])
'''


def on_dask(tmp_path: Path, address: str) -> subprocess.CompletedProcess:
    """``render all`` of a one-output post on the Dask scheduler at ``address``; a hang fails the test."""
    post = tmp_path / "remote.py"
    post.write_text(textwrap.dedent(POST))
    return subprocess.run([render_exe(), "all", "--post", str(post), "--out", str(tmp_path / "out"),
                           "--backend", "dask", "--scheduler", address],
                          capture_output=True, text=True, timeout=30)


class _HTTPServer(http.server.ThreadingHTTPServer):
    daemon_threads = True  # its handler threads end with the test


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


class _TCPServer(socketserver.ThreadingTCPServer):
    daemon_threads = True


def _until_hung_up(connection: socket.socket) -> None:
    """Read and ignore whatever the other side sends, until it hangs up."""
    connection.settimeout(30)
    try:
        while connection.recv(4096):
            pass
    except OSError:
        pass


class _RandomBytes(socketserver.BaseRequestHandler):
    """Answers every connection with random bytes, then waits for the other side to hang up."""

    def handle(self) -> None:
        self.request.sendall(os.urandom(64))
        _until_hung_up(self.request)


class _Silent(socketserver.BaseRequestHandler):
    """Accepts, and says nothing whatever it is told, until the other side hangs up."""

    def handle(self) -> None:
        _until_hung_up(self.request)


def serving(server: socketserver.BaseServer) -> Iterator[str]:
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"tcp://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def http_server() -> Iterator[str]:
    yield from serving(_HTTPServer(("127.0.0.1", 0), _QuietHandler))


@pytest.fixture
def random_server() -> Iterator[str]:
    yield from serving(_TCPServer(("127.0.0.1", 0), _RandomBytes))


@pytest.fixture
def silent_server() -> Iterator[str]:
    yield from serving(_TCPServer(("127.0.0.1", 0), _Silent))


def test_an_http_server_at_the_address_is_one_line_that_names_it(tmp_path, http_server):
    """The dashboard's port, an easy mistake, hung with no output past 300 s."""
    done = on_dask(tmp_path, http_server)
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr.splitlines() == [
        f"error: {http_server} is an HTTP server (the Dask dashboard?), not a Dask scheduler; "
        "the scheduler usually listens on port 8786"]


def test_a_server_answering_random_bytes_is_one_line(tmp_path, random_server):
    """Its bytes were once read as a message's length: a 65-line traceback of an allocation of 3.21 EiB."""
    done = on_dask(tmp_path, random_server)
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr.splitlines() == [
        f"error: {random_server} is not a Dask scheduler: it sent 64 bytes that are not a scheduler's greeting"]


def test_nothing_listening_is_one_line(tmp_path):
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        address = f"tcp://127.0.0.1:{unused.getsockname()[1]}"
    done = on_dask(tmp_path, address)
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr.splitlines() == [f"error: cannot reach the Dask scheduler at {address}: connection refused"]


def test_a_server_that_says_nothing_is_refused_within_the_probe(silent_server):
    from render.scheduler import SchedulerError, probe

    with pytest.raises(SchedulerError) as refused:
        probe(silent_server, seconds=2)
    assert str(refused.value) == f"{silent_server} is not a Dask scheduler: it said nothing, where a scheduler " \
                                 "greets at once"


def test_a_real_scheduler_passes_the_probe():
    """The probe checks how a scheduler frames its greeting, so it must know a real one."""
    from distributed import LocalCluster

    from render.scheduler import probe

    with LocalCluster(n_workers=0, processes=False, dashboard_address=None) as cluster:
        probe(cluster.scheduler_address, seconds=10)
