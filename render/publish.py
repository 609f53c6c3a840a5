"""``render publish``: for each rendered output, a folder with the snippet to paste and every file it names.

``DIR/NAME/`` holds the target's snippet (``snippet.md``, ``snippet.html``
for plain HTML, ``snippet.mdx`` for Docusaurus), the files the snippet names,
side by side, for Hugo the shortcodes it calls under ``layouts/shortcodes/``,
and where the site needs a line of configuration to publish them, a
``README.txt`` saying it.  Copying the files where the target says (beside
the post, or into the site's static folder) and pasting the snippet is all a
blogger does; nothing else of the output directory (its records, its data,
other outputs) is ever in a bundle.

A bundle is made from one record: the manifest is read once, and every file
copied into a bundle is checked against the size and sha256 it records, so a
render under way (or killed) or a file replaced by hand never pairs new files
with old words; publish refuses, naming the output and how to render it again.

A bundle is written in a hidden folder beside its place and then swapped into
it in one step, so a folder named after an output is always a whole bundle,
old or new.  Each bundle carries a mark (:data:`BUNDLE_MARK`) listing its
files: only a folder so marked, holding nothing it does not list, is ever
replaced; a user's folder of the same name is refused, never emptied.
Publishes into one folder take turns (a lock on it), and each removes what a
killed one left there of the bundles it writes (those hidden folders).
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import re
import shlex
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from render.catalog import RenderedOutput, rendered_outputs
from render.errors import RenderError
from render.exchange import ExchangeUnsupported, exchange
from render.files import BOOKKEEPING_DIR, locked
from render.manifest import read_manifest, sha256_of
from render.post import POSTS_OUT
from render.snippets import TARGETS, Links, Target, for_target, hugo_shortcodes, snippet
from render.theme import DEFAULT_THEME

HUGO_LAYOUTS = Path("layouts") / "shortcodes"
SNIPPETS = {target.snippet for target in TARGETS.values()}  # what a bundle of an earlier version is told by
# Where a bundle says the one line of configuration its site needs (README.txt: no generator takes it for a page).
SETUP_README = "README.txt"
BUNDLE_MARK = ".render-bundle.json"  # in each bundle: which output and target, and every file publish put there


@dataclass(frozen=True)
class RenderAgain:
    """How a message says to render outputs of the post being published: the ``--post`` it needs (none for the
    default post) and the folder the post renders into unless told ``--out``."""

    post_args: tuple[str, ...] = ()
    default_out: Path = POSTS_OUT

    def command(self, names: list[str], out_dir: Path, theme: str | None = None) -> str:
        """The command that renders ``names`` into ``out_dir`` (in ``theme``), to copy from a message."""
        command = ["render", *names, *self.post_args]
        if Path(out_dir) != Path(self.default_out):
            command += ["--out", str(out_dir)]
        if theme:
            command += ["--theme", theme]
        return shlex.join(command)


class NotRendered(RenderError):
    """Outputs named that the output directory holds no render of."""

    def __init__(self, out_dir: Path, names: list[str], again: RenderAgain) -> None:
        super().__init__(f"not rendered in {out_dir}: {', '.join(names)} "
                         f"(render {'it' if len(names) == 1 else 'them'} first: '{again.command(names, out_dir)}')")


@dataclass(frozen=True)
class Bundle:
    name: str
    folder: Path
    snippet: Path
    files: tuple[str, ...]  # what the bundle holds besides its snippet, relative to its folder

    @property
    def bytes(self) -> int:
        return sum((self.folder / name).stat().st_size for name in self.files)


def published_outputs(out_dir: Path, names: tuple[str, ...] = (),
                      again: RenderAgain = RenderAgain()) -> list[RenderedOutput]:
    """The rendered outputs named (all if none), or a :class:`RenderError` saying what to render first."""
    manifest = read_manifest(out_dir)
    if manifest is None or not manifest.get("outputs"):
        raise RenderError(f"{out_dir} holds no rendered outputs (no manifest.json of this version): "
                          f"render them first: '{again.command(['all'], out_dir)}'")
    outputs = rendered_outputs(manifest)
    if not names:
        return outputs
    known = {output.name: output for output in outputs}
    missing = list(dict.fromkeys(name for name in names if name not in known))
    if missing:
        raise NotRendered(out_dir, missing, again)
    return [known[name] for name in dict.fromkeys(names)]


def check_destination(out_dir: Path, to_dir: Path) -> None:
    """Bundles go anywhere but among the output directory's own files, its data or its bookkeeping."""
    try:
        out, to = out_dir.resolve(), to_dir.resolve()
    except (OSError, RuntimeError):  # RuntimeError: Python's word for a loop
        raise RenderError(f"{to_dir} leads nowhere (a loop of symbolic links): choose another --to") from None
    if to_dir.is_symlink() and not to_dir.exists():
        raise RenderError(f"{to_dir} is a symbolic link to a folder that does not exist: create that folder "
                          "or choose another --to")
    if to == out or to.is_relative_to(out / BOOKKEEPING_DIR) or to.is_relative_to(out / "data"):
        raise RenderError(f"{to_dir} is the output directory itself, its data or its bookkeeping: choose another "
                          f"folder (the default is {out_dir / 'publish' / 'TARGET'})")


