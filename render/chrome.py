"""A Chrome for the 3D surfaces' static images: finding one, and keeping it running.

kaleido 1.x starts a Chrome with plotly.js loaded in a page.  This module
decides which Chrome (``BROWSER_PATH`` if set, else one already installed),
says exactly why when there is none, and runs one browser and one page for all
the static exports of a render: starting Chrome costs about a second, and a
fresh WebGL context per figure costs another, so a browser per figure would
double the time of ``make surfaces``.

The still is drawn by plotly.js's own export steps (``Plotly.toImage``'s:
a static plot, its colour bars redrawn, ``Snapshot.toSVG``, ``svgToImg``), in
a page kept for the whole run, not through kaleido's ``calc_fig``.  Three
things made each of kaleido's exports cost 4 to 7 s of a 3D surface however
small its grid (measured by ``make bench``):

* kaleido reloads its page after every export: plotly.js (4.8 MB) is parsed
  again each time;
* ``Plotly.toImage`` waits 500 ms before drawing any 3D scene;
* a 3D scene is drawn during ``Plotly.newPlot`` at the *window's* size times
  the export's pixel ratio (Chrome's 800 x 600 window at 4x for a phone's
  still: 3200 x 2400 pixels, with 4x multisampling, in software), then drawn
  again at the plot's size for the image.  Only the second drawing is kept.

Here the page stays loaded, the window is a few pixels wide (the exports
give every size explicitly, so nothing else depends on it), and the wait is
the one the 3D camera needs: it interpolates its view over its last 32 ms, so
a scene drawn sooner is seen from a hair off (a few pixels of the path change).
No wait makes a still the same to the pixel every time on a busy machine:
drawn again after 50, 100, 150 or 1000 ms, about one still in eight moves up
to 0.2 % of its pixels along the paths' edges, by a sub-pixel shift of the
view (measured; the eye sees no difference at 2x zoom).

The page keeps one plot it never exports, the first still's figure, so that
the WebGL shaders every 3D plot uses stay compiled: the first drawing of each
new plot cost 0.2 to 0.4 s of shader compiling (a 3-point scatter's too), and
exporting a plot disposes of its scene and so of the shaders it held.

The page's WebGL draws without multisampling.  The export draws the 3D scene
at twice the image's scale and the image is that drawing scaled down, which
already smooths every edge; 4x multisampling on top is most of the software
GPU's work (without it the stills take about three quarters of the time,
``make bench``) and moves about 0.1 to 0.3 % of a still's pixels by more than a
tenth, along the edges of lines and of the surface, which the eye does not
tell apart at any zoom a reader uses.  ``tests/test_stills.py`` holds the
stills to kaleido's own export (``Plotly.toImage`` in a fresh page, with
multisampling) by what neither of those changes: a pixel that differs by
more than a tenth lies within two pixels of an edge.  A camera turned by one
degree moves hundreds of times more pixels away from any edge.

kaleido's own ``start_sync_server`` keeps a browser too, but it is a process
wide singleton whose calls wait forever; here every export has a timeout, and
a browser that hung is closed and replaced before the next export.  A browser
whose process ended during an export (crashed, or killed: choreographer then
says "Executor is closed") is replaced at once and that export drawn again.

``python -m render.chrome`` prints the Chrome found and exits 0, or prints why
none was found and exits 1 (the Makefile's ``chrome`` step uses it).
"""

from __future__ import annotations

import asyncio
import base64
import concurrent.futures
import contextlib
import json
import logging
import os
import re
import shutil
import sys
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from render.errors import RenderError
from render.processes import kill_group, last_line, quoted, run_bounded

