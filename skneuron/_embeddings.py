"""A trainable input layer: a per-feature scale, periodic embeddings of numeric columns.

The layer maps the input ``X`` to ``A[0]``, the input of the first dense layer:

- **scale** (RealMLP's front scale, Holzmüller et al. 2024): :math:`x_j s_j`, with
  ``s`` initialised to 1, a learned per-feature importance;
- **periodic** (PLR, Gorishniy et al., NeurIPS 2022): an embedded column ``j``
  becomes :math:`\\mathrm{relu}([\\sin(2\\pi c_j x_j), \\cos(2\\pi c_j x_j)] V_j +
  u_j)`, ``k`` trainable frequencies :math:`c_j \\sim N(0, \\sigma^2)` and a linear
  map :math:`V_j` of shape ``(2k, d)`` of its own. The other columns (one-hot
  columns, say) pass through, first, then the ``d`` outputs of each embedded one.

Its parameters are one block at the end of the network's flat vector, after all
weights and biases: ``[s (n_features,)] [c (m, k)] [V (m, 2k, d)] [u (m, d)]``, so
``unpack``, ``coefs_``, ``n_weights`` and the L2 slice keep their meaning. ``alpha``
does not apply to the block (RealMLP and TabM decay embeddings lightly at most);
AdamW's decoupled ``weight_decay`` does, as it does to every parameter.

Names as in ``_network``: ``T`` the angles :math:`2\\pi c x`, ``S`` their sines then
cosines, ``H`` the pre-activation of the embedding, all laid out ``(m, n, .)``
(feature-major) so that the per-feature maps are one batched ``matmul``.
"""

from dataclasses import dataclass, field
from numbers import Integral

import numpy as np

from . import _kernels

N_FREQUENCIES = 8
"""Frequencies per embedded feature: 16 periodic features, as RealMLP's PLR."""

_TWO_PI = 2 * np.pi


@dataclass(frozen=True)
class InputLayer:
    """Shape of the trainable input layer; names and numbers only, so it pickles.

    Parameters
    ----------
    n_features : int
        Width of ``X``.
    scale : bool
        Whether each feature has a learned scale.
    embedded : tuple of int
        Sorted indices of the columns embedded periodically; empty for none.
    embedding_size : int
        Outputs ``d`` per embedded column.
    n_frequencies : int
        Frequencies ``k`` per embedded column.
    frequency_scale : float
        Standard deviation of the initial frequencies; an init setting only, so
        not compared (a warm start may change it).
    """

    n_features: int
    scale: bool
    embedded: tuple = ()
    embedding_size: int = 8
    n_frequencies: int = N_FREQUENCIES
    frequency_scale: float = field(default=0.3, compare=False)

    @property
    def passthrough(self):
        """Indices of the columns that are not embedded, in order."""
        return np.setdiff1d(np.arange(self.n_features), self.embedded)

    @property
    def width(self):
        """Columns of ``A[0]``: the first dense layer's fan-in."""
        m = len(self.embedded)
        return self.n_features - m + m * self.embedding_size

    @property
    def sizes(self):
        """Sizes of the block's parts: scale, frequencies, maps, biases."""
        m, k, d = len(self.embedded), self.n_frequencies, self.embedding_size
        return (self.n_features if self.scale else 0, m * k, m * 2 * k * d, m * d)

    @property
    def n_params(self):
        return sum(self.sizes)

    def unpack(self, block):
        """Views ``(s, c, V, u)`` of a parameter or gradient block."""
        m, k, d = len(self.embedded), self.n_frequencies, self.embedding_size
        s, c, V, u = np.split(block, np.cumsum(self.sizes)[:-1])
        return s, c.reshape(m, k), V.reshape(m, 2 * k, d), u.reshape(m, 1, d)

    def init(self, block, random_state):
        """Draw the block in place: scales 1, frequencies normal, maps uniform.

        The maps and biases are drawn as PyTorch's ``Linear`` (TabM's and
        rtdl's embeddings): uniform in :math:`\\pm 1 / \\sqrt{2k}`.
        """
        s, c, V, u = self.unpack(block)
        s[...] = 1.0
        c[...] = random_state.normal(0.0, self.frequency_scale, c.shape)
        bound = 1 / np.sqrt(2 * self.n_frequencies)
        V[...] = random_state.uniform(-bound, bound, V.shape)
        u[...] = random_state.uniform(-bound, bound, u.shape)

    def columns_cst(self, cst):
        """Monotonic constraints of ``X``'s columns moved onto ``A[0]``'s columns.

        A learned scale could change sign, and a periodic embedding is not
        monotone: both are refused on a constrained feature.
        """
        if cst is None:
            return None
        if self.scale:
            raise ValueError(
                "input_scale=True cannot be combined with monotonic_cst: a learned "
                "scale may turn negative and reverse a constrained feature. Set "
                "input_scale=False."
            )
        constrained = sorted(set(np.flatnonzero(cst).tolist()) & set(self.embedded))
        if constrained:
            raise ValueError(
                f"numeric_embedding embeds the constrained feature(s) {constrained}, "
                "and a periodic embedding is not monotone. Leave them out of "
                "embedded_features, or set their monotonic_cst to 0."
            )
        out = np.zeros(self.width, dtype=np.int8)
        out[: self.width - len(self.embedded) * self.embedding_size] = cst[
            self.passthrough
        ]
        return out


