"""Figures and video frames against stored pictures, in both themes: a change of style, font or layout fails here.

After an intended change, look at the new pictures and store them all with
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
HINT = "if the change is intended, look at it and store it: .venv/bin/python -m tests.reference"


def pooled(picture: np.ndarray, size: int = 4) -> np.ndarray:
    h, w = picture.shape[0] // size * size, picture.shape[1] // size * size
    return picture[:h, :w].reshape(h // size, size, w // size, size, 3).mean(axis=(1, 3))


def difference(picture: np.ndarray, expected: np.ndarray) -> tuple[float, float]:
    """The mean difference of the pictures, and the worst difference of a 4x4 block's means."""
    return float(np.abs(picture - expected).mean()), float(np.abs(pooled(picture) - pooled(expected)).max())


def same_picture(picture: np.ndarray, expected: np.ndarray) -> bool:
    mean, worst = difference(picture, expected)
    return picture.shape == expected.shape and mean < MEAN_TOLERANCE and worst < POOLED_TOLERANCE


@pytest.fixture(scope="module")
def drawn():
    return reference.pictures()


def test_every_picture_drawn_is_stored_and_every_stored_one_is_drawn(drawn):
    """Both themes and both layouts of every figure and of the chosen frames of every video: none missing, none
    left over."""
    assert len(drawn) == 2 * len({name.replace("-light", "") for name in drawn}), "each picture has its light twin"
    assert len(drawn) == 2 * len({name.replace("-phone", "") for name in drawn}), "each picture has its phone's"
    missing, stale = sorted(set(drawn) - set(reference.stored_names())), sorted(set(reference.stored_names()) - set(drawn))
    assert (missing, stale) == ([], []), f"not stored: {missing}; stored but no longer drawn: {stale}; {HINT}"


@pytest.mark.parametrize("name", reference.stored_names())
def test_the_picture_is_the_stored_one(drawn, name):
    if name not in drawn:
        pytest.skip(f"{name} is no longer drawn (the test above fails for it)")
    expected, picture = reference.stored(name), drawn[name]
    assert picture.shape == expected.shape, f"{name}: {picture.shape} now, {expected.shape} stored; {HINT}"
    mean, worst = difference(picture, expected)
    assert same_picture(picture, expected), f"{name}: mean difference {mean:.4f}, worst 4x4 block {worst:.3f}; {HINT}"


def test_the_comparison_tells_pictures_apart(drawn):
    """The check itself: another moment of the same video, in the same layout, is well beyond the tolerance."""
    assert not same_picture(drawn["descent-compressed-middle"], drawn["descent-compressed-end"])


@pytest.mark.parametrize("layout", reference.layouts(), ids=lambda layout: layout.name)
@pytest.mark.parametrize("theme", reference.THEMES)
@pytest.mark.parametrize("output, frame", [("contour-compressed", None), ("descent-compressed", "end"),
                                           ("boundary-compressed", "end")])
def test_text_one_point_larger_fails_the_comparison_and_the_same_drawing_again_passes(drawn, output, frame, theme,
                                                                                      layout):
    """The tolerances are tight enough: every text of the style one point larger (a tick label's 10 pt as 11) is
    another picture, in either layout, while drawing the same thing again is the same picture.  Compared with
    this run's own drawing, so the check holds whatever the stored pictures are."""
    name = reference.stored_name(output, theme, frame, layout)
    with reference.article_outputs() as outputs:
        content = outputs[output].build()
    if frame is None:
        again, larger = (reference.figure_picture(content, theme, larger=flag, layout=layout)
                         for flag in (False, True))
    else:
        again, larger = (reference.frame_pictures(content, theme, (frame,), larger=flag, layout=layout)[frame]
                         for flag in (False, True))
    assert same_picture(again, drawn[name]), f"{name} drawn twice: {difference(again, drawn[name])}"
    assert not same_picture(larger, drawn[name]), \
        f"{name} with text one point larger passes: {difference(larger, drawn[name])} (mean, worst block)"