class Inconsistent(RenderError):
    """A file differs from what the manifest records of it: publishing it would pair it with another render's
    words (alt text, caption, sizes)."""


def write_bundle(output: RenderedOutput, target: Target, out_dir: Path, to_dir: Path,
                 base_url: str | None = None, autoplay: bool = False, again: RenderAgain = RenderAgain()) -> Bundle:
    """Write ``to_dir/NAME/``: every file the snippet names (copied and checked against the manifest, or made
    for this target), then the snippet and the bundle's mark."""
    output = for_target(output, target)
    links = Links(target, base_url)
    text = snippet(output, target, links, autoplay=autoplay)
    folder = to_dir / output.name
    try:
        staging = Path(tempfile.mkdtemp(prefix=f".{output.name}.", dir=to_dir))
    except OSError as error:  # named by the folder the user chose, not by the hidden name tried in it
        raise OSError(error.errno, error.strerror, str(to_dir)) from None
    try:
        files = [*_make_for_target(output, links.used, out_dir, staging, again)]
        for path in links.used:
            if Path(path).name not in files:
                _copy_checked(output, path, out_dir, staging / Path(path).name, again)
                files.append(Path(path).name)
        if target.name == "hugo":
            (staging / HUGO_LAYOUTS).mkdir(parents=True)
            for shortcode in hugo_shortcodes():
                shutil.copyfile(shortcode, staging / HUGO_LAYOUTS / shortcode.name)
                files.append(str(HUGO_LAYOUTS / shortcode.name))
        (staging / target.snippet).write_text(text, encoding="utf-8")
        for_blogger = [target.snippet]  # what the bundle holds to read, not to copy into the site
        if target.setup:
            (staging / SETUP_README).write_text(target.readme(), encoding="utf-8")
            for_blogger.append(SETUP_README)
        mark = {"output": output.name, "target": target.name, "files": sorted([*for_blogger, *files])}
        (staging / BUNDLE_MARK).write_text(json.dumps(mark, indent=1) + "\n", encoding="utf-8")
        os.chmod(staging, 0o755)  # mkdtemp's 0700 would hide the bundle from a web server
        _replace(staging, folder)
    except OSError as error:
        raise _as_in_bundle(error, staging, folder) from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return Bundle(output.name, folder, folder / target.snippet, tuple(files))


