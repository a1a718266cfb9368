"""Shared fixtures of the Python module's tests (run by ctest as python.pytest).

The module comes from PYTHONPATH (ctest sets it to the build's python/ folder); the rung tool
the answers are compared with from RUNG_EXE, else build/release/rung. Run by hand:

    PYTHONPATH=build/release/python RUNG_EXE=build/release/rung python3 -m pytest tests/python
"""

import json
import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
NETWORKS = ROOT / "tests" / "data" / "networks"
SHARED = Path(os.environ.get("RUNG_SHARED_DIR", ROOT.parent / "shared"))

try:
    import rung  # noqa: F401
    IMPORT_ERROR = None
except ImportError as e:  # the module was not built, or PYTHONPATH does not reach it
    IMPORT_ERROR = e

if IMPORT_ERROR is not None:
    if os.environ.get("RUNG_PYTHON_REQUIRED") == "1":
        raise IMPORT_ERROR  # ctest built the module: failing to import it is a failure, never a skip
    pytest.skip(f"python module not built or not on PYTHONPATH: {IMPORT_ERROR}", allow_module_level=True)


def rung_exe() -> Path:
    exe = Path(os.environ.get("RUNG_EXE", ROOT / "build" / "release" / "rung"))
    if not exe.exists():
        pytest.skip(f"the rung tool is not built ({exe}); set RUNG_EXE")
    return exe


def run_cli(*args, check=True, stdin=None):
    """Runs the rung tool; returns (status, stdout, stderr) as text."""
    p = subprocess.run([str(rung_exe()), *map(str, args)], capture_output=True, text=True, input=stdin)
    if check and p.returncode != 0:
        raise AssertionError(f"rung {' '.join(map(str, args))} exited {p.returncode}: {p.stderr}")
    return p.returncode, p.stdout, p.stderr


def cli_error(*args) -> str:
    """The message of a failing rung command, without its `rung: error: ` prefix."""
    status, _, err = run_cli(*args, check=False)
    assert status in (1, 2), f"expected exit 1 (bad input) or 2 (bad usage), got {status}: {err}"
    line = err.strip().splitlines()[0]
    assert line.startswith("rung: error: "), line
    return line[len("rung: error: "):]


@pytest.fixture
def cli():
    return run_cli


def discrete_examples():
    return sorted(p for p in EXAMPLES.iterdir() if p.suffix == ".scm" and not p.name.startswith("linear_"))


def linear_examples():
    return sorted(p for p in EXAMPLES.iterdir() if p.name.startswith("linear_"))
