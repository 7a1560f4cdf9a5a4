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

import numpy as np

from utils.text import sample_with_temperature, softmax

PARAMETERS = ("W_xh", "W_hh", "b_h", "W_hy", "b_y")


def rnn_step(x_id: int, h_prev: np.ndarray, W_xh: np.ndarray, W_hh: np.ndarray, b_h: np.ndarray) -> np.ndarray:
    """One step of the vanilla RNN: the character read now, ``x_id`` (an int), and the state before,
    ``h_prev`` (hidden,), give the new state (hidden,). W_xh is (vocab, hidden), W_hh (hidden, hidden),
    b_h (hidden,); row x_id of W_xh is the one-hot character times W_xh.
    Taught in step 6, section 1 (the warm-up ``rnn_step``).
    """
    return np.tanh(W_xh[x_id] + h_prev @ W_hh + b_h)


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


def bptt_backward(p, inputs, targets, states, probabilities):
    """Backpropagation through time over the window of :func:`rnn_forward`, from its cached values.

    Returns (gradients, dh_prev): the gradient of the loss with respect to every parameter (a dict
    shaped like p) and with respect to the state before the window, states[0] (hidden,).
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


def forward_step(p, x: int, h):
    """One step of the network outside training: character id ``x`` and state ``h`` (hidden,) ->
    (the new state (hidden,), the scores for the next character (vocab,))."""
    h = rnn_step(x, h, p["W_xh"], p["W_hh"], p["b_h"])
    return h, h @ p["W_hy"] + p["b_y"]


class CharRNN:
    """A vanilla RNN over characters: ``vocab_size`` in and out, ``hidden_size`` units of memory."""

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
        return loss_and_gradients(self.params, inputs, targets, h_prev, self.forward, self.backward)

    def step(self, inputs, targets, h_prev, learning_rate: float = 0.1, clip: float = 5.0):
        """One training step on a window: gradients clipped to [-clip, clip], then Adagrad. Returns (loss, h_last)."""
        loss, gradients, h_last = self.loss_and_gradients(inputs, targets, h_prev)
        for name, gradient in gradients.items():
            np.clip(gradient, -clip, clip, out=gradient)  # tames the exploding gradients of long chains
            self.memory[name] += gradient**2
            self.params[name] -= learning_rate * gradient / np.sqrt(self.memory[name] + 1e-8)
        return loss, h_last

    def train(self, ids, iterations: int, window: int = 25, learning_rate: float = 0.1, report_every: int = 0):
        """Slide a window of ``window`` characters along ``ids``, one Adagrad step per window, carrying
        the hidden state across windows (and resetting it at the end of the text). Returns the smoothed
        loss per character after each step."""
        h, position, smooth, history = self.initial_state(), 0, np.log(self.vocab_size), []
        for iteration in range(1, iterations + 1):
            if position + window + 1 > len(ids):
                h, position = self.initial_state(), 0
            loss, h = self.step(ids[position : position + window], ids[position + 1 : position + window + 1], h, learning_rate)
            smooth = 0.99 * smooth + 0.01 * loss / window
            history.append(smooth)
            position += window
            if report_every and iteration % report_every == 0:
                print(f"step {iteration:6,}: loss per character {smooth:.3f}")
        return np.array(history)

    def mean_loss(self, ids) -> float:
        """The mean negative log-likelihood per character of predicting ``ids[1:]`` from what precedes
        them, reading the whole text once with the state carried along (exp of it is the perplexity)."""
        h, total = self.initial_state(), 0.0
        for x, target in zip(ids[:-1], ids[1:]):
            h, scores = forward_step(self.params, x, h)
            total -= np.log(softmax(scores)[target])
        return total / (len(ids) - 1)

    def sample(self, seed_id: int, length: int, temperature: float = 1.0, rng=None, h=None) -> list[int]:
        """Generate ``length`` character ids, starting after ``seed_id``, each drawn with a temperature."""
        rng = rng or np.random.default_rng(0)
        h = self.initial_state() if h is None else h
        x, generated = seed_id, []
        for _ in range(length):
            h, scores = forward_step(self.params, x, h)
            x = sample_with_temperature(scores, temperature, rng)
            generated.append(x)
        return generated
