"""The lone neuron: McCulloch-Pitts threshold units with activation="step"."""

import itertools

import numpy as np
import pytest

from skneuron import Neuron, NeuronClassifier, NeuronRegressor
from skneuron._activations import ACTIVATIONS, HIDDEN_ACTIVATIONS

TWO_INPUTS = np.array(list(itertools.product([0, 1], repeat=2)), dtype=float)

# (weights, bias, truth table as a function of the inputs)
GATES = {
    "AND": ([1.0, 1.0], -2.0, lambda X: X[:, 0] * X[:, 1]),
    "OR": ([1.0, 1.0], -1.0, lambda X: np.maximum(X[:, 0], X[:, 1])),
    "NAND": ([-1.0, -1.0], 1.5, lambda X: 1 - X[:, 0] * X[:, 1]),
    "NOT": ([-1.0], 0.0, lambda X: 1 - X[:, 0]),
}


@pytest.mark.parametrize("gate", GATES)
def test_step_neurons_are_logic_gates(gate):
    weights, bias, truth = GATES[gate]
    X = TWO_INPUTS[:, : len(weights)]
    neuron = Neuron(weights, bias, activation="step")
    np.testing.assert_array_equal(neuron.forward(X), truth(X))
    for x, expected in zip(X, truth(X)):
        assert float(neuron.forward(x)) == expected


@pytest.mark.parametrize(
    "z, expected", [(-1e-12, 0.0), (0.0, 1.0), (1e-12, 1.0), (-5.0, 0.0), (3.0, 1.0)]
)
def test_step_fires_at_and_above_the_threshold(z, expected):
    # One input of weight 1 and no bias: the weighted sum is the input itself.
    assert float(Neuron([1.0], 0.0, activation="step").forward([z])) == expected


def test_step_outputs_floats_of_the_batch_shape():
    out = Neuron([1.0, 1.0], -1.0, activation="step").forward(TWO_INPUTS)
    assert out.dtype == np.float64 and out.shape == (4,)
    assert repr(Neuron([1.0], 0.0, activation="step")).endswith("activation='step')")


def test_step_is_not_a_trainable_activation():
    # Backpropagation gets no gradient through a step: no layer of a trained
    # network may hold it.
    assert not ACTIVATIONS["step"].trainable and not ACTIVATIONS["step"].roles
    assert "step" not in HIDDEN_ACTIVATIONS


def test_a_neuron_refuses_softmax():
    with pytest.raises(ValueError, match="whole layer"):
        Neuron([1.0], 0.0, activation="softmax")


@pytest.mark.parametrize("Estimator", [NeuronClassifier, NeuronRegressor])
@pytest.mark.parametrize("activation", ["step", ("step",), ("relu", "step")])
def test_estimators_refuse_step_clearly(Estimator, activation):
    sizes = (3,) * (1 if isinstance(activation, str) else len(activation))
    estimator = Estimator(hidden_layer_sizes=sizes, activation=activation)
    # Given once, the parameter check names the activations it takes; per layer,
    # the message says why step is not one of them.
    match = "activation.*'tanh'" if isinstance(activation, str) else "zero"
    with pytest.raises(ValueError, match=match):
        estimator.fit(TWO_INPUTS, [0, 1, 1, 0])
