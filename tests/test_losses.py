"""Contract of the loss registry, checked against scikit-learn's loss functions."""

import numpy as np
import pytest
import sklearn
from sklearn._loss.loss import AbsoluteError, HalfGammaLoss, PinballLoss
from sklearn.neural_network._base import LOSS_FUNCTIONS as SKLEARN_LOSSES

from skneuron._activations import ACTIVATIONS
from skneuron._losses import LOSSES, loss_record

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
    ACTIVATIONS[name].forward(Z, A)
    return Z, A


Y_POSITIVE = rng.gamma(2.0, 1.5, (20, 2))
Y_TWO = rng.randn(20, 2)
LEVELS = np.array([0.1, 0.8])


def _gamma(y, raw):
    # scikit-learn's half gamma loss drops -log(y) - 1; skneuron keeps it (0 at a
    # perfect fit, as its Poisson deviance).
    loss = HalfGammaLoss()
    return loss.loss(y, raw) + loss.constant_to_optimal_zero(y), loss.gradient(y, raw)


# HistGradientBoosting's losses, against sklearn._loss column by column: (loss,
# output activation, training targets, scikit-learn's loss(y, raw) -> (value,
# gradient w.r.t. raw)). The raw prediction is Z, which skneuron's outputs map
# through the same link (identity, exp) or the cumulative softplus.
HGB_CASES = [
    ("absolute_error", "identity", Y_TWO, lambda y, r: _unary(AbsoluteError(), y, r)),
    ("gamma", "exp", Y_POSITIVE, _gamma),
    ("quantile", "identity", Y_TWO, PinballLoss),
    ("quantile", "cumulative_softplus", Y_TWO, PinballLoss),
]


def _unary(loss, y, raw):
    return loss.loss(y, raw), loss.gradient(y, raw)


def _delta(loss, output, Y, Z, A):
    """dL/dZ by the network's route: canonical, fused delta, or chain rule."""
    record, dZ = loss_record(loss, LEVELS), np.empty_like(A)
    if output in record.canonical:
        np.subtract(A, Y, out=dZ)
    elif output in record.deltas:
        record.deltas[output](Y, Z, A, out=dZ)
    else:
        record.gradient(Y, A, out=dZ)
        ACTIVATIONS[output].derivative(Z.copy(), A.copy(), dZ)
    return dZ


@pytest.mark.parametrize("loss, output, Y, reference", HGB_CASES)
def test_hgb_loss_value_and_gradient_match_sklearn_loss(loss, output, Y, reference):
    n_outputs = Y.shape[1]
    Z, A = _outputs(output, n_outputs)
    values = loss_record(loss, LEVELS).values[output](Y, Z, A)
    dA = _delta(loss, output, Y, Z, A)
    expected_values, expected_grad = np.zeros(len(Y)), np.empty_like(A)
    for j in range(n_outputs):
        y = np.ascontiguousarray(Y[:, j])
        raw = np.ascontiguousarray((A if loss == "quantile" else Z)[:, j])
        if loss == "quantile":
            value, grad = _unary(reference(quantile=LEVELS[j]), y, raw)
        else:
            value, grad = reference(y, raw)
        expected_values += value
        expected_grad[:, j] = grad
    np.testing.assert_allclose(values, expected_values, rtol=1e-10)
    if output == "cumulative_softplus":
        # scikit-learn's gradient is w.r.t. each quantile output A; through the
        # cumulative sums, dL/dZ is its vector-Jacobian product.
        ACTIVATIONS[output].derivative(Z.copy(), A.copy(), expected_grad)
    np.testing.assert_allclose(dA, expected_grad, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("loss", ["absolute_error", "quantile"])
def test_subgradient_at_a_tie_is_zero(loss):
    Y = np.array([[1.0, 2.0]])
    A = np.array([[1.0, 3.0]])  # a tie in the first column only
    out = np.empty_like(A)
    loss_record(loss, LEVELS).gradient(Y, A, out=out)
    assert out[0, 0] == 0 and out[0, 1] != 0


def test_every_pair_is_covered():
    pairs = {(loss, out) for loss, record in LOSSES.items() for out in record.values}
    covered = {(loss, out) for loss, out, _, _ in [*CASES, *HGB_CASES]}
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


@pytest.mark.parametrize("loss, output, Y, reference", [*CASES, *HGB_CASES])
def test_value_finite_for_extreme_outputs(loss, output, Y, reference):
    Z, A = _outputs(output, Y.shape[1], scale=1e4)
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        values = loss_record(loss, LEVELS).values[output](Y, Z, A)
    assert np.isfinite(values).all()


@pytest.mark.parametrize("loss", sorted(LOSSES))
def test_canonical_pairs_are_allowed_pairs(loss):
    assert LOSSES[loss].canonical <= set(LOSSES[loss].values)
    record = LOSSES[loss]
    assert set(record.deltas) <= set(record.values) - record.canonical
    general = set(record.values) - record.canonical - set(record.deltas)
    assert not general or record.gradient is not None
