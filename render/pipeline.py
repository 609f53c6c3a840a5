"""From declared outputs to files: decide what is stale, render it (in parallel if asked), collect what happened.

The pipeline knows nothing about any post.  It receives ``Output``
declarations, asks each whether its inputs are there and whether its files
are up to date, builds the content of the others, hands it to the writer
registered for its kind, and checks that every file the writer claims to have
written exists.  One output failing does not stop the others: the caller gets
an :class:`Outcome` for each, as each one ends.

Writers are named, not imported: deciding that nothing needs rendering loads
no plotting, video or browser library, and a worker loads only the writers of
the outputs it renders.  Independent outputs render at once through joblib
(``jobs``, ``backend``): loky worker processes on this machine, or the tasks
of a Dask cluster.  Every file and record is the same
bytes whichever worker makes it.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import re
import signal
import sys
import threading
import time
import traceback
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, Iterable, Iterator, Sequence

from render.errors import PartlyWritten, RenderError
from render.files import RECORDS_DIR, STAGING_DIR, OutputWriteError, Staging, remove_abandoned_staging
from render.keys import engine_digest, output_key, scene_digest
from render.manifest import (
    OutputRecord,
    describe_file,
    is_fresh,
    library_versions,
    load_record,
    record_path,
    save_record,
)
from render.settings import RenderSettings, RunSession, Writer, Written
from render.kinds import GROUPS, KINDS
from render.spec import Output
from render.theme import theme_suffix
from render.words import long_description

BACKENDS = ("loky", "dask")


def _load(reference: str) -> Callable:
    module, _, name = reference.partition(":")
    return getattr(importlib.import_module(module), name)


def writer_for(kind: str) -> Writer:
    return _load(KINDS[kind].writer)


@dataclass
class Outcome:
    name: str
    status: str  # "rendered" | "unchanged" | "skipped" | "failed"
    message: str = ""
    paths: list[Path] = field(default_factory=list)
    seconds: float = 0.0
    traceback: str = ""  # for an unexpected error: where it happened, shown on request


def failure(name: str, error: BaseException, seconds: float = 0.0, expected: bool = False) -> Outcome:
    """One output's failure in one line.  An error nobody foresaw (a bug, or data odd in a way no check
    knows) carries its traceback, and the line names its type, since its message alone may say little."""
    if isinstance(error, OSError) and error.strerror:
        where = f" ({error.filename})" if error.filename else ""
        return Outcome(name, "failed", f"{error.strerror}{where}", seconds=seconds)
    text = (str(error).strip().splitlines() or [""])[0]
    if expected:
        return Outcome(name, "failed", text, seconds=seconds)
    message = f"unexpected {type(error).__name__}" + (f": {text}" if text else "")
    return Outcome(name, "failed", message, seconds=seconds,
                   traceback="".join(traceback.format_exception(error)))


class UnknownOutputError(RenderError):
    pass


def output_names(outputs: Sequence[Output]) -> list[str]:
    """Every name a command accepts: ``all``, the groups, then the outputs in the post's order."""
    return ["all", *GROUPS, *(output.name for output in outputs)]


def select_outputs(outputs: Sequence[Output], names: Iterable[str]) -> list[Output]:
    """The outputs named (or in a named group), in the post's order, each once."""
    by_name = {output.name: output for output in outputs}
    wanted: set[str] = set()
    for name in names:
        if name == "all":
            wanted.update(by_name)
        elif name in GROUPS:
            wanted.update(o.name for o in outputs if o.kind == GROUPS[name])
        elif name in by_name:
            wanted.add(name)
        else:
            raise UnknownOutputError(f"unknown output {name!r}")
    return [output for output in outputs if output.name in wanted]


def _stem(output: Output, settings: RenderSettings) -> str:
    return f"{output.name}{theme_suffix(settings.theme)}"


def check_output(output: Output, settings: RenderSettings, key: str | None) -> Outcome | None:
    """``skipped`` (inputs missing) or ``unchanged`` (its record vouches for its files), else ``None``: render it."""
    reason = output.unavailable()
    if reason:
        return Outcome(output.name, "skipped", reason)
    if key is not None and not settings.force:
        record = load_record(settings.out_dir, _stem(output, settings))
        if is_fresh(record, key, settings.out_dir):
            return Outcome(output.name, "unchanged", paths=[settings.out_dir / f["path"] for f in record.files])
    return None


