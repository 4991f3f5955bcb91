"""The one place that imports private scikit-learn helpers.

scikit-learn does not promise these names across releases; should one move, only this
module changes.
"""

from sklearn.base import _fit_context
from sklearn.utils._param_validation import Interval, Options, StrOptions
from sklearn.utils.multiclass import _check_partial_fit_first_call
from sklearn.utils.optimize import _check_optimize_result
from sklearn.utils.validation import _check_sample_weight

__all__ = [
    "Interval",
    "Options",
    "StrOptions",
    "_check_optimize_result",
    "_check_partial_fit_first_call",
    "_check_sample_weight",
    "_fit_context",
]
