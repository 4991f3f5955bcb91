"""skneuron: multi-layer perceptron estimators for scikit-learn, in numpy and scipy."""

from ._classifier import NeuronClassifier
from ._regressor import NeuronRegressor

__version__ = "0.1.0.dev0"

__all__ = ["NeuronClassifier", "NeuronRegressor", "__version__"]
