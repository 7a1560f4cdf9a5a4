"""The course datasets: one registry, a verified download cache, and loaders.

Where the files live
    The cache is the folder named by the environment variable ``DL7_DATA_DIR`` (relative paths
    count from the repository root), else ``data/`` in the repository. Its layout is ``<dataset>/<file>`` (for example ``mnist/t10k-labels-idx1-ubyte.gz``),
    the same as a copy of the files made elsewhere, so a prepared folder can simply be pointed at.

How a file gets there
    A loader asks for a file; if it is cached and its SHA-256 matches the registry it is used.
    Otherwise it is downloaded with pooch (https://www.fatiando.org/pooch, by the Fatiando a Terra
    project): with a timeout, a progress bar, a checksum check, and an atomic move into the cache,
    so an interrupted download never leaves a half-written file. A cached file with a wrong
    checksum is reported and fetched again, never used. With ``DL7_OFFLINE=1``, or when every
    address fails, you get one error naming the dataset, the file, the addresses and the command
    that fetches it.

Archives are read member by member in memory (nothing is extracted to disk, so no path in an
archive can escape the cache), and the CIFAR-10 batches, which are Python pickles, are only
unpickled from an archive whose checksum has just been verified.

Command line (run from the repository root)::

    python -m utils.data fetch mnist        # or cifar10, tinyshakespeare, rt-polarity, several, all
    python -m utils.data verify             # check every cached file against the registry
    python -m utils.data list               # what each profile downloads, its size, what is cached

(``python course.py data ...`` runs the same from any Python: it uses the course's environment.)

``fetch`` gets what the active profile needs (DL7_PROFILE=full for the whole CIFAR-10 archive).
"""

from __future__ import annotations

import argparse
import dataclasses
import gzip
import hashlib
import io
import os
import pickle
import sys
import tarfile
import tempfile
import zlib
from pathlib import Path

import numpy as np

from utils.paths import ROOT
from utils.profiles import active_profile

#: Environment variable naming the cache folder (default: ``<repository>/data``).
CACHE_VARIABLE = "DL7_DATA_DIR"
#: Set to 1 to forbid downloads (a missing file then fails at once with the clear message).
OFFLINE_VARIABLE = "DL7_OFFLINE"
#: Download timeouts in seconds: (to connect, between two packets).
TIMEOUT = (10, 60)


class DataError(RuntimeError):
    """A dataset cannot be provided; the message says what to do."""

    def _render_traceback_(self):
        # IPython shows these lines instead of a long traceback: the message is the whole story.
        return [f"{type(self).__name__}: {self}"]


class DatasetUnavailableError(DataError):
    """A file is not cached and could not be downloaded (offline, or every address failed)."""


class CorruptDataError(DataError):
    """A file's bytes are not what the registry says (wrong checksum, truncated, unreadable)."""


# --------------------------------------------------------------------------------------------
# The registry
# --------------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Source:
    """One address a file can be fetched from; ``member`` names the file inside an archive there."""

    url: str
    member: str | None = None


@dataclasses.dataclass(frozen=True)
class DataFile:
    """A file of a dataset: its name in the cache, its checksum and size, and where to get it."""

    name: str
    sha256: str
    size: int
    sources: tuple[Source, ...]


@dataclasses.dataclass(frozen=True)
class Dataset:
    """A course dataset: the cache folder name, a title, the citation and its files."""

    name: str
    title: str
    citation: str
    homepage: str
    files: tuple[DataFile, ...]

    def file(self, name: str) -> DataFile:
        for data_file in self.files:
            if data_file.name == name:
                return data_file
        raise KeyError(f"{self.name} has no file {name!r}; it has {[f.name for f in self.files]}")


def _mnist_file(name: str, sha256: str, size: int) -> DataFile:
    # Yann LeCun's page is the original home, but it now refuses most scripted downloads, so the
    # two long-standing mirrors with the same bytes are tried first.
    return DataFile(
        name,
        sha256,
        size,
        (
            Source(f"https://storage.googleapis.com/cvdf-datasets/mnist/{name}"),
            Source(f"https://ossci-datasets.s3.amazonaws.com/mnist/{name}"),
            Source(f"http://yann.lecun.com/exdb/mnist/{name}"),
        ),
    )


