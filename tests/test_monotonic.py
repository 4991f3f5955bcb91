"""monotonic_cst: monotone by construction, on random pairs of points.

Run with ``-s`` to see the violation counts of every configuration.
"""

import warnings

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import check_grad
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPRegressor

from skneuron import (
    NeuronClassifier,
    NeuronRegressor,
    TabularClassifier,
    TabularRegressor,
)
from skneuron._activations import ACTIVATIONS
from skneuron._monotonic import SignConstraint, check_monotonic_cst
from skneuron._network import Network, Workspace

CST = [1, -1, 0, 1]
N_PAIRS = 2000
COUNTS = {}
"""(configuration, feature) -> (violations, pairs, pairs whose output moved)."""


@pytest.fixture(autouse=True)
def _no_convergence_noise():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        yield


@pytest.fixture(scope="module", autouse=True)
def _print_counts():
    yield
    print(f"\nMonotonicity on {N_PAIRS} random pairs per constrained feature")
    print(f"{'configuration':<46} {'feature':>7} {'violations':>10} {'moved':>6}")
    for (name, feature), (bad, pairs, moved) in sorted(COUNTS.items()):
        print(f"{name:<46} {feature:>7} {bad:>6}/{pairs} {moved:>6}")


def _data(n=400, seed=0):
    """Features whose effect on the target is not monotone without the constraint.

    Feature 0 rises then falls, feature 1 falls then rises, feature 3 is a wave:
    an unconstrained network follows them, a constrained one cannot.
    """
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n, 4))
    y = (
        np.sin(2 * X[:, 0])
        + (X[:, 1] - 0.5) ** 2
        + X[:, 2] * X[:, 0]
        + np.cos(3 * X[:, 3])
        + 0.1 * rng.normal(size=n)
    )
    return X, y


def _violations(predict, X, feature, direction, rng):
    """Pairs of points differing in ``feature`` only whose outputs break the order.

    Both points are drawn wider than the training data, and the step is of any
    size, so the check covers extrapolation too. ``predict`` runs on the two
    arrays separately, row for row alike, so rounding cannot differ between the
    two points of a pair: the count is exact, with no tolerance.
    """
    low = rng.normal(scale=2.0, size=(N_PAIRS, X.shape[1]))
    if isinstance(X, pd.DataFrame):
        low = X.sample(N_PAIRS, replace=True, random_state=rng).reset_index(drop=True)
        low.iloc[:, feature] = rng.normal(scale=2.0, size=N_PAIRS)
        high = low.copy()
        high.iloc[:, feature] += rng.exponential(size=N_PAIRS)
    else:
        high = low.copy()
        high[:, feature] += rng.exponential(size=N_PAIRS)
    change = (predict(high) - predict(low)) * direction
    return int((change < 0).sum()), int((change != 0).sum())


def _count(name, model, X, cst, predict):
    rng = np.random.RandomState(1)
    for feature, direction in enumerate(cst):
        if direction:
            bad, moved = _violations(predict, X, feature, direction, rng)
            COUNTS[name, feature] = (bad, N_PAIRS, moved)
            assert bad == 0, (name, feature, bad)
            assert moved > N_PAIRS // 10  # the feature matters: a real check


SOLVERS = {
    "adam": {"solver": "adam", "max_iter": 300, "learning_rate_init": 0.01},
    "sgd": {"solver": "sgd", "max_iter": 300, "learning_rate_init": 0.01},
    "lbfgs": {"solver": "lbfgs", "max_iter": 300},
}
ACTIVATION_CASES = ["convex_concave_relu", "relu", "tanh", ("elu", "softplus")]


@pytest.mark.parametrize("activation", ACTIVATION_CASES, ids=str)
@pytest.mark.parametrize("solver", SOLVERS)
def test_regressor_is_monotone_in_every_constrained_feature(solver, activation):
    X, y = _data()
    model = NeuronRegressor(
        hidden_layer_sizes=(16, 16),
        activation=activation,
        monotonic_cst=CST,
        random_state=0,
        **SOLVERS[solver],
    ).fit(X, y)
    _count(f"regressor {solver} {activation}", model, X, CST, model.predict)


@pytest.mark.parametrize("solver", SOLVERS)
def test_binary_classifier_is_monotone_in_every_constrained_feature(solver):
    X, y = _data()
    cst = [-1, 0, 1, 1]
    model = NeuronClassifier(
        hidden_layer_sizes=(16, 16),
        activation="convex_concave_relu",
        monotonic_cst=cst,
        random_state=0,
        **SOLVERS[solver],
    ).fit(X, y > np.median(y))
    proba = lambda X: model.predict_proba(X)[:, 1]  # noqa: E731
    _count(f"classifier {solver} predict_proba[:, 1]", model, X, cst, proba)


