"""A restricted Boltzmann machine with binary units, trained by contrastive divergence (CD-1) or
persistent contrastive divergence (PCD, Tieleman 2008), in NumPy.

Taught in step 7 (``notebooks/07_further_topics.ipynb``), section 6. One example per row: visible
units v (batch, n_visible), hidden units h (batch, n_hidden), weights W (n_visible, n_hidden),
visible biases b (n_visible,) and hidden biases c (n_hidden,). The energy of a joint state is
E(v, h) = -v b - h c - v W h, and the conditionals are independent sigmoids:

    p(h_j = 1 | v) = σ(c_j + v W[:, j]),        p(v_i = 1 | h) = σ(b_i + W[i, :] h).
"""

from __future__ import annotations

import inspect

import numpy as np

from utils.checks import a_function, arguments, array, fail, optional, positive, positive_integer, random_generator, require
from utils.nn import sigmoid

_rows = array(ndim=2)
_vector = array(ndim=1)


def _within_0_and_1(function: str, name: str, value):
    """Binary units (or their probabilities, or uniform random numbers): a 2-D array of values from 0 to 1."""
    _rows(function, name, value)
    values = np.asarray(value)
    if values.size and not (values.min() >= 0 and values.max() <= 1):  # NaN fails both comparisons
        low, high = values.min(), values.max()
        fail(function, name, value, f"holds values from {low:g} to {high:g}", "give binary units (0 or 1) or probabilities, from 0 to 1")
    return value


def _shapes(batch: str, *, visible: tuple[str, ...] = (), hidden: tuple[str, ...] = (), chains: str | None = None):
    """For :func:`arguments`: W (n_visible, n_hidden), b (n_visible,), c (n_hidden,) when given, and arrays of
    ``batch``'s rows whose columns are visible units (``visible``) or hidden units (``hidden``); with ``chains``,
    those rows are the chains'."""

    def check(function: str, values: dict) -> None:
        n_visible, n_hidden = np.shape(values["W"])
        for name, vector in (("b", (n_visible,)), ("c", (n_hidden,))):
            if name in values and np.shape(values[name]) != vector:
                fail(function, name, values[name], f"does not fit W, {np.shape(values['W'])}", f"give an array of shape {vector}")
        rows = np.shape(values[batch])[0]
        expected = {batch: (rows, n_visible)}
        if chains is not None:
            expected[chains] = (len(values[chains]), n_visible)
            rows = len(values[chains])
        expected.update({name: (rows, n_visible) for name in visible} | {name: (rows, n_hidden) for name in hidden})
        for name, shape in expected.items():
            if np.shape(values[name]) != shape:
                fail(
                    function,
                    name,
                    values[name],
                    f"does not fit W, {np.shape(values['W'])}, and {rows} rows",
                    f"give an array of shape {shape}",
                )

    return check


def hidden_probabilities(v, W, c):
    """p(h = 1 | v) for each hidden unit: (batch, n_visible) -> (batch, n_hidden)."""
    return sigmoid(v @ W + c)


def visible_probabilities(h, W, b):
    """p(v = 1 | h) for each visible unit: (batch, n_hidden) -> (batch, n_visible)."""
    return sigmoid(h @ W.T + b)


@arguments(_shapes("v"), v=_rows, W=_rows, b=_vector, c=_vector)
def free_energy(v, W, b, c):
    """The free energy of each visible vector, F(v) = -v b - Σ_j log(1 + exp(c_j + v W[:, j])): (batch, n_visible) -> (batch,).

    Summing e^{-E(v, h)} over every hidden vector gives p(v) = e^{-F(v)} / Z, so a lower free energy means a more probable
    image. Hinton's practical guide (section 6) compares its mean on training and on held-out images: their gap is a
    measure of overfitting that needs no Z. Section 6 of step 7.
    """
    return -v @ b - np.logaddexp(0, v @ W + c).sum(axis=1)


