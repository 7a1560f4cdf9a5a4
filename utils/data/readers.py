"""Decoding the files' formats: gzipped IDX (MNIST), the CIFAR-10 batches inside their archive,
``.npz`` arrays, and text.

Every reader takes a path (or bytes) and explicit sizes and returns arrays or strings. Readers know
nothing of profiles, settings, the registry or the cache: the loaders decide what to read and how
much. Archives are read member by member in memory; nothing is extracted to disk.

Imports: ``errors`` only (below it nothing of ``utils.data``).
"""

from __future__ import annotations

import gzip
import io
import pickle
import tarfile
import zipfile
import zlib
from pathlib import Path

import numpy as np

from utils.data.errors import CorruptDataError


def read_idx(path: Path, expected_ndim: int, count: int | None = None) -> np.ndarray:
    """The first ``count`` items (all when ``None``) of a gzipped IDX file, the MNIST format: a magic
    number, the sizes, then uint8 values. Returns a uint8 array whose first axis has ``count`` items."""
    try:
        raw = gzip.decompress(Path(path).read_bytes())
    except (OSError, EOFError, zlib.error) as exc:
        raise CorruptDataError(f"{Path(path).name} is not a readable gzip file ({exc}). Delete it and fetch it again.") from None
    magic = int.from_bytes(raw[:4], "big")
    ndim = magic & 0xFF
    if magic >> 8 != 0x08 or ndim != expected_ndim:
        raise CorruptDataError(f"{Path(path).name} is not an IDX file of {expected_ndim} dimensions (magic number {magic}).")
    shape = tuple(int.from_bytes(raw[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim))
    header = 4 + 4 * ndim
    if len(raw) != header + int(np.prod(shape)):
        raise CorruptDataError(f"{Path(path).name} holds {len(raw) - header} values, but its header announces {shape}.")
    return np.frombuffer(raw, dtype=np.uint8, offset=header).reshape(shape)[:count].copy()


def read_member(archive: Path, member_name: str) -> bytes:
    """The bytes of one regular file inside a tar archive, read in memory (nothing is extracted, so no
    path inside an archive can reach the disk)."""
    archive = Path(archive)
    try:
        with tarfile.open(archive, mode="r:*") as tar:
            member = tar.getmember(member_name)
            if not member.isfile():
                raise CorruptDataError(f"'{member_name}' in {archive.name} is not a regular file.")
            extracted = tar.extractfile(member)
            assert extracted is not None  # isfile() guarantees a file object
            return extracted.read()
    except KeyError:
        raise CorruptDataError(f"The archive {archive.name} has no member '{member_name}'.") from None
    except (tarfile.TarError, EOFError, OSError, zlib.error) as exc:
        raise CorruptDataError(
            f"The archive {archive.name} is truncated or damaged ({type(exc).__name__}: {exc}). Delete it and fetch it again."
        ) from None


def read_cifar10_batches(archive: Path, train_batches: tuple[int, ...]) -> dict[str, np.ndarray]:
    """The batches ``data_batch_N`` (N in ``train_batches``) and ``test_batch`` of a
    ``cifar-10-python.tar.gz`` whose checksum the caller has verified (the batches are Python pickles).

    Returns ``x_train``, ``y_train``, ``x_test``, ``y_test``: uint8 images ``(n, 32, 32, 3)`` (RGB,
    channels last) and uint8 labels ``(n,)``, in the official order."""

    def batch(member: str) -> tuple[np.ndarray, np.ndarray]:
        content = pickle.loads(read_member(archive, f"cifar-10-batches-py/{member}"), encoding="bytes")
        images = np.asarray(content[b"data"], dtype=np.uint8).reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1)
        return np.ascontiguousarray(images), np.asarray(content[b"labels"], dtype=np.uint8)

    train = [batch(f"data_batch_{i}") for i in train_batches]
    x_test, y_test = batch("test_batch")
    return {
        "x_train": np.concatenate([x for x, _ in train]),
        "y_train": np.concatenate([y for _, y in train]),
        "x_test": x_test,
        "y_test": y_test,
    }


def read_npz(source: Path | bytes, keys: tuple[str, ...]) -> dict[str, np.ndarray]:
    """The arrays ``keys`` of an ``.npz`` file (a path, or its bytes), without unpickling anything.
    Other arrays in the file are ignored. Raises ``CorruptDataError`` when it cannot be read."""
    try:
        with np.load(io.BytesIO(source) if isinstance(source, bytes) else source, allow_pickle=False) as npz:
            missing = [key for key in keys if key not in npz.files]
            if missing:
                raise CorruptDataError(f"it has no array {missing[0]!r}")
            return {key: npz[key] for key in keys}
    except (OSError, ValueError, EOFError, zipfile.BadZipFile, zlib.error, AttributeError, TypeError) as exc:
        raise CorruptDataError(f"it is not a readable .npz file ({type(exc).__name__})") from None


def write_npz(arrays: dict[str, np.ndarray]) -> bytes:
    """The bytes of an uncompressed ``.npz`` holding ``arrays`` (what ``np.savez`` writes)."""
    buffer = io.BytesIO()
    np.savez(buffer, allow_pickle=False, **arrays)
    return buffer.getvalue()


def read_text(path: Path, encoding: str) -> str:
    """A whole text file, decoded with ``encoding``; newlines are left as they are."""
    return Path(path).read_bytes().decode(encoding)


def read_lines(path: Path, encoding: str) -> list[str]:
    """The non-blank lines of a text file, stripped. The text is split on ``\\n`` only, so a character
    that some codecs count as a line break (U+0085 from Windows-1252's 0x85 read as latin-1) is not."""
    return [line.strip() for line in read_text(path, encoding).split("\n") if line.strip()]
