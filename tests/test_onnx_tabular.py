"""ONNX export of the tabular estimators: preprocessing and network, as ``predict``.

Run with ``-s`` to see the table of the largest difference per configuration.
"""

import pickle
import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import (
    FunctionTransformer,
    QuantileTransformer,
    RobustScaler,
)

import skneuron
from skneuron import TabularClassifier, TabularRegressor

pd = pytest.importorskip("pandas", reason="in the test extra")
skl2onnx = pytest.importorskip("skl2onnx", reason="in the test extra")
ort = pytest.importorskip("onnxruntime", reason="in the test extra")
pytest.importorskip("skneuron.onnx")

from skl2onnx.common.data_types import (  # noqa: E402
    DoubleTensorType,
    Int64TensorType,
    StringTensorType,
)

DTYPES = ["float32", "float64"]
# As in test_onnx.py: onnxruntime's rounding in the graph's precision, relative to
# the size of the outputs (probabilities, or targets in their original scale).
TOLERANCE = {"float32": 1e-5, "float64": 1e-9}
DIFFERENCES = {}
"""Largest |onnxruntime - skneuron| per configuration and dtype, printed at the end."""

CLASSES = ("binary", "multiclass", "strings")


def _frame(n, dtype, seed=0):
    """Numeric and categorical columns, with missing values in both."""
    rng = np.random.RandomState(seed)
    X = pd.DataFrame(
        {
            "size": rng.normal(10, 3, n).astype(dtype),
            "rooms": rng.randint(1, 6, n),
            "color": rng.choice(
                ["red", "blue", "green", "pink"], n, p=[0.5, 0.3, 0.18, 0.02]
            ),
            "kind": pd.Categorical(rng.choice(["a", "b", "c"], n)),
            "flag": rng.rand(n) > 0.5,
        }
    )
    X.loc[X.index % 7 == 3, "size"] = np.nan
    X.loc[X.index % 11 == 4, "color"] = None
    return X


def _targets(X, kind):
    size = X["size"].fillna(10).to_numpy(np.float64)
    s = (size - 10) / 3 + (X["color"] == "red") - 0.5 * (X["kind"] == "b") + X["flag"]
    s = s.to_numpy(np.float64) - 0.8
    return {
        "binary": (s > 0).astype(int),
        "multiclass": np.digitize(s, [-0.5, 0.5]),
        "strings": np.array(["cat", "dog", "emu"])[np.digitize(s, [-0.5, 0.5])],
        "regression": 1000 * s + 5000,
        "two_outputs": np.c_[1000 * s + 5000, X["rooms"] * s],
        "counts": np.random.RandomState(1).poisson(np.exp(0.5 * s)).astype(float),
    }[kind]


def _new_rows(X):
    """Rows to predict: a category never seen, missing values, the rare category."""
    X = X.copy()
    X.loc[0, "color"] = "purple"
    X.loc[1, "color"] = None
    X.loc[2, "size"] = np.nan
    X.loc[3, "color"] = "pink"
    return X


def _feeds(X):
    """onnxruntime's inputs for a data frame: one (n, 1) array per column.

    A string tensor holds no missing value: missing strings become "", which
    the graph reads as missing.
    """
    feeds = {}
    for name, column in X.items():
        if column.dtype.kind in "biuf":
            feeds[name] = column.to_numpy()[:, np.newaxis]
        else:
            values = column.astype(object).where(column.notna(), "")
            feeds[name] = values.to_numpy().astype(str)[:, np.newaxis]
    return feeds


def _session(model, sample=None, **kwargs):
    onx = skl2onnx.to_onnx(model, sample, **kwargs)
    return ort.InferenceSession(
        onx.SerializeToString(), providers=["CPUExecutionProvider"]
    )


@pytest.fixture(autouse=True)
def _no_convergence_noise():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        yield


@pytest.fixture(scope="module", autouse=True)
def _print_differences():
    yield
    print("\nLargest |onnxruntime - skneuron| per configuration (output scale)")
    print(f"{'configuration':<40} {'float32':>16} {'float64':>16}")
    for name in sorted({name for name, _ in DIFFERENCES}):
        cells = [DIFFERENCES.get((name, dtype)) for dtype in DTYPES]
        cells = [f"{c[0]:.1e} ({c[1]:.3g})" if c else "-" for c in cells]
        print(f"{name:<40} {cells[0]:>16} {cells[1]:>16}")


def _check_close(name, dtype, actual, expected):
    difference = float(np.max(np.abs(actual - expected)))
    scale = max(1.0, float(np.max(np.abs(expected))))
    DIFFERENCES[name, dtype] = (difference, scale)
    assert difference <= TOLERANCE[dtype] * scale, (name, dtype, difference)


