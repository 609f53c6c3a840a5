"""What was rendered, from what, and whether it is still up to date.

Each rendered output leaves a record (``out_dir/.render/records/NAME.json``,
in the bookkeeping folder that is never published): its files with size,
sha256, pixel size and duration, the parameters and seed that made it,
library versions, caption, alt text and long description, and a *key*: a digest of
everything that determines the files (parameters, the settings of its kind,
the bytes of the input files, the source code that computes and draws it).
A run skips an output only when its record's key equals the new key and
every file is still there unchanged.  Records are written one per output,
atomically, so parallel ``make -j`` runs never write the same file;
``manifest.json`` merges them in the post's order.

Records and the manifest are data anyone can edit, and their paths reach
pages and file reads: a record is trusted only if every file is a plain
relative path inside the output directory with a suffix a writer writes
(:func:`is_output_path`); anything else counts as damaged.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import importlib.metadata
import json
import math
import re
from pathlib import Path, PurePosixPath
from typing import Any, Iterable, Mapping, Sequence

from render.encode import CAPTIONS_EXTENSION, FORMATS
from render.files import PLAIN_NAME, RECORDS_DIR, png_size, write_text_atomic
from render.settings import IMAGE_FORMATS, ROLES
from render.kinds import KINDS
from render.theme import THEMES

# 2: no render seconds (records are the same bytes whichever worker or run made them); 3: each file's role;
# 4: each output's long description
MANIFEST_VERSION = 4
MANIFEST_NAME = "manifest.json"
# What an output's files depend on besides our code; each is recorded, and part of the rebuild key.
LIBRARIES = (
    "numpy", "scipy", "matplotlib", "scikit-learn", "h5py", "click", "tqdm", "jinja2",
    "imageio-ffmpeg", "plotly", "kaleido", "choreographer", "pillow",
)
# Names joined by "/": nothing absolute, empty, "..", "\\", ":" (a URL scheme), "%", space or control character.
PLAIN_PATH = re.compile(rf"{PLAIN_NAME.pattern}(?:/{PLAIN_NAME.pattern})*")


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def digest_of(value: Any) -> str:
    """A stable digest of JSON-able data (dict order does not matter)."""
    text = json.dumps(value, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def source_digest(paths: Iterable[Path]) -> str:
    digest = hashlib.sha256()
    for path in sorted(set(paths)):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def library_versions() -> dict[str, str]:
    versions = {}
    for name in LIBRARIES:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def describe_file(path: Path, out_dir: Path, role: str, facts: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Path (relative to the output directory), its role (what the writer says it is for), format, size, sha256,
    and pixels/duration where known.

    ``facts`` are what the writer's own check of the file found (a video's
    size, frames and duration): recorded as they are, the file is not read again.
    """
    extension = path.suffix.lstrip(".").lower()
    info: dict[str, Any] = {
        "path": path.relative_to(out_dir).as_posix(),
        "role": role,
        "format": extension,
        "bytes": path.stat().st_size,
        "sha256": sha256_of(path),
    }
    if facts:
        info.update(facts)
    elif extension == "png":
        size = png_size(path)
        if size:
            info["width"], info["height"] = size
    return info


@functools.cache
def output_suffixes() -> frozenset[str]:
    """Every suffix a writer writes: figures (png, svg), surface pages and plotly.js (html, js), data (csv),
    each video format and the videos' captions, and each surface image format."""
    extensions = {"png", "svg", "html", "js", "csv", *(f.extension for f in FORMATS.values()), CAPTIONS_EXTENSION,
                  *IMAGE_FORMATS}
    return frozenset(f".{extension}" for extension in extensions)


def is_output_path(path: object, out_dir: Path) -> bool:
    """True for a path this toolkit could have written: plain, relative, inside ``out_dir`` once symlinks
    are followed, with one of :func:`output_suffixes`.  Records and manifests are data, and these paths
    reach pages (``javascript:``, ``../``) and file reads."""
    if not (isinstance(path, str) and PLAIN_PATH.fullmatch(path)):
        return False
    if PurePosixPath(path).suffix not in output_suffixes():
        return False
    try:
        root = Path(out_dir).resolve()
        return (root / path).resolve().is_relative_to(root)
    except (OSError, RuntimeError):  # a symlink loop
        return False


# The plausible range of each number a record holds about a file: a page does arithmetic with them (an aspect
# ratio, a duration), so a hand-edited 10**400 or Infinity must read as damage, not reach a page.
FILE_FACTS: dict[str, tuple[type | tuple[type, ...], float, float]] = {
    "bytes": (int, 0, 1 << 40),  # a terabyte
    "width": (int, 1, 100_000),  # pixels
    "height": (int, 1, 100_000),
    "frames": (int, 1, 10_000_000),
    "duration": ((int, float), 0, 24 * 3600),  # seconds
    "fps": ((int, float), 0.01, 1000),
}


def _is_file_entry(file: object, out_dir: Path) -> bool:
    """A record's file entry: an output path with the suffix of its role, its format (the suffix, as
    :func:`describe_file` writes it), its digest, and each number of :data:`FILE_FACTS` within its range."""
    if not (isinstance(file, dict) and is_output_path(file.get("path"), out_dir) and file.get("role") in ROLES):
        return False
    suffix = PurePosixPath(file["path"]).suffix
    return (suffix == ROLES[file["role"]].suffix and file.get("format") == suffix[1:]
            and isinstance(file.get("sha256"), str) and "bytes" in file
            and all(_is_within(file[fact], *FILE_FACTS[fact]) for fact in FILE_FACTS if fact in file))


