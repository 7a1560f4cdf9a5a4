"""The notebooks' shared set-up cell, run as a kernel would run it: from the notebooks folder, from
elsewhere with DL7_ROOT, from nowhere useful (a clear message), and along Colab's path."""

import os
import subprocess
import sys

import pytest

from tools.layout import setup_cell
from utils import ROOT


def run_cell(cwd, env_extra=None, pretend_colab=False):
    prelude = "import sys, types\nsys.modules['google.colab'] = types.ModuleType('google.colab')\n" if pretend_colab else ""
    env = {k: v for k, v in os.environ.items() if k not in ("DL7_ROOT", "PYTHONPATH")}
    env.update(env_extra or {})
    code = prelude + setup_cell(1) + "\nprint('ROOT', root)\nprint('UTILS', utils.__file__)\n"
    return subprocess.run([sys.executable, "-c", code], cwd=cwd, env=env, capture_output=True, text=True, timeout=180)


@pytest.mark.parametrize("where", ["notebooks", "data"])
def test_finds_the_repository_from_inside_it(where):
    result = run_cell(ROOT / where)
    assert result.returncode == 0, result.stderr
    assert f"ROOT {ROOT}" in result.stdout and result.stdout.startswith("profile=quick · ")


def test_dl7_root_points_the_way_from_anywhere(tmp_path):
    result = run_cell(tmp_path, {"DL7_ROOT": str(ROOT)})
    assert result.returncode == 0, result.stderr
    assert f"ROOT {ROOT}" in result.stdout


def test_a_clear_message_when_the_code_is_nowhere(tmp_path):
    result = run_cell(tmp_path)
    assert result.returncode != 0
    assert "Course code not found: open this notebook from the course folder, or set DL7_ROOT to it." in result.stderr


@pytest.mark.skipif(not (ROOT / ".git").exists(), reason="needs the repository's git history to clone from")
def test_colab_path_clones_the_course_and_imports_it(tmp_path):
    from utils.data import cache_dir

    colab = {"DL7_REPO_URL": ROOT.as_uri(), "DL7_DATA_DIR": str(cache_dir())}  # a relative cache would point into the clone
    result = run_cell(tmp_path, colab, pretend_colab=True)
    assert result.returncode == 0, result.stderr
    clone = tmp_path / "seven-steps"
    assert f"ROOT {clone}" in result.stdout and f"UTILS {clone / 'utils' / '__init__.py'}" in result.stdout
    assert (clone / "notebooks" / "01_introducing_deep_learning.ipynb").is_file()
    again = run_cell(tmp_path, {**colab, "DL7_REPO_URL": "file:///nonexistent"}, pretend_colab=True)
    assert again.returncode == 0, "a second run reuses the clone instead of fetching again"


def test_colab_clone_failure_says_what_was_tried_why_and_what_to_do(tmp_path):
    result = run_cell(tmp_path, {"DL7_REPO_URL": "file:///nonexistent/seven-steps"}, pretend_colab=True)
    assert result.returncode != 0
    assert "CalledProcessError" not in result.stderr
    message = result.stderr.strip().splitlines()
    assert any("Could not download the course: 'git clone file:///nonexistent/seven-steps' said: fatal:" in line for line in message)
    assert "does not appear to be a git repository" in result.stderr  # git's own reason
    assert "set DL7_REPO_URL" in result.stderr and "upload the course folder here as 'seven-steps'" in result.stderr
    assert not (tmp_path / "seven-steps").exists()
