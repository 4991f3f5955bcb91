"""The activation functions, each a forward pass and a derivative, in place.

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

import numpy as np
from scipy.special import expit, ndtr

from . import _kernels

_INV_SQRT_2PI = 1.0 / np.sqrt(2.0 * np.pi)


def identity(Z, A):
    if A is not Z:
        np.copyto(A, Z)


def identity_derivative(Z, A, dA):
    pass


def logistic(Z, A):
    expit(Z, out=A)


def logistic_derivative(Z, A, dA):
    _kernels.logistic_derivative(A, dA)  # dA *= A (1 - A)


def tanh(Z, A):
    np.tanh(Z, out=A)


def tanh_derivative(Z, A, dA):
    _kernels.tanh_derivative(A, dA)  # dA *= 1 - A**2


def relu(Z, A):
    np.maximum(Z, 0, out=A)


def relu_derivative(Z, A, dA):
    # f'(z) = 1 where the unit is active: A > 0 carries the same sign as Z.
    _kernels.relu_derivative(A, dA)


def leaky_relu(Z, A, slope):
    # max(z, s z) is z above 0 and s z below, for any slope 0 <= s < 1.
    np.multiply(Z, slope, out=A)
    np.maximum(Z, A, out=A)


def leaky_relu_derivative(Z, A, dA, slope):
    # f'(z) = 1 for z > 0, else the slope; A keeps the sign of Z.
    np.greater(A, 0, out=A)
    A *= 1 - slope
    A += slope
    dA *= A


def elu(Z, A):
    # z above 0, exp(z) - 1 below: since exp(z) - 1 >= z everywhere, that is
    # max(z, expm1(min(z, 0))), and expm1 keeps precision near 0.
    np.minimum(Z, 0, out=A)
    np.expm1(A, out=A)
    np.maximum(Z, A, out=A)


def elu_derivative(Z, A, dA):
    # f'(z) = 1 for z > 0, exp(z) = A + 1 below.
    np.minimum(A, 0, out=A)
    A += 1
    dA *= A


def softplus(Z, A):
    # log(1 + exp(z)) without overflow for large z.
    np.logaddexp(0, Z, out=A)


def softplus_derivative(Z, A, dA):
    # f'(z) = sigmoid(z) = 1 - exp(-A), written with expm1 for precision.
    np.negative(A, out=A)
    np.expm1(A, out=A)
    np.negative(A, out=A)
    dA *= A


def gelu(Z, A):
    # Exact GELU, z * Phi(z), with Phi the standard normal CDF.
    ndtr(Z, out=A)
    A *= Z


def gelu_derivative(Z, A, dA):
    # f'(z) = Phi(z) + z phi(z), with phi the standard normal density.
    np.square(Z, out=A)
    A *= -0.5
    np.exp(A, out=A)
    A *= _INV_SQRT_2PI
    A *= Z
    ndtr(Z, out=Z)
    Z += A
    dA *= Z


def silu(Z, A):
    # z * sigmoid(z); also known as swish.
    expit(Z, out=A)
    A *= Z


def silu_derivative(Z, A, dA):
    # With s = sigmoid(z) and A = z s: f'(z) = s + A (1 - s) = 1 - (1 - s) + A (1 - s).
    expit(Z, out=Z)
    np.subtract(1, Z, out=Z)
    A *= Z
    A += 1
    A -= Z
    dA *= A


def softmax(Z, A):
    # Shift by the row maximum so that exp never overflows; Z itself is kept.
    np.subtract(Z, Z.max(axis=1, keepdims=True), out=A)
    np.exp(A, out=A)
    A /= A.sum(axis=1, keepdims=True)


def softmax_derivative(Z, A, dA):
    # Vector-Jacobian product of softmax: dZ = A * (dA - sum(A * dA)).
    dA -= np.einsum("ij,ij->i", A, dA)[:, np.newaxis]
    dA *= A


def exp(Z, A):
    # Clip so that exp(z) stays finite for every finite z.
    np.minimum(Z, np.log(np.finfo(Z.dtype).max) - 1, out=A)
    np.exp(A, out=A)


def exp_derivative(Z, A, dA):
    dA *= A


def cumulative_softplus(Z, A):
    # Non-crossing outputs: a_1 = z_1, a_k = a_(k-1) + softplus(z_k), so that
    # a_1 <= a_2 <= ... for any z (quantiles of increasing levels).
    np.logaddexp(0, Z[:, 1:], out=A[:, 1:])
    A[:, 0] = Z[:, 0]
    np.cumsum(A, axis=1, out=A)


def cumulative_softplus_derivative(Z, A, dA):
    # Vector-Jacobian product: da_j / dz_k = sigmoid(z_k) for j >= k > 1 (1 for
    # k = 1), so dz_k = sigmoid(z_k) * sum_(j >= k) da_j, a reversed cumulative sum.
    reversed_columns = dA[:, ::-1]
    np.cumsum(reversed_columns, axis=1, out=reversed_columns)
    expit(Z[:, 1:], out=Z[:, 1:])
    dA[:, 1:] *= Z[:, 1:]


def _convex_width(Z):
    # The first half of the units (the larger one, for an odd width) is convex.
    return (Z.shape[1] + 1) // 2


def convex_concave_relu(Z, A):
    # relu(z) on the first half of the units (convex), min(z, 0) = -relu(-z) on the
    # second (concave): under sign-constrained weights, a network of relu alone is
    # convex in its constrained inputs, one with both halves is not (Runje and
    # Shankaranarayana, "Constrained Monotonic Neural Networks", ICML 2023).
    h = _convex_width(Z)
    np.maximum(Z[:, :h], 0, out=A[:, :h])
    np.minimum(Z[:, h:], 0, out=A[:, h:])


def convex_concave_relu_derivative(Z, A, dA):
    # f'(z) = 1 where the unit is active: A > 0 on the convex half, A < 0 on the
    # concave one, carrying the sign of Z as relu's does.
    h = _convex_width(A)
    np.greater(A[:, :h], 0, out=A[:, :h])
    np.less(A[:, h:], 0, out=A[:, h:])
    dA *= A


def step(Z, A):
    # Heaviside with H(0) = 1: a McCulloch-Pitts neuron fires when its weighted sum
    # reaches the threshold, and the bias is minus that threshold.
    np.greater_equal(Z, 0, out=A)
