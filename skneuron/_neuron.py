"""The building block: a weighted sum of inputs plus a bias, through an activation."""

import numpy as np

from ._activations import ACTIVATIONS, OUTPUT_ACTIVATIONS, resolve_activation


class Neuron:
    r"""A neuron: :math:`f(w \cdot x + b)`.

    A fitted estimator hands out real ones with ``est.neuron(layer, index)``: their
    weights are copies of the network's, so changing them changes nothing else.

    Parameters
    ----------
    weights : array-like of shape (n_inputs,)
        One weight per input.
    bias : float
        Added to the weighted sum.
    activation : str, default="identity"
        Name of the activation :math:`f`, as for the estimators' ``activation``,
        or ``"exp"``.

    Examples
    --------
    >>> from skneuron import Neuron
    >>> neuron = Neuron(weights=[0.5, -1.0], bias=0.25, activation="relu")
    >>> float(neuron.forward([2.0, 0.5]))
    0.75
    >>> neuron.forward([[2.0, 0.5], [0.0, 1.0]])
    array([0.75, 0.  ])
    """

    def __init__(self, weights, bias, activation="identity"):
        self.weights = np.asarray(weights, dtype=float)
        if self.weights.ndim != 1:
            raise ValueError(
                f"weights must be one-dimensional, got shape {self.weights.shape}."
            )
        self.bias = float(bias)
        name = activation if activation == "exp" else resolve_activation(activation)
        self.activation = name

    def forward(self, x):
        """Output of the neuron for one sample or a batch.

        Parameters
        ----------
        x : array-like of shape (n_inputs,) or (n_samples, n_inputs)

        Returns
        -------
        output : float ndarray of shape () or (n_samples,)
        """
        x = np.asarray(x, dtype=float)
        if x.shape[-1:] != self.weights.shape or x.ndim > 2:
            raise ValueError(
                f"x must have shape ({len(self.weights)},) or (n_samples, "
                f"{len(self.weights)}) for a neuron with {len(self.weights)} "
                f"inputs, got {x.shape}."
            )
        z = np.atleast_2d(x @ self.weights + self.bias).reshape(-1, 1)
        registry = ACTIVATIONS if self.activation in ACTIVATIONS else OUTPUT_ACTIVATIONS
        a = np.empty_like(z)
        registry[self.activation].forward(z, a)
        return a.reshape(x.shape[:-1])

    def __repr__(self):
        return (
            f"Neuron(n_inputs={len(self.weights)}, bias={self.bias:.4g}, "
            f"activation={self.activation!r})"
        )
