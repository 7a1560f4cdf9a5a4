"""The README's two commands: `python course.py lab` serves the notebooks, `python course.py test`
is what CI runs. (The test command itself is what is running these tests.)"""

import hashlib
import importlib.util
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request

import pytest
from conftest import stop_process_group

from utils import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_gives_exactly_the_two_commands():
    block = re.search(r"## Get started: two commands\n.*?```bash\n(.*?)```", README, re.S).group(1)
    commands = [line.split("#")[0].strip() for line in block.strip().splitlines()]
    assert commands == ["python course.py lab", "python course.py test"]


def test_ci_runs_the_readme_test_command_on_the_shared_data():
    ci = (ROOT / ".ci" / "run").read_text()
    assert "python3 course.py test" in ci and "shared/data" in ci and "DL7_DATA_DIR" in ci


def test_course_help_lists_the_commands():
    result = subprocess.run([sys.executable, "course.py", "--help"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0
    for command in ("lab", "test", "data fetch all", "execute"):
        assert f"python course.py {command}" in result.stdout


def test_course_rejects_unknown_commands():
    result = subprocess.run([sys.executable, "course.py", "serve"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "Unknown command 'serve'" in result.stdout


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.slow
def test_lab_command_serves_the_notebooks(tmp_path):
    port, token = free_port(), "course-test-token"
    # DL7_NO_INSTALL: this test must never install or upgrade anything in the environment it runs in.
    env = dict(os.environ, JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"), JUPYTER_CONFIG_DIR=str(tmp_path / "config"), DL7_NO_INSTALL="1")
    args = [
        sys.executable,
        "course.py",
        "lab",
        "--no-browser",
        f"--port={port}",
        "--ServerApp.ip=127.0.0.1",
        f"--IdentityProvider.token={token}",
        "--ServerApp.port_retries=0",
    ]
    log = tmp_path / "lab.log"
    with open(log, "w") as out:  # as root (CI machines), course.py itself must add --allow-root
        server = subprocess.Popen(args, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        listing, deadline = None, time.monotonic() + 90
        while listing is None and time.monotonic() < deadline and server.poll() is None:
            try:
                url = f"http://127.0.0.1:{port}/api/contents/notebooks?token={token}"
                with urllib.request.urlopen(url, timeout=5) as response:
                    listing = json.load(response)
            except OSError:
                time.sleep(0.5)
        assert listing is not None, f"JupyterLab did not answer within 90 s:\n{log.read_text()[-2000:]}"
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            assert "starting JupyterLab with --allow-root" in log.read_text()
        names = {item["name"] for item in listing["content"]}
        assert "01_introducing_deep_learning.ipynb" in names and "02_getting_technical.ipynb" in names
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/lab?token={token}", timeout=10) as response:
            assert response.status == 200 and b"JupyterLab" in response.read()
    finally:  # stop JupyterLab (and anything it started) even when the test failed
        stop_process_group(server)


def _course_module(tmp_path, monkeypatch):
    """course.py as a module, with its .venv moved to a temporary folder and every installation recorded, not run."""
    spec = importlib.util.spec_from_file_location("course_under_test", ROOT / "course.py")
    course = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(course)
    monkeypatch.setattr(course, "VENV", tmp_path / ".venv")
    calls = []
    monkeypatch.setattr(course.subprocess, "run", lambda args, **kw: calls.append(args) or subprocess.CompletedProcess(args, 0))
    monkeypatch.delenv(course.NO_INSTALL_VARIABLE, raising=False)
    monkeypatch.delenv(course.INSTALL_VARIABLE, raising=False)
    return course, calls


def _fake_python(course):
    python = course.venv_python()
    python.parent.mkdir(parents=True)
    python.write_text("")
    return python


def test_course_py_refuses_to_install_into_a_venv_it_did_not_create(tmp_path, monkeypatch):
    course, calls = _course_module(tmp_path, monkeypatch)
    _fake_python(course)  # someone else's .venv, with no mark and no stamp
    monkeypatch.setattr(sys.stdin, "isatty", lambda: False)
    with pytest.raises(SystemExit) as stop:
        course.ensure_environment()
    assert "was not created by course.py" in str(stop.value) and "DL7_INSTALL=yes" in str(stop.value)
    assert calls == [], "nothing was installed"
    monkeypatch.setenv(course.INSTALL_VARIABLE, "yes")
    course.ensure_environment()
    assert any("-r" in args for args in calls), "with DL7_INSTALL=yes it installs"


def test_course_py_installs_into_its_own_venv_when_requirements_change(tmp_path, monkeypatch):
    course, calls = _course_module(tmp_path, monkeypatch)
    _fake_python(course)
    (course.VENV / course.OWNER_MARK).write_text("")
    (course.VENV / ".requirements.sha256").write_text("an older requirements.txt")
    course.ensure_environment()
    assert any("-r" in args for args in calls)
    assert (course.VENV / ".requirements.sha256").read_text() == hashlib.sha256(course.REQUIREMENTS.read_bytes()).hexdigest()


def test_no_install_forbids_installing(tmp_path, monkeypatch):
    course, calls = _course_module(tmp_path, monkeypatch)
    monkeypatch.setenv(course.NO_INSTALL_VARIABLE, "1")
    with pytest.raises(SystemExit) as stop:
        course.ensure_environment()  # no .venv at all
    assert "forbids installing" in str(stop.value) and calls == []
    python = _fake_python(course)
    assert course.ensure_environment() == python and calls == []  # a stale .venv is used as it is


def test_lab_adds_allow_root_for_root_only(tmp_path, monkeypatch, capsys):
    course, _ = _course_module(tmp_path, monkeypatch)
    monkeypatch.setattr(course.os, "geteuid", lambda: 0, raising=False)
    args = course.lab_arguments(["--port", "8890"])
    assert args[-1] == "--allow-root" and "--port" in args
    assert "starting JupyterLab with --allow-root" in capsys.readouterr().out
    assert course.lab_arguments(["--allow-root"]).count("--allow-root") == 1
    monkeypatch.setattr(course.os, "geteuid", lambda: 1000, raising=False)
    assert "--allow-root" not in course.lab_arguments([])
    assert capsys.readouterr().out == ""


def test_matrix_command_finds_each_python_and_names_the_sessions(tmp_path, monkeypatch):
    """`python course.py matrix [ENV ...] [-- NOTEBOOK ...]` becomes a nox call with every needed
    interpreter's folder on PATH; pyenv's shims (which fail for an unselected version) are skipped."""
    spec = importlib.util.spec_from_file_location("course_for_matrix", ROOT / "course.py")
    course = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(course)
    from utils.tested_environments import ENVIRONMENTS

    pyenv = tmp_path / "pyenv"
    for version in {e.python for e in ENVIRONMENTS.values()}:
        folder = pyenv / "versions" / f"{version}.9" / "bin"
        folder.mkdir(parents=True)
        (folder / f"python{version}").write_text("")
    monkeypatch.setenv("PYENV_ROOT", str(pyenv))
    monkeypatch.setattr("shutil.which", lambda name: str(pyenv / "shims" / name))  # only shims on PATH
    args, env = course.matrix_command(["oldest", "--", "05_cnns_and_computer_vision.ipynb"])
    assert args[:2] == ["-m", "nox"] and args[args.index("--sessions") + 1 :] == ["oldest", "--", "05_cnns_and_computer_vision.ipynb"]
    oldest = ENVIRONMENTS["oldest"].python
    assert env["PATH"].split(os.pathsep)[0] == str(pyenv / "versions" / f"{oldest}.9" / "bin")
    every, _ = course.matrix_command([])
    assert every[every.index("--sessions") + 1 : every.index("--")] == list(ENVIRONMENTS)
    # .ci/run installs the environments while the suite runs, then runs them as installed
    installing, _ = course.matrix_command(["--install-only"])
    assert "--install-only" in installing[: installing.index("--sessions")]
    assert installing[installing.index("--sessions") + 1 : installing.index("--")] == list(ENVIRONMENTS)
    reusing, _ = course.matrix_command(["colab", "--no-install", "--", "--seed", "1"])
    assert "--no-install" in reusing[: reusing.index("--sessions")] and reusing[reusing.index("--sessions") + 1 :] == [
        "colab",
        "--",
        "--seed",
        "1",
    ]
    with pytest.raises(SystemExit, match="Unknown environment nightly"):
        course.matrix_command(["nightly"])
    monkeypatch.setenv("PYENV_ROOT", str(tmp_path / "nowhere"))
    with pytest.raises(SystemExit, match="needs Python"):
        course.matrix_command(["oldest"])


def test_matrix_refuses_an_environment_that_is_not_what_the_table_says(monkeypatch):
    """An environment whose TensorFlow is not the one installed here: the run stops before any notebook."""
    import dataclasses

    from tools import matrix
    from utils.tested_environments import ENVIRONMENTS

    other = dataclasses.replace(ENVIRONMENTS["newest"], packages={**ENVIRONMENTS["newest"].packages, "tensorflow": "2.0.1"})
    monkeypatch.setitem(ENVIRONMENTS, "newest", other)
    wrong = matrix.version_mismatches(other)
    assert any(line.startswith("tensorflow ") and "(expected 2.0.1)" in line for line in wrong)
    assert matrix.run("newest", jobs=1) == 1


def test_the_pinned_environment_is_what_requirements_txt_pins():
    from tools import matrix
    from utils.environment import tested_versions

    pinned = matrix.pinned_environment()
    assert pinned.packages["tensorflow"] == tested_versions()["tensorflow"] and "numpy" in pinned.packages
    installed = matrix.installed_versions(["tensorflow"])["tensorflow"]
    if installed == pinned.packages["tensorflow"]:  # the suite's own environment (not a matrix one)
        assert matrix.version_mismatches(pinned) == []


def test_the_slowest_first_order_names_files_that_exist():
    from conftest import SLOWEST_FIRST

    assert len(set(SLOWEST_FIRST)) == len(SLOWEST_FIRST)
    assert [path for path in SLOWEST_FIRST if not (ROOT / path).is_file()] == []