def test_without_the_constraint_the_same_data_gives_violations():
    """The check can fail: an unconstrained network follows the waves."""
    X, y = _data()
    model = NeuronRegressor(
        hidden_layer_sizes=(16, 16), solver="lbfgs", max_iter=300, random_state=0
    ).fit(X, y)
    bad, _ = _violations(model.predict, X, 0, 1, np.random.RandomState(1))
    assert bad > N_PAIRS // 10


def test_quantile_outputs_and_dict_constraints_are_monotone():
    X, y = _data()
    frame = pd.DataFrame(X, columns=["a", "b", "c", "d"])
    model = NeuronRegressor(
        loss="quantile",
        quantile=[0.1, 0.5, 0.9],
        hidden_layer_sizes=(16,),
        activation="convex_concave_relu",
        monotonic_cst={"a": 1, "d": -1},
        solver="lbfgs",
        random_state=0,
    ).fit(frame, y)
    for q in range(3):
        predict = lambda X, q=q: model.predict(  # noqa: E731
            pd.DataFrame(X, columns=frame.columns)
        )[:, q]
        _count(f"quantile {q} (dict)", model, X, [1, 0, 0, -1], predict)


@pytest.mark.parametrize("solver", ["adam", "lbfgs"])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_fitted_weights_follow_the_sign_pattern(solver, dtype):
    X, y = _data()
    model = NeuronRegressor(
        hidden_layer_sizes=(8, 6),
        monotonic_cst=CST,
        solver=solver,
        dtype=dtype,
        random_state=0,
        max_iter=50,
    ).fit(X, y)
    first, *later = model.coefs_
    assert (first[0] >= 0).all() and (first[1] <= 0).all() and (first[3] >= 0).all()
    assert (first[2] < 0).any() and (first[2] > 0).any()  # free, and used so
    assert all((W >= 0).all() for W in later)
    assert all((b < 0).any() for b in model.intercepts_[:-1])  # biases are free


@pytest.mark.parametrize("cst", [None, [0, 0, 0, 0], {"a": 0}])
@pytest.mark.parametrize("solver", ["adam", "lbfgs"])
def test_no_constraint_trains_as_without_the_parameter(cst, solver):
    X, y = _data()
    frame = pd.DataFrame(X, columns=["a", "b", "c", "d"])
    params = dict(hidden_layer_sizes=(8,), solver=solver, random_state=0, max_iter=30)
    plain = NeuronRegressor(**params).fit(frame, y)
    given = NeuronRegressor(monotonic_cst=cst, **params).fit(frame, y)
    for ours, theirs in zip(
        given.coefs_ + given.intercepts_, plain.coefs_ + plain.intercepts_
    ):
        np.testing.assert_array_equal(ours, theirs)
    mlp = MLPRegressor(**params).fit(X, y)
    np.testing.assert_allclose(given.coefs_[0], mlp.coefs_[0], rtol=1e-6, atol=1e-9)


def test_a_constraint_changes_the_weights():
    X, y = _data()
    params = dict(hidden_layer_sizes=(8,), solver="lbfgs", random_state=0, max_iter=30)
    plain = NeuronRegressor(**params).fit(X, y)
    given = NeuronRegressor(monotonic_cst=CST, **params).fit(X, y)
    assert not np.allclose(plain.coefs_[0], given.coefs_[0])


def test_warm_start_and_partial_fit_stay_feasible():
    X, y = _data()
    model = NeuronRegressor(
        hidden_layer_sizes=(8,), monotonic_cst=CST, warm_start=True, random_state=0
    )
    model.fit(X, y).fit(X, y)
    for _ in range(3):
        model.partial_fit(X, y)
    constraint = SignConstraint(model._network, np.array(CST, dtype=np.int8))
    assert constraint.is_feasible(model._params)
    _count("partial_fit", model, X, CST, model.predict)


@pytest.mark.parametrize("activation", ["convex_concave_relu", "tanh", "relu"])
def test_gradient_under_the_constraint_matches_central_differences(activation):
    """The constraint acts on the parameters only: the loss and its gradient are
    those of the plain network, at any feasible point."""
    rng = np.random.RandomState(0)
    X, Y = rng.normal(size=(10, 4)), rng.normal(size=(10, 1))
    network = Network((4, 5, 3, 1), [activation] * 2, "identity")
    constraint = SignConstraint(network, np.array(CST, dtype=np.int8))
    params = network.init_params(rng, np.float64)
    constraint.reflect(params)
    assert constraint.is_feasible(params)
    params[np.abs(params) < 1e-3] = 1e-3 * constraint.sign[np.abs(params) < 1e-3]
    workspace = Workspace(network, params.copy(), 10, "squared_error", alpha=0.1)

    def loss(x):
        workspace.params[...] = x
        return workspace.loss_gradient(X, Y)

    def gradient(x):
        loss(x)
        return workspace.grad.copy()

    error = check_grad(loss, gradient, params, epsilon=1e-7)
    assert error < 1e-5 * np.linalg.norm(gradient(params))