def build_and_write(
    output: Output,
    settings: RenderSettings,
    session: RunSession,
    expected_errors: tuple[type[Exception], ...] = (),
    key: str | None = None,
) -> Outcome:
    """Render one output now; with a ``key``, leave a record of its files.

    Any error becomes this output's failed outcome, so the others still
    render and are published: a user-facing one (``RenderError``, an
    ``expected_errors`` type, a file system error) in its own words, anything
    else with its traceback.  Only an interrupt ends the run.
    """
    stem = _stem(output, settings)
    started = time.perf_counter()
    try:
        with Staging(settings.out_dir, stem) as staging:
            try:
                written = _write(output, replace(settings, out_dir=staging.directory), session)
            except PartlyWritten as error:  # complete files worth having without the rest (a page without its image)
                _publish(staging, stem, error.written, record=None)
                raise
            record = None if key is None else OutputRecord(
                name=output.name, kind=output.kind, theme=settings.theme, key=key, caption=output.caption,
                alt=written.alt, description=written.description, parameters=output.parameters,
                versions=library_versions(), extent=written.extent,
                files=[describe_file(w.path, staging.directory, w.role, w.facts) for w in written.files],
            )
            paths = _publish(staging, stem, [w.path for w in written.files], record)
    except OSError as error:
        return failure(output.name, _named_as_published(error, settings.out_dir), time.perf_counter() - started,
                       expected=True)
    except (RenderError, OutputWriteError, *expected_errors) as error:
        return failure(output.name, error, time.perf_counter() - started, expected=True)
    except Exception as error:  # noqa: BLE001 -- one output's surprise is its own failure, not the run's
        return failure(output.name, error, time.perf_counter() - started)
    return Outcome(output.name, "rendered", paths=paths, seconds=time.perf_counter() - started)


def _named_as_published(error: OSError, out_dir: Path) -> OSError:
    """``error``, naming the file a staged path was to be published as (``output/x.png``, not
    ``output/.render/staging/x.1a2b/x.png``): the user knows only that one."""
    staging = (Path(out_dir) / STAGING_DIR).as_posix() + "/"
    if isinstance(error.filename, str) and error.filename.startswith(staging):
        staged = error.filename[len(staging):].partition("/")[2]
        error.filename = str(Path(out_dir) / staged) if staged else str(out_dir)
    return error


@dataclass(frozen=True)
class _Made:
    files: list[Written]
    alt: str
    extent: dict[str, list[float]] | None
    description: list[str]


def _write(output: Output, settings: RenderSettings, session: RunSession) -> _Made:
    """Build ``output``'s content and have its writer write it under ``settings.out_dir`` (a staging directory)."""
    writer = writer_for(output.kind)
    content = output.build()
    expected = KINDS[output.kind].content
    if not isinstance(content, expected):
        raise RenderError(f"its build returned a {type(content).__name__}, not the render.spec.{expected.__name__} "
                          f"a {output.kind} is drawn from")
    written = writer(output.name, content, settings, session)
    missing = [str(w.path) for w in written if not w.path.is_file()]
    if missing:
        raise OutputWriteError(f"the {output.kind} writer claimed files it did not write: {', '.join(missing)}")
    extent = getattr(content, "extent", None)
    return _Made(written, content.alt, None if extent is None else extent.record(), long_description(content))


def _publish(staging: Staging, stem: str, staged: Sequence[Path], record: OutputRecord | None) -> list[Path]:
    """Move one render's files into place together, then its record; remove the files of the render it replaces.

    Afterwards the output's files on disk are exactly those published (and
    its record, if any, lists them): a format or a data file the previous
    render made and this one did not is removed, unless another output's
    record lists it too (the surfaces share ``plotly.min.js``).
    """
    out_dir = staging.out_dir
    previous = load_record(out_dir, stem)
    # From here the files change: the old record would vouch for files being replaced.
    record_path(out_dir, stem).unlink(missing_ok=True)
    published = staging.publish(staged)
    if record is not None:  # last: a record vouches for files only once they are all in place
        staging.publish([save_record(staging.directory, stem, record)])
    if previous is not None:
        replaced = {out_dir / f["path"] for f in previous.files} - set(published)
        for path in replaced - _listed_by_others(out_dir, stem):
            path.unlink(missing_ok=True)
    return published


