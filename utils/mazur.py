"""Matt Mazur's worked example of backpropagation, with the names of step 3's notebook.

Taught in step 3 (``notebooks/03_backprop_and_gradient_descent.ipynb``), section 2, "Backpropagation
by hand: Matt Mazur's example" (https://mattmazur.com/2015/03/17/a-step-by-step-backpropagation-example/):
a 2-2-2 sigmoid network, one training example, the eight weights in a dict ``{"w1": ..., "w8": ...}``.
The names below (``i1``, ``i2``, ``target_o1``, ``target_o2``, ``b1``, ``b2``, ``learning_rate``,
``start_weights``, ``forward``) are the notebook's, so that ``posted_step``, the solution of the warm-up
"posted_step", runs as it is when pasted there. ``posted_step_by_matrices`` takes the same step in the
matrix layout of ``utils.network`` (``mazur_example``): the warm-up's independent reference, and the
notebook's step until the learner's passes. The same network in that layout, trained correctly, is
checked against the post's figures in ``tests/test_network.py``. The ``@arguments`` line above a function
declares its argument checks (``utils.checks``), not part of a lab's solution.
"""

from __future__ import annotations

import numpy as np

from utils.checks import arguments, numbers_by_name
from utils.network import mazur_example
from utils.nn import sigmoid

i1, i2 = 0.05, 0.10  # inputs
target_o1, target_o2 = 0.01, 0.99  # targets
b1, b2 = 0.35, 0.60  # biases (Mazur keeps them fixed)
learning_rate = 0.5
start_weights = {"w1": 0.15, "w2": 0.20, "w3": 0.25, "w4": 0.30, "w5": 0.40, "w6": 0.45, "w7": 0.50, "w8": 0.55}


_weights = numbers_by_name(required=tuple(start_weights), allowed='give a dict of the eight weights, {"w1": 0.15, ..., "w8": 0.55}')


@arguments(w=_weights)
def forward(w: dict[str, float]) -> dict[str, float]:
    """Mazur's forward pass for the weights in the dict ``w``: every net input and output (the notebook's ``forward``)."""
    net_h1, net_h2 = w["w1"] * i1 + w["w2"] * i2 + b1, w["w3"] * i1 + w["w4"] * i2 + b1
    out_h1, out_h2 = sigmoid(net_h1), sigmoid(net_h2)
    net_o1, net_o2 = w["w5"] * out_h1 + w["w6"] * out_h2 + b2, w["w7"] * out_h1 + w["w8"] * out_h2 + b2
    return dict(
        net_h1=net_h1,
        out_h1=out_h1,
        net_h2=net_h2,
        out_h2=out_h2,
        net_o1=net_o1,
        out_o1=sigmoid(net_o1),
        net_o2=net_o2,
        out_o2=sigmoid(net_o2),
    )


@arguments(w=_weights)
def posted_step(w):
    """Mazur's training step with the slip behind some of his post's figures: the hidden layer's error
    signals use w5...w8 after their update. ``w``: dict of the eight weights -> the dict after the step.
    Step 3, section 2: the solution of the warm-up "posted_step"."""
    values = forward(w)
    error_o1 = (values["out_o1"] - target_o1) * values["out_o1"] * (1 - values["out_o1"])
    error_o2 = (values["out_o2"] - target_o2) * values["out_o2"] * (1 - values["out_o2"])
    new = dict(w)
    new["w5"] = w["w5"] - learning_rate * error_o1 * values["out_h1"]
    new["w6"] = w["w6"] - learning_rate * error_o1 * values["out_h2"]
    new["w7"] = w["w7"] - learning_rate * error_o2 * values["out_h1"]
    new["w8"] = w["w8"] - learning_rate * error_o2 * values["out_h2"]
    # The slip: the error goes back through the updated w5...w8 (new), not those of the forward pass (w).
    error_h1 = (error_o1 * new["w5"] + error_o2 * new["w7"]) * values["out_h1"] * (1 - values["out_h1"])
    error_h2 = (error_o1 * new["w6"] + error_o2 * new["w8"]) * values["out_h2"] * (1 - values["out_h2"])
    new["w1"] = w["w1"] - learning_rate * error_h1 * i1
    new["w2"] = w["w2"] - learning_rate * error_h1 * i2
    new["w3"] = w["w3"] - learning_rate * error_h2 * i1
    new["w4"] = w["w4"] - learning_rate * error_h2 * i2
    return new


@arguments(w=_weights)
def posted_step_by_matrices(w: dict[str, float]) -> dict[str, float]:
    """The same slipped step in the course's matrix layout (``utils.network.mazur_example``): the second
    layer is updated first, and its new weights send the error back. ``w``: dict -> dict, as ``posted_step``."""
    network, X, Y = mazur_example()
    W1 = np.array([[w["w1"], w["w3"]], [w["w2"], w["w4"]]])
    W2 = np.array([[w["w5"], w["w7"]], [w["w6"], w["w8"]]])
    hidden = sigmoid(X @ W1 + network.biases[0])
    output = sigmoid(hidden @ W2 + network.biases[1])
    delta_output = (output - Y) * output * (1 - output)
    W2 = W2 - learning_rate * hidden.T @ delta_output
    delta_hidden = (delta_output @ W2.T) * hidden * (1 - hidden)  # the new W2: the slip
    W1 = W1 - learning_rate * X.T @ delta_hidden
    return {"w1": W1[0, 0], "w2": W1[1, 0], "w3": W1[0, 1], "w4": W1[1, 1], "w5": W2[0, 0], "w6": W2[1, 0], "w7": W2[0, 1], "w8": W2[1, 1]}
