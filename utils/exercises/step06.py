"""The labs of step 6 (``notebooks/06_rnns_and_language.ipynb``): their solutions are the course's own
``utils.char_rnn.rnn_step``, ``rnn_forward``, ``bptt_backward`` and ``utils.text.sample_with_temperature``,
``max_over_time``; each typical mistake is an edit of its solution.

The references are independent of the course's code: Keras' ``SimpleRNN`` given the same weights and
TensorFlow's cross-entropy, central differences of a loss written out directly, the exact softmax for the
sampler (judged from the frequencies of many draws), Keras' ``GlobalMaxPooling1D``. Their Keras layers have
zero initialisers and a fixed seed: checking draws nothing from the global random generators.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Sequence

import numpy as np

from utils.char_rnn import PARAMETERS, rnn_forward
from utils.exercises.core import Case, FunctionExercise, LazyModule, edit
from utils.gradcheck import numerical_gradient

tf, keras = LazyModule("tensorflow"), LazyModule("keras")
Parameters = dict[str, np.ndarray]


def random_parameters(rng: np.random.Generator, vocab: int, hidden: int, scale: float = 0.6) -> Parameters:
    """A character RNN's parameters with non-trivial random values (biases included)."""
    shapes = {"W_xh": (vocab, hidden), "W_hh": (hidden, hidden), "b_h": (hidden,), "W_hy": (hidden, vocab), "b_y": (vocab,)}
    return {name: rng.normal(scale=scale, size=shapes[name]) for name in PARAMETERS}


def keras_states(p: Parameters, inputs: Sequence[int] | np.ndarray, h_prev: np.ndarray) -> np.ndarray:
    """The states after each input, (T, hidden), from Keras' SimpleRNN given the same weights, in float64."""
    zeros = dict.fromkeys(("kernel_initializer", "recurrent_initializer", "bias_initializer"), "zeros")
    layer = keras.layers.SimpleRNN(p["W_hh"].shape[0], return_sequences=True, dtype="float64", seed=0, name="reference_simple_rnn", **zeros)
    layer.build((None, None, p["W_xh"].shape[0]))
    layer.set_weights([p["W_xh"], p["W_hh"], p["b_h"]])
    one_hot = tf.one_hot(np.asarray(inputs)[None, :], p["W_xh"].shape[0], dtype=tf.float64)  # (1, T, vocab)
    return layer(one_hot, initial_state=[tf.constant(np.asarray(h_prev, dtype=float)[None, :])]).numpy()[0]


# --- Warm-up: one step of the RNN (section 1) -----------------------------------------------------
def _step_cases() -> list[Case]:
    rng, cases = np.random.default_rng(61), []
    for vocab, hidden, x_id, label in (
        (5, 4, 2, "vocabulary 5, hidden 4"),
        (6, 3, 0, "vocabulary 6 > hidden 3, zero bias"),
        (3, 5, 2, "hidden 5 > vocabulary 3, the last character"),
    ):
        p = random_parameters(rng, vocab, hidden, scale=0.8)
        bias = np.zeros(hidden) if "zero bias" in label else p["b_h"]
        cases.append(Case((x_id, rng.normal(size=hidden), p["W_xh"], p["W_hh"], bias), label))
    return cases


RNN_STEP = FunctionExercise(
    name="rnn_step",
    title="One step of a recurrent network",
    kind="warm-up",
    idea="The new state mixes what comes in now (the character) with what the network remembers (the previous state), "
    "then squashes the sum with tanh.",
    structure="The character's contribution is row x_id of W_xh (a one-hot row times W_xh picks that row), shape (hidden,); "
    "add h_prev @ W_hh, also (hidden,), and b_h; apply np.tanh.",
    solution="utils.char_rnn.rnn_step",
    reference=lambda x_id, h_prev, W_xh, W_hh, b_h: keras_states({"W_xh": W_xh, "W_hh": W_hh, "b_h": b_h}, [x_id], h_prev)[0],
    reference_name="Keras' SimpleRNN given the same weights",
    stub="my_rnn_step",
    cases=_step_cases,
    mistakes=[
        edit(
            "np.tanh(W_xh[x_id] + h_prev @ W_hh + b_h)",
            "W_xh[x_id] + h_prev @ W_hh + b_h",
            "The tanh is missing: without it the state is a linear function of the inputs and can grow without bound.",
        ),
        edit(
            "h_prev @ W_hh +", "h_prev @ W_hh.T +", "With the state as a row, the recurrence is h_prev times W_hh, not times its transpose."
        ),
        edit("+ h_prev @ W_hh +", "+", "The previous state is missing: h_prev times W_hh is what gives the network its memory."),
    ],
    shape_hint="The new state has the shape of h_prev, (hidden,): W_xh[x_id] is (hidden,), and (hidden,) @ (hidden, hidden) is (hidden,).",
)


