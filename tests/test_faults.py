"""Faults a learner will meet, each ending in a clear message with nothing lost or half-written:
a read-only or full cache, an interrupted download, a notebook run from elsewhere, the full profile
offline with only the quick data (an unknown profile: tests/test_profiles_and_setup.py)."""

from __future__ import annotations

import errno
import hashlib
import http.server
import os
import shutil
import socket
import subprocess
import sys
import threading
from urllib.parse import urlparse

import pytest
from conftest import files_under, register_dataset

from tools.layout import setup_cell
from utils import ROOT, data, settings
from utils.profiles import PROFILES


def register_demo(monkeypatch, url: str, payload: bytes):
    files = (data.DataFile("file.bin", hashlib.sha256(payload).hexdigest(), len(payload), (data.Source(url),)),)
    register_dataset(monkeypatch, "demo", files)


class TruncatingHandler(http.server.BaseHTTPRequestHandler):
    """Announces 100,000 bytes, sends 1,000, then hangs up: a download interrupted halfway."""

    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Length", "100000")
        self.end_headers()
        self.wfile.write(b"x" * 1000)
        self.wfile.flush()
        self.close_connection = True

    def log_message(self, *args):
        pass


def test_interrupted_download_leaves_nothing_behind(empty_cache, monkeypatch):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), TruncatingHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        register_demo(monkeypatch, f"http://127.0.0.1:{server.server_address[1]}/file.bin", b"y" * 100_000)
        with pytest.raises(data.DatasetUnavailableError, match="Test set demo: the file 'file.bin' is not in the data cache"):
            data.ensure_file("demo", "file.bin")
    finally:
        server.shutdown()
        server.server_close()
    assert files_under(empty_cache) == []


