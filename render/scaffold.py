"""``render new DIR``: a post that renders before its first edit, as ``cargo new`` makes a crate that builds.

The folder gets a ``pyproject.toml`` that advertises the post in the
entry-point group ``render.posts`` (so ``pip install -e DIR`` makes it a
post ``render posts`` lists), a module with a figure, a video and a 3D
surface of a small example loss, and a README that says how to render,
gallery and publish it.  Nothing is overwritten: a folder that already holds
any of these files is refused in one line, and the files are written whole
or not at all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from render.errors import RenderError
from render.files import write_text_atomic
from render.snippets import TEMPLATES

NEW_TEMPLATES = "new"


@dataclass(frozen=True)
class Scaffold:
    name: str  # the post's name: its entry point, its output folder
    module: str  # its module's name
    title: str


def scaffold_for(directory: Path, title: str | None) -> Scaffold:
    """Names from the folder's: ``My Post`` gives the post ``my-post`` in module ``my_post``."""
    stem = directory.resolve().name
    name = re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-")
    if not name or not name[0].isalpha():
        raise RenderError(f"cannot name a post after the folder {stem!r}: give a folder whose name starts with a "
                          "letter, e.g. 'render new my-post'")
    title = " ".join((title or "").split())  # one line: it goes into a docstring, TOML and a Markdown heading
    if any(mark in title for mark in ('"', "\\", "{", "}")):
        raise RenderError(f"the title {title!r} holds a double quote, a backslash or a brace; leave them out "
                          "(edit the post's title later if you need them)")
    return Scaffold(name=name, module=name.replace("-", "_"), title=title or name.replace("-", " ").capitalize())


def files_of(scaffold: Scaffold) -> dict[str, str]:
    """File name -> text, rendered from the templates under ``templates/new``."""
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    environment = Environment(loader=FileSystemLoader(TEMPLATES / NEW_TEMPLATES), undefined=StrictUndefined,
                              keep_trailing_newline=True, autoescape=False)  # Python and TOML, not HTML
    names = {"pyproject.toml.j2": "pyproject.toml", "module.py.j2": f"{scaffold.module}.py", "README.md.j2": "README.md"}
    return {target: environment.get_template(template).render(name=scaffold.name, module=scaffold.module,
                                                                title=scaffold.title)
            for template, target in names.items()}


def write_post(directory: Path, title: str | None = None) -> tuple[Scaffold, list[Path]]:
    """Write a new post's files into ``directory`` (made if absent); refuse if any would replace a file."""
    scaffold = scaffold_for(directory, title)
    files = files_of(scaffold)
    taken = [name for name in files if (directory / name).exists()]
    if taken:
        raise RenderError(f"{directory} already holds {', '.join(taken)}: choose a new folder (nothing was written)")
    directory.mkdir(parents=True, exist_ok=True)
    return scaffold, [write_text_atomic(directory / name, text) for name, text in files.items()]
