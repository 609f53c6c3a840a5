"""The ``render`` command: every figure, video and 3D view of a post from one command.

The post is found, never imported by name (``--post``, see
:mod:`render.posts`); its outputs go to the pipeline.  ``render NAME...``
renders outputs by name; ``render all`` / ``render figures`` render groups;
``render list`` shows what exists; ``render posts`` which posts there are.
"""

from __future__ import annotations

import contextlib
import fcntl
import math
import os
import shlex
import signal
import sys
import textwrap
import time
from dataclasses import replace
from pathlib import Path
from typing import ContextManager

import click

from render.catalog import human_size
from render.encode import FORMATS
from render.errors import RenderError
from render.exits import EXIT_FAILED, EXIT_USAGE, interrupted, terminated
from render.files import PUBLISH_LOCK
from render.post import POSTS_OUT, Context, Workers
from render.post_command import (
    FiniteRange,
    PostCommand,
    closest_names,
    declared_outputs,
    found_post,
    post_error,
    with_post,
)
from render.posts import Found, PostError, first_line
from render.kinds import GROUPS, KINDS
from render.pipeline import (
    BACKENDS,
    KeyParts,
    Outcome,
    UnknownOutputError,
    output_names,
    render_all,
    select_outputs,
)
from render.settings import (
    DEFAULT_VIDEO_FORMATS,
    FPS_RANGE,
    GRID_SIZE_RANGE,
    IMAGE_FORMATS,
    MAX_DURATION,
    MAX_EXPORT_TIMEOUT,
    MAX_JOBS,
    MAX_SURFACE_POINTS,
    PLOTLYJS_MODES,
    PRESETS,
    RenderSettings,
    SurfaceSettings,
    VideoSettings,
    unknown_choices,
)
from render.snippets import SCHEMES, TARGETS, check_base_url
from render.spec import Output
from render.theme import DEFAULT_THEME, THEMES



