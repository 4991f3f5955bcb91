"""TabularClassifier and TabularRegressor: data frames in, the recipe's choices."""

import pickle
import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.utils.estimator_checks import parametrize_with_checks

import skneuron
from skneuron import (
    NeuronClassifier,
    NeuronRegressor,
    TabularClassifier,
    TabularRegressor,
)
from skneuron._preprocessing import smooth_clip
from skneuron._tabular import _NETWORK_PARAMS


@parametrize_with_checks([TabularClassifier(), TabularRegressor()])
def test_scikit_learn_compatible(estimator, check):
    check(estimator)


def _frame(n=600, seed=0):
    """Numeric and categorical columns with missing values; y depends on both."""
    rng = np.random.default_rng(seed)
    size = rng.normal(size=n)
    color = rng.choice(["red", "green", "blue"], size=n).astype(object)
    X = pd.DataFrame({"size": size, "color": color, "count": rng.poisson(3, n)})
    y = (size + (color == "red") * 2 > 0.5).astype(int)
    X.loc[rng.random(n) < 0.1, "size"] = np.nan
    X.loc[rng.random(n) < 0.1, "color"] = np.nan
    return X, y


def test_data_frame_with_categories_and_missing_values():
    X, y = _frame()
    clf = TabularClassifier(random_state=0).fit(X, y)
    names = clf.preprocessor_.get_feature_names_out().tolist()
    assert names == ["color_blue", "color_green", "color_red", "size", "count"]
    assert clf.score(X, y) > 0.85
    assert clf.classes_.tolist() == [0, 1]
    # A level unseen in training is encoded as infrequent, not an error.
    new = X.head(3).assign(color=["purple", "red", None])
    assert clf.predict_proba(new).shape == (3, 2)


def test_categorical_features_given_by_name_and_by_mask():
    X, y = _frame()
    X["count"] = X["count"].astype(float)
    by_name = TabularClassifier(categorical_features=["color", "count"]).fit(X, y)
    by_mask = TabularClassifier(categorical_features=[False, True, True]).fit(X, y)
    for clf in (by_name, by_mask):
        names = clf.preprocessor_.get_feature_names_out()
        assert "size" in names and "count" not in names
        assert any(name.startswith("count_") for name in names)


def test_early_stopping_auto_follows_the_validation_set_size():
    X, y = _frame(n=600)
    assert TabularClassifier(max_iter=5).fit(X, y).network_.early_stopping
    small = TabularClassifier(max_iter=5, min_validation_samples=61)
    assert not small.fit(X, y).network_.early_stopping
    assert not TabularClassifier(early_stopping=False).fit(X, y).network_.early_stopping


def test_network_gets_the_recipe_settings():
    X, y = _frame()
    clf = TabularClassifier(
        hidden_layer_sizes=(7,), alpha=0.1, n_iter_no_change=3, random_state=1
    ).fit(X, y)
    net = clf.network_
    assert isinstance(net, NeuronClassifier)
    assert (net.hidden_layer_sizes, net.alpha, net.n_iter_no_change) == ((7,), 0.1, 3)
    assert net.random_state == 1 and clf.n_iter_ == net.n_iter_
    # The recipe's own default, not the network's: early stopping on the
    # validation cross-entropy.
    assert net.validation_scoring == "log_loss"
    assert net.numeric_embedding == "periodic"


def test_outliers_are_clipped_smoothly():
    X = np.r_[np.zeros(99), 1e6].reshape(-1, 1)
    y = np.arange(100.0)
    clipped = TabularRegressor(max_iter=2).fit(X, y)
    assert np.abs(clipped.preprocessor_.transform(X)).max() < 3
    raw = TabularRegressor(max_iter=2, clip_outliers=False).fit(X, y)
    assert raw.preprocessor_.transform(X).max() > 9
    assert smooth_clip(np.array([0.0, 1e-3]))[1] == pytest.approx(1e-3)


def test_regressor_predicts_in_the_scale_of_the_targets():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(500, 3))
    y = 1000 * X[:, 0] + 5000
    reg = TabularRegressor(random_state=0).fit(X, y)
    assert reg.target_scaler_.mean_[0] == pytest.approx(y.mean())
    assert reg.score(X, y) > 0.99
    unscaled = TabularRegressor(scale_target=False, max_iter=3).fit(X, y)
    assert unscaled.target_scaler_ is None
    two = TabularRegressor(max_iter=3).fit(X, np.c_[y, -y])
    assert two.predict(X).shape == (500, 2)


def test_sample_weights_reach_the_scaling():
    X = np.array([[0.0], [10.0]] * 50)
    y = np.arange(100.0)
    weight = np.tile([3.0, 1.0], 50)
    reg = TabularRegressor(max_iter=2).fit(X, y, sample_weight=weight)
    scaler = reg.preprocessor_.named_transformers_["remainder"][0]
    assert scaler.mean_[0] == pytest.approx(2.5)
    assert reg.target_scaler_.mean_[0] == pytest.approx(np.average(y, weights=weight))


@pytest.mark.parametrize("scaling", ["robust", "quantile"])
def test_robust_scalings_center_on_the_median_and_fill_missing_values(scaling):
    X = np.r_[np.arange(100.0), 1e6, np.nan].reshape(-1, 1)
    y = np.arange(102.0)
    reg = TabularRegressor(scaling=scaling, max_iter=2).fit(X, y)
    scaler = reg.preprocessor_.named_transformers_["remainder"][0]
    assert type(scaler).__name__ == {"robust": "RobustScaler"}.get(
        scaling, "QuantileTransformer"
    )
    Xt = reg.preprocessor_.transform(X)[:, 0]
    assert Xt[50] == pytest.approx(0.0, abs=1e-6)  # the median, 50
    assert Xt[101] == 0.0  # missing: the center
    assert np.all(np.diff(Xt[:101]) > 0) and np.abs(Xt).max() < 3
    standard = TabularRegressor(max_iter=2).fit(X, y).preprocessor_.transform(X)
    # The outlier takes the whole standard scale: the other rows collapse near 0.
    assert np.ptp(standard[:100]) < 0.1 < 1 < np.ptp(Xt[:100])


