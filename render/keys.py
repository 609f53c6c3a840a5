"""What determines an output: the digest a rebuild compares against.

An output is re-rendered when anything that could change its files changed:
its declared parameters, the settings of its kind (video formats, plotly.js
placement, ...), the theme, the bytes of the input files it reads, or the
source code that computes or draws it.  Timestamps play no part: a ``touch``
re-renders nothing, an edited line of a scene re-renders that scene.

Which code that is, is read from the code itself, never from a list kept by
hand: the drawing code of a kind is its writer's module and every module of
``render`` it imports, transitively (so rewording a message of the command
line or the pipeline re-renders nothing, and editing the video writer
re-renders videos only); a post's code is the module that builds the output
and what it imports of its own package, and, where the engine builds it for
the post, the post's own module too.
"""

from __future__ import annotations

import dis
import functools
import importlib.machinery
import importlib.util
import types
from collections.abc import Iterator
from pathlib import Path

from render.manifest import digest_of, sha256_of, source_digest
from render.spec import Output

RENDER_DIR = Path(__file__).parent
ENGINE = __name__.partition(".")[0]  # a post's code that calls the engine's (its optimizers, its words) depends on it


def engine_digest(writer_module: str) -> str:
    """Source of a writer's module and of every module of ``render`` it imports, with the style files."""
    sources = scene_sources(writer_module) or set()
    return source_digest([*sources, *(RENDER_DIR / "styles").glob("*.mplstyle")])


def _resolve(level: int, module: str, module_name: str, is_package: bool) -> str | None:
    """The absolute name of an import of ``module`` ``level`` packages up (0: absolute) from ``module_name``."""
    if level == 0:
        return module or None
    package = module_name if is_package else module_name.rpartition(".")[0]
    return importlib.util.resolve_name("." * level + module, package)


def _imports(code: types.CodeType) -> Iterator[tuple[int, tuple[str, ...], str]]:
    """Each import statement compiled into ``code`` and the functions and classes in it: its level, the
    names it takes from the module (``from M import a, b``), and the module's name as written."""
    instructions = list(dis.get_instructions(code))
    for k, instruction in enumerate(instructions):
        # ``import``/``from ... import`` compile to LOAD_CONST level, LOAD_CONST names, IMPORT_NAME module.
        if (instruction.opname == "IMPORT_NAME" and k >= 2
                and instructions[k - 2].opname == instructions[k - 1].opname == "LOAD_CONST"):
            yield instructions[k - 2].argval, tuple(instructions[k - 1].argval or ()), instruction.argval
    for constant in code.co_consts:
        if isinstance(constant, types.CodeType):
            yield from _imports(constant)


def _imported_names(path: Path, module_name: str, is_package: bool) -> set[str]:
    """Every module name an import statement of ``path`` could refer to (submodules included).

    Read from the compiled code's import instructions, not from ``ast.parse``: CPython 3.11 counts the depth
    of every ``ast.parse`` in one counter for all threads (python/cpython#106905), and a rebuild check
    failed with "AST constructor recursion depth mismatch" while another thread of the render parsed too.
    Compiling source to code keeps no such count."""
    names: set[str] = set()
    for level, taken, module in _imports(compile(path.read_text(encoding="utf-8"), str(path), "exec")):
        base = _resolve(level, module, module_name, is_package)
        if base:
            names.add(base)
            names.update(f"{base}.{name}" for name in taken)
    return names


def _find_module(name: str) -> importlib.machinery.ModuleSpec | None:
    """Where module ``name`` is, found without importing it or its parents (only its top package).

    ``importlib.util.find_spec("scenes.training.descent_history")`` would import
    ``scenes.training`` to look inside it, and with it SciPy: a rebuild check must
    stay cheap.  Here each part is looked up in its package's directory instead.
    """
    top, *rest = name.split(".")
    try:
        spec = importlib.util.find_spec(top)
    except (ImportError, ValueError):
        return None
    for part in rest:
        if spec is None or spec.submodule_search_locations is None:
            return None  # a name defined in a module, not a module
        spec = importlib.machinery.PathFinder.find_spec(part, list(spec.submodule_search_locations))
    return spec


def scene_sources(module_name: str) -> set[Path] | None:
    """The source files of ``module_name`` and of every module of its own package, or of the engine, it imports,
    transitively.

    Read from the import statements, so a scene that starts using another
    scene's code depends on it from then on, with nothing to declare.
    ``None`` when the module has no source file to follow.
    """
    root = module_name.partition(".")[0]
    sources: set[Path] = set()
    pending = [module_name]
    while pending:
        name = pending.pop()
        spec = _find_module(name)
        if spec is None or not spec.origin or not spec.origin.endswith(".py"):
            if name == module_name:
                return None
            continue  # a name imported from a module, not a module itself
        path = Path(spec.origin)
        if path in sources:
            continue
        sources.add(path)
        is_package = spec.submodule_search_locations is not None
        pending.extend(n for n in _imported_names(path, name, is_package) if n.partition(".")[0] in (root, ENGINE))
    return sources


def declaring_module(output: Output) -> str:
    """The module whose code builds ``output`` (where its ``build`` function is defined)."""
    build = output.build
    while isinstance(build, functools.partial):
        build = build.func
    build = getattr(build, "__func__", build)
    module = getattr(build, "__module__", None)
    if module is None or not callable(build) or not hasattr(build, "__code__"):
        module = type(build).__module__  # a callable object: its class's module
    return module


def scene_digest(output: Output, known: dict[str, str | None] | None = None, post_module: str | None = None) -> str | None:
    """The source of the post's code ``output`` is built from (``None``: unknown, never trust a record).

    Editing ``catdog.py`` leaves the blob figures alone; editing ``neuron.py``,
    which every scene imports, re-renders everything.  An output the engine
    builds for a post (its declaring module is outside the post's package)
    also depends on ``post_module``, where the post says what to build.
    ``known`` holds the digests already worked out in this run.
    """
    known = {} if known is None else known
    module = declaring_module(output)
    outside = post_module is not None and module.partition(".")[0] != post_module.partition(".")[0]
    modules = (module, post_module) if outside else (module,)
    if modules not in known:
        sources = [scene_sources(name) for name in modules]
        known[modules] = source_digest(set().union(*sources)) if all(sources) else None
    return known[modules]


def output_key(
    output: Output, theme: str, settings: dict[str, object], code: dict[str, str], tools: dict[str, str]
) -> str:
    """The digest of everything that determines ``output``'s files.

    ``code``: digests of the drawing engine and of the scene's sources;
    ``tools``: versions of the libraries and of the external program used.
    """
    return digest_of(
        {
            "name": output.name,
            "kind": output.kind,
            "theme": theme,
            "parameters": output.parameters,
            "settings": settings,
            "inputs": {str(p): sha256_of(p) for p in output.inputs() if Path(p).is_file()},
            "code": code,
            "tools": tools,
        }
    )
