#!/usr/bin/env python3
"""Set up and run the course with one command. Needs only Python 3.10-3.13 (standard library).

    python course.py lab                  open the course in JupyterLab
    python course.py test                 fetch the quick-profile data if needed, then run every test: unit
                                          tests, every lab tried with its solution and typical mistakes, the
                                          notebooks under nbval, and the browser test (JupyterLab in Chromium)
    python course.py progress             your labs: done, attempted and not started, step by step
    python course.py data fetch all       download and verify the datasets ahead of time
    python course.py data verify          check the cached datasets against their checksums
    python course.py benchmark backprop   measure step 3's per-example loop against the vectorized network
    python course.py benchmark three-ways step 4's table: the same network in NumPy, TensorFlow and Keras
    python course.py benchmark conv       step 5's NumPy convolution and pooling against TensorFlow's
    python course.py benchmark course     every notebook in a fresh kernel: time, memory, headline figures
    python course.py book                 the course as a website (README, notebooks with their stored outputs,
                                          data, credits) in _build/book/; open _build/book/index.html
    python course.py execute [NOTEBOOK]   (maintainers) re-run notebooks in a fresh kernel, store outputs
    python course.py export [--check]     (maintainers) copy the notebooks' "# @save" cells into utils/ (the
                                          one source of code that a notebook shows and later steps reuse)
    python course.py matrix [ENV ...]     (maintainers) every notebook in Colab's runtime versions, the newest
                                          releases and the oldest supported ones (utils/tested_environments.py),
                                          each headline figure checked against its expected range
    python course.py ranges               (maintainers) re-measure those ranges over seeds and environments
                                          and write utils/expected_ranges.json and the README's table

The first run creates a virtual environment in .venv/ inside this folder and installs
requirements.txt into it (a few minutes: TensorFlow is large). Later runs reuse it and reinstall
only when requirements.txt changes. Extra arguments go to JupyterLab or pytest.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

from utils import settings  # standard library only: safe before the course's environment exists

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
REQUIREMENTS = ROOT / "requirements.txt"
#: The Python versions whose notebooks the tests run: the pinned suite (3.11 in CI) and the
#: compatibility matrix (utils/tested_environments.py: 3.10 and 3.13). 3.12 installs but is not run.
TESTED_PYTHONS = ((3, 10), (3, 11), (3, 13))
FIRST_NOTEBOOK = "notebooks/01_introducing_deep_learning.ipynb"


def venv_python() -> Path:
    return VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


#: Written into .venv when course.py creates it: only then may course.py install into it unasked.
OWNER_MARK = ".created-by-course-py"
#: DL7_NO_INSTALL=1 forbids any installation (the tests set it: a test must never change the environment it
#: runs in); DL7_INSTALL=yes lets course.py install into a .venv it did not create.
NO_INSTALL_VARIABLE, INSTALL_VARIABLE = settings.NO_INSTALL.name, settings.INSTALL.name


def _ours() -> bool:
    """Whether .venv was made by course.py (its mark, or the stamp that older versions wrote)."""
    return (VENV / OWNER_MARK).is_file() or (VENV / ".requirements.sha256").is_file()


def _may_install_into_foreign_venv() -> bool:
    if settings.INSTALL.value().lower() in ("1", "yes", "y"):
        return True
    message = (
        f"{VENV.name}/ exists but was not created by course.py. Installing the course's pinned packages into it "
        "could replace what is there (TensorFlow, NumPy, ...)."
    )
    if sys.stdin.isatty():
        answer = input(f"{message}\nInstall into it anyway? [y/N] ").strip().lower()
        return answer in ("y", "yes")
    sys.exit(
        f"{message}\nTo let course.py install into it, run the command again with {INSTALL_VARIABLE}=yes; "
        f"to keep it as it is, rename it (course.py then makes its own {VENV.name}/)."
    )


def ensure_environment() -> Path:
    """Create .venv and install requirements.txt into it, unless that was already done for this file.

    Never installs when DL7_NO_INSTALL=1, and never into a .venv that course.py did not create
    without asking first."""
    stamp = VENV / ".requirements.sha256"
    wanted = hashlib.sha256(REQUIREMENTS.read_bytes()).hexdigest()
    python = venv_python()
    if python.exists() and stamp.is_file() and stamp.read_text().strip() == wanted:
        return python
    if settings.NO_INSTALL.is_on():
        if python.exists():
            return python  # as it is: nothing is installed or upgraded
        sys.exit(f"{VENV.name}/ is not set up, and {NO_INSTALL_VARIABLE} forbids installing. Unset it and run the command again.")
    version = sys.version_info[:2]
    if version < TESTED_PYTHONS[0] or version > (3, 13):
        sys.exit(
            f"This course needs Python 3.10, 3.11, 3.12 or 3.13 (TensorFlow has no packages for {version[0]}.{version[1]}).\n"
            "Install one from https://www.python.org/downloads/ and run this command with it, "
            "for example: py -3.12 course.py ... (Windows) or python3.12 course.py ... (macOS, Linux)."
        )
    if version not in TESTED_PYTHONS:
        print(f"Note: Python {version[0]}.{version[1]} should work but the tests do not run it; 3.10, 3.11 and 3.13 are tested.")
    if python.exists() and not _ours() and not _may_install_into_foreign_venv():
        sys.exit(f"Nothing was installed. Rename {VENV.name}/ to let course.py make its own, or set {INSTALL_VARIABLE}=yes.")
    if not python.exists():
        print(f"Creating a virtual environment in {VENV.name}/ ...", flush=True)
        try:
            venv.EnvBuilder(with_pip=True).create(VENV)
        except (OSError, subprocess.CalledProcessError) as exc:
            sys.exit(f"Could not create {VENV}: {exc}\nOn Debian or Ubuntu, install the venv module first: sudo apt install python3-venv")
        (VENV / OWNER_MARK).write_text("This virtual environment was created by course.py, which installs requirements.txt into it.\n")
    print("Installing the course's packages (first time: a few minutes; TensorFlow is large) ...", flush=True)
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--upgrade", "pip"], check=True)
    result = subprocess.run([str(python), "-m", "pip", "install", "--quiet", "-r", str(REQUIREMENTS)])
    if result.returncode != 0:
        sys.exit("Installing requirements.txt failed (see pip's message above). Check your network and run the command again.")
    stamp.write_text(wanted)
    return python


def lab_arguments(rest: list[str]) -> list[str]:
    """JupyterLab's command line: serve the whole folder (README, utils) and open the first notebook.
    As root (a container, a cloud VM), Jupyter refuses to start without --allow-root, so it is added."""
    args = ["-m", "jupyter", "lab", f"--ServerApp.root_dir={ROOT}", f"--LabApp.default_url=/lab/tree/{FIRST_NOTEBOOK}", *rest]
    if hasattr(os, "geteuid") and os.geteuid() == 0 and "--allow-root" not in rest:
        print("Running as root (as in a container or a cloud machine): starting JupyterLab with --allow-root.", flush=True)
        args.append("--allow-root")
    return args


def find_python(version: str) -> str | None:
    """The folder of a ``python3.X`` interpreter: on PATH, else among pyenv's installed versions."""
    import glob
    import shutil

    found = shutil.which(f"python{version}")
    if found and Path(found).parent.name != "shims":  # pyenv's shims fail for a version not selected
        return str(Path(found).parent)
    pyenv = os.environ.get("PYENV_ROOT", str(Path.home() / ".pyenv"))
    candidates = sorted(glob.glob(os.path.join(pyenv, "versions", f"{version}.*", "bin", f"python{version}")))
    return str(Path(candidates[-1]).parent) if candidates else None


