"""A worker lost in the middle of a run costs only its own outputs: the others render (once), each failure is
one line, and no staging folder outlives the run, however it ends."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Iterator

import pytest

from render.files import STAGING_DIR, Staging
from render.pipeline import render_all
from render.settings import RenderSettings
from tests.test_parallel import render_exe

# A post whose "killer" kills its own worker process while the other worker draws "slow", after that worker
# finished the quick outputs; its first KILLS builds do.  Every build leaves a mark per attempt in LOG.
POST = '''
import os
import signal
import time
from pathlib import Path

import numpy as np

from render.post import Post
from render.spec import COLUMN, Curves, Figure, Line, Output

LOG = Path({log!r})
KILLS = {kills}
QUICK = ["quick-0", "quick-1", "quick-2"]


def attempt(name):
    """How many times ``name`` was built before; this build is marked."""
    done = len(list(LOG.glob(name + ".*")))
    (LOG / f"{{name}}.{{done}}").touch()
    return done


def curve(name):
    x = np.arange(5.0)
    return Figure(panels=(Curves((Line(x, x ** 2),), xlabel="x", ylabel="y"),), size=(COLUMN, 3), alt=name)


def killer():
    if attempt("killer") < KILLS:
        end = time.monotonic() + 120
        while not (LOG / "slow.0").exists() and time.monotonic() < end:  # the other worker is on "slow"
            time.sleep(0.05)
        time.sleep(0.5)  # and the quick outputs it finished have reached the run
        os.kill(os.getpid(), signal.SIGKILL)
    return curve("killer")


def slow():
    if attempt("slow") == 0:
        time.sleep(120)  # still drawing when the killer's worker dies
    return curve("slow")


def quick(name):
    def build():
        attempt(name)
        return curve(name)
    return build


def outputs(context):
    return [Output("killer", "figure", "Kills its worker.", killer),
            *(Output(name, "figure", "Quick.", quick(name)) for name in QUICK),
            Output("slow", "figure", "Drawn while the killer dies.", slow)]


post = Post(name="lossy", title="A post that loses workers", outputs=outputs)
'''


def lossy_run(tmp_path: Path, kills: int) -> tuple[subprocess.CompletedProcess, dict[str, int], Path]:
    """Render the lossy post on two workers; the run, how many times each output was built, the output folder."""
    log = tmp_path / "log"
    log.mkdir()
    post = tmp_path / f"lossy_{kills}.py"
    post.write_text(textwrap.dedent(POST).format(log=str(log), kills=kills))
    out = tmp_path / "out"
    done = subprocess.run([render_exe(), "all", "--post", str(post), "--out", str(out), "--jobs", "2"],
                          capture_output=True, text=True, timeout=300)
    builds: dict[str, int] = {}
    for mark in log.iterdir():
        name = mark.name.rpartition(".")[0]
        builds[name] = builds.get(name, 0) + 1
    return done, builds, out


def rendered(stdout: str) -> list[str]:
    return sorted(line.split()[2] for line in stdout.splitlines() if "] rendered " in line)


def test_a_killed_worker_costs_nothing_its_outputs_render_again_and_the_finished_are_not_redone(tmp_path):
    """It once failed every output not yet reported, those of the healthy worker too, each with a 330-character
    line."""
    done, builds, out = lossy_run(tmp_path, kills=1)
    assert (done.returncode, done.stderr) == (0, ""), done.stderr
    assert rendered(done.stdout) == ["killer", "quick-0", "quick-1", "quick-2", "slow"]
    # Killed (and the other worker's "slow" with it), each rendered again; what had finished, not (the last
    # quick one's outcome may not have reached the run on a loaded machine when the killer strikes).
    assert_built_once_more(builds)
    assert (out / "killer.png").is_file() and (out / "slow.png").is_file()
    assert [p for p in (out / STAGING_DIR).iterdir()] == []


def test_an_output_that_kills_its_worker_twice_fails_alone_in_one_line(tmp_path):
    done, builds, out = lossy_run(tmp_path, kills=2)
    assert done.returncode == 1
    assert [line.partition("] ")[2] for line in done.stderr.splitlines()] == [
        "error: killer: its worker process died (killed by signal 9), and again when retried alone; render it again"]
    assert rendered(done.stdout) == ["quick-0", "quick-1", "quick-2", "slow"]
    assert_built_once_more(builds)
    assert not (out / "killer.png").exists()


def assert_built_once_more(builds: dict[str, int]) -> None:
    """The killer and the output drawn beside it built twice; the quick ones, finished before, once (the last
    one perhaps twice: its outcome may not have reached the run when the killer struck)."""
    assert (builds["killer"], builds["slow"], builds["quick-0"], builds["quick-1"]) == (2, 2, 1, 1), builds
    assert builds["quick-2"] in (1, 2) and len(builds) == 5, builds


SLEEPY = '''
import time

from render.post import Post
from render.spec import Output


def sleepy():
    time.sleep(300)


post = Post(name="sleepy", title="Outputs that never finish",
            outputs=lambda context: [Output(f"sleepy-{i}", "figure", "Sleeps.", sleepy) for i in range(3)])
'''


def test_a_terminated_parallel_run_leaves_no_staging_folder(tmp_path):
    """A kill of the run (a CI timeout, make stopped) kills its workers where they are: each left its staging
    folder, 25 MB after 9 interrupts, until a later run reached its end."""
    post = tmp_path / "sleepy.py"
    post.write_text(textwrap.dedent(SLEEPY))
    out = tmp_path / "out"
    process = subprocess.Popen([render_exe(), "all", "--post", str(post), "--out", str(out), "--jobs", "2"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    staging = out / STAGING_DIR
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(list(staging.glob("sleepy-*"))) < 2:
        time.sleep(0.1)
    assert len(list(staging.glob("sleepy-*"))) == 2, "the workers never started"
    process.send_signal(signal.SIGTERM)  # to the run alone: its workers get no signal of their own
    _, stderr = process.communicate(timeout=120)
    assert (process.returncode, stderr) == (128 + signal.SIGTERM, "terminated\n")
    assert list(staging.iterdir()) == []


def test_a_run_starts_by_removing_the_staging_folders_no_live_render_holds(tmp_path):
    out = tmp_path / "out"
    abandoned = out / STAGING_DIR / "descent-compressed.k1ll3d"
    abandoned.mkdir(parents=True)
    (abandoned / "descent-compressed.mp4").write_bytes(b"half a video")
    with Staging(out, "contour-compressed") as live:  # another render's, writing now
        render_all([], RenderSettings(out_dir=out))
        assert not abandoned.exists()
        assert live.directory.is_dir()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def listening(address: str) -> bool:
    try:
        socket.create_connection(("127.0.0.1", int(address.rpartition(":")[2])), timeout=1).close()
    except OSError:
        return False
    return True


def started(command: list[str], log: Path) -> subprocess.Popen:
    with open(log, "wb") as stream:
        return subprocess.Popen(command, stdout=stream, stderr=subprocess.STDOUT)


@contextlib.contextmanager
def dask_cluster(tmp_path: Path) -> Iterator[tuple[str, subprocess.Popen]]:
    """A Dask scheduler and one worker of two threads (under a nanny, which restarts it if it dies): the
    scheduler's address and process."""
    address = f"tcp://127.0.0.1:{free_port()}"
    scheduler = started([sys.executable, "-m", "distributed.cli.dask_scheduler", "--host", "127.0.0.1", "--port",
                         address.rpartition(":")[2], "--no-dashboard"], tmp_path / "scheduler.log")
    worker = None
    try:
        deadline = time.monotonic() + 120
        while not listening(address):
            assert time.monotonic() < deadline, (tmp_path / "scheduler.log").read_text()
            time.sleep(0.5)
        worker = started([sys.executable, "-m", "distributed.cli.dask_worker", address, "--nthreads", "2",
                          "--no-dashboard"], tmp_path / "worker.log")
        yield address, scheduler
    finally:
        for process in (scheduler, worker):
            if process is not None and process.poll() is None:
                process.kill()
                process.wait()


