"""The epoch schedules "cosine" and "coslog4", through the estimators."""

import warnings

import numpy as np
import pytest
from sklearn.datasets import load_iris
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils._param_validation import InvalidParameterError

from skneuron import NeuronClassifier, NeuronRegressor
from skneuron._training import schedule_factor

STOCHASTIC = ["sgd", "adam", "rmsprop", "adamw"]


@pytest.fixture(autouse=True)
def _quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        yield


def _data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(120, 3))
    return X, X @ [1.0, -2.0, 0.5] + 0.1 * rng.normal(size=120)


@pytest.mark.parametrize("schedule", ["cosine", "coslog4"])
@pytest.mark.parametrize("solver", STOCHASTIC)
def test_epoch_schedules_set_the_rate_of_every_stochastic_solver(solver, schedule):
    X, y = _data()
    reg = NeuronRegressor(
        solver=solver, learning_rate=schedule, max_iter=12, tol=0, random_state=0
    ).fit(X, y)
    expected = [0.001 * schedule_factor(schedule, (k + 0.5) / 12) for k in range(12)]
    np.testing.assert_allclose([r["learning_rate"] for r in reg.history_], expected)


@pytest.mark.parametrize("solver", STOCHASTIC)
def test_one_epoch_of_cosine_is_one_epoch_at_half_the_rate(solver):
    """With max_iter=1 the epoch's middle is t = 1/2, where cosine gives 1/2."""
    X, y = _data()
    settings = dict(solver=solver, max_iter=1, random_state=0)
    cosine = NeuronRegressor(
        learning_rate="cosine", learning_rate_init=0.02, **settings
    )
    half = NeuronRegressor(learning_rate_init=0.01, **settings)
    np.testing.assert_allclose(cosine.fit(X, y).coefs_[0], half.fit(X, y).coefs_[0])
    full = NeuronRegressor(learning_rate_init=0.02, **settings).fit(X, y)
    assert not np.allclose(full.coefs_[0], cosine.coefs_[0])


@pytest.mark.parametrize("schedule", ["invscaling", "adaptive"])
def test_scikit_learn_s_schedules_stay_sgd_s_alone(schedule):
    X, y = _data()
    reg = NeuronRegressor(learning_rate=schedule, max_iter=5, random_state=0)
    rates = {r["learning_rate"] for r in reg.fit(X, y).history_}
    assert rates == {0.001}


def test_partial_fit_calls_are_epochs_of_the_schedule_then_it_restarts():
    X, y = _data()
    reg = NeuronRegressor(learning_rate="cosine", max_iter=3, random_state=0)
    for _ in range(4):
        reg.partial_fit(X, y)
    rates = [r["learning_rate"] for r in reg.history_]
    expected = [0.001 * schedule_factor("cosine", (k + 0.5) / 3) for k in range(3)]
    np.testing.assert_allclose(rates, [*expected, expected[0]])


def test_early_stopping_keeps_the_best_epoch_under_a_schedule():
    X, y = load_iris(return_X_y=True)
    clf = NeuronClassifier(
        learning_rate="cosine",
        early_stopping=True,
        n_iter_no_change=1000,
        max_iter=30,
        random_state=0,
    ).fit(X, y)
    assert clf.n_iter_ == 30 and clf.history_[-1]["learning_rate"] < 1e-5
    assert clf.best_validation_score_ == max(clf.validation_scores_)


@pytest.mark.parametrize("bad", ["cos", "linear", None])
def test_unknown_schedules_are_refused_by_name(bad):
    X, y = _data()
    with pytest.raises(InvalidParameterError, match="learning_rate.*'cosine'"):
        NeuronRegressor(learning_rate=bad).fit(X, y)
