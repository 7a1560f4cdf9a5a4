"""The errors of the data layer. Each message says what went wrong and what to do about it.

A leaf of ``utils.data``: it imports nothing of the course.
"""

from __future__ import annotations


class DataError(RuntimeError):
    """A dataset cannot be provided; the message says what to do."""

    def _render_traceback_(self):
        # IPython shows these lines instead of a long traceback: the message is the whole story.
        return [f"{type(self).__name__}: {self}"]


class DatasetUnavailableError(DataError):
    """A file is not cached and could not be obtained (offline, every address failed, or the file it
    is cut from is unavailable). ``reasons`` holds one line per source that was tried."""

    def __init__(self, message: str, reasons: tuple[str, ...] = ()):
        super().__init__(message)
        self.reasons = tuple(reasons)


class CorruptDataError(DataError):
    """A file's bytes are not what the registry says (wrong checksum, truncated, unreadable)."""
