"""ONNX export of networks with an input layer: onnxruntime reproduces skneuron.

Run with ``-s`` to see the largest difference per configuration.
"""

import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning

from skneuron import NeuronClassifier, NeuronRegressor

skl2onnx = pytest.importorskip("skl2onnx", reason="in the test extra")
ort = pytest.importorskip("onnxruntime", reason="in the test extra")
pytest.importorskip("skneuron.onnx")

TOLERANCE = {"float32": 1e-5, "float64": 1e-10}
LAYERS = {
    "scale": dict(input_scale=True),
    "periodic, all": dict(numeric_embedding="periodic"),
    "periodic, subset": dict(numeric_embedding="periodic", embedded_features=[0, 2]),
    "scale + periodic, subset": dict(
        input_scale=True, numeric_embedding="periodic", embedded_features=[1, 2, 3]
    ),
    "scale + periodic, no hidden": dict(
        input_scale=True, numeric_embedding="periodic", hidden_layer_sizes=()
    ),
}
DIFFERENCES = {}


@pytest.fixture(scope="module", autouse=True)
def _print_differences():
    yield
    print("\nLargest |onnxruntime - skneuron| per configuration")
    for (name, kind, dtype), difference in sorted(DIFFERENCES.items()):
        print(f"{name:<30} {kind:<11} {dtype:<8} {difference:.1e}")


def _run(model, X, options=None):
    onx = skl2onnx.to_onnx(model, X[:1], options=options)
    session = ort.InferenceSession(
        onx.SerializeToString(), providers=["CPUExecutionProvider"]
    )
    return session.run(None, {session.get_inputs()[0].name: X})


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("kind", ["multiclass", "regression"])
@pytest.mark.parametrize("name", LAYERS)
def test_onnxruntime_reproduces_the_input_layer(name, kind, dtype):
    rng = np.random.RandomState(0)
    X = rng.normal(size=(80, 4)).astype(dtype)
    s = np.sin(2 * X[:, 0]) + X[:, 1] ** 2 - 1
    params = {"hidden_layer_sizes": (6, 5), "random_state": 0, "dtype": dtype}
    params.update(LAYERS[name], frequency_scale=0.5, max_iter=100)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        if kind == "multiclass":
            model = NeuronClassifier(**params).fit(X, np.digitize(s, [-0.5, 0.5]))
        else:
            model = NeuronRegressor(**params).fit(X, s)
    # The layer is trained: the scales moved from 1.
    assert not np.allclose(model._network.input_block(model._params)[:4], 1.0)
    if kind == "multiclass":
        labels, proba = _run(model, X, {"zipmap": False})
        np.testing.assert_array_equal(labels, model.predict(X))
        actual, expected = proba, model.predict_proba(X)
    else:
        (actual,) = _run(model, X)
        expected = model.predict(X).reshape(len(X), -1)
    assert actual.dtype == X.dtype
    difference = float(np.max(np.abs(actual - expected)))
    DIFFERENCES[name, kind, dtype] = difference
    scale = max(1.0, float(np.max(np.abs(expected))))
    assert difference <= TOLERANCE[dtype] * scale
