"""The multi-layer perceptron: one flat parameter vector, forward and backward passes.

Glossary, with textbook names. Layers are numbered ``0`` (input) to ``L`` (output);
the weight layer ``l`` maps layer ``l`` to layer ``l + 1``:

- ``X``: input batch, shape ``(n_samples, n_features)``; ``A[0] = X``.
- ``W[l]``, ``b[l]``: weights, shape ``(fan_in, fan_out)``, and bias, ``(fan_out,)``.
- ``Z[l + 1] = A[l] @ W[l] + b[l]``: pre-activation of layer ``l + 1``.
- ``A[l + 1] = f(Z[l + 1])``: its activation; ``A[L]`` is the prediction.
- ``dZ``, ``dW``, ``db``: gradients of the loss with respect to ``Z``, ``W``, ``b``.

All weights and biases live in one contiguous vector, all weights first (layer by
layer, C order) then all biases, the order of scikit-learn's ``_pack``. ``W[l]`` and
``b[l]`` are views into it, so an optimizer step or an L-BFGS iteration is one
vectorized operation, and the L2 penalty, which applies to weights only, reads the
single slice ``params[:n_weights]``. The gradient has the same layout.
"""

from itertools import pairwise

import numpy as np
import scipy.sparse as sp
from scipy.linalg import get_blas_funcs

from ._activations import ACTIVATIONS, OUTPUT_ACTIVATIONS
from ._losses import LOSSES

PREDICT_CHUNK_ROWS = 4096
"""Rows per forward pass at predict time: bounds the working set for large X."""


def _dot(A, W, out):
    """``out = A @ W`` for a dense or sparse ``A``, without allocating when dense."""
    if sp.issparse(A):
        out[...] = A @ W
    else:
        np.matmul(A, W, out=out)


class Network:
    """Architecture of a multi-layer perceptron and the layout of its parameters.

    A network holds no weights and no buffers, only shapes and names, so that one
    fitted model can serve several threads; weights are a flat vector passed in.

    Parameters
    ----------
    layer_sizes : sequence of int
        Units per layer, input and output included: ``(n_features, *hidden, n_out)``.
    activations : sequence of str
        Canonical activation name of each hidden layer.
    output_activation : str
        Name of the output activation, a key of ``OUTPUT_ACTIVATIONS``.
    """

    def __init__(self, layer_sizes, activations, output_activation):
        self.layer_sizes = tuple(int(n) for n in layer_sizes)
        self.activations = tuple(activations)
        self.output_activation = output_activation
        self.shapes = list(pairwise(self.layer_sizes))
        sizes = [fan_in * fan_out for fan_in, fan_out in self.shapes]
        sizes += [fan_out for _, fan_out in self.shapes]
        self._bounds = np.cumsum([0, *sizes]).tolist()
        self.n_weights = self._bounds[len(self.shapes)]
        self.n_params = self._bounds[-1]

    def unpack(self, flat):
        """Per-layer views ``(W, b)`` of a flat parameter or gradient vector."""
        n_layers, bounds = len(self.shapes), self._bounds
        W = [
            flat[bounds[l] : bounds[l + 1]].reshape(shape)
            for l, shape in enumerate(self.shapes)
        ]
        b = [
            flat[bounds[n_layers + l] : bounds[n_layers + l + 1]]
            for l in range(n_layers)
        ]
        return W, b

    def init_params(self, random_state, dtype):
        """Draw initial weights as scikit-learn's MLP does.

        Glorot-uniform: ``W`` and ``b`` uniform in :math:`\\pm\\sqrt{6 / (fan_{in} +
        fan_{out})}`, with 2 instead of 6 for logistic units, drawn layer by layer in
        the same order, so the same ``random_state`` gives scikit-learn's weights.

        Parameters
        ----------
        random_state : numpy.random.RandomState
        dtype : numpy dtype

        Returns
        -------
        params : ndarray of shape (n_params,)
        """
        params = np.empty(self.n_params, dtype=dtype)
        # Each weight layer takes the factor of the layer it feeds; the output layer
        # that of the last hidden layer, as scikit-learn uses one activation for all.
        feeds = [*self.activations, *self.activations[-1:]] or ["identity"]
        for W, b, activation in zip(*self.unpack(params), feeds):
            factor = 2.0 if activation == "logistic" else 6.0
            bound = np.sqrt(factor / sum(W.shape))
            W[...] = random_state.uniform(-bound, bound, W.shape)
            b[...] = random_state.uniform(-bound, bound, b.shape)
        return params

    def allocate(self, n_rows, dtype):
        """Buffers ``Z`` and ``A`` for layers ``1 .. L`` and ``n_rows`` samples.

        A hidden layer whose activation does not need ``Z`` shares one buffer for
        ``Z`` and ``A``; the output layer always keeps both, as the losses read ``Z``.
        """
        Z, A = [], []
        hidden = zip(self.layer_sizes[1:-1], self.activations)
        for n_units, activation in hidden:
            A.append(np.empty((n_rows, n_units), dtype=dtype))
            needs_z = ACTIVATIONS[activation].needs_z
            Z.append(np.empty_like(A[-1]) if needs_z else A[-1])
        Z.append(np.empty((n_rows, self.layer_sizes[-1]), dtype=dtype))
        A.append(np.empty_like(Z[-1]))
        return Z, A

    def forward(self, W, b, X, Z, A):
        """Forward pass of ``X`` through the network into the buffers ``Z``, ``A``.

        ``Z`` and ``A`` are lists of buffers for layers ``1 .. L`` with at least
        ``len(X)`` rows; only their first ``len(X)`` rows are written.
        """
        n = X.shape[0]
        names = [*self.activations, self.output_activation]
        A_prev = X
        for l, name in enumerate(names):
            activation = (OUTPUT_ACTIVATIONS if l == len(W) - 1 else ACTIVATIONS)[name]
            Z_l, A_l = Z[l][:n], A[l][:n]
            _dot(A_prev, W[l], out=Z_l)
            Z_l += b[l]
            activation.forward(Z_l, A_l)
            A_prev = A_l
        return A_prev

    def predict(self, params, X):
        """Output of the network for ``X``, computed in chunks of rows.

        Allocates its own buffers, so concurrent calls on one model are safe.
        """
        W, b = self.unpack(params)
        n = X.shape[0]
        out = np.empty((n, self.layer_sizes[-1]), dtype=params.dtype)
        Z, A = self.allocate(min(n, PREDICT_CHUNK_ROWS), params.dtype)
        for start in range(0, n, PREDICT_CHUNK_ROWS):
            stop = min(start + PREDICT_CHUNK_ROWS, n)
            out[start:stop] = self.forward(W, b, X[start:stop], Z, A)
        return out


