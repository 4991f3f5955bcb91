"""Estimator behaviour, compared with scikit-learn's MLP on the same data."""

import warnings

import numpy as np
import pytest
import sklearn
from packaging.version import Version
from sklearn.datasets import load_breast_cancer, load_diabetes, load_digits, load_iris
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.preprocessing import StandardScaler

from skneuron import NeuronClassifier, NeuronRegressor

# scikit-learn 1.7 gave MLPRegressor the `loss` parameter (and Poisson) that
# skneuron has; before, its only loss is the squared error.
SKLEARN_HAS_LOSS = Version(sklearn.__version__) >= Version("1.7")


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return StandardScaler().fit_transform(X), y


@pytest.fixture(scope="module")
def diabetes():
    X, y = load_diabetes(return_X_y=True)
    return StandardScaler().fit_transform(X), (y - y.mean()) / y.std()


def _fit_quietly(estimator, X, y, **fit_params):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return estimator.fit(X, y, **fit_params)


# Same seed, same settings: skneuron draws the same initial weights and the same
# batches as scikit-learn, so the whole training trajectory must agree.
TRAJECTORIES = [
    {"solver": "adam"},
    {"solver": "sgd", "momentum": 0.9, "nesterovs_momentum": True},
    {"solver": "sgd", "momentum": 0.5, "nesterovs_momentum": False},
    {"solver": "sgd", "learning_rate": "invscaling", "learning_rate_init": 0.1},
    {"solver": "adam", "activation": "logistic", "alpha": 0.1, "batch_size": 64},
    {"solver": "adam", "hidden_layer_sizes": (30, 20), "activation": "tanh"},
    {"solver": "adam", "shuffle": False},
]


@pytest.mark.sklearn_reference
@pytest.mark.parametrize("params", TRAJECTORIES)
def test_classifier_trajectory_matches_scikit_learn(digits, params):
    X, y = digits
    settings = {"random_state": 0, "max_iter": 8, **params}
    ours = _fit_quietly(NeuronClassifier(dtype="float64", **settings), X, y)
    theirs = _fit_quietly(MLPClassifier(**settings), X, y)
    np.testing.assert_allclose(ours.loss_curve_, theirs.loss_curve_, rtol=1e-7)
    for a, b in zip(ours.coefs_ + ours.intercepts_, theirs.coefs_ + theirs.intercepts_):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(
        ours.predict_proba(X), theirs.predict_proba(X), atol=1e-7
    )


@pytest.mark.sklearn_reference
@pytest.mark.parametrize("loss", ["squared_error", "poisson"])
def test_regressor_trajectory_matches_scikit_learn(diabetes, loss):
    X, y = diabetes
    y = y - y.min() if loss == "poisson" else y
    settings = {"random_state": 0, "max_iter": 8, "loss": loss}
    ours = _fit_quietly(NeuronRegressor(dtype="float64", **settings), X, y)
    if not SKLEARN_HAS_LOSS:
        if loss != "squared_error":
            pytest.skip(f"scikit-learn {sklearn.__version__} has no {loss!r} loss")
        del settings["loss"]  # its only loss
    theirs = _fit_quietly(MLPRegressor(**settings), X, y)
    np.testing.assert_allclose(ours.loss_curve_, theirs.loss_curve_, rtol=1e-7)
    np.testing.assert_allclose(ours.predict(X), theirs.predict(X), rtol=1e-6)


@pytest.mark.sklearn_reference
def test_lbfgs_reaches_scikit_learn_s_loss(diabetes):
    X, y = diabetes
    settings = {"solver": "lbfgs", "random_state": 0, "max_iter": 50}
    ours = _fit_quietly(NeuronRegressor(**settings), X, y)
    theirs = _fit_quietly(MLPRegressor(**settings), X, y)
    assert ours.loss_ == pytest.approx(theirs.loss_, rel=1e-6)
    assert ours.n_iter_ == theirs.n_iter_


@pytest.mark.sklearn_reference
def test_converged_fit_stops_like_scikit_learn(digits):
    X, y = digits
    ours = NeuronClassifier(random_state=0, tol=1e-2, dtype="float64").fit(X, y)
    theirs = MLPClassifier(random_state=0, tol=1e-2).fit(X, y)
    assert ours.n_iter_ == theirs.n_iter_ < 200
    assert ours.best_loss_ == pytest.approx(theirs.best_loss_)
    assert ours.t_ == theirs.t_ == ours.n_iter_ * len(X)


