"""Saving and loading: pickle, joblib and skops keep predictions identical."""

import pickle
import warnings

import joblib
import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.datasets import load_iris
from sklearn.exceptions import ConvergenceWarning

import skneuron
from skneuron import NeuronClassifier, NeuronRegressor

X, y = load_iris(return_X_y=True)

MODELS = [
    NeuronClassifier(max_iter=5, random_state=0),
    NeuronClassifier(
        (6, 5),
        ("leaky_relu", "gelu"),
        solver="adamw",
        dropout=0.1,
        early_stopping=True,
        leaky_relu_slope=0.2,
        max_iter=5,
        random_state=0,
    ),
    NeuronRegressor(solver="lbfgs", max_iter=5, random_state=0),
    NeuronRegressor(loss="poisson", solver="rmsprop", max_iter=5, random_state=0),
]


def _fitted(model):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return model.fit(X, y)


@pytest.mark.parametrize("model", MODELS, ids=lambda m: type(m).__name__)
@pytest.mark.parametrize("library", ["pickle", "joblib"])
def test_round_trip_predicts_identically(model, library, tmp_path):
    model = _fitted(model)
    path = tmp_path / "model"
    if library == "pickle":
        path.write_bytes(pickle.dumps(model))
        loaded = pickle.loads(path.read_bytes())
    else:
        joblib.dump(model, path)
        loaded = joblib.load(path)
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))
    np.testing.assert_array_equal(loaded._params, model._params)


@pytest.mark.parametrize("model", MODELS, ids=lambda m: type(m).__name__)
def test_pickling_leaves_the_model_as_it_was(model):
    # dask pickles a model to send it to a worker and keeps using the original.
    model = _fitted(model)
    before = dict(vars(model))
    pickle.dumps(model)
    assert vars(model).keys() == before.keys()
    for got, expected in zip(model.coefs_, before["coefs_"]):
        assert got is expected


@pytest.mark.parametrize("model", MODELS, ids=lambda m: type(m).__name__)
def test_skops_loads_with_the_declared_trusted_types_only(model, tmp_path):
    sio = pytest.importorskip("skops.io", reason="skops is in the test extra")
    model = _fitted(model)
    path = tmp_path / "model.skops"
    sio.dump(model, path)
    untrusted = sio.get_untrusted_types(file=path)
    assert set(untrusted) <= set(skneuron.TRUSTED_TYPES)
    assert not any("partial" in t or "function" in t for t in untrusted)
    loaded = sio.load(path, trusted=skneuron.TRUSTED_TYPES)
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))
    np.testing.assert_array_equal(
        loaded.predict(sp.csr_matrix(X)), model.predict(sp.csr_matrix(X))
    )


def test_trusted_types_name_real_classes():
    import importlib

    for name in skneuron.TRUSTED_TYPES:
        module, _, cls = name.rpartition(".")
        assert isinstance(getattr(importlib.import_module(module), cls), type)