@arguments(
    _shapes("v0", visible=("uniform_visible",), hidden=("uniform_hidden",)),
    v0=_within_0_and_1,
    W=_rows,
    b=_vector,
    c=_vector,
    uniform_hidden=_within_0_and_1,
    uniform_visible=_within_0_and_1,
    learning_rate=positive,
)
def cd1_update(v0, W, b, c, uniform_hidden, uniform_visible, learning_rate):
    """One CD-1 step of gradient ascent for a batch of binary data v0 (batch, n_visible): the new (W, b, c).

    W (n_visible, n_hidden), b (n_visible,), c (n_hidden,). The random numbers of the step's two draws come
    in from outside, so that the update is reproducible: uniform_hidden (batch, n_hidden) for the hidden
    units, uniform_visible (batch, n_visible) for the reconstruction (a unit is on when its number is
    below its probability). Section 6 of step 7; the solution of lab ``cd1_update``.
    """
    h0 = sigmoid(v0 @ W + c)  # positive phase: p(h = 1 | data)
    h0_sample = (uniform_hidden < h0).astype(float)  # draw the hidden units
    v1 = (uniform_visible < sigmoid(h0_sample @ W.T + b)).astype(float)  # ... then the reconstruction
    h1 = sigmoid(v1 @ W + c)  # negative phase: p(h = 1 | reconstruction)
    n = len(v0)
    W = W + learning_rate * (v0.T @ h0 - v1.T @ h1) / n
    b = b + learning_rate * (v0 - v1).mean(axis=0)
    c = c + learning_rate * (h0 - h1).mean(axis=0)
    return W, b, c


@arguments(
    _shapes("v0", visible=("uniform_visible",), hidden=("uniform_hidden",), chains="chains"),
    v0=_within_0_and_1,
    W=_rows,
    b=_vector,
    c=_vector,
    chains=_within_0_and_1,
    uniform_hidden=_within_0_and_1,
    uniform_visible=_within_0_and_1,
)
def pcd_gradients(v0, W, b, c, chains, uniform_hidden, uniform_visible):
    """The persistent-CD (Tieleman 2008) estimate of the log-likelihood gradient for a batch v0.

    The positive phase is CD-1's: the hidden probabilities given the data. The negative phase does not
    start from the data: it advances a set of *persistent* Gibbs chains ``chains`` (n_chains,
    n_visible) of binary states, kept from one update to the next, by one Gibbs step (the random
    numbers ``uniform_hidden`` (n_chains, n_hidden) and ``uniform_visible`` (n_chains, n_visible) come
    in from outside, as in ``cd1_update``). Returns (dW, db, dc, new chains): averages over the
    batch minus averages over the chains, to be *added*. With ``chains`` equal to ``v0`` it is CD-1's estimate.
    """
    h0 = hidden_probabilities(v0, W, c)  # p(h | data)
    chain_h = (uniform_hidden < hidden_probabilities(chains, W, c)).astype(float)
    new_chains = (uniform_visible < visible_probabilities(chain_h, W, b)).astype(float)  # one Gibbs step of each chain
    h1 = hidden_probabilities(new_chains, W, c)  # p(h | the chains' new states)
    dW = v0.T @ h0 / len(v0) - new_chains.T @ h1 / len(new_chains)
    db = v0.mean(axis=0) - new_chains.mean(axis=0)
    dc = h0.mean(axis=0) - h1.mean(axis=0)
    return dW, db, dc, new_chains


def _steps(function: str, name: str, value):
    """The Gibbs steps to record: a non-empty list of whole numbers, each at least 1."""
    if isinstance(value, (str, bytes, dict)) or not hasattr(value, "__len__") or not len(value):
        fail(function, name, value, "is not a list of steps", "give a list of whole numbers, each at least 1 (the steps to record)")
    for index, step in enumerate(value):
        positive_integer(function, f"{name}[{index}]", step)
    return value


_pcd_gradients = inspect.unwrap(pcd_gradients)  # for every batch of data checked once


