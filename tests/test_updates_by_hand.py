"""Short fits replayed step by step in numpy: every setting reaches the update.

A one-hidden-layer tanh regressor is small enough to write out by hand: scikit-
learn's Glorot draw for the initial weights (which skneuron reproduces for the same
seed), the forward pass, the gradient of the half squared error, and each
optimizer's update rule as documented. The estimator, fitted with the same seed on
unshuffled batches, must land on the same weights.
"""

import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning

from skneuron import NeuronRegressor

rng = np.random.RandomState(42)
X = rng.uniform(-2, 2, size=(25, 3))
y = np.sin(X[:, 0]) + X[:, 1] * X[:, 2]
HIDDEN = 4
SEED = 0


def _initial_params(n_features, n_hidden, seed):
    """scikit-learn's initial weights for tanh units: W1, b1, W2, b2, drawn in order."""
    random_state = np.random.RandomState(seed)
    params = []
    for fan_in, fan_out in ((n_features, n_hidden), (n_hidden, 1)):
        bound = np.sqrt(6.0 / (fan_in + fan_out))
        params.append(random_state.uniform(-bound, bound, (fan_in, fan_out)))
        params.append(random_state.uniform(-bound, bound, fan_out))
    return params


def _loss_and_gradient(params, X, Y, weight=None, weight_total=None):
    """Half squared error, weighted or not, and its gradient, written out."""
    W1, b1, W2, b2 = params
    A1 = np.tanh(X @ W1 + b1)
    P = A1 @ W2 + b2
    per_sample = 0.5 * ((P - Y) ** 2).sum(axis=1)
    if weight is None:
        weight, weight_total = np.ones(len(X)), len(X)
    loss = weight @ per_sample / weight_total
    dP = (P - Y) * (weight / weight_total)[:, None]
    dZ1 = (dP @ W2.T) * (1 - A1**2)
    return loss, [X.T @ dZ1, dZ1.sum(axis=0), A1.T @ dP, dP.sum(axis=0)]


def _adam(beta_1=0.9, beta_2=0.999, epsilon=1e-8, weight_decay=0.0):
    """Adam (AdamW with ``weight_decay``): the documented update, one array."""

    def step(theta, g, state, lr):
        t = state["t"] = state.get("t", 0) + 1
        m = state["m"] = beta_1 * state.get("m", 0) + (1 - beta_1) * g
        v = state["v"] = beta_2 * state.get("v", 0) + (1 - beta_2) * g**2
        size = lr * np.sqrt(1 - beta_2**t) / (1 - beta_1**t)
        return theta * (1 - lr * weight_decay) - size * m / (np.sqrt(v) + epsilon)

    return step


def _rmsprop(rho=0.9, epsilon=1e-8):
    def step(theta, g, state, lr):
        v = state["v"] = rho * state.get("v", 0) + (1 - rho) * g**2
        return theta - lr * g / (np.sqrt(v) + epsilon)

    return step


def _sgd(momentum=0.9):
    def step(theta, g, state, lr):
        v = state["v"] = momentum * state.get("v", 0) - lr * g
        return theta + v

    return step


def _replay(step, lr, epochs, batch_size, weight=None, own=False):
    """Weights and per-epoch losses of ``epochs`` epochs of unshuffled batches.

    ``own``: divide a weighted batch by its own weight sum instead (not the rule).
    """
    params = _initial_params(X.shape[1], HIDDEN, SEED)
    states = [{} for _ in params]
    Y = y[:, None]
    losses = []
    for _ in range(epochs):
        total = 0.0
        for start in range(0, len(X), batch_size):
            rows = slice(start, start + batch_size)
            n_rows = len(X[rows])
            batch_weight = weight_total = None
            if weight is not None:
                # The batch's loss is divided by the weight a batch of its size
                # holds on average, not by the weights it happens to hold.
                batch_weight, weight_total = weight[rows], n_rows * weight.mean()
                if own:
                    weight_total = batch_weight.sum()
            loss, grads = _loss_and_gradient(
                params, X[rows], Y[rows], batch_weight, weight_total
            )
            total += loss * n_rows
            params = [
                step(theta, g, state, lr)
                for theta, g, state in zip(params, grads, states)
            ]
        losses.append(total / len(X))
    return params, losses


