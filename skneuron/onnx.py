"""Export to ONNX through skl2onnx: importing this module registers the converters.

After ``import skneuron.onnx``, :func:`skl2onnx.to_onnx` converts a fitted
:class:`~skneuron.NeuronClassifier` or :class:`~skneuron.NeuronRegressor`, alone or
inside a scikit-learn pipeline, as it converts scikit-learn's MLP; onnxruntime then
runs the model without Python. The converters are siblings of skl2onnx's own
(``operator_converters/multilayer_perceptron.py``): the same outputs (labels and
probabilities, with the ``zipmap``, ``nocl`` and ``output_class_labels`` options of
classifiers; predictions of shape ``(n_samples, n_outputs)`` for regressors), and
the network as ``MatMul`` and ``Add`` nodes with an activation after each layer.

The graph computes in the precision of its input, as skl2onnx's converters do:
``to_onnx(model, X[:1])`` with a float64 ``X`` gives a double-precision graph.
onnxruntime has no double kernel for ``Erf``, so ``gelu`` layers evaluate their
normal CDF in single precision in a double graph (an error of about 1e-7); the
other activations are written with ops that run in both precisions. Inputs so
large that skneuron's forward pass overflows (it then saturates them) overflow in
the exported graph too.

Examples
--------
>>> import numpy as np
>>> import onnxruntime as ort
>>> import skl2onnx
>>> import skneuron.onnx  # registers the converters
>>> from skneuron import NeuronClassifier
>>> X = np.random.RandomState(0).normal(size=(40, 3)).astype(np.float32)
>>> y = (X[:, 0] > 0).astype(int)
>>> clf = NeuronClassifier((5,), solver="lbfgs", random_state=0).fit(X, y)
>>> onx = skl2onnx.to_onnx(clf, X[:1], options={"zipmap": False})
>>> sess = ort.InferenceSession(onx.SerializeToString())
>>> labels, proba = sess.run(None, {"X": X})
>>> bool((labels == clf.predict(X)).all())
True
"""

import numpy as np

try:
    from skl2onnx import update_registered_converter
    from skl2onnx.common.data_types import Int64TensorType, guess_proto_type
    from skl2onnx.common.shape_calculator import (
        calculate_linear_classifier_output_shapes,
        calculate_linear_regressor_output_shapes,
    )
    from skl2onnx.common.utils_classifier import get_label_classes
    from skl2onnx.proto import onnx_proto
except ImportError as error:  # pragma: no cover - depends on the environment
    raise ImportError(
        "skneuron.onnx needs skl2onnx (and onnxruntime to run the models): "
        "pip install 'skneuron[onnx]'."
    ) from error

from ._classifier import NeuronClassifier
from ._regressor import NeuronRegressor

__all__ = [
    "calculate_neuron_classifier_output_shapes",
    "calculate_neuron_regressor_output_shapes",
    "convert_neuron_classifier",
    "convert_neuron_regressor",
]

_FLOAT, _DOUBLE = onnx_proto.TensorProto.FLOAT, onnx_proto.TensorProto.DOUBLE
_INT64 = onnx_proto.TensorProto.INT64


# -- graph-building helpers -------------------------------------------------------
def _node(scope, container, op_type, inputs, output=None, **attrs):
    """Add one node of the default domain; return the name of its output."""
    output = output or scope.get_unique_variable_name(op_type.lower())
    container.add_node(
        op_type, inputs, output, name=scope.get_unique_operator_name(op_type), **attrs
    )
    return output


def _constant(scope, container, value, proto_dtype, shape=()):
    name = scope.get_unique_variable_name("constant")
    value = np.asarray(value).ravel().tolist()
    container.add_initializer(name, proto_dtype, list(shape), value)
    return name


# -- activations: one function each, (scope, container, Z, dtype, model) -> A -------
def _native(op_type):
    def activation(scope, container, Z, proto_dtype, model):
        return _node(scope, container, op_type, [Z])

    return activation


def _leaky_relu(scope, container, Z, proto_dtype, model):
    # max(z, s z), as skneuron computes it; onnxruntime's LeakyRelu is float-only.
    slope = _constant(scope, container, model.leaky_relu_slope, proto_dtype)
    return _node(
        scope, container, "Max", [Z, _node(scope, container, "Mul", [Z, slope])]
    )


def _elu(scope, container, Z, proto_dtype, model):
    # max(z, exp(min(z, 0)) - 1), skneuron's formula; Elu has no double kernel.
    zero = _constant(scope, container, 0.0, proto_dtype)
    one = _constant(scope, container, 1.0, proto_dtype)
    below = _node(scope, container, "Min", [Z, zero])
    expm1 = _node(
        scope, container, "Sub", [_node(scope, container, "Exp", [below]), one]
    )
    return _node(scope, container, "Max", [Z, expm1])


