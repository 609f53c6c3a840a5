"""A command line that answers at once: parsing, --help, list and the no-op path load no heavy library.

Each check runs in a fresh interpreter, because this test process has long
since imported everything.  Adding ``import matplotlib`` at the top of a module
the command line loads makes these fail.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

# The libraries that drawing, encoding, exporting and training need, and NumPy: declaring the outputs
# and deciding what is stale need none of them.
HEAVY = ("matplotlib", "plotly", "kaleido", "sklearn", "scipy", "h5py", "imageio_ffmpeg", "jinja2",
         "joblib", "threadpoolctl", "asyncio", "numpy")


def heavy_modules_after(code: str, cwd: Path | None = None) -> list[str]:
    """Run ``code`` in a new interpreter; the heavy modules it left loaded."""
    probe = f"{code}\nimport json, sys\nprint(json.dumps(sorted(m for m in {HEAVY!r} if m in sys.modules)))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, cwd=cwd,
                          env={"PATH": "/usr/bin:/bin", "RENDER_DATA": "/nonexistent"})
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def invoke(*args: str) -> str:
    """``render ARGS`` through click in the interpreter, standalone mode off so the probe runs after it."""
    return ("from render.cli import main\n"
            "try:\n"
            f"    main({list(args)!r}, standalone_mode=False)\n"
            "except SystemExit:\n"
            "    pass\n")


def test_importing_the_command_line_loads_nothing_heavy():
    assert heavy_modules_after("import render.cli") == []


@pytest.mark.parametrize("args", [("--help",), ("all", "--help"), ("list",), ("nosuch-output",)])
def test_help_list_and_typos_load_nothing_heavy(args):
    assert heavy_modules_after(invoke(*args)) == []


def test_the_noop_render_loads_nothing_heavy(tmp_path):
    """Once everything is rendered, deciding that nothing needs rendering, and saying so, is cheap."""
    out = tmp_path / "out"
    names = ("blobs-compressed", "loss-normalized", "descent-normalized")
    args = (*names, "--out", str(out), "--grid-size", "12", "--duration", "0.5", "--formats", "mp4,poster",
            "--jobs", "1")
    first = subprocess.run([sys.executable, "-m", "render.cli", *args], capture_output=True, text=True, timeout=300)
    assert first.returncode == 0, first.stderr
    assert (out / "index.html").is_file() and (out / "descent-normalized.mp4").is_file()
    # imageio_ffmpeg (a few milliseconds) names the ffmpeg binary, whose identity is part of a video's key.
    assert heavy_modules_after(invoke(*args)) == ["imageio_ffmpeg"]
    again = subprocess.run([sys.executable, "-m", "render.cli", *args], capture_output=True, text=True, timeout=300)
    assert [line.split("] ")[1] for line in again.stdout.splitlines()[:3]] == [
        f"up to date {name}" for name in names]
