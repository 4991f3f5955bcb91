"""skneuron: multi-layer perceptron estimators for scikit-learn, in numpy and scipy."""

from ._base import InconsistentVersionWarning
from ._classifier import NeuronClassifier
from ._neuron import Neuron
from ._regressor import NeuronRegressor
from ._version import __version__

__all__ = [
    "InconsistentVersionWarning",
    "Neuron",
    "NeuronClassifier",
    "NeuronRegressor",
    "__version__",
]
