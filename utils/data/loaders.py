"""The loaders a notebook calls: ``load_mnist``, ``load_cifar10``, ``load_tiny_shakespeare`` and
``load_movie_reviews``. Each asks the cache for verified files and a reader for their contents.

This is the only place where a size left as ``None`` is taken from the active profile
(``utils.profiles.active_profile()``); the readers below get explicit sizes.

A bad size or subset is refused by name, before anything is read or downloaded (``utils.checks``' convention).

Imports: ``readers``, ``registry``, ``cache``; ``utils.checks``, ``utils.profiles``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from utils.checks import ArgumentTypeError, fail, is_a, one_of
from utils.data.cache import ensure_file
from utils.data.readers import read_cifar10_batches, read_idx, read_lines, read_npz, read_text
from utils.data.registry import CIFAR10_ARCHIVE_FILE, CIFAR10_SUBSET_ARRAYS, CIFAR10_SUBSET_FILE
from utils.profiles import active_profile


def _check_count(function: str, name: str, requested: Any, available: int | None) -> int:
    """``requested`` as an int if it is a whole number from 1 to ``available`` (no upper bound: None). Refused in
    the words of ``utils.checks``: ``load_mnist: n_train=0 is out of range; give a whole number from 1 to 60,000.``"""
    allowed = f"give a whole number from 1 to {available:,}" if available is not None else "give a whole number, at least 1"
    if isinstance(requested, (bool, np.bool_)) or not isinstance(requested, (int, np.integer)):
        fail(function, name, requested, is_a(requested), allowed, ArgumentTypeError)
    if requested < 1 or (available is not None and requested > available):
        fail(function, name, requested, "is out of range", allowed)
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
    n_train = _check_count("load_mnist", "n_train", profile.mnist_train if n_train is None else n_train, 60_000)
    n_test = _check_count("load_mnist", "n_test", profile.mnist_test if n_test is None else n_test, 10_000)
    x_train = read_idx(ensure_file("mnist", "train-images-idx3-ubyte.gz"), 3, n_train)
    y_train = read_idx(ensure_file("mnist", "train-labels-idx1-ubyte.gz"), 1, n_train)
    x_test = read_idx(ensure_file("mnist", "t10k-images-idx3-ubyte.gz"), 3, n_test)
    y_test = read_idx(ensure_file("mnist", "t10k-labels-idx1-ubyte.gz"), 1, n_test)
    return (x_train, y_train), (x_test, y_test)


def load_cifar10(subset: str | None = None):
    """CIFAR-10 colour images in 10 classes (names in ``CIFAR10_CLASSES``).

    Returns ``(x_train, y_train), (x_test, y_test)``:

    - ``x_*``: uint8 array ``(n, 32, 32, 3)``, RGB, channels last (as ``keras.datasets.cifar10``);
    - ``y_*``: uint8 array ``(n,)``, the class index 0-9.

    ``subset`` is ``"subset"`` (4,000 training images from data_batch_1 and 1,000 test images, in
    the official order) or ``"full"`` (50,000 + 10,000); it defaults to the profile's ``cifar10``.
    """
    subset = active_profile().cifar10 if subset is None else one_of("subset", "full")("load_cifar10", "subset", subset)
    if subset == "subset":
        arrays = read_npz(ensure_file("cifar10", CIFAR10_SUBSET_FILE), CIFAR10_SUBSET_ARRAYS)
    elif subset == "full":
        arrays = read_cifar10_batches(ensure_file("cifar10", CIFAR10_ARCHIVE_FILE), train_batches=(1, 2, 3, 4, 5))
    else:
        fail("load_cifar10", "subset", subset, "is not one of the allowed values", "use 'subset' or 'full'")
    return (arrays["x_train"], arrays["y_train"]), (arrays["x_test"], arrays["y_test"])


def load_tiny_shakespeare(n_chars: int | None = None) -> str:
    """Tiny Shakespeare as one string (1,115,394 characters in all).

    ``n_chars`` defaults to the profile's ``shakespeare_chars`` (None = the whole text); the first
    ``n_chars`` characters are returned.
    """
    n_chars = active_profile().shakespeare_chars if n_chars is None else n_chars
    if n_chars is not None:
        _check_count("load_tiny_shakespeare", "n_chars", n_chars, None)  # before reading; the length is known after
    text = read_text(ensure_file("tinyshakespeare", "input.txt"), encoding="ascii")
    return text if n_chars is None else text[: _check_count("load_tiny_shakespeare", "n_chars", n_chars, len(text))]


def load_movie_reviews() -> tuple[list[str], np.ndarray]:
    """The sentence-polarity movie reviews of Pang and Lee (2005): 5,331 positive, 5,331 negative.

    Returns ``(sentences, labels)``: a list of 10,662 strings (lower-cased, tokens separated by
    spaces, positives first) and a uint8 array ``(10662,)`` with 1 = positive, 0 = negative.

    The files are Windows-1252 text (they contain curly quotes and dashes), so they are decoded
    as such and split on newlines only.
    """
    sentences, labels = [], []
    for label, name in ((1, "rt-polarity.pos"), (0, "rt-polarity.neg")):
        lines = read_lines(ensure_file("rt-polarity", name), encoding="cp1252")
        sentences += lines
        labels += [label] * len(lines)
    return sentences, np.asarray(labels, dtype=np.uint8)