# --- Lab: the forward pass over a window (section 1) -----------------------------------------------
def keras_forward(p: Parameters, inputs: np.ndarray, targets: np.ndarray, h_prev: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
    """The independent reference: the states from Keras' SimpleRNN with the same weights; the
    probabilities and the summed loss from TensorFlow's softmax and sparse cross-entropy of the scores."""
    states = keras_states(p, inputs, h_prev)  # (T, hidden)
    scores = tf.constant(states @ p["W_hy"] + p["b_y"])
    losses = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=np.asarray(targets), logits=scores)
    h_prev = np.asarray(h_prev, dtype=float)[None, :]
    return float(tf.reduce_sum(losses)), np.concatenate([h_prev, states]), tf.nn.softmax(scores).numpy()


def _window_cases() -> list[Case]:
    rng, cases = np.random.default_rng(62), []
    for vocab, hidden, length, label in (
        (5, 3, 6, "a window of 6, vocabulary 5 > hidden 3"),
        (6, 2, 1, "a window of length 1, vocabulary 6 > hidden 2"),
        (4, 7, 9, "a window of 9, hidden 7 > vocabulary 4, starting from a zero state"),
        (3, 5, 5, "one character repeated, large weights (tanh saturates)"),
    ):
        p = random_parameters(rng, vocab, hidden, scale=2.0 if "large" in label else 0.6)
        inputs = np.full(length, 1) if "repeated" in label else rng.integers(0, vocab, size=length)
        targets = rng.integers(0, vocab, size=length)
        h_prev = np.zeros(hidden) if "zero state" in label else rng.normal(scale=0.5, size=hidden)
        cases.append(Case((p, inputs, targets, h_prev), label))
    return cases


RNN_FORWARD = FunctionExercise(
    name="rnn_forward",
    title="The forward pass of a character RNN over a window",
    idea="Read the window one character at a time, each step starting from the state the step before produced (the first from "
    "h_prev). From each new state come the scores of the next character, their softmax, and the loss term "
    "-log(probability of the true next character). Keep every state: the backward pass needs them.",
    structure="Make an array of states, shape (T + 1, hidden), with h_prev in row 0. For each t from 0 to T - 1, row t + 1 is "
    "the tanh of: row inputs[t] of W_xh, plus row t of the states times W_hh, plus b_h. The outputs need no loop: "
    "the states after the steps (rows 1 to T) times W_hy, plus b_y, are the scores, shape (T, vocab); softmax works "
    "row by row; the loss is minus the sum over t of the log of entry targets[t] of row t. "
    "Return (loss, states, probabilities).",
    solution=rnn_forward,
    reference=keras_forward,
    reference_name="Keras' SimpleRNN with the same weights, and TensorFlow's sparse_softmax_cross_entropy_with_logits for the loss",
    stub="my_rnn_forward",
    cases=_window_cases,
    names=("loss", "states", "probabilities"),
    mistakes=[
        edit(
            "softmax(states[1:] @",
            "softmax(states[:-1] @",
            "The scores come from the state before each step: the prediction of targets[t] "
            "reads the state after reading inputs[t], which is states[t + 1] (states[0] is h_prev).",
        ),
        edit(
            "np.arange(len(targets)), targets]",
            "np.arange(len(inputs)), inputs]",
            "The loss scores the character just read: it should score the next one, targets[t].",
        ),
        edit(
            "-np.sum(np.log(",
            "-np.mean(np.log(",
            "The loss is averaged over the window: here it is the sum over the T steps (the loss per character is that sum divided by T).",
        ),
        edit(
            'states[t] @ p["W_hh"]',
            'h_prev @ p["W_hh"]',
            "Every step starts again from h_prev: each step must read the state that the step before it produced.",
        ),
    ],
    shape_hint="Return (loss, states, probabilities): the loss is one number; states has T + 1 rows (row 0 is h_prev) of "
    "hidden numbers; probabilities has one row of vocab numbers per input character.",
)


