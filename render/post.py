"""What a post declares to the engine: its title, its outputs, its own options and checks.

A post is any Python module or package that holds one :class:`Post`, by
convention named ``post`` at its top level::

    from render.post import Post

    def outputs(context):
        return [Output("my-figure", "figure", "What it shows.", build_my_figure)]

    post = Post(name="my-post", title="What my post is about", outputs=outputs)

The engine never imports a post by name: it is found by the ``--post`` option
(a module name, or the path of a ``.py`` file, a package folder or a project
folder), by ``RENDER_POST``, by ``[tool.render] post`` in the current
directory's ``pyproject.toml``, or through the entry-point group
``render.posts`` of installed packages (see :mod:`render.posts`).

Everything here is plain data and imports nothing heavy: finding a post and
listing its outputs must stay fast, whatever the post computes when an output
is built.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Mapping, Sequence

if TYPE_CHECKING:
    import numpy as np

    from render.spec import Output

# Where posts render: each into POSTS_OUT/NAME unless it declares its own folder (``Post.out``) or the command
# says ``--out``, so that two posts never share records, manifest, gallery or bundles.
POSTS_OUT = Path("output")
# Folders a render of the post in output/ keeps (its data, its bundles): no other post's folder there.
RESERVED_NAMES = ("data", "publish")
OPTION_TYPES = ("path", "float", "int", "text")
OK, WARN, FAIL = "ok", "warn", "FAIL"  # what a line of `render doctor` says


@dataclass(frozen=True)
class Option:
    """A command-line option of the post's own, taken by every rendering command when this post is chosen.

    ``flag`` is the long option (``--data``); its value reaches the post as
    ``context.options[key]`` (``key`` defaults to the flag without dashes,
    ``-`` read as ``_``).  ``kind`` is one of ``path``, ``float``, ``int``,
    ``text``; ``minimum``/``maximum`` bound a number (exclusive with
    ``open_minimum``); ``envvar`` reads a default from the environment.
    ``default=None`` with no ``envvar`` means "not given" (the post decides).
    """

    flag: str
    help: str
    kind: str = "text"
    default: object = None
    key: str = ""
    envvar: str | None = None
    metavar: str | None = None
    minimum: float | None = None
    maximum: float | None = None
    open_minimum: bool = False
    doctor: bool = False  # also an option of `render doctor` (what the post's checks look at)

    def __post_init__(self) -> None:
        if not self.flag.startswith("--") or len(self.flag) < 3:
            raise ValueError(f"an option's flag starts with '--', got {self.flag!r}")
        if self.kind not in OPTION_TYPES:
            raise ValueError(f"option {self.flag}: kind {self.kind!r} is not one of {', '.join(OPTION_TYPES)}")
        if not self.key:
            object.__setattr__(self, "key", self.flag[2:].replace("-", "_"))
        if not self.key.isidentifier():
            raise ValueError(f"option {self.flag}: its key {self.key!r} must be a Python name (give key=...)")


@dataclass(frozen=True)
class Check:
    """One line of ``render doctor`` about what a post needs (its data, say): ``status`` is ``ok``, ``warn``
    (its outputs that need it will be skipped) or ``FAIL`` (nothing of the post can render)."""

    topic: str
    status: str  # OK | WARN | FAIL
    detail: str

    def line(self) -> str:
        return f"{self.topic:<10} {self.status:<4}  {self.detail}"


@dataclass(frozen=True)
class Workers:
    """Where the run may spread one output's own work: ``jobs`` processes on this machine (``--jobs``), or
    the Dask cluster whose scheduler is at ``scheduler`` (``--backend dask --scheduler``).

    A build passes them on (``plane_loss(..., workers=context.workers)``) so that a costly computation
    inside one output runs where the render runs.  They never change what is computed: a post's outputs
    are the same bytes wherever it renders, and the workers are not part of an output's rebuild key.
    """

    jobs: int = 1
    scheduler: str | None = None


@dataclass(frozen=True)
class Context:
    """What every output of a post is built with: the run's seed and grid, the post's own options, and the
    run's workers.

    ``grid_size`` is the points per side of a loss landscape's grid
    (``--grid-size``); ``options`` holds the values of :attr:`Post.options`
    by key.  Randomness comes from :meth:`rng`, one generator per named
    stream, so an output draws the same numbers rendered alone or with others.
    """

    seed: int = 0
    grid_size: int = 100
    options: Mapping[str, Any] = field(default_factory=dict)
    workers: Workers = field(default_factory=Workers)

    def rng(self, stream: str) -> np.random.Generator:
        import numpy as np  # declaring outputs does not need it; drawing from a stream does

        return np.random.default_rng([self.seed, zlib.crc32(stream.encode())])


@dataclass(frozen=True)
class Post:
    """A post: what the engine renders, from one declaration.

    ``name`` is short and plain (``learning-rate``): it names the post on
    the command line and its default output folder, ``output/NAME/``
    (``out`` overrides it).  ``title`` and ``description`` head its gallery.
    ``outputs(context)`` returns its :class:`~render.spec.Output` list in the
    order the post shows them; it is called for every command, so it only
    declares (each output's ``build`` computes, when that output renders).
    ``options`` are command-line options of its own; ``expected_errors`` are
    the exception types that mean a user's mistake in its inputs (reported in
    one line, no traceback); ``checks(context)`` are its lines of
    ``render doctor``.
    """

    name: str
    title: str
    outputs: Callable[[Context], Sequence[Output]]
    description: str = ""
    options: tuple[Option, ...] = ()
    expected_errors: tuple[type[BaseException], ...] = ()
    checks: Callable[[Context], Sequence[Check]] | None = None
    out: Path | None = None

    def __post_init__(self) -> None:
        from render.files import PLAIN_NAME  # one rule for a plain name, the one records are checked by

        if not (isinstance(self.name, str) and PLAIN_NAME.fullmatch(self.name)):
            raise ValueError(f"a post's name is letters, digits, '-', '_' or '.', got {self.name!r}")
        if self.out is None and self.name in RESERVED_NAMES:
            raise ValueError(f"a post cannot be named {self.name!r}: output/{self.name} is where a render keeps "
                             "its own files")
        if not isinstance(self.title, str) or not self.title.strip():
            raise ValueError(f"post {self.name}: give it a title")
        if not callable(self.outputs):
            raise ValueError(f"post {self.name}: outputs must be a function of the context")
        flags = [option.flag for option in self.options]
        if len(flags) != len(set(flags)):
            raise ValueError(f"post {self.name}: an option is declared twice")

    @property
    def out_dir(self) -> Path:
        """Where this post renders unless ``--out`` says otherwise."""
        return Path(self.out) if self.out is not None else POSTS_OUT / self.name
