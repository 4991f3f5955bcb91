"""The one place that imports private or new scikit-learn names.

scikit-learn does not promise the private names across releases, and the new ones
(``sklearn.callback``, 1.9) are missing from the older releases skneuron supports;
should one move, only this module changes.
"""

import numpy as np
from sklearn.base import _fit_context
from sklearn.utils._param_validation import Interval, Options, StrOptions
from sklearn.utils.optimize import _check_optimize_result
from sklearn.utils.validation import (
    _check_sample_weight as _sklearn_check_sample_weight,
)
from sklearn.utils.validation import _get_feature_names

try:  # scikit-learn >= 1.9: its callback API (SLEP023)
    from sklearn.callback import CallbackSupportMixin

    HAS_SKLEARN_CALLBACKS = True
except ImportError:  # older releases: no set_callbacks, and nothing else changes

    class CallbackSupportMixin:
        """Stands in for scikit-learn's mixin where it has none: adds nothing."""

    HAS_SKLEARN_CALLBACKS = False

try:  # scikit-learn 1.5 and 1.6 only: the remainder columns of a ColumnTransformer
    from sklearn.compose._column_transformer import _RemainderColsList

    REMAINDER_COLUMNS_TYPES = (_RemainderColsList,)
except ImportError:  # later versions keep them in a plain list
    REMAINDER_COLUMNS_TYPES = ()


def _check_sample_weight(sample_weight, X, **kwargs):
    """scikit-learn's check, refusing all-zero weights in every supported version.

    scikit-learn refuses them itself from 1.7 on; 1.6 lets them through, and the
    fit would then divide by a zero total weight.
    """
    sample_weight = _sklearn_check_sample_weight(sample_weight, X, **kwargs)
    if not np.any(sample_weight):
        raise ValueError("Sample weights must contain at least one non-zero number.")
    return sample_weight


__all__ = [
    "HAS_SKLEARN_CALLBACKS",
    "REMAINDER_COLUMNS_TYPES",
    "CallbackSupportMixin",
    "Interval",
    "Options",
    "StrOptions",
    "_check_optimize_result",
    "_check_sample_weight",
    "_fit_context",
    "_get_feature_names",
]
