"""Shared code for the course "Seven steps to deep learning": what the notebooks import.

One module per job, in rooms that import only downward (the README's "map of the house"; checked by
``tests/test_architecture.py``):

- leaves: ``utils.paths`` (the course folder, the repository, Colab or not) and ``utils.settings``
  (every ``DL7_*`` environment variable, read in one place);
- run parameters: ``utils.profiles`` (quick and full), ``utils.seeds`` (the seed of this run),
  ``utils.tested_environments`` (the tested environments);
- ``utils.data``: the dataset registry, the verified download cache and the loaders;
- from scratch, each checked against an independent reference in ``tests/``: ``utils.nn``,
  ``utils.gradcheck``, ``utils.logistic``, ``utils.network``, ``utils.conv``, ``utils.text``,
  ``utils.char_rnn``, ``utils.gated``, ``utils.rbm``;
- framework: ``utils.from_step04`` (generated from step 4's ``# @save`` cells), ``utils.tf_network``,
  ``utils.training``;
- ``utils.plots`` and ``utils.widgets``: figures with the course style, and the interactive explorers;
- records: ``utils.progress`` (your lab record) and ``utils.expected`` ("is my result normal?");
- ``utils.exercises``: the self-checking labs;
- set-up: ``utils.environment`` (``utils.setup()``, below).

The maintainers' tools (executing notebooks, the benchmark, the matrix, the book) live in ``tools/``.
Importing ``utils`` is cheap: it imports no NumPy or TensorFlow, so ``course.py`` and the
set-up cell can use it before anything heavy is loaded.
"""

from utils.paths import REPOSITORY, REPOSITORY_URL, ROOT


def setup(seed: int = 0, step: int | None = None):
    """Run the notebook set-up; see :func:`utils.environment.setup`."""
    from utils.environment import setup as _setup

    return _setup(seed=seed, step=step)


__all__ = ["REPOSITORY", "REPOSITORY_URL", "ROOT", "setup"]
