"""LSTM and GRU cells written by hand in NumPy, with Christopher Olah's names for the gates, on the
weights of Keras' ``LSTM`` and ``GRU`` layers as Keras keeps them.

Taught in step 7 (``notebooks/07_further_topics.ipynb``): section 1, where the learner writes the
first two as the labs ``lstm_step`` and ``gru_olah``, and section 3, where ``lstm_step_backward`` (one
LSTM step's backward pass) is the lab of that name (``utils/exercises/step07.py`` checks them); these
tested versions take over until the learner's pass. ``gru_step`` (with ``gru_from_keras``) is Keras'
default GRU. One example per row.

Where Keras' conventions differ from the blog's equations:

- Keras keeps two matrices per layer, ``kernel`` for x and ``recurrent_kernel`` for h, with the gates
  side by side in the columns (LSTM order i, f, C̃, o; GRU order z, r, h̃); Olah writes one matrix per
  gate acting on the column vector [h, x], W_f [h, x]. Same numbers, arranged differently: with one
  example per row the product is [h, x] W_fᵀ, and W_fᵀ is the f block of ``recurrent_kernel`` stacked
  on the f block of ``kernel``, (units + inputs, units).
- Keras' GRU keeps the *old* state where the update gate is 1: h = z ⊙ h_prev + (1 - z) ⊙ h̃.
  Olah's GRU writes h = (1 - z) ⊙ h_prev + z ⊙ h̃. The gate simply means the opposite.
- Keras' GRU (``reset_after=True``, its default) applies the reset gate after multiplying the
  previous state by its weights, with a bias of its own: h̃ = tanh(x W + b + r ⊙ (h_prev U + b_r)).
  Olah resets before: h̃ = tanh([r ⊙ h_prev, x] W_h + b), which is Keras' ``reset_after=False``.
  Both are used in practice.
"""

from __future__ import annotations

import numpy as np

from utils.checks import ArgumentTypeError, a_function, arguments, array, fail
from utils.nn import sigmoid


def _keras_weights(gates: int, cell: str, *, state: tuple[str, ...] = ("h",), upstream: tuple[str, ...] = ()):
    """For :func:`arguments`: one step's arrays fit each other and a Keras layer of ``gates`` gates side by side: x
    (batch, inputs); each of ``state`` and ``upstream`` (batch, units); kernel (inputs, gates · units), recurrent_kernel
    (units, gates · units), bias (gates · units,). ``cell`` names the layer (an LSTM has 4 gates, a GRU 3)."""

    def check(function: str, values: dict) -> None:
        batch, inputs = np.shape(values["x"])
        units = np.shape(values["h"])[1]
        expected: dict[str, tuple[int, ...]] = {name: (batch, units) for name in (*state, *upstream)}
        expected.update(kernel=(inputs, gates * units), recurrent_kernel=(units, gates * units), bias=(gates * units,))
        for name, shape in expected.items():
            if np.shape(values[name]) != shape:
                where = f"{cell} with {units} units on {inputs} inputs, a batch of {batch}"
                fail(function, name, values[name], f"does not fit {where}", f"give an array of shape {shape}")

    return check


_rows = array(ndim=2)
_vector = array(ndim=1)


@arguments(_keras_weights(4, "an LSTM", state=("h", "c")), x=_rows, h=_rows, c=_rows, kernel=_rows, recurrent_kernel=_rows, bias=_vector)
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


@arguments(
    _keras_weights(4, "an LSTM", state=("h", "c"), upstream=("dh", "dc")),
    dh=_rows,
    dc=_rows,
    x=_rows,
    h=_rows,
    c=_rows,
    kernel=_rows,
    recurrent_kernel=_rows,
    bias=_vector,
)
def lstm_step_backward(dh, dc, x, h, c, kernel, recurrent_kernel, bias):
    """The gradients of one LSTM step (section 1's ``lstm_step_from_keras``), from the gradients that reach its outputs.

    dh, dc (batch, units): ∂L/∂h_t and ∂L/∂C_t from what comes after the step (the output, the next step);
    x (batch, inputs), h and c (batch, units): the step's inputs h_{t-1} and C_{t-1}; kernel (inputs, 4 units),
    recurrent_kernel (units, 4 units), bias (4 units,) as Keras keeps them (gate order i, f, C̃, o).
    Returns (dx, dh_prev, dc_prev, dkernel, drecurrent_kernel, dbias), each shaped like what it is the
    gradient of; the weights' gradients are sums over the batch. Section 3 of step 7; the solution of lab
    ``lstm_step_backward``.
    """
    units = h.shape[-1]
    gates = x @ kernel + h @ recurrent_kernel + bias  # the forward step again, keeping its parts
    i = sigmoid(gates[:, :units])
    f = sigmoid(gates[:, units : 2 * units])
    c_tilde = np.tanh(gates[:, 2 * units : 3 * units])
    o = sigmoid(gates[:, 3 * units :])
    tanh_c = np.tanh(f * c + i * c_tilde)  # tanh(C_t)
    dc_t = dc + dh * o * (1 - tanh_c**2)  # C_t reaches L through the next step (dc) and through h_t = o ⊙ tanh(C_t)
    d_gates = np.concatenate(
        [
            dc_t * c_tilde * i * (1 - i),  # input gate: C_t = f ⊙ C_{t-1} + i ⊙ C̃
            dc_t * c * f * (1 - f),  # forget gate
            dc_t * i * (1 - c_tilde**2),  # candidate (tanh)
            dh * tanh_c * o * (1 - o),  # output gate
        ],
        axis=1,
    )  # (batch, 4 units): ∂L/∂ of the pre-activations, in Keras' order
    dx, dh_prev, dc_prev = d_gates @ kernel.T, d_gates @ recurrent_kernel.T, dc_t * f
    return dx, dh_prev, dc_prev, x.T @ d_gates, h.T @ d_gates, d_gates.sum(axis=0)


