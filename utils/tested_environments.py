"""The environments the course is tested in, besides the pinned one of ``requirements.txt``.

One table, so that following Colab or a new release is one edit here. ``python course.py matrix``
runs every notebook top to bottom in each of them (through nox; see ``noxfile.py``), and the
set-up cell compares the versions it finds with these.

Where the versions come from
    ``colab``: Google's own list of what Colab's runtime has installed, the ``pip-freeze.txt`` and
    ``os-info.txt`` of https://github.com/googlecolab/backend-info (the commit is named below).
    ``newest``: the newest release of each package that installs together with TensorFlow's newest
    on the newest Python it supports (looked up with ``pip index versions`` on the day named).
    ``oldest``: the oldest versions the README claims: Colab's 2026.01 runtime (the oldest past
    runtime Colab still offers with TensorFlow 2.19), on the oldest Python the README names.
"""

from __future__ import annotations

import dataclasses


@dataclasses.dataclass(frozen=True)
class Environment:
    """A Python version and the packages that matter to the course, pinned, with their source."""

    name: str
    python: str
    packages: dict[str, str]
    source: str

    def requirements(self) -> list[str]:
        """``name==version`` lines for pip."""
        return [f"{name}=={version}" for name, version in self.packages.items()]


#: The Python versions the README names (the pinned requirements.txt installs on each; CI runs the
#: pinned suite on 3.11 and the matrix on the versions below).
SUPPORTED_PYTHONS = ("3.10", "3.11", "3.12", "3.13")

#: The packages whose versions decide what the course does, named in every environment (plus what
#: the notebooks import besides: pooch, platformdirs, tqdm; and nbclient, which runs them).
KEY_PACKAGES = ("tensorflow", "keras", "numpy", "matplotlib", "ipywidgets", "ipykernel", "ipython", "pyparsing")

ENVIRONMENTS: dict[str, Environment] = {
    "colab": Environment(
        name="colab",
        python="3.13",
        packages={
            "tensorflow": "2.20.0",
            "keras": "3.13.2",
            "numpy": "2.1.3",
            "matplotlib": "3.10.0",
            "ipywidgets": "7.7.1",
            "ipykernel": "6.17.1",
            "ipython": "7.34.0",
            "pyparsing": "3.3.2",
            "pooch": "1.9.0",
            "platformdirs": "4.11.3",
            "tqdm": "4.67.3",
            "nbclient": "0.10.4",
        },
        source=(
            "Colab's default runtime: googlecolab/backend-info at commit a724079 (2026-08-19, "
            "'Upgrade to Python 3.13'), pip-freeze.txt and os-info.txt (Python 3.13.15)"
        ),
    ),
    "newest": Environment(
        name="newest",
        python="3.13",
        packages={
            "tensorflow": "2.21.0",
            "keras": "3.15.1",
            "numpy": "2.5.5",
            "matplotlib": "3.11.2",
            "ipywidgets": "8.1.9",
            "ipykernel": "7.4.0",
            "ipython": "9.18.1",
            "pyparsing": "3.3.3",
            "pooch": "1.9.0",
            "platformdirs": "4.14.9",
            "tqdm": "4.70.1",
            "nbclient": "0.11.0",
        },
        source="the newest releases on PyPI that install together with TensorFlow 2.21.0 on Python 3.13 (2026-12-01)",
    ),
    "oldest": Environment(
        name="oldest",
        python="3.10",
        packages={
            "tensorflow": "2.19.0",
            "keras": "3.10.0",
            "numpy": "2.0.2",
            "matplotlib": "3.10.0",
            "ipywidgets": "7.7.1",
            "ipykernel": "6.17.1",
            "ipython": "7.34.0",
            "pyparsing": "3.3.1",
            "pooch": "1.8.2",
            "platformdirs": "4.5.1",
            "tqdm": "4.67.1",
            "nbclient": "0.10.4",
        },
        source=(
            "Colab's 2026.01 runtime: googlecolab/backend-info at commit bd8aaa4 (2026-01-16), "
            "pip-freeze.txt, on Python 3.10 instead of its 3.12 (the oldest Python the README claims)"
        ),
    ),
}
