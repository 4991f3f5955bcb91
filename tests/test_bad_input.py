"""Bad input gets a clear scikit-learn style error that names the problem."""

import warnings

import numpy as np
import pytest

from skneuron import NeuronClassifier, NeuronRegressor

rng = np.random.RandomState(0)
X = rng.randn(30, 4)
y = np.arange(30) % 3


def _with(array, index, value):
    array = array.astype(float).copy()
    array[index] = value
    return array


# (estimator, X, y, error type, message pattern)
# An object array keeps each label's type (a list would become strings).
_MIXED_LABELS = np.array(["a", 1] * 15, dtype=object)

BAD_FITS = [
    (
        NeuronClassifier(),
        _with(X, (0, 0), np.nan),
        y,
        ValueError,
        "Input X contains NaN",
    ),
    (
        NeuronClassifier(),
        _with(X, (1, 2), np.inf),
        y,
        ValueError,
        "Input X contains inf",
    ),
    (NeuronRegressor(), X, _with(y, 3, np.nan), ValueError, "Input y contains NaN"),
    (NeuronRegressor(), X, _with(y, 3, np.inf), ValueError, "Input y contains inf"),
    (NeuronClassifier(), X, _with(y, 3, np.nan), ValueError, "Input y contains NaN"),
    (NeuronClassifier(), [[1, 2], [3]], [0, 1], ValueError, "X is ragged"),
    (NeuronClassifier(), X, _MIXED_LABELS, ValueError, "Mix of label input types"),
    (NeuronRegressor(), X, ["a", "b"] * 15, ValueError, "needs numeric targets"),
    (NeuronClassifier(activation="rellu"), X, y, ValueError, "'activation'.*rellu"),
    (
        NeuronClassifier((5, 5), activation=("relu", "nope")),
        X,
        y,
        ValueError,
        "Unknown activation 'nope'",
    ),
    (NeuronClassifier(loss="hinge"), X, y, ValueError, "'loss' parameter.*hinge"),
    (NeuronRegressor(loss="log_loss"), X, y, ValueError, "'loss' parameter.*log_loss"),
    (
        NeuronClassifier(hidden_layer_sizes=(10, -2)),
        X,
        y,
        ValueError,
        "positive integers",
    ),
    (NeuronClassifier(hidden_layer_sizes=(0,)), X, y, ValueError, "positive integers"),
    (NeuronClassifier(hidden_layer_sizes=-5), X, y, ValueError, "hidden_layer_sizes"),
    (NeuronClassifier(solver="newton"), X, y, ValueError, "'solver' parameter"),
    (NeuronClassifier(alpha=-1.0), X, y, ValueError, "'alpha' parameter"),
    (NeuronClassifier(batch_size=0), X, y, ValueError, "'batch_size' parameter"),
    (NeuronRegressor(loss="poisson"), X, y - 1.0, ValueError, "negative.*Poisson"),
    (NeuronClassifier(), X, y[:-1], ValueError, "inconsistent numbers of samples"),
]


@pytest.mark.parametrize(
    "estimator, X_fit, y_fit, error, match", BAD_FITS, ids=[m for *_, m in BAD_FITS]
)
def test_fit_rejects_bad_input(estimator, X_fit, y_fit, error, match):
    with pytest.raises(error, match=match):
        estimator.fit(X_fit, y_fit)


@pytest.mark.parametrize("Estimator", [NeuronClassifier, NeuronRegressor])
def test_predict_rejects_wrong_number_of_features(Estimator):
    est = Estimator(max_iter=5).fit(X, y)
    with pytest.raises(ValueError, match="X has 3 features, but .* is expecting 4"):
        est.predict(X[:, :3])


def test_failed_refit_leaves_the_model_as_it_was():
    clf = NeuronClassifier(max_iter=5, random_state=0).fit(X, y)
    before = clf.predict_proba(X)
    with pytest.raises(ValueError, match="Mix of label input types"):
        clf.fit(X, _MIXED_LABELS)
    np.testing.assert_array_equal(clf.predict_proba(X), before)
    with pytest.raises(ValueError, match="Input X contains NaN"):
        clf.partial_fit(_with(X, (0, 0), np.nan), y)
    np.testing.assert_array_equal(clf.predict_proba(X), before)


def test_divergence_is_an_error_and_keeps_the_old_model():
    reg = NeuronRegressor(max_iter=5, random_state=0).fit(X, y)
    before = reg.predict(X)
    reg.set_params(solver="sgd", learning_rate_init=1e10, warm_start=True)
    with pytest.raises(ValueError, match="diverged"):
        reg.fit(X * 1e10, y * 1e10)
    np.testing.assert_array_equal(reg.predict(X), before)
    assert np.isfinite(reg._params).all()


