"""Finding posts: by module name, by path, by entry point, or by the current directory's default.

The engine knows a contract (:class:`render.post.Post`), never a post's
name.  A post is found, in this order, from

1. ``--post NAME_OR_PATH``: an importable module, or the path of a ``.py``
   file, a package folder (``__init__.py``) or a project folder (its
   ``pyproject.toml`` names the module in ``[project.entry-points."render.posts"]``);
2. the ``RENDER_POST`` environment variable, the same kinds of value;
3. ``[tool.render] post = "..."`` in ``pyproject.toml`` of the current directory;
4. the one post installed packages advertise in the entry-point group
   ``render.posts`` (with several, the command asks to choose one).

A module is a post through its top-level ``post`` attribute (an entry point
may name another: ``module:attribute``).  Every way this can go wrong (no
such module, an import that raises, no ``Post`` in it) is a
:class:`PostError` whose one line names the post.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import importlib.util
import os
import sys
import tomllib
import traceback
from dataclasses import dataclass
from pathlib import Path

from render.errors import RenderError
from render.post import Post

ENTRY_POINTS = "render.posts"
ATTRIBUTE = "post"  # the name a post module gives its Post, unless an entry point names another
ENVIRONMENT = "RENDER_POST"
PYPROJECT = "pyproject.toml"


class PostError(RenderError):
    """A post that cannot be found or loaded, in one line naming it."""


@dataclass(frozen=True)
class Found:
    """A post, with where it came from (for ``render posts`` and messages) and how to name it again
    (``value``, what ``--post`` takes: a module name or a path)."""

    post: Post
    module: str  # the module the Post lives in (its package's sources are part of its outputs' keys)
    origin: str  # "entry point", "module", "path", ...
    value: str
    folder: str | None = None  # a post found by path: the folder its module is imported from, in workers too


ENGINE_DIR = Path(__file__).resolve().parent


def first_line(error: BaseException) -> str:
    """An error in one line: its type, and the first line of its message."""
    message = error.msg if isinstance(error, SyntaxError) else str(error)  # its str repeats where, said apart
    text = (str(message).strip().splitlines() or [""])[0]
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def _where(error: BaseException) -> str:
    """Where in the post's own code its import went wrong (``file.py:12``): a syntax error's line, else the last
    frame outside Python's import machinery and the engine (a Post declared wrong fails in render/post.py)."""
    if isinstance(error, SyntaxError) and error.filename:
        return f" ({Path(error.filename).name}:{error.lineno})"
    frames = [frame for frame in traceback.extract_tb(error.__traceback__)
              if not frame.filename.startswith("<") and not Path(frame.filename).resolve().is_relative_to(ENGINE_DIR)]
    return f" ({Path(frames[-1].filename).name}:{frames[-1].lineno})" if frames else ""


def _import(module_name: str, label: str):
    try:
        return importlib.import_module(module_name)
    except ModuleNotFoundError as error:
        if error.name and (module_name == error.name or module_name.startswith(error.name + ".")):
            raise PostError(f"post {label}: no module named {module_name!r} (a module name, or the path of a .py "
                            f"file, a package folder or a project folder; see 'render posts')") from None
        raise PostError(f"post {label} does not import: {first_line(error)}{_where(error)}") from None
    except Exception as error:  # noqa: BLE001 -- a post's import is its author's code: any error is its own
        raise PostError(f"post {label} does not import: {first_line(error)}{_where(error)}") from None


def _post_of(module, attribute: str, label: str) -> Post:
    post = getattr(module, attribute, None)
    if not isinstance(post, Post):
        what = "nothing" if post is None else f"a {type(post).__name__}"
        raise PostError(f"post {label}: {module.__name__}.{attribute} is {what}, not a render.post.Post "
                        f"(declare `{attribute} = Post(name=..., title=..., outputs=...)`)")
    return post


def on_path(folder: str) -> None:
    """Make modules in ``folder`` importable, after everything else: a ``csv.py`` beside a post must not hide
    the standard library's.  (The import path is the process's by nature; the pipeline does the same in each
    worker it starts, before it unpickles the outputs, see ``render_all(import_paths=...)``.)"""
    if folder not in sys.path:
        sys.path.append(folder)


def _check_not_shadowed(module_name: str, folder: Path, value: str) -> None:
    """Refuse a post whose module has the name of one importable from elsewhere (``plotly``, ``render``, a
    package installed here): importing it would give that one, not the post."""
    top = module_name.partition(".")[0]
    try:
        spec = importlib.util.find_spec(top)
    except (ImportError, ValueError):
        return
    places = [spec.origin] if spec and spec.origin else list(spec.submodule_search_locations or []) if spec else []
    elsewhere = [place for place in places if place and not Path(place).resolve().is_relative_to(folder)]
    if spec is not None and (elsewhere or not places):
        where = f" from {Path(elsewhere[0]).parent}" if elsewhere else ""
        raise PostError(f"post {value}: a module named {top!r} is already importable{where}; rename the post's "
                        "module (and its entry point)")


