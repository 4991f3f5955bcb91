"""The trainable input layer: learned input scale and periodic numeric embeddings."""

import pickle
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils.estimator_checks import parametrize_with_checks

from skneuron import (
    NeuronClassifier,
    NeuronRegressor,
    TabularClassifier,
    TabularRegressor,
    _kernels,
)
from skneuron._embeddings import InputLayer
from skneuron._network import Network, Workspace

LAYERS = {
    "scale": dict(scale=True),
    "periodic, all": dict(scale=False, embedded=(0, 1, 2, 3)),
    "periodic, subset": dict(scale=False, embedded=(1, 3)),
    "scale + periodic, subset": dict(scale=True, embedded=(0, 2, 3)),
    "scale + periodic, all": dict(scale=True, embedded=(0, 1, 2, 3)),
}


@pytest.fixture(autouse=True)
def _no_convergence_noise():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        yield


def _network(hidden, **layer):
    layer = InputLayer(
        4, embedding_size=3, n_frequencies=2, frequency_scale=0.5, **layer
    )
    activations = ["tanh"] * len(hidden)
    return Network(
        (layer.width, *hidden, 2), activations, "identity", input_layer=layer
    )


@pytest.mark.parametrize("hidden", [(), (5,), (4, 3)])
@pytest.mark.parametrize("name", LAYERS)
def test_gradient_matches_central_differences(name, hidden):
    """Every parameter, the input layer's included, against a central difference."""
    network = _network(hidden, **LAYERS[name])
    rng = np.random.RandomState(0)
    params = network.init_params(np.random.RandomState(1), np.float64)
    params += rng.normal(scale=0.3, size=params.shape)  # scales away from 1
    X, Y = rng.normal(size=(7, 4)), rng.normal(size=(7, 2))
    workspace = Workspace(network, params, 10, "squared_error", alpha=0.1)
    workspace.loss_gradient(X, Y)
    analytic = workspace.grad.copy()
    numeric = np.empty_like(params)
    for i in range(len(params)):
        saved, step = params[i], 1e-6
        params[i] = saved + step
        up = workspace.loss_gradient(X, Y)
        params[i] = saved - step
        down = workspace.loss_gradient(X, Y)
        params[i] = saved
        numeric[i] = (up - down) / (2 * step)
    block = slice(network.n_params - network.input_layer.n_params, None)
    assert np.abs(analytic[block]).max() > 1e-3  # the block does get a gradient
    np.testing.assert_allclose(analytic, numeric, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_the_periodic_features_are_numpy_sines_and_cosines(dtype):
    """The compiled sine and cosine agree with numpy's to two ulps.

    For angles below about 1e4 (an embedding's are below about 100). In float32
    numpy's are those of float64, so the kernel's are within two ulps of exact.
    """
    rng = np.random.default_rng(0)
    Xe = rng.uniform(-1e3, 1e3, (3, 1001)).astype(dtype)
    c = rng.normal(0, 1, (3, 8)).astype(dtype)
    c[0, 0] = 0.0  # an angle of exactly zero
    S = np.empty((3, 1001, 16), dtype)
    _kernels.periodic_features(Xe, c, S)
    angles = Xe[:, :, np.newaxis] * c[:, np.newaxis, :] * dtype(2 * np.pi)
    angles = angles.astype(np.float64)
    tolerance = 2 * np.finfo(dtype).eps
    assert np.abs(S[:, :, :8] - np.sin(angles)).max() <= tolerance
    assert np.abs(S[:, :, 8:] - np.cos(angles)).max() <= tolerance
    assert S[0, :, 0].tolist() == [0.0] * 1001 and S[0, :, 8].tolist() == [1.0] * 1001


def test_alpha_does_not_apply_to_the_input_layer():
    network = _network((5,), scale=True, embedded=(1, 2))
    params = network.init_params(np.random.RandomState(0), np.float64)
    X, Y = np.zeros((3, 4)), np.zeros((3, 2))  # zero data: scale gradient is zero
    workspace = Workspace(network, params, 3, "squared_error", alpha=10.0)
    workspace.loss_gradient(X, Y)
    s = network.input_layer.unpack(network.input_block(workspace.grad))[0]
    np.testing.assert_array_equal(s, 0.0)


@pytest.mark.parametrize("name", LAYERS)
def test_the_mlp_draws_come_first_and_are_unchanged(name):
    """The block is drawn after the MLP's weights: the same seed gives the same
    weights and biases as a network of the same layer sizes without it."""
    layered = _network((5,), **LAYERS[name])
    plain = Network(layered.layer_sizes, ["tanh"], "identity")
    params = layered.init_params(np.random.RandomState(0), np.float64)
    expected = plain.init_params(np.random.RandomState(0), np.float64)
    np.testing.assert_array_equal(params[: plain.n_params], expected)
    s, c, V, u = layered.input_layer.unpack(layered.input_block(params))
    np.testing.assert_array_equal(s, 1.0)
    assert c.size == 0 or 0 < c.std() < 2


def test_defaults_fit_exactly_as_without_the_parameters():
    X, y = np.random.RandomState(0).normal(size=(40, 3)), np.arange(40) % 3
    a = NeuronClassifier(max_iter=5, random_state=0).fit(X, y)
    b = NeuronClassifier(max_iter=5, random_state=0, embedding_size=3).fit(X, y)
    assert a._network.input_layer is None
    np.testing.assert_array_equal(a._params, b._params)


def _data(n=120, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n, 4))
    X[:, 3] = rng.randint(0, 2, n)  # a 0/1 column, left out of the embedding
    return X, np.sin(3 * X[:, 0]) + X[:, 1] * X[:, 3]