# --- Lab: backpropagation through time (section 1) -------------------------------------------------
def central_difference_gradients(p: Parameters, inputs, targets, states, probabilities) -> tuple[Parameters, np.ndarray]:
    """The independent reference: every gradient by central differences of the window's summed cross-entropy,
    written out on its own (one-hot rows times W_xh; -log softmax as log-sum-exp minus the target's score).
    The cached states and probabilities are not used, except for h_prev = states[0]."""
    p, one_hot = {name: np.array(value, dtype=float) for name, value in p.items()}, np.eye(len(p["W_xh"]))
    h_prev = np.array(states[0], dtype=float)

    def loss(_) -> float:
        h, total = h_prev, 0.0
        for x, target in zip(inputs, targets):
            h = np.tanh(one_hot[x] @ p["W_xh"] + h @ p["W_hh"] + p["b_h"])
            scores = h @ p["W_hy"] + p["b_y"]
            total += scores.max() + np.log(np.sum(np.exp(scores - scores.max()))) - scores[target]
        return total

    return {name: numerical_gradient(loss, p[name]) for name in PARAMETERS}, numerical_gradient(loss, h_prev)


def _bptt_cases() -> list[Case]:
    rng, cases = np.random.default_rng(63), []
    for vocab, hidden, length, label in (
        (5, 3, 6, "a window of 6, vocabulary 5 > hidden 3"),
        (4, 2, 1, "a window of length 1, vocabulary 4 > hidden 2"),
        (3, 6, 8, "a window of 8 with repeated characters, hidden 6 > vocabulary 3"),
        (4, 4, 12, "a window of 12, vocabulary = hidden = 4"),
    ):
        p = random_parameters(rng, vocab, hidden)
        inputs, targets = rng.integers(0, vocab, size=length), rng.integers(0, vocab, size=length)
        if "repeated" in label:
            inputs = np.array([0, 2, 2, 1, 2, 0, 0, 2])
        _, states, probabilities = rnn_forward(p, inputs, targets, rng.normal(scale=0.5, size=hidden))
        cases.append(Case((p, inputs, targets, states, probabilities), label))
    return cases + _large_gradient_cases()


def _large_gradient_cases() -> list[Case]:
    """Two windows whose exact gradients have entries above 1e3, beyond any threshold a training loop
    would clip at (min-char-rnn clips to [-5, 5]): a backward pass that clips cannot pass them."""
    rng = np.random.default_rng(65)
    # Scores hundreds of times larger than usual (W_hy of scale 250) while the states stay small: the
    # gradient reaching each state is large, and so are those of W_xh, W_hh and b_h (up to about 3e3).
    p = random_parameters(rng, 4, 3, scale=0.3)
    p["W_hy"] = rng.normal(scale=250.0, size=(3, 4))
    inputs, targets = rng.integers(0, 4, size=16), rng.integers(0, 4, size=16)
    _, states, probabilities = rnn_forward(p, inputs, targets, rng.normal(scale=0.1, size=3))
    scaled = Case(
        (p, inputs, targets, states, probabilities), "scores 250 times larger: gradient entries up to 3e3, beyond any clipping threshold"
    )
    # A long window whose every target is a character the network gives little probability (b_y = -6):
    # the shares of 1,200 steps add up, and b_y's and W_hy's gradients reach about 1.2e3.
    p = random_parameters(rng, 3, 2)
    p["b_y"][0] = -6.0
    inputs, targets = rng.integers(0, 3, size=1200), np.zeros(1200, dtype=np.int64)
    _, states, probabilities = rnn_forward(p, inputs, targets, rng.normal(scale=0.5, size=2))
    long = Case((p, inputs, targets, states, probabilities), "a window of 1,200 with one unlikely target: summed gradients above 1e3")
    return [scaled, long]