def _is_within(value: object, kind: type | tuple[type, ...], low: float, high: float) -> bool:
    """``value`` is a number of ``kind`` (not a bool) from ``low`` to ``high``; NaN and infinities are not."""
    return isinstance(value, kind) and not isinstance(value, bool) and low <= value <= high


def _is_extent(extent: object) -> bool:
    """``None``, or each parameter's ``[min, max]``: two finite numbers, in order."""
    if extent is None:
        return True
    return isinstance(extent, dict) and all(
        isinstance(name, str) and isinstance(span, list) and len(span) == 2
        and all(isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) for v in span)
        and span[0] <= span[1] for name, span in extent.items())


@dataclasses.dataclass
class OutputRecord:
    name: str
    kind: str
    theme: str
    key: str
    caption: str
    alt: str
    # The long description's paragraphs (``render.words.long_description``): what the short alt leaves out.
    # No default: a record written before it was kept reads as damaged, and its output is rendered again.
    description: list[str]
    parameters: dict[str, Any]
    versions: dict[str, str]
    files: list[dict[str, Any]]
    extent: dict[str, list[float]] | None = None  # what a landscape covers, by parameter: {name: [min, max], ...}
    version: int = MANIFEST_VERSION


def record_path(out_dir: Path, stem: str) -> Path:
    return out_dir / RECORDS_DIR / f"{stem}.json"


def checked_record(data: object, out_dir: Path) -> OutputRecord | None:
    """``data`` as a record, or ``None`` if another version wrote it or it is damaged: a field missing or
    of the wrong type, a name that is not a plain file stem, a file that is not :func:`is_output_path`."""
    if not isinstance(data, dict) or data.get("version") != MANIFEST_VERSION:
        return None
    try:
        record = OutputRecord(**data)
    except TypeError:
        return None
    texts = (record.name, record.kind, record.theme, record.key, record.caption, record.alt)
    if not (all(isinstance(text, str) for text in texts) and PLAIN_NAME.fullmatch(record.name)
            and record.kind in KINDS and record.theme in THEMES
            and _is_extent(record.extent)
            and isinstance(record.description, list) and all(isinstance(p, str) for p in record.description)
            and isinstance(record.files, list) and all(_is_file_entry(f, out_dir) for f in record.files)):
        return None
    return record


def load_record(out_dir: Path, stem: str) -> OutputRecord | None:
    """The stored record, or ``None`` if absent, corrupt, damaged, or written by another version."""
    try:
        data = json.loads(record_path(out_dir, stem).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return checked_record(data, out_dir)


def save_record(out_dir: Path, stem: str, record: OutputRecord) -> Path:
    return write_text_atomic(record_path(out_dir, stem), json.dumps(dataclasses.asdict(record), indent=1) + "\n")


def is_fresh(record: OutputRecord | None, key: str, out_dir: Path) -> bool:
    """True when ``record`` was made from the same key and its files are all there, unchanged.

    Sizes are checked on every run and contents by sha256, so a file edited or
    replaced by hand is re-rendered, not trusted.
    """
    if record is None or record.key != key or not record.files:
        return False
    for file in record.files:
        path = out_dir / file["path"]
        try:
            if path.stat().st_size != file["bytes"] or sha256_of(path) != file["sha256"]:
                return False
        except (OSError, KeyError, TypeError):
            return False
    return True


def write_manifest(out_dir: Path, order: Sequence[str], post: Mapping[str, str] | None = None) -> Path:
    """Merge every valid record into ``manifest.json``, outputs in ``order`` (the post's order); ``post``
    (its ``name``, and ``from``: how ``--post`` names it) says whose renders the folder holds."""
    records = []
    records_dir = out_dir / RECORDS_DIR
    stems = sorted(p.stem for p in records_dir.glob("*.json")) if records_dir.is_dir() else []
    for stem in stems:
        record = load_record(out_dir, stem)
        if record is not None and all((out_dir / f["path"]).is_file() for f in record.files):
            records.append(record)
    rank = {name: position for position, name in enumerate(order)}
    records.sort(key=lambda r: (rank.get(r.name, len(rank)), r.theme))
    manifest = {
        "version": MANIFEST_VERSION,
        **({"post": dict(post)} if post else {}),
        "outputs": [dataclasses.asdict(r) for r in records if r.name in rank],
    }
    path, text = out_dir / MANIFEST_NAME, json.dumps(manifest, indent=1) + "\n"
    try:
        if path.read_text(encoding="utf-8") == text:
            return path  # unchanged: not rewritten, so nothing that watches it is woken
    except (OSError, UnicodeDecodeError):
        pass
    return write_text_atomic(path, text)


def manifest_post(out_dir: Path) -> dict[str, str] | None:
    """The post whose renders ``out_dir`` holds, as its manifest says (``None``: none says, or no manifest)."""
    manifest = read_manifest(out_dir)
    post = manifest.get("post") if manifest else None
    if isinstance(post, dict) and all(isinstance(post.get(key), str) for key in ("name", "from")):
        return post
    return None


def read_manifest(out_dir: Path) -> dict[str, Any] | None:
    """The manifest with only the outputs :func:`checked_record` accepts (it can be edited by hand too),
    or ``None`` if it is absent, corrupt or written by another version."""
    try:
        manifest = json.loads((out_dir / MANIFEST_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not (isinstance(manifest, dict) and manifest.get("version") == MANIFEST_VERSION
            and isinstance(manifest.get("outputs", []), list)):
        return None
    outputs = [output for output in manifest.get("outputs", []) if checked_record(output, out_dir) is not None]
    return {**manifest, "outputs": outputs}