def test_file_truncated_in_the_cache_is_refused(tmp_path, monkeypatch, capsys):
    content = data.ensure_file("mnist", "t10k-labels-idx1-ubyte.gz").read_bytes()  # from the cache in use
    cache = tmp_path / "cache"
    (cache / "mnist").mkdir(parents=True)
    (cache / "mnist" / "t10k-labels-idx1-ubyte.gz").write_bytes(content[: len(content) // 2])  # an interrupted copy
    monkeypatch.setenv(settings.DATA_DIR.name, str(cache))
    monkeypatch.setenv(settings.OFFLINE.name, "1")
    with pytest.raises(data.DatasetUnavailableError, match="'t10k-labels-idx1-ubyte.gz' is in the data cache .* but corrupt") as refused:
        data.ensure_file("mnist", "t10k-labels-idx1-ubyte.gz")
    assert "has the wrong checksum" in str(refused.value)
    assert (cache / "mnist" / "t10k-labels-idx1-ubyte.gz").read_bytes() == content[: len(content) // 2]  # nothing deleted


def test_read_only_cache_is_explained(tmp_path, monkeypatch):
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cache = "/sys/dl7-course-cache"  # a read-only file system: even root cannot create folders there
    else:
        locked = tmp_path / "locked"
        locked.mkdir()
        locked.chmod(0o500)
        cache = str(locked / "cache")
    monkeypatch.setenv(settings.DATA_DIR.name, cache)
    monkeypatch.delenv(settings.OFFLINE.name, raising=False)
    register_demo(monkeypatch, "http://127.0.0.1:9/file.bin", b"abc")
    with pytest.raises(data.DataError, match="Cannot create the data cache folder .*Point DL7_DATA_DIR at a folder you can write to"):
        data.ensure_file("demo", "file.bin")


def test_full_disk_is_explained_and_leaves_nothing(empty_cache, monkeypatch):
    import pooch

    def fill_the_disk(self, url, output_file, pooch_instance, check_only=False):
        with open(output_file, "wb") as handle:
            handle.write(b"partial")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(pooch.HTTPDownloader, "__call__", fill_the_disk)
    register_demo(monkeypatch, "http://127.0.0.1:9/file.bin", b"abc" * 10)
    with pytest.raises(data.DataError, match="Cannot write into the data cache .*No space left on device"):
        data.ensure_file("demo", "file.bin")
    assert files_under(empty_cache) == []


def run_notebook(path, cwd, **kernel_settings) -> str:
    """Execute a notebook in a fresh kernel whose working directory is ``cwd`` (tools.execute's client),
    with ``kernel_settings`` (as for ``utils.settings.child_environment``); its printed text."""
    import nbformat

    from tools.execute import notebook_client
    from tools.layout import field_text

    nb = nbformat.read(path, as_version=4)
    notebook_client(nb, cwd, timeout=300).execute(env=settings.child_environment(**kernel_settings))
    return "".join(field_text(output.get("text")) for cell in nb.cells for output in cell.get("outputs", []))


@pytest.fixture
def small_notebook(tmp_path):
    import nbformat

    nb = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_code_cell(setup_cell(1)),
            nbformat.v4.new_code_cell("from utils.data import load_mnist\n(x, y), _ = load_mnist(n_train=10)\nprint('loaded', x.shape)"),
        ],
        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
    )
    elsewhere = tmp_path / "somewhere-else"
    elsewhere.mkdir()
    path = elsewhere / "copy.ipynb"
    nbformat.write(nb, path)
    return path


def test_notebook_run_from_another_folder(small_notebook):
    printed = run_notebook(small_notebook, small_notebook.parent, ROOT_DIR=str(ROOT))  # a failing cell raises
    assert "profile=quick" in printed and "loaded (10, 28, 28)" in printed
    # Without DL7_ROOT from elsewhere: tests/test_setup_cell.py (test_a_clear_message_when_the_code_is_nowhere).


def quick_only_cache(tmp_path):
    """A cache holding exactly what the quick profile needs (copied from the cache in use)."""
    cache = tmp_path / "quick-cache"
    for name in ("mnist", "tinyshakespeare", "rt-polarity"):
        for data_file in data.REGISTRY[name].files:
            (cache / name).mkdir(parents=True, exist_ok=True)
            shutil.copy(data.ensure_file(name, data_file.name), cache / name / data_file.name)
    data.load_cifar10("subset")
    (cache / "cifar10").mkdir()
    subset = data.cache_dir() / "cifar10" / data.CIFAR10_SUBSET_FILE
    shutil.copy(subset, cache / "cifar10" / data.CIFAR10_SUBSET_FILE)
    return cache


def test_full_profile_offline_stops_before_training(tmp_path):
    cache = quick_only_cache(tmp_path)
    env = {**os.environ, "DL7_PROFILE": "full", "DL7_DATA_DIR": str(cache), "DL7_OFFLINE": "1"}
    result = subprocess.run(
        [sys.executable, "-c", "import utils; utils.setup()"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=180
    )
    assert result.returncode != 0 and result.stdout == ""  # nothing ran, not even the profile line
    assert "The full profile needs 1 file(s)" in result.stderr and "  - cifar10/cifar-10-python.tar.gz\n" in result.stderr
    assert "DL7_PROFILE=full python course.py data fetch cifar10" in result.stderr
    quick = subprocess.run(
        [sys.executable, "-c", "import utils; utils.setup()"],
        cwd=ROOT,
        env={**env, "DL7_PROFILE": "quick"},
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert quick.returncode == 0 and quick.stdout.startswith("profile=quick")


def test_full_profile_without_network_is_detected(tmp_path, monkeypatch):
    cache = quick_only_cache(tmp_path)
    monkeypatch.setenv(settings.DATA_DIR.name, str(cache))
    monkeypatch.delenv(settings.OFFLINE.name, raising=False)

    def no_dns(*args, **kwargs):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_dns)
    with pytest.raises(data.DatasetUnavailableError, match="no network: none of their hosts can be found"):
        data.check_available(PROFILES["full"])
    data.check_available(PROFILES["quick"])  # the quick profile has all it needs: no error, no network asked


def test_one_reachable_mirror_is_enough_to_go_on(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv(settings.DATA_DIR.name, str(tmp_path / "empty"))
    monkeypatch.delenv(settings.OFFLINE.name, raising=False)
    mnist_hosts = sorted({urlparse(source.url).hostname for f in data.REGISTRY["mnist"].files for source in f.sources})
    assert len(mnist_hosts) > 1  # MNIST has a mirror
    asked = []

    def only_the_last_host_resolves(host, *args, **kwargs):
        asked.append(host)
        if host != mnist_hosts[-1]:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return []

    monkeypatch.setattr(socket, "getaddrinfo", only_the_last_host_resolves)
    data.check_available(PROFILES["quick"])  # no error: the files will be downloaded on first use
    assert "will be downloaded on first use" in capsys.readouterr().out
    assert mnist_hosts[-1] in asked and len(asked) > 1