def matrix_command(rest: list[str]) -> tuple[list[str], dict]:
    """nox's command line and environment for ``python course.py matrix [ENV ...] [-- NOTEBOOK ...]``:
    the interpreters each environment needs are put on PATH (nox looks for python3.X there)."""
    sys.path.insert(0, str(ROOT))
    from utils.tested_environments import ENVIRONMENTS

    split = rest.index("--") if "--" in rest else len(rest)
    names, notebooks = rest[:split], rest[split + 1 :]
    # nox's own options: --install-only makes the environments and stops; --no-install reuses them as they are.
    nox_options = [n for n in names if n in ("--install-only", "--no-install")]
    names = [n for n in names if n not in nox_options]
    unknown = [n for n in names if n not in ENVIRONMENTS]
    if unknown:
        sys.exit(f"Unknown environment {', '.join(unknown)}; the matrix has {', '.join(ENVIRONMENTS)}.")
    chosen = names or list(ENVIRONMENTS)
    folders, missing = [], []
    for version in dict.fromkeys(ENVIRONMENTS[n].python for n in chosen):
        folder = find_python(version)
        (folders if folder else missing).append(folder or version)
    if missing:
        sys.exit(f"The matrix needs Python {', '.join(missing)}, which is not installed (python3.X on PATH, or pyenv).")
    env = dict(os.environ, PATH=os.pathsep.join([*folders, os.environ.get("PATH", "")]))
    # An existing environment is reused (pip then only checks it); a clean clone makes each afresh.
    return [
        "-m",
        "nox",
        "--noxfile",
        str(ROOT / "noxfile.py"),
        "--reuse-existing-virtualenvs",
        *nox_options,
        "--sessions",
        *chosen,
        "--",
        *notebooks,
    ], env