@pytest.mark.parametrize("scaling", ["robust", "quantile"])
def test_robust_scalings_take_sample_weights_for_the_loss_only(scaling):
    X, y = _frame(n=300)
    weight = np.random.default_rng(0).uniform(0.5, 2, size=len(y))
    clf = TabularClassifier(scaling=scaling, max_iter=5, random_state=0)
    clf.fit(X, y, sample_weight=weight)
    unweighted = clone(clf).fit(X, y)
    np.testing.assert_allclose(  # the scaling does not see the weights
        clf.preprocessor_.transform(X), unweighted.preprocessor_.transform(X)
    )
    assert not np.allclose(clf.predict_proba(X), unweighted.predict_proba(X))


def test_an_unknown_scaling_is_refused_by_name():
    X, y = _frame(n=100)
    with pytest.raises(ValueError, match="scaling.*'robust'"):
        TabularClassifier(scaling="minmax").fit(X, y)


def test_in_search_and_cross_validation_and_pickle():
    X, y = _frame(n=300)
    search = GridSearchCV(
        TabularClassifier(max_iter=20, random_state=0),
        {"hidden_layer_sizes": [(4,), (8,)]},
        cv=2,
    ).fit(X, y)
    assert search.best_params_["hidden_layer_sizes"] in [(4,), (8,)]
    assert cross_val_score(TabularClassifier(max_iter=20), X, y, cv=2).shape == (2,)
    clf = search.best_estimator_
    loaded = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(loaded.predict_proba(X), clf.predict_proba(X))


@pytest.mark.parametrize("Estimator", [TabularClassifier, TabularRegressor])
def test_skops_loads_with_the_declared_trusted_types_only(Estimator):
    sio = pytest.importorskip("skops.io", reason="skops is in the test extra")
    X, y = _frame(n=200)
    model = Estimator(max_iter=3, random_state=0).fit(X, y)
    saved = sio.dumps(model)
    assert set(sio.get_untrusted_types(data=saved)) <= set(skneuron.TRUSTED_TYPES)
    loaded = sio.loads(saved, trusted=skneuron.TRUSTED_TYPES)
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))


def test_bad_input_is_named():
    X, y = _frame(n=100)
    with pytest.raises(ValueError, match="requires y"):
        TabularRegressor().fit(X, None)
    with pytest.raises(ValueError, match="max_categories"):
        TabularClassifier(max_categories=1).fit(X, y)
    clf = TabularClassifier(max_iter=2).fit(X, y)
    with pytest.raises(ValueError, match="feature names"):
        clf.predict(X.rename(columns={"size": "length"}))


@pytest.mark.parametrize("Estimator", [TabularClassifier, TabularRegressor])
def test_docstring_describes_every_parameter(Estimator):
    import inspect

    # Without the indentation, which Python 3.13 strips from docstrings itself.
    doc = inspect.cleandoc(Estimator.__doc__)
    for name in inspect.signature(Estimator).parameters:
        assert f"\n{name}" in doc or f", {name}" in doc


# A non-default value for every setting the Tabular* estimators hand to the network.
_NON_DEFAULT = {
    "hidden_layer_sizes": (7,),
    "activation": "tanh",
    "solver": "sgd",
    "alpha": 0.01,
    "batch_size": 32,
    "learning_rate": "cosine",
    "learning_rate_init": 0.01,
    "max_iter": 3,
    "tol": 1e-3,
    "n_iter_no_change": 5,
    "validation_fraction": 0.2,
    "dropout": 0.1,
    "random_state": 3,
    "verbose": True,
    "early_stopping": True,
    "class_weight": "balanced",
    "label_smoothing": 0.05,
    "validation_scoring": "accuracy",
    "loss": "quantile",
    "quantile": 0.3,
    "n_ensemble": 2,
    "input_scale": True,
    "numeric_embedding": None,
    "embedding_size": 3,
    "frequency_scale": 0.2,
    "dtype": "float32",
}


@pytest.mark.parametrize("Estimator", [TabularClassifier, TabularRegressor])
def test_every_network_setting_reaches_the_network(Estimator, capsys):
    """Each parameter the recipe shares with the network (every one of
    _NETWORK_PARAMS, early_stopping, and class_weight and label_smoothing for the
    classifier) arrives in network_ with the value given, not a default."""
    network_class = {
        TabularClassifier: NeuronClassifier,
        TabularRegressor: NeuronRegressor,
    }[Estimator]
    shared = set(Estimator().get_params()) & set(network_class().get_params())
    # monotonic_cst reaches the network moved onto the preprocessed columns, not
    # as given: tests/test_monotonic.py checks it.
    shared -= {"monotonic_cst"}
    assert set(_NETWORK_PARAMS) | {"early_stopping"} <= shared
    assert shared <= set(_NON_DEFAULT), "add the new setting to _NON_DEFAULT"
    settings = {name: _NON_DEFAULT[name] for name in shared}
    for name, value in settings.items():  # each value tells a default apart
        assert value != Estimator().get_params()[name], name
        # Two options, two defaults: test_network_gets_the_recipe_settings
        # checks that the recipe's reaches the network.
        if name not in {"validation_scoring", "numeric_embedding"}:
            assert value != network_class().get_params()[name], name
    X, y = _frame()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        est = Estimator(**settings).fit(X, y)
    got = est.network_.get_params()
    assert {name: got[name] for name in settings} == settings