def available_cores() -> int:
    """The cores this process may run on (a container or ``taskset`` may allow fewer than the machine has)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def _shared_options(command):
    """The options every rendering command takes."""
    options = [
        click.option("--out", "out_dir", type=Directory(file_okay=False, path_type=Path), default=None,
                     help="Directory the rendered files are written to.  [default: the post's folder, "
                          f"{POSTS_OUT}/POST_NAME, or the one it declares]"),
        click.option("--seed", type=click.IntRange(min=0), default=0, show_default=True,
                     help="Seed of every random draw: the same seed gives the same files."),
        click.option("--theme", type=click.Choice(sorted(THEMES)), default=DEFAULT_THEME, show_default=True,
                     help="dark or light; light writes NAME-light.* twins."),
        click.option("--formats", type=FormatList(FORMATS, "video"), default=",".join(DEFAULT_VIDEO_FORMATS),
                     show_default=True, metavar="LIST",
                     help="Video formats, comma-separated: mp4, webm, gif, poster (last frame as WebP)."),
        click.option("--quality", type=click.Choice(list(PRESETS)), default=None,
                     help="Video size and frame rate: low 854x480@15, medium 1280x720@30, "
                          "high 1920x1080@60, 4k 3840x2160@60.  [default: 1280x720 at 10 fps, ten steps a second "
                          "after a slower start, the first frame held 1 s and the last 2.5 s]"),
        click.option("--fps", type=FiniteRange(*FPS_RANGE), default=None,
                     help="Video frames per second (overrides the quality preset's)."),
        click.option("--duration", type=FiniteRange(min=0, min_open=True, max=MAX_DURATION), default=None,
                     help="Video length in seconds, the held first and last frames included (they take at most "
                          "half of it); more frames than recorded steps are interpolated."),
        click.option("--plotlyjs", type=click.Choice(PLOTLYJS_MODES), default=SurfaceSettings.plotlyjs,
                     show_default=True,
                     help="Surface pages: one shared plotly.min.js beside them, the CDN, or inlined in each."),
        click.option("--fragment", is_flag=True, help="Write surface pages as <div> fragments to paste into a page."),
        click.option("--image-formats", type=FormatList(IMAGE_FORMATS, "image", allow_empty=True),
                     default=",".join(SurfaceSettings.image_formats), show_default=True, metavar="LIST",
                     help=f"Surface images, comma-separated: {', '.join(IMAGE_FORMATS)} (drawn in Chrome); "
                          "empty for the pages alone."),
        click.option("--export-timeout", type=FiniteRange(min=0, min_open=True, max=MAX_EXPORT_TIMEOUT),
                     default=SurfaceSettings.export_timeout,
                     show_default=True, metavar="SECONDS",
                     help="Longest a surface image may take before that image is reported failed."),
        click.option("--force", is_flag=True, help="Render even the outputs whose files are up to date."),
        click.option("--grid-size", type=click.IntRange(*GRID_SIZE_RANGE), default=100, show_default=True,
                     help="Points per side of a loss landscape's grid; the 3D surfaces take at most "
                          "%d." % math.isqrt(MAX_SURFACE_POINTS)),
        click.option("--jobs", "-j", type=click.IntRange(1, MAX_JOBS), default=None, metavar="N",
                     help="Outputs rendered at once, each in a worker process; an output rendered alone "
                          "may share its own work among as many (a loss landscape's grid).  "
                          "[default: the cores available, here %d; with --backend dask: every Dask worker]"
                          % available_cores()),
        click.option("--backend", type=click.Choice(BACKENDS), default="loky", show_default=True,
                     help="Where the workers run: processes on this machine (loky), or a Dask cluster "
                          "(needs --scheduler and the [distributed] extra)."),
        click.option("--scheduler", metavar="ADDRESS", default=None,
                     help="The Dask scheduler for --backend dask, e.g. tcp://10.0.0.5:8786."),
        click.option("--twins", is_flag=True,
                     help="Also render the other theme's twin of every output (what `make all` does: "
                          "NAME-light.*, which pages show to readers in a light colour scheme)."),
        click.option("--verbose", "-v", is_flag=True,
                     help="With an unexpected error in an output, print its full traceback too."),
    ]
    for option in reversed(options):
        command = option(command)
    return with_post(command)


class Directory(click.Path):
    """A directory path that is not empty: click reads ``--out ""`` as the current directory."""

    def convert(self, value, param, ctx):
        if isinstance(value, str) and not value.strip():
            self.fail("is empty; name a directory ('.' for the current one)", param, ctx)
        return super().convert(value, param, ctx)


class FormatList(click.ParamType):
    """A comma-separated list of formats from a writer's registry, checked when the options are parsed."""

    def __init__(self, choices, what: str, allow_empty: bool = False) -> None:
        self.choices = tuple(choices)
        self.what = f"{what} format"
        self.name = f"{what} formats"
        self.allow_empty = allow_empty

    def convert(self, value, param, ctx) -> tuple[str, ...]:
        if isinstance(value, tuple):
            return value
        formats = tuple(dict.fromkeys(part.strip().lower() for part in value.split(",") if part.strip()))
        error = unknown_choices(self.what, formats, self.choices, self.allow_empty)
        if error:
            self.fail(str(error), param, ctx)
        return formats


def _report(outcome: Outcome, done: int, total: int, verbose: bool = False) -> None:
    """One line per output as it ends, with how far along the whole run is: ``[5/13] rendered NAME in 2.1 s: ...``.

    An unexpected error's traceback follows its line with ``verbose``; without, the line says how to see it.
    """
    where = f"[{done}/{total}]"
    if outcome.status == "rendered":
        files = ", ".join(p.name for p in outcome.paths)
        click.echo(f"{where} rendered {outcome.name} in {outcome.seconds:.1f} s: {files}")
    elif outcome.status == "unchanged":
        click.echo(f"{where} up to date {outcome.name}")
    elif outcome.status == "skipped":
        click.echo(f"{where} skipped {outcome.name}: {outcome.message}")
    else:
        hint = " (--verbose shows where)" if outcome.traceback and not verbose else ""
        click.echo(f"{where} error: {outcome.name}: {outcome.message}{hint}", err=True)
        if outcome.traceback and verbose:
            click.echo(outcome.traceback.rstrip(), err=True)


