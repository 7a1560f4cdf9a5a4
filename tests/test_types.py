"""A type checker over the course's library and tools: mypy, configured in pyproject.toml ([tool.mypy]:
``utils`` and ``tools``, unannotated bodies checked too). It must find nothing; and it really reads the
files (a wrong annotation in a scratch module is reported)."""

import subprocess
import sys

import pytest

from utils import ROOT


def mypy(*arguments: str, cwd=ROOT) -> subprocess.CompletedProcess:
    import importlib.util

    if importlib.util.find_spec("mypy") is None:
        pytest.skip("mypy is not installed in this environment (it is in requirements.txt)")
    # The cache lives outside the course folder, so that a run leaves nothing behind.
    cache = ["--cache-dir", str(ROOT / "artifacts" / "mypy-cache")]
    return subprocess.run([sys.executable, "-m", "mypy", *cache, *arguments], cwd=cwd, capture_output=True, text=True, timeout=600)


def test_mypy_finds_nothing_in_utils_and_tools():
    result = mypy()
    assert result.returncode == 0, f"mypy (configured in pyproject.toml):\n{result.stdout}{result.stderr}"
    assert "Success" in result.stdout


def test_mypy_reports_a_wrong_annotation(tmp_path):
    scratch = tmp_path / "scratch.py"
    scratch.write_text('def count(items: list[int]) -> int:\n    return "many"\n', encoding="utf-8")
    result = mypy("--config-file", str(ROOT / "pyproject.toml"), str(scratch), cwd=tmp_path)
    assert result.returncode == 1 and "Incompatible return value type" in result.stdout, result.stdout
