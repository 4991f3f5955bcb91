"""skneuron: multi-layer perceptron estimators for scikit-learn, in numpy and scipy."""

try:
    from . import _kernels  # noqa: F401
except ImportError as error:  # pragma: no cover - depends on how it is run
    raise ImportError(
        f"skneuron's compiled kernels could not be loaded: {error}. If "
        f"{__path__[0]} is skneuron's source tree, not an installed copy, install "
        "it with `pip install .` and run Python from another directory, or make "
        "an editable install (see README, Development)."
    ) from error

import numpy as np

from ._classifier import NeuronClassifier
from ._compat import REMAINDER_COLUMNS_TYPES
from ._embeddings import InputLayer
from ._ensemble import EnsembleNetwork
from ._network import Network
from ._neuron import Neuron
from ._persistence import InconsistentVersionWarning
from ._preprocessing import _fill_mean, _fill_mean_and_clip, _none_as_missing
from ._regressor import NeuronRegressor
from ._show_versions import show_versions
from ._tabular import TabularClassifier, TabularRegressor
from ._targets import ClassificationTarget, RegressionTarget
from ._training import LearningRate, Plateau
from ._version import __version__

TRUSTED_TYPES = [
    f"{cls.__module__}.{cls.__qualname__}"
    for cls in (
        NeuronClassifier,
        NeuronRegressor,
        Network,
        EnsembleNetwork,
        InputLayer,
        LearningRate,
        Plateau,
        ClassificationTarget,
        RegressionTarget,
        TabularClassifier,
        TabularRegressor,
        _fill_mean,
        _fill_mean_and_clip,
        _none_as_missing,
        np.dtype,  # OneHotEncoder's dtype parameter
        *REMAINDER_COLUMNS_TYPES,  # column names or indices (scikit-learn 1.6)
    )
]
"""The types a fitted skneuron model is made of, beyond what skops trusts already.

Pass them to ``skops.io.load(file, trusted=skneuron.TRUSTED_TYPES)``: they hold
numbers, arrays and names only, never code; the three functions are the tabular
estimators' treatment of missing values (None read as missing in categorical
columns, the mean filled in numeric ones) and clipping of numeric columns.
"""
del Network, EnsembleNetwork, InputLayer, LearningRate, Plateau
del ClassificationTarget, RegressionTarget
del _fill_mean, _fill_mean_and_clip, _none_as_missing, np, REMAINDER_COLUMNS_TYPES

__all__ = [
    "TRUSTED_TYPES",
    "InconsistentVersionWarning",
    "Neuron",
    "NeuronClassifier",
    "NeuronRegressor",
    "TabularClassifier",
    "TabularRegressor",
    "__version__",
    "show_versions",
]