EMBEDDED = dict(
    numeric_embedding="periodic",
    embedded_features=[0, 1, 2],
    input_scale=True,
    embedding_size=4,
)


def test_the_parameters_are_one_block_after_the_mlp():
    X, y = _data()
    reg = NeuronRegressor(hidden_layer_sizes=(6,), max_iter=20, random_state=0)
    reg.set_params(**EMBEDDED).fit(X, y)
    layer = reg._network.input_layer
    assert reg.n_features_in_ == 4
    assert reg.layer_sizes_[0] == layer.width == 1 + 3 * 4
    assert reg.coefs_[0].shape == (13, 6)
    n_mlp = sum(W.size + b.size for W, b in zip(reg.coefs_, reg.intercepts_))
    assert reg._params.size == n_mlp + layer.n_params
    assert np.shares_memory(reg.coefs_[0], reg._params)


@pytest.mark.parametrize("solver", ["adam", "lbfgs"])
def test_embeddings_fit_what_a_plain_network_fits_slowly(solver):
    X, y = _data(400)
    y = np.sign(np.sin(6 * X[:, 0]))  # many thresholds along one feature
    common = dict(hidden_layer_sizes=(16,), max_iter=300, random_state=0, solver=solver)
    plain = NeuronRegressor(**common).fit(X, y).score(X, y)
    embedded = NeuronRegressor(**common, **EMBEDDED, frequency_scale=1.0)
    assert embedded.fit(X, y).score(X, y) > plain + 0.2


def test_pickle_round_trip_predicts_the_same():
    X, y = _data()
    reg = NeuronRegressor(max_iter=20, random_state=0, **EMBEDDED).fit(X, y)
    loaded = pickle.loads(pickle.dumps(reg))
    assert loaded._network.input_layer == reg._network.input_layer
    np.testing.assert_array_equal(loaded.predict(X), reg.predict(X))
    assert np.shares_memory(loaded.coefs_[0], loaded._params)


def test_sparse_input_predicts_as_dense():
    X, y = _data()
    reg = NeuronRegressor(max_iter=20, random_state=0, **EMBEDDED)
    dense = reg.fit(X, y).predict(X)
    np.testing.assert_allclose(reg.predict(sp.csr_matrix(X)), dense, rtol=1e-12)
    sparse = reg.fit(sp.csr_matrix(X), y).predict(X)
    np.testing.assert_allclose(sparse, dense, rtol=1e-10)


def test_hidden_activations_read_the_input_layer():
    X, y = _data()
    reg = NeuronRegressor(hidden_layer_sizes=(5,), max_iter=20, random_state=0)
    reg.set_params(**EMBEDDED).fit(X, y)
    hidden = reg.hidden_activations(X, 1)
    A0 = reg._network.inputs(reg._params, X)
    np.testing.assert_allclose(
        hidden, np.maximum(A0 @ reg.coefs_[0] + reg.intercepts_[0], 0)
    )


def test_partial_fit_and_warm_start_continue_and_refuse_a_new_layer():
    X, y = _data()
    reg = NeuronRegressor(random_state=0, **EMBEDDED)
    reg.partial_fit(X, y)
    before = reg._params.copy()
    reg.partial_fit(X, y)
    assert not np.array_equal(before, reg._params)
    reg.set_params(embedding_size=5)
    with pytest.raises(ValueError, match="cannot change the architecture"):
        reg.partial_fit(X, y)
    reg.set_params(embedding_size=4, frequency_scale=0.5)  # init only: allowed
    reg.partial_fit(X, y)
    warm = NeuronRegressor(max_iter=5, random_state=0, warm_start=True, **EMBEDDED)
    warm.fit(X, y).set_params(input_scale=False)
    with pytest.raises(ValueError, match="input layer"):
        warm.fit(X, y)