def _summary(outcomes: list[Outcome], seconds: float, jobs: int | str) -> str:
    counts = {status: sum(1 for o in outcomes if o.status == status)
              for status in ("rendered", "unchanged", "skipped", "failed")}
    parts = [f"{count} {'up to date' if status == 'unchanged' else status}" for status, count in counts.items() if count]
    return f"{', '.join(parts) or 'nothing to do'} in {seconds:.1f} s ({jobs} {'job' if jobs == 1 else 'jobs'})"


def _usage_error(message: str) -> None:
    """A mistake in the command: one line, exit 2, no usage block to scroll past (click lists choices on
    lines of their own)."""
    click.echo(f"error: {' '.join(message.split())}", err=True)
    sys.exit(EXIT_USAGE)


def _unknown_output(name: str, known: list[str]) -> str:
    close = closest_names(name, known)
    hint = f"; did you mean {' or '.join(close)}?" if close else ""
    return f"unknown output {name!r}{hint} (see 'render list')"


def _owner_error(out_dir: Path, found: Found) -> str | None:
    """Why ``out_dir`` is not this post's to write: it holds another post's renders (posts never share a folder)."""
    from render.manifest import manifest_post

    owner = manifest_post(out_dir)
    if owner is None or owner.get("name") == found.post.name:
        return None
    return (f"{out_dir} holds the renders of post {owner.get('name')!r}, not {found.post.name!r}: give this post "
            f"another --out (its own is {found.post.out_dir}), or pass --post {owner.get('from') or owner.get('name')}")


