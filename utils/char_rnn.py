"""A character-level recurrent network written from scratch in NumPy, in the spirit of Andrej
Karpathy's min-char-rnn: one-hot characters in, a tanh hidden state carried from step to step,
softmax scores for the next character out; backpropagation through time over a window of
characters, gradient clipping and Adagrad.

Taught in step 6 (``notebooks/06_rnns_and_language.ipynb``), section 1. One row per time step:

    h_t = tanh(x_t @ W_xh + h_{t-1} @ W_hh + b_h)      x_t one-hot (vocab,), h_t (hidden,)
    y_t = h_t @ W_hy + b_y                              scores for the next character (vocab,)
    loss = Σ_t -log softmax(y_t)[target_t]

A one-hot row times ``W_xh`` is just row ``x_t`` of ``W_xh``, so the code indexes instead of multiplying.
"""

from __future__ import annotations

import inspect
import numbers

import numpy as np

from utils.checks import (
    ArgumentTypeError,
    a_function,
    arguments,
    array,
    fail,
    number,
    optional,
    positive,
    positive_integer,
    random_generator,
    require,
    warn_if_diverged,
)
from utils.text import sample_with_temperature, softmax

PARAMETERS = ("W_xh", "W_hh", "b_h", "W_hy", "b_y")

# --- The checks of the arguments (the lab solutions below declare theirs in their @arguments line) ---------------------


def _ids_within(function: str, name: str, ids, vocab: int) -> None:
    """Character ids: whole numbers from 0 to vocab - 1 (a negative id would silently count from the end)."""
    values = np.asarray(ids)
    if values.size and (values.min() < 0 or values.max() >= vocab):
        wrong = values.min() if values.min() < 0 else values.max()
        fail(function, name, ids, f"holds {wrong:g}, not a character's id", f"give ids from 0 to {vocab - 1} (the vocabulary has {vocab})")


def _parameters(function: str, p) -> tuple[int, int]:
    """The network's parameters, a dict of W_xh (vocab, hidden), W_hh (hidden, hidden), b_h (hidden,), W_hy (hidden,
    vocab), b_y (vocab,): returns (vocab, hidden)."""
    if not isinstance(p, dict) or any(name not in p for name in PARAMETERS):
        fail(function, "p", p, "is not a dict of the five parameters", f"give a dict with {', '.join(PARAMETERS)}", ArgumentTypeError)
    vocab, hidden = np.shape(p["W_xh"]) if np.ndim(p["W_xh"]) == 2 else (0, 0)
    expected = {"W_xh": (vocab, hidden), "W_hh": (hidden, hidden), "b_h": (hidden,), "W_hy": (hidden, vocab), "b_y": (vocab,)}
    for name, shape in expected.items():
        if np.shape(p[name]) != shape or not vocab:
            fail(function, f'p["{name}"]', p[name], "does not fit the others", f"give W_xh (vocab, hidden) and {name} of shape {shape}")
    return vocab, hidden


def _window(with_states: bool):
    """For rnn_forward and bptt_backward: the parameters, the window's ids (inputs and targets, as long as each other,
    within the vocabulary) and the state before the window (or the cached states and probabilities)."""

    def check(function: str, values: dict) -> None:
        vocab, hidden = _parameters(function, values["p"])
        inputs, targets = values["inputs"], values["targets"]
        require(len(inputs) > 0, function, "inputs", inputs, "is empty", "give a window of at least one character")
        require(
            len(targets) == len(inputs),
            function,
            "targets",
            targets,
            f"has {len(targets)} ids",
            f"give one for each of the {len(inputs)} inputs",
        )
        _ids_within(function, "inputs", inputs, vocab)
        _ids_within(function, "targets", targets, vocab)
        expected: dict[str, tuple[int, ...]]
        if with_states:
            expected = {"states": (len(inputs) + 1, hidden), "probabilities": (len(inputs), vocab)}
        else:
            expected = {"h_prev": (hidden,)}
        for name, shape in expected.items():
            require(
                np.shape(values[name]) == shape, function, name, values[name], "does not fit the window", f"give an array of shape {shape}"
            )

    return check


def _step(function: str, values: dict) -> None:
    """For rnn_step: a character id within the vocabulary (the rows of W_xh) and a state (hidden,)."""
    x_id, W_xh = values["x_id"], np.asarray(values["W_xh"])
    if isinstance(x_id, bool) or not isinstance(x_id, numbers.Integral):
        fail(function, "x_id", x_id, f"is a {type(x_id).__name__}", "give a character's id, an int", ArgumentTypeError)
    _ids_within(function, "x_id", x_id, W_xh.shape[0])
    hidden = np.shape(values["W_hh"])[:1]
    require(
        np.shape(values["h_prev"]) == hidden, function, "h_prev", values["h_prev"], "does not fit W_hh", f"give a state of shape {hidden}"
    )


_ids = array(ndim=1, integers=True)


