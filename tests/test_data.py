"""The data layer: registry, loaders, and every way a download or a cached file can go wrong.

Downloads are exercised against a web server on the loopback address that the tests start
themselves; nothing leaves this machine.
"""

from __future__ import annotations

import ast
import dataclasses
import functools
import gzip
import hashlib
import http.server
import io
import pickle
import re
import shutil
import socket
import tarfile
import threading
import time
from pathlib import Path

import numpy as np
import pytest
from conftest import files_under
from conftest import register_dataset as register
from conftest import unfinished_files as leftovers

from utils import data, settings
from utils.data.readers import read_idx
from utils.paths import ROOT
from utils.profiles import PROFILES

# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def web_server(tmp_path):
    """Serve the folder ``served/`` on 127.0.0.1; yields (folder, base URL)."""
    served = tmp_path / "served"
    served.mkdir()
    handler = functools.partial(QuietHandler, directory=str(served))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield served, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep test output clean
        pass


def demo_file(url: str, good: bytes, size: int) -> data.DataFile:
    """``file.bin``, downloaded from ``url``, whose right bytes are ``good``."""
    return data.DataFile("file.bin", hashlib.sha256(good).hexdigest(), size, (data.Source(url),))


def closed_port_url() -> str:
    """An address on loopback where nothing listens: connecting is refused at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


# ---------------------------------------------------------------------------------------------
# Registry and loaders on the real files
# ---------------------------------------------------------------------------------------------


def test_registry_entries_are_complete():
    """Every file has a checksum of 64 hex digits, a size and sources: addresses, or another file of
    the registry that it is cut from. What is downloaded is checked by its bytes' SHA-256."""
    for dataset in data.REGISTRY.values():
        assert dataset.citation and dataset.homepage.startswith("http")
        for data_file in dataset.files:
            assert isinstance(data_file.checksum, (data.FileSha256, data.ArraysSha256)), data_file.name
            assert re.fullmatch(r"[0-9a-f]{64}", data_file.checksum.hexdigest), data_file.name
            assert data_file.size > 0 and data_file.sources
            for source in data_file.sources:
                if isinstance(source, data.Source):
                    assert source.url.startswith(("http://", "https://")) and isinstance(data_file.checksum, data.FileSha256)
                else:
                    assert isinstance(source, data.DerivedFrom) and data.REGISTRY[source.dataset].file(source.file)
    assert set(data.REGISTRY) == {"mnist", "cifar10", "tinyshakespeare", "rt-polarity"}
    subset = data.REGISTRY["cifar10"].file(data.CIFAR10_SUBSET_FILE)
    assert subset.checksum.keys == ("x_train", "y_train", "x_test", "y_test") and subset.profiles == ("quick",)


def test_cached_files_match_registry_sizes():
    """The cache the tests run on (course.py test fetches it first) holds the quick profile's files,
    each of its registered size; an empty cache fails here instead of passing unchecked."""
    assert data.missing_files(PROFILES["quick"]) == []
    checked = 0
    for dataset in data.REGISTRY.values():
        for data_file in dataset.files:
            path = data.cache_dir() / dataset.name / data_file.name
            # A file checked by its bytes has one size; the subset's bytes depend on who wrote it.
            if path.is_file() and isinstance(data_file.checksum, data.FileSha256):
                assert path.stat().st_size == data_file.size, data_file.name
                checked += 1
    assert checked >= 6  # MNIST's four files, Shakespeare, the reviews (and CIFAR-10's archive where cached)


def test_mnist_quick_profile(monkeypatch):
    monkeypatch.setenv("DL7_PROFILE", "quick")
    (x_train, y_train), (x_test, y_test) = data.load_mnist()
    assert x_train.shape == (10_000, 28, 28) and x_train.dtype == np.uint8
    assert y_train.shape == (10_000,) and y_train.dtype == np.uint8
    assert x_test.shape == (10_000, 28, 28) and y_test.shape == (10_000,)
    # First test labels as published for the official file order.
    assert y_test[:10].tolist() == [7, 2, 1, 0, 4, 1, 4, 9, 5, 9]
    assert x_train.max() == 255 and x_train.min() == 0