def _listed_by_others(out_dir: Path, stem: str) -> set[Path]:
    """Every file the records of the other outputs (and theme twins) list."""
    listed: set[Path] = set()
    for path in (out_dir / RECORDS_DIR).glob("*.json"):
        other = load_record(out_dir, path.stem) if path.stem != stem else None
        if other is not None:
            listed.update(out_dir / f["path"] for f in other.files)
    return listed


def render_output(
    output: Output,
    settings: RenderSettings,
    session: RunSession,
    expected_errors: tuple[type[Exception], ...] = (),
    key: str | None = None,
) -> Outcome:
    """Render one output unless it is skipped or its record says it is up to date under ``key``."""
    return check_output(output, settings, key) or build_and_write(output, settings, session, expected_errors, key)


# What a BLAS or OpenMP library reads, when it loads, for its number of threads (loky sets the same ones in
# its workers, to cores / workers: two each on four cores).
THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS",
                    "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS")


@contextlib.contextmanager
def _one_blas_thread() -> Iterator[None]:
    """BLAS on one thread while outputs render: workers do not fight for the cores, and a product
    sums in the same order however many workers there are, so the files are the same bytes.

    A thread limit reaches only the libraries already loaded; a scene that imports SciPy when it builds
    (as the cat/dog training does) loads SciPy's own BLAS after the limit, with a thread per core.  So the
    variables that library reads when it loads say one thread too, for as long as the outputs render.
    """
    from threadpoolctl import threadpool_limits

    saved = {name: os.environ.get(name) for name in THREAD_VARIABLES}
    os.environ.update(dict.fromkeys(THREAD_VARIABLES, "1"))
    try:
        with threadpool_limits(limits=1):
            yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@contextlib.contextmanager
def _sigint_ignored_by_new_workers() -> Iterator[None]:
    """Ctrl-C ignored while worker processes are started, so that they start ignoring it.

    Ctrl-C at a terminal reaches every process of the group: a worker still
    importing would print a traceback of its imports beside the run's one
    line.  An ignored signal stays ignored across ``exec``, and Python then
    keeps ignoring it; each task turns it back on (:func:`_interruptible`).
    The window is the time it takes to start the processes, not their imports.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    # The process that tracks the workers' semaphores starts here too: an interrupted run leaves it one or
    # two to remove, which it does, with a warning per run that would follow the one line of an interrupt.
    warning = "ignore:resource_tracker:UserWarning"
    added = warning not in sys.warnoptions
    if added:
        sys.warnoptions.append(warning)  # the options child interpreters are started with
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        if added:
            sys.warnoptions.remove(warning)


@contextlib.contextmanager
def _interruptible() -> Iterator[None]:
    """Ctrl-C raises ``KeyboardInterrupt`` in a worker's task, so ffmpeg and Chrome are stopped and
    nothing is left half-written (a Dask worker runs tasks in threads, where signals are not ours)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _render_in_worker(payload: bytes, settings: RenderSettings, import_paths: Sequence[str]) -> list[Outcome]:
    """A worker's share: its outputs in one session.

    The outputs (and the error types the post expects) come pickled, and are unpickled only once the folders
    of a post found by path are on this interpreter's import path: their ``build`` functions are that post's.
    """
    import cloudpickle

    for folder in import_paths:
        if folder not in sys.path:
            sys.path.append(folder)
    batch, expected_errors = cloudpickle.loads(payload)
    with _interruptible(), _one_blas_thread(), RunSession() as session:
        return [build_and_write(output, settings, session, expected_errors, key) for output, key in batch]


Batch = list[tuple[Output, str | None]]  # outputs rendered by one task, each with its key


