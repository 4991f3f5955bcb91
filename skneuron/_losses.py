"""Loss functions, each paired with the output activations it may follow.

The pairing rule, stated once: for a *canonical* pair of output activation and loss
the gradient of the loss with respect to the output pre-activation ``Z`` is simply

.. math:: \\frac{\\partial L}{\\partial Z} = A - Y,

prediction minus target. The canonical pairs are softmax with categorical
cross-entropy, logistic with binary cross-entropy, identity with squared error and
exp with Poisson deviance (the canonical link functions of generalized linear
models). The fused form is also the numerically stable one: it never divides by a
probability that may underflow to zero. Any other pair (squared error after softmax
or logistic) takes the general route, :math:`\\partial L / \\partial A` followed by
the output activation's vector-Jacobian product.

Loss values stay finite for any finite ``Z``: the binary cross-entropy is computed
from ``Z`` as ``log(1 + exp(Z)) - Y Z``; the categorical one as ``-log(p)`` of the
softmax probability of the true class, with ``p`` floored at the smallest positive
float (a loss of at most 87 in float32, 708 in float64, where scikit-learn clips
``p`` at machine epsilon, so at 16 and 36).
"""

from collections.abc import Callable
from dataclasses import dataclass

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
        pairs; ``None`` when every allowed pair is canonical.
    """

    values: dict
    canonical: frozenset
    gradient: Callable | None = None


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


LOSSES = {
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
}
"""Losses by canonical name."""

ALIASES = {"cross_entropy": "log_loss"}
"""Other accepted names, mapped to their canonical name."""


def canonical_loss(name):
    """The canonical name of a loss, a key of ``LOSSES``."""
    return ALIASES.get(name, name)


def smooth_labels(Y, epsilon, n_classes):
    """Label smoothing: move ``epsilon`` of each target's mass to uniform.

    ``Y`` holds one-hot rows over ``n_classes`` (softmax outputs) or 0/1 columns,
    each a two-class target (logistic outputs, ``n_classes=2``). The canonical
    gradient ``A - Y`` and the cross-entropies above hold for soft targets as
    they are.
    """
    return Y * (1 - epsilon) + epsilon / n_classes
