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

The optimizer steps run with subnormal numbers flushed to zero (on x86, the
FTZ and DAZ bits of the SSE control register, set for the loop only): in
float32, weights that L2 decay drives towards zero and squared small gradients
fall below 1.2e-38, and every later operation on them, here and in BLAS, costs
up to a hundred times more. In float64 that takes values below 2.2e-308, so
the steps round as scikit-learn's do.
"""

from libc.math cimport floor, sqrt, sqrtf

cdef extern from *:
    """
    #if defined(__SSE2__) || defined(_M_X64)
    #include <xmmintrin.h>
    #define SKN_FLUSH 0x8040 /* flush-to-zero and denormals-are-zero */
    static inline unsigned int skn_flush_subnormals(void) {
        unsigned int saved = _mm_getcsr();
        _mm_setcsr(saved | SKN_FLUSH);
        return saved;
    }
    static inline void skn_restore(unsigned int saved) { _mm_setcsr(saved); }
    #else
    static inline unsigned int skn_flush_subnormals(void) { return 0; }
    static inline void skn_restore(unsigned int saved) { (void)saved; }
    #endif
    """
    unsigned int skn_flush_subnormals() noexcept nogil
    void skn_restore(unsigned int saved) noexcept nogil

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
    cdef unsigned int saved
    cdef Py_ssize_t i
    cdef real g, m_i, v_i
    cdef real b1 = beta_1, b2 = beta_2, c1 = 1.0 - beta_1, c2 = 1.0 - beta_2
    cdef real eta = step_size, eps = epsilon, keep = decay
    with nogil:
        saved = skn_flush_subnormals()
        for i in range(params.shape[0]):
            g = grad[i]
            m_i = b1 * m[i] + c1 * g
            v_i = b2 * v[i] + c2 * (g * g)
            m[i] = m_i
            v[i] = v_i
            if keep != 1:
                params[i] *= keep
            params[i] += -eta * m_i / (_sqrt(v_i) + eps)
        skn_restore(saved)


def rmsprop_step(
    real[::1] params,
    const real[::1] grad,
    real[::1] v,
    double learning_rate,
    double rho,
    double epsilon,
):
    """RMSProp's update of ``params`` and ``v`` in place, in one pass."""
    cdef unsigned int saved
    cdef Py_ssize_t i
    cdef real g, v_i
    cdef real r = rho, c = 1.0 - rho, eta = learning_rate, eps = epsilon
    with nogil:
        saved = skn_flush_subnormals()
        for i in range(params.shape[0]):
            g = grad[i]
            v_i = r * v[i] + c * (g * g)
            v[i] = v_i
            params[i] += -eta * g / (_sqrt(v_i) + eps)
        skn_restore(saved)


def sgd_step(
    real[::1] params,
    const real[::1] grad,
    real[::1] velocity,
    double learning_rate,
    double momentum,
    bint nesterov,
):
    """SGD with momentum (Nesterov's or not), in place, in one pass."""
    cdef unsigned int saved
    cdef Py_ssize_t i
    cdef real g, v_i
    cdef real mu = momentum, eta = learning_rate
    with nogil:
        saved = skn_flush_subnormals()
        for i in range(params.shape[0]):
            g = grad[i]
            v_i = mu * velocity[i] - eta * g
            velocity[i] = v_i
            if nesterov:
                params[i] += mu * v_i - eta * g
            else:
                params[i] += v_i
        skn_restore(saved)


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