BPTT_BACKWARD = FunctionExercise(
    name="bptt_backward",
    title="Backpropagation through time",
    idea="Walk the window backwards, from the last step to the first. At each step the gradient reaching the state h_t has two "
    "sources: the output at t, and step t + 1, which read h_t (nothing comes from after the window). Take it back "
    "through tanh, add each parameter's share (the same weights serve every step, so their gradients add up), and "
    "pass the rest on to h_(t-1).",
    structure="Start every gradient at zero, shaped like its parameter, and the gradient coming from the future, dh_next, at "
    "zero, shape (hidden,). Loop t from T - 1 down to 0; the step's state is states[t + 1], the one it read "
    "states[t]. δy: a copy of row t of the probabilities with 1 subtracted at targets[t]. Add the outer product of "
    "the step's state and δy to W_hy's gradient, and δy to b_y's. δh: δy times W_hy transposed, plus dh_next. "
    "δs: δh times 1 - (the step's state)², element by element. Add δs to b_h's gradient and to row inputs[t] of "
    "W_xh's, and the outer product of the state it read and δs to W_hh's. The next dh_next is δs times W_hh "
    "transposed; after the loop it is the gradient of h_prev. Return (gradients, dh_next), as they are: no clipping "
    "(the training step clips afterwards).",
    solution="utils.char_rnn.bptt_backward",
    reference=central_difference_gradients,
    reference_name="central differences of the loss",
    stub="my_bptt_backward",
    cases=_bptt_cases,
    names=("gradients", "dh_prev"),
    rtol=1e-5,
    atol=1e-7,
    mistakes=[
        edit(
            'dy @ p["W_hy"].T + dh_next  # from the output at t, and from the future',
            'dy @ p["W_hy"].T',
            "The gradient from the future is missing: h_t also feeds step t + 1, so the gradient "
            "reaching it is the one from the output at t plus the one coming back from step t + 1.",
        ),
        edit(
            "dz = (1 - states[t + 1] ** 2) * dh  # back through tanh, at the state this step produced",
            "dz = dh",
            "tanh' is missing: between the gradient of h_t and that of the sum inside the tanh "
            "comes the factor 1 - h_t², the derivative of tanh.",
        ),
        edit(
            "(1 - states[t + 1] ** 2)",
            "(1 - states[t] ** 2)",
            "tanh' is taken at the wrong step: the factor 1 - h_t² uses the state "
            "step t produced, states[t + 1], not the one it read, states[t].",
        ),
        edit(
            'dh_next = dz @ p["W_hh"].T',
            'dh_next = dz @ p["W_hh"]',
            "Going back to h_(t-1) needs W_hh transposed: the forward pass multiplies the row "
            "h_(t-1) by W_hh, so the gradient of h_(t-1) is the gradient of the sum times W_hhᵀ.",
        ),
        edit(
            "        dy[targets[t]] -= 1  # softmax with cross-entropy: p - one_hot(target)\n",
            "",
            "The softmax gradient lacks the -1 at the target: the gradient of "
            "-log softmax with respect to the scores is p - onehot(target).",
        ),
        edit(
            "    return gradients, dh_next\n",
            "    for gradient in gradients.values():\n"
            "        np.clip(gradient, -5, 5, out=gradient)  # as min-char-rnn clips\n"
            "    return gradients, dh_next\n",
            "It clips the gradients (to [-5, 5], as min-char-rnn does): a backward pass must return the exact gradients, "
            "however large. Clipping is a decision of the training step (CharRNN.step clips what your function returns), "
            "and here it cuts gradients above 1e3 down to 5.",
        ),
    ],
    shape_hint="Return (gradients, dh_prev): gradients is a dict with the keys W_xh, W_hh, b_h, W_hy, b_y, each gradient shaped "
    "like its parameter; dh_prev is shaped like states[0], (hidden,).",
)


