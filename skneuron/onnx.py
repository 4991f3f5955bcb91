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
``to_onnx(model, X[:1])`` with a float64 ``X`` gives a double-precision graph. Where
onnxruntime has no double kernel for an op (``LeakyRelu``, ``Elu``, ``Softplus``,
``Erf``), the activation is written with ops that have one, so double graphs match
skneuron to double precision. Two things differ from skneuron's forward pass:
inputs so large that it overflows (skneuron then saturates them) overflow in the
graph; and a scaler in front of the network rounds differently in float32 (skl2onnx
multiplies by the inverse scale where scikit-learn divides), which a network with
large weights magnifies.

:class:`~skneuron.TabularClassifier` and :class:`~skneuron.TabularRegressor`
convert with their preprocessing and, for the regressor, the targets' scaling:
``to_onnx(model, X_df[:1])`` makes one input per column of a data frame (a
string tensor for a categorical column; an empty string is a missing value), an
array makes one input. The graph computes in double if any input is double.
See :ref:`tabular-onnx` in the user guide.

Examples
--------
>>> import numpy as np
>>> import onnxruntime as ort
>>> import skl2onnx
>>> import skneuron.onnx  # registers the converters
>>> from skneuron import NeuronClassifier
>>> X = np.random.RandomState(0).normal(size=(40, 3)).astype(np.float32)
>>> y = (X[:, 0] > 0).astype(int)
>>> clf = NeuronClassifier((5,), solver="lbfgs", random_state=0, dtype="float32")
>>> clf = clf.fit(X, y)
>>> onx = skl2onnx.to_onnx(clf, X[:1], options={"zipmap": False})
>>> sess = ort.InferenceSession(onx.SerializeToString())
>>> labels, proba = sess.run(None, {"X": X})
>>> bool((labels == clf.predict(X)).all())
True

A tabular model, from a data frame with a categorical column:

>>> import pandas as pd
>>> from skneuron import TabularRegressor
>>> frame = pd.DataFrame({"size": np.linspace(0, 10, 100),
...                       "color": ["red", "blue"] * 50})
>>> y = frame["size"] + (frame["color"] == "red")
>>> reg = TabularRegressor(solver="lbfgs", random_state=0).fit(frame, y)
>>> onx = skl2onnx.to_onnx(reg, frame[:1])
>>> sess = ort.InferenceSession(onx.SerializeToString())
>>> feeds = {"size": frame[["size"]].to_numpy(),
...          "color": frame[["color"]].to_numpy().astype(str)}
>>> (predictions,) = sess.run(None, feeds)
>>> bool(np.allclose(predictions.ravel(), reg.predict(frame)))
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
except ImportError as error:  # pragma: no cover - depends on the environment
    raise ImportError(
        "skneuron.onnx needs skl2onnx (and onnxruntime to run the models): "
        "pip install 'skneuron[onnx]'."
    ) from error

from ._classifier import NeuronClassifier
from ._onnx_graph import (
    DOUBLE,
    FLOAT,
    INT64,
    STRING,
    Graph,
    forward,
)
from ._onnx_tabular import parse_tabular
from ._regressor import NeuronRegressor
from ._tabular import TabularClassifier, TabularRegressor

__all__ = [
    "calculate_neuron_classifier_output_shapes",
    "calculate_neuron_regressor_output_shapes",
    "convert_neuron_classifier",
    "convert_neuron_regressor",
    "convert_tabular_classifier",
    "convert_tabular_regressor",
]


def _graph(scope, operator, container):
    """A graph in the input's precision: double in, double out; float otherwise."""
    proto_dtype = guess_proto_type(operator.inputs[0].type)
    return Graph(scope, container, DOUBLE if proto_dtype == DOUBLE else FLOAT)


# -- classifier -------------------------------------------------------------------
def _class_labels(scope, model):
    """The labels as an ONNX initializer's values and type: strings or int64.

    Float labels are whole numbers (scikit-learn refuses others as classes) and
    become int64, as in skl2onnx's classifiers.
    """
    classes = np.asarray(get_label_classes(scope, model))
    if classes.dtype.kind in "OUS":
        return [str(c).encode("utf-8") for c in classes], STRING
    return classes.astype(np.int64).tolist(), INT64


