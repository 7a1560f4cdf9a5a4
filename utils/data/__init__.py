"""The course datasets: one registry, a verified download cache, and loaders.

Where the files live
    The cache is the folder named by the data-folder setting (``utils.settings.DATA_DIR``; relative
    paths count from the repository root), else ``data/`` in the repository. Its layout is
    ``<dataset>/<file>`` (for example ``mnist/t10k-labels-idx1-ubyte.gz``), the same as a copy of the
    files made elsewhere, so a prepared folder can simply be pointed at.

How a file gets there
    A loader asks for a file; if it is cached and its checksum matches the registry it is used.
    Otherwise it is downloaded with pooch (https://www.fatiando.org/pooch, by the Fatiando a Terra
    project): with a timeout, a progress bar, a checksum check, and an atomic move into the cache,
    so an interrupted download never leaves a half-written file. A cached file with a wrong
    checksum is reported and fetched again, never used. A file cut from another (the CIFAR-10 quick
    subset, from the archive) is made the same way: checked, then moved into place. With the offline
    setting on (``utils.settings.OFFLINE``), or when every address fails, you get one error naming
    the dataset, the file, the addresses and the command that fetches it.

Archives are read member by member in memory (nothing is extracted to disk, so no path in an
archive can escape the cache), and the CIFAR-10 batches, which are Python pickles, are only
unpickled from an archive whose checksum has just been verified.

Command line (run from the repository root)::

    python -m utils.data fetch mnist        # or cifar10, tinyshakespeare, rt-polarity, several, all
    python -m utils.data verify             # check every cached file against the registry
    python -m utils.data list               # what each profile downloads, its size, what is cached

(``python course.py data ...`` runs the same from any Python: it uses the course's environment.)

``fetch`` gets what the active profile needs (the full profile: the whole CIFAR-10 archive).

The package, one job per module, each importing only those above it in this list:

- ``errors``: ``DataError`` and its two kinds;
- ``readers``: decoding IDX, the CIFAR-10 batches, ``.npz`` and text, with explicit sizes;
- ``checksums``: a file's SHA-256, or the SHA-256 of an ``.npz``'s arrays;
- ``registry``: the datasets, their files, checksums, sources and citations, ``STEP_DATASETS``;
- ``cache``: the cache folder and ``ensure_file``, the one path by which every file arrives verified;
- ``availability``: what a profile needs and lacks, sizes, the check before a notebook runs;
- ``loaders``: ``load_mnist`` and the others, where a size left as ``None`` comes from the profile;
- ``cli``: ``python -m utils.data fetch|verify|list``.

This module only re-exports their public names (imported in that order).
"""

# isort: skip_file

from utils.data.errors import CorruptDataError, DataError, DatasetUnavailableError
from utils.data.checksums import ArraysSha256, Checksum, FileSha256, arrays_sha256
from utils.data.registry import (
    CIFAR10_ARCHIVE_FILE,
    CIFAR10_CLASSES,
    CIFAR10_SUBSET_ARRAYS,
    CIFAR10_SUBSET_FILE,
    CIFAR10_SUBSET_SIZES,
    REGISTRY,
    STEP_DATASETS,
    DataFile,
    Dataset,
    DerivedFrom,
    Source,
    dataset_named,
    registry_files,
)
from utils.data.cache import FETCH_COMMAND, TIMEOUT, cache_dir, ensure_file, fetch_command, file_status, write_atomically
from utils.data.availability import check_available, download_bytes, is_present, kept_bytes, missing_files, needed_files
from utils.data.loaders import load_cifar10, load_mnist, load_movie_reviews, load_tiny_shakespeare
from utils.data.cli import fetch, listing, main, verify

__all__ = [
    "CIFAR10_ARCHIVE_FILE",
    "CIFAR10_CLASSES",
    "CIFAR10_SUBSET_ARRAYS",
    "CIFAR10_SUBSET_FILE",
    "CIFAR10_SUBSET_SIZES",
    "FETCH_COMMAND",
    "REGISTRY",
    "STEP_DATASETS",
    "TIMEOUT",
    "ArraysSha256",
    "Checksum",
    "CorruptDataError",
    "DataError",
    "DataFile",
    "Dataset",
    "DatasetUnavailableError",
    "DerivedFrom",
    "FileSha256",
    "Source",
    "arrays_sha256",
    "cache_dir",
    "check_available",
    "dataset_named",
    "download_bytes",
    "ensure_file",
    "fetch",
    "fetch_command",
    "file_status",
    "is_present",
    "kept_bytes",
    "listing",
    "load_cifar10",
    "load_mnist",
    "load_movie_reviews",
    "load_tiny_shakespeare",
    "main",
    "missing_files",
    "needed_files",
    "registry_files",
    "verify",
    "write_atomically",
]
