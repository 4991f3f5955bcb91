r"""A parameter-efficient ensemble trained as one network: TabM-mini.

``n_ensemble = k > 1`` trains ``k`` members that share every hidden layer
(Gorishniy et al., "TabM: Advancing Tabular Deep Learning with
Parameter-Efficient Ensembling", ICLR 2025, the ``tabm-mini`` architecture).
Member ``i`` differs from the others in two places only:

- a multiplicative adapter :math:`r_i` on the input of the first dense layer,
  :math:`Z^{(1)}_i = (A_0 \odot r_i) W_0 + b_0`, drawn as random signs, as in
  the reference code for inputs without numeric embeddings;
- its own output head :math:`(W^{(i)}_{L-1}, b^{(i)}_{L-1})`.

Every member sees every row of a batch: the hidden layers run on ``k n`` rows,
ordered sample by sample (row ``s k + i`` is member ``i``'s copy of sample
``s``). The training loss is the mean of the members' losses, so the
gradient reaches each head with weight ``1 / k``; the prediction is the mean of
the members' output activations (probabilities, for a classifier, whose mean is
again a distribution).

Layout of the flat vector: the network's own, with the output layer's ``W`` of
shape ``(fan_in, k n_out)`` and ``b`` of shape ``(k n_out,)`` (member ``i``'s
head is the column block ``i n_out : (i + 1) n_out``), then the adapters, shape
``(k, n_features)``, as one block at the end. The adapter's product with the
first layer is taken as one matrix product with the stacked weights
:math:`[r_1 \odot W_0 \mid \dots \mid r_k \odot W_0]`, of shape
``(n_features, k h)``, which keeps sparse inputs sparse and makes the result
sample-major with no copy.
"""

import numpy as np

from . import _kernels
from ._network import (
    PREDICT_CHUNK_ROWS,
    WEIGHT_INITS,
    Network,
    Workspace,
    _dot,
    _saturate,
)


def build_network(layer_sizes, activations, output_activation, slope, n_members):
    """A :class:`~._network.Network`, or an :class:`EnsembleNetwork` for k > 1."""
    if n_members == 1:
        return Network(layer_sizes, activations, output_activation, slope)
    if len(layer_sizes) < 3:
        raise ValueError(
            f"n_ensemble={n_members} needs at least one hidden layer: the members "
            "share the hidden layers and differ in their input adapters and output "
            "heads. Use hidden_layer_sizes with one layer or more, or n_ensemble=1."
        )
    return EnsembleNetwork(
        layer_sizes, activations, output_activation, slope, n_members=n_members
    )


def check_ensemble(previous, network, monotonic_cst):
    """Refuse what an ensemble cannot do: change its size on resume, monotonicity.

    ``previous`` is the fitted network when training resumes, else None.
    """
    k = network.n_members
    if previous is not None and previous.n_members != k:
        raise ValueError(
            f"The model was fitted with n_ensemble={previous.n_members}, but "
            f"n_ensemble={k} now; warm_start and partial_fit cannot change the "
            "architecture. Fit without warm_start to change n_ensemble."
        )
    if monotonic_cst is not None and k > 1:
        raise ValueError(
            f"monotonic_cst is not supported with n_ensemble={k}: the members' "
            "random-sign input adapters would flip the direction of constrained "
            "features. Use n_ensemble=1 with monotonic_cst."
        )


def _activate(function, Z_l, A_l, bias, shared):
    """``A = f(Z + b)`` in place, fused when ``Z`` and ``A`` share one buffer."""
    if function.forward_with_bias is not None and shared:
        function.forward_with_bias(Z_l, bias)
    else:
        Z_l += bias
        function.forward(Z_l, A_l)