def _batches(stale: Sequence[tuple[Output, str | None]]) -> list[Batch]:
    """Tasks for the workers, longest first: one per output, but the surfaces together, sharing one browser."""
    rank = {name: kind.order for name, kind in KINDS.items()}
    batches: dict[str, Batch] = {}
    for pair in sorted(stale, key=lambda pair: rank.get(pair[0].kind, len(rank))):
        shared = pair[0].kind == "surface"
        batches.setdefault(pair[0].kind if shared else pair[0].name, []).append(pair)
    return list(batches.values())


@dataclass(frozen=True)
class _Task:
    """What a worker needs for its batches besides the batch itself: the same for every batch of a run."""

    settings: RenderSettings
    expected_errors: tuple[type[Exception], ...]
    import_paths: Sequence[str]

    def arguments(self, batch: Batch) -> tuple[bytes, RenderSettings, Sequence[str]]:
        """The arguments of :func:`_render_in_worker` for ``batch``."""
        import cloudpickle

        return cloudpickle.dumps((batch, self.expected_errors)), self.settings, self.import_paths


def _render_stale(
    stale: Sequence[tuple[Output, str | None]],
    settings: RenderSettings,
    expected_errors: tuple[type[Exception], ...],
    jobs: int,
    backend: str,
    import_paths: Sequence[str] = (),
) -> Iterator[Outcome]:
    """Render every stale output, yielding each outcome as soon as it is known.

    A loky worker that dies (killed, out of memory, a crash in a library's
    C code) breaks the whole pool: loky kills the other workers, and every
    batch not finished is lost, those the healthy workers were drawing too.
    Those batches render once more, each alone in a worker of its own
    (:func:`_alone`), so that a second death is certainly its own batch's and
    fails only that batch.  What had finished is not rendered again.
    """
    if not stale:
        return
    if backend == "loky" and (jobs == 1 or len(stale) <= 1):  # no worker to start for one output
        with _one_blas_thread(), RunSession() as session:
            for output, key in stale:
                yield build_and_write(output, settings, session, expected_errors, key)
        return
    from joblib.externals.loky.process_executor import TerminatedWorkerError

    # Workers share the terminal: their frame bars would overwrite each other's lines.
    task = _Task(replace(settings, out_dir=settings.out_dir.resolve(), frame_progress=False), expected_errors,
                 import_paths)
    batches = _batches(stale)
    if backend == "loky":  # no more processes than tasks, however many jobs were asked for
        jobs = min(jobs, len(batches))
    if backend == "dask":
        yield from _on_dask(batches, task, jobs)
        return
    arrived: set[str] = set()
    try:
        for outcomes in _together(batches, task, jobs):
            arrived.update(outcome.name for outcome in outcomes)
            yield from outcomes
    except TerminatedWorkerError:
        yield from _alone(_singly([batch for batch in batches if batch[0][0].name not in arrived]), task, jobs)


def _on_dask(batches: list[Batch], task: _Task, jobs: int) -> Iterator[Outcome]:
    """Each batch a task of the Dask client's cluster, ``jobs`` at once (``-1``: all); each batch's outcomes
    as it ends.

    Submitted through the client itself rather than joblib's Dask backend:
    that backend never completes a task that failed on the cluster (a
    ``KilledWorker``, once distributed has seen the task's workers die on each
    of its tries), and the run waited for it for ever.  A worker that dies
    takes the tasks it was running with it, so each output lost so is tried
    once more, alone on the cluster: one that kills its worker then fails
    alone, in one line.
    """
    from distributed import as_completed, default_client

    from render.scheduler import is_killed_worker, task_failure

    client = default_client()
    futures: dict = {}

    def submit(batch: Batch):
        # Earlier batches first (the longest ones lead the list): distributed otherwise starts queued tasks in
        # no promised order, and a worker that joins late may take the last ones first.
        future = client.submit(_render_in_worker, *task.arguments(batch), pure=False, priority=-len(futures))
        futures[future] = batch
        return future

    try:
        waiting, lost = list(batches), []
        running = as_completed([submit(waiting.pop(0)) for _ in range(_at_once(jobs, batches))])
        for future in running:
            if waiting:
                running.add(submit(waiting.pop(0)))
            if future.status == "finished":
                yield from future.result()
            elif is_killed_worker(future):
                lost.append(futures[future])
            else:
                yield from _failed(futures[future], task_failure(future))
        for batch in _singly(lost):  # one at a time
            future = submit(batch)
            next(as_completed([future]))
            yield from future.result() if future.status == "finished" else _failed(batch, task_failure(future))
    finally:  # interrupted: nothing of this run goes on rendering on the cluster
        client.cancel([future for future in futures if not future.done()])


