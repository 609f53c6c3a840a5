"""The end of part 6 in one picture: both descents side by side, on one time axis.

The article shows the compressed and the normalized descent one after the
other; played together, the difference is plain: on the compressed loss
function gradient descent zig-zags, on the uncompressed one it glides to the
minimum in the same number of steps.
"""

from __future__ import annotations

from render.spec import Animation, Output
from scenes.describe import describe_descent
from scenes.normalization import NormalizationExperiment

CAPTION = (
    "Gradient descent on the compressed (left) and the uncompressed (right) loss function, "
    "step for step: the same neuron zig-zags across the narrow valley on features of different "
    "scales, and heads straight for the minimum on features of one scale."
)


def comparison_output(compressed: NormalizationExperiment, normalized: NormalizationExperiment) -> Output:
    def build() -> Animation:
        alt = (f"Video, two descents side by side. Left, {compressed.variant} features: "
               f"{describe_descent(compressed.history)} Right, {normalized.variant} features: "
               f"{describe_descent(normalized.history)}")
        return Animation((compressed.descent_view(), normalized.descent_view()), alt=alt)

    parameters = {"left": compressed.parameters, "right": normalized.parameters}
    return Output("descent-comparison", "video", CAPTION, build, parameters=parameters)