def test_float32_stays_float32():
    X, y = _data()
    reg = NeuronRegressor(max_iter=20, random_state=0, **EMBEDDED)
    reg.fit(X.astype(np.float32), y)
    assert reg._params.dtype == np.float32
    assert reg.predict(X.astype(np.float32)).dtype == np.float32


@pytest.mark.parametrize(
    ("params", "match"),
    [
        (dict(embedded_features=[0, 7]), "out of range"),
        (dict(embedded_features=[True, False]), "mask of 2 entries"),
        (dict(embedded_features=[[0, 1]]), "embedded_features must be"),
        (dict(embedded_features=[0.5]), "integer indices"),
        (dict(embedding_size=0), "embedding_size"),
        (dict(frequency_scale=0.0), "frequency_scale"),
        (dict(numeric_embedding="plr"), "numeric_embedding"),
        (dict(input_scale="yes"), "input_scale"),
    ],
)
def test_bad_parameters_are_named(params, match):
    X, y = _data()
    reg = NeuronRegressor(max_iter=2, numeric_embedding="periodic")
    with pytest.raises(ValueError, match=match):
        reg.set_params(**params).fit(X, y)


def test_monotonic_constraints_refuse_what_could_break_them():
    X, y = _data()
    y = X[:, 2] + np.sin(X[:, 0])
    common = dict(max_iter=30, random_state=0, activation="tanh")
    with pytest.raises(ValueError, match="input_scale=True cannot"):
        NeuronRegressor(**common, input_scale=True, monotonic_cst=[0, 0, 1, 0]).fit(
            X, y
        )
    with pytest.raises(ValueError, match=r"constrained feature\(s\) \[2\]"):
        NeuronRegressor(
            **common, numeric_embedding="periodic", monotonic_cst=[0, 0, 1, 0]
        ).fit(X, y)
    # The constrained feature passes through: still monotone in it.
    reg = NeuronRegressor(
        **common,
        numeric_embedding="periodic",
        embedded_features=[0, 1],
        monotonic_cst=[0, 0, 1, 0],
    ).fit(X, y)
    grid = np.repeat(X[:1], 50, axis=0)
    grid[:, 2] = np.linspace(-3, 3, 50)
    assert np.all(np.diff(reg.predict(grid)) >= 0)


@pytest.mark.parametrize("make", [TabularClassifier, TabularRegressor])
def test_the_recipe_embeds_its_numeric_columns_only(make):
    pd = pytest.importorskip("pandas")
    X, y = _data()
    frame = pd.DataFrame(X[:, :3], columns=["a", "b", "c"])
    frame["color"] = np.array(["red", "blue", "green"])[np.arange(len(X)) % 3]
    y = (y > 0).astype(int) if make is TabularClassifier else y
    model = make(max_iter=20, random_state=0).fit(frame, y)  # embeds by default
    names = model.preprocessor_.get_feature_names_out()
    embedded = model.network_._network.input_layer.embedded
    assert [names[i] for i in embedded] == ["a", "b", "c"]
    plain = make(numeric_embedding=None, max_iter=2, random_state=0).fit(frame, y)
    assert plain.network_.embedded_features is None
    assert plain.network_._network.input_layer is None


@parametrize_with_checks(
    [
        NeuronClassifier(input_scale=True, numeric_embedding="periodic"),
        NeuronRegressor(numeric_embedding="periodic", embedding_size=4),
        NeuronRegressor(input_scale=True, solver="lbfgs"),
    ]
)
def test_scikit_learn_compatible_with_an_input_layer(estimator, check):
    check(estimator)


def test_the_recipe_leaves_constrained_columns_out_of_the_embedding():
    X, _ = _data(200)
    y = X[:, 0] + np.sin(2 * X[:, 1])
    model = TabularRegressor(
        numeric_embedding="periodic",
        monotonic_cst=[1, 0, 0, 0],
        activation="tanh",
        max_iter=30,
        random_state=0,
    ).fit(X, y)
    assert model.network_._network.input_layer.embedded == (1, 2, 3)
    grid = np.repeat(X[:1], 50, axis=0)
    grid[:, 0] = np.linspace(-3, 3, 50)
    assert np.all(np.diff(model.predict(grid)) >= 0)