@pytest.mark.slow
def test_an_output_whose_dask_workers_all_die_fails_alone_in_one_line(tmp_path):
    """distributed gives up on a task whose every worker died (``KilledWorker``): joblib's Dask backend then
    waited for it for ever."""
    pytest.importorskip("distributed")
    post = tmp_path / "fatal.py"
    post.write_text(textwrap.dedent('''
        import os

        import numpy as np

        from render.post import Post
        from render.spec import COLUMN, Curves, Figure, Line, Output


        def fatal():
            os._exit(1)


        def line():
            x = np.arange(5.0)
            return Figure(panels=(Curves((Line(x, x),), xlabel="x", ylabel="y"),), size=(COLUMN, 3), alt="A line.")


        post = Post(name="fatal", title="Fatal", outputs=lambda context: [
            Output("line", "figure", "Drawn.", line), Output("fatal", "figure", "Dies.", fatal)])
    '''))
    with dask_cluster(tmp_path) as (address, _):
        run = subprocess.run([render_exe(), "all", "--post", str(post), "--out", str(tmp_path / "out"), "--backend",
                              "dask", "--scheduler", address], capture_output=True, text=True, timeout=300)
    assert run.returncode == 1
    assert [line.partition("] ")[2] for line in run.stderr.splitlines()] == [
        "error: fatal: its Dask worker died while drawing it, on each of distributed's tries, and again when retried "
        "alone; render it again"]
    assert "rendered line" in run.stdout


@pytest.mark.slow
def test_a_lost_dask_scheduler_is_one_line_per_unfinished_output_and_no_traceback(tmp_path):
    """It was 21 lines of a cancelled task's key and distributed's own 34-line traceback."""
    pytest.importorskip("distributed")
    post = tmp_path / "steady.py"
    post.write_text(textwrap.dedent('''
        import time

        import numpy as np

        from render.post import Post
        from render.spec import COLUMN, Curves, Figure, Line, Output


        def line(seconds):
            def build():
                time.sleep(seconds)
                x = np.arange(5.0)
                return Figure(panels=(Curves((Line(x, x),), xlabel="x", ylabel="y"),), size=(COLUMN, 3), alt="A line.")
            return build


        post = Post(name="steady", title="Steady", outputs=lambda context: [
            Output("steady-0", "figure", "At once.", line(0)),
            *(Output(f"steady-{i}", "figure", "Slowly.", line(300)) for i in range(1, 4))])
    '''))
    with dask_cluster(tmp_path) as (address, scheduler):
        out = tmp_path / "out"
        run = subprocess.Popen([render_exe(), "all", "--post", str(post), "--out", str(out), "--backend", "dask",
                                "--scheduler", address], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 120
        while not (out / "steady-0.png").exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(1)  # its outcome reached the run
        scheduler.kill()
        stdout, stderr = run.communicate(timeout=120)
    assert run.returncode == 1
    assert "[1/4] rendered steady-0" in stdout, stdout + stderr
    assert sorted(line.partition("] ")[2] for line in stderr.splitlines()) == [
        f"error: steady-{i}: the Dask scheduler at {address} went away" for i in range(1, 4)]