def _check_zipmap(scope, model, proto_dtype):
    # ONNX's ZipMap takes float tensors only: refuse here, with the remedy, rather
    # than let onnxruntime reject the graph with a type error.
    zipmap = scope.get_options(model, dict(zipmap=True))["zipmap"]
    if zipmap is True and proto_dtype == DOUBLE:
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
    # A tabular model's outputs are its network's.
    model = getattr(operator.raw_operator, "network_", operator.raw_operator)
    if model._target.y_type.startswith("multilabel"):
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
    _write_classifier(scope, operator, container, model, model)


def _write_classifier(scope, operator, container, model, network):
    """The labels and probabilities of ``model``, whose network is ``network``."""
    g = _graph(scope, operator, container)
    _check_zipmap(scope, model, g.proto_dtype)
    labels, proba = operator.outputs[0].full_name, operator.outputs[1].full_name
    P = forward(g, network, operator.inputs[0].full_name)
    if network._target.y_type.startswith("multilabel"):
        g("Identity", P, output=proba)
        g("Cast", g("Greater", P, g.constant(0.5)), output=labels, to=INT64)
        return
    if network.n_outputs_ == 1:
        # 1 - p is exact for p >= 1/2, so argmax below agrees with predict's p > 1/2.
        g("Concat", g("Sub", g.constant(1.0), P), P, output=proba, axis=1)
    else:
        g("Identity", P, output=proba)
    values, class_type = _class_labels(scope, model)
    classes = g.constant(values, (len(values),), class_type)
    index = g("ArgMax", proba, axis=1, keepdims=0)
    g("Gather", classes, index, output=labels, axis=0)


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
    model = getattr(operator.raw_operator, "network_", operator.raw_operator)
    output.set_type(type(output.type)([N, model.n_outputs_]))


def convert_neuron_regressor(scope, operator, container):
    """Convert a fitted :class:`~skneuron.NeuronRegressor` to ONNX nodes.

    Parameters
    ----------
    scope : skl2onnx.common._topology.Scope
    operator : skl2onnx.common._topology.Operator
    container : skl2onnx.common._container.ModelComponentContainer
    """
    g = _graph(scope, operator, container)
    prediction = forward(g, operator.raw_operator, operator.inputs[0].full_name)
    g("Identity", prediction, output=operator.outputs[0].full_name)


# -- tabular: the preprocessing's operators come from _onnx_tabular's parser --------
def convert_tabular_classifier(scope, operator, container):
    """Convert a fitted :class:`~skneuron.TabularClassifier` to ONNX nodes.

    The network's part: its input is the preprocessing's output, which the
    parser (:func:`skneuron._onnx_tabular.parse_tabular`) declared.

    Parameters
    ----------
    scope : skl2onnx.common._topology.Scope
    operator : skl2onnx.common._topology.Operator
    container : skl2onnx.common._container.ModelComponentContainer
    """
    model = operator.raw_operator
    _write_classifier(scope, operator, container, model, model.network_)


def convert_tabular_regressor(scope, operator, container):
    """Convert a fitted :class:`~skneuron.TabularRegressor` to ONNX nodes.

    The network, then its predictions back in the targets' scale
    (``target_scaler_``), as ``predict`` does.

    Parameters
    ----------
    scope : skl2onnx.common._topology.Scope
    operator : skl2onnx.common._topology.Operator
    container : skl2onnx.common._container.ModelComponentContainer
    """
    model = operator.raw_operator
    g = _graph(scope, operator, container)
    prediction = forward(g, model.network_, operator.inputs[0].full_name)
    output = operator.outputs[0].full_name
    scaler = model.target_scaler_
    if scaler is None:
        g("Identity", prediction, output=output)
        return
    # One scale per target, or one for all the quantiles of one target.
    scaled = g("Mul", prediction, g.constant(scaler.scale_, scaler.scale_.shape))
    if not scaler.with_mean:
        g("Identity", scaled, output=output)
        return
    g("Add", scaled, g.constant(scaler.mean_, scaler.mean_.shape), output=output)


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
update_registered_converter(
    TabularClassifier,
    "SkneuronTabularClassifier",
    calculate_neuron_classifier_output_shapes,
    convert_tabular_classifier,
    options={
        "zipmap": [True, False, "columns"],
        "output_class_labels": [False, True],
        "nocl": [True, False],
    },
    parser=parse_tabular,
)
update_registered_converter(
    TabularRegressor,
    "SkneuronTabularRegressor",
    calculate_neuron_regressor_output_shapes,
    convert_tabular_regressor,
    parser=parse_tabular,
)
