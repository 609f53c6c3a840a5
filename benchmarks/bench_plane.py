"""A logistic neuron's loss on a plane of its 4,097 parameters, at the cat/dog set's size (1,000 images of
4,096 pixels): the linear shortcut against the point-by-point evaluation, the general path on one worker, two
and a Dask cluster, and the general path's peak memory.

1. Point by point, as the public loss-landscape tools do: set the parameters to each grid point, evaluate
   the model, read its loss (one matrix-vector product per point).  Timed on the first ``SAMPLED`` points of
   the 201 x 201 grid, and counted for all of them: each point costs the same.
2. :func:`render.plane.linear_plane_loss` on the whole 201 x 201 grid, in turn with 1., three times.
3. :func:`render.plane.plane_loss` (any model, in chunks: here a matrix product per chunk) on a 201 x 201
   grid with ``jobs=1``, ``jobs=2`` and on a ``LocalCluster`` of two workers, in turn, three times; the three
   must be the same bytes.
4. Its peak memory on a 401 x 401 grid, traced (NumPy reports its arrays to ``tracemalloc``).

Random data of the article's shape: the times depend on the shapes alone.
"""

from __future__ import annotations

import contextlib
import statistics
import time
import tracemalloc

import numpy as np

from render.plane import linear_plane_loss, plane_loss, points_on_plane, random_directions
from render.post import Workers
from scenes.neuron import softplus

SAMPLES, PIXELS = 1000, 4096
GRID = 201
SAMPLED = 2000
GENERAL_GRID = 201  # 40 chunks: enough to share, each worker receiving the data once
MEMORY_GRID = 401
TARGET_SHORTCUT = 100.0
MEMORY_BOUND = 2**30
REPEATS = 3


class Neuron:
    """A logistic neuron's loss on data of the cat/dog set's shape, by the article's softplus; parameters are the
    weights, then the bias."""

    def __init__(self) -> None:
        rng = np.random.default_rng(0)
        self.X = rng.integers(0, 256, (SAMPLES, PIXELS)) / 255.0
        self.y = rng.integers(0, 2, SAMPLES).astype(float)
        self.trained = np.append(rng.standard_normal(PIXELS) * 0.01, 0.0)

    def logits(self, theta: np.ndarray) -> np.ndarray:
        return self.X @ theta[:-1] + theta[-1]

    def loss_of_logits(self, z: np.ndarray) -> np.ndarray:
        return (softplus(z) - self.y[:, None] * z).mean(axis=0)

    def one_point(self, theta: np.ndarray) -> float:
        z = self.logits(theta)
        return float((softplus(z) - self.y * z).mean())

    def batch_loss(self, thetas: np.ndarray) -> np.ndarray:
        return self.loss_of_logits(self.X @ thetas[:, :-1].T + thetas[:, -1])


def _timed(work):
    began = time.perf_counter()
    result = work()
    return time.perf_counter() - began, result


def run() -> None:
    from threadpoolctl import threadpool_limits

    neuron = Neuron()
    directions = random_directions(neuron.trained, seed=0, filters=(slice(0, PIXELS),))
    axis = np.linspace(-1.0, 1.0, GRID)
    alpha, beta = (a.ravel()[:SAMPLED] for a in np.meshgrid(axis, axis))
    samples, shortcuts = [], []
    with threadpool_limits(limits=1, user_api="blas"):  # the same single core for both ways
        for _ in range(REPEATS):  # in turn, A B A B: each way under the machine's same moments
            samples.append(_timed(lambda: [neuron.one_point(theta) for theta in
                                           points_on_plane(neuron.trained, directions, alpha, beta)])[0])
            shortcuts.append(_timed(lambda: linear_plane_loss(neuron.logits, neuron.loss_of_logits,
                                                              neuron.trained, directions, axis, axis))[0])
    point_by_point = statistics.median(samples) / SAMPLED * GRID * GRID
    shortcut = statistics.median(shortcuts)
    print(f"{GRID}x{GRID} grid, {SAMPLES} samples x {PIXELS + 1} parameters, BLAS on one thread, "
          f"median of {REPEATS} runs in turn")
    print(f"  point by point ({SAMPLED} points timed, x{GRID * GRID / SAMPLED:.1f})  {point_by_point:8.2f} s")
    print(f"  linear shortcut                                {shortcut:8.3f} s   "
          f"{point_by_point / shortcut:6.0f}x faster (target {TARGET_SHORTCUT:.0f}x)", flush=True)

    small = np.linspace(-1.0, 1.0, GENERAL_GRID)
    ways = {"jobs=1": Workers(jobs=1), "jobs=2": Workers(jobs=2)}
    with contextlib.ExitStack() as stack:
        try:
            from distributed import LocalCluster
        except ImportError:
            print("  (no Dask: install the project's distributed extra to time a LocalCluster)")
        else:
            cluster = stack.enter_context(LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                                       dashboard_address=None))
            ways["LocalCluster, 2 workers"] = Workers(scheduler=cluster.scheduler_address)
        seconds = {label: [] for label in ways}
        grids = {}
        for _ in range(REPEATS):  # A B C A B C: each way under the machine's same moments
            for label, workers in ways.items():
                spent, grids[label] = _timed(lambda workers=workers: plane_loss(
                    neuron.batch_loss, neuron.trained, directions, small, small, workers))
                seconds[label].append(spent)
    one = grids["jobs=1"]
    base = statistics.median(seconds["jobs=1"])
    print(f"general path (chunks of parameter vectors), {GENERAL_GRID}x{GENERAL_GRID} grid, median of {REPEATS} "
          "runs in turn (the workers started by the first)")
    for label, spent in seconds.items():
        same = "same bytes" if grids[label].tobytes() == one.tobytes() else "DIFFERENT BYTES"
        middle = statistics.median(spent)
        print(f"  {label:<26} {middle:8.2f} s   {base / middle:5.2f}x jobs=1's speed   {same}", flush=True)

    big = np.linspace(-1.0, 1.0, MEMORY_GRID)
    tracemalloc.start()
    seconds, _ = _timed(lambda: plane_loss(neuron.batch_loss, neuron.trained, directions, big, big))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print(f"general path, {MEMORY_GRID}x{MEMORY_GRID} grid: peak traced memory {peak / 2**20:.0f} MiB "
          f"(bound {MEMORY_BOUND / 2**20:.0f} MiB) in {seconds:.1f} s", flush=True)