BROWSER_ENV = "BROWSER_PATH"
# Names tried on PATH, in order: Debian's headless shell is the lightest.
CHROME_NAMES = (
    "chromium-headless-shell", "chromium", "chromium-browser",
    "google-chrome", "google-chrome-stable", "chrome",
)
# Where distributions put them, for a PATH that lacks /usr/bin (cron, `env -i`).
KNOWN_LOCATIONS = (
    "/usr/bin/chromium-headless-shell",  # Debian's chromium-headless-shell
    "/usr/lib/chromium/chromium-headless-shell",
    "/usr/bin/chromium",
    "/usr/bin/chromium-browser",
    "/usr/bin/google-chrome",
    "/opt/google/chrome/chrome",
    "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
    "/Applications/Chromium.app/Contents/MacOS/Chromium",
)
HOW_TO_PROVIDE = (
    "install one (`make chrome`, `apt-get install chromium-headless-shell` or `plotly_get_chrome -y`) "
    f"or set {BROWSER_ENV} to a Chrome/Chromium executable"
)
# What `chrome --version` says: "Chromium 156.0.8078.108 built on Debian", "Google Chrome 120.0.6099.109".
CHROME_VERSION = re.compile(r"Chrom\w*\b.*\b\d+(\.\d+)+\b")
START_TIMEOUT = 60.0  # seconds for Chrome to start and load plotly.js
VERSION_TIMEOUT = 15.0  # seconds for `chrome --version`
CLOSE_TIMEOUT = 15.0
BROWSER_LIBRARY_LOG = "choreographer"  # kaleido's browser driver
# The page's window, in CSS px: plotly.js draws a 3D scene at this size times the pixel ratio before it draws it at
# the plot's own size for the image; a few pixels make that first drawing free.
WINDOW_PX = 8
# ms between drawing the plot and taking its image: the 3D camera's matrix is interpolated at 2 x 16 ms in the past
# (gl-plot3d's turntable), so a scene drawn sooner after its camera was set is seen from a hair off.  Plotly.toImage
# waits 500 ms for any 3D scene.
CAMERA_SETTLE_MS = 50
# plotly.js's own export (Plotly.toImage, plot_api/to_image.js) in the page, its 500 ms wait the camera's: a static
# plot of the figure at its size (the WebGL at twice the image's scale, as kaleido asks), its colour bars drawn
# again, an SVG of it with the WebGL scene as an image, and that SVG drawn at the scale.  PNG and WebP come back as
# base64, SVG as text.  The first still's figure is also plotted once more and kept, never exported: the WebGL
# shaders a plot compiles are shared with every later plot of the page while one plot still uses them, and an
# export's SVG disposes of its own scene.  Without that plot each still compiled them all again.
DRAW_STILL = """
window.drawStill = async function (figure, format, width, height, scale) {
  const plot = document.createElement("div");
  plot.style.position = "absolute";
  plot.style.left = "-5000px";
  document.body.appendChild(plot);
  try {
    const layout = Object.assign({}, figure.layout, {width: width, height: height});
    const config = Object.assign({plotGlPixelRatio: 2 * scale}, figure.config,
                                 {_exportedPlot: true, staticPlot: true, setBackground: ""});
    if (!window.warmPlot) {
      const warm = document.createElement("div");
      warm.style.position = "absolute";
      warm.style.left = "-5000px";
      document.body.appendChild(warm);
      try {
        await Plotly.newPlot(warm, figure.data || [], layout, config);
        window.warmPlot = warm;
      } catch (error) {
        Plotly.purge(warm);
        warm.remove();
        throw error;
      }
    }
    await Plotly.newPlot(plot, figure.data || [], layout, config);
    Plotly.Snapshot.getRedrawFunc(plot)();
    await new Promise(function (done) { setTimeout(done, %(settle)d); });
    const svg = Plotly.Snapshot.toSVG(plot, format, scale);
    if (format === "svg") return svg;
    const url = await Plotly.Snapshot.svgToImg({format: format, width: width, height: height, scale: scale,
                                                canvas: document.createElement("canvas"), svg: svg, promise: true});
    return url.slice(url.indexOf(",") + 1);
  } finally {
    Plotly.purge(plot);
    plot.remove();
  }
};
""" % {"settle": CAMERA_SETTLE_MS}
# Every WebGL context of the page without multisampling (the module's docstring says why).  plotly.js asks for
# antialias in the one context it keeps for all static 3D plots, with no option to say otherwise, so the page's
# getContext is wrapped before the first plot is drawn.
SINGLE_SAMPLED_WEBGL = """
(function () {
  const getContext = HTMLCanvasElement.prototype.getContext;
  HTMLCanvasElement.prototype.getContext = function (type, attributes) {
    if (/webgl/.test(type)) attributes = Object.assign({}, attributes, {antialias: false});
    return getContext.call(this, type, attributes);
  };
})();
"""
# What the kept page evaluates once, in order, before its first still.
PAGE_SCRIPTS = (SINGLE_SAMPLED_WEBGL, DRAW_STILL)


class ChromeError(RenderError):
    """No usable Chrome: the message says why and how to provide one."""


class NotChrome(ChromeError):
    """A program run as Chrome answered, but not as a Chrome does; ``printed`` quotes what it printed instead."""

    def __init__(self, path: Path, printed: str) -> None:
        super().__init__(f"{path} does not say it is a Chrome (its --version printed {printed})")
        self.printed = printed


class ExportTimeoutError(RenderError):
    """A static export took longer than its timeout; the browser is replaced."""


class BrowserGone(RenderError):
    """The browser's process ended while it drew an export (its connection closed under it)."""


