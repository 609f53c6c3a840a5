"""A post's own costly work spreads where the render runs: ``context.workers`` carries ``--jobs`` and
``--backend dask --scheduler`` to its build, and the landscape of a model that is not linear in its
parameters is computed there, chunk by chunk, the same bytes wherever it ran."""

from __future__ import annotations

import os
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from render.cli import main

# A small network (18 inputs, 100 tanh units, one logit: 2,101 parameters, so that its 81 x 81 grid is cut
# into four chunks) whose loss on a random plane is the post's one figure; each process that computes a chunk
# leaves its pid in CALLS.
POST = '''
import os
from pathlib import Path

import numpy as np

from render.plane import plane_loss, random_directions
from render.post import Post
from render.spec import COLUMN, Contour, Figure, Landscape, Output, Table

CALLS = Path({calls!r})
FEATURES, HIDDEN = 18, 100
SIZE = FEATURES * HIDDEN + 2 * HIDDEN + 1
X = np.random.default_rng(0).standard_normal((40, FEATURES))
Y = (X[:, 0] * X[:, 1] > 0).astype(float)


def loss(thetas):
    (CALLS / str(os.getpid())).touch()
    first = thetas[:, :FEATURES * HIDDEN].reshape(-1, FEATURES, HIDDEN)
    bias, second = thetas[:, FEATURES * HIDDEN:-HIDDEN - 1], thetas[:, -HIDDEN - 1:-1]
    hidden = np.tanh(np.einsum("sf,pfh->psh", X, first) + bias[:, None, :])
    z = np.einsum("psh,ph->ps", hidden, second) + thetas[:, -1:]
    return (np.logaddexp(0.0, z) - Y * z).mean(axis=1)


def landscape(context):
    theta = np.random.default_rng(1).standard_normal(SIZE) / 10
    axis = np.linspace(-1.0, 1.0, 81)
    grid = plane_loss(loss, theta, random_directions(theta, seed=context.seed), axis, axis, context.workers)
    alpha, beta = np.meshgrid(axis, axis)
    return Figure(panels=(Contour(Landscape(axis, axis, grid)),), size=(COLUMN, 5),
                  alt="The loss of a small network on a random plane through its parameters.",
                  tables={{"": Table(("alpha", "beta", "loss"),
                                     np.column_stack([alpha.ravel(), beta.ravel(), grid.ravel()]))}})


def outputs(context):
    return [Output("network-plane", "figure", "A network's loss on a plane.", lambda: landscape(context))]


post = Post(name="network", title="A network's landscape", outputs=outputs)
'''


@pytest.fixture
def network_post(tmp_path):
    calls = tmp_path / "calls"
    calls.mkdir()
    path = tmp_path / "network_post.py"
    path.write_text(textwrap.dedent(POST).format(calls=str(calls)))
    search = list(sys.path)
    yield path, calls
    sys.path[:] = search  # rendering the post put its folder there, and its module in sys.modules
    sys.modules.pop("network_post", None)


def render(post: Path, out: Path, *options: str):
    result = CliRunner().invoke(main, ["network-plane", "--post", str(post), "--out", str(out), *options],
                                env={"RENDER_DATA": None, "RENDER_POST": None})
    assert result.exit_code == 0, result.output
    return (out / "data" / "network-plane.csv").read_bytes()


def computed_by(calls: Path) -> set[int]:
    pids = {int(p.name) for p in calls.iterdir()}
    for p in calls.iterdir():
        p.unlink()
    return pids


def test_an_output_rendered_alone_shares_its_grid_among_the_runs_jobs(network_post, tmp_path):
    post, calls = network_post
    alone = render(post, tmp_path / "one", "--jobs", "1")
    assert computed_by(calls) == {os.getpid()}
    shared = render(post, tmp_path / "two", "--jobs", "2")
    workers = computed_by(calls)
    assert os.getpid() not in workers and len(workers) == 2
    assert shared == alone


@pytest.mark.slow
def test_an_output_rendered_on_a_dask_cluster_spreads_its_grid_over_the_cluster(network_post, tmp_path):
    distributed = pytest.importorskip("distributed")
    post, calls = network_post
    alone = render(post, tmp_path / "one", "--jobs", "1")
    computed_by(calls)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        worker_pids = set(client.run(os.getpid).values())
        on_cluster = render(post, tmp_path / "dask", "--backend", "dask", "--scheduler", cluster.scheduler_address)
    assert computed_by(calls) <= worker_pids
    assert on_cluster == alone
