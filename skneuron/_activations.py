"""Activation functions: one record per name, in one registry.

Each record (:class:`Activation`) holds everything skneuron knows of an activation:
its in-place forward function and derivative, whether backpropagation can train
it, where it may stand in a network (hidden or output layer), the weight
initialization ``weight_init="auto"`` gives the layer it feeds, and its compiled
kernel entry. The estimators' parameter validation, the network, :class:`Neuron`,
introspection and the ONNX export all read this registry, and records are built
by one function, :func:`activation_record`, that binds the activation's parameters (the
leaky relu's slope).

Every function works on preallocated arrays and allocates nothing layer-sized:

- ``forward(Z, A)`` writes :math:`f(Z)` into ``A``. ``A`` may be ``Z`` itself when the
  record's ``needs_z`` is false: the forward pass runs in place and :math:`f'` can be
  written in terms of :math:`A = f(Z)` alone (relu, tanh, logistic, ...); the network
  then keeps one buffer for the layer instead of two.
- ``derivative(Z, A, dA)`` multiplies the incoming gradient ``dA`` in place by
  :math:`f'(Z)`, turning it into ``dZ``. Backpropagation calls it once per layer,
  after the layer's own weight gradient is computed, so it may overwrite ``Z`` and
  ``A`` as scratch space. For softmax it is the vector-Jacobian product, which is
  not elementwise.

Where numpy would pass over a layer several times, a record's functions are
compiled fused loops from ``_kernels`` (relu, tanh and logistic derivatives; relu's
forward with the bias add).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

import numpy as np
from scipy.special import expit, ndtr

from . import _kernels

LEAKY_RELU_SLOPE = 0.01
_INV_SQRT_2PI = 1.0 / np.sqrt(2.0 * np.pi)
HIDDEN, OUTPUT = "hidden", "output"


@dataclass(frozen=True)
class Activation:
    """An activation function: what the network, a neuron and the export need.

    Parameters
    ----------
    name : str
        Canonical name.
    forward : callable
        ``forward(Z, A)``: write :math:`f(Z)` into ``A``.
    derivative : callable or None
        ``derivative(Z, A, dA)``: ``dA *= f'(Z)``; may overwrite ``Z`` and ``A``.
        None for a function backpropagation cannot train (``step``).
    roles : frozenset of {"hidden", "output"}
        The layers of a trained network it may stand in; empty for a function
        of a lone :class:`~skneuron.Neuron` only.
    needs_z : bool, default=False
        Whether ``Z`` needs a buffer of its own: ``forward`` cannot run in place or
        ``derivative`` reads ``Z``. When false, ``Z`` and ``A`` may share memory.
    forward_with_bias : callable or None, default=None
        The compiled kernel ``forward_with_bias(Z, b)``: ``Z = f(Z + b)`` in place,
        in one pass, for a layer whose ``Z`` and ``A`` share memory; without it
        the network adds the bias, then calls ``forward``.
    init : {"glorot", "he"}, default="glorot"
        The scheme ``weight_init="auto"`` draws the weights into this layer with.
    elementwise : bool, default=True
        Whether each unit's output depends on its own input only (not softmax).
    parameters : dict, default={}
        The values bound into ``forward`` and ``derivative``, such as ``slope``.
    monotone : bool, default=False
        Whether every output is a non-decreasing function of every input: what
        ``monotonic_cst`` needs of each layer (see :mod:`._monotonic`).
    """

    name: str
    forward: Callable[[np.ndarray, np.ndarray], object]
    derivative: Callable[[np.ndarray, np.ndarray, np.ndarray], object] | None
    roles: frozenset = frozenset({HIDDEN})
    needs_z: bool = False
    forward_with_bias: Callable[[np.ndarray, np.ndarray], object] | None = None
    init: str = "glorot"
    elementwise: bool = True
    parameters: dict = field(default_factory=dict)
    monotone: bool = False

    @property
    def trainable(self):
        """Whether backpropagation gets a gradient through it."""
        return self.derivative is not None


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


def _cumulative_softplus(Z, A):
    # Non-crossing outputs: a_1 = z_1, a_k = a_(k-1) + softplus(z_k), so that
    # a_1 <= a_2 <= ... for any z (quantiles of increasing levels).
    np.logaddexp(0, Z[:, 1:], out=A[:, 1:])
    A[:, 0] = Z[:, 0]
    np.cumsum(A, axis=1, out=A)


def _cumulative_softplus_derivative(Z, A, dA):
    # Vector-Jacobian product: da_j / dz_k = sigmoid(z_k) for j >= k > 1 (1 for
    # k = 1), so dz_k = sigmoid(z_k) * sum_(j >= k) da_j, a reversed cumulative sum.
    reversed_columns = dA[:, ::-1]
    np.cumsum(reversed_columns, axis=1, out=reversed_columns)
    expit(Z[:, 1:], out=Z[:, 1:])
    dA[:, 1:] *= Z[:, 1:]


def _convex_width(Z):
    # The first half of the units (the larger one, for an odd width) is convex.
    return (Z.shape[1] + 1) // 2


def _convex_concave_relu(Z, A):
    # relu(z) on the first half of the units (convex), min(z, 0) = -relu(-z) on the
    # second (concave): under sign-constrained weights, a network of relu alone is
    # convex in its constrained inputs, one with both halves is not (Runje and
    # Shankaranarayana, "Constrained Monotonic Neural Networks", ICML 2023).
    h = _convex_width(Z)
    np.maximum(Z[:, :h], 0, out=A[:, :h])
    np.minimum(Z[:, h:], 0, out=A[:, h:])


def _convex_concave_relu_derivative(Z, A, dA):
    # f'(z) = 1 where the unit is active: A > 0 on the convex half, A < 0 on the
    # concave one, carrying the sign of Z as relu's does.
    h = _convex_width(A)
    np.greater(A[:, :h], 0, out=A[:, :h])
    np.less(A[:, h:], 0, out=A[:, h:])
    dA *= A


def _step(Z, A):
    # Heaviside with H(0) = 1: a McCulloch-Pitts neuron fires when its weighted sum
    # reaches the threshold, and the bias is minus that threshold.
    np.greater_equal(Z, 0, out=A)


def _registry(leaky_relu_slope):
    slope = {"slope": leaky_relu_slope}
    both, output = frozenset({HIDDEN, OUTPUT}), frozenset({OUTPUT})
    # monotone: non-decreasing in every input. gelu and silu dip below zero, and
    # softmax raises one output by lowering the others.
    up = {"monotone": True}
    records = [
        Activation("identity", _identity, _identity_derivative, both, **up),
        Activation("logistic", _logistic, _logistic_derivative, both, **up),
        Activation("tanh", _tanh, _tanh_derivative, **up),
        Activation(
            "relu",
            _relu,
            _relu_derivative,
            forward_with_bias=_kernels.bias_relu,
            init="he",
            **up,
        ),
        Activation(
            "leaky_relu",
            partial(_leaky_relu, **slope),
            partial(_leaky_relu_derivative, **slope),
            needs_z=True,
            init="he",
            parameters=slope,
            **up,
        ),
        Activation("elu", _elu, _elu_derivative, needs_z=True, init="he", **up),
        Activation("softplus", _softplus, _softplus_derivative, **up),
        Activation("gelu", _gelu, _gelu_derivative, needs_z=True, init="he"),
        Activation("silu", _silu, _silu_derivative, needs_z=True, init="he"),
        Activation(
            "convex_concave_relu",
            _convex_concave_relu,
            _convex_concave_relu_derivative,
            init="he",
            elementwise=False,
            **up,
        ),
        Activation("softmax", _softmax, _softmax_derivative, output, elementwise=False),
        Activation("exp", _exp, _exp_derivative, output, **up),
        Activation(
            "cumulative_softplus",
            _cumulative_softplus,
            _cumulative_softplus_derivative,
            output,
            needs_z=True,
            elementwise=False,
            **up,
        ),
        # Its derivative is zero wherever it is defined: nothing to backpropagate.
        Activation("step", _step, None, frozenset()),
    ]
    return {record.name: record for record in records}


ACTIVATIONS = _registry(LEAKY_RELU_SLOPE)
"""Every activation by canonical name, with its default parameters."""

ALIASES = {"sigmoid": "logistic", "swish": "silu"}
"""Other accepted names, mapped to their canonical name."""

HIDDEN_ACTIVATIONS = frozenset(
    name for name, record in ACTIVATIONS.items() if HIDDEN in record.roles
)
"""The canonical names a hidden layer of an estimator may use."""


def activation_record(name, leaky_relu_slope=LEAKY_RELU_SLOPE):
    """The record of the activation ``name`` (or an alias), its parameters bound.

    Raises
    ------
    ValueError
        If ``name`` is not a known activation.
    """
    return _registry(leaky_relu_slope)[canonical_name(name)]


def canonical_name(name):
    """Return the canonical name of an activation, accepting aliases.

    Raises
    ------
    ValueError
        If ``name`` is not a known activation.
    """
    name = ALIASES.get(name, name)
    if name not in ACTIVATIONS:
        known = sorted({*ACTIVATIONS, *ALIASES})
        raise ValueError(f"Unknown activation {name!r}; expected one of {known}.")
    return name


def hidden_activation_name(name):
    """The canonical name of an activation a hidden layer can train, or an error.

    Raises
    ------
    ValueError
        If ``name`` is unknown, cannot be trained, or belongs to output layers.
    """
    record = ACTIVATIONS[canonical_name(name)]
    if not record.trainable:
        raise ValueError(
            f"activation={name!r} is for a Neuron with hand-set weights only: its "
            "derivative is zero wherever it is defined, so backpropagation cannot "
            "train it. Use 'logistic' or 'tanh' for a smooth threshold."
        )
    if HIDDEN not in record.roles:
        raise ValueError(
            f"activation={name!r} is an output activation, which skneuron chooses "
            f"from the loss; a hidden layer takes one of {sorted(HIDDEN_ACTIVATIONS)}."
        )
    return record.name