# --- Lab: sampling with a temperature (section 2) --------------------------------------------------

#: How many draws the checker asks of a sampler for each case, and the seed of the generator it gives.
DRAWS, DRAW_SEED = 20_000, 2024
#: The frequency of each index among DRAWS draws is a binomial proportion: its standard deviation is
#: sqrt(p (1 - p) / DRAWS) <= 0.5 / sqrt(20,000) = 0.0035. The checker allows five times that,
#: 0.018, on every entry: a correct sampler (drawing in any way at all) strays further with probability
#: below 6e-7 per entry (the normal tail beyond 5 standard deviations), so below 2e-5 over the 25
#: entries of the five cases; each typical mistake is off by 0.05 or more (tests/test_labs_step06.py).
FREQUENCY_TOLERANCE = 5 * 0.5 / np.sqrt(DRAWS)
#: The first draws are drawn again from a fresh generator with the same seed: they must repeat.
REPEATED_DRAWS = 100


class UnusableDraw(Exception):
    """A sampler's draw that cannot be counted (not an index of the scores, or not from the given rng)."""


def exact_distribution(scores: np.ndarray, temperature: float) -> tuple[np.ndarray]:
    """The independent reference: the exact distribution softmax(scores / T), by TensorFlow, in float64."""
    return (tf.nn.softmax(tf.constant(np.asarray(scores, dtype=float) / temperature)).numpy(),)


def draw_frequencies(sampler: Callable) -> Callable[[np.ndarray, float], tuple[np.ndarray]]:
    """The checker's harness: (the frequency of each index among DRAWS draws of ``sampler``,), nan where the
    probabilities were nan (an overflow); the first draws must repeat with a fresh generator of the same seed."""
    if sampler is exact_distribution:
        return exact_distribution

    def draw(scores: np.ndarray, temperature: float, rng: np.random.Generator) -> int:
        value = sampler(scores.copy(), temperature, rng)
        if value is None:
            raise UnusableDraw("it returned None: did you forget the `return` statement? Return the index drawn, an int")
        try:
            index = operator.index(value)
        except TypeError:
            raise UnusableDraw(f"it returned {value!r} ({type(value).__name__}); return the index of the chosen score, an int") from None
        if not 0 <= index < len(scores):
            raise UnusableDraw(f"it returned {index}, but there are {len(scores)} scores: return an index from 0 to {len(scores) - 1}")
        return index

    def frequencies(scores: np.ndarray, temperature: float) -> tuple[np.ndarray]:
        scores, rng = np.asarray(scores, dtype=float), np.random.default_rng(DRAW_SEED)
        try:
            draws = [draw(scores, temperature, rng) for _ in range(DRAWS)]
        except ValueError as exc:
            if "nan" not in str(exc).lower():
                raise
            return (np.full(len(scores), np.nan),)  # rng.choice refused probabilities that are nan
        again = np.random.default_rng(DRAW_SEED)
        if [draw(scores, temperature, again) for _ in range(REPEATED_DRAWS)] != draws[:REPEATED_DRAWS]:
            raise UnusableDraw(
                "the same seed gave different draws: draw with the generator you are given, rng "
                "(rng.choice or rng.random), so that the same seed writes the same text"
            )
        return (np.bincount(draws, minlength=len(scores)) / DRAWS,)

    return frequencies


