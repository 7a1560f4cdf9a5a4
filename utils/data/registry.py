"""The registry: every dataset of the course, its files, their checksums and sizes, where each file
comes from, and the citation. Also which step reads which dataset (``STEP_DATASETS``).

A file comes from its ``sources``, tried in order, each one of:

- ``Source(url)``: a download; ``Source(url, member=...)``: one file inside an archive there;
- ``DerivedFrom(dataset, file, derive)``: cut from another file of the registry (in pooch's terms a
  processor): ``derive(path_of_that_file)`` returns the new file's bytes.

Every file has a checksum (``utils.data.checksums``): a file SHA-256 for what is downloaded, the
arrays' SHA-256 for the CIFAR-10 quick subset. The subset is checked by its arrays, not its bytes,
because an ``.npz``'s bytes depend on the NumPy version and compression that wrote it: the shared
copy many caches hold (seven arrays, compressed) and a subset cut here from the archive (four
arrays, by any NumPy) have different bytes but the same four arrays, and both must be accepted.

Plain data and lookups: no downloads, no settings, no profiles. Imports: ``errors``, ``readers``,
``checksums``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

from utils.data.checksums import ArraysSha256, Checksum, FileSha256
from utils.data.errors import DataError
from utils.data.readers import read_cifar10_batches, write_npz


@dataclasses.dataclass(frozen=True)
class Source:
    """One address a file can be downloaded from; ``member`` names the file inside an archive there."""

    url: str
    member: str | None = None

    def describe(self) -> str:
        """The address for a message: ``https://... (member rt-polaritydata/rt-polarity.pos)``."""
        return self.url + (f" (member {self.member})" if self.member else "")


@dataclasses.dataclass(frozen=True)
class DerivedFrom:
    """A file cut from another file of the registry: ``derive(path)`` gets the verified path of
    ``dataset/file`` and returns the bytes of the new file; ``how`` says what it takes, for people."""

    dataset: str
    file: str
    derive: Callable[[Path], bytes]
    how: str

    def describe(self) -> str:
        """Where it comes from, for a message: ``cut from cifar10/cifar-10-python.tar.gz (published at ...)``."""
        parent = dataset_named(self.dataset).file(self.file)
        addresses = ", ".join(source.describe() for source in parent.sources)
        return f"cut from {self.dataset}/{self.file} ({self.how}), which comes from {addresses}"


FileSource = Source | DerivedFrom


@dataclasses.dataclass(frozen=True)
class DataFile:
    """A file of a dataset: its name in the cache, its checksum, its size in bytes and where to get it.

    ``checksum`` is a ``FileSha256`` or ``ArraysSha256``; a string of 64 hex digits is taken as a
    file SHA-256. ``profiles`` names the profiles that need the file (``None``: every profile)."""

    name: str
    checksum: Checksum
    size: int
    sources: tuple[FileSource, ...]
    profiles: tuple[str, ...] | None = None

    def __post_init__(self):
        if isinstance(self.checksum, str):
            object.__setattr__(self, "checksum", FileSha256(self.checksum))

    def needed_by(self, profile_name: str) -> bool:
        """Whether the profile called ``profile_name`` reads this file."""
        return self.profiles is None or profile_name in self.profiles


@dataclasses.dataclass(frozen=True)
class Dataset:
    """A course dataset: the cache folder name, a title, the citation and its files."""

    name: str
    title: str
    citation: str
    homepage: str
    files: tuple[DataFile, ...]

    def file(self, name: str) -> DataFile:
        """The file called ``name``; ``KeyError`` naming the files it has otherwise."""
        for data_file in self.files:
            if data_file.name == name:
                return data_file
        raise KeyError(f"{self.name} has no file {name!r}; it has {[f.name for f in self.files]}")


def _mnist_file(name: str, sha256: str, size: int) -> DataFile:
    # Yann LeCun's page is the original home, but it now refuses most scripted downloads, so the
    # two long-standing mirrors with the same bytes are tried first.
    return DataFile(
        name,
        FileSha256(sha256),
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
        FileSha256(sha256),
        size,
        (Source(_RT_POLARITY_TARBALL, member=f"rt-polaritydata/{name}"), Source(_RT_POLARITY_MIRROR + name)),
    )


CIFAR10_CLASSES = ("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck")
#: The whole CIFAR-10 archive (python version): the full profile reads it, the quick subset is cut from it.
CIFAR10_ARCHIVE_FILE = "cifar-10-python.tar.gz"
#: The CIFAR-10 quick subset: the first 4,000 images of data_batch_1 and the first 1,000 of test_batch.
CIFAR10_SUBSET_FILE = "cifar10_subset.npz"
CIFAR10_SUBSET_SIZES = (4_000, 1_000)
#: The arrays of the subset that count (a copy may hold more, such as the shared cache's index arrays).
CIFAR10_SUBSET_ARRAYS = ("x_train", "y_train", "x_test", "y_test")


def cut_cifar10_subset(archive: Path) -> bytes:
    """The bytes of ``cifar10_subset.npz`` cut from a verified ``cifar-10-python.tar.gz``: the first
    4,000 images and labels of data_batch_1 and the first 1,000 of test_batch, uncompressed."""
    n_train, n_test = CIFAR10_SUBSET_SIZES
    batches = read_cifar10_batches(archive, train_batches=(1,))
    sizes = {"x_train": n_train, "y_train": n_train, "x_test": n_test, "y_test": n_test}
    return write_npz({key: batches[key][:size] for key, size in sizes.items()})


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
                CIFAR10_ARCHIVE_FILE,
                FileSha256("6d958be074577803d12ecdefd02955f39262c83c16fe9348329d7fe0b5c001ce"),
                170498071,
                (Source("https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"),),
                profiles=("full",),
            ),
            DataFile(
                CIFAR10_SUBSET_FILE,
                ArraysSha256("5977aba2c0fef87d35288b944636b1a8b1ab606582c6fa9360430714d5690712", CIFAR10_SUBSET_ARRAYS),
                14_171_268,  # the shared copy (compressed); one cut here by np.savez is about 15.4 MB
                (DerivedFrom("cifar10", CIFAR10_ARCHIVE_FILE, cut_cifar10_subset, "4,000 + 1,000 images"),),
                profiles=("quick",),
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
                FileSha256("86c4e6aa9db7c042ec79f339dcb96d42b0075e16b8fc2e86bf0ca57e2dc565ed"),
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

#: The datasets each step's notebook reads; its set-up cell checks only these
#: (``tests/test_data.py`` holds this table equal to the loaders each notebook calls).
STEP_DATASETS: dict[int, tuple[str, ...]] = {
    1: ("mnist",),
    2: ("mnist",),
    3: ("mnist",),
    4: ("mnist",),
    5: ("mnist", "cifar10"),
    6: ("tinyshakespeare", "rt-polarity"),
    7: ("mnist", "tinyshakespeare"),
}


def dataset_named(name: str) -> Dataset:
    """The registry's dataset ``name``; a ``DataError`` listing the known names otherwise."""
    try:
        return REGISTRY[name]
    except KeyError:
        raise DataError(f"No dataset called {name!r}; the course has: {', '.join(REGISTRY)}.") from None


def registry_files(dataset_names=None) -> list[tuple[Dataset, DataFile]]:
    """Every ``(dataset, file)`` of the registry, in its order; only those of ``dataset_names`` if given."""
    names = list(REGISTRY) if dataset_names is None else [dataset_named(name).name for name in dataset_names]
    return [(REGISTRY[name], data_file) for name in REGISTRY if name in names for data_file in REGISTRY[name].files]
