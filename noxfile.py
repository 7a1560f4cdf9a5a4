"""The compatibility matrix: every notebook, top to bottom, in each environment of
``utils/tested_environments.py`` (Colab's runtime, the newest releases, the oldest supported), one nox
session each. Run it with ``python course.py matrix [ENV ...]``, which finds the Python versions
and calls nox (https://nox.thea.codes, by Alethea Katherine Flowers and the nox contributors)."""

import sys
from pathlib import Path

import nox

sys.path.insert(0, str(Path(__file__).resolve().parent))
from utils import settings  # noqa: E402
from utils.tested_environments import ENVIRONMENTS  # noqa: E402

nox.options.sessions = list(ENVIRONMENTS)
nox.options.error_on_missing_interpreters = True  # a matrix that skips an environment proves nothing


def _session(environment):
    def run_notebooks(session):
        session.install(*environment.requirements())
        session.run(
            "python",
            "-m",
            "tools.matrix",
            "run",
            environment.name,
            *session.posargs,
            # quiet start-up: TensorFlow in the runner itself, the debugger in old ipykernels on 3.13
            env={
                settings.PROFILE.name: "quick",
                settings.NO_INSTALL.name: "1",
                "TF_CPP_MIN_LOG_LEVEL": "3",
                "PYDEVD_DISABLE_FILE_VALIDATION": "1",
            },
        )

    run_notebooks.__doc__ = f"Python {environment.python}, {', '.join(environment.requirements())}: {environment.source}"
    return nox.session(name=environment.name, python=environment.python)(run_notebooks)


for _environment in ENVIRONMENTS.values():
    globals()[f"session_{_environment.name}"] = _session(_environment)
