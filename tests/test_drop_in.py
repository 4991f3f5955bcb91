"""A script written for scikit-learn's MLP runs unchanged on skneuron."""

import numpy as np
import pytest
import sklearn
from packaging.version import Version

pytestmark = pytest.mark.sklearn_reference

SCRIPT = """
import warnings
from sklearn.base import clone
from sklearn.datasets import load_breast_cancer, load_diabetes
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import StandardScaler
from sklearn.neural_network import MLPClassifier, MLPRegressor

warnings.simplefilter("ignore", ConvergenceWarning)
X, y = load_breast_cancer(return_X_y=True)
X = StandardScaler().fit_transform(X)
clf = MLPClassifier(
    (30, 20), "tanh", solver="sgd", alpha=1e-3, batch_size=64,
    learning_rate="invscaling", learning_rate_init=0.05, power_t=0.4, max_iter=30,
    shuffle=False, random_state=1, tol=1e-5, verbose=True, warm_start=True,
    momentum=0.8, nesterovs_momentum=False, early_stopping=True,
    validation_fraction=0.2, beta_1=0.8, beta_2=0.99, epsilon=1e-7,
    n_iter_no_change=5, max_fun=1000,
)
clf.fit(X, y)
proba = clf.predict_proba(X)
accuracy = clf.score(X, y)
curve = list(clf.loss_curve_)
shapes = [w.shape for w in clf.coefs_]
best = clf.best_validation_score_
# (scikit-learn 1.9 fails on partial_fit after a fit with early stopping: the
# plateau rule then subtracts from best_loss_ = None. So, on a fresh clone.)
online = clone(clf).set_params(early_stopping=False)
for _ in range(3):
    online.partial_fit(X, y, classes=[0, 1])
accuracy_after_partial_fit = online.score(X, y)

Xr, yr = load_diabetes(return_X_y=True)
Xr, yr = StandardScaler().fit_transform(Xr), yr / yr.std()
reg = MLPRegressor("poisson", (20,), "logistic", solver="lbfgs", max_iter=50,
                   max_fun=500, random_state=0).fit(Xr, yr)
r2 = reg.score(Xr, yr)
predictions = reg.predict(Xr[:5])
"""

if Version(sklearn.__version__) < Version("1.7"):
    # Before 1.7, MLPRegressor had no `loss` (skneuron's first parameter, as in
    # scikit-learn since): a script written for it fits the squared error.
    SCRIPT = SCRIPT.replace(
        'MLPRegressor("poisson", (20,), "logistic",',
        'MLPRegressor(hidden_layer_sizes=(20,), activation="logistic",',
    )
    assert "poisson" not in SCRIPT

SWAP = (
    "from sklearn.neural_network import MLPClassifier, MLPRegressor",
    "from skneuron import NeuronClassifier as MLPClassifier, "
    "NeuronRegressor as MLPRegressor",
)


def _run(source):
    namespace = {}
    exec(compile(source, "<script>", "exec"), namespace)
    return namespace


def test_script_runs_unchanged_after_swapping_the_import(capsys):
    assert SWAP[0] in SCRIPT
    theirs = _run(SCRIPT)
    sklearn_output = capsys.readouterr().out
    ours = _run(SCRIPT.replace(*SWAP))
    our_output = capsys.readouterr().out
    assert type(ours["clf"]).__module__.startswith("skneuron")
    # float64 data trains in float64, as in scikit-learn: equal to rounding.
    np.testing.assert_allclose(ours["curve"], theirs["curve"], rtol=1e-9)
    np.testing.assert_allclose(ours["proba"], theirs["proba"], atol=1e-9)
    assert ours["shapes"] == theirs["shapes"]
    assert ours["best"] == theirs["best"]
    for name in ("accuracy", "accuracy_after_partial_fit", "r2"):
        assert ours[name] == pytest.approx(theirs[name], abs=1e-2)
    np.testing.assert_allclose(ours["predictions"], theirs["predictions"], rtol=1e-5)
    # verbose=True: scikit-learn's lines, one per epoch and validation score.
    n_lines = len(ours["curve"]) + 3  # fit, then three partial_fit calls
    assert our_output.count("Iteration") == n_lines
    assert our_output == sklearn_output