@arguments(_keras_weights(3, "a GRU (reset_after=False)"), x=_rows, h=_rows, kernel=_rows, recurrent_kernel=_rows, bias=_vector)
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


def _gru_parameters(function: str, values: dict) -> None:
    """For gru_step: p holds the twelve arrays of gru_from_keras, fitting x (batch, inputs) and h (batch, units)."""
    p, (batch, inputs), (rows, units) = values["p"], np.shape(values["x"]), np.shape(values["h"])
    if rows != batch:
        fail(function, "h", values["h"], f"has {rows} rows", f"give one state for each of the {batch} rows of x")
    names = [f"{kind}_{gate}" for kind in ("W", "U", "b") for gate in "zrh"] + [f"b_r{gate}" for gate in "zrh"]
    if not isinstance(p, dict) or any(name not in p for name in names):
        fail(
            function, "p", p, "is not the dict of gru_from_keras", "give gru_from_keras(kernel, recurrent_kernel, bias)", ArgumentTypeError
        )
    for name in names:
        shape = {"W": (inputs, units), "U": (units, units), "b": (units,)}[name[0]]
        if np.shape(p[name]) != shape:
            fail(
                function,
                f'p["{name}"]',
                p[name],
                f"does not fit h's {units} units and x's {inputs} inputs",
                f"give an array of shape {shape}",
            )


@arguments(_gru_parameters, x=_rows, h=_rows)
def gru_step(x, h, p):
    """One GRU step in Keras' convention (see the module notes). x (batch, inputs), h (batch, units) -> new h.

    p holds W_z, W_r, W_h (inputs, units) for x; U_z, U_r, U_h (units, units) for h; biases b_z, b_r, b_h
    for x and b_rz, b_rr, b_rh for h (Keras' ``reset_after`` form has a bias on each side).
    """
    z = sigmoid(x @ p["W_z"] + p["b_z"] + h @ p["U_z"] + p["b_rz"])  # update gate
    r = sigmoid(x @ p["W_r"] + p["b_r"] + h @ p["U_r"] + p["b_rr"])  # reset gate
    h_tilde = np.tanh(x @ p["W_h"] + p["b_h"] + r * (h @ p["U_h"] + p["b_rh"]))  # candidate state
    return z * h + (1 - z) * h_tilde  # z = 1 keeps the old state


@arguments(step=a_function, x=array(ndim=3))
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


def _gru_layer(function: str, values: dict) -> None:
    """For gru_from_keras: the weights of a GRU layer with reset_after=True (Keras' default): 3 gates, two biases."""
    kernel, recurrent, bias = (values[name] for name in ("kernel", "recurrent_kernel", "bias"))
    units = np.shape(recurrent)[0]
    if np.shape(recurrent) != (units, 3 * units):
        fail(
            function,
            "recurrent_kernel",
            recurrent,
            "is an LSTM's, (units, 4 units)" if np.shape(recurrent) == (units, 4 * units) else "is not a GRU's, (units, 3 units)",
            "give the weights of a keras.layers.GRU layer",
        )
    if np.shape(kernel)[1:] != (3 * units,):
        fail(function, "kernel", kernel, f"does not fit a GRU of {units} units", f"give an array of shape (inputs, {3 * units})")
    if np.shape(bias) != (2, 3 * units):
        if np.shape(bias) == (3 * units,):
            problem = "is one bias, a GRU(reset_after=False)'s"
        else:
            problem = f"does not fit a GRU of {units} units"
        fail(
            function,
            "bias",
            bias,
            problem,
            f"give the weights of keras.layers.GRU(reset_after=True), its default: a bias of shape (2, {3 * units})",
        )


@arguments(_gru_layer, kernel=_rows, recurrent_kernel=_rows, bias=array())
def gru_from_keras(kernel, recurrent_kernel, bias):
    """The per-gate matrices of ``gru_step`` from a Keras GRU layer's weights (gate order z, r, h̃;
    ``bias`` of shape (2, 3 units): the input bias, then the recurrent bias)."""
    units = recurrent_kernel.shape[0]
    p = {}
    for k, gate in enumerate(("z", "r", "h")):
        p[f"W_{gate}"], p[f"U_{gate}"] = _gate_block(kernel, k, units), _gate_block(recurrent_kernel, k, units)
        p[f"b_{gate}"], p[f"b_r{gate}"] = _gate_block(bias[0], k, units), _gate_block(bias[1], k, units)
    return p
