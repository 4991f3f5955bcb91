"""Contract of the activation registry: every entry, one table."""

import numpy as np
import pytest
from scipy.special import erf

from skneuron._activations import (
    ACTIVATIONS,
    ALIASES,
    HIDDEN_ACTIVATIONS,
    activation_record,
    canonical_name,
    hidden_activation_name,
)
from skneuron._losses import LOSSES

# Plain reference formulas, written independently of the in-place implementations.
REFERENCE = {
    "identity": lambda z: z,
    "logistic": lambda z: 1 / (1 + np.exp(-z)),
    "tanh": np.tanh,
    "relu": lambda z: np.where(z > 0, z, 0.0),
    "leaky_relu": lambda z: np.where(z > 0, z, 0.01 * z),
    "elu": lambda z: np.where(z > 0, z, np.exp(z) - 1),
    "softplus": lambda z: np.log1p(np.exp(z)),
    "gelu": lambda z: 0.5 * z * (1 + erf(z / np.sqrt(2))),
    "silu": lambda z: z / (1 + np.exp(-z)),
    "exp": np.exp,
    "step": lambda z: (z >= 0).astype(float),
}
ELEMENTWISE = sorted(name for name, a in ACTIVATIONS.items() if a.elementwise)
TRAINABLE = sorted(
    set(ELEMENTWISE) & {n for n, a in ACTIVATIONS.items() if a.trainable}
)


def test_every_elementwise_activation_has_a_reference():
    assert set(REFERENCE) == set(ELEMENTWISE)


def _grid():
    # Avoid exact kinks at 0, where relu-like derivatives are not defined.
    return np.linspace(-6, 6, 60).reshape(12, 5) + 1e-3


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_forward_matches_reference(name):
    Z = _grid()
    A = np.empty_like(Z)
    ACTIVATIONS[name].forward(Z.copy(), A)
    np.testing.assert_allclose(A, REFERENCE[name](Z), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("name", TRAINABLE)
def test_derivative_matches_central_differences(name):
    Z, eps = _grid(), 1e-6
    expected = (REFERENCE[name](Z + eps) - REFERENCE[name](Z - eps)) / (2 * eps)
    activation = ACTIVATIONS[name]
    A = np.empty_like(Z)
    activation.forward(Z, A)
    dA = np.full_like(Z, 3.0)
    activation.derivative(Z.copy(), A, dA)
    np.testing.assert_allclose(dA, 3 * expected, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize(
    "name", sorted(n for n in TRAINABLE if not ACTIVATIONS[n].needs_z)
)
def test_in_place_when_z_not_needed(name):
    """Entries without needs_z must work with Z and A sharing one buffer."""
    Z = _grid()
    buffer = Z.copy()
    ACTIVATIONS[name].forward(buffer, buffer)
    np.testing.assert_allclose(buffer, REFERENCE[name](Z), rtol=1e-12, atol=1e-12)
    dA = np.ones_like(Z)
    ACTIVATIONS[name].derivative(buffer, buffer, dA)
    eps = 1e-6
    expected = (REFERENCE[name](Z + eps) - REFERENCE[name](Z - eps)) / (2 * eps)
    np.testing.assert_allclose(dA, expected, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_finite_for_extreme_inputs(name):
    Z = np.array([[-1e300, -1e4, -50.0, 0.0, 50.0, 1e4, 1e300]])
    A = np.empty_like(Z)
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        ACTIVATIONS[name].forward(Z.copy(), A)
    # exp is finite for every finite input: skneuron clips it below the overflow.
    assert np.isfinite(A if name in ("exp", "softmax") else A[:, 1:-1]).all()


def test_softmax_rows_are_probabilities_for_extreme_logits():
    Z = np.array([[1e4, 0.0, -1e4], [-1e300, 0.0, 1e300], [3.0, 3.0, 3.0]])
    A = np.empty_like(Z)
    ACTIVATIONS["softmax"].forward(Z, A)
    np.testing.assert_allclose(A.sum(axis=1), 1.0)
    np.testing.assert_allclose(A[0], [1, 0, 0])


def test_softmax_derivative_is_the_jacobian_product():
    rng = np.random.RandomState(0)
    Z, dA = rng.randn(4, 3), rng.randn(4, 3)
    A = np.empty_like(Z)
    ACTIVATIONS["softmax"].forward(Z, A)
    expected = np.stack([(np.diag(a) - np.outer(a, a)) @ g for a, g in zip(A, dA)])
    ACTIVATIONS["softmax"].derivative(Z, A, dA)
    np.testing.assert_allclose(dA, expected, rtol=1e-12)


def test_exp_output_never_overflows():
    Z = np.array([[1e6]])
    A = np.empty_like(Z)
    with np.errstate(over="raise"):
        ACTIVATIONS["exp"].forward(Z, A)
    assert np.isfinite(A).all()


@pytest.mark.parametrize("alias, name", sorted(ALIASES.items()))
def test_aliases(alias, name):
    assert canonical_name(alias) == name
    assert activation_record(alias) == ACTIVATIONS[name]


def test_unknown_activation_names_the_choices():
    with pytest.raises(ValueError, match="Unknown activation 'rellu'.*relu"):
        canonical_name("rellu")


def test_leaky_relu_slope_is_a_parameter():
    Z = _grid()
    A, dA = np.empty_like(Z), np.ones_like(Z)
    leaky = activation_record("leaky_relu", leaky_relu_slope=0.2)
    assert leaky.parameters == {"slope": 0.2}
    leaky.forward(Z, A)
    np.testing.assert_allclose(A, np.where(Z > 0, Z, 0.2 * Z))
    leaky.derivative(Z, A, dA)
    np.testing.assert_allclose(dA, np.where(Z > 0, 1.0, 0.2))


@pytest.mark.parametrize(
    "name, match", [("step", "zero wherever"), ("softmax", "output activation")]
)
def test_hidden_layers_refuse_what_they_cannot_train(name, match):
    assert name not in HIDDEN_ACTIVATIONS
    with pytest.raises(ValueError, match=match):
        hidden_activation_name(name)


def test_every_output_activation_a_loss_follows_is_an_output_record():
    """The roles in the registry and the pairs in the losses agree."""
    for loss in LOSSES.values():
        for name in loss.values:
            assert "output" in ACTIVATIONS[name].roles


def test_he_initialization_for_the_relu_family_only():
    he = {name for name, record in ACTIVATIONS.items() if record.init == "he"}
    assert he == {"relu", "leaky_relu", "elu", "gelu", "silu", "convex_concave_relu"}
