"""One style for the whole course: ruff's lint over the Python files and the notebooks' code cells, and
ruff's formatter over the Python files (the rules are in pyproject.toml; the notebooks keep their
hand-aligned comments, so the formatter leaves them alone)."""

import json
import subprocess
import sys

import pytest

from utils import ROOT


def ruff(*arguments: str) -> subprocess.CompletedProcess:
    if not _module_available():
        pytest.skip("ruff is not installed in this environment (it is in requirements.txt)")
    return subprocess.run(
        [sys.executable, "-m", "ruff", *arguments, "--no-cache", "."], cwd=ROOT, capture_output=True, text=True, timeout=120
    )


def _module_available() -> bool:
    import importlib.util

    return importlib.util.find_spec("ruff") is not None


def test_ruff_finds_nothing_to_fix():
    result = ruff("check", "--output-format", "concise")
    assert result.returncode == 0, f"ruff check (run `ruff check --fix .`, then mend the rest):\n{result.stdout}{result.stderr}"


def test_the_python_files_are_formatted():
    result = ruff("format", "--check")
    assert result.returncode == 0, f"ruff format --check (run `ruff format .`):\n{result.stdout}{result.stderr}"


def test_ruff_reads_the_notebooks_too(tmp_path):
    """The lint really covers notebook cells: an undefined name in a cell is reported."""
    if not _module_available():
        pytest.skip("ruff is not installed in this environment")
    notebook = tmp_path / "09_broken.ipynb"
    cell = {"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [], "source": "print(undefined_name)\n"}
    notebook.write_text(json.dumps({"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", "--output-format", "concise", str(notebook)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1 and "F821" in result.stdout, result.stdout


def test_generated_modules_keep_their_notebook_layout():
    """ruff format would reflow a module that `python course.py export` writes from notebook cells, and
    the two would then differ: each generated module is excluded from formatting."""
    tomllib = pytest.importorskip("tomllib")  # Python 3.11 and later

    from tools import export

    excluded = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["ruff"]["format"]["exclude"]
    assert {target.module for target in export.EXPORTS.values()} <= set(excluded)


def test_ruff_writes_for_the_oldest_supported_python():
    """pyupgrade's fixes (ruff's UP rules) must leave code that the oldest tested Python runs: once an
    unset target let `ruff --fix` turn datetime.timezone.utc into datetime.UTC (3.11+), and every
    notebook failed on Python 3.10 in the matrix."""
    tomllib = pytest.importorskip("tomllib")  # Python 3.11 and later

    from utils.tested_environments import ENVIRONMENTS

    oldest = min((tuple(map(int, env.python.split("."))) for env in ENVIRONMENTS.values() if env.python), default=None)
    target = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["ruff"]["target-version"]
    assert oldest is not None and target == f"py{oldest[0]}{oldest[1]}"
