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

Loss values are computed from ``Z`` where that avoids ``log(0)``: the cross-entropy of
softmax is ``logsumexp(Z) - Y . Z`` and that of the logistic is
``log(1 + exp(Z)) - Y Z``, both finite for any finite ``Z``.
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


def _logsumexp(Z):
    # log(sum(exp(z))) per row, shifted by the row maximum so exp never overflows;
    # plain numpy, as scipy's version costs more than the rest of the loss.
    Z_max = Z.max(axis=1, keepdims=True)
    shifted = np.exp(Z - Z_max)
    return Z_max[:, 0] + np.log(shifted.sum(axis=1))


def _categorical_cross_entropy(Y, Z, A):
    return _logsumexp(Z) * Y.sum(axis=1) - np.einsum("ij,ij->i", Y, Z)


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
