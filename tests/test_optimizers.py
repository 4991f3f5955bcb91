"""One step of each optimizer, checked by hand and against scikit-learn's."""

import platform

import numpy as np
import pytest
from sklearn.neural_network._stochastic_optimizers import AdamOptimizer, SGDOptimizer

from skneuron import _kernels
from skneuron._optimizers import OPTIMIZERS, SGD, Adam, AdamW, RMSProp

rng = np.random.RandomState(0)
PARAMS = rng.randn(7)
GRADS = [rng.randn(7) for _ in range(3)]


def test_sgd_first_step_by_hand():
    params = PARAMS.copy()
    optimizer = SGD(momentum=0.9, nesterovs_momentum=False)
    state = optimizer.init(params)
    optimizer.step(params, GRADS[0], state, 0.1)
    # v = 0.9 * 0 - 0.1 g; theta += v
    np.testing.assert_allclose(params, PARAMS - 0.1 * GRADS[0])
    np.testing.assert_allclose(state["velocity"], -0.1 * GRADS[0])


def test_nesterov_first_step_by_hand():
    params = PARAMS.copy()
    optimizer = SGD(momentum=0.9, nesterovs_momentum=True)
    optimizer.step(params, GRADS[0], optimizer.init(params), 0.1)
    # theta += mu v - eta g, with v = -eta g
    np.testing.assert_allclose(params, PARAMS - 0.09 * GRADS[0] - 0.1 * GRADS[0])


def test_adam_first_step_by_hand():
    params = PARAMS.copy()
    optimizer = Adam(beta_1=0.9, beta_2=0.999, epsilon=1e-8)
    state = optimizer.init(params)
    optimizer.step(params, GRADS[0], state, 0.01)
    # After one step the bias-corrected moments are g and g**2: a step of
    # lr * g / (|g| + eps / sqrt(1 - beta_2)) ~ lr * sign(g).
    g = GRADS[0]
    m, v = 0.1 * g, 0.001 * g**2
    step_size = 0.01 * np.sqrt(0.001) / 0.1
    np.testing.assert_allclose(params, PARAMS - step_size * m / (np.sqrt(v) + 1e-8))
    np.testing.assert_allclose(params, PARAMS - 0.01 * np.sign(g), rtol=1e-5)
    assert state["t"] == 1


def test_rmsprop_two_steps_by_hand():
    params = PARAMS.copy()
    optimizer = RMSProp(rho=0.9, epsilon=1e-8)
    state = optimizer.init(params)
    v = np.zeros_like(params)
    expected = PARAMS.copy()
    for grad in GRADS[:2]:
        optimizer.step(params, grad, state, 0.01)
        v = 0.9 * v + 0.1 * grad**2
        expected -= 0.01 * grad / (np.sqrt(v) + 1e-8)
    np.testing.assert_allclose(params, expected, rtol=1e-12)


def test_adamw_is_decay_then_adam():
    decayed, plain = PARAMS.copy(), PARAMS.copy()
    adamw, adam = AdamW(weight_decay=0.5), Adam()
    adamw.step(decayed, GRADS[0], adamw.init(decayed), 0.1)
    plain *= 1 - 0.1 * 0.5
    adam.step(plain, GRADS[0], adam.init(plain), 0.1)
    np.testing.assert_allclose(decayed, plain, rtol=1e-12)


# One table: our optimizer, scikit-learn's, with the same settings.
CONFIGS = [
    (SGD(0.0, False), lambda p: SGDOptimizer(p, 0.05, momentum=0.0, nesterov=False)),
    (SGD(0.9, False), lambda p: SGDOptimizer(p, 0.05, momentum=0.9, nesterov=False)),
    (SGD(0.9, True), lambda p: SGDOptimizer(p, 0.05, momentum=0.9, nesterov=True)),
    (Adam(0.9, 0.999, 1e-8), lambda p: AdamOptimizer(p, 0.05, 0.9, 0.999, 1e-8)),
    (Adam(0.5, 0.9, 1e-3), lambda p: AdamOptimizer(p, 0.05, 0.5, 0.9, 1e-3)),
]


@pytest.mark.parametrize("ours, theirs", CONFIGS)
def test_steps_match_scikit_learn(ours, theirs):
    params = PARAMS.copy()
    state = ours.init(params)
    reference = [PARAMS.copy()]
    sklearn_optimizer = theirs(reference)
    for grad in GRADS:
        ours.step(params, grad, state, 0.05)
        sklearn_optimizer.update_params(reference, [grad])
    np.testing.assert_allclose(params, reference[0], rtol=1e-12)


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_step_updates_in_place_in_float32(name):
    params = PARAMS.astype(np.float32)
    optimizer = OPTIMIZERS[name]()
    state = optimizer.init(params)
    before = params.copy()
    optimizer.step(params, GRADS[0].astype(np.float32), state, 0.1)
    assert params.dtype == np.float32
    assert not np.allclose(params, before)


@pytest.mark.skipif(
    platform.machine().lower() not in {"x86_64", "amd64"},
    reason="the steps flush subnormal numbers through the x86 SSE control register",
)
@pytest.mark.parametrize(
    "step, state",
    [
        ("adam_step", lambda z: (z(), z(), 1e-3, 0.9, 0.999, 1e-8, 1.0)),
        ("rmsprop_step", lambda z: (z(), 1e-3, 0.9, 1e-8)),
        ("sgd_step", lambda z: (z(), 0.1, 0.9, True)),
    ],
)
def test_the_steps_flush_subnormal_numbers_to_zero(step, state):
    """A subnormal weight would slow every product it enters; the step zeroes it."""
    tiny = np.finfo(np.float32).tiny
    params = np.array([tiny / 4, -tiny / 8, 1.0], dtype=np.float32)
    assert 0 < params[0] < tiny  # subnormal before the step
    getattr(_kernels, step)(params, np.zeros(3, np.float32), *state(
        lambda: np.zeros(3, np.float32)
    ))  # fmt: skip
    assert params.tolist() == [0.0, 0.0, 1.0]
    # The control register is restored: numpy still makes subnormal numbers.
    assert np.float32(tiny) / np.float32(4) > 0
