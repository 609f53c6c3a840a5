"""Figures and video frames against stored pictures: a change of style, font or layout fails here.

After an intended change, look at the new pictures and store them with
``.venv/bin/python -m tests.reference`` (see tests/reference.py).
"""

from __future__ import annotations

import numpy as np
import pytest

from tests import reference

# A font rasterised a little differently (another FreeType) moves a few pixels by a few levels;
# a moved label, another colour or another size moves many by much.
MEAN_TOLERANCE = 0.01
POOLED_TOLERANCE = 0.12


def pooled(picture: np.ndarray, size: int = 4) -> np.ndarray:
    h, w = picture.shape[0] // size * size, picture.shape[1] // size * size
    return picture[:h, :w].reshape(h // size, size, w // size, size, 3).mean(axis=(1, 3))


@pytest.fixture(scope="module")
def drawn():
    return reference.pictures()


NAMES = [*reference.FIGURES, *(f"{name}-frame{i}" for name, frames in reference.FRAMES.items() for i in frames)]


@pytest.mark.parametrize("name", NAMES)
def test_the_picture_is_the_stored_one(drawn, name):
    expected = reference.stored(name)
    picture = drawn[name]
    hint = "if the change is intended, look at it and store it: .venv/bin/python -m tests.reference"
    assert picture.shape == expected.shape, f"{name}: {picture.shape} now, {expected.shape} stored; {hint}"
    mean = float(np.abs(picture - expected).mean())
    worst = float(np.abs(pooled(picture) - pooled(expected)).max())
    assert mean < MEAN_TOLERANCE and worst < POOLED_TOLERANCE, \
        f"{name}: mean difference {mean:.4f}, worst 4x4 block {worst:.3f}; {hint}"


def test_the_comparison_tells_pictures_apart(drawn):
    """The check itself: another picture of the same layout (iteration 50 against the stored iteration 100)
    is well beyond the tolerance."""
    near = drawn["descent-compressed-frame50"]
    later = reference.stored("descent-compressed-frame100")
    assert float(np.abs(pooled(near) - pooled(later)).max()) > POOLED_TOLERANCE
