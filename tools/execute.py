"""Run a notebook top to bottom in a fresh kernel, the way its stored outputs are made (quick profile,
on the CPU, a fresh progress record, the notebook's own seed). Maintainer tool."""

from __future__ import annotations

import os
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
    from nbclient import NotebookClient

    # A fresh progress record, so the stored outputs show every lab as a newcomer sees it (and the
    # maintainer's own record is left alone); the quick profile; on the CPU, wherever they are made.
    progress_dir = tempfile.mkdtemp(prefix="dl7-progress-")
    kernel_environment = settings.child_environment(PROFILE="quick", PROGRESS=os.path.join(progress_dir, "progress.json"),
                                                    **kernel_settings)
    kernel_environment["CUDA_VISIBLE_DEVICES"] = ""
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
        record_timing=False,
    )
    start = time.perf_counter()
    try:
        client.execute(env=kernel_environment)
    finally:
        shutil.rmtree(progress_dir, ignore_errors=True)
    seconds = time.perf_counter() - start
    nb.metadata.pop("widgets", None)  # widget state would only be stale JSON for a reader
    nb.metadata["kernelspec"] = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
    nbformat.write(nb, output or path)
    return seconds