def _softplus(scope, container, Z, proto_dtype, model):
    # log(1 + exp(z)) = max(z, 0) + log(1 + exp(-|z|)): never overflows, as numpy's
    # logaddexp; Softplus has no double kernel.
    one = _constant(scope, container, 1.0, proto_dtype)
    decay = _node(scope, container, "Neg", [_node(scope, container, "Abs", [Z])])
    tail = _node(scope, container, "Exp", [decay])
    log1p = _node(
        scope, container, "Log", [_node(scope, container, "Add", [tail, one])]
    )
    return _node(scope, container, "Add", [_node(scope, container, "Relu", [Z]), log1p])


def _gelu(scope, container, Z, proto_dtype, model):
    # Exact GELU, z Phi(z) = z (1 + erf(z / sqrt 2)) / 2, as skneuron's ndtr. Erf has
    # no double kernel in onnxruntime: a double graph takes it in single precision.
    scale = _constant(scope, container, 1 / np.sqrt(2.0), proto_dtype)
    half = _constant(scope, container, 0.5, proto_dtype)
    one = _constant(scope, container, 1.0, proto_dtype)
    scaled = _node(scope, container, "Mul", [Z, scale])
    if proto_dtype == _DOUBLE:
        scaled = _node(scope, container, "Cast", [scaled], to=_FLOAT)
    erf = _node(scope, container, "Erf", [scaled])
    if proto_dtype == _DOUBLE:
        erf = _node(scope, container, "Cast", [erf], to=_DOUBLE)
    cdf = _node(
        scope, container, "Mul", [_node(scope, container, "Add", [erf, one]), half]
    )
    return _node(scope, container, "Mul", [Z, cdf])


def _silu(scope, container, Z, proto_dtype, model):
    return _node(scope, container, "Mul", [Z, _node(scope, container, "Sigmoid", [Z])])


def _softmax(scope, container, Z, proto_dtype, model):
    return _node(scope, container, "Softmax", [Z], axis=1)


def _exp(scope, container, Z, proto_dtype, model):
    # skneuron clips z so that exp(z) stays finite in the model's dtype; so here.
    dtype = np.float64 if proto_dtype == _DOUBLE else np.float32
    limit = _constant(scope, container, np.log(np.finfo(dtype).max) - 1, proto_dtype)
    return _node(scope, container, "Exp", [_node(scope, container, "Min", [Z, limit])])


HIDDEN_ACTIVATIONS = {
    "identity": _native("Identity"),
    "logistic": _native("Sigmoid"),
    "tanh": _native("Tanh"),
    "relu": _native("Relu"),
    "leaky_relu": _leaky_relu,
    "elu": _elu,
    "softplus": _softplus,
    "gelu": _gelu,
    "silu": _silu,
}
"""ONNX graph of each hidden activation of ``skneuron._activations.ACTIVATIONS``."""

OUTPUT_ACTIVATIONS = {
    "identity": _native("Identity"),
    "logistic": _native("Sigmoid"),
    "softmax": _softmax,
    "exp": _exp,
}
"""ONNX graph of each output activation of ``OUTPUT_ACTIVATIONS`` in skneuron."""


# -- the network ------------------------------------------------------------------
def _activation_functions(model):
    """One graph function per layer, or a ValueError naming what has none."""
    *hidden, output = model.layer_activations_
    for name, table in [*((h, HIDDEN_ACTIVATIONS) for h in hidden), (output, None)]:
        table = table or OUTPUT_ACTIVATIONS
        if name not in table:
            raise ValueError(
                f"{type(model).__name__} uses the activation {name!r}, which has no "
                f"ONNX conversion; convertible: {sorted(table)}."
            )
    return [HIDDEN_ACTIVATIONS[h] for h in hidden] + [OUTPUT_ACTIVATIONS[output]]


def _forward(scope, container, model, input_name, proto_dtype):
    """The network's output for the input: ``A = f(A @ W + b)``, layer by layer."""
    functions = _activation_functions(model)
    A = _node(scope, container, "Cast", [input_name], to=proto_dtype)
    for W, b, function in zip(model.coefs_, model.intercepts_, functions):
        W_name = _constant(scope, container, W, proto_dtype, W.shape)
        b_name = _constant(scope, container, b, proto_dtype, (1, len(b)))
        Z = _node(scope, container, "MatMul", [A, W_name])
        Z = _node(scope, container, "Add", [Z, b_name])
        A = function(scope, container, Z, proto_dtype, model)
    return A


def _proto_dtype(operator):
    # Double in, double out; anything else (float, int, bool) computes in float.
    proto_dtype = guess_proto_type(operator.inputs[0].type)
    return _DOUBLE if proto_dtype == _DOUBLE else _FLOAT


# -- classifier -------------------------------------------------------------------
def _class_labels(scope, model):
    """The labels as an ONNX initializer's values and type: strings or int64.

    Float labels are whole numbers (scikit-learn refuses others as classes) and
    become int64, as in skl2onnx's classifiers.
    """
    classes = np.asarray(get_label_classes(scope, model))
    if classes.dtype.kind in "OUS":
        return [str(c).encode("utf-8") for c in classes], onnx_proto.TensorProto.STRING
    return classes.astype(np.int64).tolist(), onnx_proto.TensorProto.INT64


