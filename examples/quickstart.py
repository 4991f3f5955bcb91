"""
Quick start
===========

Fit :class:`skneuron.NeuronClassifier` and scikit-learn's
:class:`~sklearn.neural_network.MLPClassifier`, both with default settings, on
the digits data set, and compare 5-fold cross-validated accuracy and fit time.
Both estimators sit in the same pipeline and see exactly the same folds, and both
compute in float64, the type of the data. A third row shows skneuron's opt-in
``dtype="float32"``. The fit times are those of the machine that runs this script
(for this page: the machine that built the documentation), so read them as ratios.
"""

# %%
# Data and folds
# --------------
# 1797 images of 8x8 pixels, ten classes. The folds are fixed by
# ``random_state`` so that both estimators are trained and tested on the same
# splits.
from sklearn.datasets import load_digits
from sklearn.model_selection import StratifiedKFold, cross_validate
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skneuron import NeuronClassifier

X, y = load_digits(return_X_y=True)
cv = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
print(f"Data: load_digits, X {X.shape}, {len(set(y))} classes")
print("Folds: StratifiedKFold(n_splits=5, shuffle=True, random_state=0)")
print("Models: StandardScaler() + classifier, default settings, random_state=0")

# %%
# Cross-validate both
# -------------------
# ``cross_validate`` records the fit time of every fold; the folds run one
# after the other, so the timings are comparable.
estimators = {
    "NeuronClassifier": NeuronClassifier(random_state=0),
    "MLPClassifier": MLPClassifier(random_state=0),
    'NeuronClassifier(dtype="float32")': NeuronClassifier(
        dtype="float32", random_state=0
    ),
}
results = {}
for name, clf in estimators.items():
    results[name] = cross_validate(
        make_pipeline(StandardScaler(), clf), X, y, cv=cv, return_estimator=True
    )

# %%
# Results
# -------
# Accuracy is the mean ± standard deviation over the five test folds, fit time
# the mean seconds per fold, ``dtype`` the type of the weights and arithmetic.
# ``epochs`` is the mean number of passes over the data (``n_iter_``) before the
# stopping rule fired: a speed comparison is only fair if it is similar.
print(
    f"\n{'estimator':<33} {'dtype':>7} {'accuracy':>15} {'fit time (s)':>13}"
    f" {'epochs':>7}"
)
for name, res in results.items():
    acc, fit_time = res["test_score"], res["fit_time"]
    epochs = sum(pipe[-1].n_iter_ for pipe in res["estimator"]) / cv.n_splits
    dtype = res["estimator"][0][-1].coefs_[0].dtype
    print(
        f"{name:<33} {dtype!s:>7} {acc.mean():.4f} ± {acc.std():.4f}"
        f" {fit_time.mean():>13.2f} {epochs:>7.0f}"
    )


def speed_up(slow, fast):
    """How many times faster ``fast`` fits than ``slow``, in words."""
    ratio = results[slow]["fit_time"].mean() / results[fast]["fit_time"].mean()
    return f"{ratio:.1f}x faster" if ratio >= 1 else f"{1 / ratio:.1f}x slower"


faster = speed_up("MLPClassifier", "NeuronClassifier")
print(f"\nIn float64, NeuronClassifier fits {faster} than MLPClassifier")
faster = speed_up("NeuronClassifier", 'NeuronClassifier(dtype="float32")')
print(f"With dtype='float32', NeuronClassifier fits {faster} than in float64")