class Workspace:
    """Everything one fit writes to: parameters, gradient and batch buffers.

    Binding the per-layer views once keeps the per-batch path free of allocation:
    ``loss_gradient`` writes activations, deltas and the gradient into buffers made
    here. A workspace belongs to one fit and is never shared between threads.

    Parameters
    ----------
    network : Network
    params : ndarray of shape (n_params,)
        The flat parameter vector, updated in place by the optimizer.
    batch_size : int
        The largest number of rows a batch may have.
    loss : str
        Canonical loss name, a key of ``LOSSES``.
    alpha : float
        Strength of the L2 penalty on the weights.
    """

    def __init__(self, network, params, batch_size, loss, alpha):
        self.network = network
        self.params = params
        self.grad = np.zeros_like(params)
        self.W, self.b = network.unpack(params)
        self.dW, self.db = network.unpack(self.grad)
        self.Z, self.A = network.allocate(batch_size, params.dtype)
        # dZ of each layer 1 .. L; a hidden layer's dA becomes its dZ in place.
        self.dZ = [np.empty_like(A) for A in self.A]
        self.loss = LOSSES[loss]
        self.alpha = alpha
        self._axpy = get_blas_funcs("axpy", (params,))

    def loss_gradient(self, X, Y, sample_weight=None, weight_total=None):
        """Loss of a batch and its gradient, written into ``self.grad``.

        The loss is the (weighted) mean over samples plus the L2 penalty
        :math:`\\frac{\\alpha}{2 n} \\lVert W \\rVert^2`, ``n`` being the number of
        samples or the sum of their weights, as in scikit-learn.

        Parameters
        ----------
        X : ndarray or sparse matrix of shape (n_samples, n_features)
        Y : ndarray of shape (n_samples, n_outputs)
        sample_weight : ndarray of shape (n_samples,) or None
        weight_total : float or None
            What the weighted sum is divided by; default ``sample_weight.sum()``.
            For a mini-batch, the training loop passes its expected weight
            instead, so that a batch that happens to hold only light samples does
            not count them at full strength.

        Returns
        -------
        loss : float
        """
        net, W, n = self.network, self.W, X.shape[0]
        Z_out, A_out = self.Z[-1][:n], self.A[-1][:n]
        self.network.forward(W, self.b, X, self.Z, self.A)

        values = self.loss.values[net.output_activation](Y, Z_out, A_out)
        if sample_weight is None:
            n_eff, loss = n, values.mean()
        else:
            n_eff = sample_weight.sum() if weight_total is None else weight_total
            loss = np.dot(sample_weight, values) / n_eff

        dZ = self.dZ[-1][:n]
        if net.output_activation in self.loss.canonical:
            np.subtract(A_out, Y, out=dZ)
        else:
            self.loss.gradient(Y, A_out, out=dZ)
            OUTPUT_ACTIVATIONS[net.output_activation].derivative(Z_out, A_out, dZ)
        if sample_weight is None:
            dZ *= 1 / n_eff
        else:
            dZ *= (sample_weight / n_eff)[:, np.newaxis]

        for l in reversed(range(len(W))):
            A_prev = X if l == 0 else self.A[l - 1][:n]
            if sp.issparse(A_prev):
                self.dW[l][...] = A_prev.T @ dZ
            else:
                np.matmul(A_prev.T, dZ, out=self.dW[l])
            np.sum(dZ, axis=0, out=self.db[l])
            if l > 0:
                dA = self.dZ[l - 1][:n]
                np.matmul(dZ, W[l].T, out=dA)
                name = net.activations[l - 1]
                ACTIVATIONS[name].derivative(self.Z[l - 1][:n], A_prev, dA)
                dZ = dA

        if self.alpha:
            weights = self.params[: net.n_weights]
            loss += 0.5 * self.alpha * np.dot(weights, weights) / n_eff
            self._axpy(weights, self.grad[: net.n_weights], a=self.alpha / n_eff)
        return float(loss)
