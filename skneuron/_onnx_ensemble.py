"""The ONNX graph of an ensemble's forward pass, called by :mod:`._onnx_graph`.

See :mod:`._ensemble` for the layout of the members and their parameters.
"""

import numpy as np


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
    # The k heads as one broadcast MatMul, (n, k, 1, fan_in) @ (k, fan_in, n_out),
    # and the mean as one MatMul: no Transpose feeds a MatMul, which onnxruntime
    # would fuse into an op that older versions run in float only.
    fan_in = W[-1].shape[0]
    members = g("Reshape", A, shape(-1, k, 1, fan_in))
    heads = W[-1].reshape(fan_in, k, n_out).transpose(1, 0, 2)
    Z = g("MatMul", members, g.constant(heads, heads.shape))
    Z = g("Add", g("Reshape", Z, shape(-1, k, n_out)), g.constant(b[-1], (k, n_out)))
    P = activate(len(W) - 1, g("Reshape", Z, shape(-1, n_out)))  # sample-major
    average = np.tile(np.eye(n_out) / k, (k, 1))  # (k n_out, n_out)
    rows = g("Reshape", P, shape(-1, k * n_out))
    return g("MatMul", rows, g.constant(average, average.shape))
