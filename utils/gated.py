"""LSTM and GRU cells written by hand in NumPy, with Christopher Olah's names for the gates, and
converters from the weights of Keras' ``LSTM`` and ``GRU`` layers.

Taught in step 7 (``notebooks/07_further_topics.ipynb``), section 1. One example per row; the
concatenation ``[h, x]`` puts the previous hidden state first, as in Olah's diagrams.

Where Keras' conventions differ from the blog's equations:

- Keras keeps two matrices per layer, ``kernel`` for x and ``recurrent_kernel`` for h, with the gates
  side by side in the columns (LSTM order i, f, C̃, o; GRU order z, r, h̃); Olah writes one matrix per
  gate acting on [h, x]. Same numbers, arranged differently: the converters below rearrange them.
- Keras' GRU keeps the *old* state where the update gate is 1: h = z ⊙ h_prev + (1 - z) ⊙ h̃.
  Olah's GRU writes h = (1 - z) ⊙ h_prev + z ⊙ h̃. The gate simply means the opposite.
- Keras' GRU (``reset_after=True``, its default) applies the reset gate after multiplying the
  previous state by its weights, with a bias of its own: h̃ = tanh(x W + b + r ⊙ (h_prev U + b_r)).
  Olah resets before: h̃ = tanh([r ⊙ h_prev, x] W_h + b), which is Keras' ``reset_after=False``.
  Both are used in practice.

The labs of section 1 take Keras' weights as they are (``lstm_step_from_keras`` and
``olah_gru_step_from_keras`` are the course's versions of them: a converter, then Olah's equations).
"""

from __future__ import annotations

import numpy as np

from utils.nn import sigmoid


def lstm_step(x, h, c, p):
    """One LSTM step (Olah's equations). x (batch, inputs), h and c (batch, units) -> new (h, c).

    p holds W_f, W_i, W_C, W_o, each (units + inputs, units) acting on [h, x], and biases b_f, b_i, b_C, b_o.
    """
    hx = np.concatenate([h, x], axis=-1)
    f = sigmoid(hx @ p["W_f"] + p["b_f"])  # forget gate: how much of each cell value to keep
    i = sigmoid(hx @ p["W_i"] + p["b_i"])  # input gate: how much of the candidate to write
    c_tilde = np.tanh(hx @ p["W_C"] + p["b_C"])  # candidate values
    c = f * c + i * c_tilde  # the cell state: kept part plus written part
    o = sigmoid(hx @ p["W_o"] + p["b_o"])  # output gate: how much of the cell to show
    return o * np.tanh(c), c


def gru_step(x, h, p):
    """One GRU step in Keras' convention (see the module notes). x (batch, inputs), h (batch, units) -> new h.

    p holds W_z, W_r, W_h (inputs, units) for x; U_z, U_r, U_h (units, units) for h; biases b_z, b_r, b_h
    for x and b_rz, b_rr, b_rh for h (Keras' ``reset_after`` form has a bias on each side).
    """
    z = sigmoid(x @ p["W_z"] + p["b_z"] + h @ p["U_z"] + p["b_rz"])  # update gate
    r = sigmoid(x @ p["W_r"] + p["b_r"] + h @ p["U_r"] + p["b_rr"])  # reset gate
    h_tilde = np.tanh(x @ p["W_h"] + p["b_h"] + r * (h @ p["U_h"] + p["b_rh"]))  # candidate state
    return z * h + (1 - z) * h_tilde  # z = 1 keeps the old state


def olah_gru_step(x, h, p):
    """One GRU step in Olah's convention. x (batch, inputs), h (batch, units) -> new h.

    p holds W_z, W_r, W_h, each (units + inputs, units), and biases b_z, b_r, b_h. W_z and W_r act on
    [h, x]; W_h acts on [r ⊙ h, x]: the reset gate scales the old state before the product.
    """
    hx = np.concatenate([h, x], axis=-1)
    z = sigmoid(hx @ p["W_z"] + p["b_z"])  # update gate: how much to rewrite
    r = sigmoid(hx @ p["W_r"] + p["b_r"])  # reset gate: how much of h the candidate sees
    h_tilde = np.tanh(np.concatenate([r * h, x], axis=-1) @ p["W_h"] + p["b_h"])  # candidate state
    return (1 - z) * h + z * h_tilde  # z = 1 writes the candidate


