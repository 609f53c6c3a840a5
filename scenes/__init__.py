"""The article's content, scene by scene, in the order the article shows it: the first post the engine renders.

It registers itself as any post does: ``post`` below, advertised in the
entry-point group ``render.posts`` of this project's ``pyproject.toml``.  Its
own options are the cat/dog dataset's folder (``--data``) and a forced
landscape size (``--grid-limit``).  Every output is built with NumPy's
floating-point warnings as errors (:mod:`scenes.strict`): data that would
train or draw to NaN fails in one line rather than render a figure of NaN.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from render.post import POSTS_OUT, Check, Context, Option, Post
from render.spec import Output
from scenes.beyond import MovingBoundary, OptimizerRace
from scenes.catdog import CatDogScene
from scenes.catdog_landscape import CatDogLandscape
from scenes.comparison import comparison_outputs
from scenes.context import MIN_GRID_LIMIT, LandscapeError, SceneContext
from scenes.data import DatasetError, dataset_check
from scenes.normalization import SECOND_FEATURE_SCALES, NormalizationExperiment
from scenes.strict import strict_numpy

TITLE = "A single neuron: cats vs dogs, and why normalization matters"
DESCRIPTION = ("Every figure, video and 3D view of the article, rendered, with its alt text and "
               "the snippet to paste it into a post on any kind of site.")
MAX_GRID_LIMIT = 1000  # |W| a landscape may be forced to cover (--grid-limit)
DATA = Option("--data", "Directory holding the article's trainset.hdf5 and testset.hdf5.", kind="path",
              default=Path("datasets"), key="data_dir", envvar="RENDER_DATA", doctor=True)
GRID_LIMIT = Option("--grid-limit", "Draw the loss landscape over -L..L on both weights; points of a descent beyond "
                    "it are marked at its edge.  [default: the article's -15..15, grown to cover the whole descent]",
                    kind="float", minimum=MIN_GRID_LIMIT, maximum=MAX_GRID_LIMIT, metavar="L")


def article_outputs(context: SceneContext) -> list[Output]:
    """Every output of the article, in article order, then those that go beyond it, each built strictly: a
    NaN or an infinity NumPy would only warn about fails the output instead."""
    compressed, normalized = (NormalizationExperiment(context, variant, second_feature_scale=scale)
                              for variant, scale in SECOND_FEATURE_SCALES.items())
    catdog = CatDogScene(context)
    outputs = [
        *catdog.outputs(), *CatDogLandscape(catdog).outputs(), *compressed.outputs(), *normalized.outputs(),
        *comparison_outputs(compressed, normalized),
        *MovingBoundary(compressed).outputs(), *MovingBoundary(normalized).outputs(),
        *OptimizerRace(compressed).outputs(), *OptimizerRace(normalized).outputs(),
    ]
    return [replace(output, build=strict_numpy(output.build)) for output in outputs]


def scene_context(context: Context) -> SceneContext:
    """The engine's context in the article's terms: its dataset folder and landscape size are its own options."""
    return SceneContext(seed=context.seed, grid_size=context.grid_size,
                        data_dir=Path(context.options.get("data_dir") or DATA.default),
                        grid_limit=context.options.get("grid_limit"))


def checks(context: Context) -> list[Check]:
    return [dataset_check(scene_context(context).data_dir)]


post = Post(
    name="article", title=TITLE, description=DESCRIPTION,
    outputs=lambda context: article_outputs(scene_context(context)),
    options=(DATA, GRID_LIMIT), expected_errors=(DatasetError, LandscapeError), checks=checks,
    out=POSTS_OUT,  # output/ itself, as before posts
)

__all__ = ["SceneContext", "article_outputs", "post"]
