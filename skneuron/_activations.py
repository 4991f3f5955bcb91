"""Activation functions: a registry of in-place forward and derivative pairs.

Every entry works on preallocated arrays and allocates nothing layer-sized:

- ``forward(Z, A)`` writes :math:`f(Z)` into ``A``. ``A`` may be ``Z`` itself when the
  entry's ``needs_z`` is false: the forward pass runs in place and :math:`f'` can be
  written in terms of :math:`A = f(Z)` alone (relu, tanh, logistic, ...); the network
  then keeps one buffer for the layer instead of two.
- ``derivative(Z, A, dA)`` multiplies the incoming gradient ``dA`` in place by
  :math:`f'(Z)`, turning it into ``dZ``. Backpropagation calls it once per layer,
  after the layer's own weight gradient is computed, so it may overwrite ``Z`` and
  ``A`` as scratch space.

Output activations (``softmax``, ``logistic``, ``identity``, ``exp``) follow the same
contract; there ``derivative`` is the vector-Jacobian product, which for softmax is
not elementwise.

Where numpy would pass over a layer several times, an entry's functions are compiled
fused loops from ``_kernels`` (relu, tanh and logistic derivatives; relu's forward
with the bias add).
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import numpy as np
from scipy.special import expit, ndtr

from . import _kernels

LEAKY_RELU_SLOPE = 0.01
_INV_SQRT_2PI = 1.0 / np.sqrt(2.0 * np.pi)


@dataclass(frozen=True)
class Activation:
    """An activation function and its derivative, both in place.

    Parameters
    ----------
    forward : callable
        ``forward(Z, A)``: write :math:`f(Z)` into ``A``.
    derivative : callable
        ``derivative(Z, A, dA)``: ``dA *= f'(Z)``; may overwrite ``Z`` and ``A``.
    needs_z : bool, default=False
        Whether ``Z`` needs a buffer of its own: ``forward`` cannot run in place or
        ``derivative`` reads ``Z``. When false, ``Z`` and ``A`` may share memory.
    forward_with_bias : callable or None, default=None
        ``forward_with_bias(Z, b)``: ``Z = f(Z + b)`` in place, in one pass, for a
        layer whose ``Z`` and ``A`` share memory; without it the network adds the
        bias, then calls ``forward``.
    """

    forward: Callable[[np.ndarray, np.ndarray], object]
    derivative: Callable[[np.ndarray, np.ndarray, np.ndarray], object]
    needs_z: bool = False
    forward_with_bias: Callable[[np.ndarray, np.ndarray], object] | None = None


def _identity(Z, A):
    if A is not Z:
        np.copyto(A, Z)


def _identity_derivative(Z, A, dA):
    pass


def _logistic(Z, A):
    expit(Z, out=A)


def _logistic_derivative(Z, A, dA):
    _kernels.logistic_derivative(A, dA)  # dA *= A (1 - A)


def _tanh(Z, A):
    np.tanh(Z, out=A)


def _tanh_derivative(Z, A, dA):
    _kernels.tanh_derivative(A, dA)  # dA *= 1 - A**2


def _relu(Z, A):
    np.maximum(Z, 0, out=A)


def _relu_derivative(Z, A, dA):
    # f'(z) = 1 where the unit is active: A > 0 carries the same sign as Z.
    _kernels.relu_derivative(A, dA)


def _leaky_relu(Z, A, slope):
    # max(z, s z) is z above 0 and s z below, for any slope 0 <= s < 1.
    np.multiply(Z, slope, out=A)
    np.maximum(Z, A, out=A)


def _leaky_relu_derivative(Z, A, dA, slope):
    # f'(z) = 1 for z > 0, else the slope; A keeps the sign of Z.
    np.greater(A, 0, out=A)
    A *= 1 - slope
    A += slope
    dA *= A


def leaky_relu(slope=LEAKY_RELU_SLOPE):
    """The leaky relu :math:`\\max(z, s z)` with slope ``s`` in [0, 1)."""
    return Activation(
        partial(_leaky_relu, slope=slope),
        partial(_leaky_relu_derivative, slope=slope),
        needs_z=True,
    )


def _elu(Z, A):
    # z above 0, exp(z) - 1 below: since exp(z) - 1 >= z everywhere, that is
    # max(z, expm1(min(z, 0))), and expm1 keeps precision near 0.
    np.minimum(Z, 0, out=A)
    np.expm1(A, out=A)
    np.maximum(Z, A, out=A)


def _elu_derivative(Z, A, dA):
    # f'(z) = 1 for z > 0, exp(z) = A + 1 below.
    np.minimum(A, 0, out=A)
    A += 1
    dA *= A


def _softplus(Z, A):
    # log(1 + exp(z)) without overflow for large z.
    np.logaddexp(0, Z, out=A)


def _softplus_derivative(Z, A, dA):
    # f'(z) = sigmoid(z) = 1 - exp(-A), written with expm1 for precision.
    np.negative(A, out=A)
    np.expm1(A, out=A)
    np.negative(A, out=A)
    dA *= A


def _gelu(Z, A):
    # Exact GELU, z * Phi(z), with Phi the standard normal CDF.
    ndtr(Z, out=A)
    A *= Z


def _gelu_derivative(Z, A, dA):
    # f'(z) = Phi(z) + z phi(z), with phi the standard normal density.
    np.square(Z, out=A)
    A *= -0.5
    np.exp(A, out=A)
    A *= _INV_SQRT_2PI
    A *= Z
    ndtr(Z, out=Z)
    Z += A
    dA *= Z


def _silu(Z, A):
    # z * sigmoid(z); also known as swish.
    expit(Z, out=A)
    A *= Z


def _silu_derivative(Z, A, dA):
    # With s = sigmoid(z) and A = z s: f'(z) = s + A (1 - s) = 1 - (1 - s) + A (1 - s).
    expit(Z, out=Z)
    np.subtract(1, Z, out=Z)
    A *= Z
    A += 1
    A -= Z
    dA *= A


def _softmax(Z, A):
    # Shift by the row maximum so that exp never overflows; Z itself is kept.
    np.subtract(Z, Z.max(axis=1, keepdims=True), out=A)
    np.exp(A, out=A)
    A /= A.sum(axis=1, keepdims=True)


def _softmax_derivative(Z, A, dA):
    # Vector-Jacobian product of softmax: dZ = A * (dA - sum(A * dA)).
    dA -= np.einsum("ij,ij->i", A, dA)[:, np.newaxis]
    dA *= A


def _exp(Z, A):
    # Clip so that exp(z) stays finite for every finite z.
    np.minimum(Z, np.log(np.finfo(Z.dtype).max) - 1, out=A)
    np.exp(A, out=A)


def _exp_derivative(Z, A, dA):
    dA *= A


ACTIVATIONS = {
    "identity": Activation(_identity, _identity_derivative),
    "logistic": Activation(_logistic, _logistic_derivative),
    "tanh": Activation(_tanh, _tanh_derivative),
    "relu": Activation(_relu, _relu_derivative, forward_with_bias=_kernels.bias_relu),
    "leaky_relu": leaky_relu(LEAKY_RELU_SLOPE),
    "elu": Activation(_elu, _elu_derivative, needs_z=True),
    "softplus": Activation(_softplus, _softplus_derivative),
    "gelu": Activation(_gelu, _gelu_derivative, needs_z=True),
    "silu": Activation(_silu, _silu_derivative, needs_z=True),
}
"""Hidden-layer activations by canonical name."""

ALIASES = {"sigmoid": "logistic", "swish": "silu"}
"""Other accepted names, mapped to their canonical name."""

OUTPUT_ACTIVATIONS = {
    "identity": ACTIVATIONS["identity"],
    "logistic": ACTIVATIONS["logistic"],
    "softmax": Activation(_softmax, _softmax_derivative),
    "exp": Activation(_exp, _exp_derivative),
}
"""Output-layer activations; each loss in ``_losses`` names those it pairs with."""


def get_activation(name, leaky_relu_slope=LEAKY_RELU_SLOPE):
    """The hidden-layer activation of a canonical name, with its parameter."""
    if name == "leaky_relu":
        return leaky_relu(leaky_relu_slope)
    return ACTIVATIONS[name]


def resolve_activation(name):
    """Return the canonical name of an activation, accepting aliases.

    Raises
    ------
    ValueError
        If ``name`` is not a known activation.
    """
    name = ALIASES.get(name, name)
    if name == "step":
        raise ValueError(
            "activation='step' is for a Neuron with hand-set weights only: its "
            "derivative is zero wherever it is defined, so backpropagation cannot "
            "train it. Use 'logistic' or 'tanh' for a smooth threshold."
        )
    if name not in ACTIVATIONS:
        known = sorted({*ACTIVATIONS, *ALIASES})
        raise ValueError(f"Unknown activation {name!r}; expected one of {known}.")
    return name
