"""ONNX export of TabularClassifier and TabularRegressor: preprocessing and network.

Used by :mod:`skneuron.onnx`. A parser walks the fitted ``preprocessor_`` and
declares one operator per step: the selection of numeric columns, each scaling
step (converted by skl2onnx's own converter: StandardScaler, and any scaler it
knows), the mean filling and smooth clipping, and the imputation and one-hot
encoding of categorical columns, which skl2onnx cannot convert as the recipe
fits them (missing strings, infrequent categories of one input). The network
then reads their concatenation, as in the recipe's Pipeline.

The graph computes in double if any input is double, else in float. Each column
may be its own input (``to_onnx(model, X_df[:1])`` gives one per column of a
data frame) or all columns one numeric input (an array).
"""

import numpy as np
from skl2onnx import update_registered_converter
from skl2onnx._parse import (
    _parse_sklearn,
    _parse_sklearn_classifier,
    _parse_sklearn_simple_model,
)
from skl2onnx._supported_operators import sklearn_operator_name_map
from skl2onnx.common.data_types import (
    DoubleTensorType,
    FloatTensorType,
    StringTensorType,
)
from sklearn.base import is_classifier
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer, OneHotEncoder

from ._onnx_graph import DOUBLE, FLOAT, INT64, STRING, Graph
from ._preprocessing import (
    _fill_mean,
    _fill_mean_and_clip,
    _input_indices,
    _none_as_missing,
)

MISSING_STRING = ""
"""What a missing value of a string column is in the graph: ONNX strings have none."""


def _tensor_type(proto_dtype):
    return DoubleTensorType if proto_dtype == DOUBLE else FloatTensorType


def _precision(inputs):
    """Double if any input is double, else float."""
    double = any(isinstance(v.type, DoubleTensorType) for v in inputs)
    return DOUBLE if double else FLOAT


# -- the steps skl2onnx lacks, as operators of their own ---------------------------
class _Columns:
    """Numeric columns of the inputs, side by side, cast to the graph's precision."""

    def __init__(self, positions, sources, proto_dtype):
        self.positions, self.sources, self.proto_dtype = positions, sources, proto_dtype


class _OneHot:
    """Imputation and one-hot encoding of categorical columns, as fitted."""

    def __init__(self, positions, sources, imputer, encoder, proto_dtype):
        self.positions, self.sources, self.proto_dtype = positions, sources, proto_dtype
        self.imputer, self.encoder = imputer, encoder


class _FillMean:
    """Missing values set to 0 (the mean, once standardized), then clipped."""

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
    width = len(model.positions)
    if isinstance(model, _OneHot):
        width = _n_encoded(model.encoder)
    N = operator.inputs[0].get_first_dimension()
    operator.outputs[0].type = _tensor_type(model.proto_dtype)([N, width])


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
    g = Graph(scope, container, _input_precision(x))
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


def _input_precision(variable):
    return DOUBLE if isinstance(variable.type, DoubleTensorType) else FLOAT


def _shape_same(operator):
    operator.outputs[0].type = operator.inputs[0].type.__class__(
        operator.inputs[0].type.shape
    )


# -- the parser: the fitted preprocessor_, step by step ----------------------------
def _sources(model, inputs):
    """Where each original column is: (input, column of it, or None if its own).

    One input per column, matched by name where the names are the column names
    (as ``to_onnx(model, X_df[:1])`` makes them), else in order; or one input
    holding all columns.
    """
    n = model.n_features_in_
    if len(inputs) == 1 and n > 1:
        return [(0, j) for j in range(n)]
    if len(inputs) != n:
        raise ValueError(
            f"{type(model).__name__} was fitted on {n} columns, but the ONNX "
            f"model has {len(inputs)} inputs: give one input per column (as "
            "to_onnx(model, X_df[:1]) does for a data frame) or one input "
            "holding all columns."
        )
    names = [str(c) for c in getattr(model, "feature_names_in_", [])]
    given = [v.raw_name for v in inputs]
    if sorted(given) == sorted(names):
        return [(given.index(name), None) for name in names]
    return [(k, None) for k in range(n)]


def _declare(scope, alias, raw, inputs, name, tensor_type):
    """A local operator of skneuron's, and its one output.

    Typed now, not only by the shape calculator: skl2onnx's parsers of the next
    steps read the type when they declare their outputs.
    """
    operator = scope.declare_local_operator(alias, raw)
    operator.inputs = list(inputs)
    output = scope.declare_local_variable(name, tensor_type())
    operator.outputs.append(output)
    return output


def _steps(transformer):
    if isinstance(transformer, Pipeline):
        return [
            step for _, step in transformer.steps if step not in (None, "passthrough")
        ]
    return [transformer]


