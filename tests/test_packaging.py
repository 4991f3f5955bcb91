"""The installed package: every module of the source tree, and compiled kernels."""

from pathlib import Path

import pytest

import skneuron

SOURCE = Path(__file__).resolve().parents[1] / "skneuron"


@pytest.mark.skipif(not SOURCE.is_dir(), reason="needs the source tree beside tests/")
def test_every_module_of_the_source_tree_is_installed():
    """meson.build lists the modules to install: a new one must be added there."""
    installed = Path(skneuron.__file__).parent
    for module in SOURCE.glob("*.py"):
        assert (installed / module.name).is_file(), (
            f"{module.name} is not installed: add it to skneuron/meson.build"
        )


def test_the_kernels_are_compiled():
    from skneuron import _kernels

    assert Path(_kernels.__file__).suffix in {".so", ".pyd"}
