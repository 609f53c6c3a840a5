"""Beyond the article, after its cat/dog part: where the cat/dog neuron's training went, on slices of its
4,097 parameters.

The article draws landscapes of its two-weight toy only.  Its cat/dog neuron has 4,096 weights and a bias, so
its landscape is drawn as Li et al. (2018) draw a network's: on the plane through the trained parameters
along the two principal directions of the training path, and along two filter-normalized random directions.
The plane is a slice: each figure also says how far the path's snapshots are from it and how different the
loss there is from the loss under their projection.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cached_property
from typing import TYPE_CHECKING, Callable

from render.spec import (
    COLUMN, Animation, Contour, Curves, Descent, Extent, Figure, Landscape, Line, Names, Output, Surface, Table,
    Trail, series,
)
from scenes.catdog import LEARNING_RATE, N_ITER, CatDogScene

if TYPE_CHECKING:
    import numpy as np

    from render.plane import Directions, Projection

# The random plane's range on each direction, Li et al.'s: a step of 1 moves every filter by its own norm.
RANDOM_RANGE = (-1.0, 1.0)
GRID_MARGIN = 0.25  # of the path's span on each axis, left around it
# An axis the path hardly moves along still spans this share of the other's range: a slice, not a line.
NARROWEST_SHARE = 0.2
VIDEO_STEPS = 90  # iterations shown by the video, spaced evenly in log time: most of the change is early
LEVELS = 24
# The planes' words for the loss and a step of the descent: "loss" and "step", not the article's "log loss" and
# "iteration", so that the video's counter of 10,000 steps fits over its panel.
LOSS_WORD, STEP_WORD = "loss", "step"
PATH_COLOR = series(0)
TRUE_COLOR, PLANE_COLOR = series(0), series(3)
CAPTIONS = {
    "catdog-landscape": (
        "The cat/dog neuron's train loss (top) and test loss (middle) on the plane through its trained 4,097 "
        "parameters along the two principal directions of its 10,000-iteration training path, with the path "
        "projected on it; below, the path's true loss beside the plane's loss under each projected point, "
        "since the plane is only a slice."),
    "catdog-landscape-surface": (
        "The cat/dog neuron's train loss in 3D on the plane of its training path's two principal directions, "
        "with the path projected on it; in the interactive view a button shows its test loss there instead."),
    "catdog-landscape-descent": (
        "The cat/dog neuron's 10,000 iterations of training sliding down the plane of its path's two principal "
        "directions, in logarithmic time: the first iterations, where most of the change happens, are shown "
        "as long as the last thousands."),
    "catdog-landscape-random": (
        "The same neuron's train loss along two filter-normalized random directions through its trained "
        "parameters, with the training path projected on them: a random slice misses where training went."),
}


class CatDogLandscape:
    """The trained cat/dog neuron's loss on two planes through its parameters, and its path on them."""

    def __init__(self, scene: CatDogScene):
        self.scene = scene

    @property
    def parameters(self) -> dict[str, object]:
        context = self.scene.context
        return {"learning_rate": LEARNING_RATE, "n_iter": N_ITER, "seed": context.seed,
                "grid_size": context.grid_size, "random_directions_seed": self.random_seed}

    @property
    def random_seed(self) -> int:
        """The random directions' seed: the render's seed, so that ``--seed`` draws another slice."""
        return self.scene.context.seed

    @cached_property
    def data(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Train and test rows and labels, as the neuron was trained on them."""
        X_train, X_test = self.scene.data.flattened()
        return X_train, self.scene.data.train.labels.ravel(), X_test, self.scene.data.test.labels.ravel()

    @cached_property
    def snapshots(self) -> np.ndarray:
        """The parameters every ten iterations and at the end, one row each."""
        from scenes.training import parameters_along

        self.scene.needs_both_classes()
        return parameters_along(self.scene.curves, self.data[0], self.scene.start, LEARNING_RATE)

    @property
    def iterations(self) -> np.ndarray:
        import numpy as np

        return np.append(self.scene.curves.iterations, N_ITER)

    @property
    def trained(self) -> np.ndarray:
        return self.snapshots[-1]

    @cached_property
    def principal(self) -> Directions:
        from render.plane import trajectory_directions

        return trajectory_directions(self.snapshots, self.trained)

    @cached_property
    def random(self) -> Directions:
        from render.plane import random_directions

        # The weights are the neuron's one filter; its bias stays where training left it (Li et al.).
        return random_directions(self.trained, self.random_seed, filters=(slice(0, len(self.trained) - 1),))

    @cached_property
    def principal_slice(self) -> PlaneSlice:
        """The plane of the path's principal directions, computed once for every output drawn from it."""
        return self.slice_along(self.principal, "principal")

    @cached_property
    def random_slice(self) -> PlaneSlice:
        return self.slice_along(self.random, "random")

    def slice_along(self, directions: Directions, kind: str) -> PlaneSlice:
        import numpy as np

        from render.plane import linear_plane_loss, points_on_plane, project

        seen = project(self.snapshots, self.trained, directions)
        extent = (Extent(RANDOM_RANGE, RANDOM_RANGE, names_of(directions)) if kind == "random"
                  else path_extent(seen, names_of(directions)))
        h = self.scene.context.grid_size
        alphas, betas = np.linspace(*extent.x, h), np.linspace(*extent.y, h)
        losses = {split: linear_plane_loss(*neuron_model(*self.split(split)), self.trained, directions, alphas, betas)
                  for split in ("train", "test")}
        points = points_on_plane(self.trained, directions, seen.alpha, seen.beta)
        under = {split: neuron_model(X, y)[1](X @ points[:, :-1].T + points[:, -1])
                 for split, (X, y) in ((split, self.split(split)) for split in ("train", "test"))}
        return PlaneSlice(directions, seen, extent, alphas, betas, losses, under)

    def split(self, split: str) -> tuple[np.ndarray, np.ndarray]:
        X_train, y_train, X_test, y_test = self.data
        return (X_train, y_train) if split == "train" else (X_test, y_test)

    @property
    def true_loss(self) -> np.ndarray:
        """The train loss the neuron had at each snapshot."""
        return self.true_losses["train"]

    @cached_property
    def true_losses(self) -> dict[str, np.ndarray]:
        """Each split's loss the neuron had at each snapshot (the training recorded them; the end's, computed)."""
        import numpy as np

        recorded = {"train": self.scene.curves.train_loss, "test": self.scene.curves.test_loss}
        losses = {}
        for split, curve in recorded.items():
            logits, loss_of_logits = neuron_model(*self.split(split))
            losses[split] = np.append(curve, loss_of_logits(logits(self.trained)[:, None]))
        return losses

    def trail(self, plane: PlaneSlice, steps: np.ndarray | None = None, split: str = "train") -> Trail:
        """The path projected on ``plane``, with the ``split``'s loss it had at each snapshot."""
        keep = slice(None) if steps is None else steps
        return Trail(plane.seen.alpha[keep], plane.seen.beta[keep], self.iterations[keep],
                     self.true_losses[split][keep], label="training path, projected", color=PATH_COLOR)

    def path_table(self, plane: PlaneSlice, splits: tuple[str, ...] = ("train",)) -> Table:
        """Each snapshot's place on ``plane``, its distance from it, and for each of ``splits`` the loss it had
        beside the plane's loss under it."""
        import numpy as np

        seen = plane.seen
        losses = [column for split in splits for column in (self.true_losses[split], plane.under[split])]
        return Table(("iteration", "alpha", "beta", "distance_from_plane",
                      *(name for split in splits for name in (f"{split}_loss", f"plane_{split}_loss"))),
                     np.column_stack([self.iterations, seen.alpha, seen.beta, seen.distance, *losses]))

    def honesty(self, plane: PlaneSlice) -> Curves:
        """The path's true loss beside the plane's under its projection, iterations on a symmetric log axis:
        logarithmic where most of the change is, linear near 0, so that the start, iteration 0, is on it."""
        return Curves(
            (Line(self.iterations, self.true_loss, "true", TRUE_COLOR),
             Line(self.iterations, plane.plane_loss, "the plane's, under it", PLANE_COLOR, linestyle="dashdot")),
            xlabel="iteration", ylabel="train log loss", title="the path's loss",
            xscale="symlog",
        )

    def words(self, plane: PlaneSlice, *splits: str) -> tuple[str, str]:
        """The alt text and the description of ``plane`` with the losses of ``splits``."""
        from scenes.describe import describe_plane, landscape_alt

        losses = [plane.losses[split] for split in splits]
        seen = plane.seen
        return (landscape_alt(plane.directions.explained, self.true_loss, plane.plane_loss),
                describe_plane(plane.directions, plane.extent, seen.distance, self.true_loss, plane.plane_loss,
                               *losses))

    def principal_figure(self) -> Figure:
        plane = self.principal_slice
        train, test = plane.landscape("train"), plane.landscape("test")
        levels = shared_levels(train.loss, test.loss)
        alt, description = self.words(plane, "train", "test")
        return Figure(
            panels=(Contour(train, (self.trail(plane),), levels=levels, ends=True, title="train loss"),
                    Contour(test, (self.trail(plane),), levels=levels, ends=True, legend=False, title="test loss"),
                    self.honesty(plane)),
            size=(COLUMN, 12.0), stacked=True, ratios=(1.0, 1.0, 0.7),
            tables={"": self.path_table(plane, ("train", "test")), "grid": plane.grid_table()},
            alt=alt, description=description, extent=plane.extent,
        )

    def random_figure(self) -> Figure:
        plane = self.random_slice
        train = plane.landscape("train")
        alt, description = self.words(plane, "train")
        return Figure(
            panels=(Contour(train, (self.trail(plane),), levels=shared_levels(train.loss), ends=True,
                            title="train loss"),
                    self.honesty(plane)),
            size=(COLUMN, 8.0), stacked=True, ratios=(1.0, 0.7),
            tables={"": self.path_table(plane), "grid": plane.grid_table()},
            alt=alt, description=description, extent=plane.extent,
        )

    def video_steps(self) -> np.ndarray:
        """Snapshot rows at iterations spaced evenly in log time, the first and the last included."""
        import numpy as np

        rows = np.searchsorted(self.iterations, np.geomspace(1, N_ITER, VIDEO_STEPS))
        return np.unique(np.concatenate([[0], np.clip(rows, 0, len(self.iterations) - 1)]))

    def animation(self) -> Animation:
        from scenes.describe import plane_captions

        plane = self.principal_slice
        steps = self.video_steps()
        train = plane.landscape("train")
        view = Descent(train, (self.trail(plane, steps),), title="train loss, principal plane", loss_scale="log",
                       levels=shared_levels(train.loss), step_scale="log")
        alt, description = self.words(plane, "train")
        return Animation(
            (view,), title="The cat/dog neuron's training, in log time", alt=alt, extent=plane.extent,
            captions=plane_captions(self.iterations[steps], self.true_loss[steps], plane.seen.distance[steps]),
            tables={"": self.path_table(plane)}, description=description,
        )

    def surface(self) -> Surface:
        """The train loss in 3D with the path lifted onto it, and the test loss with the same path, a button
        apart: the still shows the train loss."""
        from scenes.describe import describe_lowest, in_3d

        plane = self.principal_slice
        train, test = (
            Descent(plane.landscape(split, f"{split} {LOSS_WORD}"), (self.trail(plane, split=split),),
                    title=f"{split} {LOSS_WORD}", loss_scale="log")
            for split in ("train", "test"))
        alt, description = self.words(plane, "train", "test")
        lowest = describe_lowest(plane.alphas, plane.betas, {split: plane.losses[split] for split in ("train", "test")})
        return Surface(train, others=(test,), alt=in_3d(alt), extent=plane.extent,
                       description=(f"Interactive 3D surface of the train loss, and of the test loss at a button's "
                                    f"press, each with the path lifted onto it. {description} {lowest}"),
                       tables={"": self.path_table(plane, ("train", "test")), "grid": plane.grid_table()})

    def outputs(self) -> list[Output]:
        scene = self.scene
        made = {"catdog-landscape": ("figure", self.principal_figure),
                "catdog-landscape-surface": ("surface", self.surface),
                "catdog-landscape-descent": ("video", self.animation),
                "catdog-landscape-random": ("figure", self.random_figure)}
        return [Output(name, kind, CAPTIONS[name], build, scene.unavailable, self.parameters, scene.input_files)
                for name, (kind, build) in made.items()]


def shared_levels(*losses: np.ndarray) -> tuple[float, ...]:
    """Levels over every landscape given, so that one colour is one loss on each of them: train and test
    compare at a glance.  Log-spaced, as losses spanning decades are."""
    import numpy as np

    low = min(float(loss.min()) for loss in losses)
    high = max(float(loss.max()) for loss in losses)
    if not high > low:
        high = low * 1.001 + 1e-9
    return tuple(float(level) for level in np.geomspace(max(low, 1e-12), high, LEVELS))


@dataclass(frozen=True)
class PlaneSlice:
    """One plane through the trained neuron: its directions, the path's projection on it, the grid it covers
    and each split's loss there, and each split's loss of the plane under each projected snapshot."""

    directions: Directions
    seen: Projection
    extent: Extent
    alphas: np.ndarray
    betas: np.ndarray
    losses: dict[str, np.ndarray]
    under: dict[str, np.ndarray]

    @property
    def plane_loss(self) -> np.ndarray:
        """The plane's train loss under each projected snapshot: what the honesty panel and the words compare."""
        return self.under["train"]

    def landscape(self, split: str, loss: str = "") -> Landscape:
        """``split``'s loss on the plane, named ``loss`` (else the planes' word for a loss)."""
        names = self.extent.names
        return Landscape(self.alphas, self.betas, self.losses[split],
                         replace(names, loss=loss) if loss else names)

    def grid_table(self) -> Table:
        import numpy as np

        a, b = np.meshgrid(self.alphas, self.betas)
        return Table(("alpha", "beta", *(f"{split}_loss" for split in self.losses)),
                     np.column_stack([a.ravel(), b.ravel(), *(loss.ravel() for loss in self.losses.values())]))


def names_of(directions: Directions) -> Names:
    """The plane's axes in words: each principal direction with its share of the path's variance."""
    if directions.explained is None:
        return Names(("random direction 1", "random direction 2"), loss=LOSS_WORD, step=STEP_WORD)
    return Names(tuple(f"PC{k + 1} ({share:.1%} of the path)" for k, share in enumerate(directions.explained)),
                 loss=LOSS_WORD, step=STEP_WORD)


def path_extent(seen: Projection, names: Names) -> Extent:
    """The path's projection with room around it; an axis it hardly moves along still a fifth of the other."""
    spans = [(float(values.min()), float(values.max())) for values in (seen.alpha, seen.beta)]
    widest = max(high - low for low, high in spans) or 1.0
    ranges = []
    for low, high in spans:
        half = max((high - low) * (1 + 2 * GRID_MARGIN), NARROWEST_SHARE * widest) / 2
        ranges.append(((low + high) / 2 - half, (low + high) / 2 + half))
    return Extent(ranges[0], ranges[1], names)


def neuron_model(X: np.ndarray, y: np.ndarray) -> tuple[Callable, Callable]:
    """The neuron as a plane needs it: its logits, linear in (weights, bias), and its mean loss of them."""
    from scenes.neuron import log_loss_from_logits

    return (lambda theta: X @ theta[:-1] + theta[-1],
            lambda z: log_loss_from_logits(z, y[:, None], axis=0))
