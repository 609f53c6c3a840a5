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


def _where(error: BaseException) -> str:
    """The last frame of a post's own traceback: ``file.py:12``, where its import went wrong."""
    frames = traceback.extract_tb(error.__traceback__)
    return f" ({Path(frames[-1].filename).name}:{frames[-1].lineno})" if frames else ""


def _import(module_name: str, label: str):
    try:
        return importlib.import_module(module_name)
    except ModuleNotFoundError as error:
        if error.name and (module_name == error.name or module_name.startswith(error.name + ".")):
            raise PostError(f"post {label}: no module named {module_name!r} (a module name, or the path of a .py "
                            f"file, a package folder or a project folder; see 'render posts')") from None
        raise PostError(f"post {label} does not import: {type(error).__name__}: {error}{_where(error)}") from None
    except Exception as error:  # noqa: BLE001 -- a post's import is its author's code: any error is its own
        text = (str(error).strip().splitlines() or [""])[0]
        raise PostError(f"post {label} does not import: {type(error).__name__}: {text}{_where(error)}") from None


def _post_of(module, attribute: str, label: str) -> Post:
    post = getattr(module, attribute, None)
    if not isinstance(post, Post):
        what = "nothing" if post is None else f"a {type(post).__name__}"
        raise PostError(f"post {label}: {module.__name__}.{attribute} is {what}, not a render.post.Post "
                        f"(declare `{attribute} = Post(name=..., title=..., outputs=...)`)")
    return post


def _on_path(folder: Path) -> None:
    """Make modules in ``folder`` importable here and in the worker processes a render starts.

    Workers are new interpreters that unpickle each output's ``build`` by
    module name, so they need the same path: ``PYTHONPATH`` is what they
    inherit.  (The import path is the process's by nature, not ours to scope.)
    """
    entry = str(folder.resolve())
    if entry not in sys.path:
        sys.path.insert(0, entry)
    paths = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    if entry not in paths:
        os.environ["PYTHONPATH"] = os.pathsep.join([entry, *paths])


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
    if not module_name.isidentifier():
        raise PostError(f"post {value}: {module_name!r} cannot be a module name (letters, digits, '_')")
    _on_path(folder)
    loaded = sys.modules.get(module_name.partition(".")[0])
    if loaded is not None and getattr(loaded, "__file__", None) and \
            not Path(loaded.__file__).resolve().is_relative_to(folder.resolve()):
        raise PostError(f"post {value}: a module named {module_name.partition('.')[0]!r} is already imported from "
                        f"{Path(loaded.__file__).parent}; rename the post's module")
    module = _import(module_name, value)
    return Found(_post_of(module, attribute, value), module.__name__, "path", str(path))


def looks_like_path(value: str) -> bool:
    return value.endswith(".py") or os.sep in value or "/" in value or value in (".", "..") or Path(value).is_dir()


def load(value: str) -> Found:
    """The post ``value`` names: a path (file, package or project folder), an installed post's name, or a module
    (``module`` or ``module:attribute``)."""
    value = value.strip()
    if not value:
        raise PostError("--post is empty: name a module, or the path of a .py file or a folder")
    if looks_like_path(value):
        return _load_path(Path(value), value)
    for entry in _entry_points():
        if entry.name == value:
            return _from_entry_point(entry)
    module_name, _, attribute = value.partition(":")
    module = _import(module_name, value)
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