@arguments(_step, h_prev=array(ndim=1), W_xh=array(ndim=2), W_hh=array(ndim=2), b_h=array(ndim=1))
def rnn_step(x_id: int, h_prev: np.ndarray, W_xh: np.ndarray, W_hh: np.ndarray, b_h: np.ndarray) -> np.ndarray:
    """One step of the vanilla RNN: the character read now, ``x_id`` (an int), and the state before,
    ``h_prev`` (hidden,), give the new state (hidden,). W_xh is (vocab, hidden), W_hh (hidden, hidden),
    b_h (hidden,); row x_id of W_xh is the one-hot character times W_xh.
    Taught in step 6, section 1 (the warm-up ``rnn_step``).
    """
    return np.tanh(W_xh[x_id] + h_prev @ W_hh + b_h)


@arguments(_window(with_states=False), inputs=_ids, targets=_ids, h_prev=array(ndim=1))
def rnn_forward(p, inputs, targets, h_prev):
    """The forward pass over a window of T characters, keeping what the backward pass needs.

    p: the parameters (a dict of W_xh (vocab, hidden), W_hh (hidden, hidden), b_h (hidden,),
    W_hy (hidden, vocab), b_y (vocab,)); inputs, targets: int arrays (T,) of character ids, the
    targets being the inputs shifted by one; h_prev: the state before the window, (hidden,).
    Returns (loss, states, probabilities): the summed negative log-likelihood of the targets (a
    float); states (T + 1, hidden), states[0] = h_prev and states[t + 1] the state after reading
    inputs[t]; probabilities (T, vocab), row t the predicted distribution of targets[t].
    Taught in step 6, section 1 (the lab ``rnn_forward``).
    """
    states = np.zeros((len(inputs) + 1, p["W_hh"].shape[0]))
    states[0] = h_prev
    for t, x in enumerate(inputs):
        states[t + 1] = np.tanh(p["W_xh"][x] + states[t] @ p["W_hh"] + p["b_h"])  # row x of W_xh = one-hot @ W_xh
    probabilities = softmax(states[1:] @ p["W_hy"] + p["b_y"])  # every step's scores at once: (T, vocab)
    loss = -np.sum(np.log(probabilities[np.arange(len(targets)), targets]))
    return float(loss), states, probabilities


@arguments(_window(with_states=True), inputs=_ids, targets=_ids, states=array(ndim=2), probabilities=array(ndim=2))
def bptt_backward(p, inputs, targets, states, probabilities):
    """Backpropagation through time over the window of :func:`rnn_forward`, from its cached values.

    Returns (gradients, dh_prev): the gradient of the loss with respect to every parameter (a dict
    shaped like p) and with respect to the state before the window, states[0] (hidden,). The gradients
    are exact, never clipped, however large: clipping is the training step's decision
    (:meth:`CharRNN.step` clips what this returns).
    Taught in step 6, section 1 (the lab ``bptt_backward``).
    """
    gradients = {name: np.zeros_like(value) for name, value in p.items()}
    dh_next = np.zeros_like(states[0])  # the gradient reaching h_t from step t + 1
    for t in reversed(range(len(inputs))):
        dy = probabilities[t].copy()
        dy[targets[t]] -= 1  # softmax with cross-entropy: p - one_hot(target)
        gradients["W_hy"] += np.outer(states[t + 1], dy)
        gradients["b_y"] += dy
        dh = dy @ p["W_hy"].T + dh_next  # from the output at t, and from the future
        dz = (1 - states[t + 1] ** 2) * dh  # back through tanh, at the state this step produced
        gradients["b_h"] += dz
        gradients["W_xh"][inputs[t]] += dz
        gradients["W_hh"] += np.outer(states[t], dz)
        dh_next = dz @ p["W_hh"].T
    return gradients, dh_next


def loss_and_gradients(p, inputs, targets, h_prev, forward=rnn_forward, backward=bptt_backward):
    """Forward through a window of characters, then backpropagation through time.

    The arguments are those of :func:`rnn_forward`; ``forward`` and ``backward`` may be a learner's
    versions of the two. Returns (summed negative log-likelihood, gradients shaped like p, the last state).
    """
    loss, states, probabilities = forward(p, inputs, targets, h_prev)
    gradients, _ = backward(p, inputs, targets, states, probabilities)
    return float(loss), gradients, states[-1]


_rnn_step = inspect.unwrap(rnn_step)  # for every character of a text: the network's own ids are checked once
_sample = inspect.unwrap(sample_with_temperature)


def forward_step(p, x: int, h):
    """One step of the network outside training: character id ``x`` and state ``h`` (hidden,) ->
    (the new state (hidden,), the scores for the next character (vocab,))."""
    h = _rnn_step(x, h, p["W_xh"], p["W_hh"], p["b_h"])
    return h, h @ p["W_hy"] + p["b_y"]


