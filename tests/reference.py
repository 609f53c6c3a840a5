"""Reference pictures: every figure, and frames of every video, in both themes, stored as small PNGs.

``tests/test_reference_images.py`` draws them again and compares, so that a
change of style, font, layout or colour fails a test instead of passing
unseen.  After an intended change, look at the new pictures, then store them
all (both themes, every figure and frame) in one go:

    .venv/bin/python -m tests.reference

(writes ``tests/reference/*.png`` and removes stored pictures no longer drawn;
commit them with the change).

A figure is drawn as the figure writer draws it, at a low dpi.  A video frame
is drawn as the video writer makes it: the animation as the scene declares
it (its title, its views, its layout), on the timeline of a default render
(1280x720 at 10 fps, the holds and the slow start included), one frame blitted
over the static layers exactly as an encoded frame is, then reduced to a
quarter of its size to store.  Only single frames are drawn, never a video.

Every picture is stored in both layouts, the column's and the phone's
(``render.layouts``), as the writers draw them.  Names follow the outputs' own
files: ``NAME`` for the dark theme, ``NAME-light`` for its twin, then
``-phone`` for the phone's layout; a frame adds ``-middle`` (halfway through
the motion) or ``-end`` (the last frame, the poster).
"""

from __future__ import annotations

import contextlib
import io
import tempfile
from pathlib import Path
from typing import Iterator

import numpy as np

DIRECTORY = Path(__file__).parent / "reference"
THEMES = ("dark", "light")
FIGURE_DPI = 40  # a 7-inch figure as a 280-pixel picture: enough to see a layout change, small to store
FRAME_REDUCTION = 4  # a 1280x720 frame stored as 320x180, each stored pixel the mean of 4x4 drawn ones
FRAMES = ("middle", "end")
GRID_SIZE = 40
# The text sizes of the article's style, in points: what a one-step larger font changes.
TEXT_SIZE_KEYS = ("font.size", "axes.titlesize", "axes.labelsize", "xtick.labelsize", "ytick.labelsize",
                  "legend.fontsize", "legend.title_fontsize", "figure.titlesize")


@contextlib.contextmanager
def article_outputs() -> Iterator[dict]:
    """The article's outputs by name, drawn from its scenes over a tiny cat/dog dataset written for the while
    (the one the tests use, the same every time), so that every output, the cat/dog ones included, has a picture."""
    from scenes import SceneContext
    from scenes import article_outputs as declared
    from tests.conftest import write_catdog

    with tempfile.TemporaryDirectory() as directory:
        data = write_catdog(Path(directory), side=16)
        yield {o.name: o for o in declared(SceneContext(data_dir=data, grid_size=GRID_SIZE))}


def stored_name(output: str, theme: str, frame: str | None = None, layout=None) -> str:
    from render.theme import theme_suffix

    variant = layout.file_variant() if layout is not None else ""
    return f"{output}{theme_suffix(theme)}{variant}" + (f"-{frame}" if frame else "")


def layouts():
    from render.layouts import LAYOUTS

    return LAYOUTS


@contextlib.contextmanager
def larger_text(points: float = 1.0) -> Iterator[None]:
    """Every text size of the article's style ``points`` larger: one step of the font size, for the test that
    the comparison sees it.  Used inside a theme's context, which sets the sizes it changes."""
    import matplotlib

    with matplotlib.rc_context({key: matplotlib.rcParams[key] + points for key in TEXT_SIZE_KEYS}):
        yield


def figure_picture(content, theme: str, larger: bool = False, layout=None) -> np.ndarray:
    """A figure as RGB in [0, 1], drawn as the figure writer draws it (theme, then the figure, in ``layout``: by
    default the column's), at ``FIGURE_DPI``; ``larger``: with every text one point larger (:func:`larger_text`)."""
    import matplotlib
    import matplotlib.image

    from render.figure import draw_figure
    from render.layouts import COLUMN
    from render.theme import theme_context

    matplotlib.use("Agg")
    buffer = io.BytesIO()
    with theme_context(theme), (larger_text() if larger else contextlib.nullcontext()):
        figure = draw_figure(content, layout or COLUMN)
        figure.savefig(buffer, format="png", dpi=FIGURE_DPI)
    return matplotlib.image.imread(io.BytesIO(buffer.getvalue()))[..., :3]


