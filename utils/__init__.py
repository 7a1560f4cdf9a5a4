"""Shared code for the course "Seven steps to deep learning".

Everything a notebook needs but should not show at length lives here, one module per job:

- ``utils.environment``: the set-up cell's ``setup()`` (seeds, TensorFlow quiet and deterministic,
  profile line); ``utils.profiles``: the quick and full profiles.
- ``utils.data``: the dataset registry, the verified download cache and the loaders.
- From-scratch building blocks, each checked against an independent reference in ``tests/``:
  ``utils.nn`` (activations, a neuron, gradient descent; steps 1-3), ``utils.gradcheck`` (numerical
  derivatives), ``utils.network`` (the vectorized backpropagation network; step 3), ``utils.conv``
  (convolution and pooling; step 5), ``utils.text`` and ``utils.char_rnn`` (text, a character RNN;
  step 6), ``utils.gated`` and ``utils.rbm`` (LSTM and GRU cells, an RBM; step 7).
- ``utils.tf_network``: the step-3 network in TensorFlow and Keras (step 4);
  ``utils.training``: a one-line-per-epoch Keras logger.
- ``utils.plots`` and ``utils.widgets``: figures with the course style, and the interactive explorers.
- ``utils.exercises``: the self-checking exercises (``check``, ``show_solution``).
- ``utils.expected``: "is my result normal?": each headline figure with its expected range
  (``utils/expected_ranges.json``, measured by ``python course.py ranges``).
- ``utils.notebooks`` and ``utils.benchmark``: maintainer tools (execute notebooks in a fresh kernel,
  hygiene checks; the measured figures of the README).

Importing ``utils`` is cheap: it imports no NumPy or TensorFlow, so ``course.py`` and the
set-up cell can use it before anything heavy is loaded.
"""

from utils.paths import REPOSITORY, REPOSITORY_URL, ROOT


def setup(seed: int = 0, step: int | None = None):
    """Run the notebook set-up; see :func:`utils.environment.setup`."""
    from utils.environment import setup as _setup

    return _setup(seed=seed, step=step)


__all__ = ["REPOSITORY", "REPOSITORY_URL", "ROOT", "setup"]