def test_projection_is_the_nearest_feasible_point():
    network = Network((4, 3, 2, 1), ["relu", "relu"], "identity")
    constraint = SignConstraint(network, np.array(CST, dtype=np.int8))
    rng = np.random.RandomState(0)
    for dtype in (np.float32, np.float64):
        params = rng.normal(size=network.n_params).astype(dtype)
        expected = np.clip(params, *constraint.bounds())
        constraint(params)
        np.testing.assert_array_equal(params, expected)
        assert constraint.is_feasible(params)
    W, b = network.unpack(constraint.sign)
    np.testing.assert_array_equal(W[0], np.repeat(np.c_[CST], 3, axis=1))
    assert (W[1] == 1).all() and (W[2] == 1).all()
    assert all((bias == 0).all() for bias in b)


def test_convex_concave_relu_halves():
    Z = np.linspace(-3, 3, 35).reshape(7, 5) + 1e-3
    A = np.empty_like(Z)
    record = ACTIVATIONS["convex_concave_relu"]
    record.forward(Z.copy(), A)
    np.testing.assert_array_equal(A[:, :3], np.maximum(Z[:, :3], 0))
    np.testing.assert_array_equal(A[:, 3:], np.minimum(Z[:, 3:], 0))
    dA = np.full_like(Z, 2.0)
    record.derivative(Z.copy(), A.copy(), dA)
    expected = 2.0 * np.c_[Z[:, :3] > 0, Z[:, 3:] < 0]
    np.testing.assert_array_equal(dA, expected)
    monotone = {name for name, a in ACTIVATIONS.items() if a.monotone}
    assert monotone == {
        "identity", "logistic", "tanh", "relu", "leaky_relu", "elu", "softplus",
        "convex_concave_relu", "exp", "cumulative_softplus",
    }  # fmt: skip


def test_convex_concave_relu_fits_a_concave_relation_relu_cannot():
    """Under the constraint, relu networks are convex in the constrained inputs
    (Runje and Shankaranarayana, 2023): a concave increasing target defeats them."""
    rng = np.random.RandomState(0)
    X = rng.uniform(-3, 3, size=(500, 1))
    y = -np.exp(-X[:, 0])
    scores = {}
    for activation in ("relu", "convex_concave_relu"):
        model = NeuronRegressor(
            hidden_layer_sizes=(16, 16),
            activation=activation,
            monotonic_cst=[1],
            solver="lbfgs",
            max_iter=500,
            random_state=0,
        ).fit(X, y)
        scores[activation] = model.score(X, y)
    assert scores["convex_concave_relu"] > 0.99
    assert scores["relu"] < scores["convex_concave_relu"] - 0.05


def test_tabular_estimators_carry_constraints_onto_numeric_columns():
    rng = np.random.RandomState(0)
    X, y = _data(500)
    frame = pd.DataFrame(X, columns=["a", "b", "c", "d"])
    frame["color"] = rng.choice(["red", "blue", "green"], size=len(frame))
    frame.loc[::7, "b"] = np.nan
    cst = {"a": 1, "b": -1, "d": 1}
    regressor = TabularRegressor(
        monotonic_cst=cst, activation="convex_concave_relu", random_state=0
    ).fit(frame, y)
    names = regressor.preprocessor_.get_feature_names_out()
    network_cst = dict(zip(names, regressor.network_.monotonic_cst))
    assert network_cst == {
        "color_blue": 0, "color_green": 0, "color_red": 0,
        "a": 1, "b": -1, "c": 0, "d": 1,
    }  # fmt: skip
    _count("TabularRegressor", regressor, frame, [1, -1, 0, 1], regressor.predict)
    classifier = TabularClassifier(
        monotonic_cst=[-1, 0, 1, 0, 0], random_state=0, max_iter=50
    ).fit(frame, y > 0)
    proba = lambda X: classifier.predict_proba(X)[:, 1]  # noqa: E731
    _count("TabularClassifier", classifier, frame, [-1, 0, 1, 0], proba)


