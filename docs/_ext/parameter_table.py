"""The ``skneuron-parameter-table`` directive: scikit-learn's MLP next to skneuron.

The parameter names and defaults are read from the classes when the docs are
built, so the tables cannot fall out of date; the notes are written here. A
parameter without a note, or one of scikit-learn's that skneuron lacks, is a
build warning (an error under ``-W``).

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

SHARED_NOTES = {
    "loss": "Regressor: same, ``'squared_error'`` or ``'poisson'``. The "
    "classifier's ``loss`` is skneuron's own (next table).",
    "hidden_layer_sizes": "Same. ``()`` is allowed: no hidden layer, a "
    "generalized linear model.",
    "activation": "Same names, plus ``'leaky_relu'``, ``'elu'``, ``'softplus'``, "
    "``'gelu'``, ``'silu'`` (alias ``'swish'``) and the alias ``'sigmoid'``; or a "
    "tuple with one name per hidden layer.",
    "solver": "Same, plus ``'rmsprop'`` and ``'adamw'``.",
    "alpha": "Same: L2 penalty on the weights, not the biases.",
    "batch_size": "Same.",
    "learning_rate": "Same; schedules apply to ``solver='sgd'`` only.",
    "learning_rate_init": "Same.",
    "power_t": "Same.",
    "max_iter": "Same: epochs, or L-BFGS iterations.",
    "shuffle": "Same.",
    "random_state": "Same: the same seed draws the same initial weights and "
    "batches as scikit-learn.",
    "tol": "Same rule. With several outputs and the squared error, ``loss_`` is "
    "larger (see below), so the rule may stop at another epoch.",
    "verbose": "Same lines, for any true value.",
    "warm_start": "Same.",
    "momentum": "Same.",
    "nesterovs_momentum": "Same.",
    "early_stopping": "Same: the same split, stratified for binary targets.",
    "validation_fraction": "Same; fewer than 2 validation samples raise.",
    "beta_1": "Same; also used by ``'adamw'``.",
    "beta_2": "Same; also used by ``'adamw'``.",
    "epsilon": "Same; also used by ``'rmsprop'`` and ``'adamw'``.",
    "n_iter_no_change": "Same.",
    "max_fun": "Same.",
}

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
}

MISSING = "—"


def _defaults(cls):
    """Constructor parameters of ``cls`` and their defaults, in signature order."""
    return {
        name: p.default
        for name, p in inspect.signature(cls.__init__).parameters.items()
        if name != "self"
    }


def _cell(params, name):
    return f"``{params[name]!r}``" if name in params else MISSING


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
    """A list-table of constructor parameters, built from the classes."""

    required_arguments = 1  # "shared" or "extra"

    def run(self):
        from sklearn.neural_network import MLPClassifier, MLPRegressor

        from skneuron import NeuronClassifier, NeuronRegressor

        mlp_c, mlp_r = _defaults(MLPClassifier), _defaults(MLPRegressor)
        sk_c, sk_r = _defaults(NeuronClassifier), _defaults(NeuronRegressor)
        kind = self.arguments[0]
        if kind == "shared":
            names = list(mlp_r) + [n for n in mlp_c if n not in mlp_r]
            header = [
                "Parameter",
                "MLPClassifier",
                "NeuronClassifier",
                "MLPRegressor",
                "NeuronRegressor",
                "Notes",
            ]
            rows, widths, notes = [], [14, 11, 11, 11, 11, 42], SHARED_NOTES
            for name in names:
                for mlp, ours in ((mlp_c, sk_c), (mlp_r, sk_r)):
                    if name in mlp and name not in ours:
                        self._warn(f"skneuron lacks scikit-learn's parameter {name!r}")
                    elif name in mlp and mlp[name] != ours[name]:
                        self._warn(
                            f"default of {name!r} differs: {mlp[name]!r} in "
                            f"scikit-learn, {ours[name]!r} in skneuron"
                        )
                rows.append(
                    [
                        f"``{name}``",
                        _cell(mlp_c, name),
                        _cell(sk_c, name),
                        _cell(mlp_r, name),
                        _cell(sk_r, name),
                        notes.get(name, ""),
                    ]
                )
        elif kind == "extra":
            names = [n for n in sk_c if n not in mlp_c]
            names += [n for n in sk_r if n not in mlp_r and n not in names]
            # The classifier's loss is an extra, the regressor's is scikit-learn's.
            header = [
                "Parameter",
                "NeuronClassifier",
                "NeuronRegressor",
                "What it does",
            ]
            rows, widths, notes = [], [16, 14, 14, 56], EXTRA_NOTES
            for name in names:
                reg_cell = (
                    _cell(sk_r, name) if name not in mlp_r else "(as MLPRegressor)"
                )
                rows.append(
                    [
                        f"``{name}``",
                        _cell(sk_c, name),
                        reg_cell,
                        notes.get(name, ""),
                    ]
                )
        else:
            self._warn(f"unknown table {kind!r}; expected 'shared' or 'extra'")
            return []
        for name in names:
            if name not in notes:
                self._warn(
                    f"no note for parameter {name!r} in docs/_ext/parameter_table.py"
                )

        table = StringList(_list_table(header, rows, widths), self.get_source_info()[0])
        holder = nodes.container()
        self.state.nested_parse(table, self.content_offset, holder)
        return holder.children

    def _warn(self, message):
        logger.warning(message, location=self.get_location())


def setup(app):
    app.add_directive("skneuron-parameter-table", ParameterTable)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