def _fit(target, params, X):
    y = _targets(X, target)
    Estimator = TabularClassifier if target in CLASSES else TabularRegressor
    model = Estimator(hidden_layer_sizes=(16,), max_iter=30, random_state=0, **params)
    return model.fit(X, y)


def _check_parity(name, dtype, model, session, feeds, X):
    outputs = session.run(None, feeds)
    if isinstance(model, TabularClassifier):
        labels, proba = outputs
        np.testing.assert_array_equal(labels, model.predict(X))
        _check_close(name, dtype, proba, model.predict_proba(X))
    else:
        (prediction,) = outputs
        expected = model.predict(X).reshape(len(X), -1)
        assert prediction.shape == expected.shape
        _check_close(name, dtype, prediction, expected)


CASES = {
    "binary": ("binary", {}),
    "multiclass": ("multiclass", {}),
    "string labels": ("strings", {}),
    "binary, no clipping": ("binary", {"clip_outliers": False}),
    # An infrequent column, which unknown categories join (else all zeros).
    "multiclass, max_categories=3": ("multiclass", {"max_categories": 3}),
    "regression": ("regression", {}),
    "regression, 2 outputs": ("two_outputs", {}),
    "quantiles 0.1, 0.5, 0.9": (
        "regression",
        {"loss": "quantile", "quantile": [0.1, 0.5, 0.9]},
    ),
    "regression, no target scaling": ("regression", {"scale_target": False}),
    "poisson (scaled, not centered)": ("counts", {"loss": "poisson"}),
    # The recipe embeds its numeric columns by default; with and without it,
    # and with the ensemble's members over the embedded columns.
    "regression, no embedding": ("regression", {"numeric_embedding": None}),
    "multiclass, ensemble of 3": ("multiclass", {"n_ensemble": 3}),
    "regression, ensemble of 2, input scale": (
        "regression",
        {"n_ensemble": 2, "input_scale": True},
    ),
}


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", CASES)
def test_data_frame(name, dtype):
    target, params = CASES[name]
    X = _frame(300, dtype)
    model = _fit(target, params, X)
    options = {"zipmap": False} if isinstance(model, TabularClassifier) else None
    session = _session(model, X[5:6], options=options)  # no missing string
    X_new = _new_rows(X)
    _check_parity(f"frame, {name}", dtype, model, session, _feeds(X_new), X_new)


def _array(n, dtype, seed=0):
    """Numeric columns with missing values; column 3 holds a few whole numbers."""
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n, 4)) * [1, 10, 100, 1] + [0, 5, -50, 0]
    X[:, 3] = rng.randint(0, 5, n)
    X[::9, 1] = np.nan
    X[5::13, 3] = np.nan
    return X.astype(dtype)


ARRAY_CASES = {
    "binary": (TabularClassifier, "binary", {}),
    "string labels": (TabularClassifier, "strings", {}),
    "regression": (TabularRegressor, "regression", {}),
    "quantiles 0.1, 0.5, 0.9": (
        TabularRegressor,
        "regression",
        {"loss": "quantile", "quantile": [0.1, 0.5, 0.9]},
    ),
}


@pytest.mark.parametrize("categorical", [None, [3]], ids=["numeric", "categorical"])
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", ARRAY_CASES)
def test_array(name, dtype, categorical):
    Estimator, target, params = ARRAY_CASES[name]
    X = _array(300, dtype)
    s = X[:, 0] + np.nan_to_num(X[:, 1] - 5) / 10 + (X[:, 3] == 2)
    y = {
        "binary": (s > 0.5).astype(int),
        "strings": np.array(["cat", "dog", "emu"])[np.digitize(s, [0, 1])],
        "regression": 1000 * s + 5000,
    }[target]
    model = Estimator(
        hidden_layer_sizes=(16,),
        max_iter=30,
        random_state=0,
        categorical_features=categorical,
        **params,
    ).fit(X, y)
    options = {"zipmap": False} if Estimator is TabularClassifier else None
    session = _session(model, X[:1], options=options)
    X_new = X.copy()
    X_new[0, 3] = 7  # a category never seen (a number, when it is numeric)
    label = f"array ({'categorical' if categorical else 'numeric'}), {name}"
    _check_parity(label, dtype, model, session, {"X": X_new}, X_new)


