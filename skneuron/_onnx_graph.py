"""The network as ONNX nodes: one graph function per activation, and the forward pass.

Used by :mod:`skneuron.onnx`; kept apart so that each activation reads as the numpy
code of ``_activations`` it mirrors. Every function works in float and in double:
where onnxruntime has no double kernel for an op (``LeakyRelu``, ``Elu``,
``Softplus``, ``Erf``), the activation is written with ops that have one.
"""

import numpy as np
from onnx import TensorProto

from ._embeddings import input_layer_graph
from ._onnx_ensemble import onnx_members

FLOAT, DOUBLE, INT64 = TensorProto.FLOAT, TensorProto.DOUBLE, TensorProto.INT64
STRING, BOOL = TensorProto.STRING, TensorProto.BOOL
_SQRT_HALF = np.sqrt(0.5)

# Rational approximations of erf and erfc from Cephes' ndtr (S. L. Moshier, public
# domain), the code behind scipy.special.ndtr, highest degree first; a leading 1 is
# implied in the denominators U, Q and S.
_ERF_T = [9.60497373987051638749e0, 9.00260197203842689217e1,
          2.23200534594684319226e3, 7.00332514112805075473e3,
          5.55923013010394962768e4]  # fmt: skip
_ERF_U = [3.35617141647503099647e1, 5.21357949780152679795e2,
          4.59432382970980127987e3, 2.26290000613890934246e4,
          4.92673942608635921086e4]  # fmt: skip
_ERFC_P = [2.46196981473530512524e-10, 5.64189564831068821977e-1,
           7.46321056442269912687e0, 4.86371970985681366614e1,
           1.96520832956077098242e2, 5.26445194995477358631e2,
           9.34528527171957607540e2, 1.02755188689515710272e3,
           5.57535335369399327526e2]  # fmt: skip
_ERFC_Q = [1.32281951154744992508e1, 8.67072140885989742329e1,
           3.54937778887819891062e2, 9.75708501743205489753e2,
           1.82390916687909736289e3, 2.24633760818710981792e3,
           1.65666309194161350182e3, 5.57535340817727675546e2]  # fmt: skip
_ERFC_R = [5.64189583547755073984e-1, 1.27536670759978104416e0,
           5.01905042251180477414e0, 6.16021097993053585195e0,
           7.40974269950448939160e0, 2.97886665372100240670e0]  # fmt: skip
_ERFC_S = [2.26052863220117276590e0, 9.39603524938001434673e0,
           1.20489539808096656605e1, 1.70814450747565897222e1,
           9.60896809063285878198e0, 3.36907645100081516050e0]  # fmt: skip


class Graph:
    """Adds nodes and constants of one precision to a skl2onnx container.

    Parameters
    ----------
    scope : skl2onnx.common._topology.Scope
    container : skl2onnx.common._container.ModelComponentContainer
    proto_dtype : int
        ``TensorProto.FLOAT`` or ``TensorProto.DOUBLE``: the precision of the graph.
    """

    def __init__(self, scope, container, proto_dtype):
        self.scope, self.container, self.proto_dtype = scope, container, proto_dtype

    def __call__(self, op_type, *inputs, output=None, **attrs):
        """Add a node of the default domain; return the name of its output."""
        output = output or self.scope.get_unique_variable_name(op_type.lower())
        name = self.scope.get_unique_operator_name(op_type)
        self.container.add_node(op_type, list(inputs), output, name=name, **attrs)
        return output

    def constant(self, value, shape=(), proto_dtype=None):
        """An initializer holding ``value``, in the graph's precision by default."""
        name = self.scope.get_unique_variable_name("constant")
        values = np.asarray(value).ravel().tolist()
        self.container.add_initializer(
            name, proto_dtype or self.proto_dtype, list(shape), values
        )
        return name

    def polynomial(self, x, coefficients):
        """:math:`\\sum_k c_k x^{n - k}` for each entry of ``x``, highest degree first.

        All powers at once, then one product with the coefficients: three nodes
        instead of two per coefficient. Every term is positive where it is used
        below, so summing them is as exact as Horner's scheme.
        """
        degree = len(coefficients) - 1
        powers = self.constant(np.arange(degree, -1, -1.0), (degree + 1,))
        column = self("Reshape", x, self.constant([0, -1, 1], (3,), INT64))
        terms = self("Pow", column, powers)
        coefficients = self.constant(coefficients, (degree + 1,))
        return self("MatMul", terms, coefficients)


# -- activations: (graph, Z, record) -> A, as in _activations ---------------------
def _native(op_type):
    return lambda g, Z, activation: g(op_type, Z)


def _leaky_relu(g, Z, activation):
    # max(z, s z), as skneuron computes it.
    return g("Max", Z, g("Mul", Z, g.constant(activation.parameters["slope"])))


def _elu(g, Z, activation):
    # max(z, exp(min(z, 0)) - 1), skneuron's formula.
    below = g("Min", Z, g.constant(0.0))
    return g("Max", Z, g("Sub", g("Exp", below), g.constant(1.0)))


def _softplus(g, Z, activation):
    # log(1 + exp(z)) = max(z, 0) + log(1 + exp(-|z|)): never overflows, as numpy's
    # logaddexp.
    tail = g("Exp", g("Neg", g("Abs", Z)))
    return g("Add", g("Relu", Z), g("Log", g("Add", tail, g.constant(1.0))))