SAMPLE_WITH_TEMPERATURE = FunctionExercise(
    name="sample_with_temperature",
    title="Sampling with a temperature",
    idea="Dividing the scores by T before the softmax sharpens the distribution when T < 1 and flattens it when T > 1. "
    "Subtracting the largest scaled score first changes no probability (it cancels in the ratio) but keeps every "
    "exponential at most 1. Then draw one index with those probabilities, using the generator you are given.",
    structure="Divide the scores (as floats) by the temperature; subtract the largest of them; exponentiate (np.exp); divide "
    "by the sum, which gives probabilities adding up to 1; draw one index with rng.choice(number of scores, "
    "p=those probabilities) and return it as an int.",
    solution="utils.text.sample_with_temperature",
    reference=exact_distribution,
    reference_name=f"the exact softmax(scores / T), from the frequencies of {DRAWS:,} draws (within {FREQUENCY_TOLERANCE:.3f})",
    stub="my_sample_with_temperature",
    cases=lambda: [
        Case((np.array([2.0, 1.0, 0.1, -1.0, 0.5]), 1.0), "T = 1, five scores: the softmax itself"),
        Case((np.array([2.0, 1.0, 0.1, -1.0, 0.5]), 0.5), "T = 0.5, the same scores: sharper"),
        Case((np.array([0.3, -1.2, 2.5, 0.0, 1.1, -0.4]), 2.0), "T = 2, six scores: flatter"),
        Case((np.array([1000.0, 999.0, 998.2, 990.0]), 1.0), "scores near 1,000 (e^1000 overflows)"),
        Case((np.array([41.2, 41.05, 40.3, 39.5, 40.9]), 0.05), "T = 0.05: nearly always the largest score (and e^(s/T) overflows too)"),
    ],
    adapter=draw_frequencies,
    names=("frequencies",),
    rtol=0.0,
    atol=FREQUENCY_TOLERANCE,
    time_limit=20,
    mistakes=[
        edit(
            "dtype=float) / temperature",
            "dtype=float) * temperature",
            "The scores are multiplied by the temperature: divide them by it, so that a low temperature sharpens the distribution.",
        ),
        edit(
            "np.exp(scaled - scaled.max())  # the largest is e^0 = 1: nothing can overflow",
            "np.exp(scaled)",
            "The exponentials overflow: e^1000 is inf in float64 and inf / inf is nan. "
            "Subtract the largest scaled score before exponentiating.",
        ),
        edit(
            "int(rng.choice(len(probabilities), p=probabilities))",
            "int(np.argmax(probabilities))",
            "It always returns the largest score: that is the limit T → 0. Draw at random with the probabilities instead.",
        ),
    ],
    shape_hint="Return one index, an int from 0 to len(scores) - 1, drawn with rng from probabilities that add up to 1.",
    none_message="Your function returned None. Did you forget the `return` statement? Return the index drawn, an int.",
)


# --- Warm-up: max-over-time pooling (section 4) -----------------------------------------------------
def _pooling_cases() -> list[Case]:
    rng = np.random.default_rng(64)
    shapes = {
        (2, 7, 3): "2 sentences of 7 words, 3 channels",
        (4, 5, 6): "4 sentences of 5 words, 6 channels",
        (1, 1, 4): "one sentence of one word",
    }
    return [Case((rng.normal(size=shape),), label) for shape, label in shapes.items()]


MAX_OVER_TIME = FunctionExercise(
    name="max_over_time",
    title="Max-over-time pooling",
    kind="warm-up",
    idea="Each channel is one phrase detector; keep its strongest response anywhere in the sentence, whatever the sentence's length.",
    structure="Take the maximum along the time axis, axis 1: (batch, time, channels) -> (batch, channels).",
    solution="utils.text.max_over_time",
    reference=lambda maps: keras.layers.GlobalMaxPooling1D(dtype="float64", name="reference_max_pooling")(maps).numpy(),
    reference_name="Keras' GlobalMaxPooling1D",
    stub="my_max_over_time",
    cases=_pooling_cases,
    mistakes=[
        edit("feature_maps.max(axis=1)", "feature_maps.mean(axis=1)", "That is the average over time; Kim's model keeps the maximum."),
        edit("max(axis=1)", "max(axis=2)", "That is the maximum over the channels; pool over time (axis 1) instead."),
        edit("max(axis=1)", "max(axis=0)", "That is the maximum over the batch; pool over time (axis 1) instead."),
    ],
    shape_hint="(batch, time, channels) -> (batch, channels): the time axis, axis 1, disappears.",
    speed_case=lambda: Case((np.random.default_rng(66).normal(size=(600, 4, 300)),), "600 sentences of 4 words, 300 channels"),
)

EXERCISES = [RNN_STEP, RNN_FORWARD, BPTT_BACKWARD, SAMPLE_WITH_TEMPERATURE, MAX_OVER_TIME]