def build_input_layer(estimator, n_features):
    """The estimator's :class:`InputLayer` for ``n_features`` columns, or None.

    None, the default, leaves the network exactly as scikit-learn's MLP.
    """
    periodic = estimator.numeric_embedding == "periodic"
    if not (estimator.input_scale or periodic):
        return None
    embedded = _embedded(estimator.embedded_features, n_features) if periodic else ()
    return InputLayer(
        n_features,
        bool(estimator.input_scale),
        embedded,
        int(estimator.embedding_size),
        N_FREQUENCIES,
        float(estimator.frequency_scale),
    )


def _embedded(features, n_features):
    """``embedded_features`` as sorted unique indices: None, a mask or indices."""
    if features is None:
        return tuple(range(n_features))
    values = np.asarray(features)
    if values.ndim != 1:
        raise ValueError(
            "embedded_features must be None, a boolean mask or indices of columns; "
            f"got an array of shape {values.shape}."
        )
    if values.dtype == bool:
        if len(values) != n_features:
            raise ValueError(
                f"embedded_features is a mask of {len(values)} entries but X has "
                f"{n_features} features."
            )
        return tuple(np.flatnonzero(values).tolist())
    if len(values) and not all(
        isinstance(v, Integral) and not isinstance(v, bool) for v in values.tolist()
    ):
        raise ValueError(
            "embedded_features must be None, a boolean mask or integer indices of "
            f"columns; got {values.tolist()!r}."
        )
    bad = [int(v) for v in values.tolist() if not 0 <= v < n_features]
    if bad:
        raise ValueError(
            f"embedded_features has indices {bad} out of range for X with "
            f"{n_features} features."
        )
    return tuple(sorted(set(values.tolist())))


