"""``render doctor``: what works on this machine, said before a long render rather than after it.

Every check reports what it found (a path, a version, the files it read) or
the exact reason it failed, in one line each.  The exit status answers one
question: does the default ``make all`` have everything it needs?  A post
adds lines of its own (the article's, its dataset); a post's ``warn`` does
not count against being ready: the outputs that need what is missing are
skipped and the others render.
"""

from __future__ import annotations

from typing import Sequence
from importlib import metadata

import click

from render.chrome import ChromeError, chrome_version, find_chrome
from render.encode import checked_ffmpeg
from render.errors import RenderError
from render.manifest import LIBRARIES
from render.post import FAIL, OK, WARN, Check
from render.processes import last_line, run_bounded, text_of

# ffmpeg encoders: those `make all` uses (its VIDEO_FORMATS is mp4,webm,poster), and the GIF one.
REQUIRED_ENCODERS = {"libx264": "mp4", "libvpx-vp9": "webm"}
OPTIONAL_ENCODERS = {"gif": "gif"}


def _run(args: list[str], timeout: float = 30.0) -> str:
    """What ``args`` prints, as text; a :class:`RenderError` with its last line if it fails or hangs."""
    done = run_bounded(args, timeout, " ".join(args))
    if done.returncode != 0:
        raise RenderError(last_line(done.stderr, f"exit status {done.returncode}"))
    return text_of(done.stdout)


def encoders_listed(listing: str) -> set[str]:
    """Encoder names from ``ffmpeg -encoders`` (lines like `` V....D libx264  H.264 ...``)."""
    _, separator, table = listing.partition("------")  # the legend above it has the same shape
    names = set()
    for line in (table if separator else listing).splitlines():
        parts = line.split()
        if len(parts) >= 2 and len(parts[0]) == 6 and parts[0][0] in "VAS":
            names.add(parts[1])
    return names


def check_ffmpeg() -> list[Check]:
    try:
        import imageio_ffmpeg

        imageio_ffmpeg.get_ffmpeg_exe()
    except Exception as error:  # noqa: BLE001 -- any failure here means: no ffmpeg
        return [Check("ffmpeg", FAIL, f"no ffmpeg: {error}; reinstall imageio-ffmpeg or set IMAGEIO_FFMPEG_EXE")]
    try:
        exe, version = checked_ffmpeg()  # what a render would say of it, in the same words
    except RenderError as error:
        return [Check("ffmpeg", FAIL, str(error))]
    try:
        listing = _run([exe, "-hide_banner", "-encoders"])
    except RenderError as error:
        return [Check("ffmpeg", FAIL, f"{exe} does not list its encoders: {error}")]
    available = encoders_listed(listing)
    checks = [Check("ffmpeg", OK, f"{exe} ({version})")]
    missing = [f"{name} (for {use})" for name, use in REQUIRED_ENCODERS.items() if name not in available]
    optional = [f"{name} (for --formats {use})" for name, use in OPTIONAL_ENCODERS.items() if name not in available]
    present = [f"{name} ({use})" for name, use in {**REQUIRED_ENCODERS, **OPTIONAL_ENCODERS}.items()
               if name in available]
    if missing:
        checks.append(Check("encoders", FAIL, f"missing {', '.join(missing)}; use an ffmpeg that has them "
                                              "(IMAGEIO_FFMPEG_EXE=/path/to/ffmpeg)"))
    elif optional:
        checks.append(Check("encoders", WARN, f"{', '.join(present)}; missing {', '.join(optional)}"))
    else:
        checks.append(Check("encoders", OK, ", ".join(present)))
    return checks


def check_chrome() -> Check:
    search = find_chrome()
    if search.path is None:
        return Check("chrome", FAIL, f"{search.problem}: the surface PNGs cannot be drawn; {search.advice}")
    try:
        version = chrome_version(search.path)
    except ChromeError as error:
        return Check("chrome", FAIL, f"{error}; set BROWSER_PATH to a working Chrome or run `make chrome`")
    return Check("chrome", OK, f"{search.path} ({version}), from {search.found_by}")


def check_libraries() -> Check:
    found, missing = [], []
    for name in LIBRARIES:
        try:
            found.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            missing.append(name)
    if missing:
        return Check("libraries", FAIL, f"not installed: {', '.join(missing)} (run `make` to install the project)")
    return Check("libraries", OK, ", ".join(found))


def run_checks(post_checks: Sequence[Check] = ()) -> list[Check]:
    """Every check of the engine's tools, with the post's own (its data: render/ reads no post's data)."""
    return [*check_ffmpeg(), check_chrome(), *post_checks, check_libraries()]


def report(checks: list[Check]) -> None:
    """Print one line per check and exit 0 only when nothing failed."""
    for check in checks:
        click.echo(check.line())
    failed = [check.topic for check in checks if check.status == FAIL]
    if failed:
        click.echo(f"not ready: `make all` needs {', '.join(failed)} (see above)")
        raise SystemExit(1)
    warned = [check.topic for check in checks if check.status == WARN]
    note = f" (warnings: {', '.join(warned)})" if warned else ""
    click.echo(f"ready: `make all` has everything it needs{note}")
