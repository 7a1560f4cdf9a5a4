"""Where the course is (its repository address and its folder) and where it runs (Colab or not).
A leaf module (standard library only), so that every other module and ``course.py`` can import it first."""

import sys
from pathlib import Path

#: The course repository. The notebooks' set-up cells and "Open in Colab" badges use this address;
#: ``tests/test_notebook_hygiene.py`` checks that they all agree with it.
REPOSITORY = "dl7-course/seven-steps"
REPOSITORY_URL = f"https://github.com/{REPOSITORY}"

#: The repository root (the folder holding ``utils/`` and ``notebooks/``).
ROOT = Path(__file__).resolve().parent.parent


def in_colab() -> bool:
    """True inside Google Colab (its kernel imports ``google.colab`` at start-up)."""
    return "google.colab" in sys.modules
