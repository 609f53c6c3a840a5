"""A model's loss on a plane through its parameters: the landscape of a model with many of them.

A model of thousands of parameters has no landscape to draw; a slice of it does.  Li et al. (2018,
"Visualizing the Loss Landscape of Neural Nets") draw the loss on the plane ``θ* + α·d1 + β·d2`` through the
trained parameters ``θ*``, along two directions: the top two principal components of the training
trajectory (where the path went), or random directions scaled filter by filter to the parameters' own norms
(what the landscape looks like anywhere).  A path drawn on that plane is its projection, and a snapshot may
lie far from the plane, its loss far from the contour under it: :func:`project` says how far, so that a
figure can say so too.

Two ways to the loss on the grid:

* a model whose logits are linear in its parameters (logistic regression, a linear layer under any loss of
  the logits) has ``z(α, β) = z* + α·z(d1) + β·z(d2)``: three products with the data, then the grid, no model
  evaluated per point (:func:`linear_plane_loss`);
* any other model is evaluated point by point, in chunks of grid points that workers share
  (:func:`plane_loss`): the chunks are cut the same way whatever the number of workers, and each is computed
  the same way wherever it runs, so the grid is the same bytes on one worker, two or a cluster.

The engine evaluates what the post gives it (a loss, a linear map to the logits); it trains nothing.
"""

from __future__ import annotations

import functools
import sys
from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np

from render.post import Workers

# Bytes of logits held at once by the linear way: a block of grid rows, each pass of the loss over it (exp,
# log1p, sums) then runs in the cache.  The cat/dog plane's 201x201 grid took 0.49 s in 4 MiB blocks, 0.75 s
# in 32 MiB ones (``make bench``), the same bytes.
BLOCK_BYTES = 4 * 2**20
# Bytes of parameter vectors in a chunk of the general way, the unit the workers share: large enough that
# sending it is little beside computing it.  Its size follows from the parameters' count alone, never from
# the workers', so that the same grid is cut into the same chunks.
CHUNK_BYTES = 32 * 2**20

# A loss of logits: the samples' logits ``(samples, points)`` to the mean loss at each point ``(points,)``.
LossOfLogits = Callable[[np.ndarray], np.ndarray]
# A model's loss at many parameter vectors at once: ``(points, parameters)`` to ``(points,)``.
BatchLoss = Callable[[np.ndarray], np.ndarray]


@dataclass(frozen=True)
class Directions:
    """Two directions in parameter space, and where they come from: ``explained``, the share of the
    trajectory's variance along each (principal components), or ``seed``, the random generator's (random
    directions)."""

    first: np.ndarray
    second: np.ndarray
    explained: tuple[float, float] | None = None
    seed: int | None = None

    @property
    def matrix(self) -> np.ndarray:
        """``(parameters, 2)``: the directions as columns."""
        return np.column_stack([self.first, self.second])


@dataclass(frozen=True)
class Projection:
    """Snapshots of parameters seen on the plane: ``alpha[k], beta[k]`` the point of the plane nearest to
    snapshot ``k``, and ``distance[k]`` how far that snapshot is from it (in the parameters' own units)."""

    alpha: np.ndarray
    beta: np.ndarray
    distance: np.ndarray


def trajectory_directions(snapshots: np.ndarray, origin: np.ndarray) -> Directions:
    """The top two principal components of ``snapshots - origin`` (one snapshot a row), as Li et al. take
    them: where the path went, and how much of its spread each axis holds.

    NumPy's SVD of the centred snapshots, each component's sign fixed by its largest entry (positive, as
    scikit-learn's ``svd_flip`` does), so the same trajectory always gives the same axes pointing the same way.
    Not scikit-learn's PCA: importing it loads much of SciPy while a render's browser starts in another thread.
    """
    snapshots = np.asarray(snapshots, dtype=float)
    if snapshots.ndim != 2 or len(snapshots) < 3:
        raise ValueError(f"principal directions need at least 3 snapshots of the parameters, one a row; "
                         f"got an array of shape {snapshots.shape}")
    offsets = snapshots - origin
    centred = offsets - offsets.mean(axis=0)
    _, singular, components = np.linalg.svd(centred, full_matrices=False)
    variance = singular ** 2
    total = variance.sum()
    if not total > 0:
        raise ValueError("principal directions need a trajectory that moves: every snapshot is the same")
    top = components[:2]
    signs = np.sign(top[np.arange(2), np.argmax(abs(top), axis=1)])
    first, second = top * signs[:, None]
    return Directions(first.copy(), second.copy(), explained=(float(variance[0] / total), float(variance[1] / total)))