@pytest.mark.parametrize("scaling", ["robust", "quantile"])
def test_robust_scalings_keep_the_tabular_constraints(scaling):
    X, y = _data(500)
    frame = pd.DataFrame(X, columns=["a", "b", "c", "d"])
    frame.loc[::7, "b"] = np.nan
    regressor = TabularRegressor(
        monotonic_cst=CST,
        scaling=scaling,
        activation="convex_concave_relu",
        random_state=0,
    ).fit(frame, y)
    assert list(regressor.network_.monotonic_cst) == CST
    _count(
        f"TabularRegressor scaling={scaling}", regressor, frame, CST, regressor.predict
    )


BAD = {
    "wrong length": ([1, 0, -1], "has shape (3,) but the input data X has 4"),
    "value 2": ([1, 0, 2, 0], "must be an array-like of -1, 0 or 1"),
    "value 0.5": ([1, 0, 0.5, 0], "must be an array-like of -1, 0 or 1"),
    "string": (["1", 0, 0, 0], "must be an array-like of -1, 0 or 1"),
    "2-d": ([[1, 0, 0, 0]], "1-d array-like"),
    "dict without names": ({"a": 1}, "X has no feature names"),
}


@pytest.mark.parametrize("name", BAD)
def test_bad_constraints_are_refused(name):
    cst, message = BAD[name]
    X, y = _data(50)
    with pytest.raises(
        ValueError, match=message.replace("(", r"\(").replace(")", r"\)")
    ):
        NeuronRegressor(monotonic_cst=cst, max_iter=2).fit(X, y)


def test_bad_dicts_are_refused():
    names = np.array(["a", "b"], dtype=object)
    with pytest.raises(ValueError, match=r"1 unexpected feature names: \['z'\]"):
        check_monotonic_cst({"a": 1, "z": 1}, 2, names)
    with pytest.raises(ValueError, match=r"monotonic_cst\['b'\] must be either"):
        check_monotonic_cst({"b": 3}, 2, names)
    np.testing.assert_array_equal(check_monotonic_cst({"b": -1}, 2, names), [0, -1])


@pytest.mark.parametrize("kind", ["multiclass", "multilabel"])
def test_classifier_refuses_more_than_two_classes(kind):
    X, y = _data(60)
    y = np.digitize(y, [-1, 0, 1]) if kind == "multiclass" else np.c_[y > 0, y > 1]
    with pytest.raises(ValueError, match=f"monotonic_cst .* binary .* {kind}"):
        NeuronClassifier(monotonic_cst=CST, max_iter=2).fit(X, y)
    with pytest.raises(ValueError, match="monotonic_cst"):
        TabularClassifier(monotonic_cst=CST, max_iter=2).fit(X, y)


@pytest.mark.parametrize("activation", ["gelu", "swish", ("relu", "silu")], ids=str)
def test_non_monotone_activations_are_refused(activation):
    X, y = _data(50)
    with pytest.raises(ValueError, match="monotonic_cst needs non-decreasing"):
        NeuronRegressor(
            hidden_layer_sizes=(4, 4), activation=activation, monotonic_cst=CST
        ).fit(X, y)
    # Unconstrained, they train as before.
    NeuronRegressor(hidden_layer_sizes=(4, 4), activation=activation, max_iter=2).fit(
        X, y
    )


def test_tabular_refuses_a_constrained_categorical_column():
    X, y = _data(60)
    frame = pd.DataFrame(X[:, :2], columns=["a", "b"])
    frame["color"] = np.where(y > 0, "red", "blue")
    with pytest.raises(ValueError, match=r"categorical column\(s\) \['color'\]"):
        TabularRegressor(monotonic_cst={"a": 1, "color": 1}).fit(frame, y)
    with pytest.raises(ValueError, match=r"categorical column\(s\) \[1\]"):
        TabularRegressor(monotonic_cst=[1, 1], categorical_features=[1]).fit(
            np.c_[X[:, 0], X[:, 1] > 0], y
        )


def test_a_linear_model_against_its_constraint_keeps_zero_weights():
    """No hidden layer: the constraint is on the one weight per feature. A relation
    opposite to its constraint leaves the weight at the bound, 0."""
    X, _ = _data(200)
    y = X[:, 0] - X[:, 1]
    model = NeuronRegressor(
        hidden_layer_sizes=(), monotonic_cst=[-1, 1, 0, 0], solver="lbfgs"
    ).fit(X, y)
    np.testing.assert_array_equal(model.coefs_[0][:2], 0.0)


def test_sparse_input_and_early_stopping_stay_feasible():
    import scipy.sparse as sp

    X, y = _data(200)
    for X_fit, early in ((sp.csr_matrix(X), False), (X, True)):
        model = NeuronClassifier(
            monotonic_cst=CST, max_iter=20, early_stopping=early, random_state=0
        ).fit(X_fit, y > 0)
        constraint = SignConstraint(model._network, np.array(CST, dtype=np.int8))
        assert constraint.is_feasible(model._params)
