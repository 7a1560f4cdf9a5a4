"""Every setting the course reads from the environment: the one module that knows the ``DL7_*`` names.

Each setting is read here, when it is needed, not once at import: a learner may set one in a notebook
(``%env DL7_PROFILE=full``) before the set-up cell, and a test may set one for a single test. Other
modules ask this one (``settings.PROFILE.value()``) and never spell a name themselves; child processes
get their settings through :func:`child_environment`. A leaf module: standard library only.
"""

from __future__ import annotations

import dataclasses
import os


@dataclasses.dataclass(frozen=True)
class Setting:
    """One environment variable of the course: its name and what it does."""

    name: str
    meaning: str

    def value(self) -> str:
        """The variable's value, stripped; ``""`` when it is unset."""
        return os.environ.get(self.name, "").strip()

    def is_on(self) -> bool:
        """For a switch: set to anything but ``""`` or ``0``."""
        return self.value() not in ("", "0")

    def __str__(self) -> str:
        return self.name


PROFILE = Setting(
    "DL7_PROFILE", "the profile: quick (the default) or full (the published sizes); smoke: the course's own lab and browser tests"
)
SEED = Setting("DL7_SEED", "a seed that replaces the one each notebook gives utils.setup() (the set-up line says so)")
DATA_DIR = Setting("DL7_DATA_DIR", "the data cache folder (default: data/ in the course folder; relative paths count from it)")
OFFLINE = Setting("DL7_OFFLINE", "1: never download; a missing dataset file is an error that names the fetch command")
PROGRESS = Setting("DL7_PROGRESS", "the file that keeps your lab progress (default: progress.json in your per-user data folder)")
RECORD = Setting(
    "DL7_RECORD", "a file to which each headline figure is appended as a JSON line (the matrix, the ranges and the benchmark read it)"
)
REPO_URL = Setting("DL7_REPO_URL", "the repository that a notebook's set-up cell clones in Colab (for a fork)")
ROOT_DIR = Setting("DL7_ROOT", "the course folder, for a notebook opened from elsewhere")
NO_INSTALL = Setting("DL7_NO_INSTALL", "1: course.py never installs into .venv (it fails if something is missing)")
INSTALL = Setting("DL7_INSTALL", "yes: course.py may install into a .venv that it did not create")
CI = Setting("DL7_CI", "1: in CI, where a browser test that cannot run is a failure, not a skip")
CHROMIUM = Setting("DL7_CHROMIUM", "the Chromium (or Chrome) that the browser tests drive, if it is not on PATH")

#: Every setting, in the order the README lists them.
ALL = (PROFILE, SEED, DATA_DIR, OFFLINE, PROGRESS, RECORD, REPO_URL, ROOT_DIR, NO_INSTALL, INSTALL, CI, CHROMIUM)


def child_environment(base: dict[str, str] | None = None, **values: str | None) -> dict[str, str]:
    """A copy of ``base`` (default: this process's environment) for a child process, with the given
    settings set, or removed where the value is ``None``: ``child_environment(PROFILE="quick", SEED=None)``."""
    environment = dict(os.environ if base is None else base)
    for key, value in values.items():
        setting = globals().get(key)
        if not isinstance(setting, Setting):
            raise KeyError(f"{key} is not a setting of the course; they are: {', '.join(_key(s) for s in ALL)}.")
        if value is None:
            environment.pop(setting.name, None)
        else:
            environment[setting.name] = str(value)
    return environment


def _key(setting: Setting) -> str:
    return next(key for key, value in globals().items() if value is setting)


def table() -> str:
    """The settings as a Markdown table (the README's "Settings" section is this table)."""
    rows = [f"| `{s.name}` | {s.meaning} |" for s in ALL]
    return "\n".join(["| variable | what it does |", "|---|---|", *rows])
