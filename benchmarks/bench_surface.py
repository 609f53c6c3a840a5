"""The two 3D loss surfaces as PNG: one browser per figure against one browser for the run.

Three ways to draw the same two static figures (1200 x 900 pixels):

* ``plotly.io.write_image`` called alone for each figure, as a notebook would:
  kaleido starts and stops a Chrome every time;
* kaleido's own ``start_sync_server``, one Chrome for both;
* ``render.chrome.ImageExporter``, what ``render surfaces`` uses: one Chrome,
  started in the background while the figures are built, a timeout per export.

The bar: both PNGs in 10 s or less, browser start included.  The HTML pages
are timed too, for scale.
"""

from __future__ import annotations

import os
import tempfile
import time
import warnings
from pathlib import Path

import kaleido
import plotly.io as pio

from render.chrome import ChromeError, ImageExporter, find_chrome
from render.surface import IMAGE_HEIGHT, IMAGE_SCALE, IMAGE_WIDTH, surface_figure, surface_html
from scenes import SceneContext
from scenes.normalization import NormalizationExperiment

BAR_SECONDS = 10.0
TIMEOUT = 120.0


def _views():
    context = SceneContext()
    return {
        variant: NormalizationExperiment(context, variant, scale).descent_view()
        for variant, scale in (("compressed", 10.0), ("normalized", 1.0))
    }


def _line(label: str, seconds: list[float], total: float) -> None:
    each = ", ".join(f"{s:.2f}" for s in seconds)
    print(f"{label:<52} {total:6.2f} s for both   (per figure: {each} s)", flush=True)


def run() -> None:
    search = find_chrome()
    try:
        chrome = search.require()
    except ChromeError as error:
        print(f"skipped: {error}")
        return
    views = _views()
    print(f"Chrome: {chrome}; images {round(IMAGE_WIDTH * IMAGE_SCALE)} x {round(IMAGE_HEIGHT * IMAGE_SCALE)} px; "
          f"surface grid {views['compressed'].landscape.loss.shape[0]} x "
          f"{views['compressed'].landscape.loss.shape[1]}")

    seconds = []
    for view in views.values():
        started = time.perf_counter()
        surface_html("surface", surface_figure(view, interactive=True))
        seconds.append(time.perf_counter() - started)
    _line("HTML page (to_html, 101 frames)", seconds, sum(seconds))

    figures = {variant: surface_figure(view, interactive=False) for variant, view in views.items()}
    size = {"width": IMAGE_WIDTH, "height": IMAGE_HEIGHT, "scale": IMAGE_SCALE}
    previous = os.environ.get("BROWSER_PATH")
    os.environ["BROWSER_PATH"] = str(chrome)  # choreographer's own search misses chromium-headless-shell
    try:
        with tempfile.TemporaryDirectory() as directory, warnings.catch_warnings():
            warnings.simplefilter("ignore")  # plotly warns that kopts are ignored once a server runs
            out = Path(directory)
            seconds = []
            for variant, figure in figures.items():
                started = time.perf_counter()
                pio.write_image(figure, out / f"lone-{variant}.png", **size)
                seconds.append(time.perf_counter() - started)
            _line("write_image alone (a Chrome per figure)", seconds, sum(seconds))
            lone_total = sum(seconds)

            started = time.perf_counter()
            kaleido.start_sync_server(path=str(chrome), mathjax=False, silence_warnings=True)
            seconds = []
            try:
                for variant, figure in figures.items():
                    begun = time.perf_counter()
                    pio.write_image(figure, out / f"server-{variant}.png", **size)
                    seconds.append(time.perf_counter() - begun)
            finally:
                kaleido.stop_sync_server(silence_warnings=True)
            _line("kaleido start_sync_server (one Chrome)", seconds, time.perf_counter() - started)
    finally:
        if previous is None:
            os.environ.pop("BROWSER_PATH", None)
        else:
            os.environ["BROWSER_PATH"] = previous

    started = time.perf_counter()
    seconds = []
    with ImageExporter(search) as exporter:  # Chrome starts now, in the background
        views = _views()  # what render does meanwhile: train, build the figures
        for view in views.values():
            begun = time.perf_counter()
            exporter.export(surface_figure(view, interactive=False).to_dict(), "png",
                            IMAGE_WIDTH, IMAGE_HEIGHT, IMAGE_SCALE, TIMEOUT)
            seconds.append(time.perf_counter() - begun)
        total = time.perf_counter() - started
    _line("render's ImageExporter (one Chrome, start included)", seconds, total)
    print(f"ours vs write_image alone: {lone_total / total:.2f}x faster")
    verdict = "met" if total <= BAR_SECONDS else "MISSED"
    print(f"bar: both surface PNGs in <= {BAR_SECONDS:g} s, browser start included: {verdict} ({total:.2f} s)")