def _at_once(jobs: int, batches: list[Batch]) -> int:
    """How many tasks a run keeps on the cluster at once: ``jobs`` at most, and all of them for ``-1``."""
    return len(batches) if jobs < 1 else min(jobs, len(batches))


def _singly(batches: list[Batch]) -> list[Batch]:
    """Each output of ``batches`` a batch of its own: retried alone, one that kills its worker fails alone
    (the surfaces share a batch, and a browser, only when nothing went wrong)."""
    return [[pair] for batch in batches for pair in batch]


def _failed(batch: Batch, error: RenderError) -> list[Outcome]:
    return [failure(output.name, error, expected=True) for output, _ in batch]


def _together(batches: list[Batch], task: _Task, jobs: int) -> Iterator[list[Outcome]]:
    """The outcomes of each batch as it ends, the batches shared among ``jobs`` loky workers."""
    from joblib import Parallel, delayed, parallel_config

    with parallel_config(backend="loky", n_jobs=jobs):
        with _sigint_ignored_by_new_workers():  # the first tasks are dispatched, and the workers started, here
            tasks = Parallel(return_as="generator_unordered", batch_size=1)(
                delayed(_render_in_worker)(*task.arguments(batch)) for batch in batches
            )
        yield from tasks


def _alone(batches: list[Batch], task: _Task, jobs: int) -> Iterator[Outcome]:
    """Render each batch in a worker process of its own, ``jobs`` at once; a batch whose worker dies fails.

    A pool of one worker per batch (loky's executor, as joblib's own workers
    are) rather than one shared pool: a death then breaks only the pool of the
    batch that caused it.  Each is started when one ends, from this thread, so
    that its worker starts ignoring Ctrl-C like the first ones.
    """
    from concurrent.futures import FIRST_COMPLETED, wait

    from joblib.externals.loky import ProcessPoolExecutor

    waiting, running = list(batches), {}
    try:
        while waiting or running:
            while waiting and len(running) < jobs:
                batch = waiting.pop(0)
                pool = ProcessPoolExecutor(max_workers=1)
                with _sigint_ignored_by_new_workers():
                    running[pool.submit(_render_in_worker, *task.arguments(batch))] = pool, batch
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                pool, batch = running.pop(future)
                pool.shutdown(wait=False)
                yield from _outcomes_of(future, batch)
    finally:
        for pool, _ in running.values():  # interrupted: stop the workers still drawing
            pool.shutdown(wait=True, kill_workers=True)


def _outcomes_of(future, batch: Batch) -> list[Outcome]:
    """The outcomes of a batch rendered alone: its worker's death is the failure of each of its outputs."""
    from joblib.externals.loky.process_executor import TerminatedWorkerError

    try:
        return future.result()
    except TerminatedWorkerError as error:
        lost = RenderError(f"its worker process {_death(error)}, and again when retried alone; render it again")
        return _failed(batch, lost)
    except Exception as error:  # noqa: BLE001 -- as in render_all: these outputs' failure, not the run's
        return [failure(output.name, error) for output, _ in batch]


def _death(error: Exception) -> str:
    """How a loky worker died, in a few words: ``died (killed by signal 9)``.

    Read from the error's text, the only place loky puts the exit codes of the dead workers (as
    ``{SIGKILL(-9)}``, ``{EXIT(1)}``); a code that text no longer holds leaves ``died``.
    """
    found = re.search(r"\{\w+\((-?\d+)\)", str(error))
    if found is None:
        return "died"
    code = int(found.group(1))
    return f"died (killed by signal {-code})" if code < 0 else f"died (exit status {code})"


