"""Alt text and captions for descents on a loss landscape, written from the numbers drawn, in the post's words.

A reader who cannot see a contour or a video should learn what a sighted
reader learns from it: where each descent starts and ends, which one goes
fastest, which one turns back up or leaves the landscape.  Every sentence is
generated from the recorded trails and names parameters, the loss and the
steps as the post's :class:`~render.spec.Names` do, so it stays true when a
post changes a learning rate and never uses another post's vocabulary.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

from render.spec import Caption, Names

if TYPE_CHECKING:
    import numpy as np

    from render.spec import Content, Extent, Trail

# A video's captions: this many phases of the run, each a few seconds of it.
CAPTION_PHASES = 4
# The longest alt text worth giving: what a screen reader reads in one breath before the page goes on.  Every
# number beyond it belongs in the long description, which a reader opens when they want it.
ALT_LENGTH = 150


def long_description(content: Content) -> list[str]:
    """The paragraphs shown under an output on request: its description, then, for a video, what each phase
    shows (its descriptions track, as text a reader can read at their own pace and search)."""
    paragraphs = [content.description, *(caption.text for caption in getattr(content, "captions", ()))]
    return [" ".join(paragraph.split()) for paragraph in paragraphs if paragraph.strip()]


def rises(values: np.ndarray) -> int:
    """How many times a curve goes up again: the zig-zag of a descent across a valley."""
    return int((values[1:] > values[:-1]).sum())


def times(count: int) -> str:
    return "once" if count == 1 else f"{count} times"


def descent_phases(losses: list[np.ndarray], count: int = CAPTION_PHASES) -> list[tuple[int, int]]:
    """Step ranges ``(first, last)`` that split a run into ``count`` phases of about equal length.

    Each phase ends where the next begins, and each inner end is moved to the nearest trough of a loss
    (of any of ``losses``: descents shown together) within a quarter of a phase: a zig-zagging descent then
    changes caption on the valley floor, between two swings, and no caption cuts a swing in half.
    """
    steps = max(len(loss) for loss in losses) - 1
    count = max(1, min(count, steps))
    troughs = {k for loss in losses for k in range(1, len(loss) - 1) if loss[k - 1] >= loss[k] < loss[k + 1]}
    reach = steps // (4 * count)
    ends = []
    for j in range(1, count):
        even = round(j * steps / count)
        near = [k for k in troughs if abs(k - even) <= reach]
        ends.append(min(near, key=lambda k: (abs(k - even), k)) if near else even)
    bounds = [0, *ends, steps]
    return list(zip(bounds, bounds[1:]))


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _pair(names: Names, x: float, y: float) -> str:
    return names.at(f"({x:.3g}, {y:.3g})")


def describe_landscape(loss: np.ndarray, extent: Extent) -> str:
    """``MSE over slope from -1 to 5 and intercept from -2 to 4, ranging from 0.25 to 310.``"""
    names = extent.names
    first, second = names.parameters
    (x_low, x_high), (y_low, y_high) = extent.x, extent.y
    return (f"{_capital(names.loss)} over {first} from {x_low:.3g} to {x_high:.3g} and {second} from {y_low:.3g} "
            f"to {y_high:.3g}, ranging from {loss.min():.3g} to {loss.max():.3g}.")


def describe_trails(trails: Sequence[Trail], names: Names, left: Sequence[int | None]) -> str:
    """Where each trail starts and ends and how its loss goes; ``left[k]``: the step where trail ``k`` leaves the
    landscape drawn (``None``: it stays on it)."""
    parts = []
    for trail, leaves in zip(trails, left):
        end = len(trail.loss) - 1
        if leaves is not None:
            parts.append(f"{trail.label} leaves the landscape at {names.step} {int(trail.iteration[leaves])}, its "
                         f"{names.loss} grown from {trail.loss[0]:.3g} to {trail.loss[leaves]:.3g}")
            continue
        back = rises(trail.loss)
        how = "never going back up" if back == 0 else f"going back up {times(back)}"
        parts.append(f"{trail.label} ends at {_pair(names, trail.x[end], trail.y[end])}, {names.loss} "
                     f"{trail.loss[end]:.3g}, {how}")
    first = trails[0]
    return (f"{len(trails)} descents start at {_pair(names, first.x[0], first.y[0])}, {names.loss} "
            f"{first.loss[0]:.3g}, for {int(max(t.iteration[-1] for t in trails))} {names.step}s: "
            f"{'; '.join(parts)}.")


def race_captions(trails: Sequence[Trail], names: Names, left: Sequence[int | None],
                  count: int = CAPTION_PHASES) -> tuple[Caption, ...]:
    """A cue per phase of the race: the trails still on the landscape ranked by their loss where the phase ends,
    those whose loss went back up in it, and those that left the landscape in it."""
    phases = descent_phases([t.loss for t in trails], count)
    captions = []
    for first, last in phases:
        running = [(t, min(last, len(t.loss) - 1)) for t, leaves in zip(trails, left)
                   if leaves is None or leaves > last]
        ranked = ", ".join(f"{t.label} {t.loss[k]:.3g}" for t, k in sorted(running, key=lambda tk: tk[0].loss[tk[1]]))
        text = f"{_capital(names.step)}s {first}–{last}."
        if ranked:
            text += f" {_capital(names.loss)} at {names.step} {last}, lowest first: {ranked}."
        back = [f"{t.label} {times(n)}" for t, _ in running if (n := rises(t.loss[first: last + 1]))]
        if back:
            text += f" Going back up: {', '.join(back)}."
        gone = [f"{t.label} at {names.step} {leaves}" for t, leaves in zip(trails, left)
                if leaves is not None and first < leaves <= last or (leaves == 0 and first == 0)]
        if gone:
            text += f" Leaving the landscape: {', '.join(gone)}."
        captions.append(Caption(first, last, text))
    return tuple(captions)


# A path is "straight" when, cut into PATH_PIECES pieces of equal length, its heading turns by less than
# STRAIGHT_TURN degrees in all (the turns added whatever their sign, so an S-bend is not straight), and "smooth"
# while no piece turns from the one before by more than SMOOTH_TURN degrees (a zig-zag reverses at every swing).
PATH_PIECES = 20
STRAIGHT_TURN = 15.0
SMOOTH_TURN = 45.0


def path_turns(x: np.ndarray, y: np.ndarray, pieces: int = PATH_PIECES) -> np.ndarray:
    """The turns, in degrees (left positive), between consecutive pieces of a path cut into ``pieces`` of equal
    length: measured along the path rather than per step, so that the many tiny steps where a descent slows down
    at its end weigh no more than their length (their headings are noise)."""
    import numpy as np

    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    along = np.concatenate([[0.0], np.cumsum(np.hypot(np.diff(x), np.diff(y)))])
    if len(x) < 2 or not along[-1] > 0:
        return np.zeros(0)
    at = np.linspace(0.0, along[-1], pieces + 1)
    heading = np.degrees(np.arctan2(np.diff(np.interp(at, along, y)), np.diff(np.interp(at, along, x))))
    return (np.diff(heading) + 180.0) % 360.0 - 180.0


def path_bend(x: np.ndarray, y: np.ndarray) -> tuple[str, int]:
    """How a path goes, by the one measure every text uses: ``("straight", 0)``, ``("curving", ANGLE)`` (its
    whole turn, as :func:`round_angle` says it) or ``("sharp", 0)`` (see :data:`STRAIGHT_TURN` and
    :data:`SMOOTH_TURN` for where one ends and the next begins)."""
    turns = abs(path_turns(x, y))
    if turns.sum() < STRAIGHT_TURN:
        return "straight", 0
    if turns.max() <= SMOOTH_TURN:
        return "curving", round_angle(float(turns.sum()))
    return "sharp", 0


def path_shape(x: np.ndarray, y: np.ndarray) -> str:
    """``straight``, ``curving smoothly through about 110°`` or ``turning sharply back and forth``."""
    bend, angle = path_bend(x, y)
    return {"straight": "straight", "curving": f"curving smoothly through about {angle}°",
            "sharp": "turning sharply back and forth"}[bend]


def round_angle(degrees: float) -> int:
    """An angle as a reader estimates one: to the nearest 5° under 45°, else to the nearest 10°."""
    return int(5 * round(degrees / 5)) if degrees < 45 else int(10 * round(degrees / 10))


def curvature_words(steep: float, shallow: float) -> str:
    """The shape of a minimum from the two curvatures of the loss there (the eigenvalues of its Hessian):
    ``a round bowl`` only where they are within a factor 2 of each other, an ``oval bowl`` within 10, beyond
    that a trough, ``a long, narrow trough`` from 100 (its contours then ten times longer than wide), with how
    many times steeper it is across (the steep direction) than along: at equal distances from the floor, the
    slopes are in the ratio of the curvatures."""
    ratio = steep / shallow if shallow > 0 else float("inf")
    if ratio != float("inf"):
        ratio = float(f"{ratio:.2g}")  # the word follows the number the reader is told, not the one before rounding
    if ratio < 2:
        return "a round bowl"
    shape = "an oval bowl" if ratio < 10 else "a trough" if ratio < 100 else "a long, narrow trough"
    factor = "infinitely" if ratio == float("inf") else f"{ratio:,.{1 if ratio < 10 else 0}f} times".replace(".0 ", " ")
    return f"{shape}, {factor} steeper across than along"


def race_alt(trails: Sequence[Trail], names: Names, left: Sequence[int | None]) -> str:
    """The point of a race in one breath (at most :data:`ALT_LENGTH` characters, where the names allow): which
    trail ends lowest and which highest, and how many left the landscape; where each goes, and the landscape's
    ranges, are its long description (:func:`describe_landscape`, :func:`describe_trails`)."""
    staying = sorted((t for t, leaves in zip(trails, left) if leaves is None), key=lambda t: t.loss[-1])
    gone = len(trails) - len(staying)
    steps = int(max(t.iteration[-1] for t in trails))
    if not staying:
        return f"All {len(trails)} descents from one start leave the landscape, their {names.loss} growing"
    best, worst = staying[0], staying[-1]
    text = f"Of {len(trails)} descents from one start, {best.label} ends lowest ({names.loss} {best.loss[-1]:.3g})"
    if worst is not best:
        text += f" and {worst.label} highest ({worst.loss[-1]:.3g})"
    text += f" after {steps} {names.step}s"
    if gone:
        text += f"; {gone} {'leaves' if gone == 1 else 'leave'} the landscape"
    if len(text) > ALT_LENGTH:  # long names: the winner alone
        text = f"Of {len(trails)} descents from one start, {best.label} ends lowest"
    return text[:ALT_LENGTH]
