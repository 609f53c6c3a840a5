"""The 3D surfaces' stills, drawn in the page ``render.chrome`` keeps for a run, are the pictures plotly.js exports
itself: compared with kaleido's own export (``Kaleido.calc_fig``: ``Plotly.toImage`` in a freshly loaded page, the
way every still was drawn before), in both themes and both layouts.

The tolerance.  The kept page draws without multisampling (``render.chrome`` says why), and on a busy machine its
camera is now and then a sub-pixel off where it settles.  Measured on the article's 16 stills and on these four:
the two together move 0.08 to 0.46 % of a still's pixels by more than a tenth of the range in a channel, with mean
differences under 0.001, and every such pixel but at most 0.0003 % of them lies within two pixels of an edge of
kaleido's picture (where a channel spans more than a tenth in a 5 x 5 neighbourhood): antialiasing and a shift
of the view too small to see change edges, not surfaces.  A camera turned one degree moves 3.4 % of the pixels,
0.15 % away from any edge, with a mean difference of 0.011.  So: a mean of at most 0.002, at most 0.6 % of the
pixels a tenth off, and at most 0.002 % of them away from an edge, which the turned camera fails by each measure.
"""

from __future__ import annotations

import asyncio
import io

import numpy as np
import pytest
from PIL import Image

from render.chrome import ImageExporter, find_chrome
from render.errors import RenderError
from render.layouts import COLUMN, PHONE
from render.surface import still_size, surface_figure
from tests.test_surface import needs_chrome, surface_of

MEAN_TOLERANCE = 0.002  # of the full range, over all pixels and channels
FAR = 0.1  # a pixel differs by more than a tenth of the range in a channel ...
FAR_SHARE = 0.006  # ... in at most this share of the pixels ...
OFF_EDGE_SHARE = 0.00002  # ... and, away from any edge, in at most this share
EDGE_REACH = 2  # px: a pixel within this of an edge of the expected picture is on its edge
TIMEOUT = 120.0
# Both surfaces, both themes, both layouts, a column's and a phone's still in turn (the page keeps one WebGL
# context for all of them, resized between layouts).
CASES = [("compressed", "dark", COLUMN), ("compressed", "light", PHONE), ("normalized", "light", COLUMN),
         ("normalized", "dark", PHONE)]


def picture(data: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGB"), dtype=float) / 255


def difference(drawn: np.ndarray, expected: np.ndarray) -> tuple[float, float, float]:
    """The mean absolute difference; the share of pixels that differ by more than ``FAR`` in a channel; and the
    share of pixels that do so away from every edge of ``expected``."""
    from scipy import ndimage

    gap = np.abs(drawn - expected)
    far = gap.max(axis=2) > FAR
    window = (2 * EDGE_REACH + 1, 2 * EDGE_REACH + 1, 1)
    span = ndimage.maximum_filter(expected, size=window) - ndimage.minimum_filter(expected, size=window)
    on_edge = span.max(axis=2) > FAR
    return float(gap.mean()), float(far.mean()), float((far & ~on_edge).mean())


def same_picture(drawn: np.ndarray, expected: np.ndarray) -> bool:
    if drawn.shape != expected.shape:
        return False
    mean, far, off_edge = difference(drawn, expected)
    return mean <= MEAN_TOLERANCE and far <= FAR_SHARE and off_edge <= OFF_EDGE_SHARE


def still(variant: str, theme: str, layout, turn: float = 0.0) -> tuple[dict, tuple[int, int, float]]:
    """A surface's still, its camera turned ``turn`` degrees about the vertical."""
    content = surface_of(variant, 40)
    figure = surface_figure(content.view, theme, interactive=False, camera=content.camera, layout=layout)
    eye = figure.layout.scene.camera.eye
    angle = np.radians(turn)
    figure.update_layout(scene_camera_eye=dict(x=eye.x * np.cos(angle) - eye.y * np.sin(angle),
                                               y=eye.x * np.sin(angle) + eye.y * np.cos(angle), z=eye.z))
    return figure.to_dict(), still_size(content.view, layout)


def kaleidos_own(stills: list[tuple[dict, tuple[int, int, float]]]) -> list[bytes]:
    """Each still as kaleido exports it: ``Plotly.toImage`` in its page, reloaded after every image."""
    import kaleido

    async def draw() -> list[bytes]:
        async with kaleido.Kaleido(path=str(find_chrome().path), timeout=TIMEOUT, mathjax=False) as browser:
            return [await browser.calc_fig(figure, opts={"format": "png", "width": width, "height": height,
                                                         "scale": scale})
                    for figure, (width, height, scale) in stills]

    return asyncio.run(draw())


@pytest.fixture(scope="module")
def exporter():
    with ImageExporter() as kept:
        yield kept


@pytest.fixture(scope="module")
def expected() -> dict:
    stills = [still(*case) for case in CASES]
    return dict(zip(CASES, (picture(png) for png in kaleidos_own(stills))))


@pytest.mark.slow
@needs_chrome
@pytest.mark.parametrize("case", CASES, ids=lambda case: "-".join((case[0], case[1], case[2].name)))
def test_a_still_is_the_picture_plotly_js_exports_itself(exporter, expected, case):
    figure, (width, height, scale) = still(*case)
    drawn = picture(exporter.export(figure, "png", width, height, scale, TIMEOUT))
    assert drawn.shape == expected[case].shape
    mean, far, off_edge = difference(drawn, expected[case])
    assert same_picture(drawn, expected[case]), (f"mean difference {mean:.5f}, {far:.4%} of the pixels far off, "
                                                 f"{off_edge:.5%} away from an edge")


@pytest.mark.slow
@needs_chrome
def test_the_comparison_tells_a_camera_turned_one_degree_apart(exporter, expected):
    case = CASES[0]
    figure, (width, height, scale) = still(*case, turn=1.0)
    turned = picture(exporter.export(figure, "png", width, height, scale, TIMEOUT))
    assert not same_picture(turned, expected[case]), difference(turned, expected[case])


@pytest.mark.slow
@needs_chrome
def test_a_figure_plotly_js_cannot_draw_fails_in_one_line_and_the_next_still_is_drawn(exporter, expected):
    with pytest.raises(RenderError) as failure:
        exporter.export({"data": [{"type": "surface", "z": [[1, 2], [3, 4]]}], "layout": {"scene": 7}}, "png",
                        100, 100, 1.0, TIMEOUT)
    assert str(failure.value).startswith("the PNG export failed: ") and "\n" not in str(failure.value)
    case = CASES[1]
    figure, (width, height, scale) = still(*case)
    assert same_picture(picture(exporter.export(figure, "png", width, height, scale, TIMEOUT)), expected[case])