def _publish(out_dir: Path, declared: list[Output], found: Found) -> None:
    """Merge the records into manifest.json and write the gallery page from it; remove what killed runs left.

    Under an exclusive lock on the output directory, so that of several renders
    running at once (``make -j``) the last to publish reads every record, and
    no hidden file another one is writing is taken for a leftover.
    """
    from render.files import remove_leftovers
    from render.gallery import write_gallery
    from render.manifest import write_manifest

    post = found.post
    try:
        (out_dir / PUBLISH_LOCK).parent.mkdir(exist_ok=True)
        with open(out_dir / PUBLISH_LOCK, "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            remove_leftovers(out_dir)
            write_manifest(out_dir, [output.name for output in declared], {"name": post.name, "from": found.value})
            write_gallery(out_dir, post.title, post.description)
    except OSError as error:
        where = f" ({error.filename})" if error.filename else ""
        click.echo(f"error: cannot write the manifest and gallery in {out_dir}: {error.strerror or error}{where}",
                   err=True)
        sys.exit(EXIT_FAILED)


def _prepare_out_dir(out_dir: Path) -> None:
    if out_dir.is_symlink() and not out_dir.exists():
        raise click.BadParameter(f"{out_dir} is a symbolic link to nothing (or to itself)", param_hint="'--out'")
    if out_dir.exists() and not out_dir.is_dir():
        raise click.BadParameter(f"{out_dir} exists and is not a directory", param_hint="'--out'")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise click.BadParameter(f"cannot create {out_dir}: {error.strerror}", param_hint="'--out'") from None
    if not os.access(out_dir, os.W_OK):
        raise click.BadParameter(f"{out_dir} is not writable", param_hint="'--out'")


def _parallel(jobs: int | None, backend: str, scheduler: str | None) -> tuple[int, ContextManager[object]]:
    """How many workers, and what the run renders within: nothing on this machine, a Dask client's session.

    A scheduler that cannot be used (nothing there, a web server, something
    else) is one line within seconds (:func:`render.scheduler.connect`).
    """
    if backend == "loky":
        if scheduler:
            _usage_error("--scheduler is for --backend dask; add --backend dask, or drop --scheduler")
        return jobs or available_cores(), contextlib.nullcontext()
    if not scheduler:
        _usage_error("--backend dask needs --scheduler ADDRESS, the address of a running Dask scheduler")
    try:
        import distributed  # noqa: F401 -- only whether it is installed
    except ImportError:
        _usage_error("--backend dask needs the distributed extra: pip install 'article-figures[distributed]'")
    from render.scheduler import SchedulerError, client_session, connect

    try:
        client = connect(scheduler)
    except SchedulerError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(EXIT_FAILED)
    return jobs or -1, client_session(client)


def _reserved() -> list[str]:
    """Words the command line reads as something else than an output's name: ``all``, the groups, the commands."""
    return [*output_names([]), *main.commands]


def _declared(found: Found, context: Context) -> list[Output]:
    try:
        return declared_outputs(found.post, context, reserved=_reserved())
    except PostError as error:
        _usage_error(str(error))


def run_render(
    names: list[str],
    post_value: str | None,
    out_dir: Path | None,
    seed: int,
    theme: str,
    grid_size: int,
    formats: tuple[str, ...],
    quality: str | None,
    fps: float | None,
    duration: float | None,
    plotlyjs: str,
    fragment: bool,
    image_formats: tuple[str, ...],
    export_timeout: float,
    force: bool,
    jobs: int | None = None,
    backend: str = "loky",
    scheduler: str | None = None,
    verbose: bool = False,
    twins: bool = False,
    **own: object,
) -> None:
    """Render the named outputs of the chosen post (``own``: its own options); exit 2 for a usage mistake,
    1 if any output failed."""
    started = time.perf_counter()
    found = found_post(click.get_current_context())
    post = found.post
    try:
        video = VideoSettings(formats=formats, quality=quality, fps=fps, duration=duration)
        surface = SurfaceSettings(plotlyjs=plotlyjs, fragment=fragment, image_formats=image_formats,
                                  export_timeout=export_timeout)
    except RenderError as error:
        _usage_error(str(error))
    if backend == "dask":  # workers may run elsewhere, in another directory
        own = {key: value.resolve() if isinstance(value, Path) else value for key, value in own.items()}
    # Where an output may spread its own work (a build passes them on): the run's workers.
    workers = Workers(jobs=jobs or available_cores(), scheduler=scheduler if backend == "dask" else None)
    declared = _declared(found, Context(seed=seed, grid_size=grid_size, options=own, workers=workers))
    try:
        selected = select_outputs(declared, names)
    except UnknownOutputError:
        known = output_names(declared)
        unknown = next(name for name in names if name not in known)
        if unknown == names[0]:  # `render lsit` is read as an output name: a command may be what was meant
            known += [name for name, command in main.commands.items() if not command.hidden and name not in known]
        _usage_error(_unknown_output(unknown, known))
    explicit = {name for name in names if name != "all" and name not in GROUPS}
    for output in selected:
        reason = output.name in explicit and output.unavailable()
        if reason:
            _usage_error(f"{output.name} {reason}")
    side = math.isqrt(MAX_SURFACE_POINTS)
    if grid_size > side and any(output.kind == "surface" for output in selected):
        _usage_error(f"--grid-size {grid_size} makes 3D surfaces of {grid_size ** 2} points, more than a browser "
                     f"can draw; the surfaces take at most --grid-size {side}")
    out_dir = post.out_dir if out_dir is None else out_dir
    owner = _owner_error(out_dir, found)
    if owner:
        _usage_error(owner)
    jobs, cluster = _parallel(jobs, backend, scheduler)
    _prepare_out_dir(out_dir)
    settings = RenderSettings(out_dir=out_dir, theme=theme, video=video, surface=surface, force=force)
    runs = [(settings, "", selected)]
    if twins:  # the other theme's outputs, videos too (each plays in the theme it was drawn in), in one process
        twin = next(name for name in sorted(THEMES) if name != theme)
        runs.append((replace(settings, theme=twin), f" ({twin})", list(selected)))
    outcomes: list[Outcome] = []
    total = sum(len(run_selected) for _, _, run_selected in runs)
    known = KeyParts(post_module=found.module)
    with cluster:
        for run_settings, label, run_selected in runs:
            done = len(outcomes)
            outcomes += render_all(
                run_selected, run_settings, expected_errors=post.expected_errors, jobs=jobs, backend=backend,
                known=known, import_paths=[found.folder] if found.folder else [],
                report=lambda outcome, k, n, done=done, label=label: _report(
                    replace(outcome, name=outcome.name + label), done + k, total, verbose=verbose))
    _publish(out_dir, declared, found)
    click.echo(_summary(outcomes, time.perf_counter() - started, "all Dask" if jobs == -1 else jobs))
    if any(outcome.status == "failed" for outcome in outcomes):
        sys.exit(EXIT_FAILED)


class Interrupted(Exception):
    """Ctrl-C while a command ran."""


class PostCommands(click.Group):
    """A group whose unknown first word is an output name: ``render NAME...``.

    It also says every mistake in one line (click would print the usage block
    first) and a Ctrl-C in one line with the shell's status for it, 130
    (click would print "Aborted!" and exit 1).
    """

    def main(self, args=None, prog_name=None, **extra):
        extra.pop("standalone_mode", None)  # always ours: one-line errors, and an exit status
        try:
            code = super().main(args, prog_name, standalone_mode=False, **extra)
        except click.UsageError as error:
            # `render NAME...` runs the hidden `outputs` command, whose options are all's.
            sub = error.ctx.info_name if error.ctx is not None and error.ctx.parent is not None else None
            command = "render" if sub is None else f"render {'all' if sub == 'outputs' else sub}"
            _usage_error(f"{error.format_message().rstrip('.')} (see '{command} --help')")
        except click.ClickException as error:
            click.echo(f"error: {error.format_message()}", err=True)
            sys.exit(error.exit_code)
        except (Interrupted, click.Abort, KeyboardInterrupt):
            interrupted()
        sys.exit(code if isinstance(code, int) else 0)

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:  # before click turns it into "Aborted!", exit 1
            raise Interrupted from None

    def resolve_command(self, ctx: click.Context, args: list[str]):
        if args and args[0] not in self.commands and not args[0].startswith("-"):
            return "outputs", self.commands["outputs"], args
        return super().resolve_command(ctx, args)


@click.group(cls=PostCommands, context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Render the figures, videos and 3D views of a post, every one from one command.

    `render NAME... [OPTIONS]` renders outputs by name (see `render list`);
    `render all|figures|videos|surfaces [OPTIONS]` renders a group.  Every
    command works on one post (--post; `render posts` lists them) and every
    rendering command takes the options listed by `render all --help`, with
    the post's own; outputs already up to date are not rendered again
    (--force renders them).

    \b
    Examples:
      render posts                       the posts found, and where from
      render new my-post                 start a post of your own, ready to render
      render list                        every output of the post, in its order
      render all --post my-post          everything of that post, into output/my-post
      render figures --theme light       the static figures, light twins
      render videos --quality high       the videos at 1920x1080, 60 fps
      render surfaces                    the 3D loss surfaces, HTML and PNG
      render doctor                      what works on this machine, before a long render
      render contour-compressed --seed 3 one output by name
    """
    # A kill (SIGTERM) unwinds like Ctrl-C, so partial files are cleaned up.
    signal.signal(signal.SIGTERM, terminated)



def _rendering(name: str, help_text: str):
    """A command that renders a group of the post's outputs (``all``, ``figures``, ...), with every option."""
    def command(**options) -> None:
        run_render([name], **options)

    command.__doc__ = help_text
    return main.command(name, cls=PostCommand)(_shared_options(command))


@main.command("list", cls=PostCommand, own_options=False)
@with_post
def list_outputs(post_value: str | None) -> None:
    """List every output of the post in its order: name, kind, what it shows."""
    found = found_post(click.get_current_context())
    for output in _declared(found, Context()):
        click.echo(f"{output.name:<24} {output.kind:<8} {output.caption}")


@main.command("posts")
def list_posts() -> None:
    """List the posts found: installed ones (entry-point group render.posts) and the one chosen here, by name,
    title, number of outputs and where each came from."""
    from render.posts import configured, installed, load

    found: list[Found | PostError] = installed()
    asked = configured()
    if asked is not None:
        try:
            chosen = load(asked[0])
            found = [f for f in found if not isinstance(f, Found) or f.module != chosen.module]
            found.append(replace(chosen, origin=f"{chosen.origin}, the default here ({asked[1]})"))
        except PostError as error:
            found.append(error)
    if not found:
        click.echo("no post found: start one with 'render new DIR', or pass --post MODULE_OR_PATH")
        return
    for item in found:
        if isinstance(item, PostError):
            click.echo(f"error: {item}", err=True)
            continue
        try:
            count = f"{len(declared_outputs(item.post, Context(), reserved=_reserved()))} outputs"
        except PostError as error:
            count = f"error: {error}"
        click.echo(f"{item.post.name:<16} {count:<11} {item.post.title}  [{item.origin}: {item.module}]")


@main.command("new")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--title", default=None, help="The post's title.  [default: from the folder's name]")
def new_post(directory: Path, title: str | None) -> None:
    """Write a post of your own into DIRECTORY: a module with a figure, a video and a 3D surface of an example
    loss, a pyproject.toml that makes it installable, and a README.  It renders before any edit."""
    from render.scaffold import write_post

    try:
        scaffold, paths = write_post(directory, title)
    except RenderError as error:
        _usage_error(str(error))
    except OSError as error:
        click.echo(f"error: cannot write the post in {directory}: {error.strerror or error}", err=True)
        sys.exit(EXIT_FAILED)
    for path in paths:
        click.echo(f"wrote {path}")
    where = shlex.quote(str(directory))
    click.echo(f"post {scaffold.name}: 'render all --post {where}' renders it into "
               f"{POSTS_OUT / scaffold.name}/ ('pip install -e {where}' makes it a post 'render posts' lists)")


render_everything = _rendering("all", "Render every output of the post (those whose inputs are missing are skipped).")
for _kind in KINDS.values():  # a command per kind: `render figures`, `render videos`, ...
    _rendering(_kind.group, _kind.help)


def _again(found: Found, post_value: str | None):
    """How messages say to render this post's outputs: with ``--post`` where the command was given one."""
    from render.publish import RenderAgain

    return RenderAgain(("--post", found.value) if post_value is not None else (), found.post.out_dir)


def _out_of(found: Found, out_dir: Path | None, post_value: str | None) -> Path:
    """``--out``, else the post's folder; it must exist (these commands read what was rendered there)."""
    out_dir = found.post.out_dir if out_dir is None else out_dir
    if not out_dir.is_dir():
        _usage_error(f"{out_dir} is not a directory of rendered files: render the post first "
                     f"('{_again(found, post_value).command(['all'], out_dir)}')")
    owner = _owner_error(out_dir, found)
    if owner:
        _usage_error(owner)
    return out_dir


@main.command("gallery", cls=PostCommand, own_options=False)
@click.option("--out", "out_dir", type=Directory(file_okay=False, exists=True, path_type=Path), default=None,
              help="Directory of rendered files.  [default: the post's folder]")
@with_post
def render_gallery(out_dir: Path | None, post_value: str | None) -> None:
    """Write manifest.json and the gallery (index.html, each output's snippets in snippets/) from what is rendered
    (renders nothing)."""
    from render.gallery import INDEX_NAME, SNIPPETS_DIR

    found = found_post(click.get_current_context())
    out_dir = _out_of(found, out_dir, post_value)
    _publish(out_dir, _declared(found, Context()), found)
    click.echo(f"wrote {out_dir / 'manifest.json'} and the gallery, {out_dir / INDEX_NAME} (each output's "
               f"snippets in {SNIPPETS_DIR}/)")


def _base_url(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    try:
        return None if value is None else check_base_url(value)
    except RenderError as error:
        raise click.BadParameter(str(error)) from None


def _targets_help() -> str:
    """The targets, each with what a blogger does with it, wrapped for a terminal (``\\b``: as written)."""
    width = max(map(len, TARGETS)) + 1
    lines = [textwrap.fill(target.usage, 78, initial_indent=f"  {name:<{width}} ", subsequent_indent=" " * (width + 3))
             for name, target in TARGETS.items()]
    return "\b\nTargets:\n" + "\n".join(lines)


@main.command("publish", cls=PostCommand, own_options=False, epilog=_targets_help())
@click.option("--target", "-t", "target_name", type=click.Choice(list(TARGETS)), required=True,
              help="The kind of site the snippets are for (see Targets below).")
@click.option("--out", "out_dir", type=Directory(file_okay=False, exists=True, path_type=Path), default=None,
              help="Directory of rendered files.  [default: the post's folder]")
@click.option("--to", "to_dir", type=Directory(file_okay=False, path_type=Path), default=None,
              help="Where the bundles go, one folder per output.  [default: OUT/publish/TARGET]")
@click.option("--base-url", metavar="URL", default=None, callback=_base_url,
              help="Write paths under this URL (where you will upload the files) instead of beside the page.")
@click.option("--autoplay", is_flag=True, help="Videos start by themselves (muted, looping).")
@click.option("--scheme", type=click.Choice(SCHEMES), default="auto", show_default=True,
              help="The colour scheme shown: auto follows the site's own switch where the target knows it "
                   "(Material for MkDocs, Docusaurus), else the reader's system; light or dark for a site "
                   "that is always one (light needs the light twins: render --twins).")
@with_post
@click.argument("names", nargs=-1)
def publish_bundles(target_name: str, out_dir: Path | None, to_dir: Path | None, base_url: str | None,
                    autoplay: bool, scheme: str, post_value: str | None, names: tuple[str, ...]) -> None:
    """Bundle rendered outputs for a blog: per output, a snippet to paste and the files it uses.

    NAMES are outputs to bundle (default: every rendered one).  Each goes to
    its own folder, TO/NAME/: copy its files where the target says (Targets
    below) and paste its snippet (snippet.md; snippet.html for html,
    snippet.mdx for docusaurus) into your post.
    """
    from render.publish import publish

    found = found_post(click.get_current_context())
    out_dir = _out_of(found, out_dir, post_value)
    if names:  # a name of no output at all is a mistake in the command, not a render to do
        known = [output.name for output in _declared(found, Context())]
        unknown = next((name for name in names if name not in known), None)
        if unknown is not None:
            _usage_error(_unknown_output(unknown, known))
    to_dir = to_dir if to_dir is not None else out_dir / "publish" / target_name
    try:
        bundles = publish(out_dir, target_name, to_dir, names, base_url, autoplay, _again(found, post_value),
                          scheme)
    except RenderError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(EXIT_FAILED)
    except OSError as error:
        where = f" ({error.filename})" if error.filename else ""
        click.echo(f"error: cannot write the bundles in {to_dir}: {error.strerror or error}{where}", err=True)
        sys.exit(EXIT_FAILED)
    for bundle in bundles:
        click.echo(f"{bundle.snippet}  ({len(bundle.files)} files, {human_size(bundle.bytes)})")
    click.echo(f"{len(bundles)} {'bundle' if len(bundles) == 1 else 'bundles'} for {target_name} in {to_dir}")
    target = TARGETS[target_name]
    if target.setup and bundles:
        click.echo(f"once per site, in {target.setup_in}: {target.setup}")


@main.command("doctor", cls=PostCommand, doctor_only=True)
@with_post
def run_doctor(post_value: str | None, **own: object) -> None:
    """Check ffmpeg and its encoders, Chrome, the libraries and what the post needs, before a long render.

    Exits 0 when everything the default `make all` needs is there (ffmpeg with
    libx264 and libvpx-vp9, a Chrome for the surface PNGs, the libraries), 1
    otherwise.  The post's own lines (the article's dataset) are warnings at
    most: without what they check, `make all` skips the outputs that need it
    and renders the others.
    """
    from render import doctor

    ctx = click.get_current_context()
    found = found_post(ctx)
    if found is None:  # the engine's tools are checked all the same
        checks = [doctor.Check("post", doctor.FAIL, post_error(ctx) or "no post")]
    else:
        try:
            checks = list(found.post.checks(Context(options=own))) if found.post.checks else []
        except Exception as error:  # noqa: BLE001 -- a post's checks are its author's code
            checks = [doctor.Check(found.post.name, doctor.FAIL, f"its checks raised {first_line(error)}")]
    doctor.report(doctor.run_checks(checks))


@main.command("outputs", hidden=True, cls=PostCommand)
@click.argument("names", nargs=-1, required=True)
@_shared_options
def render_named(names: tuple[str, ...], **options) -> None:
    """Render the outputs named (see 'render list')."""
    run_render(list(names), **options)


if __name__ == "__main__":
    main()