@pytest.mark.sklearn_reference
def test_fitted_attributes_as_scikit_learn_s(digits):
    X, y = digits
    ours = _fit_quietly(NeuronClassifier(max_iter=3, random_state=0), X, y)
    theirs = _fit_quietly(MLPClassifier(max_iter=3, random_state=0), X, y)
    sklearn_attributes = {k for k in vars(theirs) if k.endswith("_") and k[0] != "_"}
    assert sklearn_attributes <= set(vars(ours))
    for name in ["n_layers_", "n_outputs_", "out_activation_", "n_iter_", "t_"]:
        assert getattr(ours, name) == getattr(theirs, name)
    np.testing.assert_array_equal(ours.classes_, theirs.classes_)


def test_coefs_are_views_of_one_flat_vector(digits):
    X, y = digits
    clf = _fit_quietly(NeuronClassifier(max_iter=2, random_state=0), X, y)
    flat = clf._params
    assert all(np.shares_memory(a, flat) for a in clf.coefs_ + clf.intercepts_)
    before = clf.predict_proba(X[:3])
    clf.coefs_[-1][...] = 0.0
    clf.intercepts_[-1][...] = 0.0
    np.testing.assert_allclose(clf.predict_proba(X[:3]), 0.1)
    assert not np.allclose(before, 0.1)


def test_no_hidden_layer_is_multinomial_logistic_regression(digits):
    X, y = digits
    clf = _fit_quietly(NeuronClassifier(hidden_layer_sizes=(), random_state=0), X, y)
    assert [w.shape for w in clf.coefs_] == [(64, 10)]
    assert clf.n_layers_ == 2 and clf.out_activation_ == "softmax"
    assert clf.score(X, y) > 0.95


def test_activation_per_hidden_layer(digits):
    X, y = digits
    clf = NeuronClassifier(
        hidden_layer_sizes=(20, 10), activation=("relu", "sigmoid"), max_iter=2
    )
    _fit_quietly(clf, X, y)
    assert clf._network.activations == ("relu", "logistic")
    with pytest.raises(ValueError, match="activation has 3 entries but there are 2"):
        clf.set_params(activation=("relu",) * 3).fit(X, y)


@pytest.mark.parametrize("loss", ["log_loss", "cross_entropy", "squared_error"])
@pytest.mark.parametrize("n_classes", [2, 3])
def test_classifier_losses_give_probabilities(loss, n_classes):
    X, y = load_iris(return_X_y=True)
    X, y = StandardScaler().fit_transform(X[y < n_classes]), y[y < n_classes]
    clf = _fit_quietly(NeuronClassifier(loss=loss, random_state=0), X, y)
    proba = clf.predict_proba(X)
    assert proba.shape == (len(X), n_classes)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-6)
    assert (proba >= 0).all()
    np.testing.assert_allclose(np.exp(clf.predict_log_proba(X)), proba, rtol=1e-6)
    np.testing.assert_array_equal(clf.classes_[proba.argmax(axis=1)], clf.predict(X))
    assert clf.score(X, y) > 0.9


def test_squared_error_and_log_loss_train_differently(digits):
    X, y = digits
    fits = [
        _fit_quietly(NeuronClassifier(loss=loss, max_iter=3, random_state=0), X, y)
        for loss in ("log_loss", "squared_error")
    ]
    assert not np.allclose(fits[0].loss_curve_, fits[1].loss_curve_)


@pytest.mark.parametrize("solver", ["adam", "sgd", "lbfgs"])
@pytest.mark.parametrize(
    "input_dtype, dtype, expected",
    [
        # "auto" follows the input, as scikit-learn's MLP does.
        (np.float32, "auto", np.float32),
        (np.float64, "auto", np.float64),
        (np.int64, "auto", np.float64),
        # An explicit dtype sets the computation whatever the input.
        (np.float64, "float32", np.float32),
        (np.float32, np.float64, np.float64),
    ],
)
def test_dtype_of_the_model(digits, solver, input_dtype, dtype, expected):
    if solver == "lbfgs" and dtype == "auto":
        expected = np.float64  # as scikit-learn's, whose scipy works in float64
    X, y = digits
    X = np.round(X).astype(input_dtype)
    clf = NeuronClassifier(solver=solver, dtype=dtype, max_iter=3, random_state=0)
    _fit_quietly(clf, X, y)
    assert clf._params.dtype == expected
    assert {a.dtype for a in (*clf.coefs_, *clf.intercepts_)} == {np.dtype(expected)}
    # Outputs in the type numpy gives X @ W, as scikit-learn's are.
    proba_dtype = np.result_type(X.dtype, expected, np.float32)
    assert clf.predict_proba(X[:2]).dtype == proba_dtype
    reg = NeuronRegressor(solver=solver, dtype=dtype, max_iter=3, random_state=0)
    _fit_quietly(reg, X, y / 9)
    assert reg.predict(X[:2]).dtype == proba_dtype


