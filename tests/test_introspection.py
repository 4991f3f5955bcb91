"""Looking inside a fitted network: neurons, layers and hidden activations."""

import warnings

import numpy as np
import pytest
from sklearn.datasets import load_iris
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import StandardScaler

from skneuron import Neuron, NeuronClassifier, NeuronRegressor


@pytest.fixture(scope="module")
def fitted():
    X, y = load_iris(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    clf = NeuronClassifier(
        hidden_layer_sizes=(6, 5), activation=("tanh", "gelu"), random_state=0
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return clf.fit(X, y), X


def test_layers_are_described(fitted):
    clf, X = fitted
    assert clf.layer_sizes_ == (4, 6, 5, 3)
    assert clf.layer_activations_ == ("tanh", "gelu", "softmax")


def test_neurons_reproduce_the_hidden_activations(fitted):
    clf, X = fitted
    first, second = clf.hidden_activations(X)
    assert first.shape == (150, 6) and second.shape == (150, 5)
    np.testing.assert_array_equal(clf.hidden_activations(X, layer=2), second)
    for index in range(6):
        neuron = clf.neuron(1, index)
        assert neuron.activation == "tanh" and len(neuron.weights) == 4
        np.testing.assert_allclose(neuron.forward(X), first[:, index], atol=1e-6)
    np.testing.assert_allclose(clf.neuron(2, 4).forward(first), second[:, 4], atol=1e-6)


def test_output_neurons_give_logits_of_a_softmax_layer(fitted):
    clf, X = fitted
    _, second = clf.hidden_activations(X)
    logits = np.column_stack([clf.neuron(3, k).forward(second) for k in range(3)])
    proba = np.exp(logits - logits.max(axis=1, keepdims=True))
    proba /= proba.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(proba, clf.predict_proba(X), atol=1e-5)


def test_neurons_are_copies(fitted):
    clf, X = fitted
    neuron = clf.neuron(1, 0)
    neuron.weights[:] = 0
    assert clf.coefs_[0][:, 0].any()


def test_neuron_on_its_own():
    neuron = Neuron([1.0, -2.0], 0.5, activation="sigmoid")
    assert neuron.activation == "logistic"
    assert float(neuron.forward([0.0, 0.25])) == pytest.approx(0.5)
    assert neuron.forward(np.zeros((3, 2))).shape == (3,)
    assert "n_inputs=2" in repr(neuron)
    with pytest.raises(ValueError, match="x must have shape"):
        neuron.forward([1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="Unknown activation"):
        Neuron([1.0], 0.0, activation="nope")


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda clf: clf.neuron(0, 0), "layer must be between 1 and 3"),
        (lambda clf: clf.neuron(4, 0), "layer must be between 1 and 3"),
        (lambda clf: clf.neuron(1, 6), "index must be between 0 and 5"),
        (lambda clf: clf.hidden_activations(np.zeros((2, 4)), layer=3), "hidden layer"),
    ],
)
def test_bad_layer_or_index(fitted, call, match):
    clf, _ = fitted
    with pytest.raises(ValueError, match=match):
        call(clf)


def test_regressor_without_hidden_layers_has_no_hidden_activations():
    X, y = np.random.RandomState(0).rand(20, 3), np.arange(20.0)
    reg = NeuronRegressor(hidden_layer_sizes=(), solver="lbfgs").fit(X, y)
    assert reg.hidden_activations(X) == []
    assert reg.neuron(1, 0).activation == "identity"
    with pytest.raises(ValueError, match="no hidden layer"):
        reg.hidden_activations(X, layer=1)


def test_hidden_activations_take_what_predict_takes(fitted):
    import scipy.sparse as sp

    clf, X = fitted
    expected = clf.hidden_activations(X, layer=1)
    for other in (sp.csr_matrix(X), sp.csc_matrix(X), X.tolist()):
        np.testing.assert_allclose(
            clf.hidden_activations(other, layer=1), expected, rtol=1e-5, atol=1e-6
        )


def test_neurons_use_the_model_s_leaky_relu_slope():
    """Issue 17, bug 2: a neuron of a leaky_relu network with leaky_relu_slope=0.5
    computes what the network computes (hidden_activations and a numpy formula),
    on inputs whose pre-activations are negative, where the slope matters."""
    X, y = load_iris(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    clf = NeuronClassifier(
        hidden_layer_sizes=(5,),
        activation="leaky_relu",
        leaky_relu_slope=0.5,
        max_iter=5,
        random_state=0,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(X, y)
    X = 3 * X  # wider inputs: larger negative pre-activations
    Z = X @ clf.coefs_[0] + clf.intercepts_[0]
    assert (Z < 0).any(axis=0).all() and Z.min() < -1  # where the slope matters
    expected = np.where(Z > 0, Z, 0.5 * Z)
    hidden = clf.hidden_activations(X)[0]
    np.testing.assert_allclose(hidden, expected, rtol=1e-6, atol=1e-12)
    for index in range(5):
        np.testing.assert_allclose(
            clf.neuron(1, index).forward(X), expected[:, index], rtol=1e-6, atol=1e-12
        )
