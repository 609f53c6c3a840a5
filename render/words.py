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