# The sines and cosines of a periodic embedding, in C so that the loop over the
# frequencies vectorizes (Cython's conditional expressions become branches,
# which stop it). Each angle is reduced to r in [-pi/4, pi/4] by the nearest
# multiple q of pi/2 (pi/2 in three parts, Cody and Waite, so that r keeps its
# accuracy), then Cephes' polynomials (sin.c, sinf.c) give sin(r) and cos(r),
# within an ulp or two for angles below 1e4 (an embedding's are below 100); q
# mod 4 picks them and their signs.
cdef extern from *:
    """
    #include <math.h>
    #define SKN_PERIODIC(NAME, T, FLOOR, P1, P2, P3, SIN_R, COS_R)               \
    static void NAME(const T *x, Py_ssize_t x_stride, Py_ssize_t n,            \
                     const T *freq, Py_ssize_t k, T *out) {                    \
        for (Py_ssize_t i = 0; i < n; i++) {                                   \
            T xi = x[i * x_stride];                                            \
            T *restrict sin_out = out + i * 2 * k, *restrict cos_out = sin_out + k; \
            for (Py_ssize_t f = 0; f < k; f++) {                               \
                T t = (xi * freq[f]) * (T)6.28318530717958647692;              \
                T q = FLOOR(t * (T)0.636619772367581343076 + (T)0.5);          \
                T r = ((t - q * (T)P1) - q * (T)P2) - q * (T)P3;               \
                T z = r * r, s = SIN_R, c = COS_R;                             \
                int quadrant = (int)(q - (T)4 * FLOOR(q * (T)0.25));           \
                T a = (quadrant & 1) ? c : s, b = (quadrant & 1) ? s : c;      \
                sin_out[f] = (quadrant & 2) ? -a : a;                          \
                cos_out[f] = ((quadrant + 1) & 2) ? -b : b;                    \
            }                                                                  \
        }                                                                      \
    }
    SKN_PERIODIC(skn_periodic_double, double, floor,
        1.57079625129699707031e+00, 7.54978941586159635335e-08,
        5.39030285815811905290e-15,
        r + r * z * (((((1.58962301576546568060e-10 * z
            - 2.50507477628578072866e-8) * z + 2.75573136213857245213e-6) * z
            - 1.98412698295895385996e-4) * z + 8.33333333332211858878e-3) * z
            - 1.66666666666666307295e-1),
        1.0 - 0.5 * z + z * z * (((((-1.13585365213876817300e-11 * z
            + 2.08757008419747316778e-9) * z - 2.75573141792967388112e-7) * z
            + 2.48015872888517045348e-5) * z - 1.38888888888730564116e-3) * z
            + 4.16666666666665929218e-2))
    SKN_PERIODIC(skn_periodic_float, float, floorf,
        1.5703125f, 4.837512969970703125e-4f, 7.54978995489188216e-8f,
        r + r * z * ((-1.9515295891e-4f * z + 8.3321608736e-3f) * z
            - 1.6666654611e-1f),
        1.0f - 0.5f * z + z * z * ((2.443315711809948e-5f * z
            - 1.388731625493765e-3f) * z + 4.166664568298827e-2f))
    """
    void skn_periodic_double(
        const double *x, Py_ssize_t x_stride, Py_ssize_t n,
        const double *freq, Py_ssize_t k, double *out,
    ) noexcept nogil
    void skn_periodic_float(
        const float *x, Py_ssize_t x_stride, Py_ssize_t n,
        const float *freq, Py_ssize_t k, float *out,
    ) noexcept nogil


def periodic_features(
    const real[:, ::1] Xe, const real[:, ::1] frequencies, real[:, :, ::1] S
):
    """Sines and cosines of the angles ``2 pi c_jf x_ij`` of a periodic embedding.

    ``Xe`` holds the embedded columns feature-major, ``(m, n)``; ``S`` receives
    ``(m, n, 2k)``: the ``k`` sines of each row, then its ``k`` cosines.
    """
    cdef Py_ssize_t j, n = Xe.shape[1], k = frequencies.shape[1]
    if n == 0:
        return
    with nogil:
        for j in range(Xe.shape[0]):
            if real is float:
                skn_periodic_float(&Xe[j, 0], 1, n, &frequencies[j, 0], k, &S[j, 0, 0])
            else:
                skn_periodic_double(
                    &Xe[j, 0], 1, n, &frequencies[j, 0], k, &S[j, 0, 0]
                )


def embedding_relu(const real[:, :, ::1] H, const real[:, ::1] u, real[:, ::1] A0):
    """The embeddings ``relu(H + u)``, ``(m, n, d)``, into ``A[0]``'s last columns.

    Row ``i`` of ``A[0]`` ends with the ``d`` outputs of each embedded column in
    turn: a transpose to row-major, fused with the bias and the relu.
    """
    cdef Py_ssize_t m = H.shape[0], n = H.shape[1], d = H.shape[2]
    cdef Py_ssize_t offset = A0.shape[1] - m * d
    cdef Py_ssize_t i, j, o
    cdef real h
    with nogil:
        for i in range(n):
            for j in range(m):
                for o in range(d):
                    h = H[j, i, o] + u[j, o]
                    # 0 if h < 0, not h if h > 0: NaN passes through, as in numpy.
                    A0[i, offset + j * d + o] = 0 if h < 0 else h


def embedding_relu_backward(
    const real[:, ::1] dA0, const real[:, ::1] A0, real[:, :, ::1] dH
):
    """The gradient of :func:`embedding_relu`'s ``H``, ``(m, n, d)``, from ``A[0]``'s.

    The relu passes it where its output ``A[0]`` is positive.
    """
    cdef Py_ssize_t m = dH.shape[0], n = dH.shape[1], d = dH.shape[2]
    cdef Py_ssize_t offset = A0.shape[1] - m * d
    cdef Py_ssize_t i, j, o
    with nogil:
        for j in range(m):
            for i in range(n):
                for o in range(d):
                    dH[j, i, o] = (
                        dA0[i, offset + j * d + o] if A0[i, offset + j * d + o] > 0
                        else 0
                    )


cdef double _TWO_PI = 6.28318530717958647692


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
