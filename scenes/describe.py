"""Alt text for every output, and the descent videos' captions, written from the numbers they show.

A reader who cannot see a figure should learn what a sighted reader learns
from it: where the loss starts and ends, where the descent goes, how the
classes are split.  A video's captions say the same of each phase of the
descent, while it plays.  These sentences are generated from the recorded
data, so they stay true when a parameter or the seed changes.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Callable, Mapping

from render.spec import Caption
from render.words import (
    CAPTION_PHASES, curvature_words, descent_phases, path_bend, path_shape,
)
from render.words import rises as _rises
from render.words import times as _times

if TYPE_CHECKING:  # array methods only: writing alt text needs no import of NumPy
    import numpy as np

    from render.spec import Extent, Names

# How fast a phase's loss falls against the run's average pace (log scale, per iteration): "fast" from
# twice the average, "slowly" under half of it, "levels off" under a tenth.
FAST_PACE, SLOW_PACE, LEVEL_PACE = 2.0, 0.5, 0.1
# How far the weights move in a phase, of the farthest they get from their start: "creep", "barely move".
CREEP_SHARE, STILL_SHARE = 0.1, 0.02
SHRINKING = 0.9  # a zig-zag whose largest swing is under this share of the previous phase's "shrinks"


def describe_loss_curve(iterations: np.ndarray, loss: np.ndarray, what: str = "Log loss") -> str:
    rises = _rises(loss)
    shape = "falling steadily" if rises == 0 else f"going back up {rises} times on the way"
    return (f"{what} over {int(iterations[-1]):,} iterations of gradient descent: "
            f"from {loss[0]:.3g} at the start to {loss[-1]:.3g} at the end, {shape}.")


def describe_descent(history: np.ndarray, names: Names) -> str:
    """Where the weights start and end, and how the loss falls (rows ``W0, W1, b, i, loss``); the weights named
    as ``names`` name the pair (the article's ``W = (-7.5, 7.5)``)."""
    start, end = history[0], history[-1]
    rises = _rises(history[:, 4])
    path = (path_shape(history[:, 0], history[:, 1]) if rises == 0
            else f"zig-zagging (the loss goes back up {rises} times)")
    return (f"The descent starts at {names.at(f'({start[0]:.1f}, {start[1]:.1f})')} and ends at "
            f"({end[0]:.1f}, {end[1]:.1f}) after {int(end[3])} steps, {path}, "
            f"while the loss falls from {start[4]:.3g} to {end[4]:.3g}.")


def _number(value: float) -> str:
    """``-7.5``, one decimal, and ``0.0`` rather than ``-0.0`` for a weight just below zero."""
    return f"{round(float(value), 1) + 0.0:.1f}"


def _point(row: np.ndarray) -> str:
    """``(-7.5, 7.5)``: the weights of a history row, as :func:`describe_descent` writes them."""
    return f"({_number(row[0])}, {_number(row[1])})"


def _swinging(weights: np.ndarray) -> int:
    """Which weight zig-zags: the one that travels furthest beyond the ground it gains."""
    excess = [abs(weights[1:, j] - weights[:-1, j]).sum() - abs(weights[-1, j] - weights[0, j]) for j in (0, 1)]
    return int(excess[1] > excess[0])


def _zigzag(history: np.ndarray, first: int, last: int, before: int | None, numbers: bool) -> str:
    """A phase in which the loss goes back up: how high it jumps, and the weight swinging across the valley."""
    loss, weights = history[first: last + 1, 4], history[first: last + 1, :2]
    rises = _rises(loss)
    if loss[0] >= loss.max():  # it starts above the whole phase: the fall is what shows
        how = f"falls from {loss[0]:.3g} to {loss[-1]:.3g}, going back up {rises} times,"
    else:
        how = f"jumps between {loss.min():.3g} and {loss.max():.3g}, going back up {rises} times,"
    w = _swinging(weights)
    swing = f"W{w} swings across the valley"
    if before is not None and _rises(history[before: first + 1, 4]):
        largest = abs(weights[1:, w] - weights[:-1, w]).max()
        previous = abs(history[before + 1: first + 1, w] - history[before: first, w]).max()
        swing = (f"W{w}'s swings across the valley shrink" if largest < SHRINKING * previous
                 else f"W{w} keeps swinging across the valley")
    other = 1 - w
    moves = f" and W{other} moves from {_number(weights[0, other])} to {_number(weights[-1, other])}" if numbers else ""
    return f"the loss {how} as {swing}{moves}"


def _fall(start: float, end: float) -> float:
    """How far a loss falls on a log scale (a loss of 0 is infinitely far), or 0 if it does not."""
    return 0.0 if end >= start else math.inf if end <= 0 else math.log(start / end)


def _straight(history: np.ndarray, first: int, last: int, numbers: bool) -> str:
    """A phase in which the loss never goes back up: how fast it falls, against the whole run, and how far the
    weights go."""
    start, end = history[first, 4], history[last, 4]
    run = _fall(history[0, 4], history[-1, 4]) / max(len(history) - 1, 1)  # the run's average fall per iteration
    pace = _fall(start, end) / max(last - first, 1) / run if run > 0 else 0.0
    if f"{end:.3g}" == f"{start:.3g}":
        how = f"stays at {end:.3g}"
    elif end > start:
        how = f"rises from {start:.3g} to {end:.3g}"
    elif pace < LEVEL_PACE:
        how = f"levels off, from {start:.3g} to {end:.3g},"
    elif pace < SLOW_PACE:
        how = f"falls slowly, from {start:.3g} to {end:.3g},"
    elif pace >= FAST_PACE:
        how = f"falls fast, from {start:.3g} to {end:.3g},"
    else:
        how = f"falls from {start:.3g} to {end:.3g}"
    weights = history[:, :2]
    farthest = float(((weights - weights[0]) ** 2).sum(axis=1).max()) ** 0.5
    moved = float(((weights[last] - weights[first]) ** 2).sum()) ** 0.5 / (farthest or 1.0)
    bend, angle = path_bend(history[first: last + 1, 0], history[first: last + 1, 1])
    along = {"straight": "move straight", "curving": f"curve smoothly through about {angle}°",
             "sharp": "turn sharply back and forth"}[bend]
    verb = "barely move" if moved < STILL_SHARE else "creep" if moved < CREEP_SHARE else along
    where = f" from {_point(history[first])} to {_point(history[last])}" if numbers else ""
    return f"the loss {how} as the weights {verb}{where}"


def describe_phase(history: np.ndarray, first: int, last: int, before: int | None = None,
                   numbers: bool = True) -> str:
    """What iterations ``first`` to ``last`` of a descent show, in the words of :func:`describe_descent`.

    ``the loss falls fast, from 17.2 to 0.204, as the weights curve smoothly through about 90° from (-7.5, 7.5) to
    (0.6, -1.1)`` ("straight" only as :func:`render.words.path_bend` measures it),
    or, where the loss goes back up, ``the loss jumps between 0.664 and 68.7, going back up 8 times, as W1
    keeps swinging across the valley and W0 moves from 0.5 to 6.7``.  ``before`` is where the previous
    phase began (its swings are compared); without ``numbers`` no weight is given (two descents in a caption).
    """
    if _rises(history[first: last + 1, 4]):
        return _zigzag(history, first, last, before, numbers)
    return _straight(history, first, last, numbers)


def _iterations(first: int, last: int) -> str:
    return f"Iterations {first}–{last}"


def descent_captions(history: np.ndarray, count: int = CAPTION_PHASES, numbers: bool = True,
                     meanwhile: Callable[[int, int], str] | None = None) -> tuple[Caption, ...]:
    """A descent video's captions: a few phases of the run, each in the words of :func:`describe_phase` (without
    the weights where not ``numbers``), and what ``meanwhile(first, last)`` says happens beside it."""
    phases = descent_phases([history[:, 4]], count)
    captions = []
    for n, (first, last) in enumerate(phases):
        before = phases[n - 1][0] if n else None
        also = f"; {meanwhile(first, last)}" if meanwhile else ""
        captions.append(Caption(first, last, f"{_iterations(first, last)}: "
                                             f"{describe_phase(history, first, last, before, numbers)}{also}."))
    return tuple(captions)


def comparison_captions(histories: Mapping[str, np.ndarray], count: int = CAPTION_PHASES) -> tuple[Caption, ...]:
    """Captions for descents side by side on one clock: each cue says what each does, by name
    (``Iterations 0–20. Compressed: the loss ...; normalized: the loss ...``)."""
    phases = descent_phases([h[:, 4] for h in histories.values()], count)
    captions = []
    for n, (first, last) in enumerate(phases):
        before = phases[n - 1][0] if n else None
        parts = []
        for name, h in histories.items():
            end = len(h) - 1  # a shorter run shows its end from then on
            parts.append(f"{name}: {describe_phase(h, min(first, end), min(last, end), before, numbers=False)}")
        text = "; ".join(parts)
        captions.append(Caption(first, last, f"{_iterations(first, last)}. {text[:1].upper()}{text[1:]}."))
    return tuple(captions)


def race_captions(histories: Mapping[str, np.ndarray], count: int = CAPTION_PHASES) -> tuple[Caption, ...]:
    """Captions for many descents on one landscape and one clock (the optimizers): each cue ranks them by their
    loss where its phase ends and names those whose loss went back up in it, and how often (``Iterations 0–25.
    Loss at iteration 25, lowest first: RMSProp 0.211, gradient descent 5.08, ..., momentum 25.3. Going back up:
    gradient descent 8 times, momentum 12 times, ...``)."""
    phases = descent_phases([h[:, 4] for h in histories.values()], count)
    captions = []
    for first, last in phases:
        at = {name: h[min(last, len(h) - 1)] for name, h in histories.items()}
        ranked = ", ".join(f"{name} {row[4]:.3g}" for name, row in sorted(at.items(), key=lambda item: item[1][4]))
        rises = {name: _rises(h[first: last + 1, 4]) for name, h in histories.items()}
        back = ", ".join(f"{name} {_times(n)}" for name, n in rises.items() if n) or "none"
        captions.append(Caption(first, last, f"{_iterations(first, last)}. Loss at iteration {last}, lowest first: "
                                             f"{ranked}. Going back up: {back}."))
    return tuple(captions)


def _share(value: float) -> str:
    """``87%``: a share of the points, as the boundary panel's title writes it."""
    return f"{value:.0%}"


def _percent(shares: np.ndarray) -> np.ndarray:
    """Shares in whole percents, as :func:`_share` writes them."""
    return (shares * 100).round()


def describe_accuracy(accuracy: np.ndarray, first: int, last: int) -> str:
    """How the share of points a moving decision boundary classifies right changes over iterations ``first`` to
    ``last``: ``the boundary's accuracy rises from 15% to 94%``, or, where it drops on the way, ``the boundary's
    accuracy goes from 39% to 63%, between 13% and 63%, dropping 10 times``."""
    shares = accuracy[first: last + 1]
    shown = _percent(shares)  # as the words give them: no change under a percent counts
    drops, rises = int((shown[1:] < shown[:-1]).sum()), int((shown[1:] > shown[:-1]).sum())
    start, end = _share(shares[0]), _share(shares[-1])
    if not drops and not rises:
        return f"the boundary classifies {end} of the points right throughout"
    if not drops:
        return f"the boundary's accuracy rises from {start} to {end}"
    if not rises:
        return f"the boundary's accuracy falls from {start} to {end}"
    low, high = _share(shares.min()), _share(shares.max())
    within = "" if {low, high} <= {start, end} else f", between {low} and {high}"
    return f"the boundary's accuracy goes from {start} to {end}{within}, dropping {_times(drops)}"


def boundary_captions(history: np.ndarray, accuracy: np.ndarray, count: int = CAPTION_PHASES) -> tuple[Caption, ...]:
    """A moving decision boundary's captions: each phase of its descent, without the weights (the boundary's words
    take their room on screen), and what the boundary does meanwhile."""
    return descent_captions(history, count, numbers=False,
                            meanwhile=lambda first, last: describe_accuracy(accuracy, first, last))


def describe_boundary(accuracy: np.ndarray) -> str:
    """The whole run of a moving decision boundary: where its accuracy starts, peaks and ends, and how often it
    drops."""
    shown = _percent(accuracy)
    drops = int((shown[1:] < shown[:-1]).sum())
    best = int(accuracy.argmax())
    shape = "never dropping" if drops == 0 else f"dropping {_times(drops)} on the way"
    return (f"The share of points it classifies right starts at {_share(accuracy[0])}, first reaches its best, "
            f"{_share(accuracy[best])}, at iteration {best} and ends at {_share(accuracy[-1])}, {shape}.")


def describe_extent(extent: Extent) -> str:
    """``W0 and W1 from -15 to 15`` (or each parameter's own range): what a landscape covers, by the names it
    carries, for its alt text and for the line that refuses to draw it."""
    (x_low, x_high), (y_low, y_high) = extent.x, extent.y
    first, second = extent.names.parameters
    if extent.x == extent.y:
        return f"{first} and {second} from {x_low:g} to {x_high:g}"
    return f"{first} from {x_low:g} to {x_high:g} and {second} from {y_low:g} to {y_high:g}"


def describe_surface(loss: np.ndarray, extent: Extent) -> str:
    """The loss over ``extent``, its parameters by the names it carries."""
    return f"Loss over {describe_extent(extent)}, ranging from {loss.min():.3g} to {loss.max():.3g}."


def describe_minimum(steep: float, shallow: float) -> str:
    """``Near its minimum the loss is a long, narrow trough, 720 times steeper across than along (curvatures 29.2
    and 0.0403).``: the landscape's measured shape, from the two curvatures of the loss there."""
    return (f"Near its minimum the loss is {curvature_words(steep, shallow)} (curvatures {steep:.3g} and "
            f"{shallow:.3g}).")


def describe_scatter(X: np.ndarray, y: np.ndarray, scale: float) -> str:
    counts = [int((y == label).sum()) for label in (0, 1)]
    return (f"Scatter of {len(X)} points in two classes ({counts[0]} and {counts[1]}); "
            f"feature 0 spans {X[:, 0].min():.1f} to {X[:, 0].max():.1f}, feature 1 (x {scale:g}) spans "
            f"{X[:, 1].min():.1f} to {X[:, 1].max():.1f}.")


def describe_learning_curves(n_iter: int, train_loss, test_loss, train_accuracy, test_accuracy,
                             chance: float | None = None) -> str:
    """The curves' ends, and where ``chance`` (the accuracy of always answering the larger class) is drawn."""
    line = "" if chance is None else (f" A dashed line marks chance, {chance:.0%}: the accuracy of always "
                                      f"answering the larger class; test accuracy ends "
                                      f"{abs(test_accuracy[-1] - chance) * 100:.0f} points "
                                      f"{'above' if test_accuracy[-1] >= chance else 'below'} it.")
    return (f"Learning curves over {n_iter:,} iterations: train loss falls from "
            f"{train_loss[0]:.3g} to {train_loss[-1]:.3g} and test loss from {test_loss[0]:.3g} to "
            f"{test_loss[-1]:.3g}; train accuracy goes from {train_accuracy[0]:.0%} to {train_accuracy[-1]:.0%}, "
            f"test accuracy ends at {test_accuracy[-1]:.0%}.{line}")


def describe_samples(labels: np.ndarray, side: int) -> str:
    cats = int((labels == 0).sum())
    dogs = int((labels == 1).sum())
    return (f"{len(labels)} grey {side}x{side} training photos, {cats} cats above {dogs} dogs, "
            f"each titled with its label, cat (0) or dog (1).")


def _region(row: int, col: int, side: int) -> str:
    """Where a pixel lies in an image, in thirds: ``top left``, ``centre``, ``bottom middle``..."""
    third = lambda k: min(3 * k // side, 2)  # noqa: E731
    vertical = ("top", "middle", "bottom")[third(row)]
    horizontal = ("left", "middle", "right")[third(col)]
    return "centre" if vertical == horizontal == "middle" else f"{vertical} {horizontal}"


def describe_weights(weights: np.ndarray, start: np.ndarray, mean_cat: np.ndarray, mean_dog: np.ndarray,
                     n_cats: int, n_dogs: int, n_iter: int) -> str:
    """The cat/dog neuron's weights as an image (``weights`` and their random ``start``, both (side, side)),
    beside the mean training dog minus the mean cat (grey levels)."""
    import numpy as np

    side = weights.shape[0]
    flat, begun = weights.ravel(), start.ravel()
    high, low = np.unravel_index(int(flat.argmax()), weights.shape), np.unravel_index(int(flat.argmin()), weights.shape)
    difference = (mean_dog - mean_cat).ravel()
    correlate = lambda a, b: float(np.corrcoef(a, b)[0, 1]) if a.std() and b.std() else 0.0  # noqa: E731
    kept = correlate(flat, begun)
    changed = flat - begun
    return (f"The cat/dog neuron's {flat.size:,} weights after {n_iter:,} iterations as a {side}x{side} image, "
            f"red above 0 (towards dog) and blue below (towards cat): they range from {flat.min():.2f} to "
            f"{flat.max():.2f} and {(flat > 0).mean():.0%} are positive. The largest, {flat.max():.2f}, is at "
            f"row {high[0]}, column {high[1]} ({_region(*high, side)}); the most negative, {flat.min():.2f}, "
            f"at row {low[0]}, column {low[1]} ({_region(*low, side)}). "
            f"They correlate {kept:.2f} with their random start (training moved each by "
            f"{np.abs(changed).mean():.2f} on average) and {correlate(flat, difference):.2f} with the mean "
            f"dog minus the mean cat. What training changed, the weights minus their start, is drawn beside them: "
            f"from {changed.min():.2f} to {changed.max():.2f}, correlating {correlate(changed, difference):.2f} "
            f"with the mean dog minus the mean cat. Beside those, the mean of the {n_dogs:,} training dogs minus the "
            f"mean of the {n_cats:,} cats, red where dogs are brighter and blue where cats are, on a scale "
            f"symmetric around 0: from {difference.min():.0f} to {difference.max():.0f} grey levels (of 0 black to "
            f"255 white), {(difference > 0).mean():.0%} of the pixels brighter in dogs; on average a cat is "
            f"{mean_cat.mean():.0f} and a dog {mean_dog.mean():.0f}.")


# -- short alt texts: the point first, within render.words.ALT_LENGTH; the numbers above go in the description --
def descent_path(history: np.ndarray) -> str:
    """``zig-zags (the loss goes back up 8 times)``, ``heads straight down`` or ``curves smoothly down (turning
    about 110°)``: what a descent does, in the words every short alt text uses; "straight" only as
    :func:`render.words.path_bend` measures it."""
    rises = _rises(history[:, 4])
    if rises:
        return f"zig-zags (the loss goes back up {_times(rises)})"
    bend, angle = path_bend(history[:, 0], history[:, 1])
    return {"straight": "heads straight down", "curving": f"curves smoothly down (turning about {angle}°)",
            "sharp": "goes down turning sharply back and forth"}[bend]


def descent_alt(history: np.ndarray, features: str) -> str:
    """``Gradient descent zig-zags (the loss goes back up 8 times) on unscaled features, from loss 17.2 to 0.242
    in 100 steps`` (``features``: what the features are, in the post's words)."""
    return (f"Gradient descent {descent_path(history)} on {features}, from loss {history[0, 4]:.3g} to "
            f"{history[-1, 4]:.3g} in {int(history[-1, 3])} steps")


def loss_curve_alt(loss: np.ndarray, what: str) -> str:
    """``The log loss on unscaled features goes back up 8 times while falling from 17.2 to 0.242``."""
    rises = _rises(loss)
    how = f"goes back up {_times(rises)} while falling" if rises else "falls steadily"
    return f"{what} {how} from {loss[0]:.3g} to {loss[-1]:.3g}"


def scatter_alt(X: np.ndarray, y: np.ndarray) -> str:
    """How the classes lie and how the features' ranges compare: what the blobs figure is there to show."""
    counts = [int((y == label).sum()) for label in (0, 1)]
    spans = [float(X[:, j].max() - X[:, j].min()) for j in (0, 1)]
    ratio = spans[1] / spans[0] if spans[0] else math.inf
    scale = ("on features of similar ranges" if 0.5 <= ratio <= 2
             else f"feature 1 spanning {ratio:.0f} times the range of feature 0")
    return f"Two classes of points ({counts[0]} and {counts[1]}), {scale}"


def learning_curves_alt(n_iter: int, train_loss, test_loss, train_accuracy, test_accuracy) -> str:
    return (f"After {n_iter:,} iterations, train accuracy reaches {train_accuracy[-1]:.0%} and test accuracy "
            f"{test_accuracy[-1]:.0%}; train loss falls from {train_loss[0]:.3g} to {train_loss[-1]:.3g}")


def weights_alt(weights: np.ndarray, start: np.ndarray, mean_cat: np.ndarray, mean_dog: np.ndarray) -> str:
    """How much of the trained weights is their random start, and how much what training changed looks like a
    dog minus a cat: the two numbers the picture argues from."""
    import numpy as np

    flat, begun, difference = weights.ravel(), start.ravel(), (mean_dog - mean_cat).ravel()
    correlate = lambda a, b: float(np.corrcoef(a, b)[0, 1]) if a.std() and b.std() else 0.0  # noqa: E731
    kept, learned = correlate(flat, begun), correlate(flat - begun, difference)
    return (f"The trained weights correlate {kept:.2f} with their random start; what training changed correlates "
            f"{learned:.2f} with the mean dog minus the mean cat")


def comparison_alt(first: np.ndarray, second: np.ndarray, names: tuple[str, str]) -> str:
    """Two descents side by side: what each does, in :func:`descent_path`'s words (``names``: the features of
    each, ``unscaled features``)."""
    return f"Gradient descent {descent_path(first)} on {names[0]} and {descent_path(second)} on {names[1]}"


def boundary_alt(history: np.ndarray, accuracy: np.ndarray) -> str:
    """What the moving boundary does to the share of points classified right, as the descent moves it."""
    shown = _percent(accuracy)
    drops = int((shown[1:] < shown[:-1]).sum())
    how = f"dropping {_times(drops)} on the way" if drops else "never dropping"
    return (f"As gradient descent {descent_path(history)}, the decision boundary's accuracy goes from "
            f"{_share(accuracy[0])} to {_share(accuracy[-1])}, {how}")


def in_3d(alt: str) -> str:
    """A still's short alt text for the same in 3D."""
    return f"In 3D, {alt[:1].lower()}{alt[1:]}"


def _gap(true_loss: np.ndarray, plane_loss: np.ndarray) -> tuple[float, int]:
    """The largest |true loss - plane's loss| along a path, and the snapshot where it is."""
    gaps = abs(true_loss - plane_loss)
    worst = int(gaps.argmax())
    return float(gaps[worst]), worst


def landscape_alt(explained: tuple[float, float] | None, true_loss: np.ndarray, plane_loss: np.ndarray) -> str:
    """A plane through a model's parameters in a sentence: what its axes hold of the path and how far the path's
    loss is from the plane's (the numbers of :func:`describe_plane`, the description, left out)."""
    axes = ("two random directions" if explained is None else
            f"the path's principal directions ({explained[0] + explained[1]:.0%} of it)")
    gap, _ = _gap(true_loss, plane_loss)
    return (f"Loss on a plane of {axes}: the path's loss falls from {true_loss[0]:.3g} to "
            f"{true_loss[-1]:.3g}, up to {gap:.2g} off the plane's")


def describe_plane(directions, extent: Extent, distance: np.ndarray, true_loss: np.ndarray,
                   plane_loss: np.ndarray, *losses: np.ndarray) -> str:
    """Every number of a plane's figure the alt text leaves out: the directions, the grid, the honesty of the
    path's projection, and each loss's range (train, then test where given)."""
    source = (f"filter-normalized random directions drawn with seed {directions.seed}"
              if directions.explained is None else
              f"the top two principal components of the training path, explaining {directions.explained[0]:.1%} "
              f"and {directions.explained[1]:.1%} of its variance")
    gap, worst = _gap(true_loss, plane_loss)
    names = ("train", "test")
    ranges = "; ".join(f"{names[k]} loss from {loss.min():.3g} to {loss.max():.3g}" for k, loss in enumerate(losses))
    return (f"The plane through the trained parameters along {source}, over {describe_extent(extent)}: {ranges}. "
            f"The path's snapshots lie up to {distance.max():.3g} from the plane (median {float(_median(distance)):.3g}); "
            f"the largest gap between a snapshot's true loss and the plane's loss under it is {gap:.3g}, "
            f"at snapshot {worst} of {len(true_loss)}.")


def describe_lowest(alphas: np.ndarray, betas: np.ndarray, losses: Mapping[str, np.ndarray]) -> str:
    """Where each loss (by name: train, test) is lowest on a plane's grid (``loss[j, i]`` at ``(alphas[i],
    betas[j])``), the trained parameters being its origin: a test loss lowest away from where the train loss is
    lowest is overfitting, seen on the plane."""
    places = []
    for name, loss in losses.items():
        row, column = divmod(int(loss.argmin()), loss.shape[1])
        places.append(f"the {name} loss is lowest ({float(loss[row, column]):.3g}) at "
                      f"({float(alphas[column]):.3g}, {float(betas[row]):.3g})")
    return f"On the grid, {' and '.join(places)}; the trained parameters are at (0, 0)."


def _median(values: np.ndarray) -> float:
    ordered = sorted(float(v) for v in values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def plane_captions(iterations: np.ndarray, true_loss: np.ndarray, distance: np.ndarray,
                   count: int = CAPTION_PHASES) -> tuple[Caption, ...]:
    """A video of a path on a plane, its steps spaced in log time: each phase says which iterations it shows,
    how the loss falls and how far from the plane the path is there (captions count the video's steps)."""
    rows = len(iterations)
    bounds = [round(k * (rows - 1) / count) for k in range(count + 1)]
    captions = []
    for first, last in zip(bounds[:-1], bounds[1:]):
        start = first if not captions else first + 1
        if start > last:
            continue
        span = (f"Iterations {int(iterations[start])}–{int(iterations[last])}" if last > start
                else f"Iteration {int(iterations[start])}")
        far = max(float(d) for d in distance[start:last + 1])
        captions.append(Caption(start, last, f"{span}: the train loss goes from {true_loss[start]:.3g} to "
                                             f"{true_loss[last]:.3g}, the path at most {far:.3g} from the plane."))
    return tuple(captions)
