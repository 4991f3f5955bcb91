"""Saving and loading: pickle, joblib and skops keep predictions identical."""

import copy
import io
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
    NeuronClassifier((5,), n_ensemble=3, max_iter=5, random_state=0),
    NeuronRegressor(
        input_scale=True,
        numeric_embedding="periodic",
        embedded_features=[0, 2],
        max_iter=5,
        random_state=0,
    ),
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


def test_trusted_types_name_real_classes_and_functions():
    import importlib
    import inspect

    for name in skneuron.TRUSTED_TYPES:
        module, _, attribute = name.rpartition(".")
        found = getattr(importlib.import_module(module), attribute)
        assert inspect.isclass(found) or inspect.isfunction(found)


def _skops_round_trip(model):
    sio = pytest.importorskip("skops.io", reason="skops is in the test extra")
    return sio.loads(sio.dumps(model), trusted=skneuron.TRUSTED_TYPES)


SAVERS = {
    "pickle": lambda model: pickle.loads(pickle.dumps(model)),
    "joblib": lambda model: joblib.load(_joblib_dump(model)),
    "deepcopy": copy.deepcopy,
    "skops": _skops_round_trip,
}


def _joblib_dump(model):
    buffer = io.BytesIO()
    joblib.dump(model, buffer)
    buffer.seek(0)
    return buffer


@pytest.mark.parametrize("saver", SAVERS)
@pytest.mark.parametrize("model", MODELS, ids=lambda m: type(m).__name__)
def test_saving_never_changes_the_model_and_copies_stay_aliased(model, saver):
    model = _fitted(model)
    before = dict(model.__dict__)
    coefs = model.coefs_
    loaded = SAVERS[saver](model)
    assert model.__dict__.keys() == before.keys()
    assert all(model.__dict__[key] is value for key, value in before.items())
    assert model.coefs_ is coefs and np.shares_memory(coefs[0], model._params)
    # The copy's weights are views of its own flat vector, as in a fitted model.
    for W, b in zip(loaded.coefs_, loaded.intercepts_):
        assert np.shares_memory(W, loaded._params)
        assert np.shares_memory(b, loaded._params)
    assert not np.shares_memory(loaded._params, model._params)
    loaded._params[0] += 1.0
    assert loaded.coefs_[0].flat[0] == model.coefs_[0].flat[0] + 1.0