def _copy_checked(output: RenderedOutput, path: str, out_dir: Path, destination: Path, again: RenderAgain) -> None:
    """Copy the rendered file ``path`` to ``destination``, then check the copy (what ships, not the file that a
    render may replace meanwhile) against the size and sha256 the manifest records of it."""
    theme = None if output.theme == DEFAULT_THEME else output.theme  # what `render --theme` is told, if anything
    entries = {entry["path"]: (entry, theme) for entry in output.files.values()}
    entries.update({entry["path"]: (entry, "light") for entry in output.light.values()})
    entry, theme = entries[path]
    render_again = f"render it again ('{again.command([output.name], out_dir, theme)}')"
    try:
        shutil.copyfile(out_dir / path, destination)
    except FileNotFoundError:
        raise RenderError(f"{output.name}: {path} is in the manifest but not in {out_dir}: {render_again}") from None
    if destination.stat().st_size != entry["bytes"] or sha256_of(destination) != entry["sha256"]:
        raise Inconsistent(f"{output.name}: {out_dir / path} is not the file its render recorded (a render under "
                           f"way or interrupted, or an edit by hand): {render_again}, then publish")


def _make_for_target(output: RenderedOutput, used: list[str], out_dir: Path, staging: Path,
                     again: RenderAgain) -> list[str]:
    """Make the files the target needs that no render made (a README's GIF, from the MP4: see
    :func:`~render.snippets.for_target`), into the bundle, from a checked copy of their source; their names."""
    made = []
    for entry in output.files.values():
        if "made_from" in entry and entry["path"] in used:
            from render.readme_gif import readme_gif

            name, source = Path(entry["path"]).name, staging / f".source{Path(entry['made_from']).suffix}"
            _copy_checked(output, entry["made_from"], out_dir, source, again)
            readme_gif(source, staging / name, entry["width"], entry["duration"])
            source.unlink()
            made.append(name)
    return made


def _as_in_bundle(error: OSError, staging: Path, folder: Path) -> OSError:
    """``error`` naming the file as the user knows it: a full disk is the bundle's, not the file copied into it,
    and a file of the bundle is in its folder, not in the hidden one it was written in."""
    named = error.filename2 if error.errno in (errno.ENOSPC, errno.EDQUOT) and error.filename2 else error.filename
    if named is None or not Path(named).is_relative_to(staging):
        return error
    return OSError(error.errno, error.strerror, str(folder / Path(named).relative_to(staging)))


def _replace(new: Path, folder: Path) -> None:
    """Put the bundle ``new`` in ``folder``'s place in one step; the old bundle, swapped out, then goes away.

    Only a bundle is replaced (:func:`_check_replaceable`).  Where the system
    cannot swap two folders at once, the old one goes aside first, and comes
    back if ``new`` cannot take its place: a publish killed between those two
    renames leaves none, until the next publish.
    """
    if not (folder.exists() or folder.is_symlink()):
        os.rename(new, folder)
        return
    _check_replaceable(folder, new)
    try:
        exchange(new, folder)
    except ExchangeUnsupported:
        _replace_in_two_renames(new, folder)
        return
    shutil.rmtree(new, ignore_errors=True)  # the old bundle, now at the new one's hidden name


def _check_replaceable(folder: Path, new: Path) -> None:
    """Refuse, in one line, to replace anything but a bundle with nothing of the user's in it: a folder with
    :data:`BUNDLE_MARK` holding only what it lists, or (a bundle of an earlier version, unmarked) a folder
    holding its snippet and files of the new bundle's names, and nothing else."""
    if folder.is_symlink() or not folder.is_dir():
        raise RenderError(f"{folder} exists and is not a bundle folder: move it away or choose another --to")
    held = _contents(folder)
    try:
        listed = set(json.loads((folder / BUNDLE_MARK).read_text(encoding="utf-8"))["files"]) | {BUNDLE_MARK}
    except FileNotFoundError:
        listed = _contents(new) - {BUNDLE_MARK}
        snippets = held & SNIPPETS
        if not snippets or not held - snippets or not held <= listed:
            raise RenderError(f"{folder} exists and is not a bundle folder: move it away or choose another "
                              "--to") from None
    except (OSError, ValueError, KeyError, TypeError):
        raise RenderError(f"{folder / BUNDLE_MARK} is damaged: move {folder} away (or delete it if it is only a "
                          "bundle) and publish again") from None
    unlisted = held - listed - {parent.as_posix() for path in listed for parent in Path(path).parents}
    # A folder of the user's is named, not everything in it.
    foreign = sorted(path for path in unlisted if Path(path).parent.as_posix() not in unlisted)
    if foreign:
        more = f" and {len(foreign) - 1} more" if len(foreign) > 1 else ""
        raise RenderError(f"{folder} holds {foreign[0]}{more}, which publish did not put there: move "
                          f"{'them' if more else 'it'} out of the bundle folder, or choose another --to")