def run(step, x, state):
    """Apply ``step`` along the time axis of x (batch, time, inputs); returns the hidden state at every
    step, (batch, time, units), and the final state (a tuple for the LSTM, an array for the GRU)."""
    outputs = []
    for t in range(x.shape[1]):
        state = step(x[:, t], *state) if isinstance(state, tuple) else step(x[:, t], state)
        outputs.append(np.array(state[0] if isinstance(state, tuple) else state))  # a copy, should a step work in place
    return np.stack(outputs, axis=1), state


def _gate_block(array, k: int, units: int):
    """The k-th gate's columns of a Keras weight array whose gates sit side by side, ``units`` wide each."""
    return array[..., k * units : (k + 1) * units]


def lstm_from_keras(kernel, recurrent_kernel, bias):
    """Olah's per-gate matrices from a Keras LSTM layer's weights (gate order i, f, C̃, o)."""
    units = recurrent_kernel.shape[0]
    p = {}
    for k, gate in enumerate(("i", "f", "C", "o")):
        p[f"W_{gate}"] = np.concatenate(
            [_gate_block(recurrent_kernel, k, units), _gate_block(kernel, k, units)], axis=0
        )  # rows: h first, then x
        p[f"b_{gate}"] = _gate_block(bias, k, units)
    return p


def gru_from_keras(kernel, recurrent_kernel, bias):
    """The per-gate matrices of ``gru_step`` from a Keras GRU layer's weights (gate order z, r, h̃;
    ``bias`` of shape (2, 3 units): the input bias, then the recurrent bias)."""
    units = recurrent_kernel.shape[0]
    p = {}
    for k, gate in enumerate(("z", "r", "h")):
        p[f"W_{gate}"], p[f"U_{gate}"] = _gate_block(kernel, k, units), _gate_block(recurrent_kernel, k, units)
        p[f"b_{gate}"], p[f"b_r{gate}"] = _gate_block(bias[0], k, units), _gate_block(bias[1], k, units)
    return p


def olah_gru_from_keras(kernel, recurrent_kernel, bias):
    """Olah's per-gate matrices (for ``olah_gru_step``) from the weights of ``keras.layers.GRU(...,
    reset_after=False)``: gate order z, r, h̃, and one bias of shape (3 units,).

    Keras' update gate keeps the old state where Olah's writes the candidate, so Olah's gate is
    1 - σ(a) = σ(-a): the update gate's weights and bias change sign.
    """
    units = recurrent_kernel.shape[0]
    p = {}
    for k, gate in enumerate(("z", "r", "h")):
        sign = -1.0 if gate == "z" else 1.0
        p[f"W_{gate}"] = sign * np.concatenate(
            [_gate_block(recurrent_kernel, k, units), _gate_block(kernel, k, units)], axis=0
        )  # rows: h first, then x
        p[f"b_{gate}"] = sign * _gate_block(bias, k, units)
    return p


def lstm_step_from_keras(x, h, c, kernel, recurrent_kernel, bias):
    """One LSTM step from the weights of a Keras LSTM layer, as section 1's lab takes them:
    x (batch, inputs), h and c (batch, units) -> new (h, c). Olah's ``lstm_step`` after ``lstm_from_keras``."""
    return lstm_step(x, h, c, lstm_from_keras(kernel, recurrent_kernel, bias))


def olah_gru_step_from_keras(x, h, kernel, recurrent_kernel, bias):
    """One GRU step in Olah's convention from the weights of ``keras.layers.GRU(..., reset_after=False)``,
    as section 1's lab takes them: x (batch, inputs), h (batch, units) -> new h."""
    return olah_gru_step(x, h, olah_gru_from_keras(kernel, recurrent_kernel, bias))
