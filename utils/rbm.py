"""A restricted Boltzmann machine with binary units, trained by contrastive divergence (CD-1) or
persistent contrastive divergence (PCD, Tieleman 2008), in NumPy.

Taught in step 7 (``notebooks/07_further_topics.ipynb``), section 6. One example per row: visible
units v (batch, n_visible), hidden units h (batch, n_hidden), weights W (n_visible, n_hidden),
visible biases b (n_visible,) and hidden biases c (n_hidden,). The energy of a joint state is
E(v, h) = -v b - h c - v W h, and the conditionals are independent sigmoids:

    p(h_j = 1 | v) = σ(c_j + v W[:, j]),        p(v_i = 1 | h) = σ(b_i + W[i, :] h).
"""

from __future__ import annotations

import numpy as np

from utils.nn import sigmoid


def hidden_probabilities(v, W, c):
    """p(h = 1 | v) for each hidden unit: (batch, n_visible) -> (batch, n_hidden)."""
    return sigmoid(v @ W + c)


def visible_probabilities(h, W, b):
    """p(v = 1 | h) for each visible unit: (batch, n_hidden) -> (batch, n_visible)."""
    return sigmoid(h @ W.T + b)


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


class RBM:
    """A binary RBM: ``n_visible`` inputs, ``n_hidden`` feature detectors."""

    def __init__(self, n_visible: int, n_hidden: int, seed: int = 0):
        self.rng = np.random.default_rng(seed)
        self.W: np.ndarray = self.rng.normal(scale=0.01, size=(n_visible, n_hidden))
        self.b: np.ndarray = np.zeros(n_visible)
        self.c: np.ndarray = np.zeros(n_hidden)
        self.chains: np.ndarray | None = None  # the persistent chains of train_epoch_persistent

    def train_epoch(self, data, batch_size: int = 100, learning_rate: float = 0.1, update=None) -> None:
        """One pass of CD-1 gradient ascent over shuffled binary data (n, n_visible).

        ``update`` (default ``cd1_update``) has the signature of ``cd1_update`` and returns the new
        (W, b, c); step 7 passes the learner's own once it has passed its check.
        """
        update = update or cd1_update
        order = self.rng.permutation(len(data))
        for start in range(0, len(data), batch_size):
            batch = data[order[start : start + batch_size]]
            uniform_hidden = self.rng.random((len(batch), len(self.c)))
            uniform_visible = self.rng.random(batch.shape)
            self.W, self.b, self.c = (
                np.asarray(p, dtype=float) for p in update(batch, self.W, self.b, self.c, uniform_hidden, uniform_visible, learning_rate)
            )

    def train_epoch_persistent(self, data, batch_size: int = 100, learning_rate: float = 0.1) -> None:
        """One pass of persistent-CD gradient ascent (see ``pcd_gradients``) over shuffled binary data.

        The persistent chains, one per example of a batch, start from the first batch of the first
        epoch and are kept in ``self.chains`` from one batch (and one epoch) to the next.
        """
        order, chains = self.rng.permutation(len(data)), getattr(self, "chains", None)
        for start in range(0, len(data), batch_size):
            batch = data[order[start : start + batch_size]]
            if chains is None:
                chains = np.array(batch, dtype=float)
            uniform_hidden = self.rng.random((len(chains), len(self.c)))
            uniform_visible = self.rng.random(chains.shape)
            dW, db, dc, chains = pcd_gradients(batch, self.W, self.b, self.c, chains, uniform_hidden, uniform_visible)
            self.chains = chains
            self.W, self.b, self.c = self.W + learning_rate * dW, self.b + learning_rate * db, self.c + learning_rate * dc

    def reconstruction_error(self, data) -> float:
        """Mean squared difference between data and its one-step reconstruction through the hidden
        probabilities (a rough progress measure; CD-1 does not minimise it directly)."""
        reconstruction = visible_probabilities(hidden_probabilities(data, self.W, self.c), self.W, self.b)
        return float(np.mean((data - reconstruction) ** 2))

    def gibbs_chain(self, start, record_at, rng=None) -> dict:
        """Run Gibbs chains from the binary visible states ``start`` (chains, n_visible), alternating
        h ~ p(h | v) and v ~ p(v | h). Returns {step: visible probabilities (chains, n_visible)} at the
        steps in ``record_at`` (probabilities are smoother to look at than the binary samples)."""
        rng = rng or np.random.default_rng(0)
        v, snapshots = np.asarray(start, dtype=float), {}
        for step in range(1, max(record_at) + 1):
            h = (rng.random((len(v), len(self.c))) < hidden_probabilities(v, self.W, self.c)).astype(float)
            probabilities = visible_probabilities(h, self.W, self.b)
            v = (rng.random(probabilities.shape) < probabilities).astype(float)
            if step in record_at:
                snapshots[step] = probabilities
        return snapshots
