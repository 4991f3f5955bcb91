"""HistGradientBoosting's losses on the regressors: quantiles, non-crossing outputs,
gradients through both solver paths, target scaling and the validation score."""

import warnings

import numpy as np
import pytest
from scipy.optimize import check_grad
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import mean_absolute_error, mean_pinball_loss, r2_score

from skneuron import NeuronRegressor, TabularRegressor
from skneuron._network import Network, Workspace
from skneuron._targets import RegressionTarget

LOSSES = {
    "absolute_error": (None, "identity"),
    "gamma": (None, "exp"),
    "quantile": (0.8, "identity"),
    "quantiles": ([0.1, 0.5, 0.9], "cumulative_softplus"),
}


def _data(n=400, seed=0):
    # Heteroscedastic: the spread grows with x, so quantiles fan out.
    rng = np.random.RandomState(seed)
    X = rng.uniform(-2, 2, (n, 2))
    y = X[:, 0] + (0.3 + 0.3 * (X[:, 0] + 2)) * rng.randn(n)
    return X, y


@pytest.fixture(autouse=True)
def _quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        yield


@pytest.mark.parametrize("path", ["lbfgs", "stochastic"])
@pytest.mark.parametrize("name", LOSSES)
def test_gradient_through_the_network_matches_finite_differences(name, path):
    """scipy's check_grad on the flat vector, as each solver calls the loss.

    L-BFGS: the full batch. Stochastic: a weighted mini-batch divided by its
    expected weight. The kinks of the absolute and pinball losses are not crossed
    by the step, so the subgradient is the gradient there.
    """
    quantile, _ = LOSSES[name]
    loss = "quantile" if name.startswith("quantile") else name
    target = RegressionTarget(loss, quantile)
    X, y = _data(40)
    y = np.exp(y / 3) if loss == "gamma" else y
    Y = target.encode(target.validate(y))
    n_out = target.encode(y).shape[1]
    network = Network((2, 5, 4, n_out), ["tanh", "softplus"], target.output_activation)
    rng = np.random.RandomState(0)
    params = network.init_params(rng, np.float64)
    weights = rng.uniform(0.5, 2.0, len(X))
    batch = slice(None) if path == "lbfgs" else slice(0, 16)
    total = None if path == "lbfgs" else weights.mean() * 16
    workspace = Workspace(network, params.copy(), len(X), target.bind_loss(loss), 0.1)

    def f(x):
        workspace.params[...] = x
        return workspace.loss_gradient(X[batch], Y[batch], weights[batch], total)

    def g(x):
        f(x)
        return workspace.grad.copy()

    error = check_grad(f, g, params, epsilon=1e-7)
    print(f"\n{name} {path}: check_grad error {error:.2e}")
    assert error < 1e-5 * max(1.0, np.linalg.norm(g(params)))


@pytest.mark.parametrize("solver", ["lbfgs", "adam"])
def test_several_quantiles_never_cross_and_cover_their_levels(solver):
    X, y = _data()
    levels = [0.1, 0.5, 0.9]
    model = NeuronRegressor(
        "quantile", (32,), quantile=levels, solver=solver, max_iter=500, random_state=0
    ).fit(X, y)
    assert model.predict(X).shape == (len(X), 3)
    far = np.random.RandomState(1).normal(scale=100, size=(2000, 2))
    assert (np.diff(model.predict(far), axis=1) >= 0).all()
    X_test, y_test = _data(4000, seed=2)
    below = (y_test[:, None] <= model.predict(X_test)).mean(axis=0)
    np.testing.assert_allclose(below, levels, atol=0.06)


def test_a_list_of_one_level_keeps_the_quantile_axis():
    X, y = _data(100)
    model = NeuronRegressor("quantile", quantile=[0.5], solver="lbfgs", max_iter=20)
    assert model.fit(X, y).predict(X).shape == (100, 1)


