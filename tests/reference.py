"""Reference pictures: figures and low-resolution video frames of each kind of view, stored as small PNGs.

``tests/test_reference_images.py`` draws them again and compares, so that a
change of style, font, layout or colour fails a test instead of passing
unseen.  After an intended change, look at the new pictures, then store them:

    .venv/bin/python -m tests.reference

(writes ``tests/reference/*.png``; commit them with the change).
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np

DIRECTORY = Path(__file__).parent / "reference"
FIGURE_DPI = 40  # a 7-inch figure as a 280-pixel picture: enough to see a layout change, small to store
FRAME_SIZE = (320, 180)
FIGURES = ("blobs-compressed", "contour-compressed", "loss-comparison", "optimizers-contour-compressed")
FRAMES = {"descent-compressed": (0, 50, 100), "boundary-compressed": (0, 50, 100)}


def pictures() -> dict[str, np.ndarray]:
    """Every reference picture as RGB, drawn now from the article's scenes (no dataset needed)."""
    import matplotlib

    matplotlib.use("Agg")
    from render.encode import VideoShape
    from render.figure import draw_figure
    from render.spec import Animation
    from render.theme import theme_context
    from render.video import DescentFrames
    from scenes import SceneContext, article_outputs

    outputs = {o.name: o for o in article_outputs(SceneContext(grid_size=40))}
    drawn = {}
    with theme_context("dark"):
        for name in FIGURES:
            buffer = io.BytesIO()
            draw_figure(outputs[name].build()).savefig(buffer, format="png", dpi=FIGURE_DPI)
            drawn[name] = matplotlib.image.imread(io.BytesIO(buffer.getvalue()))[..., :3]
        for name, indices in FRAMES.items():
            content = outputs[name].build()
            # The stored pictures: a single descent under the animation's title, views side by side under none.
            title = content.title if len(content.views) == 1 else ""
            frames = DescentFrames(Animation(content.views, title=title), VideoShape(*FRAME_SIZE, 10.0, 101),
                                   animated=False)
            for index in indices:
                drawn[f"{name}-frame{index}"] = frames.still(index=index)[..., :3] / 255.0
    return drawn


def stored(name: str) -> np.ndarray:
    import matplotlib.image

    return matplotlib.image.imread(DIRECTORY / f"{name}.png")[..., :3]


def main() -> None:
    import matplotlib.image

    DIRECTORY.mkdir(exist_ok=True)
    for name, picture in pictures().items():
        path = DIRECTORY / f"{name}.png"
        matplotlib.image.imsave(path, np.clip(picture, 0, 1), metadata={"Software": None})
        print(f"wrote {path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path}")


if __name__ == "__main__":
    main()
