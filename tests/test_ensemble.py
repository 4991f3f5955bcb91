"""n_ensemble: k members sharing hidden layers (TabM-mini), trained as one network."""

import pickle
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils.estimator_checks import parametrize_with_checks

from skneuron import NeuronClassifier, NeuronRegressor, TabularClassifier
from skneuron._embeddings import InputLayer
from skneuron._ensemble import EnsembleNetwork, build_network
from skneuron._losses import loss_record
from skneuron._network import Network

PAIRS = [
    ("log_loss", "softmax"),
    ("log_loss", "logistic"),
    ("squared_error", "identity"),
    ("poisson", "exp"),
    ("absolute_error", "identity"),
    ("quantile", "cumulative_softplus"),
]


@pytest.fixture(autouse=True)
def _no_convergence_noise():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        yield


def _targets(output, n, rng):
    if output == "softmax":
        return np.eye(3)[rng.randint(0, 3, n)]
    if output == "logistic":
        return rng.randint(0, 2, (n, 2)).astype(float)
    if output == "exp":
        return rng.poisson(2.0, (n, 2)).astype(float)
    return rng.randn(n, 2)


def _gradient_error(workspace, params, X, Y, sample_weight=None):
    """Relative distance of the workspace's gradient at ``params`` to central
    differences of its loss."""

    def loss_at(x):
        workspace.params[...] = x
        return workspace.loss_gradient(X, Y, sample_weight)

    numerical = _central_differences(loss_at, params)
    loss_at(params)
    analytic = workspace.grad
    return np.linalg.norm(analytic - numerical) / np.linalg.norm(analytic + numerical)


def _central_differences(f, x, eps=1e-6):
    grad = np.empty_like(x)
    for i in range(x.size):
        step = np.zeros_like(x)
        step[i] = eps
        grad[i] = (f(x + step) - f(x - step)) / (2 * eps)
    return grad


@pytest.mark.parametrize("k", [1, 3])
@pytest.mark.parametrize("hidden", [(4,), (4, 3)], ids=["depth1", "depth2"])
@pytest.mark.parametrize("loss, output", PAIRS)
@pytest.mark.parametrize("activation", ["tanh", "relu", "gelu"])
def test_gradient_matches_central_differences(activation, loss, output, hidden, k):
    """Weights, biases, heads and adapters, with sample weights, L2 and a batch
    smaller than the buffers."""
    rng = np.random.RandomState(0)
    X, Y = rng.randn(6, 3), _targets(output, 6, rng)
    network = build_network(
        (3, *hidden, Y.shape[1]), [activation] * len(hidden), output, 0.01, k
    )
    params = network.init_params(rng, np.float64)
    params += 0.1 * rng.randn(params.size)  # adapters away from +-1
    record = loss_record(loss, [0.2, 0.7])  # the quantile levels of each output
    workspace = network.workspace(params.copy(), 8, record, 0.3)
    sample_weight = rng.uniform(0.5, 2.0, 6)

    assert _gradient_error(workspace, params, X, Y, sample_weight) < 1e-6


def test_loss_is_the_mean_of_the_members_losses():
    rng = np.random.RandomState(1)
    X, Y = rng.randn(7, 3), rng.randn(7, 1)
    network = build_network((3, 5, 1), ["relu"], "identity", 0.01, 3)
    params = network.init_params(rng, np.float64)
    workspace = network.workspace(params, 7, "squared_error", 0.0)
    loss = workspace.loss_gradient(X, Y)
    outputs = workspace.A[-1][:21].reshape(7, 3)
    assert loss == pytest.approx(np.mean(0.5 * (outputs - Y) ** 2))


