"""The tables of bad inputs that ``tests/test_bad_inputs.py`` runs: one module per group of ``utils``
topic modules, each with a list ``CASES`` of :class:`Bad` and :class:`Diverges` rows."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable


@dataclasses.dataclass(frozen=True)
class Bad:
    """Calling ``call()`` must raise ``error`` with a message that contains every text of ``names``
    (the argument's name and the value as the message shows it, say ``"padding"`` and ``"'bogus'"``)."""

    label: str
    call: Callable[[], object]
    error: type[BaseException]
    names: tuple[str, ...]


@dataclasses.dataclass(frozen=True)
class Diverges:
    """Calling ``call()`` must warn (``RuntimeWarning``) that the cost became NaN or infinite, naming ``where``."""

    label: str
    call: Callable[[], object]
    where: str
