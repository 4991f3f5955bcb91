"""The models of the real-data benchmark: a registry of names and factories.

A model is given on the command line as a name of ``MODELS``, optionally with
constructor parameters as JSON: ``skneuron-tabular:{"batch_size": 128}``. The
parameters go to the learner (the last step), on top of the defaults and the
seed, so an ablation is a command line, not a code change.

Every model runs on one thread: ``threadpool_limits(1)`` around each fit
(BLAS, and the OpenMP of HistGradientBoosting) and each library's own thread
parameter (``thread_count=1`` for CatBoost, ``n_jobs=1`` for LightGBM).
"""

import hashlib
import json
from dataclasses import dataclass, field

from sklearn.compose import ColumnTransformer, TransformedTargetRegressor
from sklearn.ensemble import (
    HistGradientBoostingClassifier,
    HistGradientBoostingRegressor,
)
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression, RidgeCV
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer, OneHotEncoder, StandardScaler

from skneuron import (
    NeuronClassifier,
    NeuronRegressor,
    TabularClassifier,
    TabularRegressor,
)

MAX_CATEGORIES = 32  # one-hot width bound: rarer levels share one column


@dataclass(frozen=True)
class Model:
    """How to build one model of the benchmark.

    Parameters
    ----------
    classifier, regressor : callable
        Learner classes (or factories) called with keyword parameters.
    input : {"shared", "raw", "catboost", "lightgbm"}
        "shared": the one preprocessing of :func:`preprocessing`, and a
        standardized regression target. "raw": the data frame as it is (the
        recipe preprocesses itself). "catboost", "lightgbm": the frame with the
        categorical columns as each library takes them natively.
    neural : bool
        Neural models run several seeds and report their mean.
    defaults : dict
        Parameters that every fit of this model gets (seed name, threads).
    seed_name : str or None
        Name of the seed parameter.
    tracked : bool
        The learners' defaults are part of each fit's identity (see
        :func:`identity`): set for the recipe, whose defaults change as it is
        tuned, so that a stored fit of older defaults is never reported as the
        current recipe.
    """

    classifier: object
    regressor: object
    input: str = "shared"
    neural: bool = False
    defaults: dict = field(default_factory=dict)
    seed_name: str | None = "random_state"
    tracked: bool = False


def _catboost(task):
    from catboost import CatBoostClassifier, CatBoostRegressor

    return CatBoostClassifier if task == "classification" else CatBoostRegressor


def _lightgbm(task):
    from lightgbm import LGBMClassifier, LGBMRegressor

    return LGBMClassifier if task == "classification" else LGBMRegressor


MODELS = {
    "skneuron-tabular": Model(
        TabularClassifier, TabularRegressor, "raw", neural=True, tracked=True
    ),
    "skneuron": Model(NeuronClassifier, NeuronRegressor, neural=True),
    "sklearn-MLP": Model(MLPClassifier, MLPRegressor, neural=True),
    "HistGB": Model(HistGradientBoostingClassifier, HistGradientBoostingRegressor),
    # No catboost_info/ directory per fit: allow_writing_files=False.
    "CatBoost": Model(
        lambda **kw: _catboost("classification")(**kw),
        lambda **kw: _catboost("regression")(**kw),
        "catboost",
        defaults={"thread_count": 1, "verbose": 0, "allow_writing_files": False},
        seed_name="random_seed",
    ),
    "LightGBM": Model(
        lambda **kw: _lightgbm("classification")(**kw),
        lambda **kw: _lightgbm("regression")(**kw),
        "lightgbm",
        defaults={"n_jobs": 1, "verbose": -1},
    ),
    "linear": Model(
        LogisticRegression, RidgeCV, defaults={"max_iter": 1000}, seed_name=None
    ),
}
REFERENCES = ("HistGB", "CatBoost")  # the "at least as good as" columns
BASELINE = "sklearn-MLP"  # the "worst gap to" column


def parse(spec):
    """Split ``"name"`` or ``'name:{"param": value}'`` into a name and a dict."""
    name, _, params = spec.partition(":")
    if name not in MODELS:
        raise ValueError(f"unknown model {name!r}; known: {', '.join(MODELS)}")
    return name, json.loads(params) if params else {}


