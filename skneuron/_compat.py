"""The one place that imports private or new scikit-learn names.

scikit-learn does not promise the private names across releases, and the new ones
(``sklearn.callback``, 1.9) are missing from the older releases skneuron supports;
should one move, only this module changes.
"""

from sklearn.base import _fit_context
from sklearn.utils._param_validation import Interval, Options, StrOptions
from sklearn.utils.optimize import _check_optimize_result
from sklearn.utils.validation import _check_sample_weight, _get_feature_names

try:  # scikit-learn >= 1.9: its callback API (SLEP023)
    from sklearn.callback import CallbackSupportMixin

    HAS_SKLEARN_CALLBACKS = True
except ImportError:  # older releases: no set_callbacks, and nothing else changes

    class CallbackSupportMixin:
        """Stands in for scikit-learn's mixin where it has none: adds nothing."""

    HAS_SKLEARN_CALLBACKS = False

__all__ = [
    "HAS_SKLEARN_CALLBACKS",
    "CallbackSupportMixin",
    "Interval",
    "Options",
    "StrOptions",
    "_check_optimize_result",
    "_check_sample_weight",
    "_fit_context",
    "_get_feature_names",
]