@dataclass(frozen=True)
class ChromeSearch:
    """The outcome of looking for a Chrome: a path and how it was found, or why none was."""

    path: Path | None
    found_by: str = ""  # "BROWSER_PATH", "PATH", "known location", "plotly_get_chrome download"
    problem: str = ""

    @property
    def advice(self) -> str:
        """How to get a usable Chrome, given why there is none."""
        if self.found_by == BROWSER_ENV or self.problem.startswith(BROWSER_ENV):
            return f"point {BROWSER_ENV} at a Chrome/Chromium executable, or unset it to use an installed one"
        return HOW_TO_PROVIDE

    @property
    def named(self) -> str:
        """The browser found, as a user knows it: by the variable that named it, else by its path."""
        return f"{BROWSER_ENV}={self.path}" if self.found_by == BROWSER_ENV else str(self.path)

    def require(self) -> Path:
        if self.path is None:
            raise ChromeError(f"no Chrome for static images: {self.problem}; {self.advice}")
        return self.path

    def checked_version(self, timeout: float = VERSION_TIMEOUT) -> str:
        """The version of the browser found, once it has said it is a Chrome; else a :class:`ChromeError` in
        one line that names where the browser came from (``BROWSER_PATH=...``) and what to do."""
        path = self.require()
        try:
            return chrome_version(path, timeout)
        except NotChrome as error:
            raise ChromeError(f"{self.named} is not a Chrome (its --version printed {error.printed}); "
                              f"{self.advice}") from None
        except ChromeError as error:
            raise ChromeError(f"{self.named} does not run ({error}); {self.advice}") from None


def _is_executable_file(path: Path) -> bool:
    return path.is_file() and os.access(path, os.X_OK)


def _downloaded_chrome() -> Path | None:
    """The Chrome ``plotly_get_chrome`` / ``kaleido_get_chrome`` downloaded, if any."""
    try:
        from choreographer.browsers.chromium import Chromium

        found = Chromium.find_browser(skip_local=False, verify_local=True)
    except Exception:  # noqa: BLE001 -- no download, or choreographer changed: not found either way
        return None
    return Path(found) if found and _is_executable_file(Path(found)) else None


def find_chrome(environ: Mapping[str, str] | None = None) -> ChromeSearch:
    """Which Chrome the static exports will use.

    An explicit ``BROWSER_PATH`` is never second-guessed: if it names nothing
    usable that is the answer, rather than silently using another browser.
    """
    environ = os.environ if environ is None else environ
    explicit = environ.get(BROWSER_ENV, "")
    if explicit:
        path = Path(explicit)
        if not path.exists():
            return ChromeSearch(None, problem=f"{BROWSER_ENV}={explicit} does not exist")
        if path.is_dir():
            return ChromeSearch(None, problem=f"{BROWSER_ENV}={explicit} is a directory, not a Chrome executable")
        if not os.access(path, os.X_OK):
            return ChromeSearch(None, problem=f"{BROWSER_ENV}={explicit} is not executable")
        return ChromeSearch(path, BROWSER_ENV)
    search_path = environ.get("PATH", os.defpath)
    for name in CHROME_NAMES:
        found = shutil.which(name, path=search_path)
        if found:
            return ChromeSearch(Path(found), "PATH")
    for location in KNOWN_LOCATIONS:
        if _is_executable_file(Path(location)):
            return ChromeSearch(Path(location), "known location")
    downloaded = _downloaded_chrome()
    if downloaded:
        return ChromeSearch(downloaded, "plotly_get_chrome download")
    return ChromeSearch(
        None,
        problem=f"no Chrome or Chromium found ({BROWSER_ENV} unset; none of {', '.join(CHROME_NAMES)} on PATH "
        "or in the usual install locations, and no plotly_get_chrome download)",
    )


def chrome_version(path: Path, timeout: float = VERSION_TIMEOUT) -> str:
    """``Chromium 156.0...`` as the browser reports it; a :class:`ChromeError` if it cannot run, a
    :class:`NotChrome` if it runs but is not a Chrome."""
    try:
        done = run_bounded([str(path), "--version"], timeout, f"{path} --version")
    except RenderError as error:
        raise ChromeError(str(error)) from None
    version = last_line(done.stdout, "")
    if done.returncode != 0:
        raise ChromeError(f"{path} --version failed: {last_line(done.stderr, f'exit status {done.returncode}')}")
    if not CHROME_VERSION.search(version):
        raise NotChrome(path, quoted(version))
    return version


