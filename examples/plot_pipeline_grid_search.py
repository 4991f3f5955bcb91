"""
Grid search over a pipeline
===========================

:class:`skneuron.NeuronClassifier` is a scikit-learn estimator, so it goes into a
:class:`~sklearn.pipeline.Pipeline` and a
:class:`~sklearn.model_selection.GridSearchCV` like any other. Here a scaler and a
network are tuned together on the breast cancer data set: three hidden layer
layouts, two activations and two L2 penalties, twelve configurations in all.
"""

# %%
# Data
# ----
# 569 tumours described by 30 measurements, malignant or benign. A quarter of
# the samples is kept aside: the grid search chooses on the rest, and the test
# set then says how well the chosen model does on data the search never saw.
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import GridSearchCV, StratifiedKFold, train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from skneuron import NeuronClassifier
from skneuron.plotting import LossCurveDisplay

X, y = load_breast_cancer(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.25, stratify=y, random_state=0
)

# %%
# Pipeline and grid
# -----------------
# The scaler sits inside the pipeline, so each cross-validation fold is
# standardized with the statistics of its own training part only. Parameters of
# a pipeline step are addressed as ``<step>__<parameter>``. ``max_iter`` is
# raised from its default of 200 so that every configuration trains until its
# loss stops improving.
pipe = Pipeline(
    [
        ("scale", StandardScaler()),
        ("net", NeuronClassifier(max_iter=1000, random_state=0)),
    ]
)
param_grid = {
    "net__hidden_layer_sizes": [(8,), (32,), (32, 16)],
    "net__activation": ["relu", "tanh"],
    "net__alpha": [1e-4, 1e-1],
}
search = GridSearchCV(
    pipe, param_grid, cv=StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
)
search.fit(X_train, y_train)

# The test accuracy is usually a little below the best cross-validated one: the
# best of twelve scores is an optimistic estimate of the chosen model.
print("Best parameters:", search.best_params_)
print(f"Best mean cross-validated accuracy: {search.best_score_:.4f}")
print(
    f"Accuracy of the refitted best pipeline on the test set: "
    f"{search.score(X_test, y_test):.4f}"
)

# %%
# Every configuration
# -------------------
# ``cv_results_`` holds the mean and standard deviation of the accuracy over the
# five folds for each configuration; the chosen one is drawn in orange. Several
# configurations tie at the top (``GridSearchCV`` keeps the first of them), and
# the differences are smaller than the spread between folds: on this easy
# problem many settings do about equally well, and "best" is partly the luck of
# the folds.
results = search.cv_results_
mean, std = results["mean_test_score"], results["std_test_score"]
labels = [
    f"{p['net__hidden_layer_sizes']}, {p['net__activation']}, alpha={p['net__alpha']:g}"
    for p in results["params"]
]
# Best rank at the top; among ties, the configuration GridSearchCV chose first.
order = np.argsort(results["rank_test_score"], kind="stable")[::-1]

fig, ax = plt.subplots(figsize=(7, 5))
ax.barh(
    np.arange(len(order)),
    mean[order],
    xerr=std[order],
    color=["C1" if i == search.best_index_ else "C0" for i in order],
)
ax.set_yticks(np.arange(len(order)), [labels[i] for i in order])
ax.set_xlim(max(0.0, (mean - std).min() - 0.02), 1.0)
ax.set_xlabel("mean cross-validated accuracy (± std over 5 folds)")
ax.set_title("Grid search: hidden layers, activation, alpha")
fig.tight_layout()

# %%
# Training of the chosen model
# ----------------------------
# ``best_estimator_`` is the whole pipeline refitted on all the training data;
# :class:`~skneuron.plotting.LossCurveDisplay` finds the network at its end.
display = LossCurveDisplay.from_estimator(search.best_estimator_)
display.ax_.set_title("Best pipeline, refitted on the training set")

plt.show()
