"""``render publish``: for each rendered output, a folder with the snippet to paste and every file it names.

``DIR/NAME/`` holds ``snippet.md`` (``snippet.html`` for plain HTML), the
files the snippet names, side by side, and for Hugo the shortcodes it calls
under ``layouts/shortcodes/``.  Copying the files next to the post and
pasting the snippet is all a blogger does; nothing else of the output
directory (its records, its data, other outputs) is ever in a bundle.

A bundle is written in a hidden folder beside its place and then moved into
it, so a folder named after an output is always a whole bundle, old or new.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from render.catalog import RenderedOutput, rendered_outputs
from render.errors import RenderError
from render.files import BOOKKEEPING_DIR
from render.manifest import read_manifest
from render.snippets import TARGETS, Links, Target, for_target, hugo_shortcodes, snippet

HUGO_LAYOUTS = Path("layouts") / "shortcodes"


@dataclass(frozen=True)
class Bundle:
    name: str
    folder: Path
    snippet: Path
    files: tuple[str, ...]  # what the bundle holds besides its snippet, relative to its folder

    @property
    def bytes(self) -> int:
        return sum((self.folder / name).stat().st_size for name in self.files)


def published_outputs(out_dir: Path, names: tuple[str, ...] = ()) -> list[RenderedOutput]:
    """The rendered outputs named (all if none), or a :class:`RenderError` saying what to render first."""
    manifest = read_manifest(out_dir)
    if manifest is None or not manifest.get("outputs"):
        raise RenderError(f"{out_dir} holds no rendered outputs (no manifest.json of this version): "
                          "render them first, e.g. with 'make all'")
    outputs = rendered_outputs(manifest)
    if not names:
        return outputs
    known = {output.name: output for output in outputs}
    missing = [name for name in names if name not in known]
    if missing:
        raise RenderError(f"not rendered in {out_dir}: {', '.join(missing)} (render it first: 'render {missing[0]}')")
    return [known[name] for name in dict.fromkeys(names)]


def check_destination(out_dir: Path, to_dir: Path) -> None:
    """Bundles go anywhere but into the output directory's own files or bookkeeping."""
    out, to = out_dir.resolve(), to_dir.resolve()
    if to == out or to.is_relative_to(out / BOOKKEEPING_DIR) or to.is_relative_to(out / "data"):
        raise RenderError(f"{to_dir} is the output directory itself or its bookkeeping: choose another folder "
                          f"(the default is {out_dir / 'publish' / 'TARGET'})")


def write_bundle(output: RenderedOutput, target: Target, out_dir: Path, to_dir: Path,
                 base_url: str | None = None, autoplay: bool = False) -> Bundle:
    """Write ``to_dir/NAME/``: the snippet, then every file it names (copied, or made for this target)."""
    output = for_target(output, target)
    links = Links(target, base_url)
    text = snippet(output, target, links, autoplay=autoplay)
    to_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{output.name}.", dir=to_dir))
    try:
        files = []
        entries = {file["path"]: file for files_ in (output.files, output.light) for file in files_.values()}
        for path in links.used:
            entry, name = entries.get(path, {}), Path(path).name
            if "made_from" in entry:
                from render.readme_gif import readme_gif

                readme_gif(out_dir / entry["made_from"], staging / name, entry["width"], entry["duration"])
            else:
                try:
                    shutil.copyfile(out_dir / path, staging / name)
                except FileNotFoundError:
                    raise RenderError(f"{output.name}: {path} is in the manifest but not in {out_dir}: "
                                      f"render it again ('render {output.name}')") from None
            files.append(name)
        if target.name == "hugo":
            (staging / HUGO_LAYOUTS).mkdir(parents=True)
            for shortcode in hugo_shortcodes():
                shutil.copyfile(shortcode, staging / HUGO_LAYOUTS / shortcode.name)
                files.append(str(HUGO_LAYOUTS / shortcode.name))
        (staging / target.snippet).write_text(text, encoding="utf-8")
        os.chmod(staging, 0o755)  # mkdtemp's 0700 would hide the bundle from a web server
        folder = to_dir / output.name
        _replace(staging, folder)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return Bundle(output.name, folder, folder / target.snippet, tuple(files))


def _replace(new: Path, folder: Path) -> None:
    """Put the folder ``new`` in ``folder``'s place; the old one goes aside first, then away."""
    old = None
    if folder.is_symlink() or folder.is_file():
        raise RenderError(f"{folder} exists and is not a bundle folder: move it away or choose another --to")
    if folder.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{folder.name}.old.", dir=folder.parent))
        os.rename(folder, old / folder.name)
    os.rename(new, folder)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def publish(out_dir: Path, target_name: str, to_dir: Path, names: tuple[str, ...] = (),
            base_url: str | None = None, autoplay: bool = False) -> list[Bundle]:
    """A bundle per output named (every rendered one if none) for ``target_name``'s kind of site."""
    target = TARGETS[target_name]
    outputs = published_outputs(out_dir, names)
    check_destination(out_dir, to_dir)
    return [write_bundle(output, target, out_dir, to_dir, base_url, autoplay) for output in outputs]