_RT_POLARITY_TARBALL = "https://www.cs.cornell.edu/people/pabo/movie-review-data/rt-polaritydata.tar.gz"
# Denny Britz's repository held the original (Windows-1252) files in its first commit.
_RT_POLARITY_MIRROR = (
    "https://raw.githubusercontent.com/dennybritz/cnn-text-classification-tf/"
    "5a4610cd713c184ffd9e4dade7ba811ded30e71c/data/rt-polaritydata/"
)


def _rt_polarity_file(name: str, sha256: str, size: int) -> DataFile:
    return DataFile(
        name,
        sha256,
        size,
        (Source(_RT_POLARITY_TARBALL, member=f"rt-polaritydata/{name}"), Source(_RT_POLARITY_MIRROR + name)),
    )


REGISTRY: dict[str, Dataset] = {
    "mnist": Dataset(
        name="mnist",
        title="MNIST handwritten digits",
        citation=(
            "Y. LeCun, L. Bottou, Y. Bengio and P. Haffner, 'Gradient-based learning applied to document "
            "recognition', Proc. IEEE 86(11), 1998. Data by Yann LeCun, Corinna Cortes and Christopher Burges."
        ),
        homepage="http://yann.lecun.com/exdb/mnist/",
        files=(
            _mnist_file("train-images-idx3-ubyte.gz", "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609", 9912422),
            _mnist_file("train-labels-idx1-ubyte.gz", "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c", 28881),
            _mnist_file("t10k-images-idx3-ubyte.gz", "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6", 1648877),
            _mnist_file("t10k-labels-idx1-ubyte.gz", "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6", 4542),
        ),
    ),
    "cifar10": Dataset(
        name="cifar10",
        title="CIFAR-10 tiny images",
        citation="Alex Krizhevsky, 'Learning Multiple Layers of Features from Tiny Images', Technical Report, University of Toronto, 2009.",
        homepage="https://www.cs.toronto.edu/~kriz/cifar.html",
        files=(
            DataFile(
                "cifar-10-python.tar.gz",
                "6d958be074577803d12ecdefd02955f39262c83c16fe9348329d7fe0b5c001ce",
                170498071,
                (Source("https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"),),
            ),
        ),
    ),
    "tinyshakespeare": Dataset(
        name="tinyshakespeare",
        title="Tiny Shakespeare",
        citation="Compiled by Andrej Karpathy for char-rnn (2015); see 'The Unreasonable Effectiveness of Recurrent Neural Networks'.",
        homepage="https://github.com/karpathy/char-rnn",
        files=(
            DataFile(
                "input.txt",
                "86c4e6aa9db7c042ec79f339dcb96d42b0075e16b8fc2e86bf0ca57e2dc565ed",
                1115394,
                (Source("https://raw.githubusercontent.com/karpathy/char-rnn/master/data/tinyshakespeare/input.txt"),),
            ),
        ),
    ),
    "rt-polarity": Dataset(
        name="rt-polarity",
        title="Sentence polarity dataset v1.0 (movie reviews)",
        citation=(
            "Bo Pang and Lillian Lee, 'Seeing stars: Exploiting class relationships for sentiment "
            "categorization with respect to rating scales', Proceedings of ACL 2005."
        ),
        homepage="https://www.cs.cornell.edu/people/pabo/movie-review-data/",
        files=(
            _rt_polarity_file("rt-polarity.pos", "d79ef14009bbf87cd6be21f91c3ea1a3cbcb73b34dfb4231aef7bbcd7677abc4", 626168),
            _rt_polarity_file("rt-polarity.neg", "4af43bf489620b498a0852c5a8c6a535155dec7985fdfea782b8f7756b957ccc", 612290),
        ),
    ),
}

