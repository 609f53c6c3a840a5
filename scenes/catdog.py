"""Part 4-5 of the article: the cat/dog images and the neuron's learning curves."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from render.spec import COLUMN, FOREGROUND, Curves, Figure, Heatmap, Images, Line, Output, Table
from scenes.context import SceneContext
from scenes.describe import (
    describe_learning_curves, describe_samples, describe_weights, learning_curves_alt, weights_alt,
)
from scenes.data import (
    CATDOG_FILES, HOW_TO_POINT, CatDogData, DatasetError, load_catdog, missing_catdog_files, one_class_only,
)

if TYPE_CHECKING:
    from scenes.neuron import Parameters
    from scenes.training import LearningCurves

LEARNING_RATE = 0.01
N_ITER = 10_000
# As many cats as dogs, drawn at random (seeded) from the training set: the article's X_train[1] .. X_train[9]
# happen to be 6 cats and 3 dogs of a set that holds 500 of each.  A row of cats above a row of dogs.
SAMPLES_PER_CLASS = 4
CLASS_NAMES = {0: "cat", 1: "dog"}


class CatDogScene:
    """Loads the article's images once and trains the neuron once per render.

    The training code (and the NumPy and SciPy it runs on) is imported when
    the neuron is trained or a figure built, not when the outputs are declared.
    """

    def __init__(self, context: SceneContext):
        self.context = context

    def unavailable(self) -> str | None:
        missing = missing_catdog_files(self.context.data_dir)
        if not missing:
            return None
        return f"needs {' and '.join(missing)} in {self.context.data_dir}: {HOW_TO_POINT}"

    def input_files(self) -> tuple[Path, ...]:
        return tuple(self.context.data_dir / name for name, _, _ in CATDOG_FILES.values())

    @cached_property
    def data(self) -> CatDogData:
        return load_catdog(self.context.data_dir)

    def needs_both_classes(self) -> None:
        """Refuse, in one line, a training set of cats only or dogs only (or of one image): trained on it, the
        neuron learns to tell nothing apart, and the mean of the missing class is NaN in the figure, its CSV
        and its alt text."""
        train_file = CATDOG_FILES["train"][0]
        single = one_class_only(self.data.train, self.context.data_dir / train_file)
        if single:
            raise DatasetError(f"needs both cats and dogs in the training set, to learn to tell them apart; "
                               f"{single}: use the article's {train_file}")

    @cached_property
    def start(self) -> Parameters:
        """The neuron's random start, one weight per pixel, seeded: where training begins."""
        from scenes.neuron import initialisation

        return initialisation(self.data.train.images[0].size, self.context.rng("catdog-initialisation"))

    @cached_property
    def curves(self) -> LearningCurves:
        from scenes.training import learning_curves

        X_train, X_test = self.data.flattened()
        return learning_curves(
            X_train, self.data.train.labels, X_test, self.data.test.labels, self.start, LEARNING_RATE, N_ITER
        )

    def samples(self) -> Figure:
        import numpy as np

        all_labels = self.data.train.labels[:, 0].astype(int)
        rng = self.context.rng("catdog-samples")
        # The same number of each class present (as many as the smaller has, up to SAMPLES_PER_CLASS), a row each.
        present = [label for label in CLASS_NAMES if (all_labels == label).any()]
        per_class = min(SAMPLES_PER_CLASS, *(int((all_labels == label).sum()) for label in present))
        indices = [int(i) for label in present
                   for i in np.sort(rng.choice(np.flatnonzero(all_labels == label), per_class, replace=False))]
        labels = all_labels[indices]
        titles = tuple(f"{CLASS_NAMES[label]} ({label})" for label in labels)
        return Figure(
            panels=(Images(images=self.data.train.images[indices], titles=titles, columns=per_class),),
            size=(COLUMN, COLUMN / per_class * len(present) + 0.5),
            tables={"": Table(("index", "label"), np.column_stack([indices, labels]))},
            alt=describe_samples(labels, self.data.train.images.shape[1]),
        )

    def learning_curves(self) -> Figure:
        import numpy as np

        self.needs_both_classes()
        c = self.curves
        it = c.iterations
        # Chance: the accuracy of always answering the training set's larger class (50% on the article's 500/500).
        chance = max(float(self.data.train.labels.mean()), 1 - float(self.data.train.labels.mean()))
        return Figure(
            panels=(
                Curves(
                    (Line(it, c.train_loss, "train loss", FOREGROUND),
                     Line(it, c.test_loss, "test loss", FOREGROUND, linestyle="dashdot")),
                    xlabel="iteration", ylabel="log loss", title="Loss",
                ),
                Curves(
                    (Line(it, c.train_accuracy, "train acc", FOREGROUND),
                     Line(it, c.test_accuracy, "test acc", FOREGROUND, linestyle="dashdot"),
                     Line(it[[0, -1]], np.array([chance, chance]), f"chance ({chance:.0%})", FOREGROUND,
                          width=1.0, linestyle="dashed")),
                    xlabel="iteration", ylabel="accuracy", title="Accuracy",
                ),
            ),
            size=(COLUMN, 3.4),
            tables={
                "": Table(
                    ("iteration", "train_loss", "test_loss", "train_accuracy", "test_accuracy"),
                    np.column_stack([it, c.train_loss, c.test_loss, c.train_accuracy, c.test_accuracy]),
                )
            },
            alt=learning_curves_alt(N_ITER, c.train_loss, c.test_loss, c.train_accuracy, c.test_accuracy),
            description=describe_learning_curves(N_ITER, c.train_loss, c.test_loss, c.train_accuracy,
                                                 c.test_accuracy, chance),
        )

    def weights(self) -> Figure:
        """The trained neuron's weights as an image, what training changed of them (their random start taken
        away), and the mean training cat and dog: what it looks at."""
        import numpy as np

        self.needs_both_classes()
        images, labels = self.data.train.images, self.data.train.labels[:, 0]
        shape = images.shape[1:]
        # flattened() makes each image a row in C order (row by row), so W reshapes back the same way:
        # weights[r, c] multiplies pixel (r, c) (dividing by the train maximum moves no pixel).
        weights = self.curves.params.W[:, 0].reshape(shape)
        start = self.start.W[:, 0].reshape(shape)
        means = np.stack([images[labels == label].mean(axis=0) for label in (0, 1)])
        # Where a dog is brighter than a cat on average (red) and darker (blue): one map on the weights' diverging
        # colours, symmetric around 0, instead of two grey thumbnails a reader would have to subtract.
        difference = means[1] - means[0]
        rows, cols = np.indices(shape)
        # The trained weights are mostly their random start (training moves each by a fraction of it), so on
        # their own they look like noise; what training changed, beside them, is what the neuron learned.
        return Figure(
            panels=(
                Heatmap(weights, colorbar_label="weight", title="trained weights"),
                Heatmap(weights - start, colorbar_label="change", title="what training changed"),
                Heatmap(difference, colorbar_label="grey levels", title="mean dog − mean cat"),
            ),
            size=(COLUMN, 3.3),
            tables={"": Table(
                ("row", "col", "weight", "initial_weight", "mean_cat", "mean_dog"),
                np.column_stack([rows.ravel(), cols.ravel(), weights.ravel(), start.ravel(),
                                 means[0].ravel(), means[1].ravel()]),
            )},
            alt=weights_alt(weights, start, means[0], means[1]),
            description=describe_weights(weights, start, means[0], means[1], int((labels == 0).sum()),
                                         int((labels == 1).sum()), N_ITER),
        )

    def outputs(self) -> list[Output]:
        return [
            Output(
                "catdog-samples", "figure",
                f"{SAMPLES_PER_CLASS} cats and {SAMPLES_PER_CLASS} dogs drawn at random from the 1,000 grey 64x64 "
                "training images (500 of each), with their labels (0 = cat, 1 = dog): what the neuron has to tell "
                "apart from raw pixels.",
                self.samples, self.unavailable, {"per_class": SAMPLES_PER_CLASS, "seed": self.context.seed},
                self.input_files,
            ),
            Output(
                "catdog-learning-curves", "figure",
                "Train and test log loss (left) and accuracy (right) every 10 iterations while one neuron "
                f"learns cats from dogs for {N_ITER:,} iterations at learning rate {LEARNING_RATE}.",
                self.learning_curves, self.unavailable,
                {"learning_rate": LEARNING_RATE, "n_iter": N_ITER, "seed": self.context.seed},
                self.input_files,
            ),
            Output(
                "catdog-weights", "figure",
                "The neuron's 4,096 trained weights as a 64x64 image, red where a brighter pixel pushes it towards "
                "dog and blue towards cat, then what training changed (the weights minus their random start), "
                "beside the mean training dog minus the mean cat (red where dogs are brighter), each on a scale "
                "symmetric around 0.",
                self.weights, self.unavailable,
                {"learning_rate": LEARNING_RATE, "n_iter": N_ITER, "seed": self.context.seed},
                self.input_files,
            ),
        ]