def random_directions(origin: np.ndarray, seed: int, filters: Sequence[slice] | None = None) -> Directions:
    """Two Gaussian directions, each filter of each scaled to the norm of the same filter of ``origin``
    (Li et al.'s filter normalization): a step of 1 along it changes every filter by as much as that
    filter's own size, so that a slice of a large-weighted model and of a small-weighted one compare.

    ``filters`` are the parameter vector's slices that are one filter each (a neuron's incoming weights);
    the parameters in none of them (biases) do not move, as in Li et al.'s plots.  By default the whole
    vector is one filter.
    """
    origin = np.asarray(origin, dtype=float)
    filters = (slice(0, len(origin)),) if filters is None else tuple(filters)
    rng = np.random.default_rng(seed)
    directions = []
    for _ in range(2):
        drawn = rng.standard_normal(len(origin))
        direction = np.zeros_like(origin)
        for part in filters:
            norm = np.linalg.norm(drawn[part])
            if norm > 0:
                direction[part] = drawn[part] * (np.linalg.norm(origin[part]) / norm)
        directions.append(direction)
    return Directions(directions[0], directions[1], seed=seed)


def project(snapshots: np.ndarray, origin: np.ndarray, directions: Directions) -> Projection:
    """The nearest point of the plane to each snapshot (least squares: random directions are not
    orthogonal), and the snapshot's distance from the plane."""
    offsets = np.atleast_2d(np.asarray(snapshots, dtype=float)) - origin
    basis = directions.matrix
    coefficients, *_ = np.linalg.lstsq(basis, offsets.T, rcond=None)
    distance = np.linalg.norm(offsets - (basis @ coefficients).T, axis=1)
    return Projection(coefficients[0], coefficients[1], distance)


def points_on_plane(origin: np.ndarray, directions: Directions, alpha: np.ndarray, beta: np.ndarray) -> np.ndarray:
    """``(points, parameters)``: ``θ* + α·d1 + β·d2`` for each pair ``alpha[k], beta[k]``."""
    return origin + np.outer(alpha, directions.first) + np.outer(beta, directions.second)