def test_input_gradient_matches_central_differences():
    """The adapter's backward toward a trainable layer below: dA0 of shape (n, d0)."""
    rng = np.random.RandomState(2)
    X, Y = rng.randn(5, 3), rng.randn(5, 1)
    network = build_network((3, 4, 1), ["tanh"], "identity", 0.01, 3)
    params = network.init_params(rng, np.float64)
    workspace = network.workspace(params, 5, "squared_error", 0.0)
    numerical = _central_differences(
        lambda x: workspace.loss_gradient(x.reshape(5, 3), Y), X.ravel()
    )
    workspace.loss_gradient(X, Y)
    dA0 = workspace.input_gradient(workspace.dZ[0][:15], 5, np.empty((5, 3)))
    np.testing.assert_allclose(dA0.ravel(), numerical, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("Estimator", [NeuronClassifier, NeuronRegressor])
@pytest.mark.parametrize("solver", ["adam", "lbfgs"])
def test_k1_is_the_default_path_exactly(Estimator, solver):
    X, y = _data(Estimator)
    default = Estimator(random_state=0, max_iter=20, solver=solver).fit(X, y)
    k1 = Estimator(random_state=0, max_iter=20, solver=solver, n_ensemble=1)
    k1.fit(X, y)
    assert type(k1._network) is Network and k1.ensemble_scales_ is None
    np.testing.assert_array_equal(k1._params, default._params)
    assert k1.loss_curve_ == default.loss_curve_


def _data(Estimator, n=120, n_classes=3):
    rng = np.random.RandomState(0)
    X = rng.normal(size=(n, 4))
    s = X[:, 0] + X[:, 1] ** 2 - 1
    if Estimator is NeuronRegressor:
        return X, s
    return X, np.digitize(s, [-0.5, 0.5, 2.0][: n_classes - 1])


def _members(model, X):
    """Each member's output, computed by hand from the public attributes."""
    W, b, r = model.coefs_, model.intercepts_, model.ensemble_scales_
    k, n_out = len(r), model.n_outputs_
    outputs = []
    for i in range(k):
        A = X * r[i]
        for l in range(len(W) - 1):
            A = np.maximum(A @ W[l] + b[l], 0)  # relu
        head = slice(i * n_out, (i + 1) * n_out)
        outputs.append(A @ W[-1][:, head] + b[-1][head])
    return np.array(outputs)


@pytest.mark.parametrize("n_classes", [2, 3])
def test_predict_proba_is_the_mean_of_the_members(n_classes):
    X, y = _data(NeuronClassifier, n_classes=n_classes)
    clf = NeuronClassifier((5, 4), n_ensemble=4, random_state=0, max_iter=50)
    clf.fit(X, y)
    logits = _members(clf, X)
    if n_classes == 2:
        p = 1 / (1 + np.exp(-logits[..., 0]))
        expected = np.stack([1 - p, p], axis=-1).mean(axis=0)
    else:
        e = np.exp(logits - logits.max(axis=-1, keepdims=True))
        expected = (e / e.sum(axis=-1, keepdims=True)).mean(axis=0)
    proba = clf.predict_proba(X)
    np.testing.assert_allclose(proba, expected, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    np.testing.assert_array_equal(clf.predict(X), clf.classes_[proba.argmax(1)])


def test_regressor_predicts_the_mean_of_the_members():
    X, y = _data(NeuronRegressor)
    reg = NeuronRegressor(hidden_layer_sizes=(6,), n_ensemble=3, random_state=0)
    reg.fit(X, y)
    expected = _members(reg, X).mean(axis=0).ravel()
    np.testing.assert_allclose(reg.predict(X), expected, rtol=1e-12, atol=1e-12)
    # Chunked prediction, sparse input: the same.
    np.testing.assert_allclose(reg.predict(sp.csr_matrix(X)), reg.predict(X))


def test_public_attributes_and_member_zero_start():
    X, y = _data(NeuronClassifier)
    clf = NeuronClassifier((5,), n_ensemble=4, random_state=0, max_iter=1).fit(X, y)
    assert clf.layer_sizes_ == (4, 5, 3) and clf.n_outputs_ == 3
    assert clf.coefs_[-1].shape == (5, 12) and clf.intercepts_[-1].shape == (12,)
    assert clf.ensemble_scales_.shape == (4, 4)
    network = clf._network
    params = network.init_params(np.random.RandomState(0), np.float64)
    single = Network((4, 5, 3), ["relu"], "softmax")
    first = single.init_params(np.random.RandomState(0), np.float64)
    W, b = network.unpack(params)
    W1, b1 = single.unpack(first)
    np.testing.assert_array_equal(W[0], W1[0])
    np.testing.assert_array_equal(W[-1][:, :3], W1[-1])
    assert set(np.unique(network.scales(params))) == {-1.0, 1.0}


@pytest.mark.parametrize("k", [0, -1, 1.5, "2"])
def test_bad_k_is_a_clear_error(k):
    X, y = _data(NeuronClassifier)
    with pytest.raises(ValueError, match="n_ensemble"):
        NeuronClassifier(n_ensemble=k).fit(X, y)


def test_refused_combinations_are_clear_errors():
    X, y = _data(NeuronRegressor)
    with pytest.raises(ValueError, match="at least one hidden layer"):
        NeuronRegressor(hidden_layer_sizes=(), n_ensemble=2).fit(X, y)
    with pytest.raises(ValueError, match="monotonic_cst is not supported"):
        NeuronRegressor(n_ensemble=2, monotonic_cst=[1, 0, 0, 0]).fit(X, y)
    reg = NeuronRegressor(hidden_layer_sizes=(5,), n_ensemble=2, max_iter=5)
    reg.fit(X, y)
    with pytest.raises(ValueError, match="hidden_activations is not available"):
        reg.hidden_activations(X)
    with pytest.raises(ValueError, match="neuron is not available"):
        reg.neuron(1, 0)


def test_partial_fit_and_warm_start_keep_k():
    X, y = _data(NeuronClassifier)
    clf = NeuronClassifier((5,), n_ensemble=3, random_state=0)
    for _ in range(3):
        clf.partial_fit(X, y, classes=[0, 1, 2])
    assert len(clf.loss_curve_) == 3 and clf.loss_curve_[-1] < clf.loss_curve_[0]
    clf.set_params(n_ensemble=2)
    with pytest.raises(ValueError, match="fitted with n_ensemble=3"):
        clf.partial_fit(X, y)
    warm = NeuronClassifier((5,), n_ensemble=2, warm_start=True, max_iter=5)
    warm.fit(X, y).set_params(n_ensemble=1)
    with pytest.raises(ValueError, match="cannot change the architecture"):
        warm.fit(X, y)


def test_lbfgs_and_early_stopping_train_the_ensemble():
    X, y = _data(NeuronRegressor, n=300)
    lbfgs = NeuronRegressor(
        hidden_layer_sizes=(8,), solver="lbfgs", n_ensemble=3, random_state=0
    )
    assert lbfgs.fit(X, y).score(X, y) > 0.9
    early = NeuronRegressor(
        hidden_layer_sizes=(8,),
        n_ensemble=3,
        early_stopping=True,
        learning_rate_init=0.01,
        random_state=0,
        max_iter=300,
    ).fit(X, y)
    # The validation score is the members' mean's: R^2 of predict on held-out rows.
    assert early.best_validation_score_ == max(early.validation_scores_) > 0.5


def test_dropout_and_float32_train():
    X, y = _data(NeuronClassifier)
    clf = NeuronClassifier(
        (32,), n_ensemble=3, dropout=0.1, learning_rate_init=0.01, random_state=0
    )
    clf.fit(X.astype(np.float32), y)
    assert clf.coefs_[0].dtype == np.float32
    assert clf.predict_proba(X.astype(np.float32)).dtype == np.float32
    assert clf.score(X, y) > 0.9


def test_pickle_round_trip():
    X, y = _data(NeuronClassifier)
    clf = NeuronClassifier((5,), n_ensemble=3, random_state=0, max_iter=20)
    clf.fit(X, y)
    loaded = pickle.loads(pickle.dumps(clf))
    assert isinstance(loaded._network, EnsembleNetwork)
    assert np.shares_memory(loaded.coefs_[-1], loaded._params)
    np.testing.assert_array_equal(loaded.predict_proba(X), clf.predict_proba(X))


def test_tabular_passes_k_to_the_network():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(200, 3))
    y = (X[:, 0] + X[:, 1] > 0).astype(int)
    clf = TabularClassifier(n_ensemble=3, random_state=0).fit(X, y)
    assert clf.network_._network.n_members == 3 and clf.score(X, y) > 0.9


@parametrize_with_checks(
    [
        NeuronClassifier(n_ensemble=3),
        NeuronRegressor(n_ensemble=3),
        NeuronRegressor(n_ensemble=2, solver="lbfgs"),
        NeuronClassifier(n_ensemble=2, numeric_embedding="periodic"),
    ]
)
def test_scikit_learn_compatible(estimator, check):
    check(estimator)


ONNX_CASES = {
    "softmax": (NeuronClassifier, {}, 3),
    "logistic, 2 hidden, gelu": (
        NeuronClassifier,
        {"hidden_layer_sizes": (6, 5), "activation": "gelu"},
        2,
    ),
    "identity": (NeuronRegressor, {}, None),
    "identity, embedded features": (
        NeuronRegressor,
        {"input_scale": True, "numeric_embedding": "periodic"},
        None,
    ),
    "softmax, embedded features": (
        NeuronClassifier,
        {"numeric_embedding": "periodic", "embedded_features": [0, 1]},
        3,
    ),
    "cumulative_softplus": (
        NeuronRegressor,
        {"loss": "quantile", "quantile": [0.1, 0.5, 0.9]},
        None,
    ),
}
ONNX_TOLERANCE = {"float32": 1e-5, "float64": 1e-10}


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", ONNX_CASES)
def test_onnxruntime_reproduces_the_ensemble(name, dtype):
    skl2onnx = pytest.importorskip("skl2onnx")
    ort = pytest.importorskip("onnxruntime")
    pytest.importorskip("skneuron.onnx")
    Estimator, params, n_classes = ONNX_CASES[name]
    X, y = _data(Estimator, n_classes=n_classes or 3)
    X = X.astype(dtype)
    params = {"hidden_layer_sizes": (6,), **params}
    model = Estimator(
        **params, n_ensemble=3, solver="lbfgs", max_iter=100, random_state=0
    )
    model.set_params(dtype=dtype).fit(X, y)
    options = {"zipmap": False} if Estimator is NeuronClassifier else None
    onx = skl2onnx.to_onnx(model, X[:1], options=options)
    session = ort.InferenceSession(
        onx.SerializeToString(), providers=["CPUExecutionProvider"]
    )
    outputs = session.run(None, {"X": X})
    if Estimator is NeuronClassifier:
        np.testing.assert_array_equal(outputs[0], model.predict(X))
        actual, expected = outputs[1], model.predict_proba(X)
    else:
        actual, expected = outputs[0], model.predict(X).reshape(len(X), -1)
    assert actual.dtype == X.dtype
    scale = max(1.0, float(np.abs(expected).max()))
    assert np.abs(actual - expected).max() <= ONNX_TOLERANCE[dtype] * scale


@pytest.mark.parametrize(
    "layer",
    [
        {"scale": True},
        {"scale": False, "embedded": (0, 2)},
        {"scale": True, "embedded": (1,)},
    ],
)
def test_gradient_through_an_input_layer_below_the_adapters(layer):
    """The adapters' dA0 reaches the learned input layer (_embeddings) below."""
    rng = np.random.RandomState(3)
    inputs = InputLayer(3, embedding_size=2, n_frequencies=2, **layer)
    network = build_network((inputs.width, 4, 1), ["tanh"], "identity", 0.01, 3, inputs)
    params = network.init_params(rng, np.float64)
    params += 0.1 * rng.randn(params.size)
    X, Y = rng.randn(6, 3), rng.randn(6, 1)
    workspace = network.workspace(params.copy(), 8, "squared_error", 0.2)

    assert _gradient_error(workspace, params, X, Y) < 1e-6


def test_an_ensemble_of_embedded_features_predicts_the_members_mean():
    X, y = _data(NeuronRegressor)
    reg = NeuronRegressor(
        hidden_layer_sizes=(6,),
        n_ensemble=3,
        numeric_embedding="periodic",
        max_iter=30,
        random_state=0,
    ).fit(X, y)
    network, params = reg._network, reg._params
    A0 = network.inputs(params, X)
    r, (W, b) = network.scales(params), network.unpack(params)
    members = [
        np.maximum((A0 * r[i]) @ W[0] + b[0], 0) @ W[1][:, i] + b[1][i]
        for i in range(3)
    ]
    np.testing.assert_allclose(reg.predict(X), np.mean(members, axis=0), rtol=1e-10)