def _categorical(steps):
    """The imputer and encoder of a categorical pipeline, or a ValueError."""
    *before, encoder = steps
    imputers = [s for s in before if not _is_function(s, _none_as_missing)]
    if len(imputers) != 1 or type(imputers[0]).__name__ != "SimpleImputer":
        raise ValueError(
            f"The categorical steps {steps} have no ONNX conversion: skneuron "
            "converts an optional None-as-missing step, one SimpleImputer and a "
            "OneHotEncoder."
        )
    if encoder.drop_idx_ is not None or encoder.sparse_output:
        raise ValueError(
            "A OneHotEncoder with drop or sparse output has no ONNX conversion here."
        )
    return imputers[0], encoder


def _is_function(step, *functions):
    return isinstance(step, FunctionTransformer) and step.func in functions


def _numeric(scope, steps, variable, custom_parsers):
    """The numeric steps after one another: skneuron's own, or skl2onnx's."""
    for step in steps:
        if _is_function(step, _fill_mean, _fill_mean_and_clip):
            clip = step.func is _fill_mean_and_clip
            variable = _declare(
                scope,
                "SkneuronFillMean",
                _FillMean(clip),
                [variable],
                "filled",
                type(variable.type),
            )
        elif isinstance(step, FunctionTransformer) or (
            type(step) not in sklearn_operator_name_map
            and not isinstance(step, Pipeline)
        ):
            raise ValueError(
                f"The preprocessing step {step!r} has no ONNX converter, neither "
                "skneuron's nor skl2onnx's: register one with "
                "skl2onnx.update_registered_converter to export this model."
            )
        else:
            variable = _parse_sklearn(scope, step, [variable], custom_parsers)[0]
    return variable


def _parse_preprocessor(scope, model, inputs, custom_parsers=None):
    """The variable holding the network's input: the preprocessor's output."""
    preprocessor = model.preprocessor_
    precision = _precision(inputs)
    tensor = _tensor_type(precision)
    sources = _sources(model, inputs)
    names = getattr(preprocessor, "feature_names_in_", None)
    blocks = []
    for name, transformer, columns in preprocessor.transformers_:
        positions = list(_input_indices(columns, names))
        if isinstance(transformer, str) or not positions:
            if transformer != "drop" and positions:
                raise ValueError(f"A {transformer!r} transformer is not supported.")
            continue
        steps = _steps(transformer)
        selected = [sources[j] for j in positions]
        used = sorted({k for k, _ in selected})
        # Sources renumbered to index the operator's own inputs.
        local = [(used.index(k), index) for k, index in selected]
        parts = [inputs[k] for k in used]
        if isinstance(steps[-1], OneHotEncoder):
            raw = _OneHot(positions, local, *_categorical(steps), precision)
            variable = _declare(scope, "SkneuronOneHot", raw, parts, "one_hot", tensor)
        else:
            _check_numeric(model, parts)
            raw = _Columns(positions, local, precision)
            variable = _declare(scope, "SkneuronColumns", raw, parts, "numeric", tensor)
            variable = _numeric(scope, steps, variable, custom_parsers)
        blocks.append((preprocessor.output_indices_[name].start, variable))
    blocks = [variable for _, variable in sorted(blocks, key=lambda b: b[0])]
    if len(blocks) == 1:
        return blocks[0]
    concat = scope.declare_local_operator("SklearnConcat")
    concat.inputs = blocks
    output = scope.declare_local_variable("features", tensor())
    concat.outputs.append(output)
    return output


def _check_numeric(model, inputs):
    if any(isinstance(v.type, StringTensorType) for v in inputs):
        raise ValueError(
            f"{type(model).__name__} reads some columns of a string input as "
            "numbers: give one input per column (to_onnx(model, X_df[:1]), or "
            "initial_types with a numeric type for each numeric column)."
        )


def parse_tabular(scope, model, inputs, custom_parsers=None):
    """skl2onnx parser of a TabularClassifier or TabularRegressor.

    The preprocessing's operators, then the estimator's own operator on their
    output, with a classifier's outputs (and options: ``zipmap``...) as any
    skl2onnx classifier.
    """
    features = _parse_preprocessor(scope, model, inputs, custom_parsers)
    parse = (
        _parse_sklearn_classifier
        if is_classifier(model)
        else (_parse_sklearn_simple_model)
    )
    return parse(scope, model, [features], custom_parsers=custom_parsers)


for _raw, _alias, _shape, _convert in (
    (_Columns, "SkneuronColumns", _shape_columns, _convert_columns),
    (_OneHot, "SkneuronOneHot", _shape_columns, _convert_one_hot),
    (_FillMean, "SkneuronFillMean", _shape_same, _convert_fill_mean),
):
    update_registered_converter(_raw, _alias, _shape, _convert)