def linear_plane_loss(logits: Callable[[np.ndarray], np.ndarray], loss_of_logits: LossOfLogits,
                      origin: np.ndarray, directions: Directions, alphas: np.ndarray,
                      betas: np.ndarray) -> np.ndarray:
    """``loss[j, i]`` at ``θ* + alphas[i]·d1 + betas[j]·d2``, for a model whose ``logits(θ)`` are linear in
    ``θ`` (``X·W + b`` is linear in ``(W, b)``).

    The logits of every point are ``z* + α·z(d1) + β·z(d2)``: three evaluations of the model, then sums.
    The grid goes in blocks of rows, so that no ``(samples, points)`` array larger than
    :data:`BLOCK_BYTES` is built whatever the grid.
    """
    centre, along_first, along_second = (np.asarray(logits(vector), dtype=float).ravel()
                                         for vector in (origin, directions.first, directions.second))
    alphas, betas = np.asarray(alphas, dtype=float), np.asarray(betas, dtype=float)
    loss = np.empty((len(betas), len(alphas)))
    rows = max(1, BLOCK_BYTES // (8 * len(centre) * len(alphas)))
    for top in range(0, len(betas), rows):
        block = betas[top:top + rows]
        z = (centre[:, None, None] + along_first[:, None, None] * alphas[None, None, :]
             + along_second[:, None, None] * block[None, :, None])
        loss[top:top + len(block)] = loss_of_logits(z.reshape(len(centre), -1)).reshape(len(block), len(alphas))
    return loss


@dataclass(frozen=True)
class _Plane:
    """What the loss of any grid point needs: sent to each worker once, however many chunks it computes
    (a post's loss may hold its whole data set)."""

    loss: BatchLoss
    origin: np.ndarray
    directions: Directions

    def chunk(self, alpha: np.ndarray, beta: np.ndarray) -> np.ndarray:
        """One chunk's losses, with BLAS on one thread: a product split between threads adds its parts in
        another order, and the chunk would not be the same bytes on every worker."""
        from threadpoolctl import threadpool_limits

        with threadpool_limits(limits=1, user_api="blas"):
            return np.asarray(self.loss(points_on_plane(self.origin, self.directions, alpha, beta)),
                              dtype=float).ravel()

    def chunks(self, pieces: Sequence[tuple[np.ndarray, np.ndarray]]) -> list[np.ndarray]:
        return [self.chunk(alpha, beta) for alpha, beta in pieces]


def chunk_points(parameters: int) -> int:
    """How many grid points a chunk holds: their parameter vectors fill :data:`CHUNK_BYTES`."""
    return max(1, CHUNK_BYTES // (8 * parameters))


def plane_loss(loss: BatchLoss, origin: np.ndarray, directions: Directions, alphas: np.ndarray,
               betas: np.ndarray, workers: Workers = Workers()) -> np.ndarray:
    """``loss[j, i]`` at ``θ* + alphas[i]·d1 + betas[j]·d2`` for any model: ``loss`` takes parameter vectors
    one a row and gives each one's loss.

    The grid, row after row, is cut into chunks of :func:`chunk_points` points; ``workers.jobs`` local
    workers (joblib's loky processes) share them, every ``jobs``-th chunk each, or the workers of the Dask
    cluster at ``workers.scheduler`` do, a chunk a task.  A build passes its context's workers, the run's
    ``--jobs`` or ``--backend dask --scheduler``.  ``loss`` goes to each worker once, pickled (by
    cloudpickle), with the folders this process imports from: the module of a post found by its path,
    which holds the function, imports there too.

    Inside an output already rendering in a loky worker, beside others, the chunks are computed there, one
    after another: the run's workers are busy with the other outputs.  Inside a Dask task, the chunks go to
    the same cluster, the task leaving its thread to them while it waits.
    """
    jobs, scheduler = workers.jobs, workers.scheduler
    plane = _Plane(loss, np.asarray(origin, dtype=float), directions)
    grid_alpha, grid_beta = (axis.ravel() for axis in np.meshgrid(np.asarray(alphas, dtype=float),
                                                                   np.asarray(betas, dtype=float)))
    size = chunk_points(len(plane.origin))
    pieces = [(grid_alpha[start:start + size], grid_beta[start:start + size])
              for start in range(0, len(grid_alpha), size)]
    if scheduler is not None:
        values = _on_cluster(plane, pieces, scheduler)
    elif jobs == 1 or len(pieces) == 1 or _beside_other_outputs():
        values = plane.chunks(pieces)
    else:
        from joblib import Parallel, delayed, effective_n_jobs

        jobs = min(effective_n_jobs(jobs), len(pieces))  # -1: a worker per core
        runs = [pieces[k::jobs] for k in range(jobs)]  # each worker's share, the plane pickled once for it
        sent = _Sent.of(plane)
        shares = Parallel(n_jobs=jobs, backend="loky")(delayed(sent.chunks)(run) for run in runs)
        values = [None] * len(pieces)
        for k, share in enumerate(shares):
            values[k::jobs] = share
    return np.concatenate(values).reshape(len(betas), len(alphas))


def _on_cluster(plane: _Plane, pieces: list[tuple[np.ndarray, np.ndarray]], scheduler: str) -> list[np.ndarray]:
    """Each chunk a task on the cluster at ``scheduler``, the plane sent to every worker once beforehand;
    the results in the chunks' order."""
    from distributed import Client, get_worker, worker_client

    try:
        get_worker()
    except ValueError:  # not in a task: this process's own connection
        connected = Client(scheduler, set_as_default=False)
    else:  # in a task: its worker's connection, the task's thread given back to the worker while it waits
        connected = worker_client()
    with connected as client:
        sent = client.scatter(_Sent.of(plane), broadcast=True, hash=False)
        futures = client.map(_chunk_on_worker, [sent] * len(pieces), *zip(*pieces), pure=False)
        return client.gather(futures)


def _beside_other_outputs() -> bool:
    """Whether this runs in one of joblib's workers (the render's, each drawing outputs), where a pool of
    its own would put more processes than cores to work."""
    from joblib.parallel import get_active_backend

    return getattr(get_active_backend()[0], "nesting_level", 0) > 0


@dataclass(frozen=True)
class _Sent:
    """A plane as a worker receives it: pickled, with the folders to import its loss's module from.

    A worker started before the post was found (joblib keeps its workers from one call to the next, a
    cluster's run for days) does not have the post's folder on its import path, and would not find the
    module of its loss when unpickling it."""

    pickled: bytes
    folders: tuple[str, ...]

    @classmethod
    def of(cls, plane: _Plane) -> _Sent:
        import cloudpickle

        return cls(cloudpickle.dumps(plane), tuple(folder for folder in sys.path if folder))

    @functools.cached_property
    def plane(self) -> _Plane:
        """Unpickled once on each worker, however many chunks it computes."""
        import cloudpickle

        sys.path.extend(folder for folder in self.folders if folder not in sys.path)
        return cloudpickle.loads(self.pickled)

    def chunks(self, pieces: Sequence[tuple[np.ndarray, np.ndarray]]) -> list[np.ndarray]:
        return self.plane.chunks(pieces)


def _chunk_on_worker(sent: _Sent, alpha: np.ndarray, beta: np.ndarray) -> np.ndarray:
    return sent.plane.chunk(alpha, beta)
