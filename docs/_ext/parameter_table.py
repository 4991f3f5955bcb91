"""The ``skneuron-parameter-table`` directive: scikit-learn's MLP next to skneuron.

The parameter names and defaults are read from the classes when the docs are
built, so the tables cannot fall out of date; the notes are written here. A
parameter of scikit-learn's that skneuron lacks or defaults otherwise, a
parameter without a note and a note without a parameter are each a build
warning (an error under ``-W``).

Usage::

    .. skneuron-parameter-table:: shared
    .. skneuron-parameter-table:: extra
"""

import inspect

from docutils import nodes
from docutils.statemachine import StringList
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

logger = logging.getLogger(__name__)

# How each of scikit-learn's parameters behaves in skneuron: "same" (with an
# optional remark), "extends" (accepts more) or "differs" (behaves otherwise).
# The table marks the last two, so a reader scanning it sees only what changes.
SHARED_NOTES = {
    "loss": (
        "extends",
        "Regressors: also HistGradientBoosting's ``'absolute_error'``, "
        "``'gamma'`` and ``'quantile'``. NeuronClassifier has a ``loss`` too (next "
        "table); MLPClassifier has none.",
    ),
    "hidden_layer_sizes": (
        "extends",
        "``()`` is allowed: no hidden layer, a generalized linear model.",
    ),
    "activation": (
        "extends",
        "Also ``'leaky_relu'``, ``'elu'``, ``'softplus'``, ``'gelu'``, "
        "``'silu'`` (alias ``'swish'``), ``'convex_concave_relu'`` (for "
        "``monotonic_cst``) and the alias ``'sigmoid'``; or a tuple with one name "
        "per hidden layer.",
    ),
    "solver": ("extends", "Also ``'rmsprop'`` and ``'adamw'``."),
    "alpha": ("same", "L2 penalty on the weights, not the biases."),
    "batch_size": ("same", ""),
    "learning_rate": (
        "same",
        "scikit-learn's schedules apply to ``solver='sgd'`` only; ``'cosine'`` "
        "and ``'coslog4'`` (skneuron's) to every stochastic solver.",
    ),
    "learning_rate_init": ("same", ""),
    "power_t": ("same", ""),
    "max_iter": ("same", "Epochs, or L-BFGS iterations."),
    "shuffle": ("same", ""),
    "random_state": (
        "same",
        "The same seed draws the same initial weights and batches as scikit-learn.",
    ),
    "tol": (
        "differs",
        "Same rule, but with several outputs and the squared error ``loss_`` is "
        "larger (see below), so the rule may stop at another epoch.",
    ),
    "verbose": ("same", "Prints the same lines, for any true value."),
    "warm_start": ("same", ""),
    "momentum": ("same", ""),
    "nesterovs_momentum": ("same", ""),
    "early_stopping": ("same", "The same split, stratified for binary targets."),
    "validation_fraction": ("differs", "Fewer than 2 validation samples raise."),
    "beta_1": ("extends", "Also used by ``'adamw'``."),
    "beta_2": ("extends", "Also used by ``'adamw'``."),
    "epsilon": ("extends", "Also used by ``'rmsprop'`` and ``'adamw'``."),
    "n_iter_no_change": ("same", ""),
    "max_fun": ("same", ""),
}
STATUS_LABELS = {"same": "Same.", "extends": "**Extends:**", "differs": "**Differs:**"}

EXTRA_NOTES = {
    "rho": "Decay rate of the mean squared gradient of ``solver='rmsprop'``.",
    "weight_decay": "Decoupled weight decay of ``solver='adamw'`` (biases "
    "included, as PyTorch's ``AdamW``).",
    "dropout": "Dropout rate of the hidden layers, one or one per layer; "
    "stochastic solvers only.",
    "weight_init": "``'glorot'`` (scikit-learn's draw, draw for draw), ``'he'``, "
    "``'lecun'`` or ``'auto'``.",
    "leaky_relu_slope": "Slope of ``'leaky_relu'`` below zero.",
    "callbacks": "Callables ``callback(estimator, record)`` run after each epoch; "
    "returning True stops training.",
    "progress_bar": "A tqdm progress bar over the epochs.",
    "dtype": "``'auto'``: the input's (float32 or float64), as scikit-learn; "
    "float64 for L-BFGS. ``'float32'`` trains faster on float64 data.",
    "loss": "``'log_loss'`` (alias ``'cross_entropy'``) or ``'squared_error'``.",
    "class_weight": "``{label: weight}`` or ``'balanced'``; multiplies "
    "``sample_weight``.",
    "label_smoothing": "Share of each label's probability spread uniformly over "
    "the classes in the training targets.",
    "quantile": "Quantile level(s) of ``loss='quantile'``: one float, or a sorted "
    "list for several non-crossing quantiles of one target.",
    "monotonic_cst": "Per feature 1 (increasing), -1 (decreasing) or 0, as "
    "HistGradientBoosting's; guaranteed by sign-constrained weights. Regression "
    "and binary classification.",
    "validation_scoring": "``'accuracy'`` (scikit-learn's) or ``'log_loss'``: "
    "the validation score that early stopping watches.",
    "n_ensemble": "Members of an ensemble trained as one network (TabM-mini): "
    "shared hidden layers, own input adapters and heads, predictions averaged.",
    "input_scale": "A learned scale per feature before the first layer.",
    "numeric_embedding": "``'periodic'``: learned sines and cosines of each "
    "embedded feature (PLR embeddings).",
    "embedded_features": "The features ``numeric_embedding`` embeds; None: all.",
    "embedding_size": "Outputs per embedded feature.",
    "frequency_scale": "Spread of the embedding's initial frequencies.",
}