def _normal_cdf_double(g, Z):
    """:math:`\\Phi(z)` to double precision, as Cephes' ndtr computes it.

    With :math:`x = z / \\sqrt 2`: :math:`(1 + \\mathrm{erf}(x)) / 2` for
    :math:`|x| < 1/\\sqrt 2`, else from :math:`\\mathrm{erfc}(|x|)`, which keeps
    the relative precision of the lower tail. Each branch is computed everywhere
    and ``Where`` picks one, so a branch may be inf or NaN where it is not used.
    """
    one, half = g.constant(1.0), g.constant(0.5)
    x = g("Mul", Z, g.constant(_SQRT_HALF))
    ax = g("Abs", x)
    x2 = g("Mul", x, x)
    erf = g(
        "Div",
        g("Mul", x, g.polynomial(x2, _ERF_T)),
        g.polynomial(x2, [1.0, *_ERF_U]),
    )
    central = g("Add", half, g("Mul", half, erf))
    # erfc(|x|) for |x| >= 1; beyond 40 it underflows, and the clip keeps the
    # polynomials finite.
    clipped = g("Min", ax, g.constant(40.0))
    near = g(
        "Div", g.polynomial(clipped, _ERFC_P), g.polynomial(clipped, [1.0, *_ERFC_Q])
    )
    far = g(
        "Div", g.polynomial(clipped, _ERFC_R), g.polynomial(clipped, [1.0, *_ERFC_S])
    )
    ratio = g("Where", g("Less", clipped, g.constant(8.0)), near, far)
    erfc = g("Mul", g("Exp", g("Neg", g("Mul", clipped, clipped))), ratio)
    # For 1/sqrt(2) <= |x| < 1, Cephes takes erfc(|x|) = 1 - erf(|x|).
    erfc = g("Where", g("Less", ax, one), g("Sub", one, g("Abs", erf)), erfc)
    tail = g("Mul", half, erfc)
    outer = g("Where", g("Greater", x, g.constant(0.0)), g("Sub", one, tail), tail)
    return g("Where", g("Less", ax, g.constant(_SQRT_HALF)), central, outer)


def _gelu(g, Z, activation):
    # Exact GELU, z Phi(z), as skneuron's ndtr. onnxruntime has Erf in float only.
    if g.proto_dtype == DOUBLE:
        return g("Mul", Z, _normal_cdf_double(g, Z))
    erf = g("Erf", g("Mul", Z, g.constant(_SQRT_HALF)))
    cdf = g("Mul", g("Add", erf, g.constant(1.0)), g.constant(0.5))
    return g("Mul", Z, cdf)


def _silu(g, Z, activation):
    return g("Mul", Z, g("Sigmoid", Z))


def _convex_concave_relu(g, Z, activation, n_units):
    # relu on the first half of the units, min(z, 0) on the second, as skneuron's.
    convex = (n_units + 1) // 2
    mask = [1] * convex + [0] * (n_units - convex)
    first = g.constant(mask, (1, n_units), BOOL)
    return g("Where", first, g("Relu", Z), g("Min", Z, g.constant(0.0)))


def _softmax(g, Z, activation, n_outputs=None):
    return g("Softmax", Z, axis=1)


def _exp(g, Z, activation):
    # skneuron clips z so that exp(z) stays finite in the graph's precision; so here.
    dtype = np.float64 if g.proto_dtype == DOUBLE else np.float32
    limit = g.constant(np.log(np.finfo(dtype).max) - 1)
    return g("Exp", g("Min", Z, limit))


def _cumulative_softplus(g, Z, activation, n_outputs):
    # [z_1, softplus(z_2), ..., softplus(z_k)], then summed along the row: the
    # non-crossing quantile outputs, as skneuron's cumsum.
    first = g.constant([1] + [0] * (n_outputs - 1), (1, n_outputs), BOOL)
    increments = g("Where", first, Z, _softplus(g, Z, activation))
    return g("CumSum", increments, g.constant(1, (), INT64))


GRAPHS = {
    "identity": _native("Identity"),
    "logistic": _native("Sigmoid"),
    "tanh": _native("Tanh"),
    "relu": _native("Relu"),
    "leaky_relu": _leaky_relu,
    "elu": _elu,
    "softplus": _softplus,
    "gelu": _gelu,
    "silu": _silu,
    "convex_concave_relu": _convex_concave_relu,
    "softmax": _softmax,
    "exp": _exp,
    "cumulative_softplus": _cumulative_softplus,
}
"""ONNX graph of each activation of ``_activations.ACTIVATIONS`` a network may hold."""


def _activation_graphs(model):
    """One graph function per layer, or a ValueError naming what has none."""
    for function in model._network.functions:
        if function.name not in GRAPHS:
            raise ValueError(
                f"{type(model).__name__} uses the activation {function.name!r}, "
                f"which has no ONNX conversion; convertible: {sorted(GRAPHS)}."
            )
    return [GRAPHS[function.name] for function in model._network.functions]


def forward(g, model, input_name):
    """The network's output for the input: ``A = f(A @ W + b)``, layer by layer.

    Parameters
    ----------
    g : Graph
    model : NeuronClassifier or NeuronRegressor
        A fitted model.
    input_name : str
        The graph variable holding ``X``.

    Returns
    -------
    name : str
        The graph variable holding the output layer's activation.
    """
    graphs = _activation_graphs(model)
    layers = zip(model.coefs_, model.intercepts_, graphs, model._network.functions)
    A = g("Cast", input_name, to=g.proto_dtype)
    if model._network.input_layer is not None:
        A = input_layer_graph(g, model._network, model._params, A)
    if model._network.n_members > 1:  # an ensemble sharing hidden layers
        return onnx_members(g, model, A, graphs, INT64)
    for W, b, graph, function in layers:
        Z = g("Add", g("MatMul", A, g.constant(W, W.shape)), g.constant(b, (1, len(b))))
        # A non-elementwise graph may need the layer's width (cumulative sums, halves).
        A = graph(g, Z, function, *([] if function.elementwise else [len(b)]))
    return A
