"""The tabular preprocessing's steps that skl2onnx lacks, as ONNX operators.

Used by the parser of :mod:`skneuron._onnx_tabular`, which declares them: the
numeric columns taken from the inputs, the imputation and one-hot encoding of
categorical columns (skl2onnx's converters take neither a missing string nor
infrequent categories of one input), and the mean filling and smooth clipping
of :mod:`skneuron._preprocessing`. Each is computed from the fitted attributes
(``statistics_``, ``categories_``, ``infrequent_categories_``), in the graph's
precision.
"""

import numpy as np
from skl2onnx import update_registered_converter
from skl2onnx.common.data_types import (
    DoubleTensorType,
    FloatTensorType,
    StringTensorType,
)

from ._onnx_graph import DOUBLE, FLOAT, INT64, STRING, Graph

MISSING_STRING = ""
"""What a missing value of a string column is in the graph: ONNX strings have none."""


def tensor_type(proto_dtype):
    """skl2onnx's tensor type of a graph precision."""
    return DoubleTensorType if proto_dtype == DOUBLE else FloatTensorType


def graph_precision(inputs):
    """Double if any input is double, else float."""
    double = any(isinstance(v.type, DoubleTensorType) for v in inputs)
    return DOUBLE if double else FLOAT


# -- the steps skl2onnx lacks, as operators of their own ---------------------------
class Columns:
    """Numeric columns of the inputs, side by side, cast to the graph's precision.

    ``sources``: one (input, column of it or None if the input is the column)
    per column, in the order of the fitted columns.
    """

    def __init__(self, sources, proto_dtype):
        self.sources, self.proto_dtype = sources, proto_dtype


class OneHot(Columns):
    """Imputation and one-hot encoding of categorical columns, as fitted."""

    def __init__(self, sources, proto_dtype, imputer, encoder):
        super().__init__(sources, proto_dtype)
        self.imputer, self.encoder = imputer, encoder


class FillMean:
    """Missing values set to 0 (the mean, once standardized); clipped if ``clip``."""

    def __init__(self, clip):
        self.clip = clip


def _column(g, inputs, source):
    """One column, shape (N, 1), of its input: ``source`` is (input, index or None)."""
    k, index = source
    if index is None:
        return inputs[k].full_name
    return g("Gather", inputs[k].full_name, g.constant([index], (1,), INT64), axis=1)


def _shape_columns(operator):
    model = operator.raw_operator
    width = len(model.sources)
    if isinstance(model, OneHot):
        width = _n_encoded(model.encoder)
    N = operator.inputs[0].get_first_dimension()
    operator.outputs[0].type = tensor_type(model.proto_dtype)([N, width])


def _convert_columns(scope, operator, container):
    model = operator.raw_operator
    g = Graph(scope, container, model.proto_dtype)
    columns = [_column(g, operator.inputs, s) for s in model.sources]
    cast = [g("Cast", c, to=model.proto_dtype) for c in columns]
    g("Concat", *cast, output=operator.outputs[0].full_name, axis=1)


def _encoded_categories(encoder, i):
    """The frequent categories of column ``i``, and whether it has an infrequent one.

    In the order of ``transform``'s columns: the frequent ones, then one column
    shared by the infrequent ones, which unknown categories join.
    """
    categories = encoder.categories_[i]
    infrequent = getattr(encoder, "infrequent_categories_", [None] * (i + 1))[i]
    if infrequent is None or len(infrequent) == 0:
        return list(categories), False
    keep = ~np.isin(categories, infrequent)
    return list(categories[keep]), True


def _n_encoded(encoder):
    """The number of columns the encoder outputs."""
    widths = [_encoded_categories(encoder, i) for i in range(len(encoder.categories_))]
    return sum(len(frequent) + infrequent for frequent, infrequent in widths)


def _convert_one_hot(scope, operator, container):
    model = operator.raw_operator
    g = Graph(scope, container, model.proto_dtype)
    blocks = []
    for i, source in enumerate(model.sources):
        x = _column(g, operator.inputs, source)
        strings = isinstance(operator.inputs[source[0]].type, StringTensorType)
        blocks.extend(_encode_column(g, model, i, x, strings))
    g("Concat", *blocks, output=operator.outputs[0].full_name, axis=1)


def _encode_column(g, model, i, x, strings):
    """The one-hot columns of categorical column ``i`` (graph variable ``x``)."""
    fill = model.imputer.statistics_[i]
    frequent, infrequent = _encoded_categories(model.encoder, i)
    if strings:
        missing = g("Equal", x, g.constant([MISSING_STRING], (1, 1), STRING))
        x = g("Where", missing, g.constant([str(fill)], (1, 1), STRING), x)
        values = g.constant([str(c) for c in frequent], (1, len(frequent)), STRING)
    else:
        x = g("Cast", x, to=g.proto_dtype)
        x = g("Where", g("IsNaN", x), g.constant(_number(fill, i), (1, 1)), x)
        levels = [_number(c, i) for c in frequent]
        values = g.constant(levels, (1, len(frequent)))
    hot = g("Cast", g("Equal", x, values), to=g.proto_dtype)
    if not infrequent:  # an unknown category: all zeros, as scikit-learn's
        return [hot]
    # Neither frequent category: the infrequent column, unknown ones included.
    known = g("MatMul", hot, g.constant(np.ones(len(frequent)), (len(frequent), 1)))
    return [hot, g("Sub", g.constant(1.0), known)]


def _number(category, i):
    try:
        return float(category)
    except (TypeError, ValueError):
        raise ValueError(
            f"Categorical column {i} has the category {category!r}, but its ONNX "
            "input is numeric: declare it a string input (StringTensorType)."
        ) from None


def _convert_fill_mean(scope, operator, container):
    x = operator.inputs[0]
    g = Graph(scope, container, graph_precision([x]))
    output = operator.outputs[0].full_name
    clip = operator.raw_operator.clip
    filled = g("Where", g("IsNaN", x.full_name), g.constant(0.0), x.full_name)
    if not clip:
        g("Identity", filled, output=output)
        return
    # x / sqrt(1 + (x / 3) ** 2), in smooth_clip's order of operations.
    ratio = g("Div", filled, g.constant(3.0))
    root = g("Sqrt", g("Add", g.constant(1.0), g("Mul", ratio, ratio)))
    g("Div", filled, root, output=output)


def _shape_same(operator):
    operator.outputs[0].type = operator.inputs[0].type.__class__(
        operator.inputs[0].type.shape
    )


for _raw, _alias, _shape, _convert in (
    (Columns, "SkneuronColumns", _shape_columns, _convert_columns),
    (OneHot, "SkneuronOneHot", _shape_columns, _convert_one_hot),
    (FillMean, "SkneuronFillMean", _shape_same, _convert_fill_mean),
):
    update_registered_converter(_raw, _alias, _shape, _convert)
