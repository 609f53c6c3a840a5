"""The article's content, scene by scene, in the order the article shows it."""

from __future__ import annotations

from render.spec import Output
from scenes.catdog import CatDogScene
from scenes.comparison import comparison_output
from scenes.context import SceneContext
from scenes.normalization import NormalizationExperiment


def article_outputs(context: SceneContext) -> list[Output]:
    """Every output of the article, in article order."""
    compressed = NormalizationExperiment(context, "compressed", second_feature_scale=10.0)
    normalized = NormalizationExperiment(context, "normalized", second_feature_scale=1.0)
    return [
        *CatDogScene(context).outputs(), *compressed.outputs(), *normalized.outputs(),
        comparison_output(compressed, normalized),
    ]


__all__ = ["SceneContext", "article_outputs"]
