"""The compiled kernels of ``_kernels.pyx``, in the best variant this CPU runs.

The build compiles ``_kernels.pyx`` once per variant of the CPU (see
``skneuron/meson.build``): ``baseline`` for any CPU of the architecture, ``avx2``
on x86-64 for CPUs with AVX2 and FMA, or a single ``native`` one when built with
``-Dnative=true``. This module imports the first variant that was built and that
the CPU supports, as numpy detects it, and re-exports its functions: callers use
``_kernels.adam_step`` and never learn which variant runs.

The environment variable ``SKNEURON_KERNELS`` names a variant to use instead
(e.g. ``SKNEURON_KERNELS=baseline`` to compare); the import fails if that one
was not built or the CPU lacks what it needs.
"""

import importlib
import os

VARIANTS = {
    "native": (),
    "avx2": ("AVX", "AVX2", "FMA3"),
    "baseline": (),
}
"""Each variant, best first, with the CPU features (numpy's names) it needs."""


def cpu_features():
    """The CPU features numpy detected at run time: name -> bool."""
    try:  # numpy >= 2
        from numpy._core._multiarray_umath import __cpu_features__
    except ImportError:  # numpy 1.x
        from numpy.core._multiarray_umath import __cpu_features__
    return __cpu_features__


def _missing_features(variant):
    features = cpu_features()
    return [name for name in VARIANTS[variant] if not features.get(name, False)]


def _import(variant):
    return importlib.import_module(f"{__package__}._kernels_{variant}")


def _choose():
    """The variant to use and its compiled module."""
    requested = os.environ.get("SKNEURON_KERNELS", "").strip()
    if requested:
        if requested not in VARIANTS:
            raise ImportError(
                f"SKNEURON_KERNELS={requested!r} names no kernel variant; "
                f"choose one of {', '.join(VARIANTS)}"
            )
        missing = _missing_features(requested)
        if missing:
            raise ImportError(
                f"SKNEURON_KERNELS={requested!r}: this CPU lacks {', '.join(missing)}"
            )
        try:
            return requested, _import(requested)
        except ModuleNotFoundError as error:
            raise ImportError(
                f"SKNEURON_KERNELS={requested!r}: this build of skneuron has no "
                f"such variant ({error})"
            ) from error
    for variant in VARIANTS:
        if _missing_features(variant):
            continue
        try:
            return variant, _import(variant)
        except ModuleNotFoundError:  # not built for this machine or platform
            continue
    raise ImportError(
        f"no compiled kernels found in {__package__} "
        f"(looked for {', '.join('_kernels_' + v for v in VARIANTS)})"
    )


VARIANT, compiled = _choose()
"""The variant in use, and its compiled module."""

__all__ = [name for name in vars(compiled) if not name.startswith("_")]
globals().update({name: getattr(compiled, name) for name in __all__})
