"""Print pip constraints pinning each requirement of pyproject.toml to its minimum.

Usage: python .ci/min_versions.py runtime|build > constraints.txt

``runtime`` reads ``[project] dependencies``, ``build`` the ``[build-system]
requires``: each ``name>=X`` becomes ``name==X``, so CI installs exactly the
oldest versions the metadata promises to work with. A requirement without a
lower bound is refused: it promises every version, which no run can test.
Needs Python >= 3.11 (tomllib).
"""

import re
import sys
from pathlib import Path

import tomllib

PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"
LOWER_BOUND = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)\s*>=\s*([0-9][0-9.]*)$")


def pins(requirements):
    for requirement in requirements:
        match = LOWER_BOUND.match(requirement.strip())
        if match is None:
            sys.exit(f"{PYPROJECT}: {requirement!r} has no plain lower bound (>=)")
        yield f"{match[1]}=={match[2]}"


if __name__ == "__main__":
    metadata = tomllib.loads(PYPROJECT.read_text())
    table = {
        "runtime": metadata["project"]["dependencies"],
        "build": metadata["build-system"]["requires"],
    }
    if len(sys.argv) != 2 or sys.argv[1] not in table:
        sys.exit(__doc__.strip().splitlines()[2])
    print("\n".join(pins(table[sys.argv[1]])))
