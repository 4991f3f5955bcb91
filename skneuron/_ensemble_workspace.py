"""The workspace of an ensemble's fit: its loss, and its backward pass.

See :mod:`._ensemble` for the layout of the members and their parameters.
"""

import numpy as np

from . import _kernels
from ._network import Workspace, _dot


class EnsembleWorkspace(Workspace):
    """The :class:`~._network.Workspace` of an ensemble's fit (:mod:`._ensemble`).

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
        if self.inputs is not None:
            X = self.inputs.forward(X)
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
        if self.inputs is not None and self.inputs.layer.n_params:
            dA0 = self.inputs.dA0_buffer(n)
            self.inputs.backward_input(self.input_gradient(self.dZ[0][:rows], n, dA0))

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

        For the trainable input layer below the adapters (:mod:`._embeddings`),
        with ``dZ = self.dZ[0][:k n]``.
        """
        k, h = self.network.n_members, self.network.shapes[0][1]
        return np.matmul(dZ.reshape(n, k * h), self._stacked.T, out=out)