#: The CIFAR-10 quick subset: the first 4,000 images of data_batch_1 and the first 1,000 of
#: test_batch. It is cached as an .npz built from the archive; a file's bytes depend on how it
#: was written, so the subset is verified by the SHA-256 of its arrays (see ``arrays_sha256``).
CIFAR10_SUBSET_FILE = "cifar10_subset.npz"
CIFAR10_SUBSET_SIZES = (4_000, 1_000)
CIFAR10_SUBSET_SHA256 = "5977aba2c0fef87d35288b944636b1a8b1ab606582c6fa9360430714d5690712"
#: Size in bytes of the subset's .npz as ``np.savez`` writes it (for the download listing only).
CIFAR10_SUBSET_BYTES = 14_171_268
CIFAR10_CLASSES = ("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck")


#: The datasets each step's notebook reads; its set-up cell checks only these
#: (``tests/test_data.py`` holds this table equal to the loaders each notebook calls).
STEP_DATASETS: dict[int, tuple[str, ...]] = {
    1: ("mnist",),
    2: ("mnist",),
    3: ("mnist",),
    4: ("mnist",),
    5: ("mnist", "cifar10"),
    6: ("tinyshakespeare", "rt-polarity"),
    7: ("mnist",),
}

#: The command that fetches data from wherever the user stands: ``course.py`` finds (or makes) the
#: course's environment itself, whereas ``python -m utils.data`` works only inside it.
FETCH_COMMAND = "python course.py data fetch"


# --------------------------------------------------------------------------------------------
# The cache
# --------------------------------------------------------------------------------------------


def cache_dir() -> Path:
    """The cache folder: ``$DL7_DATA_DIR`` if set (a relative path counts from the repository
    root, so it means the same in a shell and in a notebook kernel), else ``<repository>/data``."""
    configured = os.environ.get(CACHE_VARIABLE, "").strip()
    return (ROOT / Path(configured).expanduser()).resolve() if configured else ROOT / "data"


def sha256_of(path: Path) -> str:
    """The SHA-256 of a file, as 64 hex digits."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def arrays_sha256(arrays: dict[str, np.ndarray]) -> str:
    """SHA-256 over named arrays (name, dtype, shape and bytes, in sorted name order)."""
    digest = hashlib.sha256()
    for name in sorted(arrays):
        array = np.ascontiguousarray(arrays[name])
        digest.update(f"{name}|{array.dtype.str}|{array.shape}|".encode())
        digest.update(array.tobytes())
    return digest.hexdigest()


def _dataset(name: str) -> Dataset:
    try:
        return REGISTRY[name]
    except KeyError:
        raise DataError(f"No dataset called {name!r}; the course has: {', '.join(REGISTRY)}.") from None


def fetch_command(names=None, profile=None) -> str:
    """The command to run from the repository root to fetch ``names`` (default: every dataset) for
    ``profile``, e.g. ``python course.py data fetch mnist`` or ``DL7_PROFILE=full python course.py data fetch all``."""
    profile = profile or active_profile()
    names = list(REGISTRY) if names is None else list(dict.fromkeys(names))
    what = "all" if set(names) == set(REGISTRY) else " ".join(names)
    return f"{'DL7_PROFILE=full ' if profile.name == 'full' else ''}{FETCH_COMMAND} {what}"


def _fetch_command(dataset: Dataset) -> str:
    return fetch_command([dataset.name])


def _unavailable(dataset: Dataset, data_file: DataFile, target: Path, reasons: list[str]) -> DatasetUnavailableError:
    addresses = "\n".join(f"  - {s.url}" + (f" (member {s.member})" if s.member else "") for s in data_file.sources)
    why = "\n".join(f"  - {r}" for r in reasons)
    return DatasetUnavailableError(
        f"{dataset.title}: the file '{data_file.name}' is not in the data cache ({target.parent}) "
        f"and could not be downloaded.\n{why}\nIt is published at:\n{addresses}\n"
        f"When you are online, fetch it from the repository root with:\n    {_fetch_command(dataset)}\n"
        f"or copy the file there yourself (expected SHA-256 {data_file.sha256})."
    )


def _write_atomically(target: Path, data: bytes) -> None:
    """Write ``data`` to ``target`` through a temporary file in the same folder and a rename."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle = tempfile.NamedTemporaryFile(dir=target.parent, prefix=f".{target.name}.", suffix=".part", delete=False)
    try:
        with handle:
            handle.write(data)
        os.replace(handle.name, target)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise


