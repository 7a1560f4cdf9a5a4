"""LSTM and GRU cells written by hand in NumPy, with Christopher Olah's names for the gates, on the
weights of Keras' ``LSTM`` and ``GRU`` layers as Keras keeps them.

Taught in step 7 (``notebooks/07_further_topics.ipynb``), section 1, where the learner writes the
first two as the labs ``lstm_step`` and ``gru_olah`` (``utils/exercises/step07.py`` checks them) and
these tested versions take over until theirs pass; ``gru_step`` (with ``gru_from_keras``) is Keras'
default GRU. One example per row.

Where Keras' conventions differ from the blog's equations:

- Keras keeps two matrices per layer, ``kernel`` for x and ``recurrent_kernel`` for h, with the gates
  side by side in the columns (LSTM order i, f, C̃, o; GRU order z, r, h̃); Olah writes one matrix per
  gate acting on [h, x]. Same numbers, arranged differently: Olah's W_f is the f block of
  ``recurrent_kernel`` stacked on the f block of ``kernel``.
- Keras' GRU keeps the *old* state where the update gate is 1: h = z ⊙ h_prev + (1 - z) ⊙ h̃.
  Olah's GRU writes h = (1 - z) ⊙ h_prev + z ⊙ h̃. The gate simply means the opposite.
- Keras' GRU (``reset_after=True``, its default) applies the reset gate after multiplying the
  previous state by its weights, with a bias of its own: h̃ = tanh(x W + b + r ⊙ (h_prev U + b_r)).
  Olah resets before: h̃ = tanh([r ⊙ h_prev, x] W_h + b), which is Keras' ``reset_after=False``.
  Both are used in practice.
"""

from __future__ import annotations

import numpy as np

from utils.nn import sigmoid


def lstm_step_from_keras(x, h, c, kernel, recurrent_kernel, bias):
    """One LSTM step in Olah's names, from the weights of keras.layers.LSTM: x (batch, inputs), h and c
    (batch, units) -> (new h, new c), each (batch, units).

    kernel (inputs, 4 units), recurrent_kernel (units, 4 units), bias (4 units,): the gates side by side,
    in the order i, f, C̃, o. Section 1 of step 7; the solution of lab ``lstm_step``.
    """
    units = h.shape[-1]
    gates = x @ kernel + h @ recurrent_kernel + bias  # (batch, 4 units), in Keras' order i, f, C̃, o
    i = sigmoid(gates[:, :units])  # input gate
    f = sigmoid(gates[:, units : 2 * units])  # forget gate
    c_tilde = np.tanh(gates[:, 2 * units : 3 * units])  # candidate values
    o = sigmoid(gates[:, 3 * units :])  # output gate
    c = f * c + i * c_tilde  # keep part of the old cell, write part of the candidate
    return o * np.tanh(c), c


def olah_gru_step_from_keras(x, h, kernel, recurrent_kernel, bias):
    """One GRU step in Olah's convention, from the weights of keras.layers.GRU(reset_after=False):
    x (batch, inputs), h (batch, units) -> the new h (batch, units).

    kernel (inputs, 3 units), recurrent_kernel (units, 3 units), bias (3 units,): the gates side by side,
    in the order z, r, h̃. Keras' update gate gives the share of h to keep, Olah's the share of the
    candidate to write: one is 1 minus the other. Section 1 of step 7; the solution of lab ``gru_olah``.
    """
    units = h.shape[-1]
    W_z, W_r, W_h = kernel[:, :units], kernel[:, units : 2 * units], kernel[:, 2 * units :]
    U_z, U_r, U_h = recurrent_kernel[:, :units], recurrent_kernel[:, units : 2 * units], recurrent_kernel[:, 2 * units :]
    b_z, b_r, b_h = bias[:units], bias[units : 2 * units], bias[2 * units :]
    z = 1 - sigmoid(x @ W_z + h @ U_z + b_z)  # Olah's update gate: Keras' block gives the share to keep
    r = sigmoid(x @ W_r + h @ U_r + b_r)  # reset gate
    h_tilde = np.tanh(x @ W_h + (r * h) @ U_h + b_h)  # candidate: the reset scales h before its product
    return (1 - z) * h + z * h_tilde


def gru_step(x, h, p):
    """One GRU step in Keras' convention (see the module notes). x (batch, inputs), h (batch, units) -> new h.

    p holds W_z, W_r, W_h (inputs, units) for x; U_z, U_r, U_h (units, units) for h; biases b_z, b_r, b_h
    for x and b_rz, b_rr, b_rh for h (Keras' ``reset_after`` form has a bias on each side).
    """
    z = sigmoid(x @ p["W_z"] + p["b_z"] + h @ p["U_z"] + p["b_rz"])  # update gate
    r = sigmoid(x @ p["W_r"] + p["b_r"] + h @ p["U_r"] + p["b_rr"])  # reset gate
    h_tilde = np.tanh(x @ p["W_h"] + p["b_h"] + r * (h @ p["U_h"] + p["b_rh"]))  # candidate state
    return z * h + (1 - z) * h_tilde  # z = 1 keeps the old state


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


def gru_from_keras(kernel, recurrent_kernel, bias):
    """The per-gate matrices of ``gru_step`` from a Keras GRU layer's weights (gate order z, r, h̃;
    ``bias`` of shape (2, 3 units): the input bias, then the recurrent bias)."""
    units = recurrent_kernel.shape[0]
    p = {}
    for k, gate in enumerate(("z", "r", "h")):
        p[f"W_{gate}"], p[f"U_{gate}"] = _gate_block(kernel, k, units), _gate_block(recurrent_kernel, k, units)
        p[f"b_{gate}"], p[f"b_r{gate}"] = _gate_block(bias[0], k, units), _gate_block(bias[1], k, units)
    return p