class RBM:
    """A binary RBM: ``n_visible`` inputs, ``n_hidden`` feature detectors."""

    @arguments(n_visible=positive_integer, n_hidden=positive_integer)
    def __init__(self, n_visible: int, n_hidden: int, seed: int = 0):
        self.rng = np.random.default_rng(seed)
        self.W: np.ndarray = self.rng.normal(scale=0.01, size=(n_visible, n_hidden))
        self.b: np.ndarray = np.zeros(n_visible)
        self.c: np.ndarray = np.zeros(n_hidden)
        self.chains: np.ndarray | None = None  # the persistent chains of train_epoch_persistent

    def _data(self, function: str, data) -> None:
        """The data this RBM can read: one row per example, one column per visible unit."""
        columns = np.shape(data)[1]
        wanted = f"give an array of shape (n, {len(self.b)})"
        require(columns == len(self.b), function, "data", data, f"has {columns} columns for {len(self.b)} visible units", wanted)

    @arguments(data=_within_0_and_1, batch_size=positive_integer, learning_rate=positive, update=optional(a_function))
    def train_epoch(self, data, batch_size: int = 100, learning_rate: float = 0.1, update=None) -> None:
        """One pass of CD-1 gradient ascent over shuffled binary data (n, n_visible).

        ``update`` (default ``cd1_update``) has the signature of ``cd1_update`` and returns the new
        (W, b, c); step 7 passes the learner's own once it has passed its check.
        """
        self._data("RBM.train_epoch", data)
        update = inspect.unwrap(update or cd1_update)  # the data is checked once, not every batch
        order = self.rng.permutation(len(data))
        for start in range(0, len(data), batch_size):
            batch = data[order[start : start + batch_size]]
            uniform_hidden = self.rng.random((len(batch), len(self.c)))
            uniform_visible = self.rng.random(batch.shape)
            self.W, self.b, self.c = (
                np.asarray(p, dtype=float) for p in update(batch, self.W, self.b, self.c, uniform_hidden, uniform_visible, learning_rate)
            )

    @arguments(data=_within_0_and_1, batch_size=positive_integer, learning_rate=positive)
    def train_epoch_persistent(self, data, batch_size: int = 100, learning_rate: float = 0.1) -> None:
        """One pass of persistent-CD gradient ascent (see ``pcd_gradients``) over shuffled binary data.

        The persistent chains, one per example of a batch, start from the first batch of the first
        epoch and are kept in ``self.chains`` from one batch (and one epoch) to the next.
        """
        self._data("RBM.train_epoch_persistent", data)
        order, chains = self.rng.permutation(len(data)), getattr(self, "chains", None)
        for start in range(0, len(data), batch_size):
            batch = data[order[start : start + batch_size]]
            if chains is None:
                chains = np.array(batch, dtype=float)
            uniform_hidden = self.rng.random((len(chains), len(self.c)))
            uniform_visible = self.rng.random(chains.shape)
            dW, db, dc, chains = _pcd_gradients(batch, self.W, self.b, self.c, chains, uniform_hidden, uniform_visible)
            self.chains = chains
            self.W, self.b, self.c = self.W + learning_rate * dW, self.b + learning_rate * db, self.c + learning_rate * dc

    @arguments(data=_rows)
    def reconstruction_error(self, data) -> float:
        """Mean squared difference between data and its one-step reconstruction through the hidden
        probabilities (a rough progress measure; CD-1 does not minimise it directly)."""
        self._data("RBM.reconstruction_error", data)
        reconstruction = visible_probabilities(hidden_probabilities(data, self.W, self.c), self.W, self.b)
        return float(np.mean((data - reconstruction) ** 2))

    @arguments(start=_within_0_and_1, record_at=_steps, rng=optional(random_generator))
    def gibbs_chain(self, start, record_at, rng=None) -> dict:
        """Run Gibbs chains from the binary visible states ``start`` (chains, n_visible), alternating
        h ~ p(h | v) and v ~ p(v | h). Returns {step: visible probabilities (chains, n_visible)} at the
        steps in ``record_at`` (probabilities are smoother to look at than the binary samples)."""
        require(
            np.shape(start)[1] == len(self.b),
            "RBM.gibbs_chain",
            "start",
            start,
            "does not fit the visible units",
            f"give an array of shape (chains, {len(self.b)})",
        )
        rng = rng or np.random.default_rng(0)
        v, snapshots = np.asarray(start, dtype=float), {}
        for step in range(1, max(record_at) + 1):
            h = (rng.random((len(v), len(self.c))) < hidden_probabilities(v, self.W, self.c)).astype(float)
            probabilities = visible_probabilities(h, self.W, self.b)
            v = (rng.random(probabilities.shape) < probabilities).astype(float)
            if step in record_at:
                snapshots[step] = probabilities
        return snapshots