def test_a_fitted_model_keeps_its_dtype_through_partial_fit(digits):
    X, y = digits
    clf = NeuronClassifier(max_iter=2, random_state=0)
    _fit_quietly(clf, X.astype(np.float32), y)
    clf.partial_fit(X.astype(np.float64), y)
    assert clf._params.dtype == clf.coefs_[0].dtype == np.float32


def test_convergence_warning_at_max_iter(digits):
    X, y = digits
    with pytest.warns(ConvergenceWarning, match="Maximum iterations \\(2\\)"):
        NeuronClassifier(max_iter=2).fit(X, y)


def test_verbose_prints_one_line_per_epoch(digits, capsys):
    X, y = digits
    _fit_quietly(NeuronClassifier(max_iter=3, verbose=True), X, y)
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(",")[0] for line in lines] == [
        f"Iteration {i}" for i in (1, 2, 3)
    ]


@pytest.mark.sklearn_reference
def test_early_stopping_matches_scikit_learn_on_binary_targets():
    """scikit-learn stratifies binary targets too: same split, same run."""
    X, y = load_breast_cancer(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    settings = {"early_stopping": True, "random_state": 0}
    ours = NeuronClassifier(dtype="float64", **settings).fit(X, y)
    theirs = MLPClassifier(**settings).fit(X, y)
    assert ours.n_iter_ == theirs.n_iter_ < 200
    np.testing.assert_allclose(ours.validation_scores_, theirs.validation_scores_)
    assert ours.best_validation_score_ == theirs.best_validation_score_
    assert ours.best_loss_ is None and theirs.best_loss_ is None
    # Both restore the weights of the best epoch, not those of the last one.
    for a, b in zip(ours.coefs_, theirs.coefs_):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-9)


def test_early_stopping_restores_the_best_epoch(digits):
    X, y = digits
    clf = NeuronClassifier(
        early_stopping=True, n_iter_no_change=3, tol=0, max_iter=40, random_state=0
    )
    clf.fit(X, y)
    best_epoch = int(np.argmax(clf.validation_scores_))
    assert best_epoch < clf.n_iter_ - 1  # stopped after some worse epochs
    assert clf.best_validation_score_ == max(clf.validation_scores_)


def test_early_stopping_on_too_little_data_raises_as_scikit_learn_does():
    X, y = load_iris(return_X_y=True)
    clf = NeuronClassifier(early_stopping=True, validation_fraction=0.01, max_iter=5)
    with pytest.raises(ValueError, match="The validation set is too small.*holds 1"):
        clf.fit(X[::3], y[::3])
    assert not hasattr(clf, "coefs_")


@pytest.mark.parametrize("solver", ["rmsprop", "adamw"])
def test_extra_solvers_learn(digits, solver):
    X, y = digits
    clf = _fit_quietly(
        NeuronClassifier(solver=solver, max_iter=20, random_state=0), X, y
    )
    assert clf.score(X, y) > 0.97


def test_weight_decay_shrinks_adamw_weights(digits):
    X, y = digits
    norms = [
        np.linalg.norm(
            _fit_quietly(
                NeuronClassifier(
                    solver="adamw", weight_decay=wd, max_iter=10, random_state=0
                ),
                X,
                y,
            )._params
        )
        for wd in (0.0, 5.0)
    ]
    assert norms[1] < 0.8 * norms[0]


