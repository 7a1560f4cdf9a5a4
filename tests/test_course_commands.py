"""The README's two commands: `python course.py lab` serves the notebooks, `python course.py test`
is what CI runs. (The test command itself is what is running these tests.)"""

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
    env = dict(os.environ, JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"), JUPYTER_CONFIG_DIR=str(tmp_path / "config"))
    args = [sys.executable, "course.py", "lab", "--no-browser", f"--port={port}", "--ServerApp.ip=127.0.0.1",
            f"--IdentityProvider.token={token}", "--ServerApp.port_retries=0"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        args.append("--allow-root")  # CI machines run as root, which Jupyter refuses without this
    server = subprocess.Popen(args, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        listing, deadline = None, time.monotonic() + 90
        while listing is None and time.monotonic() < deadline and server.poll() is None:
            try:
                url = f"http://127.0.0.1:{port}/api/contents/notebooks?token={token}"
                with urllib.request.urlopen(url, timeout=5) as response:
                    listing = json.load(response)
            except OSError:
                time.sleep(0.5)
        assert listing is not None, "JupyterLab did not answer within 90 s"
        names = {item["name"] for item in listing["content"]}
        assert "01_introducing_deep_learning.ipynb" in names and "02_getting_technical.ipynb" in names
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/lab?token={token}", timeout=10) as response:
            assert response.status == 200 and b"JupyterLab" in response.read()
    finally:  # stop JupyterLab (and anything it started) even when the test failed
        stop_process_group(server)
