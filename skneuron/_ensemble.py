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

from ._ensemble_workspace import EnsembleWorkspace
from ._network import (
    WEIGHT_INITS,
    Network,
    _dot,
    _saturate,
)


def build_network(
    layer_sizes, activations, output_activation, slope, n_members, input_layer=None
):
    """A :class:`~._network.Network`, or an :class:`EnsembleNetwork` for k > 1."""
    if n_members == 1:
        return Network(
            layer_sizes, activations, output_activation, slope, input_layer=input_layer
        )
    if len(layer_sizes) < 3:
        raise ValueError(
            f"n_ensemble={n_members} needs at least one hidden layer: the members "
            "share the hidden layers and differ in their input adapters and output "
            "heads. Use hidden_layer_sizes with one layer or more, or n_ensemble=1."
        )
    return EnsembleNetwork(
        layer_sizes,
        activations,
        output_activation,
        slope,
        n_members=n_members,
        input_layer=input_layer,
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
        n_members, input_layer=None,
    ):  # fmt: skip
        super().__init__(
            layer_sizes, activations, output_activation, leaky_relu_slope,
            input_layer,
        )  # fmt: skip
        self.n_members = k = int(n_members)
        fan_in, n_out = self.shapes[-1]
        self.shapes[-1] = (fan_in, k * n_out)
        sizes = [fan_in * fan_out for fan_in, fan_out in self.shapes]
        sizes += [fan_out for _, fan_out in self.shapes]
        sizes.append(k * self.layer_sizes[0])  # the adapters, last
        self._bounds = np.cumsum([0, *sizes]).tolist()
        self.n_weights = self._bounds[len(self.shapes)]
        # The input layer's block, if any, after the adapters (input_block).
        self.n_params = self._bounds[-1] + (input_layer.n_params if input_layer else 0)
        self._heads_start = self._bounds[len(self.shapes) - 1]

    def scales(self, flat):
        """The adapters' view ``(n_members, n_features)`` of a flat vector."""
        adapters = flat[self._bounds[-2] : self._bounds[-1]]
        return adapters.reshape(self.n_members, self.layer_sizes[0])

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
        if self.input_layer is not None:  # drawn last, as in Network.init_params
            self.input_layer.init(self.input_block(params), random_state)
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

    def outputs(self, params, W, b, A0, Z, A, saturate=False):
        """The members' mean output for the rows ``A0`` of :meth:`Network.predict`
        (which takes ``n_members`` times fewer rows per chunk)."""
        r, k = self.scales(params), self.n_members
        members = self.forward_members(W, b, r, A0, Z, A, saturate=saturate)
        return members.reshape(A0.shape[0], k, self.layer_sizes[-1]).mean(axis=1)

    def workspace(self, params, batch_size, loss, alpha, dropout=None, rng=None):
        return EnsembleWorkspace(self, params, batch_size, loss, alpha, dropout, rng)