def _read_member(archive: Path, member_name: str) -> bytes:
    """The bytes of one regular file inside a tar archive, read in memory (nothing is extracted)."""
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
            f"The archive {archive.name} is truncated or damaged ({type(exc).__name__}: {exc}). "
            "Delete it and fetch it again."
        ) from None


def _download(dataset: Dataset, data_file: DataFile, target: Path) -> None:
    """Fetch ``data_file`` into ``target`` from the first source that works, verified and atomically."""
    import pooch
    import requests

    pooch.get_logger().setLevel("WARNING")  # we print our own one-line messages
    reasons = []
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DataError(f"Cannot create the data cache folder {target.parent}: {exc}. Point {CACHE_VARIABLE} at a folder you can write to.") from None
    for source in data_file.sources:
        print(f"Downloading {dataset.title}: {data_file.name} from {source.url}")
        downloader = pooch.HTTPDownloader(progressbar=True, timeout=TIMEOUT)
        try:
            if source.member is None:
                # pooch downloads to a temporary file beside the target, checks the SHA-256 and
                # only then renames it into place.
                pooch.retrieve(
                    source.url,
                    known_hash=f"sha256:{data_file.sha256}",
                    fname=target.name,
                    path=target.parent,
                    downloader=downloader,
                )
                return
            with tempfile.TemporaryDirectory(dir=target.parent) as scratch:
                archive = Path(pooch.retrieve(source.url, known_hash=None, fname="archive", path=scratch, downloader=downloader))
                content = _read_member(archive, source.member)
            actual = hashlib.sha256(content).hexdigest()
            if actual != data_file.sha256:
                raise ValueError(f"SHA-256 of {source.member} is {actual}, expected {data_file.sha256}")
            _write_atomically(target, content)
            return
        except requests.exceptions.RequestException as exc:
            reasons.append(f"{source.url}: {type(exc).__name__} (no network, or the address does not answer)")
        except ValueError as exc:  # pooch's checksum mismatch, or ours for an archive member
            reasons.append(f"{source.url}: downloaded bytes have the wrong checksum ({exc})")
        except CorruptDataError as exc:
            reasons.append(f"{source.url}: {exc}")
        except PermissionError as exc:
            raise DataError(
                f"Cannot write into the data cache {target.parent} ({exc.strerror}). "
                f"Point {CACHE_VARIABLE} at a folder you can write to."
            ) from None
        except OSError as exc:
            raise DataError(f"Cannot write into the data cache {target.parent}: {exc}") from None
    raise _unavailable(dataset, data_file, target, reasons)


def ensure_file(dataset_name: str, file_name: str) -> Path:
    """The path of a verified copy of one dataset file, downloading it if needed.

    A cached file whose SHA-256 does not match is reported and fetched again; it is never used.
    """
    dataset = _dataset(dataset_name)
    data_file = dataset.file(file_name)
    target = cache_dir() / dataset.name / data_file.name
    if target.is_file():
        actual = sha256_of(target)
        if actual == data_file.sha256:
            return target
        print(
            f"{dataset.title}: the cached '{data_file.name}' has the wrong checksum "
            f"(SHA-256 {actual[:12]}..., expected {data_file.sha256[:12]}...); it will not be used. Fetching it again."
        )
    if os.environ.get(OFFLINE_VARIABLE, "").strip() not in ("", "0"):
        raise _unavailable(dataset, data_file, target, [f"{OFFLINE_VARIABLE} is set, so nothing is downloaded"])
    _download(dataset, data_file, target)
    return target


def needed_files(profile=None, datasets=None) -> list[str]:
    """The cache files (``dataset/file``) that ``datasets`` (default: all) need in ``profile``.

    CIFAR-10: the quick profile needs the 4,000 + 1,000 image subset (which is cut from the archive
    when it is not cached yet); the full profile needs the archive (step 5 also uses the subset,
    which the archive provides)."""
    profile = profile or active_profile()
    datasets = list(REGISTRY) if datasets is None else datasets
    for name in datasets:
        _dataset(name)  # an unknown name fails here with the list of known ones
    needed = [f"{name}/{f.name}" for name in REGISTRY if name in datasets and name != "cifar10" for f in REGISTRY[name].files]
    if "cifar10" in datasets:
        needed.append("cifar10/cifar-10-python.tar.gz" if profile.cifar10 == "full" else f"cifar10/{CIFAR10_SUBSET_FILE}")
    return needed