def run(args: list[str], env: dict | None = None) -> int:
    try:
        return subprocess.call([str(ensure_environment()), *args], cwd=ROOT, env=env)
    except KeyboardInterrupt:
        return 130


def main(argv: list[str]) -> int:
    if not argv or argv[0] in ("-h", "--help", "help"):
        print(__doc__)
        return 0
    command, rest = argv[0], argv[1:]
    if command == "lab":
        return run(lab_arguments(rest))
    if command == "test":
        # The stored outputs come from the quick profile, so the tests always use it. The data it
        # needs are fetched (or, when cached, verified) first: the tests themselves never download.
        # On a machine with a GPU, TensorFlow is kept on the CPU: the stored outputs are a CPU's.
        # A seed of your own (DL7_SEED) or a figures file (DL7_RECORD) would change or add to what the
        # notebooks print, so they are not passed on.
        env = settings.child_environment(PROFILE="quick", SEED=None, RECORD=None)
        env["CUDA_VISIBLE_DEVICES"] = ""
        fetched = run(["-m", "utils.data", "fetch", "all"], env=env)
        if fetched != 0:
            return fetched
        # One pytest worker per core (at most 4); --dist loadfile keeps a notebook's cells together, and
        # --no-loadscope-reorder hands the files out in collection order, the slowest first (tests/conftest.py),
        # instead of the files with the most tests first; the ten slowest tests are listed at the end, so the
        # suite's time is visible in every log.
        return run(
            ["-m", "pytest", "-n", "auto", "--maxprocesses", "4", "--dist", "loadfile", "--no-loadscope-reorder", "--durations=10", *rest],
            env=env,
        )
    if command == "data":
        return run(["-m", "utils.data", *rest])
    if command == "progress":
        return run(["-m", "utils.exercises", *rest])
    if command == "benchmark":
        return run(["-m", "tools.benchmark", *rest])
    if command == "book":
        return run(["-m", "tools.book", *rest])
    if command == "execute":
        return run(["-m", "tools.notebooks", "execute", *rest])
    if command == "export":
        return run(["-m", "tools.export", *rest])
    if command == "matrix":
        return run(*matrix_command(rest))
    if command == "ranges":
        # Measure (every notebook over seeds, in every environment: about an hour), then write the table.
        if rest:
            return run(["-m", "tools.ranges", *rest])
        return run(["-m", "tools.ranges", "measure"]) or run(["-m", "tools.ranges", "write"])
    print(f"Unknown command {command!r}.\n{__doc__}")
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
