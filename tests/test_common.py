"""scikit-learn's estimator checks on a table of configurations."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from skneuron import NeuronClassifier, NeuronRegressor

ESTIMATORS = [
    NeuronClassifier(),
    NeuronRegressor(),
    NeuronClassifier(activation="tanh"),
    NeuronRegressor(activation=("gelu", "silu"), hidden_layer_sizes=(20, 10)),
    NeuronClassifier(loss="squared_error"),
    NeuronClassifier(solver="sgd"),
    NeuronRegressor(solver="sgd"),
    # No hidden layer: multinomial logistic regression, fitted as such, by L-BFGS.
    NeuronClassifier(hidden_layer_sizes=(), solver="lbfgs"),
    NeuronRegressor(loss="poisson", solver="lbfgs"),
]


def expected_failed_checks(estimator):
    if getattr(estimator, "loss", None) == "poisson":
        return {
            "check_regressor_multioutput": (
                "fits make_regression targets, which are negative and outside the "
                "domain of the Poisson loss; this check ignores the positive_only tag"
            )
        }
    return {}


@parametrize_with_checks(ESTIMATORS, expected_failed_checks=expected_failed_checks)
def test_scikit_learn_compatible(estimator, check):
    check(estimator)
