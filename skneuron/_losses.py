"""Loss functions, each paired with the output activations it may follow.

The pairing rule, stated once: for a *canonical* pair of output activation and loss
the gradient of the loss with respect to the output pre-activation ``Z`` is simply

.. math:: \\frac{\\partial L}{\\partial Z} = A - Y,

prediction minus target. The canonical pairs are softmax with categorical
cross-entropy, logistic with binary cross-entropy, identity with squared error and
exp with Poisson deviance (the canonical link functions of generalized linear
models). The fused form is also the numerically stable one: it never divides by a
probability that may underflow to zero. A non-canonical pair whose chain rule would
divide by such a number (the gamma deviance after exp, whose canonical link is the
inverse) has its own fused ``dL/dZ`` in ``deltas``. Any other pair (squared error
after softmax or logistic; the absolute error and the pinball loss after identity
or the cumulative softplus) takes the general route,
:math:`\\partial L / \\partial A` followed by the output activation's
vector-Jacobian product.

The absolute error and the pinball (quantile) loss are not differentiable where
the prediction equals the target. There their gradient is the subgradient of least
magnitude, 0, where scikit-learn's ``sklearn._loss`` takes one side (-1 for the
absolute error, ``-quantile`` for the pinball loss); ties have probability zero for
real-valued targets, so training does not notice, but a gradient check must not
step across one.

The pinball loss has a parameter, its quantile levels (one per output, or one for
all): :func:`loss_record` binds them into the record's functions, as
``_activations.activation_record`` binds the leaky relu's slope.

Loss values stay finite for any finite ``Z``: the binary cross-entropy is computed
from ``Z`` as ``log(1 + exp(Z)) - Y Z``; the categorical one as ``-log(p)`` of the
softmax probability of the true class, with ``p`` floored at the smallest positive
float (a loss of at most 87 in float32, 708 in float64, where scikit-learn clips
``p`` at machine epsilon, so at 16 and 36).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

import numpy as np
from scipy.special import xlogy


@dataclass(frozen=True)
class Loss:
    """A loss function, per sample, with the output activations it is defined for.

    Parameters
    ----------
    values : dict
        Output activation name -> ``value(Y, Z, A)``, the loss of each sample, shape
        ``(n_samples,)``. Its keys are the output activations this loss may follow.
    canonical : frozenset
        Output activations for which ``dL/dZ = A - Y`` (see the module docstring).
    gradient : callable or None
        ``gradient(Y, A, out)``: ``dL/dA`` written into ``out``, for non-canonical
        pairs; ``None`` when every allowed pair is canonical or fused.
    deltas : dict
        Output activation -> ``delta(Y, Z, A, out)``: ``dL/dZ`` written into
        ``out``, for non-canonical pairs whose chain rule would not be stable.
    """

    values: dict
    canonical: frozenset
    gradient: Callable | None = None
    deltas: dict = field(default_factory=dict)


def _categorical_cross_entropy(Y, Z, A):
    # -sum(y log p) over classes, from the softmax output; a probability that
    # underflowed to 0 counts as the smallest positive float, so the loss stays
    # finite (at most 87 in float32). For one-hot Y this is -log of the true
    # class's probability to the last bit: the other terms are exact zeros.
    log_p = np.log(np.maximum(A, np.finfo(A.dtype).tiny))
    return -np.einsum("ij,ij->i", Y, log_p)


def _binary_cross_entropy(Y, Z, A):
    # -(y log p + (1 - y) log(1 - p)) with p = sigmoid(z), summed over outputs.
    return (np.logaddexp(0, Z) - Y * Z).sum(axis=1)


def _half_squared_error(Y, Z, A):
    # Summed over outputs, so that its gradient is exactly A - Y, as in scikit-learn.
    return 0.5 * np.square(A - Y).sum(axis=1)


def _squared_error_gradient(Y, A, out):
    np.subtract(A, Y, out=out)


def _half_poisson_deviance(Y, Z, A):
    # y log(y / mu) - y + mu with mu = exp(z), so log(mu) = z exactly.
    return (xlogy(Y, Y) - Y * Z - Y + A).sum(axis=1)


def _half_gamma_deviance(Y, Z, A):
    # log(mu / y) + y / mu - 1 with mu = exp(z): scikit-learn's HalfGammaLoss plus
    # its constant_to_optimal_zero, so 0 at a perfect fit as the Poisson deviance.
    return (Z - np.log(Y) + _y_over_mu(Y, Z) - 1).sum(axis=1)


def _y_over_mu(Y, Z):
    # y exp(-z) as exp(log y - z), the exponent clipped as the exp output clips
    # its argument, so that it stays finite for any finite z.
    ratio = np.log(Y) - Z
    np.minimum(ratio, np.log(np.finfo(ratio.dtype).max) - 1, out=ratio)
    return np.exp(ratio, out=ratio)


def _gamma_delta(Y, Z, A, out):
    # dL/dz = 1 - y / mu, directly: the chain rule through exp would compute
    # (1 / mu - y / mu**2) mu, dividing by a mu that may underflow to 0.
    np.subtract(1, _y_over_mu(Y, Z), out=out)


def _absolute_error(Y, Z, A):
    return np.abs(A - Y).sum(axis=1)


def _absolute_error_gradient(Y, A, out):
    # sign(a - y): 0 at a tie, the subgradient of least magnitude.
    np.subtract(A, Y, out=out)
    np.sign(out, out=out)


def _pinball(Y, Z, A, tau):
    # rho_tau(u) = u (tau - 1[u < 0]) with u = y - q: tau u above the quantile,
    # (tau - 1) u below; summed over outputs, as scikit-learn's PinballLoss.
    u = Y - A
    return (u * (tau.astype(A.dtype) - (u < 0))).sum(axis=1)


def _pinball_gradient(Y, A, out, tau):
    # d rho / dq = 1[y < q] - tau; 0 at a tie, the subgradient of least magnitude.
    tau = tau.astype(A.dtype)
    np.less(Y, A, out=out)
    out -= tau
    out[Y == A] = 0


def _registry(quantile_levels):
    """Every loss by canonical name, the pinball loss's levels bound."""
    tau = np.asarray(quantile_levels, dtype=float)
    return {
        **_LOSSES_WITHOUT_PARAMETERS,
        "quantile": Loss(
            values={
                "identity": partial(_pinball, tau=tau),
                "cumulative_softplus": partial(_pinball, tau=tau),
            },
            canonical=frozenset(),
            gradient=partial(_pinball_gradient, tau=tau),
        ),
    }