def test_zipmap_and_label_options_as_for_the_network():
    X = _frame(200, "float32")
    model = _fit("strings", {}, X)
    feeds, expected = _feeds(X), model.predict_proba(X)
    labels, dicts = _session(model, X[5:6]).run(None, feeds)  # zipmap=True
    np.testing.assert_array_equal(labels, model.predict(X))
    proba = [[row[c] for c in model.classes_] for row in dicts]
    np.testing.assert_allclose(proba, expected, atol=1e-5)
    session = _session(model, X[5:6], options={"zipmap": "columns"})
    _, *columns = session.run(None, feeds)
    np.testing.assert_allclose(np.column_stack(columns), expected, atol=1e-5)
    options = {"zipmap": False, "nocl": True}
    indices, _ = _session(model, X[5:6], options=options).run(None, feeds)
    np.testing.assert_array_equal(model.classes_[indices], model.predict(X))
    options = {"zipmap": False, "output_class_labels": True}
    *_, classes = _session(model, X[5:6], options=options).run(None, feeds)
    np.testing.assert_array_equal(classes, model.classes_)


def test_zipmap_in_double_is_refused_clearly():
    X = _frame(100, "float64")
    model = _fit("binary", {}, X)
    with pytest.raises(ValueError, match="zipmap=True needs a float32 input"):
        _session(model, X[5:6])


def test_initial_types_when_the_first_row_has_a_missing_string():
    # skl2onnx guesses a column's type from its first value: give them instead.
    X = _frame(200, "float64")
    model = _fit("regression", {}, X)
    types = [
        ("size", DoubleTensorType([None, 1])),
        ("rooms", Int64TensorType([None, 1])),
        ("color", StringTensorType([None, 1])),
        ("kind", StringTensorType([None, 1])),
        ("flag", Int64TensorType([None, 1])),
    ]
    session = _session(model, initial_types=types)
    feeds = _feeds(X)
    feeds["flag"] = feeds["flag"].astype(np.int64)
    assert X["color"].isna().iloc[4]
    (prediction,) = session.run(None, feeds)
    np.testing.assert_allclose(prediction.ravel(), model.predict(X), rtol=1e-9)


def test_export_leaves_pickle_and_skops_as_they_were():
    sio = pytest.importorskip("skops.io", reason="in the test extra")
    X = _frame(200, "float64")
    model = _fit("multiclass", {}, X)
    before = pickle.dumps(model)
    _session(model, X[5:6], options={"zipmap": False})
    assert pickle.dumps(model) == before
    loaded = sio.loads(sio.dumps(model), trusted=skneuron.TRUSTED_TYPES)
    session = _session(loaded, X[5:6], options={"zipmap": False})
    _, proba = session.run(None, _feeds(X))
    np.testing.assert_allclose(proba, model.predict_proba(X), atol=1e-12)


def _swap_scaler(model, X, scaler):
    """The model with ``scaler`` (fitted here) in place of its StandardScaler."""
    pipeline = model.preprocessor_.named_transformers_["remainder"]
    columns = ["size", "rooms"]
    assert list(model.preprocessor_.get_feature_names_out()[-2:]) == columns
    pipeline.steps[0] = ("scaler", scaler.fit(X[columns]))
    return model


@pytest.mark.parametrize(
    "scaler",
    [RobustScaler(), QuantileTransformer(n_quantiles=50)],
    ids=["RobustScaler", "QuantileTransformer"],
)
def test_another_scaler_is_converted_by_skl2onnx(scaler):
    X = _frame(200, "float64")
    model = _swap_scaler(_fit("regression", {}, X), X, scaler)
    session = _session(model, X[5:6])
    (prediction,) = session.run(None, _feeds(X))
    _check_close(
        f"frame, {type(scaler).__name__}",
        "float32",
        prediction.ravel(),
        model.predict(X),
    )


def test_a_step_without_converter_is_named():
    X = _frame(100, "float64")
    model = _swap_scaler(_fit("regression", {}, X), X, FunctionTransformer(np.log1p))
    with pytest.raises(ValueError, match="log1p.*no ONNX converter"):
        _session(model, X[5:6])


def test_inputs_that_do_not_match_the_columns_are_refused():
    X = _frame(100, "float64")
    model = _fit("regression", {}, X)
    with pytest.raises(
        ValueError, match="fitted on 5 columns, but the ONNX model has 2"
    ):
        _session(model, initial_types=[("a", DoubleTensorType([None, 1]))] * 2)
    numbers = TabularRegressor(max_iter=5).fit(_array(80, "float64"), np.arange(80))
    with pytest.raises(ValueError, match="reads some columns of a string input"):
        _session(numbers, initial_types=[("X", StringTensorType([None, 4]))])
