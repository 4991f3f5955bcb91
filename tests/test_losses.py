"""Contract of the loss registry, checked against scikit-learn's loss functions."""

import numpy as np
import pytest
import sklearn
from sklearn.neural_network._base import LOSS_FUNCTIONS as SKLEARN_LOSSES

from skneuron._activations import OUTPUT_ACTIVATIONS
from skneuron._losses import LOSSES

rng = np.random.RandomState(0)
Y_CLASSES = np.eye(3)[rng.randint(0, 3, 20)]
Y_BINARY = rng.randint(0, 2, (20, 2)).astype(float)
Y_COUNTS = rng.poisson(3, (20, 1)).astype(float)
Y_REAL = rng.randn(20, 1)

# (loss, output activation, targets, scikit-learn's function of the same pair)
CASES = [
    ("log_loss", "softmax", Y_CLASSES, "log_loss"),
    ("log_loss", "logistic", Y_BINARY, "binary_log_loss"),
    ("squared_error", "identity", Y_REAL, "squared_error"),
    ("poisson", "exp", Y_COUNTS, "poisson"),
]


def _outputs(name, n_outputs, scale=1.0):
    Z = scale * np.random.RandomState(1).randn(20, n_outputs)
    A = np.empty_like(Z)
    OUTPUT_ACTIVATIONS[name].forward(Z, A)
    return Z, A


def test_every_pair_is_covered():
    pairs = {(loss, out) for loss, record in LOSSES.items() for out in record.values}
    covered = {(loss, out) for loss, out, _, _ in CASES}
    assert covered | {("squared_error", "softmax"), ("squared_error", "logistic")} == (
        pairs
    )


@pytest.mark.sklearn_reference
@pytest.mark.parametrize("loss, output, Y, reference", CASES)
def test_value_matches_scikit_learn(loss, output, Y, reference):
    if reference not in SKLEARN_LOSSES:  # Poisson arrived in scikit-learn 1.7
        pytest.skip(f"scikit-learn {sklearn.__version__} has no {reference!r} loss")
    Z, A = _outputs(output, Y.shape[1])
    ours = LOSSES[loss].values[output](Y, Z, A).mean()
    expected = SKLEARN_LOSSES[reference](Y, A)
    np.testing.assert_allclose(ours, expected, rtol=1e-10)


@pytest.mark.parametrize("loss, output, Y, reference", CASES)
def test_value_finite_for_extreme_outputs(loss, output, Y, reference):
    Z, A = _outputs(output, Y.shape[1], scale=1e4)
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        values = LOSSES[loss].values[output](Y, Z, A)
    assert np.isfinite(values).all()


@pytest.mark.parametrize("loss", sorted(LOSSES))
def test_canonical_pairs_are_allowed_pairs(loss):
    assert LOSSES[loss].canonical <= set(LOSSES[loss].values)
    non_canonical = set(LOSSES[loss].values) - LOSSES[loss].canonical
    assert not non_canonical or LOSSES[loss].gradient is not None
