"""Looking inside a fitted network: its neurons and the outputs of its hidden layers."""

import numpy as np
from sklearn.utils.validation import check_is_fitted

from ._neuron import Neuron


def _refuse_ensemble(estimator, method):
    k = estimator._network.n_members
    if k > 1:
        raise ValueError(
            f"{method} is not available with n_ensemble={k}: each hidden unit "
            "sees the input through every member's adapter, so it has no single "
            "set of weights or outputs. Fit with n_ensemble=1 to look inside."
        )


class IntrospectionMixin:
    """``neuron`` and ``hidden_activations`` for the fitted estimators."""

    def neuron(self, layer, index):
        """One neuron of the fitted network, with copies of its weights and bias.

        Parameters
        ----------
        layer : int
            1 for the first hidden layer, up to ``n_layers_ - 1`` for the output
            layer (layer 0 is the input, which has no neurons).
        index : int
            Position of the neuron in its layer, from 0 to
            ``layer_sizes_[layer] - 1``.

        Returns
        -------
        neuron : Neuron
            Its ``forward`` on the outputs of layer ``layer - 1`` gives this
            neuron's output. A neuron of a softmax output layer returns its logit
            (activation ``"identity"``): softmax normalizes over the whole layer.
        """
        check_is_fitted(self)
        _refuse_ensemble(self, "neuron")
        if not 1 <= layer < self.n_layers_:
            raise ValueError(
                f"layer must be between 1 and {self.n_layers_ - 1} (layer 0 is the "
                f"input), got {layer}."
            )
        if not 0 <= index < self.layer_sizes_[layer]:
            raise ValueError(
                f"index must be between 0 and {self.layer_sizes_[layer] - 1}: layer "
                f"{layer} has {self.layer_sizes_[layer]} neurons, got {index}."
            )
        function = self._network.functions[layer - 1]
        return Neuron(
            self.coefs_[layer - 1][:, index].copy(),
            self.intercepts_[layer - 1][index],
            function.name if function.elementwise else "identity",
            leaky_relu_slope=self._network.leaky_relu_slope,
        )

    def hidden_activations(self, X, layer=None):
        """Outputs of the hidden layers for ``X``: the network as a feature extractor.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.
        layer : int, default=None
            A hidden layer, 1 to ``n_layers_ - 2``; None for all of them.

        Returns
        -------
        activations : ndarray of shape (n_samples, layer_sizes_[layer]), or a list
            of them, one per hidden layer, when ``layer`` is None.
        """
        check_is_fitted(self)
        _refuse_ensemble(self, "hidden_activations")
        n_hidden = self.n_layers_ - 2
        if layer is not None and not 1 <= layer <= n_hidden:
            raise ValueError(
                f"layer must be a hidden layer, between 1 and {n_hidden}, got {layer}."
                if n_hidden
                else "This network has no hidden layer."
            )
        X = self._validate_for_predict(X).astype(self._params.dtype, copy=False)
        Z, A = self._network.allocate(X.shape[0], self._params.dtype)
        A0 = self._network.inputs(self._params, X)
        self._network.forward(*self._network.unpack(self._params), A0, Z, A)
        hidden = [a.astype(np.float64) for a in A[:-1]]
        return hidden if layer is None else hidden[layer - 1]