def test_divergence_with_early_stopping_keeps_the_best_epoch_and_warns():
    from sklearn.exceptions import ConvergenceWarning

    Xd, yd = rng.randn(200, 4), rng.randn(200)
    settings = dict(solver="sgd", early_stopping=True, random_state=0, max_iter=30)
    reg = NeuronRegressor(learning_rate_init=1.0, **settings)
    with pytest.warns(ConvergenceWarning, match="diverged at epoch .* best epoch"):
        reg.fit(Xd, yd)
    assert np.isnan(reg.validation_scores_[-1])
    assert reg.best_validation_score_ == max(reg.validation_scores_[:-1])
    # The kept weights are the best epoch's: training up to it gives them back.
    best_epoch = int(np.nanargmax(reg.validation_scores_)) + 1
    assert best_epoch < reg.n_iter_
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        settings["max_iter"] = best_epoch
        same = NeuronRegressor(learning_rate_init=1.0, **settings).fit(Xd, yd)
    np.testing.assert_array_equal(reg._params, same._params)


def test_a_rising_training_loss_warns_that_the_rate_is_too_high():
    from sklearn.exceptions import ConvergenceWarning

    reg = NeuronRegressor(learning_rate_init=1e3, max_iter=20, random_state=0)
    with pytest.warns(ConvergenceWarning, match="learning rate is probably too high"):
        reg.fit(X, X @ [1.0, 2.0, 3.0, 4.0])


def test_a_single_class_trains_and_is_always_predicted():
    clf = NeuronClassifier(max_iter=5).fit(X, ["only"] * 30)
    assert clf.predict(X).tolist() == ["only"] * 30
    assert clf.predict_proba(X).shape == (30, 2)  # as scikit-learn's MLP returns


def test_partial_fit_rejects_unseen_labels():
    clf = NeuronClassifier().partial_fit(X, y, classes=[0, 1, 2])
    with pytest.raises(ValueError, match="has classes not in `self.classes_`"):
        clf.partial_fit(X, y + 1)


BAD_PREDICT_INPUTS = [
    (_with(X, (2, 1), np.nan), ValueError, "Input X contains NaN"),
    (_with(X, (2, 1), np.inf), ValueError, "Input X contains inf"),
    (X[:, :3], ValueError, "X has 3 features"),
    (X[0], ValueError, "Expected 2D array, got 1D array"),
    (X[np.newaxis], ValueError, "Found array with dim 3"),
    (X[:0], ValueError, "0 sample"),
    (X.astype(complex), ValueError, "Complex data not supported"),
]


PREDICTING = [
    (NeuronClassifier, "predict"),
    (NeuronClassifier, "predict_proba"),
    (NeuronClassifier, "predict_log_proba"),
    (NeuronClassifier, "score"),
    (NeuronRegressor, "predict"),
    (NeuronRegressor, "score"),
]


@pytest.mark.parametrize(
    "Estimator, method", PREDICTING, ids=[f"{E.__name__}.{m}" for E, m in PREDICTING]
)
@pytest.mark.parametrize(
    "X_bad, error, match", BAD_PREDICT_INPUTS, ids=[m for *_, m in BAD_PREDICT_INPUTS]
)
def test_predicting_rejects_what_scikit_learn_rejects(
    Estimator, method, X_bad, error, match
):
    """The light validation path for plain arrays lets nothing bad through."""
    est = Estimator(max_iter=5).fit(X, y)
    args = (X_bad, np.resize(y, len(X_bad))) if method == "score" else (X_bad,)
    with pytest.raises(error, match=match):
        getattr(est, method)(*args)


def test_predict_before_fit_is_a_not_fitted_error():
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        NeuronClassifier().predict(X)


# Bad data for fit and partial_fit: (name, X, y, sample_weight, message pattern).
BAD_DATA = [
    ("None in X", np.where(X > 1, None, X), y, None, "Input X contains NaN"),
    ("strings in X", X.astype(str).astype(object) + "a", y, None, "convert string"),
    ("complex X", X.astype(complex), y, None, "Complex data not supported"),
    ("empty X", X[:0], y[:0], None, "0 sample"),
    ("0 features", X[:, :0], y, None, "0 feature"),
    ("3-D X", X[:, :, np.newaxis], y, None, "dim 3"),
    ("None in y", X, np.where(y == 1, None, y), None, "None"),
    ("y too short", X, y[:-1], None, "inconsistent numbers of samples"),
    ("weights too short", X, y, np.ones(29), "sample_weight.shape"),
    ("negative weights", X, y, -np.ones(30), "negative values"),
    ("NaN weights", X, y, _with(np.ones(30), 0, np.nan), "sample_weight contains NaN"),
    ("all-zero weights", X, y, np.zeros(30), "non-zero"),
]


@pytest.mark.parametrize("method", ["fit", "partial_fit"])
@pytest.mark.parametrize("Estimator", [NeuronClassifier, NeuronRegressor])
@pytest.mark.parametrize(
    "name, X_bad, y_bad, weight, match", BAD_DATA, ids=[case[0] for case in BAD_DATA]
)
def test_bad_data_is_refused_and_the_model_is_left_as_it_was(
    Estimator, method, name, X_bad, y_bad, weight, match
):
    est = Estimator(max_iter=3, random_state=0).fit(X, y)
    before, predictions = est._params.copy(), est.predict(X)
    with pytest.raises((ValueError, TypeError), match=match):
        getattr(est, method)(X_bad, y_bad, sample_weight=weight)
    np.testing.assert_array_equal(est._params, before)
    np.testing.assert_array_equal(est.predict(X), predictions)
    est.partial_fit(X, y)  # and it still trains
