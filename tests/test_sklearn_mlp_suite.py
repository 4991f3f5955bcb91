"""scikit-learn's own MLP tests, run against skneuron.

The test file of the installed scikit-learn is read at collection time, its one
import of ``MLPClassifier`` and ``MLPRegressor`` is swapped for skneuron's estimators,
and nothing else changes. Its tests are collected here as if written for skneuron.

Tests that read or write private attributes of scikit-learn's implementation
(``_coef_grads``, ``_optimizer``, ...) test that implementation, not the public
contract: they are skipped, each with the names it reads, and so reported apart.
Every other test must pass on the scikit-learn releases checked so far (see
``SKLEARN_CHECKED`` in ``conftest.py``); on a newer one, a failure is reported as
expected, naming the versions, since its suite may test what skneuron has not
followed yet.
"""

import inspect
import re
from pathlib import Path

import pytest
import sklearn
import sklearn.neural_network

pytestmark = pytest.mark.sklearn_reference

SOURCE = Path(sklearn.neural_network.__file__).parent / "tests" / "test_mlp.py"
IMPORT = "from sklearn.neural_network import MLPClassifier, MLPRegressor"
SWAPPED = (
    "from skneuron import NeuronClassifier as MLPClassifier, "
    "NeuronRegressor as MLPRegressor"
)
# An attribute of an object whose name starts with one underscore: `mlp._optimizer`.
PRIVATE_ATTRIBUTE = re.compile(r"\b[a-z]\w*\.(_[a-z]\w*)")


def _load_suite():
    """scikit-learn's test module with skneuron's estimators, or {} if not found."""
    if not SOURCE.is_file():  # some distributions leave the tests out
        return {}
    text = SOURCE.read_text()
    if text.count(IMPORT) != 1:  # the check below says so
        return {}
    namespace = {"__name__": "sklearn_test_mlp_on_skneuron", "__file__": str(SOURCE)}
    exec(compile(text.replace(IMPORT, SWAPPED), str(SOURCE), "exec"), namespace)
    return namespace


def _skip_if_private(function):
    private = sorted(set(PRIVATE_ATTRIBUTE.findall(inspect.getsource(function))))
    if private:
        reason = "reads scikit-learn's private attributes " + ", ".join(private)
        return pytest.mark.skip(reason=reason)(function)
    return function


@pytest.fixture
def global_random_seed():
    """scikit-learn's default for its fixture of the same name."""
    return 42


_SUITE = _load_suite()
globals().update(
    {
        name: _skip_if_private(function)
        for name, function in _SUITE.items()
        if name.startswith("test_") and callable(function)
    }
)


def test_the_suite_was_found_and_swapped():
    if not SOURCE.is_file():
        pytest.skip(f"scikit-learn {sklearn.__version__} was installed without tests")
    assert _SUITE, f"{SOURCE} no longer imports the MLPs as {IMPORT!r}"
    tests = [name for name in _SUITE if name.startswith("test_")]
    assert len(tests) >= 39  # 39 in scikit-learn 1.6, 43 in 1.9
    assert _SUITE["MLPClassifier"].__module__.startswith("skneuron")
    assert _SUITE["MLPRegressor"].__module__.startswith("skneuron")
