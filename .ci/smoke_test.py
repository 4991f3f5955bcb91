"""Smoke test of an installed skneuron, run from outside the source tree.

CI runs it on the wheel it builds, in a fresh environment, and cibuildwheel on
every wheel it builds (``test-command`` in pyproject.toml). On real data that
scikit-learn ships (no network): fit and predict, a pickle round trip, L-BFGS,
float32, and the same again with each other kernel variant this CPU runs.
"""

import os
import pickle
import subprocess
import sys
from pathlib import Path

import numpy as np
from sklearn.datasets import load_breast_cancer, load_diabetes
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import skneuron
from skneuron import NeuronClassifier, NeuronRegressor, _kernels

SOURCE_TREE = Path(__file__).resolve().parents[1]


def check_installed_copy():
    installed = Path(skneuron.__file__).resolve()
    if SOURCE_TREE in installed.parents:
        sys.exit(f"imported the source tree ({installed}), not the installed wheel")
    compiled = Path(_kernels.compiled.__file__)
    assert compiled.suffix in {".so", ".pyd"}, f"kernels not compiled: {compiled}"


def check_training():
    X, y = load_breast_cancer(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, stratify=y, random_state=0
    )
    for dtype in ("float64", "float32"):
        clf = make_pipeline(
            StandardScaler(), NeuronClassifier(random_state=0, dtype=dtype)
        ).fit(X_train, y_train)
        accuracy = clf.score(X_test, y_test)
        assert accuracy > 0.93, f"breast cancer accuracy {accuracy:.3f} ({dtype})"
        loaded = pickle.loads(pickle.dumps(clf))
        np.testing.assert_array_equal(
            loaded.predict_proba(X_test), clf.predict_proba(X_test)
        )
        print(f"NeuronClassifier ({dtype}): test accuracy {accuracy:.3f}, pickled")

    X, y = load_diabetes(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
    reg = make_pipeline(
        StandardScaler(),
        # A small, regularized network: 331 rows, which L-BFGS would overfit.
        NeuronRegressor(
            hidden_layer_sizes=(5,), solver="lbfgs", alpha=10.0, random_state=0
        ),
    ).fit(X_train, (y_train - y.mean()) / y.std())
    r2 = reg.score(X_test, (y_test - y.mean()) / y.std())
    n_iter = reg[-1].n_iter_
    assert r2 > 0.3 and n_iter > 1, f"diabetes L-BFGS: R^2 {r2:.3f}, {n_iter} iter."
    print(f"NeuronRegressor (L-BFGS): test R^2 {r2:.3f} after {n_iter} iterations")


def check_other_variants():
    """Each other variant this CPU runs, in a fresh process."""
    features = _kernels.cpu_features()
    for variant, needs in _kernels.VARIANTS.items():
        if variant == _kernels.VARIANT or not all(features.get(f) for f in needs):
            continue
        try:
            __import__(f"skneuron._kernels_{variant}")
        except ModuleNotFoundError:
            continue  # not built
        print(f"--- again with SKNEURON_KERNELS={variant}", flush=True)
        subprocess.run(
            [sys.executable, __file__],
            env={**os.environ, "SKNEURON_KERNELS": variant},
            check=True,
        )


if __name__ == "__main__":
    check_installed_copy()
    print(f"skneuron {skneuron.__version__}, kernels: {_kernels.VARIANT}")
    check_training()
    if not os.environ.get("SKNEURON_KERNELS"):
        check_other_variants()
        skneuron.show_versions()
    print("smoke test passed")
