"""skneuron inside scikit-learn's tools: pipelines, search, CV, clone, pickle."""

import pickle
import warnings

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import load_breast_cancer, load_diabetes
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler

from skneuron import NeuronClassifier, NeuronRegressor


@pytest.fixture(scope="module")
def cancer():
    return load_breast_cancer(return_X_y=True)


@pytest.fixture(autouse=True)
def _no_convergence_noise():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        yield


def test_pipeline(cancer):
    X, y = cancer
    pipe = Pipeline(
        [("scale", StandardScaler()), ("net", NeuronClassifier(random_state=0))]
    )
    assert pipe.fit(X, y).score(X, y) > 0.97
    assert pipe.predict_proba(X).shape == (len(X), 2)


def test_grid_search(cancer):
    X, y = cancer
    grid = GridSearchCV(
        make_pipeline(StandardScaler(), NeuronClassifier(max_iter=100, random_state=0)),
        {
            "neuronclassifier__hidden_layer_sizes": [(8,), (16, 8)],
            "neuronclassifier__activation": ["relu", "tanh"],
            "neuronclassifier__loss": ["log_loss", "squared_error"],
            "neuronclassifier__alpha": [1e-4, 1.0],
        },
        cv=3,
    ).fit(X, y)
    assert len(grid.cv_results_["params"]) == 16
    assert grid.best_score_ > 0.95
    assert set(grid.best_params_) == {
        f"neuronclassifier__{p}"
        for p in ("hidden_layer_sizes", "activation", "loss", "alpha")
    }


def test_cross_val_score_in_parallel(cancer):
    X, y = cancer
    pipe = make_pipeline(
        StandardScaler(), NeuronClassifier(max_iter=50, random_state=0)
    )
    parallel = cross_val_score(pipe, X, y, cv=4, n_jobs=2)
    serial = cross_val_score(pipe, X, y, cv=4, n_jobs=1)
    np.testing.assert_allclose(parallel, serial)
    assert parallel.mean() > 0.95


def test_clone_keeps_parameters_not_fit(cancer):
    X, y = cancer
    clf = NeuronClassifier(
        hidden_layer_sizes=(7,), activation=("elu",), loss="squared_error"
    )
    clf.fit(X[:50], y[:50])
    copy = clone(clf)
    assert copy.get_params() == clf.get_params()
    assert not hasattr(copy, "coefs_")


@pytest.mark.parametrize("Estimator", [NeuronClassifier, NeuronRegressor])
def test_pickle_round_trip_predicts_identically(Estimator):
    X, y = load_diabetes(return_X_y=True)
    if Estimator is NeuronClassifier:
        y = y > np.median(y)
    est = make_pipeline(StandardScaler(), Estimator(max_iter=20, random_state=0)).fit(
        X, y
    )
    loaded = pickle.loads(pickle.dumps(est))
    np.testing.assert_array_equal(loaded.predict(X), est.predict(X))
    net = loaded[-1]
    # The per-layer views are rebuilt on the loaded flat vector, not copies of it.
    assert all(np.shares_memory(w, net._params) for w in net.coefs_ + net.intercepts_)
    net.coefs_[0][...] = 0
    assert not np.array_equal(loaded.predict(X), est.predict(X))


def test_warm_start_continues_from_previous_weights(cancer):
    X, y = cancer
    X = StandardScaler().fit_transform(X)
    clf = NeuronClassifier(max_iter=5, warm_start=True, random_state=0).fit(X, y)
    first = clf.loss_curve_[:]
    clf.fit(X, y)
    assert len(clf.loss_curve_) == 10 and clf.loss_curve_[:5] == first
    assert clf.loss_curve_[5] < first[0]


def test_partial_fit_runs_one_epoch_each_call(cancer):
    X, y = cancer
    X = StandardScaler().fit_transform(X)
    clf = NeuronClassifier(random_state=0)
    for _ in range(3):
        clf.partial_fit(X, y, classes=[0, 1])
    assert clf.n_iter_ == 1 and len(clf.loss_curve_) == 3 and clf.t_ == 3 * len(X)
    assert clf.loss_curve_[-1] < clf.loss_curve_[0]


def test_loading_a_model_of_another_version_warns(monkeypatch):
    import skneuron
    from skneuron import _persistence

    X, y = load_breast_cancer(return_X_y=True)
    clf = NeuronClassifier(max_iter=2).fit(X, y)
    monkeypatch.setattr(_persistence, "__version__", "0.0.1")
    saved = pickle.dumps(clf)
    monkeypatch.undo()
    with pytest.warns(skneuron.InconsistentVersionWarning, match="skneuron 0.0.1"):
        loaded = pickle.loads(saved)
    np.testing.assert_array_equal(loaded.predict(X), clf.predict(X))
    with warnings.catch_warnings():
        warnings.simplefilter("error", skneuron.InconsistentVersionWarning)
        pickle.loads(pickle.dumps(clf))  # same version: silent
