"""Saving and loading fitted estimators: pickle (and skops, which reads the same)."""

import warnings

from ._version import __version__


class InconsistentVersionWarning(UserWarning):
    """A model is loaded by another skneuron version than the one that saved it.

    Its attributes were written by code that may have meant them differently:
    predictions may be wrong, or loading may fail later. Refit, or load it with
    the version in the message.
    """


class PersistenceMixin:
    """Pickling that keeps the flat parameter vector and rebuilds its views.

    Views into the flat vector (``coefs_``, ``intercepts_``) do not survive
    pickling or deep copies: they are dropped from a copy of the state and rebuilt
    from the vector when loading, so saving never changes the model saved.
    """

    def __getstate__(self):
        state = dict(super().__getstate__())
        state.pop("coefs_", None)
        state.pop("intercepts_", None)
        state["_skneuron_version"] = __version__
        return state

    def __setstate__(self, state):
        saved_by = state.pop("_skneuron_version", "unknown")
        if saved_by != __version__:
            warnings.warn(
                f"Loading {type(self).__name__} saved by skneuron {saved_by} with "
                f"skneuron {__version__}: this might give wrong results or fail. "
                "Refit it, or load it with the version that saved it.",
                InconsistentVersionWarning,
                stacklevel=2,
            )
        super().__setstate__(state)
        if "_params" in state:
            self.coefs_, self.intercepts_ = self._network.unpack(self._params)
