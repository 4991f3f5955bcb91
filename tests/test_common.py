"""scikit-learn's estimator checks on a table of configurations."""

import pytest
from sklearn.base import is_classifier
from sklearn.utils.estimator_checks import check_estimator, parametrize_with_checks

from skneuron import NeuronClassifier, NeuronRegressor

ESTIMATORS = [
    NeuronClassifier(dtype="float32"),
    NeuronRegressor(dtype="float32"),
    NeuronClassifier(activation="tanh"),
    NeuronRegressor(activation=("gelu", "silu"), hidden_layer_sizes=(20, 10)),
    NeuronClassifier(loss="squared_error"),
    NeuronClassifier(solver="sgd"),
    NeuronRegressor(solver="sgd"),
    # No hidden layer: multinomial logistic regression, fitted as such, by L-BFGS.
    NeuronClassifier(hidden_layer_sizes=(), solver="lbfgs"),
    NeuronRegressor(loss="poisson", solver="lbfgs"),
    NeuronRegressor(loss="gamma", solver="lbfgs"),
    NeuronRegressor(loss="absolute_error", solver="lbfgs"),
    NeuronRegressor(loss="quantile", quantile=0.8),
    NeuronClassifier(early_stopping=True),
    NeuronClassifier(label_smoothing=0.1, solver="lbfgs"),
    NeuronRegressor(early_stopping=True, solver="sgd"),
    NeuronClassifier(dropout=0.2, weight_init="auto", solver="adamw"),
    NeuronRegressor(solver="rmsprop", activation="leaky_relu", leaky_relu_slope=0.1),
]


def test_default_estimators_pass_every_check():
    """check_estimator at default settings, exactly as a user runs it: no expected
    failure at all, as scikit-learn's MLPClassifier and MLPRegressor pass."""
    for estimator in (NeuronClassifier(), NeuronRegressor()):
        check_estimator(estimator)


def expected_failed_checks(estimator):
    expected = {}
    if getattr(estimator, "loss", None) in {"poisson", "gamma"}:
        expected["check_regressor_multioutput"] = (
            "fits make_regression targets, which are negative and outside the "
            "domain of the Poisson and gamma losses; this check ignores the "
            "positive_only tag"
        )
    if getattr(estimator, "activation", None) == "tanh":
        expected["check_class_weight_classifiers"] = (
            "a quality limit of tanh on the check's unscaled blobs (cluster_std=20), "
            "which scikit-learn's MLPClassifier shares: given the same weights, it "
            "puts the same share of test predictions in the weighted class for every "
            "seed (86% for seed 0, under the check's 87%; 7 of seeds 0-19 pass). "
            "Glorot's starting weights saturate 59% of the tanh units on inputs of "
            "spread 20, Adam at 1e-3 learns slowly through them, and the plateau rule "
            "stops at epoch 304 while the share still rises: scaled inputs, tol=0 or "
            "learning_rate_init=1e-2 pass for all 20 seeds"
        )
    reason = None
    if estimator.dtype == "float32" and is_classifier(estimator):
        expected["check_methods_subset_invariance"] = (
            "float32 matrix products round differently for different numbers of "
            "rows (BLAS picks other kernels): a row's output may move by a few "
            "float32 ulps (~1e-7), the check's own tolerance, depending on the "
            "data: one of the classifier's probabilities moves by 1.5e-7 on the "
            "check's data (the regressor's outputs do not, there); float64, the "
            "default, passes"
        )
    if estimator.dtype == "float32":
        reason = (
            "computes in float32: repeated and weighted fits agree to float32 "
            "rounding (1e-7 absolute, grown to 3e-4 over training), finer than the "
            "check's rtol=1e-7 can see; the default, float64, passes it"
        )
    if estimator.early_stopping:
        expected.update(_EARLY_STOPPING_FAILURES)
        if not hasattr(estimator, "class_weight"):
            del expected["check_classifiers_one_label"]
            del expected["check_class_weight_classifiers"]
        reason = (
            "the validation split draws samples, not weights: a repeated sample may "
            "fall on both sides of the split, its weighted single copy on one only"
        )
    if estimator.dropout:
        reason = (
            "dropout draws a mask per row: a repeated sample gets independent masks, "
            "its weighted single copy one, so the two fits differ"
        )
    if reason:
        expected["check_sample_weight_equivalence_on_dense_data"] = reason
        expected["check_sample_weight_equivalence_on_sparse_data"] = reason
    return expected


# early_stopping=True behaves as in scikit-learn's MLP, which fails these checks
# too: partial_fit refuses it, and the checks' tiny data sets leave a validation
# split too small to hold out or to stratify.
_PARTIAL_FIT = "partial_fit refuses early_stopping=True, as scikit-learn's MLP does"
_TINY = (
    "the check fits on a few samples: the validation split holds fewer than 2, or "
    "fewer than the classes it must stratify, and fit raises as scikit-learn's does"
)
_EARLY_STOPPING_FAILURES = {
    "check_fit_score_takes_y": _PARTIAL_FIT,
    "check_n_features_in_after_fitting": _PARTIAL_FIT,
    "check_estimators_partial_fit_n_features": _PARTIAL_FIT,
    "check_classifiers_partial_fit": _PARTIAL_FIT,
    "check_estimators_nan_inf": _TINY,
    "check_fit2d_1feature": _TINY,
    "check_regressors_no_decision_function": _TINY,
    "check_classifiers_one_label": _TINY,
    "check_class_weight_classifiers": (
        "with early stopping, training stops once the class-weighted validation "
        "accuracy stops improving, which happens before the check's 87% of "
        "unweighted test predictions fall in the heavily weighted class"
    ),
}


@parametrize_with_checks(ESTIMATORS, expected_failed_checks=expected_failed_checks)
def test_scikit_learn_compatible(estimator, check):
    check(estimator)


@pytest.mark.parametrize("estimator", [NeuronClassifier(), NeuronRegressor()])
def test_every_invalid_constructor_value_is_named(estimator):
    """check_estimator skips this check: it tries invalid values for each parameter
    of _parameter_constraints and expects an error naming that parameter."""
    from sklearn.utils.estimator_checks import check_param_validation

    check_param_validation(type(estimator).__name__, estimator)