def missing_files(profile=None, datasets=None) -> list[str]:
    """The files of ``needed_files(profile, datasets)`` that the cache lacks. The quick profile's
    CIFAR-10 subset counts as present when the archive it is cut from is cached. Only presence is
    checked here; checksums are checked when a file is read."""
    root = cache_dir()
    return [name for name in needed_files(profile, datasets) if not _is_cached(root, name)]


def check_available(profile=None, datasets=None) -> None:
    """Fail at once, before any training, if ``datasets`` (default: every dataset; a notebook passes
    the ones it reads, ``STEP_DATASETS``) need files in ``profile`` that are missing and cannot be
    downloaded (``DL7_OFFLINE`` is set, or their hosts cannot be resolved). The message lists every
    missing file and the command that fetches them. Otherwise say what will be downloaded on first use."""
    import socket
    from urllib.parse import urlparse

    profile = profile or active_profile()
    missing = missing_files(profile, datasets)
    if not missing:
        return
    hosts = set()
    for name in missing:
        hosts.update(urlparse(source.url).hostname for source in _downloaded_file(name).sources)
    if os.environ.get(OFFLINE_VARIABLE, "").strip() not in ("", "0"):
        reason = f"{OFFLINE_VARIABLE} is set"
    else:
        reason = None
        for host in sorted(hosts):
            try:
                socket.getaddrinfo(host, 443)
                break  # one reachable host is enough to try downloading
            except OSError:
                continue
        else:
            reason = "no network: none of their hosts can be found"
    fetch = fetch_command(dict.fromkeys(name.split("/")[0] for name in missing), profile)
    size = sum(_download_bytes(name) for name in missing)
    if reason:
        listing = "\n".join(f"  - {name}" for name in missing)
        raise DatasetUnavailableError(
            f"The {profile.name} profile needs {len(missing)} file(s) that the data cache ({cache_dir()}) lacks, "
            f"and nothing can be downloaded ({reason}):\n{listing}\n"
            f"Fetch them when you are online ({_megabytes(size)} to download), from the course folder, with:\n    {fetch}"
            + ("\nor run the quick profile (unset DL7_PROFILE)." if profile.name != "quick" else "")
        )
    print(f"Note: {', '.join(missing)} will be downloaded on first use ({_megabytes(size)}; or now: {fetch}).")


def _downloaded_file(name: str) -> DataFile:
    """The registry file that fetching the cache file ``dataset/file`` downloads: itself, or for the
    quick profile's CIFAR-10 subset the archive it is cut from."""
    dataset, file_name = name.split("/")
    if file_name == CIFAR10_SUBSET_FILE:
        file_name = "cifar-10-python.tar.gz"
    return REGISTRY[dataset].file(file_name)


def _is_cached(root: Path, name: str) -> bool:
    """Whether the cache file ``dataset/file`` is there; the subset also counts when its archive is."""
    if (root / name).is_file():
        return True
    return name.endswith(CIFAR10_SUBSET_FILE) and (root / "cifar10" / _downloaded_file(name).name).is_file()


def _download_bytes(name: str) -> int:
    """How many bytes fetching the cache file ``dataset/file`` downloads (the subset: its archive)."""
    return _downloaded_file(name).size


def _megabytes(size: int) -> str:
    """A size for people: ``170.5 MB``, or ``28.9 kB`` below a tenth of a megabyte."""
    return f"{size / 1e6:,.1f} MB" if size >= 100_000 or size == 0 else f"{size / 1e3:,.1f} kB"


# --------------------------------------------------------------------------------------------
# Decoding
# --------------------------------------------------------------------------------------------