def _check_zipmap(scope, model, proto_dtype):
    # ONNX's ZipMap takes float tensors only: refuse here, with the remedy, rather
    # than let onnxruntime reject the graph with a type error.
    zipmap = scope.get_options(model, dict(zipmap=True))["zipmap"]
    if zipmap is True and proto_dtype == _DOUBLE:
        raise ValueError(
            "The option zipmap=True needs a float32 input: ONNX's ZipMap operator "
            "takes float tensors only. Pass options={'zipmap': False} or "
            "{'zipmap': 'columns'} to keep double precision, or float32 input."
        )


def calculate_neuron_classifier_output_shapes(operator):
    """Shapes and types of a :class:`~skneuron.NeuronClassifier`'s outputs.

    Those of skl2onnx's linear classifiers (which its MLP uses too): labels and
    probabilities; for multilabel targets, one 0/1 label per output.

    Parameters
    ----------
    operator : skl2onnx.common._topology.Operator
    """
    calculate_linear_classifier_output_shapes(operator)
    model = operator.raw_operator
    if model._label_binarizer.y_type_.startswith("multilabel"):
        N = operator.inputs[0].get_first_dimension()
        operator.outputs[0].set_type(Int64TensorType([N, model.n_outputs_]))


def convert_neuron_classifier(scope, operator, container):
    """Convert a fitted :class:`~skneuron.NeuronClassifier` to ONNX nodes.

    Writes the labels of ``predict`` and the probabilities of ``predict_proba``:
    ``[1 - p, p]`` for one logistic output, the softmax for several classes, one
    logistic per label for multilabel targets, whose labels are ``p > 0.5``.

    Parameters
    ----------
    scope : skl2onnx.common._topology.Scope
    operator : skl2onnx.common._topology.Operator
    container : skl2onnx.common._container.ModelComponentContainer
    """
    model = operator.raw_operator
    proto_dtype = _proto_dtype(operator)
    _check_zipmap(scope, model, proto_dtype)
    labels, proba = operator.outputs[0].full_name, operator.outputs[1].full_name
    P = _forward(scope, container, model, operator.inputs[0].full_name, proto_dtype)
    if model._label_binarizer.y_type_.startswith("multilabel"):
        _node(scope, container, "Identity", [P], output=proba)
        half = _constant(scope, container, 0.5, proto_dtype)
        above = _node(scope, container, "Greater", [P, half])
        _node(scope, container, "Cast", [above], output=labels, to=_INT64)
        return
    if model.n_outputs_ == 1:
        # 1 - p is exact for p >= 1/2, so argmax below agrees with predict's p > 1/2.
        one = _constant(scope, container, 1.0, proto_dtype)
        negative = _node(scope, container, "Sub", [one, P])
        _node(scope, container, "Concat", [negative, P], output=proba, axis=1)
    else:
        _node(scope, container, "Identity", [P], output=proba)
    values, class_type = _class_labels(scope, model)
    classes = scope.get_unique_variable_name("classes")
    container.add_initializer(classes, class_type, [len(values)], values)
    index = _node(scope, container, "ArgMax", [proba], axis=1, keepdims=0)
    _node(scope, container, "Gather", [classes, index], output=labels, axis=0)


# -- regressor --------------------------------------------------------------------
def calculate_neuron_regressor_output_shapes(operator):
    """Shape and type of a :class:`~skneuron.NeuronRegressor`'s predictions.

    Those of skl2onnx's linear regressors, with one column per output.

    Parameters
    ----------
    operator : skl2onnx.common._topology.Operator
    """
    calculate_linear_regressor_output_shapes(operator)
    N = operator.inputs[0].get_first_dimension()
    output = operator.outputs[0]
    output.set_type(type(output.type)([N, operator.raw_operator.n_outputs_]))


def convert_neuron_regressor(scope, operator, container):
    """Convert a fitted :class:`~skneuron.NeuronRegressor` to ONNX nodes.

    Parameters
    ----------
    scope : skl2onnx.common._topology.Scope
    operator : skl2onnx.common._topology.Operator
    container : skl2onnx.common._container.ModelComponentContainer
    """
    proto_dtype = _proto_dtype(operator)
    prediction = _forward(
        scope,
        container,
        operator.raw_operator,
        operator.inputs[0].full_name,
        proto_dtype,
    )
    _node(
        scope, container, "Identity", [prediction], output=operator.outputs[0].full_name
    )


update_registered_converter(
    NeuronClassifier,
    "SkneuronNeuronClassifier",
    calculate_neuron_classifier_output_shapes,
    convert_neuron_classifier,
    options={
        "zipmap": [True, False, "columns"],
        "output_class_labels": [False, True],
        "nocl": [True, False],
    },
)
update_registered_converter(
    NeuronRegressor,
    "SkneuronNeuronRegressor",
    calculate_neuron_regressor_output_shapes,
    convert_neuron_regressor,
)
