# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
# cython: initializedcheck=False
"""Compiled fused loops behind the optimizer steps and the activation registry.

Each numpy expression of an update, such as Adam's ``m = b1 m + (1 - b1) g``,
reads and writes whole vectors: an Adam step made of ufuncs passes eleven times
over the parameters. Here each step is one loop that reads every array once, in
float32 or float64 (a fused type), without the GIL. The optimizer steps
(``_optimizers``), the activation records (``_activations``) and the L2 term of
the gradient (``_network``) call it; ``__init__`` imports it to tell a source tree
from an installed copy.

The arithmetic follows scikit-learn's formulas operation by operation, and the
build turns off floating-point contraction (``-ffp-contract=off``), so a float64
step rounds exactly as scikit-learn's numpy code does. The loops run on one
thread: the cores belong to BLAS, whose products dominate training.
"""

from libc.math cimport sqrt, sqrtf

ctypedef fused real:
    float
    double


cdef inline real _sqrt(real x) noexcept nogil:
    if real is float:
        return sqrtf(x)
    else:
        return sqrt(x)


def adam_step(
    real[::1] params,
    const real[::1] grad,
    real[::1] m,
    real[::1] v,
    double step_size,
    double beta_1,
    double beta_2,
    double epsilon,
    double decay,
):
    """Adam's update of ``params``, ``m`` and ``v`` in place, in one pass.

    ``params`` is first multiplied by ``decay``: 1 for Adam, ``1 - lr * lambda``
    for AdamW's decoupled weight decay.
    """
    cdef Py_ssize_t i
    cdef real g, m_i, v_i
    cdef real b1 = beta_1, b2 = beta_2, c1 = 1.0 - beta_1, c2 = 1.0 - beta_2
    cdef real eta = step_size, eps = epsilon, keep = decay
    with nogil:
        for i in range(params.shape[0]):
            g = grad[i]
            m_i = b1 * m[i] + c1 * g
            v_i = b2 * v[i] + c2 * (g * g)
            m[i] = m_i
            v[i] = v_i
            if keep != 1:
                params[i] *= keep
            params[i] += -eta * m_i / (_sqrt(v_i) + eps)


def rmsprop_step(
    real[::1] params,
    const real[::1] grad,
    real[::1] v,
    double learning_rate,
    double rho,
    double epsilon,
):
    """RMSProp's update of ``params`` and ``v`` in place, in one pass."""
    cdef Py_ssize_t i
    cdef real g, v_i
    cdef real r = rho, c = 1.0 - rho, eta = learning_rate, eps = epsilon
    with nogil:
        for i in range(params.shape[0]):
            g = grad[i]
            v_i = r * v[i] + c * (g * g)
            v[i] = v_i
            params[i] += -eta * g / (_sqrt(v_i) + eps)


def sgd_step(
    real[::1] params,
    const real[::1] grad,
    real[::1] velocity,
    double learning_rate,
    double momentum,
    bint nesterov,
):
    """SGD with momentum (Nesterov's or not), in place, in one pass."""
    cdef Py_ssize_t i
    cdef real g, v_i
    cdef real mu = momentum, eta = learning_rate
    with nogil:
        for i in range(params.shape[0]):
            g = grad[i]
            v_i = mu * velocity[i] - eta * g
            velocity[i] = v_i
            if nesterov:
                params[i] += mu * v_i - eta * g
            else:
                params[i] += v_i


def add_scaled(real[::1] y, const real[::1] x, double a):
    """``y += a * x`` in one pass (the L2 term of the gradient)."""
    cdef Py_ssize_t i
    cdef real alpha = a
    with nogil:
        for i in range(y.shape[0]):
            y[i] += alpha * x[i]


def bias_relu(real[:, ::1] Z, const real[::1] b):
    """``Z = max(Z + b, 0)`` in place, row by row."""
    cdef Py_ssize_t i, j
    cdef real z
    with nogil:
        for i in range(Z.shape[0]):
            for j in range(Z.shape[1]):
                z = Z[i, j] + b[j]
                # 0 if z < 0, not z if z > 0: NaN passes through, as in numpy.
                Z[i, j] = 0 if z < 0 else z


def relu_derivative(const real[:, ::1] A, real[:, ::1] dA):
    """``dA *= (A > 0)``: the gradient through a relu, from its output."""
    cdef Py_ssize_t i, j
    with nogil:
        for i in range(A.shape[0]):
            for j in range(A.shape[1]):
                dA[i, j] = dA[i, j] if A[i, j] > 0 else 0


def tanh_derivative(const real[:, ::1] A, real[:, ::1] dA):
    """``dA *= 1 - A**2``: the gradient through tanh, from its output."""
    cdef Py_ssize_t i, j
    with nogil:
        for i in range(A.shape[0]):
            for j in range(A.shape[1]):
                dA[i, j] *= 1 - A[i, j] * A[i, j]


def logistic_derivative(const real[:, ::1] A, real[:, ::1] dA):
    """``dA *= A (1 - A)``: the gradient through the logistic, from its output."""
    cdef Py_ssize_t i, j
    with nogil:
        for i in range(A.shape[0]):
            for j in range(A.shape[1]):
                dA[i, j] = dA[i, j] * A[i, j] * (1 - A[i, j])