def chrome_identity() -> str:
    """Which Chrome the exports would use, by path and version, or why there is none.

    Part of a surface's rebuild key: images drawn by another browser are redrawn.
    """
    found = find_chrome()
    if found.path is None:
        return f"none: {found.problem}"
    try:
        return f"{found.path} {found.checked_version()}"
    except ChromeError as error:  # the surfaces' pages are still written; their images fail with this line
        return f"unusable: {error}"


class ImageExporter:
    """One Chrome, started in the background on entry, that draws every static image of a run.

    kaleido is asynchronous; it runs here on an event loop in a thread of its
    own, so the synchronous writers can wait on each export with a timeout.
    Use as a context manager (``RunSession.shared`` does); errors finding or
    starting Chrome are raised by :meth:`export`, not on entry, so the HTML of
    a surface is still written when there is no browser.
    """

    def __init__(self, search: ChromeSearch | None = None, start_timeout: float = START_TIMEOUT) -> None:
        self.search = search if search is not None else find_chrome()
        self.start_timeout = start_timeout
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._browser: concurrent.futures.Future | None = None  # resolves to the open browser's page
        self._start_error: ChromeError | None = None
        self._starting = None  # the kaleido.Kaleido being opened, or open

    # -- lifetime -----------------------------------------------------------------------------
    def __enter__(self) -> ImageExporter:
        # The browser library logs its own account of a failure ("Wait expired, Browser is being closed by
        # watchdog."); the export's error says it once, in our words.
        self._library_log = logging.getLogger(BROWSER_LIBRARY_LOG)
        self._library_level = self._library_log.level
        self._library_log.setLevel(logging.CRITICAL)
        if self.search.path is not None:
            self._loop = asyncio.new_event_loop()
            self._thread = threading.Thread(target=self._loop.run_forever, name="kaleido", daemon=True)
            self._thread.start()
            self._browser = self._submit(self._open())
        return self

    def __exit__(self, *exc_info: object) -> None:
        try:
            self._stop()
        finally:
            self._library_log.setLevel(self._library_level)

    def _stop(self) -> None:
        if self._loop is None:
            return
        self._close_browser()
        with contextlib.suppress(BaseException):
            self._submit(self._cancel_leftovers()).result(CLOSE_TIMEOUT)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(CLOSE_TIMEOUT)
        if not self._thread.is_alive():
            self._loop.close()
        self._loop = self._thread = None

    def _submit(self, coroutine) -> concurrent.futures.Future:
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop)

    async def _open(self):
        import kaleido

        # A program that is not a Chrome fails here in one line, before kaleido reads what it prints.
        await asyncio.to_thread(self.search.checked_version, self.start_timeout)

        # timeout=None: export() keeps the deadline, and can replace a hung browser.  No MathJax
        # (nothing here is TeX, and it would come from a CDN); plotly.js is plotly.py's own copy.
        browser = kaleido.Kaleido(path=str(self.search.path), timeout=None, mathjax=False)
        self._starting = browser  # kept so that a start that never finishes can still be killed
        try:
            await browser.open()
            page = (await browser.tabs_ready.get()).tab  # kaleido's page, plotly.js loaded: kept, never reloaded
            await _command(page, "Emulation.setDeviceMetricsOverride",
                           {"width": WINDOW_PX, "height": WINDOW_PX, "deviceScaleFactor": 1, "mobile": False})
            for script in PAGE_SCRIPTS:
                await _command(page, "Runtime.evaluate", {"expression": script})
        except Exception:
            if asyncio.current_task().cancelling():  # we gave up waiting: end as cancelled, not failed
                raise asyncio.CancelledError from None
            raise
        return page

    async def _cancel_leftovers(self) -> None:
        """Cancel what choreographer left running (its watchdog), so the loop closes clean."""
        tasks = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    def _close_browser(self) -> None:
        """Close the browser, whether open, failed or still starting; kill it if it will not close."""
        future, self._browser = self._browser, None
        browser, self._starting = self._starting, None
        if future is None:
            return
        if not future.done():
            future.cancel()
            with contextlib.suppress(BaseException):
                future.result(CLOSE_TIMEOUT)
        if browser is None:
            return
        if not future.cancelled() and future.exception() is None:
            with contextlib.suppress(BaseException):
                self._submit(browser.close()).result(CLOSE_TIMEOUT)
        process = getattr(browser, "subprocess", None)
        if process is not None:  # even if it has exited: what it started may live on in its group
            kill_group(process)

    def _ready_page(self):
        """The page of the open browser, waiting for it to start; a start failure is kept and raised again."""
        self.search.require()
        if self._start_error is not None:
            raise self._start_error
        if self._loop is None:
            raise RuntimeError("ImageExporter used outside its with-block")
        if self._browser is None:  # replaced after a timeout
            self._browser = self._submit(self._open())
        try:
            return self._browser.result(self.start_timeout)
        except concurrent.futures.TimeoutError:
            self._close_browser()
            self._start_error = ChromeError(
                f"{self.search.path} did not start within {self.start_timeout:g} s; check it with `render doctor`"
            )
        except ChromeError as error:
            self._close_browser()
            self._start_error = error
        except Exception as error:  # noqa: BLE001 -- every start failure becomes one line
            self._close_browser()
            reason = str(error.args[0]).strip() if error.args else type(error).__name__
            self._start_error = ChromeError(f"{self.search.path} failed to start: {reason.splitlines()[0]}")
        raise self._start_error

    # -- exports ------------------------------------------------------------------------------
    def export(self, figure: Mapping[str, Any], image_format: str, width: int, height: int, scale: float,
               timeout: float) -> bytes:
        """The figure as image bytes; a hung or slow browser fails this export after ``timeout`` s.

        A browser whose process ended during the export (it crashed, or was killed) is replaced and the
        export drawn once more in a fresh one, within a ``timeout`` of its own: the page holds nothing
        that a fresh page does not.  A second end in a row is the export's failure.
        """
        try:
            return self._export_once(figure, image_format, width, height, scale, timeout)
        except BrowserGone:
            self._close_browser()
        try:
            return self._export_once(figure, image_format, width, height, scale, timeout)
        except BrowserGone as gone:
            self._close_browser()
            raise RenderError(f"the {image_format.upper()} export failed: the browser closed during it, "
                              f"twice in a row ({gone}); check it with `render doctor`") from None

    def _export_once(self, figure: Mapping[str, Any], image_format: str, width: int, height: int, scale: float,
                     timeout: float) -> bytes:
        from choreographer.channels import ChannelClosedError
        from choreographer.errors import BrowserClosedError
        from plotly.utils import PlotlyJSONEncoder  # numpy arrays as kaleido sends them; imported when drawing

        page = self._ready_page()
        arguments = json.dumps([dict(figure), image_format, width, height, scale], cls=PlotlyJSONEncoder)
        future = self._submit(_draw(page, arguments, image_format))
        try:
            return future.result(timeout)
        except concurrent.futures.TimeoutError:
            future.cancel()
            self._close_browser()  # it may be stuck; the next export starts a fresh one
            raise ExportTimeoutError(
                f"the {image_format.upper()} export took longer than {timeout:g} s and was stopped "
                "(raise --export-timeout, or check the browser with `render doctor`)"
            ) from None
        except (ChannelClosedError, BrowserClosedError) as error:
            raise BrowserGone(str(error).strip() or type(error).__name__) from None
        except Exception as error:  # noqa: BLE001 -- kaleido/plotly.js errors reach the user as one line
            message = str(error).strip().splitlines()
            raise RenderError(f"the {image_format.upper()} export failed: {message[0] if message else error!r}") from None


