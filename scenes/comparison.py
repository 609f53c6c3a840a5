"""The end of part 6 in one picture: both descents side by side, on one time axis, and both losses on one axis.

The article shows the compressed and the normalized descent one after the
other; played together, the difference is plain: on the compressed loss
function gradient descent zig-zags, on the uncompressed one it glides to the
minimum in the same number of steps.  The two learning curves on one
logarithmic axis say the same in a still: one tumbles, the other falls smoothly.
"""

from __future__ import annotations

from render.spec import COLUMN, Animation, Curves, Extent, Figure, Line, Output, Table
from scenes.describe import (
    comparison_alt, comparison_captions, describe_descent, describe_loss_curve, loss_curve_alt,
)
from scenes.normalization import NormalizationExperiment

LOSS_CAPTION = (
    "The log loss of the same neuron with one feature ten times larger and on normalized features, on one "
    "logarithmic axis: "
    "tumultuous on the first, smooth on the second."
)
CAPTION = (
    "Gradient descent on the compressed (left) and the uncompressed (right) loss function, "
    "step for step: the same neuron zig-zags across the narrow valley with one feature ten times larger, and "
    "curves smoothly down to the minimum on features of one scale."
)


def comparison_outputs(compressed: NormalizationExperiment, normalized: NormalizationExperiment) -> list[Output]:
    """The two losses on one axis (a figure), and the two descents on one clock (a video)."""
    def losses() -> Figure:
        import numpy as np

        first, second = compressed.history, normalized.history
        return Figure(
            panels=(Curves((Line(first[:, 3], first[:, 4], compressed.features, compressed.loss_color),
                            Line(second[:, 3], second[:, 4], normalized.features, normalized.loss_color)),
                           xlabel="iteration", ylabel="log loss (log scale)", yscale="log"),),
            size=(COLUMN, 4.5),
            tables={"": Table(("i", f"loss_{compressed.variant}", f"loss_{normalized.variant}"),
                              np.column_stack([first[:, 3], first[:, 4], second[:, 4]]))},
            alt=(f"{loss_curve_alt(first[:, 4], f'On {compressed.features} the log loss')}; on "
                 f"{normalized.features} it {loss_curve_alt(second[:, 4], '')[1:]}"),
            description=(
                f"{describe_loss_curve(first[:, 3], first[:, 4], f'Log loss on {compressed.features}')} "
                f"{describe_loss_curve(second[:, 3], second[:, 4], f'Log loss on {normalized.features}')}"),
        )

    def descents() -> Animation:
        description = (f"Two descents side by side. Left, {compressed.features}: "
                       f"{describe_descent(compressed.history, compressed.extent.names)} Right, "
                       f"{normalized.features}: {describe_descent(normalized.history, normalized.extent.names)}")
        alt = comparison_alt(compressed.history, normalized.history, (compressed.features, normalized.features))
        # One landscape extent for both panels, so the two descents are drawn on the same axes.
        extent = Extent(*(
            (min(a[0], b[0]), max(a[1], b[1]))
            for a, b in ((compressed.extent.x, normalized.extent.x), (compressed.extent.y, normalized.extent.y))
        ), names=compressed.extent.names)
        views = (compressed.descent_view(extent), normalized.descent_view(extent))
        captions = comparison_captions({compressed.features: compressed.history,
                                        normalized.features: normalized.history})
        return Animation(views, alt=alt, description=description, extent=extent, captions=captions)

    parameters = {"left": compressed.parameters, "right": normalized.parameters}
    return [
        Output("loss-comparison", "figure", LOSS_CAPTION, losses, parameters=parameters),
        Output("descent-comparison", "video", CAPTION, descents, parameters=parameters),
    ]