class CharRNN:
    """A vanilla RNN over characters: ``vocab_size`` in and out, ``hidden_size`` units of memory."""

    @arguments(vocab_size=positive_integer, hidden_size=positive_integer, forward=a_function, backward=a_function)
    def __init__(self, vocab_size: int, hidden_size: int = 100, seed: int = 0, forward=rnn_forward, backward=bptt_backward):
        """``forward`` and ``backward`` (default: this module's) compute each training step's loss and gradients."""
        rng = np.random.default_rng(seed)
        self.forward, self.backward = forward, backward
        self.vocab_size, self.hidden_size = vocab_size, hidden_size
        self.params = {
            "W_xh": rng.normal(scale=0.01, size=(vocab_size, hidden_size)),
            "W_hh": rng.normal(scale=0.01, size=(hidden_size, hidden_size)),
            "b_h": np.zeros(hidden_size),
            "W_hy": rng.normal(scale=0.01, size=(hidden_size, vocab_size)),
            "b_y": np.zeros(vocab_size),
        }
        self.memory = {name: np.zeros_like(value) for name, value in self.params.items()}  # Adagrad's sums of squares

    def initial_state(self) -> np.ndarray:
        return np.zeros(self.hidden_size)

    def loss_and_gradients(self, inputs, targets, h_prev):
        """``loss_and_gradients`` (above) for this network's parameters, with its forward and backward passes."""
        forward, backward = inspect.unwrap(self.forward), inspect.unwrap(self.backward)  # the text was checked once, by train
        return loss_and_gradients(self.params, inputs, targets, h_prev, forward, backward)

    @arguments(learning_rate=positive, clip=positive)
    def step(self, inputs, targets, h_prev, learning_rate: float = 0.1, clip: float = 5.0):
        """One training step on a window: gradients clipped to [-clip, clip], then Adagrad. Returns (loss, h_last)."""
        loss, gradients, h_last = self.loss_and_gradients(inputs, targets, h_prev)
        for name, gradient in gradients.items():
            np.clip(gradient, -clip, clip, out=gradient)  # tames the exploding gradients of long chains
            self.memory[name] += gradient**2
            self.params[name] -= learning_rate * gradient / np.sqrt(self.memory[name] + 1e-8)
        return loss, h_last

    @arguments(
        ids=_ids, iterations=positive_integer, window=positive_integer, learning_rate=positive, report_every=number(minimum=0, integer=True)
    )
    def train(self, ids, iterations: int, window: int = 25, learning_rate: float = 0.1, report_every: int = 0):
        """Slide a window of ``window`` characters along ``ids``, one Adagrad step per window, carrying
        the hidden state across windows (and resetting it at the end of the text). Returns the smoothed
        loss per character after each step."""
        _ids_within("CharRNN.train", "ids", ids, self.vocab_size)
        require(
            len(ids) > window,
            "CharRNN.train",
            "window",
            window,
            f"is not shorter than the text ({len(ids)} ids)",
            f"give a window below {len(ids)}",
        )
        h, position, smooth, history = self.initial_state(), 0, np.log(self.vocab_size), []
        diverged = False
        for iteration in range(1, iterations + 1):
            if position + window + 1 > len(ids):
                h, position = self.initial_state(), 0
            loss, h = self.step(ids[position : position + window], ids[position + 1 : position + window + 1], h, learning_rate)
            smooth = 0.99 * smooth + 0.01 * loss / window
            diverged = diverged or warn_if_diverged("CharRNN.train", loss, f"step {iteration}", learning_rate)
            history.append(smooth)
            position += window
            if report_every and iteration % report_every == 0:
                print(f"step {iteration:6,}: loss per character {smooth:.3f}")
        return np.array(history)

    @arguments(ids=_ids)
    def mean_loss(self, ids) -> float:
        """The mean negative log-likelihood per character of predicting ``ids[1:]`` from what precedes
        them, reading the whole text once with the state carried along (exp of it is the perplexity)."""
        _ids_within("CharRNN.mean_loss", "ids", ids, self.vocab_size)
        require(len(ids) >= 2, "CharRNN.mean_loss", "ids", ids, f"has {len(ids)} ids", "give at least two: a character and the next")
        h, total = self.initial_state(), 0.0
        for x, target in zip(ids[:-1], ids[1:]):
            h, scores = forward_step(self.params, x, h)
            total -= np.log(softmax(scores)[target])
        return total / (len(ids) - 1)

    @arguments(length=positive_integer, temperature=positive, rng=optional(random_generator), h=optional(array(ndim=1)))
    def sample(self, seed_id: int, length: int, temperature: float = 1.0, rng=None, h=None) -> list[int]:
        """Generate ``length`` character ids, starting after ``seed_id``, each drawn with a temperature."""
        if isinstance(seed_id, bool) or not isinstance(seed_id, numbers.Integral):
            fail("CharRNN.sample", "seed_id", seed_id, f"is a {type(seed_id).__name__}", "give a character's id, an int", ArgumentTypeError)
        _ids_within("CharRNN.sample", "seed_id", seed_id, self.vocab_size)
        rng = rng or np.random.default_rng(0)
        h = self.initial_state() if h is None else h
        x, generated = seed_id, []
        for _ in range(length):
            h, scores = forward_step(self.params, x, h)
            x = _sample(scores, temperature, rng)
            generated.append(x)
        return generated
