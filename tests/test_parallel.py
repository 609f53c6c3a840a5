"""Outputs rendered at once: the same bytes whatever the number of workers or where they run."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from render.files import PUBLISH_LOCK, STAGING_DIR
from render.pipeline import _batches
from render.spec import Output
from tests.conftest import processes_running, write_catdog

NAMES = ["blobs-compressed", "loss-compressed", "contour-normalized", "descent-normalized", "surface-normalized"]
OPTIONS = ["--grid-size", "16", "--duration", "1", "--quality", "low", "--formats", "mp4,webm,poster",
           "--image-formats", ""]


def render_exe() -> str:
    found = shutil.which("render", path=os.path.dirname(sys.executable))
    assert found, "the project is not installed (pip install -e .)"
    return found


def render(out: Path, *args: str) -> str:
    done = subprocess.run([render_exe(), *NAMES, "--out", str(out), *OPTIONS, *args], capture_output=True,
                          text=True, timeout=600, env={**os.environ, "RENDER_DATA": "/nonexistent"})
    assert done.returncode == 0, done.stderr
    return done.stdout


def files(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and p != out / PUBLISH_LOCK}


def test_two_workers_write_the_same_bytes_as_one(tmp_path):
    serial = render(tmp_path / "one", "--jobs", "1")
    parallel = render(tmp_path / "two", "--jobs", "2")
    one, two = files(tmp_path / "one"), files(tmp_path / "two")
    assert sorted(one) == sorted(two)
    assert [name for name in one if one[name] != two[name]] == []
    assert any(name.endswith(".webm") for name in one) and "manifest.json" in one and "index.html" in one
    for output in (serial, parallel):
        lines = output.splitlines()
        assert sorted(line.split("] ")[0] + "]" for line in lines[:-1]) == sorted(f"[{k}/5]" for k in range(1, 6))
    assert parallel.splitlines()[-1].endswith("(2 jobs)") and serial.splitlines()[-1].endswith("(1 job)")


def test_workers_take_the_longest_tasks_first_and_the_surfaces_together():
    def output(name: str, kind: str) -> tuple[Output, None]:
        return Output(name, kind, "", lambda: None), None

    stale = [output("a", "figure"), output("s1", "surface"), output("v1", "video"), output("b", "figure"),
             output("s2", "surface"), output("v2", "video")]
    assert [[o.name for o, _ in batch] for batch in _batches(stale)] == [["s1", "s2"], ["v1"], ["v2"], ["a"], ["b"]]


def test_ctrl_c_stops_every_worker_and_encoder(tmp_path):
    """An interrupted parallel render says so in one line, leaves no process behind and nothing at an output
    path, and the next run removes what the killed encoders left."""
    out = tmp_path / "out"
    process = subprocess.Popen(
        [render_exe(), "videos", "--out", str(out), "--jobs", "2", "--grid-size", "16", "--quality", "medium",
         "--duration", "30"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not list(out.rglob(".*.partial.*")):
        time.sleep(0.2)  # until the encoders are writing
    assert list(out.rglob(".*.partial.*")), "the videos never started"
    os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C at a terminal does: the whole foreground group
    _, stderr = process.communicate(timeout=120)
    assert (process.returncode, stderr.decode()) == (130, "interrupted\n")
    time.sleep(1)
    assert processes_running(str(out)) == []
    assert [p.name for p in out.glob("*") if p.suffix in (".mp4", ".webm", ".png") and not p.name.startswith(".")] == []
    subprocess.run([render_exe(), "gallery", "--out", str(out)], check=True, capture_output=True, timeout=120)
    assert [p for p in out.rglob("*") if ".partial" in p.name or p.parent == out / STAGING_DIR and p.is_dir()] == []


def test_a_library_loaded_while_outputs_render_uses_one_blas_thread():
    """A scene that imports SciPy when it builds loads SciPy's BLAS after the render has limited the threads
    of those already loaded; that library runs on one thread too (here, on two cores, it would take two)."""
    script = ("import sys; from render.pipeline import _one_blas_thread\n"
              "assert 'scipy' not in sys.modules\n"
              "with _one_blas_thread():\n"
              "    import scipy.linalg\n"
              "    from threadpoolctl import threadpool_info\n"
              "    print(sorted({pool['num_threads'] for pool in threadpool_info() if pool['user_api'] == 'blas'}))\n")
    environ = {name: value for name, value in os.environ.items() if not name.endswith("_NUM_THREADS")}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, env=environ)
    assert (done.returncode, done.stdout) == (0, "[1]\n"), done.stderr


@pytest.mark.slow
def test_every_file_of_render_all_is_the_same_bytes_on_one_worker_two_and_a_dask_cluster(tmp_path):
    """Every output, the cat/dog ones and their CSVs included, on data of the article's size: at 1,000
    images of 64 x 64 pixels BLAS splits the training's products between threads, as it does on the
    article's own images."""
    distributed = pytest.importorskip("distributed")
    data = write_catdog(tmp_path / "datasets", n_train=1000, n_test=200, side=64)

    def render_all(out: Path, *args: str) -> str:
        done = subprocess.run([render_exe(), "all", "--out", str(out), *OPTIONS, *args], capture_output=True,
                              text=True, timeout=1200, env={**os.environ, "RENDER_DATA": str(data)})
        assert done.returncode == 0, done.stderr
        return done.stdout

    render_all(tmp_path / "one", "--jobs", "1")
    render_all(tmp_path / "two", "--jobs", "2")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        output = render_all(tmp_path / "dask", "--backend", "dask", "--scheduler", cluster.scheduler_address)
    assert output.splitlines()[-1].endswith("(all Dask jobs)")
    one = files(tmp_path / "one")
    assert "data/catdog-learning-curves.csv" in one and "data/catdog-weights.csv" in one
    for other in ("two", "dask"):
        rendered = files(tmp_path / other)
        assert sorted(rendered) == sorted(one), other
        assert [name for name in one if one[name] != rendered[name]] == [], other
