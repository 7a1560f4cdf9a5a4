"""The exercises of step 1 (``notebooks/01_introducing_deep_learning.ipynb``)."""

from __future__ import annotations

import numpy as np

from utils import nn
from utils.exercises.core import FunctionExercise, Mistake, ValueExercise

#: The four inputs of a two-input logic gate, one per row.
GATE_INPUTS = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
NAND_TABLE = 1.0 - GATE_INPUTS[:, 0] * GATE_INPUTS[:, 1]


def nand_parameters():
    """Weights and bias of a perceptron that computes NAND (the example of Nielsen's chapter 1)."""
    weights = np.array([-2.0, -2.0])  # each input that is on pulls the sum down by 2 ...
    bias = 3.0  # ... so the sum 3 - 2·(number of inputs on) is negative only when both are on
    return weights, bias


def _judge_nand(answer):
    if not isinstance(answer, (tuple, list)) or len(answer) != 2:
        return "Pass the weights and the bias together: check(\"nand_perceptron\", (nand_weights, nand_bias))."
    weights, bias = np.asarray(answer[0], dtype=float), np.asarray(answer[1], dtype=float)
    if weights.shape != (2,):
        return f"`nand_weights` should hold two numbers, one per input, but it has shape {weights.shape}."
    if bias.shape != ():
        return f"`nand_bias` should be a single number, but it has shape {bias.shape}."
    outputs = nn.perceptron(GATE_INPUTS, weights, float(bias))
    if np.array_equal(outputs, NAND_TABLE):
        return None
    if np.array_equal(outputs, 1 - NAND_TABLE):
        return ("Your perceptron computes AND, the exact opposite of NAND.", "Flip the signs of both weights and of the bias.")
    if np.all(outputs == 1):
        return ("Your perceptron outputs 1 for every input, (1, 1) included.",
                "For the input (1, 1) the sum w1 + w2 + b must be zero or negative, while b alone stays positive.")
    if np.all(outputs == 0):
        return ("Your perceptron outputs 0 for every input, (0, 0) included.",
                "For the input (0, 0) the sum is just b, so b must be positive for the output to be 1.")
    wrong_rows = [f"({x1:g}, {x2:g}) gives {o:g}, NAND gives {t:g}" for (x1, x2), o, t in zip(GATE_INPUTS, outputs, NAND_TABLE) if o != t]
    return "Not NAND yet: " + "; ".join(wrong_rows) + "."


NAND = ValueExercise(
    name="nand_perceptron",
    title="A perceptron that computes NAND",
    hint="NAND is 1 unless both inputs are 1. Try equal negative weights and a positive bias that only both weights together can outweigh.",
    solution=nand_parameters,
    judge=_judge_nand,
)

SIGMOID = FunctionExercise(
    name="sigmoid",
    title="The sigmoid function",
    hint="σ(z) = 1 / (1 + e^(-z)). Use np.exp, which works element-wise on whole arrays (math.exp does not).",
    solution=nn.sigmoid,
    cases=[(np.array([-2.0, 0.0, 3.0]),), (np.array([[0.5, -1.0], [4.0, -4.0]]),), (np.array([-1000.0, 1000.0]),)],
    mistakes=[
        Mistake(lambda z: 1 / (1 + np.exp(z)), "That is σ(-z): check the sign in the exponent, e^(-z)."),
        Mistake(lambda z: 1 + np.exp(-z), "That is 1 + e^(-z); the sigmoid is one divided by it."),
        Mistake(nn.step, "That is the perceptron's step function; the sigmoid is its smooth version."),
    ],
    shape_hint="Apply the formula element by element so the output has the same shape as z: no sums or loops needed.",
)


def forward(x, W1, b1, W2, b2):
    """Two sigmoid layers, one example per row: (batch, 3) -> (batch, 5) -> (batch, 2) here."""
    hidden = nn.sigmoid(x @ W1 + b1)
    return nn.sigmoid(hidden @ W2 + b2)


_rng = np.random.default_rng(1)
_FORWARD_CASES = [
    (_rng.normal(size=(4, 3)), _rng.normal(size=(3, 5)), _rng.normal(size=5), _rng.normal(size=(5, 2)), _rng.normal(size=2)),
    (_rng.normal(size=(1, 3)), _rng.normal(size=(3, 5)), _rng.normal(size=5), _rng.normal(size=(5, 2)), _rng.normal(size=2)),
]

FORWARD = FunctionExercise(
    name="forward_pass",
    title="A forward pass through two layers",
    hint="Layer by layer: hidden = sigmoid(x @ W1 + b1), then output = sigmoid(hidden @ W2 + b2).",
    solution=forward,
    cases=_FORWARD_CASES,
    mistakes=[
        Mistake(lambda x, W1, b1, W2, b2: nn.sigmoid(nn.sigmoid(x @ W1) @ W2), "The biases b1 and b2 are missing."),
        Mistake(lambda x, W1, b1, W2, b2: nn.sigmoid((x @ W1 + b1) @ W2 + b2),
                "The hidden layer has no activation: without it, two layers collapse into one linear map."),
        Mistake(lambda x, W1, b1, W2, b2: nn.sigmoid(x @ W1 + b1) @ W2 + b2, "The output layer needs its sigmoid too."),
    ],
    shape_hint="With one example per row, (batch, 3) @ (3, 5) gives (batch, 5); the bias (5,) is added to every row by broadcasting.",
)

EXERCISES = [NAND, SIGMOID, FORWARD]
