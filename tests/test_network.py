"""The network: parameter layout, initialization, forward pass and gradients."""

import numpy as np
import pytest
import scipy.sparse as sp

from skneuron._activations import HIDDEN_ACTIVATIONS
from skneuron._losses import loss_record, smooth_labels
from skneuron._network import PREDICT_CHUNK_ROWS, Network, Workspace


def _targets(loss, output, n, rng):
    if loss == "quantile":
        return rng.randn(n, 2)
    if loss == "gamma":
        return rng.gamma(2.0, 1.0, (n, 2))
    if output == "softmax":
        return np.eye(3)[rng.randint(0, 3, n)]
    if output == "logistic":
        return rng.randint(0, 2, (n, 2)).astype(float)
    if output == "exp":
        return rng.poisson(2.0, (n, 2)).astype(float)
    return rng.randn(n, 2)


PAIRS = [
    ("log_loss", "softmax"),
    ("log_loss", "logistic"),
    ("squared_error", "softmax"),
    ("squared_error", "logistic"),
    ("squared_error", "identity"),
    ("poisson", "exp"),
    ("gamma", "exp"),
    ("absolute_error", "identity"),
    ("quantile", "identity"),
    ("quantile", "cumulative_softplus"),
]


def _central_differences(f, x, eps=1e-6):
    grad = np.empty_like(x)
    for i in range(x.size):
        step = np.zeros_like(x)
        step[i] = eps
        grad[i] = (f(x + step) - f(x - step)) / (2 * eps)
    return grad


@pytest.mark.parametrize(
    "hidden", [(), (4,), (4, 3)], ids=["depth0", "depth1", "depth2"]
)
@pytest.mark.parametrize("loss, output", PAIRS)
@pytest.mark.parametrize("activation", sorted(HIDDEN_ACTIVATIONS))
def test_gradient_matches_central_differences(activation, loss, output, hidden):
    rng = np.random.RandomState(0)
    n = 6
    X = rng.randn(n, 3)
    Y = _targets(loss, output, n, rng)
    sample_weight = rng.uniform(0.5, 2.0, n)
    network = Network((3, *hidden, Y.shape[1]), [activation] * len(hidden), output)
    params = network.init_params(rng, np.float64)
    record = loss_record(loss, [0.2, 0.7])  # the quantile levels of each output
    workspace = Workspace(network, params.copy(), n, record, alpha=0.3)

    def loss_at(x):
        workspace.params[...] = x
        return workspace.loss_gradient(X, Y, sample_weight)

    numerical = _central_differences(loss_at, params)
    loss_at(params)
    analytic = workspace.grad
    error = np.linalg.norm(analytic - numerical) / np.linalg.norm(analytic + numerical)
    assert error < 1e-6


@pytest.mark.parametrize("output, n_classes", [("softmax", 3), ("logistic", 2)])
def test_gradient_with_smoothed_labels_matches_central_differences(output, n_classes):
    # Soft targets keep the fused gradient A - Y exact, and the loss value with it.
    rng = np.random.RandomState(0)
    X = rng.randn(6, 3)
    Y = smooth_labels(_targets("log_loss", output, 6, rng), 0.2, n_classes)
    network = Network((3, 4, Y.shape[1]), ["tanh"], output)
    params = network.init_params(rng, np.float64)
    workspace = Workspace(network, params.copy(), 6, "log_loss", alpha=0.0)

    def loss_at(x):
        workspace.params[...] = x
        return workspace.loss_gradient(X, Y)

    numerical = _central_differences(loss_at, params)
    loss_at(params)
    np.testing.assert_allclose(workspace.grad, numerical, rtol=1e-6, atol=1e-9)


def test_gradient_of_the_penalty_spares_the_biases():
    rng = np.random.RandomState(0)
    network = Network((3, 4, 1), ["relu"], "identity")
    params = network.init_params(rng, np.float64)
    X, Y = rng.randn(5, 3), rng.randn(5, 1)
    grads = []
    for alpha in (0.0, 2.0):
        workspace = Workspace(network, params.copy(), 5, "squared_error", alpha)
        workspace.loss_gradient(X, Y)
        grads.append(workspace.grad.copy())
    difference = grads[1] - grads[0]
    n_weights = network.n_weights
    np.testing.assert_allclose(difference[:n_weights], 2.0 * params[:n_weights] / 5)
    np.testing.assert_array_equal(difference[n_weights:], 0.0)


def test_layer_views_share_the_flat_vector():
    network = Network((5, 4, 3, 2), ["relu", "tanh"], "softmax")
    flat = np.arange(network.n_params, dtype=float)
    W, b = network.unpack(flat)
    assert [w.shape for w in W] == [(5, 4), (4, 3), (3, 2)]
    assert [v.shape for v in b] == [(4,), (3,), (2,)]
    assert network.n_params == 5 * 4 + 4 * 3 + 3 * 2 + 4 + 3 + 2
    W[1][0, 0] = -1.0
    b[2][1] = -2.0
    assert flat[20] == -1.0 and flat[-1] == -2.0
    assert all(np.shares_memory(flat, a) for a in W + b)


def test_workspace_trains_the_vector_it_was_given():
    rng = np.random.RandomState(0)
    network = Network((3, 4, 1), ["relu"], "identity")
    params = network.init_params(rng, np.float64)
    workspace = Workspace(network, params, 5, "squared_error", 0.0)
    assert workspace.params is params
    assert np.shares_memory(workspace.W[0], params)


