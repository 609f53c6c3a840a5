"""The article's content, scene by scene, in the order the article shows it."""

from __future__ import annotations

from render.spec import Output
from scenes.beyond import MovingBoundary, OptimizerRace
from scenes.catdog import CatDogScene
from scenes.comparison import comparison_outputs
from scenes.context import SceneContext
from scenes.normalization import SECOND_FEATURE_SCALES, NormalizationExperiment


def article_outputs(context: SceneContext) -> list[Output]:
    """Every output of the article, in article order, then those that go beyond it."""
    compressed, normalized = (NormalizationExperiment(context, variant, second_feature_scale=scale)
                              for variant, scale in SECOND_FEATURE_SCALES.items())
    return [
        *CatDogScene(context).outputs(), *compressed.outputs(), *normalized.outputs(),
        *comparison_outputs(compressed, normalized),
        *MovingBoundary(compressed).outputs(), *MovingBoundary(normalized).outputs(),
        *OptimizerRace(compressed).outputs(), *OptimizerRace(normalized).outputs(),
    ]


__all__ = ["SceneContext", "article_outputs"]
