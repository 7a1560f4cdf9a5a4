"""What a registry file's checksum is, and how a file (or bytes) is checked against it.

There are two kinds, and every file of the registry has one of them:

- ``FileSha256``: the SHA-256 of the file's bytes (computed with ``pooch.file_hash``). Every
  downloaded file has one; pooch checks it during the download too.
- ``ArraysSha256``: the SHA-256 of named arrays inside an ``.npz`` (name, dtype, shape and values, see
  ``arrays_sha256``). For a file the course writes itself, whose bytes depend on the writer: the
  CIFAR-10 quick subset is an ``.npz``, and the bytes of an ``.npz`` change with the NumPy version
  and with compression, while its arrays do not.

Both answer the same two questions: ``mismatch(path_or_bytes)`` (``None`` when it matches, else the
words for a message) and ``str(checksum)`` (what to expect, for a message).

Imports: ``errors`` and ``readers``.
"""

from __future__ import annotations

import dataclasses
import hashlib
from pathlib import Path

import numpy as np

from utils.data.errors import CorruptDataError
from utils.data.readers import read_npz


@dataclasses.dataclass(frozen=True)
class FileSha256:
    """The SHA-256 of a file's bytes, as 64 hex digits."""

    hexdigest: str

    @property
    def pooch_hash(self) -> str:
        """The checksum as ``pooch.retrieve(known_hash=...)`` takes it, so that pooch checks the download."""
        return f"sha256:{self.hexdigest}"

    def digest(self, content: Path | bytes) -> str:
        """The SHA-256 of a file (by its path) or of bytes."""
        if isinstance(content, bytes):
            return hashlib.sha256(content).hexdigest()
        import pooch

        return pooch.file_hash(str(content), alg="sha256")

    def mismatch(self, content: Path | bytes) -> str | None:
        """``None`` if ``content`` (a path or bytes) has this checksum, else what is wrong, in words."""
        actual = self.digest(content)
        if actual == self.hexdigest:
            return None
        return f"has the wrong checksum (SHA-256 {actual[:12]}..., expected {self.hexdigest[:12]}...)"

    def __str__(self) -> str:
        return f"SHA-256 {self.hexdigest}"


@dataclasses.dataclass(frozen=True)
class ArraysSha256:
    """The SHA-256 of the arrays ``keys`` of an ``.npz`` (other arrays in the file do not count)."""

    hexdigest: str
    keys: tuple[str, ...]

    #: pooch cannot check this kind while it downloads; the cache checks it afterwards.
    pooch_hash = None

    def digest(self, content: Path | bytes) -> str:
        """The arrays' SHA-256 of an ``.npz`` (a path or its bytes); ``CorruptDataError`` if unreadable."""
        return arrays_sha256(read_npz(content, self.keys))

    def mismatch(self, content: Path | bytes) -> str | None:
        """``None`` if the ``.npz`` (a path or bytes) holds these arrays, else what is wrong, in words."""
        try:
            actual = self.digest(content)
        except CorruptDataError as exc:
            return f"cannot be read ({exc})"
        if actual == self.hexdigest:
            return None
        return f"has the wrong checksum (SHA-256 of its arrays {actual[:12]}..., expected {self.hexdigest[:12]}...)"

    def __str__(self) -> str:
        return f"SHA-256 {self.hexdigest} of its arrays {', '.join(self.keys)}"


Checksum = FileSha256 | ArraysSha256


def arrays_sha256(arrays: dict[str, np.ndarray]) -> str:
    """SHA-256 over named arrays: for each name in sorted order, the name, dtype, shape and bytes."""
    digest = hashlib.sha256()
    for name in sorted(arrays):
        array = np.ascontiguousarray(arrays[name])
        digest.update(f"{name}|{array.dtype.str}|{array.shape}|".encode())
        digest.update(array.tobytes())
    return digest.hexdigest()
