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

Lists indexed by layer (``Z``, ``A``, buffers) hold layers ``1 .. L``: entry ``i`` is
layer ``i + 1``, so hidden layer ``h`` (0-based) is entry ``h``.
"""

from itertools import pairwise

import numpy as np

from . import _embeddings, _kernels
from ._activations import LEAKY_RELU_SLOPE, activation_record
from ._losses import LOSSES

PREDICT_CHUNK_ROWS = 4096
"""Rows per forward pass at predict time: bounds the working set for large X."""

WEIGHT_INITS = {
    # scikit-learn's MLP: Glorot and Bengio, with 2 instead of 6 for logistic units.
    "glorot": lambda fan_in, fan_out, act: np.sqrt(
        (2.0 if act == "logistic" else 6.0) / (fan_in + fan_out)
    ),
    "he": lambda fan_in, fan_out, act: np.sqrt(6.0 / fan_in),
    "lecun": lambda fan_in, fan_out, act: np.sqrt(3.0 / fan_in),
}
"""Half-width of the uniform draw of a layer's weights and biases, by scheme."""


def _dot(A, W, out):
    """``out = A @ W`` for a dense or sparse ``A``, without allocating when dense."""
    if isinstance(A, np.ndarray):  # cheaper than sp.issparse, once per layer and batch
        np.matmul(A, W, out=out)
    else:
        out[...] = A @ W


def _saturate(A, W):
    r"""Clip ``A`` so that every entry of ``A @ W`` is finite in ``W``'s dtype.

    With :math:`|a| \le s` and :math:`|w| \le m`, a weighted sum of ``fan_in`` terms
    is at most :math:`fan_{in}\, s\, m`, a quarter of the largest float for
    :math:`s = \max / (4\, fan_{in} (m + 1))`, which leaves room for the bias.
    Only used when a plain forward pass overflowed: it allocates.
    """
    if not isinstance(A, np.ndarray):
        A = A.toarray()
    limit = np.finfo(W.dtype).max / (4 * W.shape[0] * (np.abs(W).max() + 1))
    return np.clip(A, -limit, limit).astype(W.dtype, copy=False)


