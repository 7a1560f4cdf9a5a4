"""The exercises of step 7 (``notebooks/07_further_topics.ipynb``)."""

from __future__ import annotations

import numpy as np

from utils.exercises.core import FunctionExercise, Mistake

_rng = np.random.default_rng(7)


def cell_update(c_prev, f, i, c_tilde):
    """The LSTM's new cell state: keep f of the old state, write i of the candidate: f ⊙ c_prev + i ⊙ c̃."""
    return f * c_prev + i * c_tilde


_GATES = [tuple(_rng.uniform(-1, 1, size=(2, 3)) if k in (0, 3) else _rng.uniform(0, 1, size=(2, 3)) for k in range(4)),
          tuple(_rng.uniform(-1, 1, size=5) if k in (0, 3) else _rng.uniform(0, 1, size=5) for k in range(4))]

CELL_UPDATE = FunctionExercise(
    name="lstm_cell_update",
    title="The LSTM's cell-state update",
    hint="The forget gate f multiplies the old cell state; the input gate i multiplies the candidate; add the two.",
    solution=cell_update,
    cases=_GATES,
    mistakes=[
        Mistake(lambda c, f, i, ct: f * ct + i * c, "The gates are swapped: f decides what to keep of c_prev, i what to write of c̃."),
        Mistake(lambda c, f, i, ct: c + i * ct, "The forget gate is missing: without it the cell can only accumulate, never erase."),
        Mistake(lambda c, f, i, ct: f * c + ct, "The input gate is missing: it decides how much of the candidate is written."),
    ],
)


def reparameterize(mean, log_variance, epsilon):
    """A sample z = mean + σ ⊙ ε with σ = exp(½ log σ²): the randomness ε enters from outside, so
    gradients flow to the mean and the variance (Kingma and Welling's reparameterisation trick)."""
    return mean + np.exp(0.5 * log_variance) * epsilon


_LATENT = [(_rng.normal(size=(3, 2)), _rng.normal(size=(3, 2)), _rng.normal(size=(3, 2))),
           (_rng.normal(size=4), _rng.normal(size=4), _rng.normal(size=4))]

REPARAMETERIZE = FunctionExercise(
    name="reparameterize",
    title="The reparameterisation trick",
    hint="The encoder gives log σ², so σ = exp(0.5 * log_variance); then z = mean + σ * epsilon.",
    solution=reparameterize,
    cases=_LATENT,
    mistakes=[
        Mistake(lambda m, lv, e: m + np.exp(lv) * e, "exp(log_variance) is the variance σ²; the standard deviation is exp(0.5 * log_variance)."),
        Mistake(lambda m, lv, e: m + lv * e, "log_variance is a logarithm: take exp(0.5 * log_variance) to get σ."),
        Mistake(lambda m, lv, e: np.exp(0.5 * lv) * e, "The mean is missing: the sample is centred on it."),
    ],
)


def kl_divergence(mean, log_variance):
    """KL(N(mean, σ²) || N(0, 1)) summed over the latent dimensions, one value per example:
    -½ Σ (1 + log σ² - mean² - σ²). Shapes (batch, latent) -> (batch,)."""
    return -0.5 * np.sum(1 + log_variance - mean**2 - np.exp(log_variance), axis=-1)


KL_DIVERGENCE = FunctionExercise(
    name="kl_divergence",
    title="The VAE's KL term",
    hint="Per example: -0.5 * sum over the latent dimensions of (1 + log_variance - mean**2 - exp(log_variance)).",
    solution=kl_divergence,
    cases=[(_rng.normal(size=(4, 2)), _rng.normal(size=(4, 2))), (np.zeros((2, 3)), np.zeros((2, 3))), (_rng.normal(size=(1, 5)), _rng.normal(size=(1, 5)))],
    mistakes=[
        Mistake(lambda m, lv: 0.5 * np.sum(1 + lv - m**2 - np.exp(lv), axis=-1), "The sign is flipped: a KL divergence is never negative."),
        Mistake(lambda m, lv: -0.5 * np.sum(1 + lv - m**2 - np.exp(lv)), "Sum over the latent dimensions only (axis=-1): one value per example."),
        Mistake(lambda m, lv: -np.sum(1 + lv - m**2 - np.exp(lv), axis=-1), "Twice too large: the formula has a factor ½."),
    ],
    shape_hint="One value per example: sum over the last axis, (batch, latent) -> (batch,).",
)

EXERCISES = [CELL_UPDATE, REPARAMETERIZE, KL_DIVERGENCE]
