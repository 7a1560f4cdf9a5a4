"""The seed of this run: the one a notebook gives ``utils.setup()``, unless ``DL7_SEED`` names another.

``setup()`` chooses it and keeps it here; the recorded figures (``utils.expected``) say which seed
made them. It imports only ``utils.settings`` (for ``DL7_SEED``), and sits below the set-up.
"""

from __future__ import annotations

from utils import settings

_active_seed: int | None = None


def chosen_seed(seed: int) -> int:
    """``seed``, unless ``DL7_SEED`` names another one."""
    text = settings.SEED.value()
    if not text:
        return seed
    try:
        return int(text)
    except ValueError:
        raise ValueError(f"{settings.SEED}={text!r} is not a whole number; unset it to use the notebook's own seed.") from None


def set_active_seed(seed: int) -> None:
    """Called by ``setup()`` with the seed it used."""
    global _active_seed
    _active_seed = seed


def active_seed() -> int | None:
    """The seed the last ``setup()`` in this process used (None before any)."""
    return _active_seed
