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