def _defaults(cls):
    """Constructor parameters of ``cls`` and their defaults, in signature order."""
    return {
        name: p.default
        for name, p in inspect.signature(cls.__init__).parameters.items()
        if name != "self"
    }


def _default_cell(defaults, n_classes=2):
    """The default shown for one parameter, from ``{class name: default}``.

    Once if all ``n_classes`` classes have it with one default; otherwise per
    class, so a parameter only one class has is marked as such.
    """
    values = list(defaults.values())
    if len(values) == n_classes and all(v == values[0] for v in values):
        return f"``{values[0]!r}``"
    return "; ".join(f"``{value!r}`` ({label})" for label, value in defaults.items())


def _list_table(header, rows, widths):
    lines = [
        ".. list-table::",
        "   :header-rows: 1",
        f"   :widths: {' '.join(map(str, widths))}",
        "   :class: parameter-table",
        "",
    ]
    for row in [header, *rows]:
        lines.append(f"   * - {row[0]}")
        lines.extend(f"     - {cell}" for cell in row[1:])
    return lines


class ParameterTable(SphinxDirective):
    """A list-table of constructor parameters, built from the classes.

    Three columns, so that it fits a phone held upright (with the stylesheet
    ``_static/parameter_table.css``, which stacks the cells there): the name,
    the default (once, as the build checks that both libraries agree), and
    what to know about it.
    """

    required_arguments = 1  # "shared" or "extra"

    def run(self):
        from sklearn.neural_network import MLPClassifier, MLPRegressor

        from skneuron import NeuronClassifier, NeuronRegressor

        mlp = {"MLPClassifier": _defaults(MLPClassifier)}
        mlp["MLPRegressor"] = _defaults(MLPRegressor)
        ours = {"NeuronClassifier": _defaults(NeuronClassifier)}
        ours["NeuronRegressor"] = _defaults(NeuronRegressor)
        kind = self.arguments[0]
        if kind == "shared":
            self._check_against_sklearn(mlp, ours)
            # The regressor's signature order (``loss`` first), then the rest.
            names = list(dict.fromkeys([*mlp["MLPRegressor"], *mlp["MLPClassifier"]]))
            notes = SHARED_NOTES
            header = ["Parameter", "Default", "In skneuron"]
            rows = []
            for name in names:
                status, text = notes.get(name, ("same", ""))
                # Only the classes that have it: "loss" is the regressor's alone.
                have = {k: p[name] for k, p in mlp.items() if name in p}
                note = f"{STATUS_LABELS[status]} {text}".strip()
                rows.append([f"``{name}``", _default_cell(have), note])
        elif kind == "extra":
            # Per class, the parameters scikit-learn's counterpart lacks: the
            # classifier's loss is an extra, the regressor's is scikit-learn's.
            extras = {
                label: {n: d for n, d in own.items() if n not in sk}
                for (label, own), sk in zip(ours.items(), mlp.values())
            }
            names = list(dict.fromkeys(n for e in extras.values() for n in e))
            notes = EXTRA_NOTES
            header = ["Parameter", "Default", "What it does"]
            rows = []
            for name in names:
                have = {label: e[name] for label, e in extras.items() if name in e}
                rows.append([f"``{name}``", _default_cell(have), notes.get(name, "")])
        else:
            self._warn(f"unknown table {kind!r}; expected 'shared' or 'extra'")
            return []
        self._check_notes(names, notes)

        table = _list_table(header, rows, [22, 22, 56])
        holder = nodes.container()
        self.state.nested_parse(
            StringList(table, self.get_source_info()[0]), self.content_offset, holder
        )
        return holder.children

    def _check_against_sklearn(self, mlp, ours):
        """Warn for each scikit-learn parameter skneuron lacks or defaults otherwise."""
        for (sk_label, sk), (label, own) in zip(mlp.items(), ours.items()):
            for name, default in sk.items():
                if name not in own:
                    self._warn(f"{label} lacks scikit-learn's parameter {name!r}")
                elif own[name] != default:
                    self._warn(
                        f"default of {name!r} differs: {default!r} in {sk_label}, "
                        f"{own[name]!r} in {label}"
                    )

    def _check_notes(self, names, notes):
        """Warn for a parameter without a note, and for a note without a parameter."""
        for name in names:
            if name not in notes:
                self._warn(
                    f"no note for parameter {name!r} in docs/_ext/parameter_table.py"
                )
        for name in notes:
            if name not in names:
                self._warn(
                    f"note for {name!r}, which is no parameter (renamed or removed?), "
                    "in docs/_ext/parameter_table.py"
                )

    def _warn(self, message):
        logger.warning(message, location=self.get_location())


def setup(app):
    app.add_directive("skneuron-parameter-table", ParameterTable)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