@pytest.mark.parametrize("sparse", [False, True])
def test_predict_in_chunks_equals_one_pass(sparse):
    rng = np.random.RandomState(0)
    n = PREDICT_CHUNK_ROWS * 2 + 3
    network = Network((4, 8, 3), ["gelu"], "softmax")
    params = network.init_params(rng, np.float64)
    X = rng.randn(n, 4)
    Z, A = network.allocate(n, np.float64)
    expected = network.forward(*network.unpack(params), X, Z, A).copy()
    X_in = sp.csr_matrix(X) if sparse else X
    np.testing.assert_allclose(network.predict(params, X_in), expected, rtol=1e-12)


def test_sparse_and_dense_gradients_agree():
    rng = np.random.RandomState(0)
    X = rng.randn(6, 5) * (rng.rand(6, 5) > 0.5)
    Y = np.eye(3)[rng.randint(0, 3, 6)]
    network = Network((5, 4, 3), ["tanh"], "softmax")
    params = network.init_params(rng, np.float64)
    grads = []
    for X_in in (X, sp.csr_matrix(X)):
        workspace = Workspace(network, params.copy(), 6, "log_loss", 0.1)
        workspace.loss_gradient(X_in, Y)
        grads.append(workspace.grad)
    np.testing.assert_allclose(grads[0], grads[1], rtol=1e-12)


def test_float32_network_computes_in_float32():
    rng = np.random.RandomState(0)
    network = Network((3, 4, 2), ["relu"], "softmax")
    params = network.init_params(rng, np.float32)
    workspace = Workspace(network, params, 5, "log_loss", 1e-4)
    X = rng.randn(5, 3).astype(np.float32)
    Y = np.eye(2, dtype=np.float32)[[0, 1, 0, 1, 1]]
    workspace.loss_gradient(X, Y)
    assert params.dtype == workspace.grad.dtype == np.float32
    # The dtype of X @ W, as scikit-learn returns.
    assert network.predict(params, X).dtype == np.float32
    assert network.predict(params, X.astype(np.float64)).dtype == np.float64


@pytest.mark.parametrize("activation", sorted(HIDDEN_ACTIVATIONS))
def test_gradient_with_dropout_matches_central_differences(activation):
    """With the masks held fixed, dropout is part of a differentiable function."""
    rng = np.random.RandomState(0)
    X, Y = rng.randn(8, 3), np.eye(3)[rng.randint(0, 3, 8)]
    network = Network((3, 5, 4, 3), [activation] * 2, "softmax")
    params = network.init_params(rng, np.float64)
    workspace = Workspace(
        network,
        params.copy(),
        8,
        "log_loss",
        0.1,
        dropout=[0.5, 0.3],
        rng=np.random.default_rng(0),
    )
    workspace.resample_dropout(8)
    masks = [m.copy() for m, _ in workspace.dropout]
    assert all(
        set(np.unique(m)) == {0.0, 1 / (1 - r)} for m, r in zip(masks, [0.5, 0.3])
    )

    def loss_at(x):
        workspace.params[...] = x
        return workspace.loss_gradient(X, Y)

    numerical = _central_differences(loss_at, params)
    loss_at(params)
    error = np.linalg.norm(workspace.grad - numerical) / np.linalg.norm(
        workspace.grad + numerical
    )
    assert error < 1e-6
    assert all(np.array_equal(m, d[0]) for m, d in zip(masks, workspace.dropout))


def test_dropout_zeroes_units_in_the_rate_s_proportion():
    network = Network((3, 400), ["identity"], "identity")
    params = network.init_params(np.random.RandomState(0), np.float64)
    workspace = Workspace(
        network, params, 500, "squared_error", 0.0, [0.25], np.random.default_rng(0)
    )
    workspace.resample_dropout(500)
    mask = workspace.dropout[0][0]
    assert np.mean(mask == 0) == pytest.approx(0.25, abs=0.01)
    assert np.mean(mask) == pytest.approx(1.0, abs=0.02)  # inverted: same expectation


@pytest.mark.parametrize(
    "scheme, half_width",
    [
        ("glorot", lambda i, o: np.sqrt(6 / (i + o))),
        ("he", lambda i, o: np.sqrt(6 / i)),
        ("lecun", lambda i, o: np.sqrt(3 / i)),
    ],
)
def test_weight_init_draws_within_the_scheme_s_bounds(scheme, half_width):
    network = Network((300, 200, 10), ["tanh"], "softmax")
    params = network.init_params(np.random.RandomState(0), np.float64, scheme)
    for W, b in zip(*network.unpack(params)):
        bound = half_width(*W.shape)
        assert np.abs(W).max() <= bound and np.abs(b).max() <= bound
        # A uniform on [-c, c] has standard deviation c / sqrt(3).
        assert W.std() == pytest.approx(bound / np.sqrt(3), rel=0.05)


def test_auto_init_is_he_for_relu_layers_and_glorot_for_the_output():
    network = Network((300, 200, 10), ["relu"], "softmax")
    auto = network.init_params(np.random.RandomState(0), np.float64, "auto")
    W, _ = network.unpack(auto)
    assert W[0].std() == pytest.approx(np.sqrt(6 / 300) / np.sqrt(3), rel=0.05)
    assert W[1].std() == pytest.approx(np.sqrt(6 / 210) / np.sqrt(3), rel=0.05)