def test_mnist_full_profile_and_explicit_sizes(monkeypatch):
    monkeypatch.setenv("DL7_PROFILE", "full")
    (x_train, y_train), _ = data.load_mnist()
    assert x_train.shape == (60_000, 28, 28)
    # The published class counts of the 60,000 training labels.
    assert np.bincount(y_train).tolist() == [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
    (small, _), (tiny_test, _) = data.load_mnist(n_train=50, n_test=7)
    assert small.shape == (50, 28, 28) and tiny_test.shape == (7, 28, 28)
    assert np.array_equal(small, x_train[:50])


@pytest.mark.parametrize(("bad", "error"), [(0, ValueError), (60_001, ValueError), (2.5, TypeError), ("100", TypeError)])
def test_mnist_rejects_bad_sizes(bad, error):
    with pytest.raises(error, match=f"load_mnist: n_train={bad!r} is .*; give a whole number from 1 to 60,000"):
        data.load_mnist(n_train=bad)


def test_cifar10_subset():
    (x_train, y_train), (x_test, y_test) = data.load_cifar10("subset")
    assert x_train.shape == (4000, 32, 32, 3) and x_train.dtype == np.uint8
    assert x_test.shape == (1000, 32, 32, 3) and y_test.dtype == np.uint8
    # First labels of data_batch_1 and test_batch in the official files.
    assert y_train[:10].tolist() == [6, 9, 9, 4, 1, 1, 2, 7, 8, 3]
    assert y_test[:10].tolist() == [3, 8, 8, 0, 6, 6, 1, 6, 3, 1]
    assert len(data.CIFAR10_CLASSES) == 10


def test_cifar10_rejects_unknown_subset():
    with pytest.raises(ValueError, match="load_cifar10: subset='half' is not one of the allowed values; use 'subset' or 'full'"):
        data.load_cifar10("half")


def test_movie_reviews_are_decoded_as_windows_1252():
    sentences, labels = data.load_movie_reviews()
    assert len(sentences) == 10_662 and labels.shape == (10_662,)
    assert int(labels.sum()) == 5331 and labels[:5331].all() and not labels[5331:].any()
    assert sentences[0].startswith("the rock is destined to be the 21st century's new")
    assert sentences[5331] == "simplistic , silly and tedious ."
    joined = "".join(sentences)
    assert "\x85" not in joined and "\x96" not in joined  # no C1 control characters from a latin-1 misreading
    assert any(ch in joined for ch in "…‘–—")  # the cp1252 punctuation came through


def test_tiny_shakespeare(monkeypatch):
    monkeypatch.setenv("DL7_PROFILE", "quick")
    quick = data.load_tiny_shakespeare()
    assert quick.startswith("First Citizen:") and len(quick) == 300_000
    assert len(data.load_tiny_shakespeare(n_chars=1000)) == 1000
    monkeypatch.setenv("DL7_PROFILE", "full")
    assert len(data.load_tiny_shakespeare()) == 1_115_394


def test_verify_command_reports_the_cache(capsys):
    assert data.main(["verify"]) == 0
    out = capsys.readouterr().out
    assert "ok       mnist/train-images-idx3-ubyte.gz" in out
    assert "CORRUPT" not in out


# ---------------------------------------------------------------------------------------------
# The CIFAR-10 archive route, on a small archive in the official format
# ---------------------------------------------------------------------------------------------


def _cifar_batch(images: np.ndarray, labels: np.ndarray) -> bytes:
    """A batch as the official python version stores it: a pickled dict, rows of 3072 bytes (R, G, B planes)."""
    rows = images.transpose(0, 3, 1, 2).reshape(len(images), 3072)
    batch = {b"batch_label": b"test", b"labels": labels.tolist(), b"data": rows, b"filenames": [b"x"] * len(images)}
    return pickle.dumps(batch, protocol=2)


def _tar_gz(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name, content in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(content)
            tar.addfile(info, io.BytesIO(content))
    return buffer.getvalue()


@pytest.fixture(scope="module")
def real_subset():
    """The CIFAR-10 quick subset from the real cache (loaded before any test swaps the cache)."""
    return data.load_cifar10("subset")


@pytest.fixture(scope="module")
def shared_subset_bytes():
    """The bytes of the real cache's cifar10_subset.npz (read before any test swaps the cache)."""
    return data.ensure_file("cifar10", data.CIFAR10_SUBSET_FILE).read_bytes()


def replace_registry_file(monkeypatch, dataset_name: str, file_name: str, **changes) -> None:
    """For one test, the registry's ``dataset_name/file_name`` with ``changes`` (checksum, size, sources)."""
    original = data.REGISTRY[dataset_name]
    files = tuple(dataclasses.replace(f, **changes) if f.name == file_name else f for f in original.files)
    monkeypatch.setitem(data.REGISTRY, dataset_name, dataclasses.replace(original, files=files))


def register_cifar_archive(monkeypatch, content: bytes, **changes) -> None:
    """For one test, the registry's CIFAR-10 archive is ``content`` (its checksum and size), with
    ``changes`` (sources) besides."""
    checksum = data.FileSha256(hashlib.sha256(content).hexdigest())
    replace_registry_file(monkeypatch, "cifar10", data.CIFAR10_ARCHIVE_FILE, checksum=checksum, size=len(content), **changes)


@pytest.fixture(scope="module")
def small_archive_bytes(real_subset):
    """A cifar-10-python.tar.gz in the official layout whose first rows are the real subset."""
    (x_train, y_train), (x_test, y_test) = real_subset
    rng = np.random.default_rng(0)
    extra = rng.integers(0, 256, size=(6, 32, 32, 3), dtype=np.uint8)
    members = {
        "cifar-10-batches-py/data_batch_1": _cifar_batch(np.concatenate([x_train, extra]), np.concatenate([y_train, [1] * 6])),
        "cifar-10-batches-py/test_batch": _cifar_batch(np.concatenate([x_test, extra]), np.concatenate([y_test, [2] * 6])),
    }
    for i in range(2, 6):
        members[f"cifar-10-batches-py/data_batch_{i}"] = _cifar_batch(extra[:i], np.arange(i, dtype=np.uint8))
    return _tar_gz(members)


@pytest.fixture
def small_cifar_archive(small_archive_bytes, empty_cache, monkeypatch):
    """The small archive in the empty cache, registered (checksum and size) in place of the 170 MB original."""
    path = empty_cache / "cifar10" / "cifar-10-python.tar.gz"
    path.parent.mkdir()
    path.write_bytes(small_archive_bytes)
    register_cifar_archive(monkeypatch, small_archive_bytes)
    return path


def test_cifar10_subset_cut_from_archive_matches_the_shared_subset(small_cifar_archive, empty_cache, real_subset, shared_subset_bytes):
    (x_train, y_train), (x_test, y_test) = data.load_cifar10("subset")
    (real_x, real_y), (real_xt, real_yt) = real_subset
    assert np.array_equal(x_train, real_x) and np.array_equal(y_test, real_yt)
    cached = empty_cache / "cifar10" / data.CIFAR10_SUBSET_FILE
    assert cached.is_file() and not leftovers(empty_cache)
    # Other bytes than the shared copy (four arrays, uncompressed), the same arrays: both are accepted.
    assert cached.read_bytes() != shared_subset_bytes and data.file_status("cifar10", data.CIFAR10_SUBSET_FILE) == "ok"
    small_cifar_archive.unlink()  # the cached subset now stands on its own
    (again, _), _ = data.load_cifar10("subset")
    assert np.array_equal(again, real_x)


def test_cifar10_full_reads_all_batches(small_cifar_archive):
    (x_train, y_train), (x_test, y_test) = data.load_cifar10("full")
    assert x_train.shape == (4006 + 2 + 3 + 4 + 5, 32, 32, 3)
    assert x_test.shape == (1006, 32, 32, 3) and y_test[-1] == 2


def test_corrupt_cached_subset_is_rebuilt(small_cifar_archive, empty_cache, real_subset, capsys):
    bad = empty_cache / "cifar10" / data.CIFAR10_SUBSET_FILE
    np.savez(
        bad,
        x_train=np.zeros((4000, 32, 32, 3), np.uint8),
        y_train=np.zeros(4000, np.uint8),
        x_test=np.zeros((1000, 32, 32, 3), np.uint8),
        y_test=np.zeros(1000, np.uint8),
    )
    (x_train, _), _ = data.load_cifar10("subset")
    assert "the cached 'cifar10_subset.npz' has the wrong checksum (SHA-256 of its arrays" in capsys.readouterr().out
    assert np.array_equal(x_train, real_subset[0][0])


def test_truncated_archive_gives_a_clear_error(small_cifar_archive, monkeypatch):
    content = small_cifar_archive.read_bytes()[:5000]
    small_cifar_archive.write_bytes(content)
    register_cifar_archive(monkeypatch, content)
    with pytest.raises(data.CorruptDataError, match="truncated or damaged"):
        data.load_cifar10("full")


# ---------------------------------------------------------------------------------------------
# Downloads: verified, atomic, and clear when they fail
# ---------------------------------------------------------------------------------------------


def test_download_verifies_and_stores(empty_cache, web_server, monkeypatch):
    served, base = web_server
    payload = b"hello, course" * 1000
    (served / "file.bin").write_bytes(payload)
    register(monkeypatch, "demo", (demo_file(f"{base}/file.bin", payload, len(payload)),))
    path = data.ensure_file("demo", "file.bin")
    assert path == empty_cache / "demo" / "file.bin" and path.read_bytes() == payload
    assert not leftovers(empty_cache)


def test_falls_back_to_the_next_address(empty_cache, web_server, monkeypatch):
    served, base = web_server
    payload = b"mirror copy"
    (served / "file.bin").write_bytes(payload)
    sources = (data.Source(f"{closed_port_url()}/file.bin"), data.Source(f"{base}/file.bin"))
    register(monkeypatch, "demo", (data.DataFile("file.bin", hashlib.sha256(payload).hexdigest(), len(payload), sources),))
    assert data.ensure_file("demo", "file.bin").read_bytes() == payload


def test_wrong_checksum_download_is_never_kept(empty_cache, web_server, monkeypatch):
    served, base = web_server
    (served / "file.bin").write_bytes(b"tampered bytes")
    register(monkeypatch, "demo", (demo_file(f"{base}/file.bin", b"real bytes", 10),))
    with pytest.raises(data.DatasetUnavailableError, match="wrong checksum"):
        data.ensure_file("demo", "file.bin")
    assert not (empty_cache / "demo" / "file.bin").exists()
    assert not leftovers(empty_cache)


def test_corrupt_cached_file_is_reported_and_fetched_again(empty_cache, web_server, monkeypatch, capsys):
    served, base = web_server
    payload = b"the right bytes" * 100
    (served / "file.bin").write_bytes(payload)
    register(monkeypatch, "demo", (demo_file(f"{base}/file.bin", payload, len(payload)),))
    target = empty_cache / "demo" / "file.bin"
    target.parent.mkdir()
    target.write_bytes(payload[:-7] + b"garbage")
    assert data.ensure_file("demo", "file.bin").read_bytes() == payload
    assert "has the wrong checksum" in capsys.readouterr().out


def test_corrupt_cached_file_offline_is_not_used(empty_cache, monkeypatch):
    register(monkeypatch, "demo", (demo_file("http://127.0.0.1:9/file.bin", b"good", 4),))
    (empty_cache / "demo").mkdir()
    (empty_cache / "demo" / "file.bin").write_bytes(b"evil")
    monkeypatch.setenv(settings.OFFLINE.name, "1")
    with pytest.raises(data.DatasetUnavailableError) as refused:
        data.ensure_file("demo", "file.bin")
    assert "is in the data cache" in str(refused.value) and "but corrupt" in str(refused.value), "present but corrupt, not missing"
    assert "not in the data cache" not in str(refused.value)
    assert (empty_cache / "demo" / "file.bin").read_bytes() == b"evil", "nothing is deleted"


def test_archive_member_source(empty_cache, web_server, monkeypatch):
    served, base = web_server
    sentence = "a moving , ‘clever’ film … \n".encode("cp1252")
    (served / "reviews.tar.gz").write_bytes(_tar_gz({"rt-polaritydata/rt-polarity.pos": sentence, "../escape.txt": b"x"}))
    member = data.Source(f"{base}/reviews.tar.gz", member="rt-polaritydata/rt-polarity.pos")
    register(monkeypatch, "demo", (data.DataFile("rt-polarity.pos", hashlib.sha256(sentence).hexdigest(), len(sentence), (member,)),))
    assert data.ensure_file("demo", "rt-polarity.pos").read_bytes() == sentence
    assert not (empty_cache.parent / "escape.txt").exists() and not (empty_cache / "escape.txt").exists()
    assert sorted(p.name for p in empty_cache.rglob("*")) == ["demo", "rt-polarity.pos"]


def test_truncated_archive_download_is_reported(empty_cache, web_server, monkeypatch):
    served, base = web_server
    archive = _tar_gz({"rt-polaritydata/rt-polarity.pos": b"x" * 100_000})
    (served / "reviews.tar.gz").write_bytes(archive[: len(archive) // 2])
    member = data.Source(f"{base}/reviews.tar.gz", member="rt-polaritydata/rt-polarity.pos")
    register(monkeypatch, "demo", (data.DataFile("rt-polarity.pos", "0" * 64, 100_000, (member,)),))
    with pytest.raises(data.DatasetUnavailableError, match="truncated or damaged"):
        data.ensure_file("demo", "rt-polarity.pos")
    assert not leftovers(empty_cache) and not (empty_cache / "demo" / "rt-polarity.pos").exists()


def test_offline_and_missing_fails_at_once_with_the_whole_story(empty_cache, monkeypatch):
    monkeypatch.setenv(settings.OFFLINE.name, "1")
    start = time.perf_counter()
    with pytest.raises(data.DatasetUnavailableError) as error:
        data.load_mnist()
    assert time.perf_counter() - start < 5
    message = str(error.value)
    assert "MNIST handwritten digits" in message
    assert "train-images-idx3-ubyte.gz" in message
    assert "https://storage.googleapis.com/cvdf-datasets/mnist/train-images-idx3-ubyte.gz" in message
    assert "python course.py data fetch mnist" in message


def test_no_network_fails_fast_with_the_clear_message(empty_cache, monkeypatch):
    """Downloads allowed, but no name resolves (what a machine without network sees)."""

    def no_dns(*args, **kwargs):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_dns)
    start = time.perf_counter()
    with pytest.raises(data.DatasetUnavailableError) as error:
        data.load_movie_reviews()
    assert time.perf_counter() - start < 10
    message = str(error.value)
    assert "rt-polarity.pos" in message and "ConnectionError" in message
    assert "https://www.cs.cornell.edu/people/pabo/movie-review-data/rt-polaritydata.tar.gz" in message
    assert "python course.py data fetch rt-polarity" in message
    assert not leftovers(empty_cache)


def test_unwritable_cache_is_explained(empty_cache, web_server, monkeypatch):
    served, base = web_server
    (served / "file.bin").write_bytes(b"abc")
    register(monkeypatch, "demo", (demo_file(f"{base}/file.bin", b"abc", 3),))

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    import pooch

    monkeypatch.setattr(pooch, "retrieve", refuse)
    with pytest.raises(data.DataError, match="Cannot write into the data cache .* Point DL7_DATA_DIR at a folder you can write to"):
        data.ensure_file("demo", "file.bin")


def test_corrupt_idx_file_is_reported(tmp_path):
    good = gzip.compress((2049).to_bytes(4, "big") + (5).to_bytes(4, "big") + bytes(range(5)))
    path = tmp_path / "labels.gz"
    path.write_bytes(good)
    assert read_idx(path, 1).tolist() == [0, 1, 2, 3, 4]
    assert read_idx(path, 1, count=2).tolist() == [0, 1]
    path.write_bytes(gzip.compress((2049).to_bytes(4, "big") + (9).to_bytes(4, "big") + bytes(5)))
    with pytest.raises(data.CorruptDataError, match="header announces"):
        read_idx(path, 1)
    path.write_bytes(good[:-4])
    with pytest.raises(data.CorruptDataError, match="not a readable gzip file"):
        read_idx(path, 1)


def test_unknown_dataset_name():
    with pytest.raises(data.DataError, match="No dataset called 'imagenet'"):
        data.ensure_file("imagenet", "x")


def test_fetch_command_offline_prints_the_error(empty_cache, monkeypatch, capsys):
    monkeypatch.setenv(settings.OFFLINE.name, "1")
    assert data.main(["fetch", "tinyshakespeare"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: The quick profile needs 1 file(s) that the data cache")
    assert "  - tinyshakespeare/input.txt\n" in err and "python course.py data fetch tinyshakespeare" in err


def test_fetch_all_offline_lists_every_missing_file_and_a_command_that_works_anywhere(empty_cache, monkeypatch, capsys):
    """`python course.py test` runs `fetch all` first: offline, its message must name every missing
    file (not only the first) and recommend `python course.py ...`, which works outside the venv."""
    monkeypatch.setenv(settings.OFFLINE.name, "1")
    assert data.main(["fetch", "all"]) == 2
    err = capsys.readouterr().err
    expected = data.needed_files(PROFILES["quick"])
    assert len(expected) == 8
    for name in expected:
        assert f"  - {name}\n" in err
    assert "python course.py data fetch all" in err and "python -m utils.data" not in err
    # What a first quick run downloads: every file that has an address (the subset is cut from the archive).
    size = sum(f.size for d in data.REGISTRY.values() for f in d.files if isinstance(f.sources[0], data.Source))
    assert f"({size / 1e6:,.1f} MB to download)" in err


def test_each_step_checks_only_the_datasets_it_reads(tmp_path, monkeypatch):
    """Offline with only MNIST cached, steps 1-4 start; steps 5, 6 and 7 name what they lack."""
    only_mnist = tmp_path / "cache" / "mnist"
    only_mnist.mkdir(parents=True)
    for data_file in data.REGISTRY["mnist"].files:
        shutil.copy(data.ensure_file("mnist", data_file.name), only_mnist / data_file.name)
    monkeypatch.setenv(settings.DATA_DIR.name, str(only_mnist.parent))
    monkeypatch.setenv(settings.OFFLINE.name, "1")
    for step in (1, 2, 3, 4):
        data.check_available(PROFILES["quick"], data.STEP_DATASETS[step])
    with pytest.raises(data.DatasetUnavailableError) as five:
        data.check_available(PROFILES["quick"], data.STEP_DATASETS[5])
    assert "needs 1 file(s)" in str(five.value) and "cifar10/cifar10_subset.npz" in str(five.value)
    assert "python course.py data fetch cifar10" in str(five.value)
    with pytest.raises(data.DatasetUnavailableError) as six:
        data.check_available(PROFILES["quick"], data.STEP_DATASETS[6])
    assert "needs 3 file(s)" in str(six.value) and "python course.py data fetch tinyshakespeare rt-polarity" in str(six.value)
    with pytest.raises(data.DatasetUnavailableError, match="needs 1 file") as seven:
        data.check_available(PROFILES["quick"], data.STEP_DATASETS[7])
    assert "python course.py data fetch tinyshakespeare" in str(seven.value)
    with pytest.raises(data.DatasetUnavailableError, match="needs 4 file"):
        data.check_available(PROFILES["quick"])  # no step given: every dataset


def test_step_datasets_are_the_loaders_each_notebook_calls():
    loaders = {
        "load_mnist": "mnist",
        "load_cifar10": "cifar10",
        "load_tiny_shakespeare": "tinyshakespeare",
        "load_movie_reviews": "rt-polarity",
    }
    for path in sorted((ROOT / "notebooks").glob("0*.ipynb")):
        step = int(path.name[:2])
        called = {dataset for loader, dataset in loaders.items() if f"{loader}(" in path.read_text()}
        assert called == set(data.STEP_DATASETS[step]), path.name


def test_data_list_gives_sizes_per_profile(capsys):
    assert data.main(["list"]) == 0
    out = capsys.readouterr().out
    archive = data.REGISTRY["cifar10"].file("cifar-10-python.tar.gz").size
    assert "cifar10/cifar10_subset.npz" in out and "cifar10/cifar-10-python.tar.gz" in out
    assert f"{archive / 1e6:,.1f} MB" in out  # the archive a first quick run downloads for the subset
    assert out.count("profile: a first run downloads") == 2
    assert "stays in the cache" in out


def test_fetch_command_in_a_ready_cache_downloads_nothing(capsys):
    assert data.main(["fetch", "all"]) == 0
    out = capsys.readouterr().out
    assert "Downloading" not in out and "ok       mnist/t10k-labels-idx1-ubyte.gz" in out


def test_verify_command_flags_corruption(empty_cache, capsys):
    (empty_cache / "mnist").mkdir()
    (empty_cache / "mnist" / "t10k-labels-idx1-ubyte.gz").write_bytes(b"broken")
    assert data.main(["verify"]) == 1
    out = capsys.readouterr().out
    assert "CORRUPT  mnist/t10k-labels-idx1-ubyte.gz" in out and "missing  mnist/train-images-idx3-ubyte.gz" in out


# ---------------------------------------------------------------------------------------------
# The CIFAR-10 subset is a file like any other: listed, verified, missing, rebuilt by one path
# ---------------------------------------------------------------------------------------------

SUBSET = f"cifar10/{data.CIFAR10_SUBSET_FILE}"


def test_subset_is_listed_verified_and_missing_like_every_other_file(empty_cache, shared_subset_bytes, capsys):
    """The subset goes through the same listing, verification and missing-file paths as MNIST's files."""
    assert SUBSET in data.needed_files(PROFILES["quick"]) and SUBSET not in data.needed_files(PROFILES["full"])
    assert data.missing_files(PROFILES["quick"], ["cifar10"]) == [SUBSET]
    assert data.main(["verify"]) == 0
    assert f"missing  {SUBSET}\n" in capsys.readouterr().out

    subset = empty_cache / SUBSET
    subset.parent.mkdir()
    subset.write_bytes(shared_subset_bytes)  # the shared cache's copy, as it is
    assert data.missing_files(PROFILES["quick"], ["cifar10"]) == [] and data.file_status("cifar10", data.CIFAR10_SUBSET_FILE) == "ok"
    assert data.main(["verify"]) == 0
    assert f"ok       {SUBSET}\n" in capsys.readouterr().out
    assert data.main(["list"]) == 0
    row = next(line for line in capsys.readouterr().out.splitlines() if line.startswith(SUBSET))
    assert row.split()[5] == "yes" and row.endswith("quick")

    for damage in (shared_subset_bytes[: len(shared_subset_bytes) // 2], b"not an npz at all"):
        subset.write_bytes(damage)
        assert data.file_status("cifar10", data.CIFAR10_SUBSET_FILE) == "CORRUPT"
        assert data.main(["verify"]) == 1
        assert f"CORRUPT  {SUBSET}\n" in capsys.readouterr().out


def test_a_subset_with_other_arrays_fails_its_checksum(tmp_path, real_subset):
    """The arrays' checksum sees a change of one pixel; other arrays in the file do not count."""
    (x_train, y_train), (x_test, y_test) = real_subset
    checksum = data.REGISTRY["cifar10"].file(data.CIFAR10_SUBSET_FILE).checksum
    path = tmp_path / "subset.npz"
    np.savez(path, x_train=x_train, y_train=y_train, x_test=x_test, y_test=y_test, extra=np.arange(3))
    assert checksum.mismatch(path) is None
    x_changed = x_train.copy()
    x_changed[0, 0, 0, 0] ^= 1
    np.savez(path, x_train=x_changed, y_train=y_train, x_test=x_test, y_test=y_test)
    assert "has the wrong checksum (SHA-256 of its arrays" in checksum.mismatch(path)
    np.savez(path, x_train=x_train, y_train=y_train, x_test=x_test)
    assert "cannot be read (it has no array 'y_test')" in checksum.mismatch(path)


def test_corrupt_subset_is_rebuilt_from_an_archive_downloaded_on_loopback(
    small_archive_bytes, empty_cache, web_server, real_subset, monkeypatch, capsys
):
    """A corrupt subset is detected by its checksum; the archive is downloaded (pooch, on loopback),
    the subset cut from it and written atomically; then both are in the cache and verify says ok."""
    served, base = web_server
    (served / "cifar-10-python.tar.gz").write_bytes(small_archive_bytes)
    register_cifar_archive(
        monkeypatch,
        small_archive_bytes,
        sources=(
            data.Source(f"{closed_port_url()}/cifar-10-python.tar.gz"),  # a mirror that is down first
            data.Source(f"{base}/cifar-10-python.tar.gz"),
        ),
    )
    subset = empty_cache / SUBSET
    subset.parent.mkdir()
    subset.write_bytes(b"a broken copy")
    path = data.ensure_file("cifar10", data.CIFAR10_SUBSET_FILE)
    out = capsys.readouterr().out
    assert "the cached 'cifar10_subset.npz' cannot be read" in out and f"from {base}/cifar-10-python.tar.gz" in out
    assert path == subset and not leftovers(empty_cache)
    assert data.file_status("cifar10", data.CIFAR10_SUBSET_FILE) == "ok" and data.file_status("cifar10", "cifar-10-python.tar.gz") == "ok"
    (x_train, _), (_, y_test) = data.load_cifar10("subset")
    assert np.array_equal(x_train, real_subset[0][0]) and np.array_equal(y_test, real_subset[1][1])


def test_fetch_cifar10_in_the_quick_profile_downloads_the_archive_and_cuts_the_subset(
    small_archive_bytes, empty_cache, web_server, monkeypatch, capsys
):
    served, base = web_server
    (served / "cifar.tar.gz").write_bytes(small_archive_bytes)
    register_cifar_archive(monkeypatch, small_archive_bytes, sources=(data.Source(f"{base}/cifar.tar.gz"),))
    monkeypatch.setenv(settings.PROFILE.name, "quick")
    assert data.main(["fetch", "cifar10"]) == 0
    out = capsys.readouterr().out
    assert "Downloading CIFAR-10 tiny images: cifar-10-python.tar.gz" in out and f"ok       {SUBSET}\n" in out
    assert data.file_status("cifar10", data.CIFAR10_SUBSET_FILE) == "ok" and not leftovers(empty_cache)


def test_subset_offline_without_its_archive_names_both(empty_cache, monkeypatch):
    monkeypatch.setenv(settings.OFFLINE.name, "1")
    with pytest.raises(data.DatasetUnavailableError) as error:
        data.load_cifar10("subset")
    message = str(error.value)
    assert "CIFAR-10 tiny images: the file 'cifar10_subset.npz' is not in the data cache" in message
    assert "it is cut from cifar10/cifar-10-python.tar.gz, which is not cached" in message
    assert f"{settings.OFFLINE.name} is set, so nothing is downloaded" in message
    assert "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz" in message
    assert "python course.py data fetch cifar10" in message and "of its arrays x_train, y_train, x_test, y_test" in message
    assert files_under(empty_cache) == []


def test_subset_cut_into_a_cache_that_cannot_be_written_still_loads(small_cifar_archive, empty_cache, real_subset, monkeypatch, capsys):
    """A read-only cache holding the archive: the subset is cut and kept outside the cache for this session."""
    from utils.data import cache

    write = cache.write_atomically

    def refuse_the_cache(target, content):
        if empty_cache in Path(target).parents:
            raise PermissionError(13, "Permission denied")
        write(target, content)

    monkeypatch.setattr(cache, "write_atomically", refuse_the_cache)
    (x_train, _), _ = data.load_cifar10("subset")
    assert np.array_equal(x_train, real_subset[0][0])
    assert "cannot be written (Permission denied), so cifar10_subset.npz is kept in" in capsys.readouterr().out
    assert files_under(empty_cache) == ["cifar-10-python.tar.gz"]


# ---------------------------------------------------------------------------------------------
# The package's structure
# ---------------------------------------------------------------------------------------------

#: The rooms of utils.data, lowest first: each may import only rooms before it in this list.
DATA_MODULE_ORDER = ("errors", "readers", "checksums", "registry", "cache", "availability", "loaders", "cli", "__main__")
#: Modules of the course that no room of utils.data may import.
FORBIDDEN = ("utils.environment", "utils.widgets", "utils.exercises")


def import_problems(module: str, source: str) -> list[str]:
    """What is wrong with the imports of ``utils.data.<module>`` (its source text): a room above it,
    the package itself, or a forbidden module of the course."""
    problems = []
    rank = DATA_MODULE_ORDER.index(module)
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module == "utils":
            names = [f"utils.{alias.name}" for alias in node.names]  # from utils import settings: utils.settings
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{module}: a relative import (the rooms import by their full names)"
            names = [node.module]
        else:
            continue
        for name in names:
            if name == "utils.data" or name == "utils.ROOT":
                problems.append(f"{module} imports {name}")
            elif name.startswith("utils.data."):
                room = name.split(".")[2]
                if room not in DATA_MODULE_ORDER or DATA_MODULE_ORDER.index(room) >= rank:
                    problems.append(f"{module} imports {name}, which is not below it")
            elif name.startswith(FORBIDDEN):
                problems.append(f"{module} imports {name}")
    return problems


def test_the_rooms_of_utils_data_import_downward_only():
    folder = ROOT / "utils" / "data"
    modules = sorted(path.stem for path in folder.glob("*.py") if path.stem != "__init__")
    assert sorted(DATA_MODULE_ORDER) == modules  # a new room must be given its place in the order
    problems = [p for module in modules for p in import_problems(module, (folder / f"{module}.py").read_text())]
    assert problems == []
    # The check can fail: an upward import, the package itself, a forbidden module, ROOT from utils.
    upward = import_problems("readers", "from utils.data.cache import ensure_file")
    assert upward == ["readers imports utils.data.cache, which is not below it"]
    assert import_problems("registry", "def f():\n    import utils.data.loaders") != []
    assert import_problems("cache", "from utils import data") == ["cache imports utils.data"]
    assert import_problems("cache", "from utils.data import REGISTRY") == ["cache imports utils.data"]
    assert import_problems("loaders", "from utils.environment import setup") == ["loaders imports utils.environment"]
    assert import_problems("cache", "from utils import ROOT") == ["cache imports utils.ROOT"]


def test_utils_data_reads_settings_only_through_utils_settings():
    """No room spells an environment variable of the course; each asks utils.settings."""
    for path in (ROOT / "utils" / "data").glob("*.py"):
        text = path.read_text()
        assert "DL7_" not in text and "os.environ" not in text and "getenv" not in text, path.name


def test_the_data_readme_names_every_registry_file_and_nothing_else():
    """data/README.md's table is written by hand; it must name each dataset folder and file of the
    registry, and no file the registry does not have."""
    import re

    from utils.data.registry import REGISTRY

    text = (ROOT / "data" / "README.md").read_text(encoding="utf-8")
    rows = [line for line in text.splitlines() if line.startswith("| ") and "(`" in line]
    folders = {re.search(r"\(`([\w-]+)/`\)", row).group(1): row for row in rows}
    assert set(folders) == set(REGISTRY), "one row per dataset folder of the registry"
    for name, dataset in REGISTRY.items():
        named = set(re.findall(r"`([\w.-]+\.(?:gz|npz|txt|pos|neg))`", folders[name].split("|")[2]))
        assert named == {f.name for f in dataset.files}, (name, named)