def _contents(folder: Path) -> set[str]:
    """Every file and folder under ``folder``, by its path relative to it."""
    return {path.relative_to(folder).as_posix() for path in folder.rglob("*")}


def _replace_in_two_renames(new: Path, folder: Path) -> None:
    """:func:`_replace` where no atomic swap is to be had: the old bundle aside, the new one in; the old one
    back if the new one cannot take its place."""
    old = Path(tempfile.mkdtemp(prefix=f".{folder.name}.old.", dir=folder.parent))
    aside = old / folder.name
    try:
        os.rename(folder, aside)
        os.rename(new, folder)
    except BaseException:  # Ctrl-C included
        if aside.exists() and not folder.exists():
            os.rename(aside, folder)
        raise
    finally:
        shutil.rmtree(old, ignore_errors=True)


def _leftovers(to_dir: Path, names: list[str]) -> list[Path]:
    """The hidden folders a killed publish left in ``to_dir`` for these outputs: new bundles (``.NAME.XXXXXXXX``,
    :func:`tempfile.mkdtemp`'s names) and old ones set aside (``.NAME.old.XXXXXXXX``), nothing else."""
    pattern = re.compile(rf"\.(?:{'|'.join(map(re.escape, names))})\.(?:old\.)?[a-z0-9_]{{8}}")
    return [path for path in to_dir.iterdir() if pattern.fullmatch(path.name) and path.is_dir()
            and not path.is_symlink()]


def in_scheme(outputs: list[RenderedOutput], scheme: str, out_dir: Path,
              again: RenderAgain) -> list[RenderedOutput]:
    """Each output as ``scheme`` shows it (:meth:`~render.catalog.RenderedOutput.in_scheme`), or one :class:`RenderError`
    naming every output without a render of that scheme, and the command that renders them."""
    shown = [output.in_scheme(scheme) for output in outputs]
    missing = [output.name for output, seen in zip(outputs, shown) if seen is None]
    if missing:
        command = again.command(missing, out_dir, "light" if scheme == "light" else None)
        raise RenderError(f"no {scheme} render of {', '.join(missing)} in {out_dir}: render "
                          f"{'it' if len(missing) == 1 else 'them'} first ('{command}'), or publish --scheme auto")
    return shown


def publish(out_dir: Path, target_name: str, to_dir: Path, names: tuple[str, ...] = (),
            base_url: str | None = None, autoplay: bool = False, again: RenderAgain = RenderAgain(),
            scheme: str = "auto") -> list[Bundle]:
    """A bundle per output named (every rendered one if none) for ``target_name``'s kind of site, in ``scheme``
    (see :data:`~render.snippets.SCHEMES`); ``again`` says how a message tells to render what is missing."""
    target = TARGETS[target_name]
    outputs = in_scheme(published_outputs(out_dir, names, again), scheme, out_dir, again)
    check_destination(out_dir, to_dir)
    to_dir.mkdir(parents=True, exist_ok=True)
    with locked(to_dir, fcntl.LOCK_EX):  # another publish into it waits: no two replace one bundle at once
        for leftover in _leftovers(to_dir, [output.name for output in outputs]):
            shutil.rmtree(leftover, ignore_errors=True)
        return [write_bundle(output, target, out_dir, to_dir, base_url, autoplay, again) for output in outputs]