def video_frames(content, animated: bool = True, size: tuple[int, int] | None = None, layout=None):
    """The frames of a video as ``render.video.write_video`` makes them for a default render (or one of ``size``)
    in ``layout`` (by default the column's): the scene's animation itself, title and layout as declared, on the
    same timeline.  Call inside a theme."""
    from render.layouts import COLUMN
    from render.settings import PRESETS, VideoSettings
    from render.video import DescentFrames, video_layout_shape, video_timeline, view_trails

    layout = layout or COLUMN
    settings = VideoSettings() if size is None else VideoSettings(
        quality=next(q for q, preset in PRESETS.items() if preset[:2] == size))
    rows = max(len(trail.iteration) for view in content.views for trail in view_trails(view))
    shape, timeline = video_timeline(settings, rows)
    shape = video_layout_shape(shape, content, layout)
    return DescentFrames(content, shape, animated=animated, timeline=timeline, layout=layout)


def frame_index(frames, which: str) -> int:
    timeline = frames.timeline
    return {"middle": timeline.first + timeline.moving // 2, "end": frames.shape.frames - 1}[which]


def reduced(rgba: np.ndarray, factor: int = FRAME_REDUCTION) -> np.ndarray:
    """RGB in [0, 1], each pixel the mean of a ``factor`` x ``factor`` block: a frame small enough to store."""
    h, w = rgba.shape[0] // factor * factor, rgba.shape[1] // factor * factor
    rgb = rgba[:h, :w, :3].astype(float) / 255.0
    return rgb.reshape(h // factor, factor, w // factor, factor, 3).mean(axis=(1, 3))


def frame_pictures(content, theme: str, which: tuple[str, ...] = FRAMES,
                   larger: bool = False, layout=None) -> dict[str, np.ndarray]:
    """Frames ``which`` of a video, each blitted over the static layers as ``blit_frames`` makes an encoded
    frame (the poster is the ``end`` one), reduced to store."""
    import matplotlib

    from render.theme import theme_context
    from render.video import blit_frames

    matplotlib.use("Agg")
    pictures = {}
    with theme_context(theme), (larger_text() if larger else contextlib.nullcontext()):
        frames = video_frames(content, layout=layout)
        width, height = frames.shape.width, frames.shape.height
        for name in which:
            index = frame_index(frames, name)
            buffer = next(blit_frames(frames.figure, lambda _: frames.update(index), 1))
            pictures[name] = reduced(np.frombuffer(buffer, np.uint8).reshape(height, width, 4))
    return pictures


def pictures(themes: tuple[str, ...] = THEMES) -> dict[str, np.ndarray]:
    """Every reference picture as RGB in [0, 1], by stored name, drawn now from the article's scenes."""
    drawn = {}
    with article_outputs() as outputs:
        for output in outputs.values():
            if output.kind == "figure":
                content = output.build()
                for theme in themes:
                    for layout in layouts():
                        drawn[stored_name(output.name, theme, layout=layout)] = figure_picture(content, theme,
                                                                                               layout=layout)
            elif output.kind == "video":
                content = output.build()
                for theme in themes:
                    for layout in layouts():
                        for frame, picture in frame_pictures(content, theme, layout=layout).items():
                            drawn[stored_name(output.name, theme, frame, layout)] = picture
    return drawn


def stored(name: str) -> np.ndarray:
    import matplotlib.image

    return matplotlib.image.imread(DIRECTORY / f"{name}.png")[..., :3]


def stored_names() -> list[str]:
    return sorted(path.stem for path in DIRECTORY.glob("*.png"))


def main() -> None:
    import matplotlib.image

    DIRECTORY.mkdir(exist_ok=True)
    drawn = pictures()
    for name, picture in drawn.items():
        path = DIRECTORY / f"{name}.png"
        matplotlib.image.imsave(path, np.clip(picture, 0, 1), metadata={"Software": None})
        print(f"wrote {path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path}")
    for name in set(stored_names()) - set(drawn):
        (DIRECTORY / f"{name}.png").unlink()
        print(f"removed {name}.png, no longer drawn")


if __name__ == "__main__":
    main()