_LOSSES_WITHOUT_PARAMETERS = {
    "log_loss": Loss(
        values={
            "softmax": _categorical_cross_entropy,
            "logistic": _binary_cross_entropy,
        },
        canonical=frozenset({"softmax", "logistic"}),
    ),
    "squared_error": Loss(
        values={
            "identity": _half_squared_error,
            "softmax": _half_squared_error,
            "logistic": _half_squared_error,
        },
        canonical=frozenset({"identity"}),
        gradient=_squared_error_gradient,
    ),
    "poisson": Loss(
        values={"exp": _half_poisson_deviance},
        canonical=frozenset({"exp"}),
    ),
    "gamma": Loss(
        values={"exp": _half_gamma_deviance},
        canonical=frozenset(),
        deltas={"exp": _gamma_delta},
    ),
    "absolute_error": Loss(
        values={"identity": _absolute_error},
        canonical=frozenset(),
        gradient=_absolute_error_gradient,
    ),
}

LOSSES = _registry(0.5)
"""Every loss by canonical name; the pinball loss's at the median."""

ALIASES = {"cross_entropy": "log_loss"}
"""Other accepted names, mapped to their canonical name."""


def canonical_loss(name):
    """The canonical name of a loss, a key of ``LOSSES``."""
    return ALIASES.get(name, name)


def loss_record(name, quantile_levels=0.5):
    """The record of the loss ``name`` (or an alias), its parameters bound.

    ``quantile_levels``: the pinball loss's level of each output, or one for all.
    """
    return _registry(quantile_levels)[canonical_loss(name)]


def smooth_labels(Y, epsilon, n_classes):
    """Label smoothing: move ``epsilon`` of each target's mass to uniform.

    ``Y`` holds one-hot rows over ``n_classes`` (softmax outputs) or 0/1 columns,
    each a two-class target (logistic outputs, ``n_classes=2``). The canonical
    gradient ``A - Y`` and the cross-entropies above hold for soft targets as
    they are.
    """
    return Y * (1 - epsilon) + epsilon / n_classes