class InputWork:
    """One fit's buffers of the input layer, and its forward and backward passes.

    Parameters
    ----------
    layer : InputLayer
    block, grad_block : ndarray
        The layer's parameter block, and its gradient block, views into the flat
        vectors that the optimizer updates.
    n_rows : int
        The largest batch.
    """

    def __init__(self, layer, block, grad_block, n_rows):
        self.layer, dtype = layer, block.dtype
        self.params, self.grads = layer.unpack(block), layer.unpack(grad_block)
        m, k, d = len(layer.embedded), layer.n_frequencies, layer.embedding_size
        self.embedded = np.asarray(layer.embedded, dtype=np.intp)
        self.passthrough = layer.passthrough
        self.n_pass = len(self.passthrough)
        F = layer.n_features
        self._dense = np.empty(n_rows * F, dtype) if m or layer.scale else None
        self._scaled = np.empty(n_rows * F, dtype) if layer.scale and m else None
        self._A0 = np.empty((n_rows, layer.width), dtype)
        self._dA0 = np.empty_like(self._A0)
        # Feature-major (m, n, .) buffers, stored flat: the first m * n * k entries
        # are a contiguous (m, n, k) array for any batch of n <= n_rows rows.
        self._flat = {
            name: np.empty(m * n_rows * width, dtype)
            for name, width in [
                ("Xe", 1), ("dXe", 1), ("S", 2 * k), ("H", d), ("dH", d),
                ("dS", 2 * k),
            ]
        }  # fmt: skip
        self._dXs = np.empty(n_rows * F, dtype) if layer.scale and m else None
        self._ones = np.ones(n_rows, dtype)

    def _buffer(self, name, n, width):
        m = len(self.embedded)
        return self._flat[name][: m * n * width].reshape(m, n, width)

    def forward(self, X):
        """``A[0]`` for the batch ``X`` (dense or CSR), a view into a buffer."""
        n, layer = X.shape[0], self.layer
        F = layer.n_features
        if not isinstance(X, np.ndarray):  # CSR: the embeddings read columns
            X = X.toarray(out=self._dense[: n * F].reshape(n, F))
        self.X, A0 = X, self._A0[:n]
        s, c, V, u = self.params
        if not len(self.embedded):
            return np.multiply(X, s, out=A0) if layer.scale else X
        if layer.scale:
            Xs = np.multiply(X, s, out=self._scaled[: n * F].reshape(n, F))
        else:
            Xs = X
        np.take(Xs, self.passthrough, axis=1, out=A0[:, : self.n_pass], mode="clip")
        Xe = self._buffer("Xe", n, 1)[:, :, 0]
        np.take(Xs.T, self.embedded, axis=0, out=Xe, mode="clip")
        S = self._buffer("S", n, 2 * layer.n_frequencies)
        _kernels.periodic_features(Xe, c, S)
        H = np.matmul(S, V, out=self._buffer("H", n, layer.embedding_size))
        _kernels.embedding_relu(H, u[:, 0], A0)
        return A0

    def backward(self, dZ1, W0):
        """Gradient of the block from the first layer's ``dZ``, into the grad block.

        :math:`dA_0 = dZ_1 W_0^T`, then the chain rule through the embedding.
        """
        if self.layer.n_params:
            n = dZ1.shape[0]
            self.backward_input(np.matmul(dZ1, W0.T, out=self._dA0[:n]))

    def dA0_buffer(self, n):
        """A buffer for the gradient of ``A[0]`` of a batch of ``n`` rows."""
        return self._dA0[:n]

    def backward_input(self, dA0):
        """Gradient of the block from the gradient of ``A[0]``, into the grad block."""
        n, layer, X = dA0.shape[0], self.layer, self.X
        ds, dc, dV, du = self.grads
        m = len(self.embedded)
        if not m:
            np.matmul(self._ones[:n], np.multiply(dA0, X, out=dA0), out=ds)
            return
        s, c, V, _ = self.params
        k, d = layer.n_frequencies, layer.embedding_size
        S, dH = self._buffer("S", n, 2 * k), self._buffer("dH", n, d)
        _kernels.embedding_relu_backward(dA0, self._A0[:n], dH)
        np.matmul(S.transpose(0, 2, 1), dH, out=dV)
        # Sums over rows as products with ones: BLAS beats a ufunc reduction.
        np.matmul(self._ones[:n], dH, out=du[:, 0, :])
        dS = np.matmul(dH, V.transpose(0, 2, 1), out=self._buffer("dS", n, 2 * k))
        Xe = self._buffer("Xe", n, 1)[:, :, 0]  # the scaled inputs
        dXe = self._buffer("dXe", n, 1)[:, :, 0]
        _kernels.periodic_backward(dS, S, Xe, c, dc, dXe)
        if layer.scale:
            F = layer.n_features
            dXs = self._dXs[: n * F].reshape(n, F)
            dXs[:, self.passthrough] = dA0[:, : self.n_pass]
            dXs[:, self.embedded] = dXe.T
            np.matmul(self._ones[:n], np.multiply(dXs, X, out=dXs), out=ds)


def transform(layer, block, X):
    """``A[0]`` for ``X``, in buffers of its own: for predicting, thread-safe."""
    work = InputWork(layer, block, np.empty_like(block), X.shape[0])
    return work.forward(X)


def input_layer_graph(g, network, params, A):
    """The input layer as ONNX nodes, for ``_onnx_graph.forward``: ``A[0]`` of ``A``.

    Mirrors :meth:`InputWork.forward` op for op (scale, gather, angles, sines and
    cosines, one batched ``MatMul`` over features, relu), so that a double graph
    rounds as numpy does.
    """
    from onnx import TensorProto  # the numerical core does not need onnx

    layer = network.input_layer
    s, c, V, u = layer.unpack(network.input_block(params))
    m, d = len(layer.embedded), layer.embedding_size

    def indices(values):
        return g.constant(values, (len(values),), TensorProto.INT64)

    def shape(*dims):
        return g.constant(dims, (len(dims),), TensorProto.INT64)

    if layer.scale:
        A = g("Mul", A, g.constant(s, (1, layer.n_features)))
    if not m:
        return A
    # Feature-major (m, n, 1) before the angles: no Transpose feeds a MatMul,
    # which onnxruntime would fuse into an op that older versions run in float
    # only; and cos(T) as sin(T + pi/2), as older versions have no double Cos.
    Xe = g("Gather", A, indices(layer.embedded), axis=1)
    Xe = g("Reshape", g("Transpose", Xe, perm=[1, 0]), shape(m, -1, 1))
    T = g("Mul", g("Mul", Xe, g.constant(c[:, np.newaxis, :], (m, 1, len(c[0])))),
          g.constant(_TWO_PI))  # fmt: skip
    shifted = g("Add", T, g.constant(np.pi / 2))
    S = g("Sin", g("Concat", T, shifted, axis=2))
    H = g("Add", g("MatMul", S, g.constant(V, V.shape)), g.constant(u, u.shape))
    E = g("Transpose", g("Relu", H), perm=[1, 0, 2])
    E = g("Reshape", E, shape(0, m * d))
    passthrough = layer.passthrough
    if not len(passthrough):
        return E
    return g("Concat", g("Gather", A, indices(passthrough), axis=1), E, axis=1)
