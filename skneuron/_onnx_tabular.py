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

from skl2onnx._parse import (
    _parse_sklearn,
    _parse_sklearn_classifier,
    _parse_sklearn_simple_model,
)
from skl2onnx._supported_operators import sklearn_operator_name_map
from skl2onnx.common.data_types import StringTensorType
from sklearn.base import is_classifier
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer, OneHotEncoder

from ._onnx_preprocessing import Columns, FillMean, OneHot, graph_precision, tensor_type
from ._preprocessing import (
    _fill_mean,
    _fill_mean_and_clip,
    _input_indices,
    _none_as_missing,
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


def _declare(scope, alias, raw, inputs, name, variable_type):
    """A local operator of skneuron's, and its one output.

    Typed now, not only by the shape calculator: skl2onnx's parsers of the next
    steps read the type when they declare their outputs.
    """
    operator = scope.declare_local_operator(alias, raw)
    operator.inputs = list(inputs)
    output = scope.declare_local_variable(name, variable_type())
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
                FillMean(clip),
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
    precision = graph_precision(inputs)
    tensor = tensor_type(precision)
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
            raw = OneHot(local, precision, *_categorical(steps))
            variable = _declare(scope, "SkneuronOneHot", raw, parts, "one_hot", tensor)
        else:
            _check_numeric(model, parts)
            raw = Columns(local, precision)
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
    if is_classifier(model):
        return _parse_sklearn_classifier(
            scope, model, [features], custom_parsers=custom_parsers
        )
    return _parse_sklearn_simple_model(
        scope, model, [features], custom_parsers=custom_parsers
    )