def canonical(spec):
    """The spec as stored in the results: the name, or name:sorted-JSON."""
    name, params = parse(spec)
    return f"{name}:{json.dumps(params, sort_keys=True)}" if params else name


def identity(spec):
    """The spec as the results store keys it: canonical, plus a digest of the
    learners' default parameters when the model is ``tracked``."""
    spec = canonical(spec)
    model = MODELS[parse(spec)[0]]
    if not model.tracked:
        return spec
    defaults = [
        sorted((k, repr(v)) for k, v in learner().get_params(deep=False).items())
        for learner in (model.classifier, model.regressor)
    ]
    digest = hashlib.sha256(json.dumps(defaults).encode()).hexdigest()[:8]
    return f"{spec}@{digest}"


def build(spec, task, X, seed):
    """Build the unfitted estimator of one model, for one data set and seed.

    ``linear`` has no seed (it is deterministic); the others get ``seed``.
    """
    name, params = parse(spec)
    model = MODELS[name]
    kwargs = dict(model.defaults)
    if model.seed_name is not None:
        kwargs[model.seed_name] = seed
    if name == "linear" and task == "regression":
        kwargs.pop("max_iter")  # RidgeCV has none
    if model.input == "catboost":
        kwargs["cat_features"] = _categorical(X)
    kwargs.update(_for_task(model, task, params))
    factory = model.classifier if task == "classification" else model.regressor
    learner = factory(**kwargs)
    if model.input == "raw":
        return learner
    if model.input == "catboost":
        # CatBoost takes categorical columns as strings, and no NaN in them.
        return make_pipeline(FunctionTransformer(_catboost_frame), learner)
    if model.input == "lightgbm":
        return make_pipeline(FunctionTransformer(_lightgbm_frame), learner)
    pipeline = make_pipeline(preprocessing(X), learner)
    if task == "regression":
        return TransformedTargetRegressor(pipeline, transformer=StandardScaler())
    return pipeline


def _for_task(model, task, params):
    """Keep the parameters the task's learner takes.

    A parameter of one task only (``label_smoothing`` of the classifier) is
    left out of the other's fits, so one spec ablates both tasks; a parameter
    that neither learner takes is an error. Learners that are not
    scikit-learn classes (CatBoost, LightGBM) get every parameter.
    """
    names = {
        t: set(f._get_param_names()) if hasattr(f, "_get_param_names") else None
        for t, f in (
            ("classification", model.classifier),
            ("regression", model.regressor),
        )
    }
    if names[task] is None:
        return params
    unknown = set(params) - set().union(*(n or set() for n in names.values()))
    if unknown:
        raise ValueError(f"parameters taken by neither learner: {sorted(unknown)}")
    return {k: v for k, v in params.items() if k in names[task]}


def _categorical(X):
    return [c for c in X.columns if X[c].dtype == object]


def _catboost_frame(X):
    X = X.copy()
    for c in _categorical(X):
        X[c] = X[c].fillna("NA").astype(str)
    return X


def _lightgbm_frame(X):
    # LightGBM's sklearn API reads pandas "category" columns as categorical and
    # maps the test fold's levels onto the training fold's.
    X = X.copy()
    for c in _categorical(X):
        X[c] = X[c].astype("category")
    return X


def preprocessing(X):
    """Build the preprocessing the "shared" models get, fitted inside each fold.

    Numeric columns: median imputation and standard scaling. Other columns:
    most-frequent imputation and one-hot encoding, unknown levels ignored.

    Parameters
    ----------
    X : pandas.DataFrame
        Features; object columns are categorical, the others numeric.

    Returns
    -------
    ColumnTransformer
    """
    categorical = _categorical(X)
    numeric = [c for c in X.columns if c not in categorical]
    encoder = OneHotEncoder(
        handle_unknown="ignore", max_categories=MAX_CATEGORIES, sparse_output=False
    )
    return ColumnTransformer(
        [
            (
                "num",
                make_pipeline(SimpleImputer(strategy="median"), StandardScaler()),
                numeric,
            ),
            (
                "cat",
                make_pipeline(SimpleImputer(strategy="most_frequent"), encoder),
                categorical,
            ),
        ]
    )
