"""Hyperparameter search on a real distributed engine: dask, 2 worker processes."""

import joblib
import pytest
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skneuron import NeuronClassifier


def _search():
    X, y = load_breast_cancer(return_X_y=True)
    pipe = make_pipeline(
        StandardScaler(), NeuronClassifier(max_iter=50, random_state=0)
    )
    grid = {
        "neuronclassifier__hidden_layer_sizes": [(5,), (20,)],
        "neuronclassifier__alpha": [1e-4, 10.0],
    }
    return GridSearchCV(pipe, grid, cv=3, n_jobs=2), X, y


def test_grid_search_on_a_dask_cluster_finds_the_plain_run_s_best():
    distributed = pytest.importorskip("dask.distributed", reason="in the test extra")
    search, X, y = _search()
    plain = search.fit(X, y)
    plain_best, plain_scores = plain.best_params_, plain.cv_results_["mean_test_score"]
    # Worker processes on the loopback interface only; the cluster stops by itself.
    with (
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
        ) as cluster,
        distributed.Client(cluster),
    ):
        with joblib.parallel_backend("dask"):
            distributed_search, _, _ = _search()
            distributed_search.fit(X, y)
    # Equal to the last bit, although the plain run's processes and dask's workers
    # may have different BLAS thread counts: these fits' products are far under
    # the 20 MFLOP of skneuron's single-BLAS-thread rule, so every fit runs them
    # on one thread, which sums in one fixed order.
    assert distributed_search.best_params_ == plain_best
    assert list(distributed_search.cv_results_["mean_test_score"]) == list(plain_scores)