async def _command(page, method: str, params: Mapping[str, Any]) -> dict:
    """What the page's ``method`` returned; a protocol error or a JavaScript exception as an error in one line."""
    answer = await page.send_command(method, params=dict(params))
    if "error" in answer:
        raise RenderError(f"Chrome refused {method}: {answer['error'].get('message', answer['error'])}")
    result = answer.get("result", {})
    if "exceptionDetails" in result:
        details = result["exceptionDetails"]
        raise RenderError(details.get("exception", {}).get("description") or details.get("text", "an exception"))
    return result


async def _draw(page, arguments: str, image_format: str) -> bytes:
    """The still drawn by the page's ``drawStill`` (``DRAW_STILL``), as the image file's bytes."""
    result = await _command(page, "Runtime.evaluate", {"expression": f"drawStill(...{arguments})",
                                                       "awaitPromise": True, "returnByValue": True})
    drawn = result.get("result", {}).get("value")
    if not isinstance(drawn, str) or not drawn:
        raise RenderError(f"the page drew no {image_format.upper()} (it returned {result.get('result')!r:.80})")
    return drawn.encode() if image_format == "svg" else base64.b64decode(drawn)


def main() -> int:
    """Print the Chrome found (path, version) and exit 0, or why there is none and exit 1."""
    search = find_chrome()
    if search.path is None:
        print(f"no Chrome: {search.problem}", file=sys.stderr)
        return 1
    try:
        version = search.checked_version()
    except ChromeError as error:
        print(f"no Chrome: {error}", file=sys.stderr)
        return 1
    print(f"Chrome: {search.path} ({version}, found by {search.found_by})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