def test_class_weight_multiplies_sample_weight():
    X, y = load_iris(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    settings = {"max_iter": 5, "random_state": 0, "dtype": "float64"}
    weights = {0: 1.0, 1: 3.0, 2: 0.5}
    sample_weight = np.linspace(0.5, 2, len(y))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        by_class = NeuronClassifier(class_weight=weights, **settings).fit(
            X, y, sample_weight=sample_weight
        )
        by_sample = NeuronClassifier(**settings).fit(
            X, y, sample_weight=sample_weight * np.vectorize(weights.get)(y)
        )
        balanced = NeuronClassifier(class_weight="balanced", **settings).fit(X, y)
        unweighted = NeuronClassifier(**settings).fit(X, y)
    np.testing.assert_allclose(by_class.loss_curve_, by_sample.loss_curve_)
    # iris is balanced: "balanced" weighs every class 1.
    np.testing.assert_allclose(balanced.loss_curve_, unweighted.loss_curve_)
    with pytest.raises(
        ValueError, match="'balanced' is not available with partial_fit"
    ):
        NeuronClassifier(class_weight="balanced").partial_fit(X, y, classes=[0, 1, 2])


@pytest.mark.parametrize("n_classes", [2, 3])
@pytest.mark.parametrize("solver", ["adam", "lbfgs"])
def test_label_smoothing_trains_on_softened_targets(n_classes, solver):
    X, y = load_iris(return_X_y=True)
    X, y = StandardScaler().fit_transform(X)[y < n_classes], y[y < n_classes]
    settings = {"solver": solver, "max_iter": 300, "random_state": 0}
    sharp = _fit_quietly(NeuronClassifier(**settings), X, y)
    smooth = _fit_quietly(NeuronClassifier(label_smoothing=0.3, **settings), X, y)
    # The loss is minimal where each output matches its softened target, so the
    # most probable class stays near 1 - 0.3 + 0.3 / k instead of reaching 1.
    target = 1 - 0.3 + 0.3 / n_classes
    assert smooth.predict_proba(X).max(axis=1).mean() == pytest.approx(target, abs=0.05)
    assert sharp.predict_proba(X).max(axis=1).mean() > target + 0.08
    assert smooth.score(X, y) > 0.9
    assert smooth.loss_ > sharp.loss_  # the cross-entropy of soft targets


def test_multilabel_targets_use_independent_logistic_outputs():
    from sklearn.datasets import make_multilabel_classification

    X, Y = make_multilabel_classification(n_samples=200, n_classes=4, random_state=0)
    clf = _fit_quietly(NeuronClassifier(max_iter=300, random_state=0), X, Y)
    assert clf.out_activation_ == "logistic" and clf.n_outputs_ == 4
    assert clf.predict(X).shape == Y.shape
    proba = clf.predict_proba(X)
    assert proba.shape == Y.shape and ((proba >= 0) & (proba <= 1)).all()
    assert clf.score(X, Y) > 0.5


def test_string_labels_and_pandas_feature_names():
    pd = pytest.importorskip("pandas")
    X, y = load_iris(return_X_y=True, as_frame=True)
    labels = np.array(["setosa", "versicolor", "virginica"])[y]
    clf = _fit_quietly(NeuronClassifier(max_iter=50, random_state=0), X, labels)
    np.testing.assert_array_equal(clf.feature_names_in_, X.columns)
    assert set(clf.predict(X)) <= set(labels)
    with pytest.raises(ValueError, match="feature names"):
        clf.predict(X[X.columns[::-1]])
    assert isinstance(X, pd.DataFrame)


def test_sparse_input_gives_dense_results():
    import scipy.sparse as sp

    X, y = load_iris(return_X_y=True)
    settings = {"max_iter": 5, "random_state": 0, "dtype": "float64"}
    dense = _fit_quietly(NeuronClassifier(**settings), X, y)
    for fmt in (sp.csr_matrix, sp.csc_matrix):
        sparse = _fit_quietly(NeuronClassifier(**settings), fmt(X), y)
        np.testing.assert_allclose(sparse.predict_proba(fmt(X)), dense.predict_proba(X))


def test_sample_weight_is_routed_through_a_pipeline():
    import sklearn
    from sklearn.pipeline import make_pipeline

    X, y = load_iris(return_X_y=True)
    weight = np.where(y == 0, 5.0, 1.0)
    with sklearn.config_context(enable_metadata_routing=True):
        clf = NeuronClassifier(max_iter=5, random_state=0).set_fit_request(
            sample_weight=True
        )
        scaler = StandardScaler().set_fit_request(sample_weight=False)
        pipe = make_pipeline(scaler, clf)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            pipe.fit(X, y, sample_weight=weight)
            direct = NeuronClassifier(max_iter=5, random_state=0).fit(
                StandardScaler().fit_transform(X), y, sample_weight=weight
            )
    np.testing.assert_allclose(pipe[-1].loss_curve_, direct.loss_curve_)


def test_dropout_trains_differently_and_is_off_at_predict(digits):
    X, y = digits
    settings = {"hidden_layer_sizes": (50, 30), "max_iter": 5, "random_state": 0}
    plain = _fit_quietly(NeuronClassifier(**settings), X, y)
    dropped = _fit_quietly(NeuronClassifier(dropout=(0.5, 0.2), **settings), X, y)
    assert dropped.loss_curve_[-1] > plain.loss_curve_[-1]
    # Predicting is the plain forward pass through the fitted weights.
    A = X
    for W, b in zip(dropped.coefs_[:-1], dropped.intercepts_[:-1]):
        A = np.maximum(A @ W + b, 0)
    Z = A @ dropped.coefs_[-1] + dropped.intercepts_[-1]
    expected = np.exp(Z - Z.max(axis=1, keepdims=True))
    expected /= expected.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(dropped.predict_proba(X), expected, rtol=1e-4)
    # Same seed, same masks: dropout training is reproducible.
    again = _fit_quietly(NeuronClassifier(dropout=(0.5, 0.2), **settings), X, y)
    np.testing.assert_array_equal(again._params, dropped._params)


@pytest.mark.parametrize(
    "params, match",
    [
        ({"dropout": (0.1, 0.2, 0.3)}, "dropout has 3 entries but there are 2"),
        ({"dropout": (0.1, 1.5)}, r"dropout rates must be in \[0, 1\)"),
        ({"dropout": 0.2, "solver": "lbfgs"}, "dropout needs a stochastic solver"),
        ({"dropout": 1.0}, "'dropout' parameter"),
        ({"weight_init": "xavier"}, "'weight_init' parameter"),
        ({"leaky_relu_slope": -0.1}, "'leaky_relu_slope' parameter"),
    ],
)
def test_invalid_training_options(params, match):
    X, y = load_iris(return_X_y=True)
    with pytest.raises(ValueError, match=match):
        NeuronClassifier(hidden_layer_sizes=(5, 5), **params).fit(X, y)


@pytest.mark.parametrize("weight_init", ["he", "lecun", "auto"])
def test_weight_init_changes_the_start(digits, weight_init):
    X, y = digits
    settings = {"max_iter": 1, "random_state": 0}
    glorot = _fit_quietly(NeuronClassifier(**settings), X, y)
    other = _fit_quietly(NeuronClassifier(weight_init=weight_init, **settings), X, y)
    assert other.loss_curve_[0] != glorot.loss_curve_[0]


def test_leaky_relu_slope_changes_the_model(digits):
    X, y = digits
    settings = {"activation": "leaky_relu", "max_iter": 2, "random_state": 0}
    fits = [
        _fit_quietly(NeuronClassifier(leaky_relu_slope=s, **settings), X, y)
        for s in (0.01, 0.3)
    ]
    assert fits[0].loss_curve_ != fits[1].loss_curve_


def test_zero_weights_equal_removed_samples_with_lbfgs(diabetes):
    X, y = diabetes
    weight = np.ones(len(y))
    weight[::3] = 0
    settings = {"solver": "lbfgs", "max_iter": 30, "random_state": 0}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        weighted = NeuronRegressor(**settings).fit(X, y, sample_weight=weight)
        removed = NeuronRegressor(**settings).fit(X[weight > 0], y[weight > 0])
    np.testing.assert_allclose(weighted._params, removed._params, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("Estimator", [NeuronClassifier, NeuronRegressor])
def test_sample_weight_reaches_score_and_early_stopping(Estimator):
    X, y = load_iris(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    weight = np.where(y == 2, 10.0, 1.0)
    est = Estimator(early_stopping=True, max_iter=30, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        est.fit(X, y, sample_weight=weight)
    assert len(est.validation_scores_) == est.n_iter_
    assert est.score(X, y, sample_weight=weight) != est.score(X, y)


def test_partial_fit_after_an_early_stopping_fit():
    """scikit-learn 1.9 raises a TypeError here (best_loss_ is None)."""
    X, y = load_iris(return_X_y=True)
    clf = _fit_quietly(NeuronClassifier(early_stopping=True, max_iter=5), X, y)
    clf.set_params(early_stopping=False).partial_fit(X, y)
    assert clf.n_iter_ == 1 and np.isfinite(clf.loss_)


def test_lbfgs_honours_max_fun(diabetes):
    X, y = diabetes
    with pytest.warns(ConvergenceWarning, match="lbfgs failed to converge"):
        reg = NeuronRegressor(solver="lbfgs", max_fun=7, random_state=0).fit(X, y)
    assert reg.n_iter_ < 7


def test_sample_weight_is_routed_through_grid_search():
    import sklearn
    from sklearn.model_selection import GridSearchCV

    X, y = load_iris(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    weight = np.where(y == 1, 0.0, 1.0)  # class 1 carries no weight at all
    with sklearn.config_context(enable_metadata_routing=True):
        clf = (
            NeuronClassifier(max_iter=200, random_state=0)
            .set_fit_request(sample_weight=True)
            .set_score_request(sample_weight=False)
        )
        search = GridSearchCV(clf, {"alpha": [1e-4, 1e-2]}, cv=3)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            search.fit(X, y, sample_weight=weight)
    # Trained without class 1's weight, the model all but never predicts it.
    assert np.mean(search.predict(X[y == 1]) == 1) < 0.2


@pytest.mark.parametrize("kind", ["binary", "multiclass", "multilabel"])
def test_label_decoding_equals_label_binarizer(kind):
    from sklearn.preprocessing import LabelBinarizer

    rng = np.random.RandomState(0)
    y = {
        "binary": np.array(["no", "yes"])[rng.randint(0, 2, 50)],
        "multiclass": rng.randint(0, 4, 50) * 10,
        "multilabel": rng.randint(0, 2, (50, 3)),
    }[kind]
    X = rng.randn(50, 3)
    clf = _fit_quietly(NeuronClassifier(hidden_layer_sizes=(), max_iter=1), X, y)
    outputs = rng.rand(50, clf.n_outputs_)
    expected = (
        LabelBinarizer()
        .fit(y)
        .inverse_transform(outputs.ravel() if clf.n_outputs_ == 1 else outputs)
    )
    np.testing.assert_array_equal(clf._target.decode(outputs), expected)


def test_plain_arrays_and_other_inputs_predict_the_same(digits):
    X, y = digits
    clf = _fit_quietly(NeuronClassifier(max_iter=3, random_state=0), X, y)
    expected = clf.predict_proba(X)
    for other in (X.tolist(), np.asfortranarray(X), X.astype(np.float32)):
        np.testing.assert_allclose(clf.predict_proba(other), expected, rtol=1e-6)


@pytest.mark.sklearn_reference
def test_lbfgs_on_float32_input_equals_scikit_learn_s():
    X, y = load_breast_cancer(return_X_y=True)
    X = StandardScaler().fit_transform(X).astype(np.float32)
    settings = dict(solver="lbfgs", hidden_layer_sizes=(20,), random_state=0)
    ours = NeuronClassifier(**settings).fit(X, y)
    theirs = MLPClassifier(**settings).fit(X, y)
    assert ours.coefs_[0].dtype == theirs.coefs_[0].dtype == np.float64
    assert ours.n_iter_ == theirs.n_iter_
    # scikit-learn computes the loss in float64 there too, but rounds its gradient
    # to float32 buffers: the two runs agree to that rounding, not to the last digit.
    assert ours.loss_ == pytest.approx(theirs.loss_, rel=5e-3)


def test_best_loss_after_early_stopping_then_partial_fit_is_the_best_training_loss():
    """Issue 17, bug 1: best_loss_ is read from the loss history. After an
    early-stopping fit, partial_fit without it must not report the validation
    accuracy negated (-0.9) as the best loss."""
    X, y = load_iris(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    clf = _fit_quietly(
        NeuronClassifier(early_stopping=True, max_iter=5, random_state=0), X, y
    )
    assert clf.best_loss_ is None
    clf.set_params(early_stopping=False).partial_fit(X, y)
    assert clf.best_validation_score_ is None and clf.validation_scores_ is None
    assert clf.best_loss_ == min(clf.loss_curve_) > 0


@pytest.mark.parametrize("incremental", [False, True])
def test_best_loss_is_the_smallest_training_loss_without_early_stopping(incremental):
    """best_loss_ is min(loss_curve_), also across partial_fit calls (as in
    scikit-learn, whose best loss carries over)."""
    X, y = load_iris(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    clf = _fit_quietly(NeuronClassifier(max_iter=5, random_state=0), X, y)
    if incremental:
        for _ in range(3):
            clf.partial_fit(X, y)
    assert clf.best_loss_ == min(clf.loss_curve_) > 0


def test_a_zero_validation_fraction_with_early_stopping_names_the_parameter():
    """Issue 17, bug 3: the error names validation_fraction and keeps scikit-learn's
    train_test_split text, which code written for its MLP may match."""
    X, y = load_iris(return_X_y=True)
    clf = NeuronClassifier(early_stopping=True, validation_fraction=0.0, max_iter=5)
    with pytest.raises(ValueError, match="test_size=0.0 should be") as error:
        clf.fit(X, y)
    assert "validation_fraction" in str(error.value)
    assert not hasattr(clf, "coefs_")


def _regression_problem(n=400, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.randn(n, 5)
    return X, X @ [1.0, -2.0, 0.5, 0.0, 1.5] + 0.1 * rng.randn(n)


def test_dropout_regressor_is_reproducible_differs_and_predicts_without_dropout():
    """NeuronRegressor(dropout=...): the same seed gives the same fit, another than
    without dropout; predicting is the plain forward pass, the same every call."""
    X, y = _regression_problem()
    settings = {"hidden_layer_sizes": (20, 10), "max_iter": 5, "random_state": 0}
    plain = _fit_quietly(NeuronRegressor(**settings), X, y)
    dropped = _fit_quietly(NeuronRegressor(dropout=(0.3, 0.1), **settings), X, y)
    again = _fit_quietly(NeuronRegressor(dropout=(0.3, 0.1), **settings), X, y)
    for a, b, c in zip(dropped.coefs_, again.coefs_, plain.coefs_):
        np.testing.assert_array_equal(a, b)
        assert np.abs(a - c).max() > 1e-3
    A = X
    for W, b in zip(dropped.coefs_[:-1], dropped.intercepts_[:-1]):
        A = np.maximum(A @ W + b, 0)
    expected = (A @ dropped.coefs_[-1] + dropped.intercepts_[-1]).ravel()
    first = dropped.predict(X)
    np.testing.assert_allclose(first, expected, rtol=1e-10, atol=1e-12)
    np.testing.assert_array_equal(dropped.predict(X), first)


def test_dropout_masks_are_drawn_afresh_for_every_batch():
    """With one row per batch, a dropped unit gets no gradient: one step on one row
    moves the incoming weights of some units only. Over an epoch of 40 such
    batches, every unit has moved, which a mask drawn once would not allow (tanh:
    no unit is dead for another reason)."""
    X, y = _regression_problem(n=40)
    settings = {"hidden_layer_sizes": (8,), "activation": "tanh", "max_iter": 1}
    settings.update(batch_size=1, alpha=0.0, random_state=0)
    # Adam moves each weight by about the learning rate: 1e-300 leaves the start.
    start = _fit_quietly(NeuronRegressor(learning_rate_init=1e-300, **settings), X, y)
    one_row = _fit_quietly(NeuronRegressor(dropout=0.5, **settings), X[:1], y[:1])
    moved = (one_row.coefs_[0] != start.coefs_[0]).any(axis=0)
    assert 0 < moved.sum() < 8
    epoch = _fit_quietly(NeuronRegressor(dropout=0.5, **settings), X, y)
    assert (epoch.coefs_[0] != start.coefs_[0]).any(axis=0).all()


def test_dropout_regressor_learns_a_simple_problem():
    """Dropout regularizes, it does not prevent learning: R^2 on held-out data of a
    near-linear problem stays high."""
    X, y = _regression_problem(n=600)
    reg = _fit_quietly(
        NeuronRegressor(
            hidden_layer_sizes=(32,),
            dropout=0.2,
            learning_rate_init=0.01,
            max_iter=60,
            random_state=0,
        ),
        X[:400],
        y[:400],
    )
    assert reg.score(X[400:], y[400:]) > 0.98


def _assert_same_weights(a, b):
    for got, want in zip(a.coefs_ + a.intercepts_, b.coefs_ + b.intercepts_):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("Estimator", [NeuronClassifier, NeuronRegressor])
def test_early_stopping_keeps_the_weights_of_the_best_epoch(digits, Estimator):
    """The fitted weights are those of the epoch with the best validation score,
    not the last one: a fit stopped by max_iter at that epoch, whose last epoch is
    the best, has the same weights (training is deterministic for a seed)."""
    X, y = digits
    if Estimator is NeuronRegressor:
        y = (y - y.mean()) / y.std()
    settings = dict(early_stopping=True, n_iter_no_change=3, tol=0, random_state=0)
    est = _fit_quietly(Estimator(max_iter=40, **settings), X, y)
    best_epoch = int(np.argmax(est.validation_scores_)) + 1
    assert best_epoch < est.n_iter_  # later epochs did worse: the check has teeth
    assert est.best_validation_score_ == est.validation_scores_[best_epoch - 1]
    up_to_best = _fit_quietly(Estimator(max_iter=best_epoch, **settings), X, y)
    assert up_to_best.validation_scores_ == est.validation_scores_[:best_epoch]
    _assert_same_weights(est, up_to_best)


def _validation_split(X, y, sample_weight, n_params, seed, fraction, stratify):
    """scikit-learn's MLP split: the initial weights are drawn first, from the same
    random state, then train_test_split holds out ``fraction`` of the rows."""
    from sklearn.model_selection import train_test_split

    random_state = np.random.RandomState(seed)
    random_state.uniform(size=n_params)  # the draws of the initial weights
    return train_test_split(
        X,
        y,
        sample_weight,
        random_state=random_state,
        test_size=fraction,
        stratify=y if stratify else None,
    )


@pytest.mark.parametrize("binary", [False, True])
def test_sample_weight_reaches_the_validation_score(binary):
    """With sample_weight, early stopping scores the held-out rows by weighted
    accuracy: the best validation score is accuracy_score(..., sample_weight=...)
    of the kept model (the best epoch's) on those rows, and differs from the
    unweighted one.
    Binary targets are stratified, as in scikit-learn."""
    from sklearn.metrics import accuracy_score

    X, y = load_iris(return_X_y=True)
    if binary:
        y = (y == 2).astype(int)
    X = StandardScaler().fit_transform(X)
    weight = np.random.RandomState(0).uniform(0.2, 5.0, len(y))
    clf = NeuronClassifier(
        hidden_layer_sizes=(5,),
        early_stopping=True,
        validation_fraction=0.3,
        learning_rate_init=0.01,
        max_iter=30,
        random_state=1,
    )
    clf = _fit_quietly(clf, X, y, sample_weight=weight)
    # The kept model is that of the best epoch, not the last.
    assert np.argmax(clf.validation_scores_) + 1 < clf.n_iter_
    n_params = sum(W.size + b.size for W, b in zip(clf.coefs_, clf.intercepts_))
    _, X_val, _, y_val, _, w_val = _validation_split(
        X, y, weight, n_params, 1, 0.3, binary
    )
    predicted = clf.predict(X_val)
    weighted = accuracy_score(y_val, predicted, sample_weight=w_val)
    assert clf.best_validation_score_ == pytest.approx(weighted, rel=1e-12)
    assert weighted != pytest.approx(accuracy_score(y_val, predicted), rel=1e-3)


@pytest.mark.parametrize("kind", ["binary", "multiclass", "multilabel"])
def test_log_loss_validation_score_is_minus_scikit_learn_s_log_loss(kind):
    from sklearn.metrics import log_loss

    rng = np.random.default_rng(0)
    X = rng.normal(size=(90, 4))
    y = {
        "binary": X[:, 0] > 0,
        "multiclass": np.digitize(X[:, 0], [-0.5, 0.5]),
        "multilabel": np.c_[X[:, 0] > 0, X[:, 1] > 0],
    }[kind]
    weight = rng.uniform(0.5, 2, size=len(y))
    clf = _fit_quietly(NeuronClassifier(max_iter=5, random_state=0), X, y)
    proba, Y = clf.predict_proba(X), clf._target.encode(y)
    outputs = proba[:, 1:] if kind == "binary" else proba  # the network's outputs
    got = clf._target.neg_log_loss(outputs, Y, weight)
    if kind == "multilabel":  # one binary cross-entropy per output, summed
        expected = -sum(
            log_loss(y[:, j], proba[:, j], sample_weight=weight) for j in range(2)
        )
    else:
        expected = -log_loss(y, proba, sample_weight=weight)
    assert got == pytest.approx(expected)


def test_log_loss_validation_scoring_watches_the_cross_entropy(digits):
    X, y = digits
    settings = dict(early_stopping=True, max_iter=15, random_state=0)
    accuracy = _fit_quietly(NeuronClassifier(**settings), X, y)
    loss = _fit_quietly(
        NeuronClassifier(validation_scoring="log_loss", **settings), X, y
    )
    assert 0 < min(accuracy.validation_scores_) <= 1
    assert max(loss.validation_scores_) < 0
    assert loss.best_validation_score_ == max(loss.validation_scores_)
    with pytest.raises(ValueError, match="validation_scoring.*'log_loss'"):
        NeuronClassifier(validation_scoring="loss").fit(X, y)
