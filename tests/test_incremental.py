"""Training on data larger than a worker's memory: dask-ml's Incremental, 2 workers.

The data never exists in one place: each block is generated on a worker from its
own seed, fed to ``partial_fit`` and dropped. The weights must be those of the same
``partial_fit`` calls made by hand, over the same blocks in the same order.
"""

import numpy as np
import pytest

from skneuron import NeuronClassifier, NeuronRegressor

distributed = pytest.importorskip("dask.distributed", reason="in the test extra")
da = pytest.importorskip("dask.array", reason="in the test extra")
dask = pytest.importorskip("dask", reason="in the test extra")
wrappers = pytest.importorskip("dask_ml.wrappers", reason="in the test extra")

# Wide data and a small network: memory grows with the features, training time
# with the network. 100 blocks of 8,000 x 100 float64 (6.1 MiB each) are 610 MiB
# of X, more than a worker's limit of 600 MiB, of which the worker process with
# skneuron imported takes ~205 MiB (at 450 MiB, a loaded CI machine saw a worker
# restarted by its nanny).
N_FEATURES, BLOCK_ROWS, N_BLOCKS, N_TEST_BLOCKS = 100, 8_000, 100, 2
MEMORY_LIMIT = 600 * 2**20
N_EPOCHS = 2
SEED = 0
WEIGHTS = np.random.default_rng(SEED).normal(size=5)


def _block(index, task):
    """Block ``index`` of the data: the same numbers wherever it is computed."""
    rng = np.random.default_rng([SEED, index])
    X = rng.uniform(-1.0, 1.0, size=(BLOCK_ROWS, N_FEATURES))
    # Only the first five features matter; the others are noise to ignore.
    signal = X[:, :5] @ WEIGHTS
    if task == "classification":
        return X, np.digitize(signal, [-0.5, 0.5])  # three classes
    return X, signal + 0.1 * rng.standard_normal(BLOCK_ROWS)


def _dask_data(indices, task):
    """X and y as dask arrays of lazily generated blocks, one task per block."""
    Xs, ys = [], []
    y_dtype = np.int64 if task == "classification" else np.float64
    for index in indices:
        X, y = dask.delayed(_block, nout=2, pure=True)(index, task)
        Xs.append(da.from_delayed(X, (BLOCK_ROWS, N_FEATURES), dtype=np.float64))
        ys.append(da.from_delayed(y, (BLOCK_ROWS,), dtype=y_dtype))
    return da.concatenate(Xs), da.concatenate(ys)


# dask-ml 2025.1's r2 fails on dask 2026.8 ("cannot broadcast shape (nan,)"), and
# it is the default scoring of regressors: score them by mean squared error.
CASES = {
    "classification": (NeuronClassifier, "accuracy", {"classes": [0, 1, 2]}),
    "regression": (NeuronRegressor, "neg_mean_squared_error", {}),
}


@pytest.fixture(scope="module")
def client():
    # Worker processes on the loopback interface only; the cluster stops by itself.
    # Workers do not pause near their limit (a paused worker holding the model
    # stalls the chain of partial_fit calls); the nanny still restarts one that
    # goes over it, which the test checks never happens. Blocks are generated
    # ahead of the chain, as fast as a free worker can, and wait in memory for
    # their partial_fit: on a loaded machine, where the chain is slow, they pile
    # up. So a worker spills them to disk from 40% of its limit (dask's default
    # is 60%: with the worker's own ~205 MiB, too close to the 95% at which the
    # nanny restarts it); the data still never fits in a worker.
    with (
        dask.config.set(
            {
                "distributed.worker.memory.pause": False,
                "distributed.worker.memory.target": 0.4,
                "distributed.worker.memory.spill": 0.5,
            }
        ),
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            memory_limit=MEMORY_LIMIT,
            host="127.0.0.1",
            dashboard_address=None,
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        yield client


@pytest.mark.parametrize("task", CASES)
def test_incremental_on_a_cluster_equals_partial_fit_by_hand(client, task):
    Estimator, scoring, fit_params = CASES[task]
    estimator = Estimator(hidden_layer_sizes=(8,), dtype="float64", random_state=0)
    X, y = _dask_data(range(N_BLOCKS), task)
    X_test, y_test = _dask_data(range(N_BLOCKS, N_BLOCKS + N_TEST_BLOCKS), task)
    assert X.nbytes > MEMORY_LIMIT
    workers = set(client.scheduler_info()["workers"])

    # Blocks in their order, so that the run by hand can follow it.
    incremental = wrappers.Incremental(estimator, scoring=scoring, shuffle_blocks=False)
    for _ in range(N_EPOCHS):
        incremental.partial_fit(X, y, **fit_params)
    score = incremental.score(X_test, y_test)

    by_hand = Estimator(**estimator.get_params())
    for _ in range(N_EPOCHS):
        for index in range(N_BLOCKS):
            by_hand.partial_fit(*_block(index, task), **fit_params)
    # Same operations on the same numbers in the same order, each on one BLAS
    # thread (the network is small): the weights agree to the last bit.
    for got, expected in zip(
        incremental.estimator_.coefs_ + incremental.estimator_.intercepts_,
        by_hand.coefs_ + by_hand.intercepts_,
    ):
        np.testing.assert_array_equal(got, expected)
    assert incremental.estimator_.t_ == N_EPOCHS * N_BLOCKS * BLOCK_ROWS
    assert len(incremental.estimator_.loss_curve_) == N_EPOCHS * N_BLOCKS

    held_out = [_block(i, task) for i in range(N_BLOCKS, N_BLOCKS + N_TEST_BLOCKS)]
    X_held, y_held = (np.concatenate(parts) for parts in zip(*held_out))
    if task == "classification":
        assert score == pytest.approx(by_hand.score(X_held, y_held), rel=1e-12)
        assert score > 0.9  # chance is about 1/3
    else:
        mse = np.mean((by_hand.predict(X_held) - y_held) ** 2)
        assert -score == pytest.approx(mse, rel=1e-12)
        assert 1 - mse / np.var(y_held) > 0.9  # R^2; the noise alone allows 0.99
    print(f"{task}: held-out {scoring} {score:.4f}")
    # No worker went over its memory limit: the nanny would have restarted it.
    assert set(client.scheduler_info()["workers"]) == workers
