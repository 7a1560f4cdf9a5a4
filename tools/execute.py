"""Run a notebook top to bottom in a fresh kernel, the way its stored outputs are made (quick profile,
on the CPU, a fresh progress record, the notebook's own seed). Maintainer tool."""

from __future__ import annotations

import os
import queue
import shutil
import tempfile
import time
from pathlib import Path

from utils import settings


def execute(path: Path, timeout: int = 1800, output: Path | None = None, **kernel_settings: str | None) -> float:
    """Run a notebook top to bottom in a fresh kernel in the quick profile and store its outputs (in
    place, or in ``output``; the kernel still starts in the notebook's own folder). Returns seconds.

    ``kernel_settings``: more settings for the kernel, as for ``utils.settings.child_environment``
    (``RECORD="figures.jsonl"``, ``SEED="1"``; ``None`` removes one)."""
    import nbformat

    # A fresh progress record, so the stored outputs show every lab as a newcomer sees it (and the
    # maintainer's own record is left alone); the quick profile; on the CPU, wherever they are made.
    progress_dir = tempfile.mkdtemp(prefix="dl7-progress-")
    environment = kernel_environment(os.path.join(progress_dir, "progress.json"), **kernel_settings)
    nb = nbformat.read(path, as_version=4)
    client = notebook_client(nb, path.parent, timeout=timeout, record_timing=False)
    start = time.perf_counter()
    try:
        client.execute(env=environment)
    finally:
        shutil.rmtree(progress_dir, ignore_errors=True)
    seconds = time.perf_counter() - start
    nb.metadata.pop("widgets", None)  # widget state would only be stale JSON for a reader
    nb.metadata["kernelspec"] = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
    nbformat.write(nb, output or path)
    return seconds


def kernel_environment(progress_file: str | os.PathLike, **kernel_settings: str | None) -> dict[str, str]:
    """The environment of a kernel that runs a notebook for the tests or the stored outputs: the quick
    profile (``PROFILE="smoke"`` for the labs harness), the progress record ``progress_file``, on the
    CPU, and ``kernel_settings`` (as for ``utils.settings.child_environment``)."""
    chosen: dict[str, str | None] = {"PROFILE": "quick", **kernel_settings}
    environment = settings.child_environment(None, PROGRESS=str(progress_file), **chosen)
    environment["CUDA_VISIBLE_DEVICES"] = ""
    return environment


def notebook_client(nb, folder: Path, **options):
    """nbclient's ``NotebookClient`` for the notebook ``nb``, its kernel started in ``folder``, waiting
    for kernel messages in slices (below); ``options`` go to the client (``timeout``, ...)."""
    return _client_class()(nb, kernel_name="python3", resources={"metadata": {"path": str(folder)}}, **options)


# How long one wait for a kernel message may last before the socket is looked at again.
POLL_SLICE_SECONDS = 1.0


def _client_class():
    """nbclient's NotebookClient, with kernel channels that wait for a message in short slices.

    Measured here (nbclient 0.11, jupyter_client 8.10, pyzmq 27.3, both cores busy): now and then the
    client misses the wake-up for a reply that has already arrived, and sits out the cell's whole
    timeout before it reads it (3 runs of notebook 02 in 20 took the full 60 s timeout longer; the
    reply's own timestamp was a minute older than the next cell's start). Asking again every second
    finds the waiting message, so a missed wake-up costs at most a second, not the timeout."""
    from nbclient import NotebookClient

    class SlicedWaitClient(NotebookClient):
        async def async_start_new_kernel_client(self):
            kernel_client = await super().async_start_new_kernel_client()
            for channel in (kernel_client.shell_channel, kernel_client.iopub_channel):
                _wait_in_slices(channel)
            return kernel_client

    return SlicedWaitClient


def _wait_in_slices(channel) -> None:
    """Replace ``channel.get_msg(timeout)`` by one that asks at least every ``POLL_SLICE_SECONDS``
    and still raises ``queue.Empty`` once ``timeout`` (None: never) has passed with no message."""
    wait_once = channel.get_msg

    async def get_msg(timeout: float | None = None):
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            left = POLL_SLICE_SECONDS if deadline is None else max(0.0, deadline - time.monotonic())
            try:
                return await wait_once(timeout=min(POLL_SLICE_SECONDS, left))
            except queue.Empty:
                if deadline is not None and time.monotonic() >= deadline:
                    raise

    channel.get_msg = get_msg
