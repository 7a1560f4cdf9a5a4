"""The exercises of step 6 (``notebooks/06_rnns_and_language.ipynb``)."""

from __future__ import annotations

import numpy as np

from utils import text
from utils.exercises.core import FunctionExercise, Mistake

_rng = np.random.default_rng(6)

TEMPERATURE = FunctionExercise(
    name="temperature_softmax",
    title="Softmax with a temperature",
    hint="Divide the scores by the temperature, subtract their maximum (so exp cannot overflow), "
         "exponentiate, and divide by the sum.",
    solution=text.softmax,
    cases=[(np.array([2.0, 1.0, 0.1]), 1.0), (np.array([2.0, 1.0, 0.1]), 0.5), (np.array([1000.0, 999.0, 0.0]), 1.0),
           (np.array([0.3, -1.2, 2.5, 0.0]), 1.7)],
    mistakes=[
        Mistake(lambda z, t: text.softmax(np.asarray(z) * t), "Divide the scores by the temperature; you multiplied."),
        Mistake(lambda z, t: np.exp(np.asarray(z) / t), "The result must be probabilities: divide by the sum so they add up to 1."),
        Mistake(lambda z, t: text.softmax(z), "The temperature has no effect in your version: divide the scores by it first."),
    ],
)


def rnn_step(x_id, h_prev, W_xh, W_hh, b_h):
    """One step of a vanilla RNN: the new hidden state tanh(W_xh[x] + h_prev @ W_hh + b_h), shape (hidden,)."""
    return np.tanh(W_xh[x_id] + h_prev @ W_hh + b_h)


_STEP_CASES = [(2, _rng.normal(size=4), _rng.normal(size=(5, 4)), _rng.normal(size=(4, 4)), _rng.normal(size=4)),
               (0, _rng.normal(size=3), _rng.normal(size=(6, 3)), _rng.normal(size=(3, 3)), np.zeros(3))]

RNN_STEP = FunctionExercise(
    name="rnn_step",
    title="One step of a recurrent network",
    hint="The input's contribution is row x_id of W_xh (a one-hot row times W_xh); add h_prev @ W_hh and b_h; apply tanh.",
    solution=rnn_step,
    cases=_STEP_CASES,
    mistakes=[
        Mistake(lambda x, h, Wx, Wh, b: Wx[x] + h @ Wh + b, "The tanh is missing: without it the state could grow without bound."),
        Mistake(lambda x, h, Wx, Wh, b: np.tanh(Wx[x] + h @ Wh.T + b), "With the state as a row, the recurrence is h_prev @ W_hh, not W_hh transposed."),
        Mistake(lambda x, h, Wx, Wh, b: np.tanh(Wx[x] + b), "The previous state is missing: h_prev @ W_hh is what gives the network its memory."),
    ],
    shape_hint="The new state has the shape of h_prev: W_xh[x_id] is (hidden,), and (hidden,) @ (hidden, hidden) is (hidden,).",
)


def max_over_time(feature_maps):
    """Max-over-time pooling (Kim 2014): (batch, time, channels) -> (batch, channels), the strongest
    response of each feature anywhere in the sentence."""
    return feature_maps.max(axis=1)


MAX_OVER_TIME = FunctionExercise(
    name="max_over_time",
    title="Max-over-time pooling",
    hint="Take the maximum along the time axis, axis 1: each channel keeps its strongest response anywhere in the sentence.",
    solution=max_over_time,
    cases=[(_rng.normal(size=(2, 7, 3)),), (_rng.normal(size=(4, 5, 6)),)],
    mistakes=[
        Mistake(lambda maps: maps.mean(axis=1), "That is the average over time; Kim's model keeps the maximum."),
        Mistake(lambda maps: maps.max(axis=2), "That is the maximum over the channels; pool over time (axis 1) instead."),
        Mistake(lambda maps: maps.max(axis=0), "That is the maximum over the batch; pool over time (axis 1) instead."),
    ],
    shape_hint="(batch, time, channels) -> (batch, channels): the time axis, axis 1, disappears.",
)

EXERCISES = [TEMPERATURE, RNN_STEP, MAX_OVER_TIME]
