"""The installed package: every module, compiled kernels that run on any CPU."""

import importlib
import importlib.metadata
import importlib.util
import os
import platform
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import skneuron
from skneuron import _kernels

SOURCE = Path(__file__).resolve().parents[1] / "skneuron"


@pytest.mark.skipif(not SOURCE.is_dir(), reason="needs the source tree beside tests/")
def test_every_module_of_the_source_tree_is_installed():
    """meson.build lists the modules to install: a new one must be added there."""
    installed = Path(skneuron.__file__).parent
    for module in SOURCE.glob("*.py"):
        assert (installed / module.name).is_file(), (
            f"{module.name} is not installed: add it to skneuron/meson.build"
        )


def _built_variants():
    return [
        variant
        for variant in _kernels.VARIANTS
        if importlib.util.find_spec(f"skneuron._kernels_{variant}") is not None
    ]


def _runnable_variants():
    features = _kernels.cpu_features()
    return [
        variant
        for variant in _built_variants()
        if all(features.get(name) for name in _kernels.VARIANTS[variant])
    ]


def test_the_kernels_are_compiled():
    assert Path(_kernels.compiled.__file__).suffix in {".so", ".pyd"}
    assert _kernels.adam_step is _kernels.compiled.adam_step


def test_the_default_build_has_a_portable_variant_and_uses_the_best():
    built = _built_variants()
    if built == ["native"]:
        pytest.skip("built with -Dnative=true: one variant, for this CPU only")
    expected = ["avx2", "baseline"] if platform.machine() in {"x86_64", "AMD64"} else []
    assert built == (expected or ["baseline"])
    if os.environ.get("SKNEURON_KERNELS"):
        pytest.skip("SKNEURON_KERNELS chooses the variant")
    assert _kernels.VARIANT == _runnable_variants()[0]


def _calls(dtype):
    """One call of every kernel, on fresh random arrays of ``dtype``."""
    rng = np.random.default_rng(0)
    n = 1037  # not a multiple of any vector width: the loops' tails run too

    def vec(positive=False):
        x = rng.standard_normal(n).astype(dtype)
        return np.abs(x) if positive else x

    def mat(low=-1.0, high=1.0):
        return rng.uniform(low, high, (31, 67)).astype(dtype)

    def cube(*shape):
        return rng.uniform(-1, 1, shape).astype(dtype)

    return {
        "adam_step": (vec(), vec(), vec(), vec(True), 1e-3, 0.9, 0.999, 1e-8, 0.99),
        "rmsprop_step": (vec(), vec(), vec(True), 1e-2, 0.9, 1e-8),
        "sgd_step": (vec(), vec(), vec(), 0.1, 0.9, True),
        "add_scaled": (vec(), vec(), 0.3),
        "bias_relu": (mat(), rng.uniform(-1, 1, 67).astype(dtype)),
        "relu_derivative": (mat(), mat()),
        "tanh_derivative": (mat(), mat()),
        "logistic_derivative": (mat(0, 1), mat()),
        "embedding_relu": (cube(5, 67, 8), cube(5, 8), cube(67, 43)),
        "embedding_relu_backward": (cube(67, 43), cube(67, 43), cube(5, 67, 8)),
        "periodic_features": (3 * cube(5, 67), cube(5, 8), cube(5, 67, 16)),
        "periodic_backward": (
            cube(5, 67, 16),
            cube(5, 67, 16),
            cube(5, 67),
            cube(5, 8),
            cube(5, 8),
            cube(5, 67),
        ),  # fmt: skip
    }


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_every_variant_computes_the_same_bits(dtype):
    """Element-wise loops, no contraction: wider vectors must not change a bit."""
    assert set(_calls(dtype)) == set(_kernels.__all__), "a kernel is not covered"
    results = {}
    for variant in _runnable_variants():
        module = importlib.import_module(f"skneuron._kernels_{variant}")
        arguments = _calls(dtype)
        for name, args in arguments.items():
            getattr(module, name)(*args)
        results[variant] = arguments
    if len(results) < 2:
        pytest.skip(f"this CPU runs one variant only: {', '.join(results)}")
    reference, *others = results.values()
    for other in others:
        for name, args in reference.items():
            for ours, theirs in zip(args, other[name]):
                if isinstance(ours, np.ndarray):
                    np.testing.assert_array_equal(ours, theirs, err_msg=name)


def _disassembly(variant):
    module = importlib.util.find_spec(f"skneuron._kernels_{variant}")
    if module is None:
        pytest.skip(f"no {variant} variant in this build")
    return subprocess.run(
        ["objdump", "-d", "--no-show-raw-insn", module.origin],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


@pytest.mark.skipif(
    platform.machine() != "x86_64" or not shutil.which("objdump"),
    reason="reads x86-64 machine code with objdump",
)
def test_the_variants_use_only_the_instructions_they_check_for():
    """An -march=native leaking into the build would show here, on any machine."""
    baseline = _disassembly("baseline")
    assert "%xmm" in baseline  # SSE2 vectors, which every x86-64 CPU has
    assert "%ymm" not in baseline and "%zmm" not in baseline  # no AVX
    avx2 = _disassembly("avx2")
    assert "%ymm" in avx2  # the point of the variant
    assert "%zmm" not in avx2  # no AVX-512


def _python(code, **env):
    """Run ``code`` in a fresh interpreter, away from the source tree."""
    return subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=Path(skneuron.__file__).parents[1],
        env={**os.environ, **env},
    )


def test_the_variant_can_be_chosen_by_environment():
    run = _python(
        "from skneuron import _kernels; print(_kernels.VARIANT)",
        SKNEURON_KERNELS="baseline",
    )
    if "baseline" not in _built_variants():
        assert "no such variant" in run.stderr
    else:
        assert run.stdout.strip() == "baseline", run.stderr


def test_an_unknown_variant_is_refused_by_name():
    run = _python("import skneuron", SKNEURON_KERNELS="sse9")
    assert run.returncode != 0
    assert "SKNEURON_KERNELS='sse9' names no kernel variant" in run.stderr


def test_show_versions_names_the_kernel_variant(capsys):
    skneuron.show_versions()
    out = capsys.readouterr().out
    assert f"variant: {_kernels.VARIANT}\n" in out
    assert f"file: {_kernels.compiled.__file__}\n" in out
    assert f"scikit-learn: {importlib.metadata.version('scikit-learn')}" in out
