"""Shared fixtures: a tiny cat/dog dataset in the article's HDF5 layout, and the processes still running."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import h5py
import numpy as np
import pytest


def write_catdog(directory: Path, n_train: int = 24, n_test: int = 8, side: int = 8, seed: int = 0) -> Path:
    """Write trainset.hdf5 / testset.hdf5 with the article's keys, small random images."""
    rng = np.random.default_rng(seed)
    directory.mkdir(parents=True, exist_ok=True)
    for file_name, images_key, labels_key, n in (
        ("trainset.hdf5", "X_train", "Y_train", n_train),
        ("testset.hdf5", "X_test", "Y_test", n_test),
    ):
        labels = (np.arange(n) % 2).reshape(n, 1).astype(float)
        images = rng.integers(0, 200, size=(n, side, side), dtype=np.uint8)
        images[labels[:, 0] == 1, : side // 2] += 55  # a learnable difference between the classes
        with h5py.File(directory / file_name, "w") as store:
            store[images_key] = images
            store[labels_key] = labels
    return directory


@pytest.fixture
def catdog_dir(tmp_path: Path) -> Path:
    return write_catdog(tmp_path / "datasets")


def processes_running(*words: str) -> list[int]:
    """Ids of the processes (other than this one) whose command line holds every one of ``words``.

    Read from /proc rather than with pgrep, which a fresh machine may not have.
    """
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and int(entry.name) != os.getpid():
            try:
                command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            except OSError:
                continue
            if all(word in command for word in words):
                found.append(int(entry.name))
    return found


def with_roles(files: list[dict], kind: str) -> list[dict]:
    """Hand-made manifest file entries with the role a writer would record for each (tests write such entries)."""
    def role(entry: dict) -> str:
        path, fmt = entry["path"], entry["format"]
        if path.startswith("data/"):
            return "data"
        if fmt in ("png", "webp") and kind != "video":
            return f"{fmt}1x" if "@1x" in path else fmt
        return "poster" if fmt == "webp" else fmt

    return [{"role": role(entry), **entry} for entry in files]


def vouched(out: Path, records: list[dict]) -> list[dict]:
    """Hand-made records whose file entries give the size and sha256 of the files as they are in ``out``, as a
    render records them (publish ships a file only if it is the one recorded)."""
    for record in records:
        for entry in record["files"]:
            data = (out / entry["path"]).read_bytes()
            entry["bytes"], entry["sha256"] = len(data), hashlib.sha256(data).hexdigest()
    return records
