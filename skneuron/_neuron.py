"""The building block: a weighted sum of inputs plus a bias, through an activation."""

import numpy as np

from ._activations import LEAKY_RELU_SLOPE, activation_record, canonical_name


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
        Name of the activation :math:`f`, as for the estimators' ``activation``;
        or ``"exp"``; or ``"step"``, the Heaviside step of McCulloch and Pitts'
        threshold neuron:

        .. math::

           H(z) = \begin{cases} 1 & z \geq 0 \\ 0 & z < 0 \end{cases}

        so that the neuron fires when :math:`w \cdot x` reaches the threshold
        :math:`-b`. ``"step"`` exists for a neuron with hand-set weights only: its
        derivative is zero wherever it is defined, so backpropagation cannot train
        it, and the estimators do not accept it.
    leaky_relu_slope : float, default=0.01
        Slope of ``"leaky_relu"`` below zero, as for the estimators.

    See Also
    --------
    NeuronClassifier.neuron : The neurons of a fitted network.

    Examples
    --------
    >>> from skneuron import Neuron
    >>> neuron = Neuron(weights=[0.5, -1.0], bias=0.25, activation="relu")
    >>> float(neuron.forward([2.0, 0.5]))
    0.75
    >>> neuron.forward([[2.0, 0.5], [0.0, 1.0]])
    array([0.75, 0.  ])

    With ``activation="step"``, single neurons are logic gates on inputs in
    {0, 1}. AND fires only when both inputs are on (the sum reaches 2), OR when
    at least one is (the sum reaches 1), and NOT, with a negative weight, when
    its one input is off:

    >>> inputs = [[0, 0], [0, 1], [1, 0], [1, 1]]
    >>> Neuron(weights=[1, 1], bias=-2, activation="step").forward(inputs)  # AND
    array([0., 0., 0., 1.])
    >>> Neuron(weights=[1, 1], bias=-1, activation="step").forward(inputs)  # OR
    array([0., 1., 1., 1.])
    >>> Neuron(weights=[-1], bias=0, activation="step").forward([[0], [1]])  # NOT
    array([1., 0.])
    """

    def __init__(
        self, weights, bias, activation="identity", leaky_relu_slope=LEAKY_RELU_SLOPE
    ):
        self.weights = np.asarray(weights, dtype=float)
        if self.weights.ndim != 1:
            raise ValueError(
                f"weights must be one-dimensional, got shape {self.weights.shape}."
            )
        self.bias = float(bias)
        self.activation = canonical_name(activation)
        self.leaky_relu_slope = float(leaky_relu_slope)
        if not activation_record(self.activation).elementwise:
            raise ValueError(
                f"activation={activation!r} normalizes over a whole layer; a lone "
                "neuron's output is its own input alone."
            )

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
        a = np.empty_like(z)
        activation_record(self.activation, self.leaky_relu_slope).forward(z, a)
        return a.reshape(x.shape[:-1])

    def __repr__(self):
        slope = self.leaky_relu_slope
        extra = (
            f", leaky_relu_slope={slope:.4g}" if self.activation == "leaky_relu" else ""
        )
        return (
            f"Neuron(n_inputs={len(self.weights)}, bias={self.bias:.4g}, "
            f"activation={self.activation!r}{extra})"
        )