class Network:
    """Architecture of a multi-layer perceptron and the layout of its parameters.

    A network holds no weights and no buffers, only shapes and functions, so that one
    fitted model can serve several threads; weights are a flat vector passed in.

    Parameters
    ----------
    layer_sizes : sequence of int
        Units per layer, input and output included: ``(n_features, *hidden, n_out)``.
    activations : sequence of str
        Canonical activation name of each hidden layer.
    output_activation : str
        Name of the output activation.
    leaky_relu_slope : float, default=0.01
        Slope of ``leaky_relu`` below zero.
    input_layer : InputLayer or None, default=None
        A trainable layer between ``X`` and the first dense layer
        (:mod:`._embeddings`), whose parameters follow all weights and biases in
        the flat vector; ``layer_sizes[0]`` is then its width, not ``X``'s.

    Attributes
    ----------
    functions : list of Activation
        The activation record of each layer ``1 .. L``, parameters bound.
    """

    n_members = 1  # an ensemble of networks sharing hidden layers: ._ensemble

    def __init__(
        self,
        layer_sizes,
        activations,
        output_activation,
        leaky_relu_slope=LEAKY_RELU_SLOPE,
        input_layer=None,
    ):
        self.input_layer = input_layer
        self.layer_sizes = tuple(int(n) for n in layer_sizes)
        self.activations = tuple(activations)
        self.output_activation = output_activation
        self.leaky_relu_slope = float(leaky_relu_slope)
        self._resolve_functions()
        self.shapes = list(pairwise(self.layer_sizes))
        sizes = [fan_in * fan_out for fan_in, fan_out in self.shapes]
        sizes += [fan_out for _, fan_out in self.shapes]
        self._bounds = np.cumsum([0, *sizes]).tolist()
        self.n_weights = self._bounds[len(self.shapes)]
        self.n_params = self._bounds[-1] + (input_layer.n_params if input_layer else 0)

    def _resolve_functions(self):
        names = [*self.activations, self.output_activation]
        self.functions = [
            activation_record(name, self.leaky_relu_slope) for name in names
        ]

    # A saved network holds names and numbers only, never functions, so that loading
    # one (with pickle or skops) trusts no code: the functions are looked up again.
    def __getstate__(self):
        state = dict(self.__dict__)
        del state["functions"]
        return state

    def __setstate__(self, state):
        self.__dict__.update({"input_layer": None, **state})
        self._resolve_functions()

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

    def input_block(self, flat):
        """The input layer's part of a flat vector: everything after the biases."""
        return flat[self._bounds[-1] :]

    def inputs(self, params, X):
        """``A[0]`` for ``X``: ``X`` itself without an input layer."""
        if self.input_layer is None:
            return X
        return _embeddings.transform(self.input_layer, self.input_block(params), X)

    def init_params(self, random_state, dtype, weight_init="glorot"):
        """Draw initial weights and biases uniformly, layer by layer.

        With ``"glorot"``, the draws are those of scikit-learn's MLP, in its order, so
        the same ``random_state`` gives the same weights. ``"he"`` and ``"lecun"``
        keep the variance of relu and linear units (half-width
        :math:`\\sqrt{6 / fan_{in}}` and :math:`\\sqrt{3 / fan_{in}}`); ``"auto"``
        takes each hidden activation's own scheme (He's for the relu family),
        Glorot's for the output layer.

        Parameters
        ----------
        random_state : numpy.random.RandomState
        dtype : numpy dtype
        weight_init : {"glorot", "he", "lecun", "auto"}, default="glorot"

        Returns
        -------
        params : ndarray of shape (n_params,)
        """
        params = np.empty(self.n_params, dtype=dtype)
        # Each weight layer takes the activation of the layer it feeds; the output
        # layer that of the last hidden layer, as scikit-learn uses one for all.
        feeds = [*self.activations, *self.activations[-1:]] or ["identity"]
        for l, (W, b) in enumerate(zip(*self.unpack(params))):
            scheme = weight_init
            if scheme == "auto":  # the hidden layer's own scheme; Glorot's for output
                is_hidden = l < len(self.activations)
                scheme = self.functions[l].init if is_hidden else "glorot"
            bound = WEIGHT_INITS[scheme](*W.shape, feeds[l])
            W[...] = random_state.uniform(-bound, bound, W.shape)
            b[...] = random_state.uniform(-bound, bound, b.shape)
        if self.input_layer is not None:  # drawn last: the MLP's draws are unchanged
            self.input_layer.init(self.input_block(params), random_state)
        return params

    def allocate(self, n_rows, dtype):
        """Buffers ``Z`` and ``A`` for layers ``1 .. L`` and ``n_rows`` samples.

        A hidden layer whose activation does not need ``Z`` shares one buffer for
        ``Z`` and ``A``; the output layer always keeps both, as the losses read ``Z``.
        """
        Z, A = [], []
        for n_units, function in zip(self.layer_sizes[1:], self.functions):
            A.append(np.empty((n_rows, n_units), dtype=dtype))
            needs_z = function.needs_z or len(A) == len(self.functions)
            Z.append(np.empty_like(A[-1]) if needs_z else A[-1])
        return Z, A

    def forward(self, W, b, X, Z, A, dropout=None, saturate=False):
        """Forward pass of ``X`` through the network into the buffers ``Z``, ``A``.

        ``Z`` and ``A`` are lists of buffers for layers ``1 .. L`` with at least
        ``len(X)`` rows; only their first ``len(X)`` rows are written. ``dropout``,
        during training only, lists per hidden layer None or a pair ``(mask,
        dropped)``: the next layer then reads ``dropped = A * mask``, and ``A`` stays
        intact for the backward pass. ``saturate`` clips each layer's input so that
        its weighted sums stay finite, see :func:`_saturate`.
        """
        n = X.shape[0]
        A_prev = X
        for l, function in enumerate(self.functions):
            if saturate:
                A_prev = _saturate(A_prev, W[l])
            Z_l, A_l = Z[l][:n], A[l][:n]
            _dot(A_prev, W[l], out=Z_l)
            if function.forward_with_bias is not None and Z[l] is A[l]:
                function.forward_with_bias(Z_l, b[l])
            else:
                Z_l += b[l]
                function.forward(Z_l, A_l)
            A_prev = A_l
            if dropout and l < len(dropout) and dropout[l] is not None:
                mask, dropped = dropout[l][0][:n], dropout[l][1][:n]
                A_prev = np.multiply(A_l, mask, out=dropped)
        return A_prev

    def predict(self, params, X):
        """Output of the network for ``X``, computed in chunks of rows.

        Allocates its own buffers, so concurrent calls on one model are safe. Each
        chunk is cast to the parameters' dtype on its own, so a large ``X`` of
        another dtype is never copied whole.
        """
        W, b = self.unpack(params)
        n, dtype = X.shape[0], params.dtype
        # The dtype numpy would give X @ W, as scikit-learn's MLP returns: float32
        # for float32 inputs to a float32 model, float64 otherwise.
        out = np.empty((n, self.layer_sizes[-1]), np.result_type(X.dtype, dtype))
        chunk_rows = max(1, PREDICT_CHUNK_ROWS // self.n_members)
        Z, A = self.allocate(min(n, chunk_rows), dtype)
        # Overflow is checked below, on the outputs: no numpy warnings for it.
        with np.errstate(over="ignore", invalid="ignore"):
            for start in range(0, n, chunk_rows):
                rows = X[start : start + chunk_rows]
                A0 = self.inputs(params, rows.astype(dtype, copy=False))
                chunk = self.outputs(params, W, b, A0, Z, A)
                if not np.isfinite(chunk).all():
                    # Inputs too large for the dtype and the weights: saturate them
                    # (X itself, uncast, when there is no input layer).
                    A0 = rows if self.input_layer is None else A0
                    chunk = self.outputs(params, W, b, A0, Z, A, saturate=True)
                out[start : start + rows.shape[0]] = chunk
        return out

    def outputs(self, params, W, b, A0, Z, A, saturate=False):
        """The prediction for the rows ``A0`` of :meth:`predict`: :meth:`forward`."""
        return self.forward(W, b, A0, Z, A, saturate=saturate)

    def workspace(self, params, batch_size, loss, alpha, dropout=None, rng=None):
        """The :class:`Workspace` of one fit of this network (a subclass may differ)."""
        return Workspace(self, params, batch_size, loss, alpha, dropout, rng)


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
    loss : Loss or str
        The loss record, its parameters bound (``_losses.loss_record``), or the
        canonical name of a loss without parameters, a key of ``LOSSES``.
    alpha : float
        Strength of the L2 penalty on the weights.
    dropout : sequence of float or None, default=None
        Dropout rate of each hidden layer.
    rng : numpy.random.Generator or None, default=None
        Draws the dropout masks; required when a rate is positive.
    """

    def __init__(
        self, network, params, batch_size, loss, alpha, dropout=None, rng=None
    ):
        self.network = network
        self.params = params
        self.grad = np.zeros_like(params)
        self.W, self.b = network.unpack(params)
        self.dW, self.db = network.unpack(self.grad)
        self.Z, self.A = network.allocate(batch_size, params.dtype)
        # dZ of each layer 1 .. L; a hidden layer's dA becomes its dZ in place.
        self.dZ = [np.empty_like(A) for A in self.A]
        self.inputs = None
        if network.input_layer is not None:
            self.inputs = _embeddings.InputWork(
                network.input_layer,
                network.input_block(params),
                network.input_block(self.grad),
                batch_size,
            )
        self.loss = LOSSES[loss] if isinstance(loss, str) else loss
        self.alpha = alpha
        self._ones = np.ones(batch_size, dtype=params.dtype)
        self.rng = rng
        self.rates = list(dropout or [0.0] * (len(network.layer_sizes) - 2))
        self.dropout = [
            (np.empty_like(A), np.empty_like(A)) if rate > 0 else None
            for rate, A in zip(self.rates, self.A)
        ]

    def resample_dropout(self, n):
        """Draw fresh dropout masks for a batch of ``n`` rows.

        Inverted dropout: a unit is kept with probability ``1 - rate`` and its output
        scaled by ``1 / (1 - rate)``, so that predicting needs no rescaling.
        """
        for rate, buffers in zip(self.rates, self.dropout):
            if buffers is not None:
                mask = buffers[0][:n]
                self.rng.random(out=mask, dtype=mask.dtype)
                np.greater_equal(mask, rate, out=mask)
                mask *= 1 / (1 - rate)

    def loss_gradient(self, X, Y, sample_weight=None, weight_total=None):
        """Loss of a batch and its gradient, written into ``self.grad``.

        The loss is the (weighted) mean over samples plus the L2 penalty
        :math:`\\frac{\\alpha}{2 n} \\lVert W \\rVert^2`, ``n`` being the number of
        samples or the sum of their weights, as in scikit-learn. Dropout uses the
        masks of the last :meth:`resample_dropout`.

        Parameters
        ----------
        X : ndarray or sparse matrix of shape (n_samples, n_features)
        Y : ndarray of shape (n_samples, n_outputs)
            The training targets; for the pinball loss ``(n_samples,
            2 * n_outputs)``, the targets then their quantile levels (see
            :mod:`._losses`).
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
        if self.inputs is not None:
            X = self.inputs.forward(X)
        net.forward(W, self.b, X, self.Z, self.A, self.dropout)
        if sample_weight is None:
            n_eff = n
        else:
            n_eff = sample_weight.sum() if weight_total is None else weight_total
        loss = self._output_loss(Y, sample_weight, n_eff)

        dZ = self.dZ[-1][:n]
        for l in reversed(range(len(W))):
            self._backward_layer(l, X, dZ, n)
            if l > 0:
                dZ = self.dZ[l - 1][:n]
        if self.inputs is not None:
            self.inputs.backward(dZ, W[0])

        if self.alpha:
            weights = self.params[: net.n_weights]
            loss += 0.5 * self.alpha * np.dot(weights, weights) / n_eff
            _kernels.add_scaled(self.grad[: net.n_weights], weights, self.alpha / n_eff)
        return float(loss)

    def _output_loss(self, Y, sample_weight, n_eff):
        """Data loss of the output rows ``Y`` stands for; their ``dZ`` written.

        The loss is the weighted sum of the rows' losses divided by ``n_eff``,
        and ``dZ`` its gradient with respect to the output pre-activation.
        """
        n, net = Y.shape[0], self.network
        Z_out, A_out, dZ = self.Z[-1][:n], self.A[-1][:n], self.dZ[-1][:n]
        values = self.loss.values[net.output_activation](Y, Z_out, A_out)
        if sample_weight is None:
            loss = values.sum() / n_eff
        else:
            loss = np.dot(sample_weight, values) / n_eff
        if net.output_activation in self.loss.canonical:
            np.subtract(A_out, Y, out=dZ)
        elif net.output_activation in self.loss.deltas:
            self.loss.deltas[net.output_activation](Y, Z_out, A_out, out=dZ)
        else:
            self.loss.gradient(Y, A_out, out=dZ)
            net.functions[-1].derivative(Z_out, A_out, dZ)
        if sample_weight is None:
            dZ *= 1 / n_eff
        else:
            dZ *= (sample_weight / n_eff)[:, np.newaxis]
        return loss

    def _backward_layer(self, l, X, dZ, n):
        """Gradients of weight layer ``l`` from ``dZ``; ``dZ`` of the layer below."""
        dropped = l > 0 and self.dropout[l - 1] is not None
        if l == 0:
            A_prev = X
        else:
            A_prev = (self.dropout[l - 1][1] if dropped else self.A[l - 1])[:n]
        _dot(A_prev.T, dZ, out=self.dW[l])
        # Column sums as a matrix-vector product: BLAS is faster than a ufunc
        # reduction along axis 0.
        np.matmul(self._ones[:n], dZ, out=self.db[l])
        if l > 0:
            dA = self.dZ[l - 1][:n]
            np.matmul(dZ, self.W[l].T, out=dA)
            if dropped:
                dA *= self.dropout[l - 1][0][:n]
            self.network.functions[l - 1].derivative(
                self.Z[l - 1][:n], self.A[l - 1][:n], dA
            )