@dataclass
class KeyParts:
    """What the rebuild keys of one run are made of besides each output's own: found once per run.

    ``post_module``: the module of the post being rendered (its source is part of the keys of the outputs the
    engine builds for it)."""

    post_module: str | None = None
    versions: dict[str, str] = field(default_factory=library_versions)
    engines: dict[str, str] = field(default_factory=dict)  # kind -> digest of its writer's code
    tools: dict[str, str] = field(default_factory=dict)  # kind -> identity of the external tool its writer drives
    # kind -> why its tool cannot be used: asked once a run (a program that hangs costs its deadline once)
    unusable: dict[str, RenderError] = field(default_factory=dict)
    scenes: dict[tuple[str, ...], str | None] = field(default_factory=dict)  # declaring modules -> their digest

    def engine(self, kind: str) -> str:
        if kind not in self.engines:
            self.engines[kind] = engine_digest(KINDS[kind].writer.partition(":")[0])
        return self.engines[kind]


def render_all(
    outputs: Sequence[Output],
    settings: RenderSettings,
    expected_errors: tuple[type[Exception], ...] = (),
    report: Callable[[Outcome, int, int], None] = lambda outcome, done, total: None,
    jobs: int = 1,
    backend: str = "loky",
    known: KeyParts | None = None,
    import_paths: Sequence[str] = (),
) -> list[Outcome]:
    """Render ``outputs``, skipping those whose files are up to date; ``report(outcome, done, total)`` as each ends.

    Keys and freshness are decided here, before any writer is loaded, so a run
    with nothing to do imports nothing heavy.  ``jobs`` > 1 renders the stale
    outputs in that many workers (``-1``: as many as the backend has).
    ``known``: the parts of the keys found by an earlier call of the same
    run (another theme), not looked up again.  ``import_paths``: folders the
    workers need on their import path to unpickle the outputs (a post found by path).
    """
    _remove_abandoned_staging(settings.out_dir)  # an interrupted or killed run's, before this one adds its own
    known = known if known is not None else KeyParts()
    versions, tools, scenes = known.versions, known.tools, known.scenes
    outcomes: list[Outcome] = []
    stale: list[tuple[Output, str | None]] = []

    def finished(outcome: Outcome) -> None:
        outcomes.append(outcome)
        report(outcome, len(outcomes), len(outputs))

    for output in outputs:
        try:
            tool = KINDS[output.kind].tool
            if output.kind in known.unusable:
                raise known.unusable[output.kind]
            if tool and output.kind not in tools:
                try:
                    tools[output.kind] = _load(tool)()
                except RenderError as error:
                    known.unusable[output.kind] = error
                    raise
            scene = scene_digest(output, scenes, known.post_module)
            try:
                key = None if scene is None else output_key(
                    output, settings.theme, KINDS[output.kind].settings(settings),
                    code={"engine": known.engine(output.kind), "scene": scene},
                    tools={**versions, "tool": tools.get(output.kind, "")},
                )
            except OSError:
                key = None  # an unreadable input: render (and fail) without trusting any record
            outcome = check_output(output, settings, key)
        except (RenderError, *expected_errors) as error:
            outcome = failure(output.name, error, expected=True)
        except Exception as error:  # noqa: BLE001 -- as in build_and_write: this output's failure only
            outcome = failure(output.name, error)
        if outcome is None:
            stale.append((output, key))
        else:
            finished(outcome)
    pending = {output.name for output, _ in stale}
    try:
        for outcome in _render_stale(stale, settings, expected_errors, jobs, backend, import_paths):
            pending.discard(outcome.name)
            finished(outcome)
    except (KeyboardInterrupt, SystemExit):
        _remove_abandoned_staging(settings.out_dir)  # what the workers killed on the way out left
        raise
    except Exception as error:  # noqa: BLE001 -- the run's workers are gone (a Dask scheduler lost): its outputs failed
        for output, _ in stale:
            if output.name in pending:
                finished(failure(output.name, error, expected=isinstance(error, RenderError)))
    return outcomes


def _remove_abandoned_staging(out_dir: Path) -> None:
    """Remove the staging directories no live render holds, if the output directory allows it: a run that
    cannot clean them still renders (and its publishing says what is wrong with the folder)."""
    with contextlib.suppress(OSError):
        remove_abandoned_staging(out_dir)