def _entry_point_in(project: Path) -> tuple[str, str]:
    """``(module, attribute)`` of the post a project folder declares in its ``pyproject.toml``."""
    try:
        config = tomllib.loads((project / PYPROJECT).read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise PostError(f"post {project}: cannot read its {PYPROJECT}: {error}") from None
    declared = config.get("project", {}).get("entry-points", {}).get(ENTRY_POINTS, {})
    if not isinstance(declared, dict) or len(declared) != 1:
        raise PostError(f"post {project}: its {PYPROJECT} must declare one post in "
                        f"[project.entry-points.\"{ENTRY_POINTS}\"], as `render new` writes it")
    module, _, attribute = str(next(iter(declared.values()))).partition(":")
    return module.strip(), attribute.strip() or ATTRIBUTE


def _load_path(path: Path, value: str) -> Found:
    if not path.exists():
        raise PostError(f"post {value}: {path} does not exist")
    path = path.resolve()  # `.` or `pkg/..` name a folder by its real name
    if path.is_file():
        if path.suffix != ".py":
            raise PostError(f"post {value}: {path} is not a .py file, a package folder or a project folder")
        folder, module_name, attribute = path.parent, path.stem, ATTRIBUTE
    elif (path / "__init__.py").is_file():
        folder, module_name, attribute = path.parent, path.name, ATTRIBUTE
    elif (path / PYPROJECT).is_file():
        module_name, attribute = _entry_point_in(path)
        top = module_name.partition(".")[0]
        folder = next((f for f in (path / "src", path) if (f / top).is_dir() or (f / f"{top}.py").is_file()), path)
    else:
        raise PostError(f"post {value}: {path} holds no __init__.py and no {PYPROJECT}: name a .py file, "
                        "a package folder or a project folder")
    if not all(part.isidentifier() for part in module_name.split(".")):
        raise PostError(f"post {value}: {module_name!r} cannot be a module name (letters, digits, '_')")
    _check_not_shadowed(module_name, folder, value)
    on_path(str(folder))
    module = _import(module_name, value)
    return Found(_post_of(module, attribute, value), module.__name__, "path", value, folder=str(folder))


def looks_like_path(value: str) -> bool:
    """A value that can only be a path (``x.py``, ``a/b``, ``.``); a bare word may be a module or a folder."""
    return value.endswith(".py") or os.sep in value or "/" in value or value in (".", "..")


def load(value: str) -> Found:
    """The post ``value`` names: a path (file, package or project folder), an installed post's name, a module
    (``module`` or ``module:attribute``), or else a folder of that name here."""
    value = value.strip()
    if not value:
        raise PostError("--post is empty: name a module, or the path of a .py file or a folder")
    if looks_like_path(value):
        return _load_path(Path(value), value)
    for entry in _entry_points():
        if entry.name == value:
            return _from_entry_point(entry)
    module_name, _, attribute = value.partition(":")
    try:
        module = _import(module_name, value)
    except PostError:
        if not attribute and Path(value).is_dir():  # `render all --post my-post` beside the folder
            return _load_path(Path(value), value)
        raise
    return Found(_post_of(module, attribute or ATTRIBUTE, value), module.__name__, "module", value)


def _entry_points() -> list[importlib.metadata.EntryPoint]:
    return sorted(importlib.metadata.entry_points(group=ENTRY_POINTS), key=lambda entry: entry.name)


def _from_entry_point(entry: importlib.metadata.EntryPoint) -> Found:
    module = _import(entry.module, entry.name)
    dist = f" ({entry.dist.name})" if entry.dist is not None else ""
    return Found(_post_of(module, entry.attr or ATTRIBUTE, entry.name), module.__name__, f"entry point{dist}",
                 entry.name)


def installed() -> list[Found | PostError]:
    """Every post installed packages advertise, each loaded (or the error that stopped it)."""
    found: list[Found | PostError] = []
    for entry in _entry_points():
        try:
            found.append(_from_entry_point(entry))
        except PostError as error:
            found.append(error)
    return found


def configured(directory: Path = Path(".")) -> tuple[str, str] | None:
    """The post the environment or the current directory asks for, and where it says so: ``RENDER_POST``, else
    ``[tool.render] post`` in ``pyproject.toml`` (a relative path there is the project's own)."""
    value = os.environ.get(ENVIRONMENT, "").strip()
    if value:
        return value, ENVIRONMENT
    try:
        config = tomllib.loads((directory / PYPROJECT).read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
        return None
    value = config.get("tool", {}).get("render", {}).get("post")
    if isinstance(value, str) and value.strip():
        if looks_like_path(value):
            value = str(directory / value)
        return value.strip(), f"{directory / PYPROJECT}"
    return None


def names_known() -> list[str]:
    """What ``--post`` is likely meant to name: installed posts by name and module (for did-you-mean)."""
    names = []
    for entry in _entry_points():
        names += [entry.name, entry.module]
    return list(dict.fromkeys(names))


def choose(value: str | None) -> Found:
    """The post a command works on: ``value`` (``--post``), else :func:`configured`, else the one installed."""
    if value is not None:
        return load(value)
    asked = configured()
    if asked is not None:
        return load(asked[0])
    entries = _entry_points()
    if len(entries) == 1:
        return _from_entry_point(entries[0])
    if not entries:
        raise PostError("no post found: pass --post MODULE_OR_PATH, set RENDER_POST, or start one with "
                        "'render new DIR'")
    raise PostError(f"{len(entries)} posts are installed ({', '.join(e.name for e in entries)}): choose one with "
                    f"--post NAME, RENDER_POST or [tool.render] post in {PYPROJECT}")