@pytest.mark.parametrize(
    "params, y_kind, match",
    [
        ({"loss": "quantile"}, "real", "needs the quantile level"),
        ({"loss": "quantile", "quantile": [0.9, 0.1]}, "real", "increasing order"),
        ({"loss": "quantile", "quantile": [0.1, 1.0]}, "real", "strictly between"),
        ({"loss": "quantile", "quantile": [0.1, 0.9]}, "two", "Fit one model per"),
        ({"loss": "gamma"}, "zero", "not positive"),
    ],
)
def test_bad_settings_are_refused_clearly(params, y_kind, match):
    X, y = _data(50)
    y = {"real": y, "two": np.c_[y, y], "zero": np.abs(y) * (y > 0)}[y_kind]
    with pytest.raises(ValueError, match=match):
        NeuronRegressor(**params, max_iter=2).fit(X, y)


def test_warm_start_refuses_other_levels():
    X, y = _data(50)
    model = NeuronRegressor("quantile", quantile=0.2, warm_start=True, max_iter=2)
    model.fit(X, y)
    model.set_params(quantile=0.7)
    with pytest.raises(ValueError, match="warm_start and partial_fit keep them"):
        model.fit(X, y)


@pytest.mark.parametrize(
    "loss, quantile, expected",
    [
        ("quantile", 0.8, lambda y, p: -mean_pinball_loss(y, p, alpha=0.8)),
        ("absolute_error", None, lambda y, p: -mean_absolute_error(y, p)),
        ("squared_error", None, r2_score),
        ("gamma", None, r2_score),
    ],
)
def test_validation_score_is_minus_the_loss_for_median_and_quantiles(
    loss, quantile, expected
):
    rng = np.random.RandomState(0)
    y, outputs = np.exp(rng.randn(30)), np.exp(rng.randn(30, 1))
    score = RegressionTarget(loss, quantile).score(outputs, y, None)
    assert score == pytest.approx(expected(y, outputs[:, 0]))


def test_validation_score_of_several_quantiles_averages_the_levels():
    rng = np.random.RandomState(0)
    y, outputs = rng.randn(30), np.sort(rng.randn(30, 2), axis=1)
    expected = np.mean(
        [mean_pinball_loss(y, outputs[:, j], alpha=a) for j, a in enumerate([0.2, 0.6])]
    )
    score = RegressionTarget("quantile", [0.2, 0.6]).score(outputs, y, None)
    assert score == pytest.approx(-expected)


def test_early_stopping_on_quantiles_records_the_pinball_score():
    X, y = _data()
    model = NeuronRegressor(
        "quantile", quantile=0.5, early_stopping=True, random_state=0
    ).fit(X, y)
    # Minus a loss: never positive, where an R² of a good fit would be.
    assert max(model.validation_scores_) < 0


@pytest.mark.parametrize("loss", ["gamma", "poisson"])
def test_tabular_scales_log_link_targets_without_centering(loss):
    X, y = _data()
    y = np.exp(y / 2)
    model = TabularRegressor(loss=loss, max_iter=50, random_state=0).fit(X, y)
    assert not model.target_scaler_.with_mean
    assert (model.predict(X) > 0).all()
    # The mean's scale: a log-link model predicts about the right level.
    assert model.predict(X).mean() == pytest.approx(y.mean(), rel=0.2)


def test_tabular_quantiles_map_back_to_the_original_scale():
    X, y = _data()
    y_big = 1000 * y + 5000
    model = TabularRegressor(
        loss="quantile", quantile=[0.1, 0.9], max_iter=100, random_state=0
    ).fit(X, y_big)
    scaler = model.target_scaler_
    inner = model.model_.predict(X)
    np.testing.assert_allclose(model.predict(X), inner * scaler.scale_ + scaler.mean_)
    X_test, y_test = _data(4000, seed=2)
    below = (1000 * y_test[:, None] + 5000 <= model.predict(X_test)).mean(axis=0)
    np.testing.assert_allclose(below, [0.1, 0.9], atol=0.06)
