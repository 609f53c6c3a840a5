"""What determines an output: the digest a rebuild compares against.

An output is re-rendered when anything that could change its files changed:
its declared parameters, the settings of its kind (video formats, plotly.js
placement, ...), the theme, the bytes of the input files it reads, or the
source code that computes or draws it.  Timestamps play no part: a ``touch``
re-renders nothing, an edited line of a scene re-renders that scene.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Iterable

from render.manifest import digest_of, sha256_of, source_digest
from render.spec import Output

RENDER_DIR = Path(__file__).parent
# Modules of render/ that never change what an output's files hold.
NOT_DRAWING = {"cli.py", "doctor.py", "gallery.py", "manifest.py", "keys.py", "__main__.py"}


def engine_digest() -> str:
    """Source of every module of ``render/`` that draws or encodes, with the style files."""
    files = [p for p in RENDER_DIR.rglob("*.py") if p.name not in NOT_DRAWING]
    files += list((RENDER_DIR / "styles").glob("*.mplstyle"))
    return source_digest(files)


def module_file(module_name: str) -> Path | None:
    module = sys.modules.get(module_name)
    path = getattr(module, "__file__", None)
    return Path(path) if path else None


def declaring_module(output: Output) -> str:
    """The scene module whose code builds ``output`` (where its ``build`` is defined)."""
    return getattr(output.build, "__module__", None) or "scenes"


def scene_digest(output: Output, all_outputs: Iterable[Output]) -> str:
    """The scene code ``output`` depends on: its own module, the modules it names, the shared ones.

    Every ``scenes/*.py`` counts except the modules that declare *other*
    outputs, so editing ``catdog.py`` leaves the blob figures alone while
    editing ``neuron.py`` (shared by all) re-renders everything.
    """
    own = declaring_module(output)
    others = {declaring_module(o) for o in all_outputs} - {own, *output.depends_on}
    own_file = module_file(own)
    scenes_dir = own_file.parent if own_file else Path(".")
    excluded = {module_file(name) for name in others} - {None}
    return source_digest(p for p in scenes_dir.glob("*.py") if p not in excluded)


def output_key(output: Output, theme: str, settings: dict[str, object], engine: str, scene: str) -> str:
    """The digest of everything that determines ``output``'s files (``engine``/``scene``: code digests)."""
    return digest_of(
        {
            "name": output.name,
            "kind": output.kind,
            "theme": theme,
            "parameters": output.parameters,
            "settings": settings,
            "inputs": {str(p): sha256_of(p) for p in output.inputs() if Path(p).is_file()},
            "engine": engine,
            "scene": scene,
        }
    )
