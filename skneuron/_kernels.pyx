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

from libc.math cimport floor, sqrt, sqrtf

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


# sin and cos of one angle, branch-free so that a loop of them vectorizes: the
# angle is reduced to r in [-pi/4, pi/4] by the nearest multiple q of pi/2 (pi/2
# in three parts, Cody and Waite, so that r keeps its accuracy), then Cephes'
# polynomials (sin.c) give sin(r) and cos(r), within an ulp or two of libm for
# the angles an embedding meets; q mod 4 picks and signs them.
cdef double _PIO2_1 = 1.57079625129699707031e+00
cdef double _PIO2_2 = 7.54978941586159635335e-08
cdef double _PIO2_3 = 5.39030285815811905290e-15
cdef double _TWO_OVER_PI = 6.36619772367581382433e-01
cdef double _TWO_PI = 6.28318530717958623200e+00


cdef inline void _sincos(double t, double *sin_t, double *cos_t) noexcept nogil:
    cdef double q = floor(t * _TWO_OVER_PI + 0.5)
    cdef double r = ((t - q * _PIO2_1) - q * _PIO2_2) - q * _PIO2_3
    cdef double z = r * r
    cdef double s = r + r * z * (((((1.58962301576546568060e-10 * z
        - 2.50507477628578072866e-8) * z + 2.75573136213857245213e-6) * z
        - 1.98412698295895385996e-4) * z + 8.33333333332211858878e-3) * z
        - 1.66666666666666307295e-1)
    cdef double c = 1.0 - 0.5 * z + z * z * (((((-1.13585365213876817300e-11 * z
        + 2.08757008419747316778e-9) * z - 2.75573141792967388112e-7) * z
        + 2.48015872888517045348e-5) * z - 1.38888888888730564116e-3) * z
        + 4.16666666666665929218e-2)
    cdef double quadrant = q - 4.0 * floor(q * 0.25)  # 0, 1, 2 or 3
    cdef double odd = quadrant - 2.0 * floor(quadrant * 0.5)
    cdef double a = c if odd > 0 else s
    cdef double b = s if odd > 0 else c
    sin_t[0] = -a if quadrant >= 2 else a
    cos_t[0] = -b if (quadrant == 1 or quadrant == 2) else b


def periodic_features(
    const real[:, ::1] Xe, const real[:, ::1] frequencies, real[:, :, ::1] S
):
    """Sines and cosines of the angles ``2 pi c_jf x_ij`` of a periodic embedding.

    ``Xe`` holds the embedded columns feature-major, ``(m, n)``; ``S`` receives
    ``(m, n, 2k)``: the ``k`` sines of each row, then its ``k`` cosines.
    """
    cdef Py_ssize_t j, i, f, k = frequencies.shape[1]
    cdef double sin_t, cos_t
    cdef real t
    with nogil:
        for j in range(Xe.shape[0]):
            for i in range(Xe.shape[1]):
                for f in range(k):
                    t = Xe[j, i] * frequencies[j, f]
                    _sincos(t * <real>_TWO_PI, &sin_t, &cos_t)
                    S[j, i, f] = <real>sin_t
                    S[j, i, k + f] = <real>cos_t


def periodic_backward(
    const real[:, :, ::1] dS,
    const real[:, :, ::1] S,
    const real[:, ::1] Xe,
    const real[:, ::1] frequencies,
    real[:, ::1] d_frequencies,
    real[:, ::1] dXe,
):
    """Gradients of the frequencies and of ``Xe`` from that of the sines, ``dS``.

    The angle's gradient is ``2 pi (dsin cos - dcos sin)``: summed over rows
    against ``Xe`` for the frequencies, over frequencies against them for ``Xe``.
    """
    cdef Py_ssize_t j, i, f, k = frequencies.shape[1]
    cdef real dt, dx
    with nogil:
        for j in range(Xe.shape[0]):
            for f in range(k):
                d_frequencies[j, f] = 0
            for i in range(Xe.shape[1]):
                dx = 0
                for f in range(k):
                    dt = dS[j, i, f] * S[j, i, k + f] - dS[j, i, k + f] * S[j, i, f]
                    dt = dt * <real>_TWO_PI
                    d_frequencies[j, f] += Xe[j, i] * dt
                    dx += dt * frequencies[j, f]
                dXe[j, i] = dx
