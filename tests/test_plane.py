"""The loss on a plane through a model's parameters: its directions, its projection, and its two ways."""

from __future__ import annotations

import numpy as np
import pytest

from render.plane import (
    chunk_points, linear_plane_loss, plane_loss, points_on_plane, project, random_directions,
    trajectory_directions,
)
from render.post import Workers

SAMPLES, FEATURES = 120, 30


def softplus_loss(z: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Mean log loss over the samples (axis 0) of the logits ``z``: the one formula both ways use."""
    return (np.logaddexp(0.0, z) - y[:, None] * z).mean(axis=0)


class Neuron:
    """Logistic regression on random data; its parameters are the weights then the bias."""

    def __init__(self, seed: int = 0) -> None:
        rng = np.random.default_rng(seed)
        self.X = rng.standard_normal((SAMPLES, FEATURES))
        self.y = (self.X[:, :3].sum(axis=1) + rng.standard_normal(SAMPLES) > 0).astype(float)
        self.trajectory = self.train(rng)
        self.trained = self.trajectory[-1]

    def train(self, rng: np.random.Generator) -> np.ndarray:
        theta = rng.standard_normal(FEATURES + 1) * 0.5
        snapshots = [theta]
        for _ in range(300):
            residual = 1 / (1 + np.exp(-self.logits(theta))) - self.y
            theta = theta - 0.3 * np.append(self.X.T @ residual, residual.sum()) / SAMPLES
            snapshots.append(theta)
        return np.array(snapshots)

    def logits(self, theta: np.ndarray) -> np.ndarray:
        """Linear in ``theta`` (no constant term): the shortcut's requirement."""
        return self.X @ theta[:-1] + theta[-1]

    def loss_of_logits(self, z: np.ndarray) -> np.ndarray:
        return softplus_loss(z, self.y)

    def batch_loss(self, thetas: np.ndarray) -> np.ndarray:
        """The loss of each row of ``thetas``, evaluated as any model would be: one forward pass each."""
        return np.array([softplus_loss(self.logits(theta)[:, None], self.y)[0] for theta in thetas])


@pytest.fixture(scope="module")
def neuron() -> Neuron:
    return Neuron()


def grid(n: int = 9) -> tuple[np.ndarray, np.ndarray]:
    return np.linspace(-2, 2, n), np.linspace(-1.5, 1.5, n + 2)


def test_principal_directions_are_orthonormal_and_explain_what_they_say(neuron):
    directions = trajectory_directions(neuron.trajectory, neuron.trained)
    np.testing.assert_allclose(directions.matrix.T @ directions.matrix, np.eye(2), atol=1e-12)
    offsets = neuron.trajectory - neuron.trained
    centred = offsets - offsets.mean(axis=0)
    along = centred @ directions.matrix
    total = (centred ** 2).sum()
    np.testing.assert_allclose(directions.explained, (along ** 2).sum(axis=0) / total, rtol=1e-9)
    assert directions.explained[0] >= directions.explained[1] > 0
    # A gradient descent's path is nearly straight at the end and curved at the start: most of it on one axis.
    assert sum(directions.explained) > 0.9


def test_the_trained_parameters_project_to_the_origin_and_the_plane_holds_its_own_points(neuron):
    for directions in (trajectory_directions(neuron.trajectory, neuron.trained),
                       random_directions(neuron.trained, seed=3)):
        at_origin = project(neuron.trained, neuron.trained, directions)
        assert (abs(at_origin.alpha[0]), abs(at_origin.beta[0]), at_origin.distance[0]) == (0.0, 0.0, 0.0)
        on_plane = points_on_plane(neuron.trained, directions, np.array([0.7, -1.2]), np.array([0.4, 2.0]))
        seen = project(on_plane, neuron.trained, directions)
        np.testing.assert_allclose(seen.alpha, [0.7, -1.2], atol=1e-12)
        np.testing.assert_allclose(seen.beta, [0.4, 2.0], atol=1e-12)
        np.testing.assert_allclose(seen.distance, 0.0, atol=1e-12)


def test_a_snapshot_off_the_plane_is_as_far_as_its_part_outside_it(neuron):
    directions = trajectory_directions(neuron.trajectory, neuron.trained)
    normal = np.random.default_rng(1).standard_normal(FEATURES + 1)
    normal -= directions.matrix @ (directions.matrix.T @ normal)  # orthogonal to the plane
    normal *= 2.5 / np.linalg.norm(normal)
    seen = project(points_on_plane(neuron.trained, directions, np.array([1.0]), np.array([-0.5])) + normal,
                   neuron.trained, directions)
    np.testing.assert_allclose([seen.alpha[0], seen.beta[0], seen.distance[0]], [1.0, -0.5, 2.5], atol=1e-12)


def test_random_directions_come_back_from_their_seed_filter_by_filter(neuron):
    filters = (slice(0, 10), slice(10, FEATURES))
    one, again = (random_directions(neuron.trained, seed=7, filters=filters) for _ in range(2))
    assert one.seed == 7 and one.explained is None
    assert one.first.tobytes() == again.first.tobytes() and one.second.tobytes() == again.second.tobytes()
    other = random_directions(neuron.trained, seed=8, filters=filters)
    assert not np.array_equal(one.first, other.first)
    for direction in (one.first, one.second):
        for part in filters:
            assert np.linalg.norm(direction[part]) == pytest.approx(np.linalg.norm(neuron.trained[part]), rel=1e-12)
        assert direction[FEATURES] == 0.0  # the bias, in no filter, stays where it is


def test_the_plane_at_its_origin_is_the_trained_models_loss(neuron):
    directions = trajectory_directions(neuron.trajectory, neuron.trained)
    alphas, betas = np.array([-1.0, 0.0, 1.0]), np.array([0.0, 0.5])
    linear = linear_plane_loss(neuron.logits, neuron.loss_of_logits, neuron.trained, directions, alphas, betas)
    trained_loss = neuron.batch_loss(neuron.trained[None, :])[0]
    assert linear[0, 1] == pytest.approx(trained_loss, rel=1e-12)
    assert plane_loss(neuron.batch_loss, neuron.trained, directions, alphas, betas)[0, 1] == pytest.approx(
        trained_loss, rel=1e-12)


@pytest.mark.parametrize("kind", ["trajectory", "random"])
def test_the_linear_shortcut_is_the_model_evaluated_point_by_point(neuron, kind):
    directions = (trajectory_directions(neuron.trajectory, neuron.trained) if kind == "trajectory"
                  else random_directions(neuron.trained, seed=2))
    alphas, betas = grid()
    shortcut = linear_plane_loss(neuron.logits, neuron.loss_of_logits, neuron.trained, directions, alphas, betas)
    general = plane_loss(neuron.batch_loss, neuron.trained, directions, alphas, betas)
    assert shortcut.shape == general.shape == (len(betas), len(alphas))
    np.testing.assert_allclose(shortcut, general, rtol=1e-12)
    # Row j is beta[j], column i alpha[i]: the loss at one corner, evaluated alone.
    corner = points_on_plane(neuron.trained, directions, alphas[-1:], betas[:1])
    assert general[0, -1] == neuron.batch_loss(corner)[0]


def test_the_shortcut_blocks_the_grid_and_gives_the_same_numbers(neuron, monkeypatch):
    directions = random_directions(neuron.trained, seed=4)
    alphas, betas = grid(12)
    whole = linear_plane_loss(neuron.logits, neuron.loss_of_logits, neuron.trained, directions, alphas, betas)
    monkeypatch.setattr("render.plane.BLOCK_BYTES", 8 * SAMPLES * len(alphas) * 2)  # two rows a block
    blocked = linear_plane_loss(neuron.logits, neuron.loss_of_logits, neuron.trained, directions, alphas, betas)
    assert whole.tobytes() == blocked.tobytes()


def test_chunks_are_cut_by_the_parameters_count_alone():
    assert chunk_points(4097) == 1023 and chunk_points(1) == 4 * 2**20 and chunk_points(10**9) == 1


def test_the_general_path_is_the_same_bytes_on_one_worker_or_two(neuron, monkeypatch):
    monkeypatch.setattr("render.plane.CHUNK_BYTES", 8 * (FEATURES + 1) * 10)  # 10 points a chunk: 12 chunks
    directions = trajectory_directions(neuron.trajectory, neuron.trained)
    alphas, betas = grid(10)
    one = plane_loss(neuron.batch_loss, neuron.trained, directions, alphas, betas, Workers(jobs=1))
    two = plane_loss(neuron.batch_loss, neuron.trained, directions, alphas, betas, Workers(jobs=2))
    assert one.tobytes() == two.tobytes()


@pytest.mark.slow
def test_the_general_path_is_the_same_bytes_on_a_dask_cluster(neuron):
    distributed = pytest.importorskip("distributed")
    directions = random_directions(neuron.trained, seed=5)
    alphas, betas = grid(30)
    local = plane_loss(neuron.batch_loss, neuron.trained, directions, alphas, betas)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        on_cluster = plane_loss(neuron.batch_loss, neuron.trained, directions, alphas, betas,
                                Workers(scheduler=cluster.scheduler_address))
    assert local.tobytes() == on_cluster.tobytes()