class EnsembleNetwork(Network):
    """A :class:`~._network.Network` of ``n_members`` members sharing hidden layers.

    ``layer_sizes`` are those of one member: the output layer holds ``n_members``
    heads side by side, and the adapters follow all weights and biases.

    Parameters
    ----------
    layer_sizes, activations, output_activation, leaky_relu_slope
        As in :class:`~._network.Network`; at least one hidden layer.
    n_members : int
        The ensemble size ``k``, at least 2.
    """

    def __init__(
        self, layer_sizes, activations, output_activation, leaky_relu_slope, *,
        n_members,
    ):  # fmt: skip
        super().__init__(layer_sizes, activations, output_activation, leaky_relu_slope)
        self.n_members = k = int(n_members)
        fan_in, n_out = self.shapes[-1]
        self.shapes[-1] = (fan_in, k * n_out)
        sizes = [fan_in * fan_out for fan_in, fan_out in self.shapes]
        sizes += [fan_out for _, fan_out in self.shapes]
        sizes.append(k * self.layer_sizes[0])  # the adapters, last
        self._bounds = np.cumsum([0, *sizes]).tolist()
        self.n_weights = self._bounds[len(self.shapes)]
        self.n_params = self._bounds[-1]
        self._heads_start = self._bounds[len(self.shapes) - 1]

    def scales(self, flat):
        """The adapters' view ``(n_members, n_features)`` of a flat vector."""
        return flat[self._bounds[-2] :].reshape(self.n_members, self.layer_sizes[0])

    def init_params(self, random_state, dtype, weight_init="glorot"):
        """Member 0 drawn as the plain network; then the other heads, then adapters.

        The same ``random_state`` thus starts member 0's hidden layers and head
        where ``n_ensemble=1`` starts; every later head is drawn with the output
        layer's scheme, and each adapter entry is +1 or -1 with equal odds.
        """
        single = Network(
            self.layer_sizes, self.activations, self.output_activation,
            self.leaky_relu_slope,
        )  # fmt: skip
        first = single.init_params(random_state, dtype, weight_init)
        params = np.empty(self.n_params, dtype=dtype)
        params[: self._heads_start] = first[: self._heads_start]
        W, b = self.unpack(params)
        W1, b1 = single.unpack(first)
        for l in range(len(W) - 1):
            b[l][...] = b1[l]
        k, (fan_in, n_out) = self.n_members, single.shapes[-1]
        heads, biases = W[-1].reshape(fan_in, k, n_out), b[-1].reshape(k, n_out)
        heads[:, 0], biases[0] = W1[-1], b1[-1]
        scheme = "glorot" if weight_init == "auto" else weight_init
        bound = WEIGHT_INITS[scheme](fan_in, n_out, self.activations[-1])
        for i in range(1, k):
            heads[:, i] = random_state.uniform(-bound, bound, (fan_in, n_out))
            biases[i] = random_state.uniform(-bound, bound, n_out)
        signs = random_state.randint(0, 2, (k, self.layer_sizes[0]))
        self.scales(params)[...] = 2.0 * signs - 1.0
        return params

    def allocate(self, n_rows, dtype):
        """Buffers for ``n_rows`` samples: ``n_members`` rows per sample."""
        return super().allocate(self.n_members * n_rows, dtype)

    def forward(self, *args, **kwargs):
        raise TypeError("An ensemble runs through forward_members, with adapters.")

    def forward_members(self, W, b, r, X, Z, A, dropout=None, stacked=None, **kw):
        """Every member's output for ``X``, into ``Z``, ``A``; returns ``A[L]``.

        As :meth:`Network.forward`, over ``n_members * len(X)`` rows.
        ``stacked`` is a buffer for the adapted first-layer weights, shape
        ``(n_features, n_members * fan_out)``; ``saturate`` as there.
        """
        saturate = kw.get("saturate", False)
        k, n, (d0, h) = self.n_members, X.shape[0], self.shapes[0]
        rows, last = k * n, len(self.functions) - 1
        if stacked is None:
            stacked = np.empty((d0, k * h), dtype=W[0].dtype)
        np.multiply(W[0][:, np.newaxis, :], r.T[:, :, np.newaxis],
                    out=stacked.reshape(d0, k, h))  # fmt: skip
        A_prev = X
        for l, function in enumerate(self.functions):
            Z_l, A_l = Z[l][:rows], A[l][:rows]
            weights = stacked if l == 0 else W[l]
            if saturate:
                A_prev = _saturate(A_prev, weights)
            if l == 0:  # the adapters: (n, k h) is the sample-major (k n, h)
                _dot(A_prev, stacked, out=Z_l.reshape(n, k * h))
                _activate(function, Z_l, A_l, b[0], Z[0] is A[0])
            elif l == last:  # k heads: (k, n, d) @ (k, d, n_out), views only
                fan_in, n_out = W[l].shape[0], self.layer_sizes[-1]
                np.matmul(
                    A_prev.reshape(n, k, fan_in).transpose(1, 0, 2),
                    W[l].reshape(fan_in, k, n_out).transpose(1, 0, 2),
                    out=Z_l.reshape(n, k, n_out).transpose(1, 0, 2),
                )
                Z_l.reshape(n, k, n_out)[...] += b[l].reshape(k, n_out)
                function.forward(Z_l, A_l)
            else:
                _dot(A_prev, W[l], out=Z_l)
                _activate(function, Z_l, A_l, b[l], Z[l] is A[l])
            A_prev = A_l
            if dropout and l < len(dropout) and dropout[l] is not None:
                mask, dropped = dropout[l][0][:rows], dropout[l][1][:rows]
                A_prev = np.multiply(A_l, mask, out=dropped)
        return A_prev

    def predict(self, params, X):
        """The members' mean output for ``X``, in chunks of rows.

        As :meth:`Network.predict`: its own buffers, each chunk cast on its own.
        """
        W, b = self.unpack(params)
        r, k, dtype = self.scales(params), self.n_members, params.dtype
        n, n_out = X.shape[0], self.layer_sizes[-1]
        out = np.empty((n, n_out), np.result_type(X.dtype, dtype))
        chunk_rows = max(1, PREDICT_CHUNK_ROWS // k)
        Z, A = self.allocate(min(n, chunk_rows), dtype)
        with np.errstate(over="ignore", invalid="ignore"):
            for start in range(0, n, chunk_rows):
                rows = X[start : start + chunk_rows]
                outputs = self.forward_members(
                    W, b, r, rows.astype(dtype, copy=False), Z, A
                )
                if not np.isfinite(outputs).all():
                    outputs = self.forward_members(W, b, r, rows, Z, A, saturate=True)
                members = outputs.reshape(rows.shape[0], k, n_out)
                out[start : start + rows.shape[0]] = members.mean(axis=1)
        return out

    def workspace(self, params, batch_size, loss, alpha, dropout=None, rng=None):
        return EnsembleWorkspace(self, params, batch_size, loss, alpha, dropout, rng)


class EnsembleWorkspace(Workspace):
    """The :class:`~._network.Workspace` of an :class:`EnsembleNetwork`'s fit.

    Its buffers hold ``n_members`` rows per sample of a batch; targets and
    sample weights are tiled once per member into buffers of their own.
    """

    def __init__(self, network, params, batch_size, loss, alpha, dropout, rng):
        super().__init__(network, params, batch_size, loss, alpha, dropout, rng)
        k, (d0, h) = network.n_members, network.shapes[0]
        self._ones = np.ones(k * batch_size, dtype=params.dtype)
        self.r, self.dr = network.scales(params), network.scales(self.grad)
        self._stacked = np.empty((d0, k * h), dtype=params.dtype)
        self._first = np.empty((d0, k * h), dtype=params.dtype)  # X^T dZ[1]
        self._tiled = {}  # tiled targets and weights, by shape of one sample's
        # dZ of the output rows, member i's in column block i, zeros elsewhere.
        n_out = network.layer_sizes[-1]
        self._blocks = np.zeros((k * batch_size, k * n_out), dtype=params.dtype)
        size = self._blocks.itemsize
        self._diagonal = np.lib.stride_tricks.as_strided(
            self._blocks,
            (batch_size, k, n_out),
            (k * k * n_out * size, (k + 1) * n_out * size, size),
        )

    def resample_dropout(self, n):
        super().resample_dropout(self.network.n_members * n)

    def _tile(self, values):
        """``values`` repeated once per member, sample-major, in a kept buffer."""
        k, n = self.network.n_members, values.shape[0]
        key = (values.shape[1:], values.dtype)
        if key not in self._tiled:  # k * batch_size rows, as the other buffers
            shape = (len(self._ones), *values.shape[1:])
            self._tiled[key] = np.empty(shape, values.dtype)
        tiled = self._tiled[key][: k * n]
        tiled.reshape(n, k, *values.shape[1:])[...] = values[:, np.newaxis]
        return tiled

    def loss_gradient(self, X, Y, sample_weight=None, weight_total=None):
        """The mean of the members' losses and its gradient, into ``self.grad``.

        As :meth:`Workspace.loss_gradient`; the L2 penalty is that mean's too:
        the shared weights' norm plus the mean of the heads' norms. The
        adapters are not penalized (they scale inputs around +-1).
        """
        net, W, n = self.network, self.W, X.shape[0]
        k = net.n_members
        rows = k * n
        net.forward_members(
            W, self.b, self.r, X, self.Z, self.A, self.dropout, self._stacked
        )
        if sample_weight is None:
            n_eff, weights = n, None
        else:
            n_eff = sample_weight.sum() if weight_total is None else weight_total
            weights = self._tile(sample_weight)
        loss = self._output_loss(self._tile(Y), weights, k * n_eff)

        self._backward_heads(self.dZ[-1][:rows], n)
        for l in reversed(range(1, len(W) - 1)):
            self._backward_layer(l, X, self.dZ[l][:rows], rows)
        self._backward_first(X, self.dZ[0][:rows], n)

        if self.alpha:
            head = net._heads_start
            shared, heads = self.params[:head], self.params[head : net.n_weights]
            norm = np.dot(shared, shared) + np.dot(heads, heads) / k
            loss += 0.5 * self.alpha * norm / n_eff
            _kernels.add_scaled(self.grad[:head], shared, self.alpha / n_eff)
            grad_heads = self.grad[head : net.n_weights]
            _kernels.add_scaled(grad_heads, heads, self.alpha / (k * n_eff))
        return float(loss)

    def _backward_heads(self, dZ, n):
        """Gradients of the ``k`` heads; ``dZ`` of the last hidden layer."""
        l, k = len(self.W) - 1, self.network.n_members
        rows, fan_in, n_out = k * n, self.W[l].shape[0], self.network.layer_sizes[-1]
        dropped = self.dropout[l - 1] is not None
        H = (self.dropout[l - 1][1] if dropped else self.A[l - 1])[:rows]
        dZ3 = dZ.reshape(n, k, n_out).transpose(1, 0, 2)
        np.matmul(
            H.reshape(n, k, fan_in).transpose(1, 2, 0),
            dZ3,
            out=self.dW[l].reshape(fan_in, k, n_out).transpose(1, 0, 2),
        )
        np.sum(dZ.reshape(n, k, n_out), axis=0, out=self.db[l].reshape(k, n_out))
        # dA of member i is dZ_i @ W_i^T: one product of the block-diagonal dZ
        # with all heads, contiguous for BLAS, beats k strided ones.
        self._diagonal[:n] = dZ.reshape(n, k, n_out)
        dA = self.dZ[l - 1][:rows]
        np.matmul(self._blocks[:rows], self.W[l].T, out=dA)
        if dropped:
            dA *= self.dropout[l - 1][0][:rows]
        self.network.functions[l - 1].derivative(
            self.Z[l - 1][:rows], self.A[l - 1][:rows], dA
        )

    def _backward_first(self, X, dZ, n):
        r"""Gradients of ``W[0]``, ``b[0]`` and the adapters, from ``dZ[1]``.

        With :math:`G = X^T dZ` of shape ``(d0, k, h)``: :math:`dr_{ij} =
        \sum_h W_{jh} G_{jih}` and :math:`dW_{jh} = \sum_i r_{ij} G_{jih}`.
        """
        k, (d0, h) = self.network.n_members, self.network.shapes[0]
        G = self._first
        _dot(X.T, dZ.reshape(n, k * h), out=G)
        G3 = G.reshape(d0, k, h)
        np.matmul(G3, self.W[0][:, :, np.newaxis], out=self.dr.T[:, :, np.newaxis])
        G3 *= self.r.T[:, :, np.newaxis]
        np.sum(G3, axis=1, out=self.dW[0])
        np.matmul(self._ones[: k * n], dZ, out=self.db[0])

    def input_gradient(self, dZ, n, out):
        """:math:`dA_0 = \\sum_i r_i \\odot dA_{0,i}`, shape ``(n, d0)``, into ``out``.

        For a trainable layer below the adapters (none yet): call it after
        :meth:`loss_gradient` with ``dZ = self.dZ[0][:k n]``.
        """
        k, h = self.network.n_members, self.network.shapes[0][1]
        return np.matmul(dZ.reshape(n, k * h), self._stacked.T, out=out)


def onnx_members(g, model, A, graphs, int64):
    """The ensemble's mean output as ONNX nodes (see :mod:`._onnx_graph`).

    Parameters
    ----------
    g : Graph
    model : NeuronClassifier or NeuronRegressor
        Fitted with ``n_ensemble > 1``.
    A : str
        The graph variable holding ``X`` in the graph's precision.
    graphs : list of callable
        The graph function of each layer's activation.
    int64 : int
        ONNX's INT64 type, for the shapes.
    """
    net, W, b = model._network, model.coefs_, model.intercepts_
    k, (d0, h), n_out = net.n_members, net.shapes[0], net.layer_sizes[-1]
    stacked = W[0][:, np.newaxis, :] * net.scales(model._params).T[:, :, None]
    first = g("MatMul", A, g.constant(stacked, (d0, k * h)))
    Z = g("Add", first, g.constant(np.tile(b[0], k), (1, k * h)))

    def shape(*dims):
        return g.constant(dims, (len(dims),), int64)

    def activate(l, Z):
        function = net.functions[l]
        width = [] if function.elementwise else [net.layer_sizes[l + 1]]
        return graphs[l](g, Z, function, *width)

    A = activate(0, g("Reshape", Z, shape(-1, h)))  # sample-major rows
    for l in range(1, len(W) - 1):
        Z = g("Add", g("MatMul", A, g.constant(W[l], W[l].shape)),
              g.constant(b[l], (1, len(b[l]))))  # fmt: skip
        A = activate(l, Z)
    fan_in = W[-1].shape[0]
    members = g("Transpose", g("Reshape", A, shape(-1, k, fan_in)), perm=[1, 0, 2])
    heads = W[-1].reshape(fan_in, k, n_out).transpose(1, 0, 2)
    Z = g("MatMul", members, g.constant(heads, heads.shape))
    Z = g("Add", Z, g.constant(b[-1], (k, 1, n_out)))
    P = activate(len(W) - 1, g("Reshape", Z, shape(-1, n_out)))  # member-major
    columns = g("Transpose", g("Reshape", P, shape(k, -1)), perm=[1, 0])
    mean = g("MatMul", columns, g.constant(np.full(k, 1.0 / k), (k, 1)))
    return g("Reshape", mean, shape(-1, n_out))
