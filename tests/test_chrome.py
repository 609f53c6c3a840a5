"""Finding a Chrome, and the browser kept for a run: the reasons a user reads, the processes left behind."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import plotly.graph_objects as go
import pytest

import render.chrome
from render.chrome import ChromeError, ChromeSearch, ImageExporter, chrome_version, find_chrome


def script(path: Path, body: str) -> Path:
    path.write_text(f"#!/bin/sh\n{body}\n", encoding="utf-8")
    path.chmod(0o755)
    return path


@pytest.fixture
def nothing_installed(monkeypatch):
    """A machine whose only browsers are the ones a test puts on PATH."""
    monkeypatch.setattr(render.chrome, "KNOWN_LOCATIONS", ())
    monkeypatch.setattr(render.chrome, "_downloaded_chrome", lambda: None)


def test_browser_path_is_used_as_given(tmp_path):
    chrome = script(tmp_path / "my-chrome", "echo 'Chromium 1.2.3'")
    assert find_chrome({"BROWSER_PATH": str(chrome)}) == ChromeSearch(chrome, "BROWSER_PATH")


@pytest.mark.parametrize("make, problem", [
    (lambda d: d / "missing", "does not exist"),
    (lambda d: d, "is a directory, not a Chrome executable"),
    (lambda d: (d / "plain").write_text("x") and d / "plain", "is not executable"),
])
def test_a_browser_path_that_is_not_a_chrome_says_exactly_why_and_is_not_second_guessed(tmp_path, make, problem):
    target = make(tmp_path)
    search = find_chrome({"BROWSER_PATH": str(target), "PATH": os.environ.get("PATH", "")})
    assert search.path is None
    assert search.problem == f"BROWSER_PATH={target} {problem}"
    with pytest.raises(ChromeError) as error:
        search.require()
    assert str(error.value) == (
        f"no Chrome for static images: BROWSER_PATH={target} {problem}; "
        "point BROWSER_PATH at a Chrome/Chromium executable, or unset it to use an installed one"
    )


def test_path_is_searched_in_order_headless_shell_first(tmp_path, nothing_installed):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    script(bin_dir / "google-chrome", "exit 0")
    assert find_chrome({"PATH": str(bin_dir)}) == ChromeSearch(bin_dir / "google-chrome", "PATH")
    script(bin_dir / "chromium-headless-shell", "exit 0")
    assert find_chrome({"PATH": str(bin_dir)}) == ChromeSearch(bin_dir / "chromium-headless-shell", "PATH")


def test_known_locations_are_tried_when_path_has_none(tmp_path, monkeypatch):
    chrome = script(tmp_path / "chromium", "exit 0")
    monkeypatch.setattr(render.chrome, "KNOWN_LOCATIONS", (str(tmp_path / "absent"), str(chrome)))
    assert find_chrome({"PATH": str(tmp_path / "empty")}) == ChromeSearch(chrome, "known location")


def test_no_chrome_anywhere(tmp_path, nothing_installed):
    search = find_chrome({"PATH": str(tmp_path)})
    assert search.path is None
    assert search.problem.startswith("no Chrome or Chromium found (BROWSER_PATH unset; none of chromium-headless-shell")
    assert "`make chrome`" in search.advice and "BROWSER_PATH" in search.advice


def test_the_version_is_what_the_browser_says(tmp_path):
    assert chrome_version(script(tmp_path / "chrome", "echo 'Chromium 156.0.1.2 '")) == "Chromium 156.0.1.2"


def test_a_browser_that_cannot_say_its_version(tmp_path):
    broken = script(tmp_path / "chrome", "echo 'error while loading shared libraries: libnss3.so' >&2; exit 127")
    with pytest.raises(ChromeError) as error:
        chrome_version(broken)
    assert str(error.value) == f"{broken} --version failed: error while loading shared libraries: libnss3.so"


def test_the_exporter_without_a_chrome_starts_nothing_and_says_why():
    with ImageExporter(ChromeSearch(None, problem="BROWSER_PATH=/nonexistent does not exist")) as exporter:
        assert exporter._loop is None
        with pytest.raises(ChromeError, match=r"^no Chrome for static images: BROWSER_PATH=/nonexistent"):
            exporter.export({"data": []}, "png", 100, 100, 1, 10)


FIGURE = go.Figure([go.Scatter(x=[0, 1], y=[0, 1])]).to_dict()


def test_a_browser_that_exits_at_once_fails_the_export_in_one_line(tmp_path):
    quitter = script(tmp_path / "chrome", 'if [ "$1" = --version ]; then echo "Chromium 1.2.3.4"; else exit 1; fi')
    with ImageExporter(ChromeSearch(quitter, "BROWSER_PATH"), start_timeout=30) as exporter:
        with pytest.raises(ChromeError) as error:
            exporter.export(FIGURE, "png", 100, 100, 1, 10)
        assert str(error.value) == f"{quitter} failed to start: The browser seemed to close immediately after starting."
        with pytest.raises(ChromeError) as again:  # kept, not retried for every figure
            exporter.export(FIGURE, "png", 100, 100, 1, 10)
        assert again.value is error.value


def _running(pid_file: Path) -> bool:
    try:
        os.kill(int(pid_file.read_text()), 0)
    except (OSError, ValueError):
        return False
    return True


def test_a_browser_that_never_starts_is_given_up_on_and_killed(tmp_path):
    pid_file = tmp_path / "pid"
    hanger = script(tmp_path / "chrome", f'[ "$1" = --version ] && echo "Chromium 1.2.3.4" && exit; '
                                         f"echo $$ > {pid_file}; exec sleep 600")
    with ImageExporter(ChromeSearch(hanger, "BROWSER_PATH"), start_timeout=1) as exporter:
        with pytest.raises(ChromeError) as error:
            exporter.export(FIGURE, "png", 100, 100, 1, 10)
        assert str(error.value) == f"{hanger} did not start within 1 s; check it with `render doctor`"
    deadline = time.monotonic() + 10
    while _running(pid_file) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert pid_file.exists() and not _running(pid_file)


def test_python_m_render_chrome_reports_and_exits_by_what_it_found(tmp_path):
    env = {**os.environ, "BROWSER_PATH": str(script(tmp_path / "chrome", "echo 'Chromium 9.9'"))}
    found = subprocess.run([sys.executable, "-m", "render.chrome"], capture_output=True, text=True, env=env)
    assert (found.returncode, found.stdout) == (0, f"Chrome: {tmp_path / 'chrome'} (Chromium 9.9, found by BROWSER_PATH)\n")
    env["BROWSER_PATH"] = "/nonexistent"
    missing = subprocess.run([sys.executable, "-m", "render.chrome"], capture_output=True, text=True, env=env)
    assert (missing.returncode, missing.stderr) == (1, "no Chrome: BROWSER_PATH=/nonexistent does not exist\n")


@pytest.mark.skipif(find_chrome().path is None, reason="needs a Chrome")
def test_a_browser_killed_between_exports_is_replaced_and_the_export_drawn_in_a_fresh_one():
    with ImageExporter() as exporter:
        first = exporter.export(FIGURE, "png", 100, 100, 1, 60)
        killed = exporter._starting.subprocess
        killed.kill()  # as a crash, or the system's out-of-memory killer, would end it
        killed.wait(10)
        again = exporter.export(FIGURE, "png", 100, 100, 1, 60)
        assert exporter._starting.subprocess.pid != killed.pid
    assert again == first  # the same picture, from the fresh browser


def test_a_browser_that_closes_under_every_export_fails_it_in_one_line_after_one_fresh_try(monkeypatch):
    from choreographer.channels import ChannelClosedError

    opened = []

    async def closing(page, arguments, image_format):
        raise ChannelClosedError("Executor is closed.")

    async def open_page(self):
        opened.append(self)
        return object()

    monkeypatch.setattr(render.chrome, "_draw", closing)
    monkeypatch.setattr(ImageExporter, "_open", open_page)
    with ImageExporter(ChromeSearch(Path(sys.executable), "BROWSER_PATH")) as exporter:
        with pytest.raises(render.chrome.RenderError) as error:
            exporter.export(FIGURE, "png", 100, 100, 1, 10)
    assert str(error.value) == ("the PNG export failed: the browser closed during it, twice in a row "
                                "(Executor is closed.); check it with `render doctor`")
    assert len(opened) == 2  # the first browser, and one fresh one