def _read_idx(path: Path, expected_ndim: int) -> np.ndarray:
    """Decode a gzipped IDX file (the MNIST format: a magic number, the sizes, then uint8 values)."""
    try:
        raw = gzip.decompress(path.read_bytes())
    except (OSError, EOFError, zlib.error) as exc:
        raise CorruptDataError(f"{path.name} is not a readable gzip file ({exc}). Delete it and fetch it again.") from None
    magic = int.from_bytes(raw[:4], "big")
    ndim = magic & 0xFF
    if magic >> 8 != 0x08 or ndim != expected_ndim:
        raise CorruptDataError(f"{path.name} is not an IDX file of {expected_ndim} dimensions (magic number {magic}).")
    shape = tuple(int.from_bytes(raw[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim))
    header = 4 + 4 * ndim
    if len(raw) != header + int(np.prod(shape)):
        raise CorruptDataError(f"{path.name} holds {len(raw) - header} values, but its header announces {shape}.")
    return np.frombuffer(raw, dtype=np.uint8, offset=header).reshape(shape)


def _check_count(name: str, requested: int | None, available: int) -> int:
    if requested is None:
        return available
    if not isinstance(requested, (int, np.integer)) or not 1 <= requested <= available:
        raise ValueError(f"{name} must be a whole number from 1 to {available}, got {requested!r}.")
    return int(requested)


def load_mnist(n_train: int | None = None, n_test: int | None = None):
    """MNIST handwritten digits, cut to the active profile.

    Returns ``(x_train, y_train), (x_test, y_test)``:

    - ``x_*``: uint8 array ``(n, 28, 28)``, grey levels 0 (background) to 255 (ink);
    - ``y_*``: uint8 array ``(n,)``, the digit 0-9.

    ``n_train`` and ``n_test`` default to the profile's ``mnist_train`` and ``mnist_test``; the
    first ``n`` images of the official order are taken (so the quick subset is always the same).
    """
    profile = active_profile()
    n_train = _check_count("n_train", profile.mnist_train if n_train is None else n_train, 60_000)
    n_test = _check_count("n_test", profile.mnist_test if n_test is None else n_test, 10_000)
    x_train = _read_idx(ensure_file("mnist", "train-images-idx3-ubyte.gz"), 3)[:n_train]
    y_train = _read_idx(ensure_file("mnist", "train-labels-idx1-ubyte.gz"), 1)[:n_train]
    x_test = _read_idx(ensure_file("mnist", "t10k-images-idx3-ubyte.gz"), 3)[:n_test]
    y_test = _read_idx(ensure_file("mnist", "t10k-labels-idx1-ubyte.gz"), 1)[:n_test]
    return (x_train.copy(), y_train.copy()), (x_test.copy(), y_test.copy())


def _read_cifar10_archive(archive: Path, train_batches: tuple[int, ...]) -> dict[str, np.ndarray]:
    """Decode the given data_batch_N and test_batch of a verified cifar-10-python.tar.gz."""

    def batch(member: str) -> tuple[np.ndarray, np.ndarray]:
        # The batches are Python pickles; this archive's SHA-256 was verified by ensure_file().
        content = pickle.loads(_read_member(archive, f"cifar-10-batches-py/{member}"), encoding="bytes")
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


def _cifar10_subset() -> dict[str, np.ndarray]:
    cached = cache_dir() / "cifar10" / CIFAR10_SUBSET_FILE
    if cached.is_file():
        try:
            with np.load(cached, allow_pickle=False) as npz:
                arrays = {key: npz[key] for key in ("x_train", "y_train", "x_test", "y_test")}
            if arrays_sha256(arrays) == CIFAR10_SUBSET_SHA256:
                return arrays
            reason = "its arrays do not match the registry"
        except (OSError, ValueError, KeyError, zlib.error) as exc:
            reason = f"it cannot be read ({type(exc).__name__})"
        print(f"CIFAR-10: the cached {CIFAR10_SUBSET_FILE} is not used because {reason}; rebuilding it from the archive.")
    n_train, n_test = CIFAR10_SUBSET_SIZES
    full = _read_cifar10_archive(ensure_file("cifar10", "cifar-10-python.tar.gz"), train_batches=(1,))
    arrays = {
        "x_train": full["x_train"][:n_train],
        "y_train": full["y_train"][:n_train],
        "x_test": full["x_test"][:n_test],
        "y_test": full["y_test"][:n_test],
    }
    if arrays_sha256(arrays) != CIFAR10_SUBSET_SHA256:
        raise CorruptDataError("CIFAR-10: the subset cut from the archive does not match the registry's checksum.")
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    try:
        _write_atomically(cached, buffer.getvalue())
    except OSError:
        pass  # a read-only cache still works; the subset is rebuilt next time
    return arrays


def load_cifar10(subset: str | None = None):
    """CIFAR-10 colour images in 10 classes (names in ``CIFAR10_CLASSES``).

    Returns ``(x_train, y_train), (x_test, y_test)``:

    - ``x_*``: uint8 array ``(n, 32, 32, 3)``, RGB, channels last (as ``keras.datasets.cifar10``);
    - ``y_*``: uint8 array ``(n,)``, the class index 0-9.

    ``subset`` is ``"subset"`` (4,000 training images from data_batch_1 and 1,000 test images, in
    the official order) or ``"full"`` (50,000 + 10,000); it defaults to the profile's ``cifar10``.
    """
    subset = active_profile().cifar10 if subset is None else subset
    if subset == "subset":
        arrays = _cifar10_subset()
    elif subset == "full":
        arrays = _read_cifar10_archive(ensure_file("cifar10", "cifar-10-python.tar.gz"), train_batches=(1, 2, 3, 4, 5))
    else:
        raise ValueError(f"subset must be 'subset' or 'full', got {subset!r}.")
    return (arrays["x_train"], arrays["y_train"]), (arrays["x_test"], arrays["y_test"])


def load_tiny_shakespeare(n_chars: int | None = None) -> str:
    """Tiny Shakespeare as one string (1,115,394 characters in all).

    ``n_chars`` defaults to the profile's ``shakespeare_chars`` (None = the whole text); the first
    ``n_chars`` characters are returned.
    """
    text = ensure_file("tinyshakespeare", "input.txt").read_text(encoding="ascii")
    n_chars = active_profile().shakespeare_chars if n_chars is None else n_chars
    return text if n_chars is None else text[: _check_count("n_chars", n_chars, len(text))]


def load_movie_reviews() -> tuple[list[str], np.ndarray]:
    """The sentence-polarity movie reviews of Pang and Lee (2005): 5,331 positive, 5,331 negative.

    Returns ``(sentences, labels)``: a list of 10,662 strings (lower-cased, tokens separated by
    spaces, positives first) and a uint8 array ``(10662,)`` with 1 = positive, 0 = negative.

    The files are Windows-1252 text (they contain curly quotes and dashes), so they are decoded
    as such and split on newlines only.
    """
    sentences, labels = [], []
    for label, name in ((1, "rt-polarity.pos"), (0, "rt-polarity.neg")):
        text = ensure_file("rt-polarity", name).read_bytes().decode("cp1252")
        lines = [line.strip() for line in text.split("\n") if line.strip()]
        sentences += lines
        labels += [label] * len(lines)
    return sentences, np.asarray(labels, dtype=np.uint8)


# --------------------------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------------------------


def fetch(name: str) -> None:
    """Download and verify what the active profile needs of dataset ``name``.

    For CIFAR-10 the quick profile needs only the 4,000 + 1,000 image subset (the archive is
    downloaded just to build it when the subset is not cached yet); the full profile needs the archive.
    """
    dataset = _dataset(name)
    if name == "cifar10" and active_profile().cifar10 == "subset":
        _cifar10_subset()
        print(f"ok       cifar10/{CIFAR10_SUBSET_FILE} (the quick-profile subset)")
        return
    for data_file in dataset.files:
        ensure_file(name, data_file.name)
        print(f"ok       {name}/{data_file.name}")
    if name == "cifar10":
        _cifar10_subset()
        print(f"ok       cifar10/{CIFAR10_SUBSET_FILE}")


def _kept_bytes(name: str) -> int:
    """How many bytes the cache file ``dataset/file`` occupies once fetched (the subset: with its archive)."""
    size = _download_bytes(name)
    return size + CIFAR10_SUBSET_BYTES if name.endswith(CIFAR10_SUBSET_FILE) else size


def listing() -> str:
    """What ``python course.py data list`` prints: every file a profile needs, its download size,
    what it keeps on disk, whether it is cached and which steps read it; then each profile's totals."""
    from utils.profiles import PROFILES

    root = cache_dir()
    needed = {profile.name: needed_files(profile) for profile in PROFILES.values()}
    lines = [f"Data cache: {root}", "", f"{'file':44} {'download':>10} {'on disk':>10}  {'cached':6}  {'steps':12} profiles"]
    for name in dict.fromkeys(n for names in needed.values() for n in names):
        steps = ",".join(str(step) for step, names in STEP_DATASETS.items() if name.split("/")[0] in names)
        profiles = ", ".join(p for p, names in needed.items() if name in names)
        cached = "yes" if _is_cached(root, name) else "no"
        lines.append(f"{name:44} {_megabytes(_download_bytes(name)):>10} {_megabytes(_kept_bytes(name)):>10}  {cached:6}  {steps:12} {profiles}")
    lines.append("")
    for profile in PROFILES.values():
        names = needed[profile.name]
        still = sum(_download_bytes(n) for n in missing_files(profile))
        lines.append(f"{profile.name} profile: a first run downloads {_megabytes(sum(map(_download_bytes, names)))} and keeps "
                     f"{_megabytes(sum(map(_kept_bytes, names)))}; this cache still lacks {_megabytes(still)} of it.")
    lines.append(f"The quick profile's {CIFAR10_SUBSET_FILE} (4,000 + 1,000 images) is cut from the whole CIFAR-10 archive, "
                 "which is downloaded for it once and stays in the cache (delete it afterwards if you need the space).")
    return "\n".join(lines)


def verify() -> int:
    """Check every cached file against the registry; print one line each. Returns the number of bad files."""
    root = cache_dir()
    print(f"Data cache: {root}")
    bad = 0
    for dataset in REGISTRY.values():
        for data_file in dataset.files:
            path = root / dataset.name / data_file.name
            if not path.is_file():
                status = "missing"
            elif sha256_of(path) == data_file.sha256:
                status = "ok"
            else:
                status, bad = "CORRUPT", bad + 1
            print(f"{status:8} {dataset.name}/{data_file.name}")
    subset = root / "cifar10" / CIFAR10_SUBSET_FILE
    if subset.is_file():
        try:
            with np.load(subset, allow_pickle=False) as npz:
                good = arrays_sha256({k: npz[k] for k in ("x_train", "y_train", "x_test", "y_test")}) == CIFAR10_SUBSET_SHA256
        except (OSError, ValueError, KeyError, zlib.error):
            good = False
        bad += not good
        print(f"{'ok' if good else 'CORRUPT':8} cifar10/{CIFAR10_SUBSET_FILE}")
    else:
        print(f"{'missing':8} cifar10/{CIFAR10_SUBSET_FILE}")
    return bad


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m utils.data", description="Fetch and verify the course datasets.")
    commands = parser.add_subparsers(dest="command", required=True)
    fetch_parser = commands.add_parser("fetch", help="download and verify a dataset into the cache")
    fetch_parser.add_argument("names", nargs="+", choices=[*REGISTRY, "all"], metavar="name",
                              help=f"one or more of {', '.join(REGISTRY)}, or all")
    commands.add_parser("verify", help="check every cached file's checksum")
    commands.add_parser("list", help="what each profile downloads and keeps, with sizes, and what is cached")
    args = parser.parse_args(argv)
    try:
        if args.command == "list":
            print(listing())
            return 0
        if args.command == "fetch":
            names = list(REGISTRY) if "all" in args.names else list(dict.fromkeys(args.names))
            check_available(datasets=names)  # offline: one message listing every missing file
            for name in names:
                fetch(name)
            return 0
        bad = verify()
        print("All present files are intact." if not bad else f"{bad} file(s) are corrupt: fetch them again.")
        return 1 if bad else 0
    except DataError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