def _fit(solver, epochs, batch_size, sample_weight=None, **settings):
    reg = NeuronRegressor(
        hidden_layer_sizes=(HIDDEN,),
        activation="tanh",
        solver=solver,
        alpha=0.0,
        batch_size=batch_size,
        shuffle=False,
        max_iter=epochs,
        n_iter_no_change=epochs + 1,
        random_state=SEED,
        **settings,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return reg.fit(X, y, sample_weight=sample_weight)


def _assert_weights(reg, expected, rtol=1e-9):
    W1, b1, W2, b2 = expected
    for got, want in zip([*reg.coefs_, *reg.intercepts_], [W1, W2, b1, b2]):
        np.testing.assert_allclose(got, want, rtol=rtol, atol=1e-12)


# (solver, setting, non-default value, the reference update for that setting and for
# the default). Values chosen so that each setting moves the weights after 3 steps
# by far more than the tolerance: epsilon near sqrt(v), betas far from default.
OPTIMIZER_SETTINGS = [
    ("adam", "beta_1", 0.5, _adam(beta_1=0.5), _adam()),
    ("adam", "beta_2", 0.9, _adam(beta_2=0.9), _adam()),
    ("adam", "epsilon", 1e-2, _adam(epsilon=1e-2), _adam()),
    (
        "adamw",
        "beta_1",
        0.5,
        _adam(beta_1=0.5, weight_decay=0.01),
        _adam(weight_decay=0.01),
    ),
    (
        "adamw",
        "beta_2",
        0.9,
        _adam(beta_2=0.9, weight_decay=0.01),
        _adam(weight_decay=0.01),
    ),
    (
        "adamw",
        "epsilon",
        1e-2,
        _adam(epsilon=1e-2, weight_decay=0.01),
        _adam(weight_decay=0.01),
    ),
    ("adamw", "weight_decay", 2.0, _adam(weight_decay=2.0), _adam(weight_decay=0.01)),
    ("rmsprop", "rho", 0.5, _rmsprop(rho=0.5), _rmsprop()),
    ("rmsprop", "epsilon", 1e-1, _rmsprop(epsilon=1e-1), _rmsprop()),
]


@pytest.mark.parametrize(
    "solver, name, value, reference, default",
    OPTIMIZER_SETTINGS,
    ids=[f"{s[0]}-{s[1]}" for s in OPTIMIZER_SETTINGS],
)
def test_optimizer_settings_reach_the_update(solver, name, value, reference, default):
    """Three full-batch steps land on the hand-computed weights for this setting,
    and those differ from the default's: a setting that is dropped on the way to
    the optimizer fails."""
    lr, epochs = 0.05, 3
    expected, _ = _replay(reference, lr, epochs, len(X))
    if_ignored, _ = _replay(default, lr, epochs, len(X))
    moved = max(np.abs(a - b).max() for a, b in zip(expected, if_ignored))
    assert moved > 1e-4  # the check below can tell the two apart
    reg = _fit(solver, epochs, len(X), learning_rate_init=lr, **{name: value})
    _assert_weights(reg, expected)


@pytest.mark.parametrize("batch_size", [10, 7])
def test_weighted_mini_batches_are_divided_by_their_expected_weight(batch_size):
    """With sample weights and several batches (the last one shorter), each batch's
    loss is its weighted sum over ``rows * mean(sample_weight)``: weights and
    loss_curve_ follow that, not the batch's own weight sum."""
    weight = np.random.RandomState(1).uniform(0.1, 3.0, len(X))
    lr, epochs = 0.1, 2
    expected, losses = _replay(_sgd(momentum=0.9), lr, epochs, batch_size, weight)
    reg = _fit(
        "sgd",
        epochs,
        batch_size,
        sample_weight=weight,
        learning_rate_init=lr,
        momentum=0.9,
        nesterovs_momentum=False,
    )
    _assert_weights(reg, expected)
    np.testing.assert_allclose(reg.loss_curve_, losses, rtol=1e-10)

    # Dividing each batch by its own weight sum would train otherwise: the
    # comparison above can tell the two rules apart.
    own, _ = _replay(_sgd(momentum=0.9), lr, epochs, batch_size, weight, own=True)
    assert max(np.abs(a - b).max() for a, b in zip(expected, own)) > 1e-4
